/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/api.c, the STAC API walk, with no network: the
 * input is a JSON document (anything else is skipped), handed to the real
 * api_start() and api_handle() of a real crawler (crawler_new(); no
 * transfer is ever started) as every kind of response the walk reads:
 *
 *   - a landing page, whose requests are then answered with it again;
 *   - the answer to each request of fixed landing pages that lead to a
 *     /conformance, /children, /queryables, /collections and item search
 *     (GET, and POST with a chain's body kept for merge: true).
 *
 * Whatever the walk queues is popped from the frontier and answered with
 * the document (a bounded number of times; a few are made to fail, for
 * api_failed()), then the rest drained. Every entry queued must be an
 * absolute http(s) URL without user@host, of depth 1 and of the landing
 * page's source; an API request's method is GET or POST, a POST has a
 * body that is a JSON object within the next-link cap, and its header
 * lines are "Name: value" without CR or LF and none of the request's
 * framing or routing (and so for the copy a redirect of it makes). The
 * documents handed to the document hook (collections and features read
 * off the pages) have such URLs too.
 *
 * This harness includes crawler-int.h: api_start() and api_handle() are
 * the crawler's internals, which only a test of them has a reason to
 * reach. The option variants (exhaustive, survey, sample size, search
 * method, page cap) come from a hash of the input. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/crawler-int.h"
#include "src/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The caps of api.c (NEXT_BODY_MAX) and of this harness. */
#define BODY_MAX 65536
#define ANSWERS_MAX 48

/* The fixed landing pages whose requests get the input for an answer,
 * and a fixed /queryables answer (scenario 5: a filtered POST search, so
 * that the input is read as its pages with the chain's body to merge). */
static const char *const landings[] = {
    /* 1: no conformsTo, so /conformance is asked; the children list. */
    "{\"type\":\"Catalog\",\"id\":\"a\",\"stac_version\":\"1.0.0\","
    "\"conformsTo\":[],\"links\":["
    "{\"rel\":\"conformance\",\"href\":\"conformance\"},"
    "{\"rel\":\"children\",\"href\":\"children\","
    "\"type\":\"application/json\"}]}",
    /* 2: the Filter extension: /queryables. */
    "{\"type\":\"Catalog\",\"id\":\"a\",\"stac_version\":\"1.0.0\","
    "\"conformsTo\":[\"https://api.stacspec.org/v1.0.0/core\","
    "\"https://api.stacspec.org/v1.0.0/item-search#filter\","
    "\"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text\"],"
    "\"links\":[{\"rel\":\"queryables\",\"href\":\"/q\"},"
    "{\"rel\":\"search\",\"href\":\"search\",\"method\":\"GET\"}]}",
    /* 3: collections, with a data link. */
    "{\"type\":\"Catalog\",\"id\":\"a\",\"stac_version\":\"1.0.0\","
    "\"conformsTo\":[\"https://api.stacspec.org/v1.0.0/core\","
    "\"https://api.stacspec.org/v1.0.0/collections\"],"
    "\"links\":[{\"rel\":\"data\",\"href\":\"collections\"}]}",
    /* 4: item search alone: its /search is sampled. */
    "{\"type\":\"Catalog\",\"id\":\"a\",\"stac_version\":\"1.0.0\","
    "\"conformsTo\":[\"https://api.stacspec.org/v1.0.0/core\","
    "\"https://api.stacspec.org/v1.0.0/item-search\"],"
    "\"links\":[{\"rel\":\"search\",\"href\":\"search\"}]}",
    /* 5: filter in CQL2 JSON with a POST search. */
    "{\"type\":\"Catalog\",\"id\":\"a\",\"stac_version\":\"1.0.0\","
    "\"conformsTo\":[\"https://api.stacspec.org/v1.0.0/core\","
    "\"https://api.stacspec.org/v1.0.0/collections\","
    "\"https://api.stacspec.org/v1.0.0/item-search#filter\","
    "\"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json\"],"
    "\"links\":[{\"rel\":\"search\",\"href\":\"search\","
    "\"method\":\"POST\"}]}",
};

static const char queryables5[] =
    "{\"properties\":{\"mlm:name\":{},\"ml-model:type\":{}}}";

static const char *const ours[] = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-authorization",
    "proxy-connection",
};

struct run {
    struct crawler *c;
    const char *source;
    const json_t *doc;        /* the input */
    const json_t *queryables; /* fixed answer, or NULL */
    uint32_t hash;
    int answers;
};

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* An absolute http(s) URL, without user@host, blanks or control bytes. */
static void check_url(const char *u)
{
    size_t skip;
    if (strncmp(u, "https://", 8) == 0)
        skip = 8;
    else if (strncmp(u, "http://", 7) == 0)
        skip = 7;
    else
        abort();
    size_t auth = strcspn(u + skip, "/?#");
    if (auth == 0 || memchr(u + skip, '@', auth))
        abort();
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            abort();
}

static void check_header(const char *line)
{
    const char *colon = strstr(line, ": ");
    size_t name = colon ? (size_t)(colon - line) : 0;
    if (name == 0 || strpbrk(line, "\r\n") || strcspn(line, " \t:") != name)
        abort();
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        if (strlen(ours[i]) == name && strncasecmp(line, ours[i], name) == 0)
            abort();
}

static void check_request(const struct request *r)
{
    if (!r->api || r->kind < REQ_CONFORMANCE || r->kind > REQ_CHILDREN)
        abort();
    bool is_post = r->method && strcmp(r->method, "POST") == 0;
    if (r->method && !is_post && strcmp(r->method, "GET") != 0)
        abort();
    if (r->body) {
        /* A next link's body is echoed as given: "\u0000" is JSON. */
        json_t *body = json_loads(r->body, JSON_ALLOW_NUL, NULL);
        if (!is_post || !json_is_object(body) || strlen(r->body) > BODY_MAX)
            abort();
        json_decref(body);
    } else if (is_post) {
        abort();
    }
    for (size_t i = 0; r->headers && r->headers[i]; i++)
        check_header(r->headers[i]);
}

/* The request a redirect of r leads to (crawler.c's follow_redirect()):
 * a 303 turns a POST into a GET without a body, a 307 keeps it. */
static void check_redirected(const struct request *r, long status)
{
    struct request *copy = api_request_redirected(r, status);
    check_request(copy);
    if (copy->kind != r->kind || (status == 303 && copy->body) ||
        (status == 307 && !copy->body != !r->body))
        abort();
    request_free(copy);
}

static void check_entry(const struct run *run, const struct frontier_entry *e)
{
    check_url(e->url);
    if (e->depth != 1 || strcmp(e->source, run->source) != 0)
        abort();
    if (e->data) {
        check_request(e->data);
        check_redirected(e->data, run->hash & 1 ? 307 : 303);
    }
}

/* The document hook: every collection and feature the walk reads off a
 * page. Its answer (the model extensions) steers the walk: read here
 * from stac_extensions, as the index would read them. */
static int on_document(void *ctx, const struct crawler_doc *d)
{
    const struct run *run = ctx;
    size_t i;
    const json_t *v;
    int ext = 0;
    check_url(d->url);
    /* 1: a collection of a /collections page; 2: a feature of a page. */
    if (d->depth < 1 || d->depth > 2 || strcmp(d->source, run->source) != 0 ||
        !d->json)
        abort();
    json_array_foreach (json_object_get(d->json, "stac_extensions"), i, v) {
        const char *s = json_string_value(v);
        if (s && strstr(s, "ml-model"))
            ext |= CRAWLER_EXT_ML_MODEL;
        if (s && strstr(s, "/dlm"))
            ext |= CRAWLER_EXT_DLM;
        if (s && strstr(s, "/mlm"))
            ext |= CRAWLER_EXT_MLM;
    }
    return ext;
}

/* Answer an API request: with the input, the fixed queryables, or (for
 * about one in eight, by the input's hash) a failure. */
static void answer(struct run *run, struct frontier_entry *e)
{
    const struct request *r = e->data;
    int n = run->answers++;
    if (((run->hash >> (n % 29)) & 7) == 0) {
        api_failed(run->c, e, "HTTP 500 (fuzz)");
        return;
    }
    const json_t *doc = run->doc;
    if (r->kind == REQ_QUERYABLES && run->queryables)
        doc = run->queryables;
    api_handle(run->c, e, doc, e->url);
}

/* Pop, check and answer (or just free) everything queued. */
static void serve(struct run *run)
{
    struct frontier_entry *e;
    while ((e = frontier_pop(run->c->frontier, 0)) != NULL) {
        check_entry(run, e);
        if (e->data && run->answers < ANSWERS_MAX)
            answer(run, e);
        frontier_done(run->c->frontier, e);
    }
    if (frontier_queued(run->c->frontier) != 0)
        abort();
}

static void start(struct run *run, const char *url, const json_t *landing)
{
    struct frontier_entry e = {
        .url = (char *)url,
        .source = (char *)url,
    };
    run->source = url;
    run->answers = 0;
    api_start(run->c, &e, landing, url);
    serve(run);
}

static void on_report(void *ctx, const struct crawler_api_report *r)
{
    (void)ctx;
    if (!r->strategy || json_array_size(r->warnings) > 50)
        abort();
}

static void options(struct crawler_options *opt, uint32_t h)
{
    static const char methods[] = {0, 'G', 'P', 0};
    static const int samples[] = {1, 2, 10, 25};
    crawler_options_default(opt);
    opt->exhaustive = (h & 7) == 1;
    opt->survey = (h & 7) == 2;
    opt->search_method = methods[(h >> 3) & 3];
    opt->sample = samples[(h >> 5) & 3];
    opt->max_pages = (h >> 7) & 1 ? 3 : 0;
}

/* The landing pages of scenarios 1 to 5, parsed once. */
static json_t *landing(size_t i)
{
    static json_t *parsed[sizeof(landings) / sizeof(landings[0])];
    if (!parsed[i])
        parsed[i] = json_loads(landings[i], 0, NULL);
    if (!parsed[i])
        abort();
    return parsed[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const urls[] = {
        "https://api1.example.com/",        "https://api2.example.com/v1",
        "https://api3.example.com/stac/",   "http://api4.example.com:8080/",
        "https://api5.example.com/a?key=1",
    };
    struct crawler_options opt;
    struct crawler_hooks hooks = {.document = on_document};
    struct run run = {.hash = fnv1a(data, size)};
    json_t *doc;

    if (size > 256 * 1024)
        return 0;
    log_set_level(LOG_LEVEL_QUIET);
    doc = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    if (!doc)
        return 0;
    options(&opt, run.hash);
    hooks.ctx = &run;
    if (crawler_new(&opt, &hooks, &run.c) != 0)
        abort();
    run.doc = doc;
    start(&run, "https://api.example.com/", doc);
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        run.queryables = i == 4 ? json_loads(queryables5, 0, NULL) : NULL;
        start(&run, urls[i], landing(i));
        json_decref((json_t *)run.queryables);
    }
    crawler_foreach_api(run.c, on_report, NULL);
    crawler_free(run.c);
    json_decref(doc);
    return 0;
}
