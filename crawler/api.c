/* SPDX-License-Identifier: MIT */
/* Harvesting a STAC API without walking millions of items: read the landing
 * page's conformance, ask /queryables whether the server can filter on the
 * model fields, and either search for models only (strategy "filter") or
 * decide per collection: walk collections that declare a model extension,
 * sample the others and walk them only when the sample holds a model
 * (strategy "per-collection"), or walk everything (--exhaustive). Every
 * pagination chain (GET or POST next links, merge included) is guarded
 * against runaway servers. */
#include <config.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "crawler/crawler-int.h"
#include "crawler/links.h"
#include "crawler/stac.h"
#include "src/buf.h"
#include "src/err.h"
#include "src/log.h"
#include "src/url.h"
#include "src/xalloc.h"

/* A next href longer than this is taken for one that grows without end. */
#define NEXT_HREF_MAX 4096
/* A next link's POST body: a search's parameters and a token, not data. */
#define NEXT_BODY_MAX 65536
/* Warnings kept per API. */
#define WARNINGS_MAX 50

enum conf_flag {
    CONF_CORE = 1u << 0,
    CONF_ITEM_SEARCH = 1u << 1,
    CONF_FEATURES = 1u << 2,
    CONF_COLLECTIONS = 1u << 3,
    CONF_FILTER = 1u << 4,
    CONF_CQL2_TEXT = 1u << 5,
    CONF_CQL2_JSON = 1u << 6,
};

struct api {
    int refs;
    char *url;
    char *source;
    int depth;
    unsigned conf;
    char *data_url;
    char *search_get;
    char *search_post;
    bool search_post_only; /* its one search link says POST */
    char *queryables;
    bool queryables_guessed; /* {landing}/queryables: no link named it */
    bool no_list; /* the guessed {landing}/collections is not there */
    /* Child links of the landing page into the guessed /collections, left
     * to its walk: walked as children should it not be there. */
    json_t *children_under_list;
    char *conformance;
    char *children;   /* the children extension's list */
    unsigned covered; /* extensions the filtered search finds */
    /* Collections left to the filtered search, [items URL, how]: "walk"
     * (declared), "sample" (declared nothing), "resample" (a sample held
     * models the search was to find) */
    json_t *left_to_search;
    json_t *planned;   /* collection URL -> true: each is planned once */
    char *filter;      /* the filter sent, for the report */
    int refused_limit; /* the smallest limit the items pages refused, or 0 */
    const char *strategy;
    size_t collections, walked_declared, walked_sampled, skipped_sampled;
    size_t sampled_whole, sample_failed, covered_n, walked_all, pages;
    json_t *warnings;
    size_t n_held; /* warnings of something left unread (api_warn()) */
    struct api *next;
};

/* One pagination sequence: its requests are never repeated, its length is
 * bounded, and a POST chain keeps the original body for merge: true. */
struct chain {
    int refs;
    bool is_sampling;
    bool is_filter;  /* the strategy filter's search */
    bool is_counted; /* a sample: its collection's category counted */
    long sampled;    /* items seen by a sample so far */
    long pages;
    int limit;       /* of the first page, 0 once asked again without */
    char *items_url; /* items endpoint without limit, to restart a sample */
    char *name;      /* of the collection whose items these are, or NULL */
    json_t *seen;    /* request signature -> true */
    json_t *base_body;
    json_t *base_headers;
};

/* ------------------------------------------------------------ lifetime */

static struct api *api_ref(struct api *a)
{
    if (a)
        a->refs++;
    return a;
}

static struct chain *chain_new(void)
{
    struct chain *ch = xcalloc(1, sizeof(*ch));
    ch->refs = 1;
    ch->seen = json_object();
    return ch;
}

static struct chain *chain_ref(struct chain *ch)
{
    if (ch)
        ch->refs++;
    return ch;
}

void *api_request_redirected(const void *p, long status)
{
    const struct request *r = p;
    struct request *n = xcalloc(1, sizeof(*n));
    bool keep = !(status == 301 || status == 302 || status == 303);
    n->kind = r->kind;
    n->api = api_ref(r->api);
    n->chain = chain_ref(r->chain);
    n->method = keep && r->method ? xstrdup(r->method) : NULL;
    n->body = keep && r->body ? xstrdup(r->body) : NULL;
    n->headers = xstrv_dup((const char *const *)r->headers);
    return n;
}

static void chain_unref(struct chain *ch)
{
    if (!ch || --ch->refs > 0)
        return;
    free(ch->items_url);
    free(ch->name);
    json_decref(ch->seen);
    json_decref(ch->base_body);
    json_decref(ch->base_headers);
    free(ch);
}

static void api_unref(struct api *a)
{
    if (!a || --a->refs > 0)
        return;
    free(a->url);
    free(a->source);
    free(a->data_url);
    free(a->search_get);
    free(a->search_post);
    free(a->queryables);
    free(a->conformance);
    free(a->children);
    json_decref(a->left_to_search);
    json_decref(a->planned);
    json_decref(a->children_under_list);
    free(a->filter);
    json_decref(a->warnings);
    free(a);
}

void request_free(void *p)
{
    struct request *r = p;
    if (!r)
        return;
    free(r->method);
    free(r->body);
    strv_free(r->headers);
    api_unref(r->api);
    chain_unref(r->chain);
    free(r);
}

void api_free_all(struct crawler *c)
{
    while (c->apis) {
        struct api *a = c->apis;
        c->apis = a->next;
        api_unref(a);
    }
}

static void api_say(struct api *a, const char *fmt, va_list ap)
{
    char text[512];
    vsnprintf(text, sizeof(text), fmt, ap);
    log_warn("%s: %s", a->url, text);
    if (json_array_size(a->warnings) < WARNINGS_MAX)
        json_array_append_new(a->warnings, json_string(text));
}

static void api_warn(struct api *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning of something the walk left unread: the API's source is not
 * complete this run (nothing of it is marked gone). */
static void api_warn(struct api *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    api_say(a, fmt, ap);
    va_end(ap);
    a->n_held++;
}

static void api_note(struct api *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning of something worked around, with nothing left unread: one of
 * the summary's warnings, but no reason to keep records from being marked
 * gone. */
static void api_note(struct api *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    api_say(a, fmt, ap);
    va_end(ap);
}

/* --------------------------------------------------------- conformance */

/* The class of a conformance URI, whatever its version segment:
 * https://api.stacspec.org/v<anything>/<class>[#fragment], and the OGC
 * filter and CQL2 classes. */
static unsigned conf_class(const char *uri)
{
    static const char *const stac_prefixes[] = {"https://api.stacspec.org/v",
                                                "http://api.stacspec.org/v"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(stac_prefixes[i]);
        if (strncmp(uri, stac_prefixes[i], n) != 0)
            continue;
        const char *cls = strchr(uri + n, '/');
        if (!cls)
            return 0;
        cls++;
        if (strcmp(cls, "core") == 0)
            return CONF_CORE;
        if (strcmp(cls, "item-search") == 0)
            return CONF_ITEM_SEARCH;
        if (strcmp(cls, "item-search#filter") == 0)
            return CONF_ITEM_SEARCH | CONF_FILTER;
        if (strcmp(cls, "ogcapi-features") == 0)
            return CONF_FEATURES;
        if (strcmp(cls, "collections") == 0)
            return CONF_COLLECTIONS;
        return 0;
    }
    if (strstr(uri, "opengis.net/spec/ogcapi-features-3/") &&
        (strstr(uri, "/conf/filter") || strstr(uri, "/conf/features-filter")))
        return CONF_FILTER;
    if (strstr(uri, "opengis.net/spec/cql2/") && strstr(uri, "/cql2-text"))
        return CONF_CQL2_TEXT;
    if (strstr(uri, "opengis.net/spec/cql2/") && strstr(uri, "/cql2-json"))
        return CONF_CQL2_JSON;
    if (strstr(uri, "opengis.net/spec/ogcapi-features-1/"))
        return CONF_FEATURES;
    return 0;
}

static unsigned conf_read(const json_t *list)
{
    unsigned conf = 0;
    size_t i;
    const json_t *v;
    json_array_foreach (list, i, v)
        if (json_is_string(v))
            conf |= conf_class(json_string_value(v));
    return conf;
}

/* ------------------------------------------------------------- requests */

/* The URL a link of an API document leads to, under the rules of every
 * other link (links_check_href(): a remote API must not send us to
 * file:// or hand out credentials) and only if its type is JSON (an API
 * lists its text/html alternates with the same rels); NULL if none, and
 * *why (when not NULL) says why. */
static char *link_url_why(const json_t *link, const char *base,
                          const char **why)
{
    const char *href = json_string_value(json_object_get(link, "href"));
    const char *reason = links_json_type_problem(json_object_get(link, "type"));
    char *u = NULL;
    if (!reason && !href)
        reason = "href is missing or not a string";
    if (!reason)
        links_check_href(base, href, &u, &reason);
    if (why)
        *why = reason;
    return u;
}

static char *link_url(const json_t *link, const char *base)
{
    return link_url_why(link, base, NULL);
}

static bool is_post(const json_t *link)
{
    const char *m = json_string_value(json_object_get(link, "method"));
    return m && strcasecmp(m, "POST") == 0;
}

/* Headers a link may not set: the request's framing and routing are
 * ours (a Content-Length or Transfer-Encoding of a server's choosing
 * would smuggle a second request down a kept-alive connection), and so
 * are the hop-by-hop ones. */
static bool header_is_ours(const char *name)
{
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
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        if (strcasecmp(name, ours[i]) == 0)
            return true;
    return false;
}

/* A link header's value (new), or NULL: a string, or an array of strings
 * (STAC links: Map<string, string | [string]>), which is sent as one
 * line of its values joined by ", " as RFC 9110 5.3 combines them. */
static char *header_value(const json_t *v)
{
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (!json_is_array(v) || json_array_size(v) == 0)
        return NULL;
    /* Appended in place: a page may hold a list of a million strings. */
    struct buf joined;
    buf_init(&joined, SIZE_MAX);
    size_t i;
    const json_t *e;
    json_array_foreach (v, i, e) {
        if (!json_is_string(e)) {
            buf_cleanup(&joined);
            return NULL;
        }
        if (i > 0)
            buf_puts(&joined, ", ");
        buf_puts(&joined, json_string_value(e));
    }
    return buf_detach(&joined, NULL);
}

/* Headers of an object {name: value} as "Name: value" lines (new). */
static char **header_lines(const json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    if (n == 0)
        return NULL;
    char **lines = xcalloc(n + 1, sizeof(*lines));
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        char *s = header_value(v);
        /* A header must not smuggle a second one in. */
        if (s && *k && !strpbrk(k, "\r\n: \t") && !strpbrk(s, "\r\n") &&
            !header_is_ours(k))
            lines[i++] = xasprintf("%s: %s", k, s);
        free(s);
    }
    return lines;
}

/* FNV-1a over s from a given offset basis. */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* A request's identity within its chain, as 128 bits of hash: a chain
 * remembers every page it asked for, and a server may make each page's
 * POST body large. */
static char *signature(const char *method, const char *url, const char *body,
                       char *const *headers)
{
    /* The headers too: a page token may travel in one alone (Search-After,
     * EXTENSIONS.md 7.7), the URL and body staying the same. */
    char *text =
        xasprintf("%s %s\n%s", method ? method : "GET", url, body ? body : "");
    for (size_t i = 0; headers && headers[i]; i++) {
        char *more = xasprintf("%s\n%s", text, headers[i]);
        free(text);
        text = more;
    }
    char *sig = xasprintf("%016" PRIx64 "%016" PRIx64,
                          fnv1a(text, 0xcbf29ce484222325ULL),
                          fnv1a(text, 0x84222325cbf29ce4ULL));
    free(text);
    return sig;
}

static void filter_failed(struct crawler *c, struct api *a, const char *url,
                          const char *what);

/* A sample's verdict on its collection, counted once in one of the
 * summary's categories (*n), so that they add up to the collections. */
static void count_sample(struct chain *ch, size_t *n)
{
    if (!ch || !ch->is_sampling || ch->is_counted)
        return;
    ch->is_counted = true;
    (*n)++;
}

/* A chain stopped short of its last page (the warning said why): when it
 * was the filtered search, what it was to find is looked for per
 * collection, as when the search fails. */
static void chain_stopped(struct crawler *c, struct api *a, struct chain *ch,
                          const char *url)
{
    count_sample(ch, &a->sample_failed);
    if (ch && ch->is_filter && a->covered)
        filter_failed(c, a, url, "stopped short");
}

/* Queue an API request (taking r); a repeat within its chain is refused
 * with a warning, since a server that answers it again would loop. */
static void push(struct crawler *c, struct api *a, const char *url,
                 struct request *r)
{
    if (r->chain) {
        char *sig = signature(r->method, url, r->body, r->headers);
        bool is_repeat = json_object_get(r->chain->seen, sig) != NULL;
        json_object_set_new(r->chain->seen, sig, json_true());
        free(sig);
        if (is_repeat) {
            api_warn(a,
                     "pagination stopped: next link repeats an earlier "
                     "request (%s %s)",
                     r->method ? r->method : "GET", url);
            struct chain *ch = chain_ref(r->chain);
            request_free(r);
            chain_stopped(c, a, ch, url);
            chain_unref(ch);
            return;
        }
    }
    frontier_push_again(c->frontier, url, a->source, a->depth + 1, 0, r);
}

static struct request *request_new(enum req_kind kind, struct api *a,
                                   struct chain *ch)
{
    struct request *r = xcalloc(1, sizeof(*r));
    r->kind = kind;
    r->api = api_ref(a);
    r->chain = chain_ref(ch);
    return r;
}

/* A GET of url with limit=n (for item pages). New URL or NULL. */
static char *with_limit(const char *url, int n)
{
    char num[32], *out = NULL;
    snprintf(num, sizeof(num), "%d", n);
    return url_set_param(url, "limit", num, &out) == 0 ? out : NULL;
}

/* Whether items_url is a search the API takes by POST alone: its one
 * search link says POST, and a GET there may answer 405. */
static bool is_post_search(const struct api *a, const char *items_url)
{
    return a->search_post_only && strcmp(items_url, a->search_post) == 0;
}

/* The limit to ask n items with: none (0) when the API refused one as
 * large (api_retry_without_limit()). */
static int limit_for(const struct api *a, int n)
{
    return a->refused_limit > 0 && n >= a->refused_limit ? 0 : n;
}

/* Start walking the items at items_url (sampling or not), those of the
 * collection name (NULL: the search's). */
static void walk_items(struct crawler *c, struct api *a, const char *items_url,
                       const char *name, bool is_sampling)
{
    struct chain *ch = chain_new();
    ch->is_sampling = is_sampling;
    ch->items_url = xstrdup(items_url);
    ch->name = name ? xstrdup(name) : NULL;
    int n = limit_for(a, is_sampling ? c->opt.sample : c->opt.page_size);
    ch->limit = n;
    struct request *r = request_new(REQ_ITEMS, a, ch);
    char *u;
    if (is_post_search(a, items_url)) {
        /* The base of a next link's merge: true. */
        ch->base_body = n > 0 ? json_pack("{s:i}", "limit", n) : json_object();
        r->method = xstrdup("POST");
        r->body = json_dumps(ch->base_body, JSON_COMPACT | JSON_SORT_KEYS);
        u = xstrdup(items_url);
    } else {
        u = n > 0 ? with_limit(items_url, n) : xstrdup(items_url);
    }
    if (u)
        push(c, a, u, r);
    else
        request_free(r);
    free(u);
    chain_unref(ch);
}

/* base with one more path segment (seg, escaped already): base's query
 * is kept after it, its fragment dropped, and no "//" made. */
static char *url_add_segment(const char *base, const char *seg)
{
    size_t path = strcspn(base, "?#");
    size_t query = strcspn(base + path, "#");
    size_t keep = path;
    const char *auth = strstr(base, "://");
    size_t min = auth ? (size_t)(auth - base) + 3 : 0;
    while (keep > min && base[keep - 1] == '/')
        keep--;
    return xasprintf("%.*s/%s%.*s", (int)keep, base, seg, (int)query,
                     base + path);
}

/* Whether u is base or below it, by path (base's query aside). */
static bool url_is_under(const char *u, const char *base)
{
    size_t n = strcspn(base, "?#");
    while (n > 0 && base[n - 1] == '/')
        n--;
    return n > 0 && strncmp(u, base, n) == 0 &&
           (u[n] == '/' || u[n] == '\0' || u[n] == '?' || u[n] == '#');
}

/* Whether the API lists collections: it has a data link, or declares the
 * Collections or Features class (unknown classes get the benefit); a
 * browseable API of core alone does not. */
static bool lists_collections(const struct api *a)
{
    return !a->no_list && (a->data_url || !a->conf ||
                           (a->conf & (CONF_COLLECTIONS | CONF_FEATURES)));
}

/* Where the collections are listed (new): the data link, else
 * {landing}/collections. */
static char *collections_url(const struct api *a)
{
    return a->data_url ? xstrdup(a->data_url)
                       : url_add_segment(a->url, "collections");
}

static void walk_collections(struct crawler *c, struct api *a)
{
    char *u = collections_url(a);
    struct chain *ch = chain_new();
    push(c, a, u, request_new(REQ_COLLECTIONS, a, ch));
    chain_unref(ch);
    free(u);
}

/* Whether the API has an item search: it declares the class or links
 * a search endpoint. */
static bool can_search(const struct api *a)
{
    return (a->conf & CONF_ITEM_SEARCH) || a->search_get || a->search_post;
}

/* Whether the API's search is at a place no link named. */
static bool search_guessed(const struct api *a)
{
    return !a->search_get && !a->search_post;
}

/* -------------------------------------------------------- next links */

/* The body and headers of a POST next link, merged into the chain's
 * original request when the link says merge: true (STAC API item search
 * "Pagination"). */
static void next_post(const json_t *link, const struct chain *ch, json_t **body,
                      json_t **headers)
{
    const json_t *lb = json_object_get(link, "body");
    const json_t *lh = json_object_get(link, "headers");
    bool merge = json_is_true(json_object_get(link, "merge"));
    *body =
        merge && ch->base_body ? json_deep_copy(ch->base_body) : json_object();
    *headers = merge && ch->base_headers ? json_deep_copy(ch->base_headers)
                                         : json_object();
    if (json_is_object(lb))
        json_object_update(*body, (json_t *)lb);
    if (json_is_object(lh))
        json_object_update(*headers, (json_t *)lh);
}

/* The page's next link: the first whose type is JSON (an API may list
 * the HTML rendering of the next page first), else the first. */
static const json_t *find_next(const json_t *page)
{
    size_t i;
    const json_t *l, *first = NULL;
    json_array_foreach (json_object_get(page, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (!rel || strcmp(rel, "next") != 0)
            continue;
        if (!links_json_type_problem(json_object_get(l, "type")))
            return l;
        if (!first)
            first = l;
    }
    return first;
}

/* The records of a page in order, as 128 bits of hash of their ids and
 * collections (new), or NULL when it has none or one without an id: a
 * page of features, collections or children. An Item's id is unique
 * within its collection only: a search may list the same ids in two. */
static char *page_signature(const json_t *page)
{
    static const char *const lists[] = {"features", "collections", "children"};
    const json_t *list = NULL;
    for (size_t k = 0; k < 3 && !json_is_array(list); k++)
        list = json_object_get(page, lists[k]);
    if (json_array_size(list) == 0)
        return NULL;
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    size_t i;
    const json_t *rec;
    json_array_foreach (list, i, rec) {
        char *id = stac_id(rec);
        if (!id)
            return NULL;
        const char *coll =
            json_string_value(json_object_get(rec, "collection"));
        h1 = fnv1a("\n", fnv1a(coll ? coll : "", fnv1a("\n", fnv1a(id, h1))));
        h2 = fnv1a("\n", fnv1a(coll ? coll : "", fnv1a("\n", fnv1a(id, h2))));
        free(id);
    }
    return xasprintf("page %016" PRIx64 "%016" PRIx64, h1, h2);
}

/* Follow the next link of a page, if any, within the same chain. */
static void follow_next(struct crawler *c, const struct request *cur,
                        const json_t *page, const char *base)
{
    struct api *a = cur->api;
    struct chain *ch = cur->chain;
    const json_t *link = find_next(page);
    if (!link)
        return;
    const char *why = NULL;
    char *u = link_url_why(link, base, &why);
    if (!u) {
        api_warn(a, "pagination stopped: unusable next link on %s (%s)", base,
                 why ? why : "malformed URL");
        chain_stopped(c, a, ch, base);
        return;
    }
    if (strlen(u) > NEXT_HREF_MAX) {
        api_warn(a,
                 "pagination stopped: next link longer than %d bytes "
                 "(it grows with every page) after %s",
                 NEXT_HREF_MAX, base);
        free(u);
        chain_stopped(c, a, ch, base);
        return;
    }
    /* A server that ignores its own page token (or a prev token put in
     * next) sends the same records under ever new next links. */
    char *sig = page_signature(page);
    bool is_repeat = sig && json_object_get(ch->seen, sig);
    if (sig)
        json_object_set_new(ch->seen, sig, json_true());
    free(sig);
    if (is_repeat) {
        api_warn(a,
                 "pagination stopped: page %s repeats the records of an "
                 "earlier page",
                 base);
        free(u);
        chain_stopped(c, a, ch, base);
        return;
    }
    if (c->opt.max_pages > 0 && ch->pages >= c->opt.max_pages) {
        api_warn(a, "pagination stopped: --max-pages (%ld) reached at %s",
                 ch->pages, base);
        free(u);
        chain_stopped(c, a, ch, base);
        return;
    }
    struct request *r = request_new(cur->kind, a, ch);
    if (is_post(link)) {
        json_t *body, *headers;
        next_post(link, ch, &body, &headers);
        r->method = xstrdup("POST");
        r->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
        r->headers = header_lines(headers);
        json_decref(body);
        json_decref(headers);
    } else {
        /* A GET next link's headers count as much as a POST's. */
        r->headers = header_lines(json_object_get(link, "headers"));
    }
    if (r->body && strlen(r->body) > NEXT_BODY_MAX) {
        api_warn(a,
                 "pagination stopped: next link body larger than %d bytes "
                 "after %s",
                 NEXT_BODY_MAX, base);
        request_free(r);
        free(u);
        chain_stopped(c, a, ch, base);
        return;
    }
    push(c, a, u, r);
    free(u);
}

/* -------------------------------------------------------------- plan */

/* Which model extensions a collection declares: stac_extensions, summaries
 * and item_assets (fields or roles), answered by the document hook. */
static unsigned declared_exts(struct crawler *c, const struct api *a,
                              const json_t *coll, const char *coll_url)
{
    struct crawler_doc d = {
        .url = coll_url,
        .source = a->source,
        .depth = a->depth + 1,
        .kind = STAC_KIND_COLLECTION,
        .json = coll,
        .embedded = true,
    };
    return crawler_deliver(c, &d);
}

static char *items_url_of(const json_t *coll, const char *coll_url)
{
    size_t i;
    const json_t *l;
    json_array_foreach (json_object_get(coll, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (rel && strcmp(rel, "items") == 0 && !is_post(l)) {
            char *u = link_url(l, coll_url);
            if (u)
                return u;
        }
    }
    return url_add_segment(coll_url, "items");
}

/* The URL of a collection inside a /collections page. */
static char *collection_url(const struct api *a, const json_t *coll,
                            const char *page_url)
{
    size_t i;
    const json_t *l;
    json_array_foreach (json_object_get(coll, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (rel && strcmp(rel, "self") == 0) {
            char *u = link_url(l, page_url);
            if (u)
                return u;
        }
    }
    char *id = stac_id(coll);
    if (!id)
        return NULL;
    /* Below the list, not below this page of it: a page's query (offset=,
     * page=, token=) is no part of a collection's URL. The data link's
     * query is kept (an f=json the API needs). */
    char *list = a->data_url ? xstrdup(a->data_url)
                             : xstrndup(page_url, strcspn(page_url, "?#"));
    char *esc = url_escape_segment(id);
    char *raw = url_add_segment(list, esc ? esc : "");
    free(list);
    free(esc);
    free(id);
    char *u = NULL;
    url_normalize(raw, &u);
    free(raw);
    return u;
}

/* Leave the items at items, of the collection name, to the filtered
 * search, walked as how says should it fail: "walk" (declared), "sample"
 * (declared nothing), "resample" (a sample held models it is to find). */
static void leave_to_search(struct api *a, const char *items, const char *name,
                            const char *how)
{
    if (!a->left_to_search)
        a->left_to_search = json_array();
    json_array_append_new(a->left_to_search,
                          json_pack("[s, s, s?]", items, how, name));
}

/* Strategy for the items at items, of the collection name (NULL: the
 * search's) that declares the extensions declared. */
static void plan_items(struct crawler *c, struct api *a, const char *items,
                       const char *name, unsigned declared)
{
    if (c->opt.survey) {
        /* A survey samples every collection and walks none. */
        walk_items(c, a, items, name, true);
    } else if (c->opt.exhaustive) {
        a->walked_all++;
        walk_items(c, a, items, name, false);
    } else if (declared & ~a->covered) {
        a->walked_declared++;
        walk_items(c, a, items, name, false);
    } else if (declared || a->covered == CRAWLER_EXT_ALL) {
        a->covered_n++;
        leave_to_search(a, items, name, declared ? "walk" : "sample");
    } else {
        walk_items(c, a, items, name, true);
    }
}

/* How a warning names a collection (new): its id, else its URL. */
static char *collection_name(const json_t *coll, const char *coll_url)
{
    char *id = stac_id(coll);
    return id ? id : xstrdup(coll_url);
}

/* Strategy for one collection of the list. */
static void plan_collection(struct crawler *c, struct api *a,
                            const json_t *coll, const char *page_url)
{
    char *coll_url = collection_url(a, coll, page_url);
    if (!coll_url) {
        /* Its items are not read: what they hold is unknown. */
        api_warn(a,
                 "a collection with neither a self link nor an id at %s is "
                 "not walked",
                 page_url);
        return;
    }
    /* A server may list a collection twice, on one page or on two (offset
     * paging over a list that changes): it is one collection, walked or
     * sampled once. */
    if (json_object_get(a->planned, coll_url)) {
        free(coll_url);
        return;
    }
    json_object_set_new(a->planned, coll_url, json_true());
    a->collections++;
    unsigned declared = declared_exts(c, a, coll, coll_url);
    char *items = items_url_of(coll, coll_url);
    char *name = collection_name(coll, coll_url);
    plan_items(c, a, items, name, declared);
    free(name);
    free(items);
    free(coll_url);
}

/* The search endpoint (new): the GET search link, else the POST one
 * when it is the only one, else {landing}/search. */
static char *search_endpoint(const struct api *a)
{
    if (a->search_get)
        return xstrdup(a->search_get);
    if (a->search_post_only)
        return xstrdup(a->search_post);
    return url_add_segment(a->url, "search");
}

/* What the API lists, once its strategy is chosen: its collections. An
 * API of item search alone has none to list: its /search is planned as
 * one collection that declares nothing, sampled and paged in full when
 * the sample holds a model the strategy does not find otherwise. A
 * browseable API of core alone is walked by its child links only: it
 * has no /collections, and a 404 there is no failure of its own making. */
static void walk_listed(struct crawler *c, struct api *a)
{
    if (lists_collections(a)) {
        walk_collections(c, a);
        return;
    }
    bool is_filter = strcmp(a->strategy, "filter") == 0;
    /* An API whose collections are not where the spec puts them (no data
     * link named them) is not taken to have its search there either. */
    if (!can_search(a) || (a->no_list && search_guessed(a))) {
        if (!is_filter)
            a->strategy = "links only";
        return;
    }
    if (strcmp(a->strategy, "per-collection") == 0)
        a->strategy = "sampled search";
    char *search = search_endpoint(a);
    plan_items(c, a, search, NULL, 0);
    free(search);
}

/* ------------------------------------------------------------ filter */

/* The queryable model fields: which extensions a filter can find, and the
 * property to test for each. */
struct queryable {
    unsigned covered;
    const char *prop[3]; /* per extension: ml-model, dlm, mlm */
};

static int ext_index(const char *key)
{
    if (strncmp(key, "ml-model:", 9) == 0)
        return 0;
    if (strncmp(key, "dlm:", 4) == 0)
        return 1;
    if (strncmp(key, "mlm:", 4) == 0)
        return 2;
    return -1;
}

static void read_queryables(const json_t *doc, struct queryable *q)
{
    static const char *const preferred[] = {"ml-model:type", NULL, "mlm:name"};
    const char *k;
    json_t *v;
    memset(q, 0, sizeof(*q));
    json_object_foreach ((json_t *)json_object_get(doc, "properties"), k, v) {
        int i = ext_index(k);
        if (i < 0)
            continue;
        q->covered |= 1u << i;
        if (!q->prop[i] || (preferred[i] && strcmp(k, preferred[i]) == 0))
            q->prop[i] = k;
    }
}

/* CQL2 text: "ml-model:type = 'ml-model' OR mlm:name IS NOT NULL". */
static char *filter_text(const struct queryable *q)
{
    char *out = xstrdup("");
    for (int i = 0; i < 3; i++) {
        if (!q->prop[i])
            continue;
        /* Quoted: CQL2 text reads a bare ml-model:type as ml - model:type. */
        char *term = strcmp(q->prop[i], "ml-model:type") == 0
                         ? xasprintf("\"%s\" = 'ml-model'", q->prop[i])
                         : xasprintf("\"%s\" IS NOT NULL", q->prop[i]);
        char *joined = xasprintf("%s%s%s", out, *out ? " OR " : "", term);
        free(out);
        free(term);
        out = joined;
    }
    return out;
}

static json_t *filter_json(const struct queryable *q)
{
    json_t *terms = json_array();
    for (int i = 0; i < 3; i++) {
        if (!q->prop[i])
            continue;
        json_t *prop = json_pack("{s:s}", "property", q->prop[i]);
        if (strcmp(q->prop[i], "ml-model:type") == 0)
            json_array_append_new(terms, json_pack("{s:s, s:[o, s]}", "op", "=",
                                                   "args", prop, "ml-model"));
        else
            json_array_append_new(terms, json_pack("{s:s, s:[{s:s, s:[o]}]}",
                                                   "op", "not", "args", "op",
                                                   "isNull", "args", prop));
    }
    if (json_array_size(terms) == 1) {
        json_t *one = json_incref(json_array_get(terms, 0));
        json_decref(terms);
        return one;
    }
    return json_pack("{s:s, s:o}", "op", "or", "args", terms);
}

static char *search_url_get(const struct crawler *c, const struct api *a,
                            const char *filter, const char *lang)
{
    char *base = search_endpoint(a);
    char *u1 = NULL, *u2 = NULL, *u3 = NULL, num[32];
    snprintf(num, sizeof(num), "%d", c->opt.page_size);
    if (url_set_param(base, "filter", filter, &u1) == 0 &&
        url_set_param(u1, "filter-lang", lang, &u2) == 0)
        url_set_param(u2, "limit", num, &u3);
    free(base);
    free(u1);
    free(u2);
    return u3;
}

/* Strategy "filter": one paged search for the model records. The filter
 * goes in CQL2 JSON wherever the API takes it (POST when it has a POST
 * search link, else GET): in CQL2 text a name such as ml-model:type must
 * be quoted (a bare '-' is a minus), which some parsers refuse. An API
 * that searches by POST alone gets it by POST in either language. */
static void search_models(struct crawler *c, struct api *a,
                          const struct queryable *q)
{
    struct chain *ch = chain_new();
    ch->is_filter = true;
    char m = c->opt.search_method;
    bool json = m == 'P' || (m == 0 && (a->conf & CONF_CQL2_JSON));
    bool use_post =
        m == 'P' || (m == 0 && a->search_post && (json || a->search_post_only));
    if (use_post && !a->search_post)
        a->search_post = url_add_segment(a->url, "search");
    a->filter = filter_text(q);
    json_t *filter = filter_json(q);
    if (use_post) {
        ch->base_body = json_pack(
            "{s:o, s:s, s:i}", "filter",
            json ? json_incref(filter) : json_string(a->filter), "filter-lang",
            json ? "cql2-json" : "cql2-text", "limit", c->opt.page_size);
        struct request *r = request_new(REQ_ITEMS, a, ch);
        r->method = xstrdup("POST");
        r->body = json_dumps(ch->base_body, JSON_COMPACT | JSON_SORT_KEYS);
        push(c, a, a->search_post, r);
    } else {
        char *text = json ? json_dumps(filter, JSON_COMPACT | JSON_SORT_KEYS)
                          : xstrdup(a->filter);
        char *u = search_url_get(c, a, text, json ? "cql2-json" : "cql2-text");
        if (u)
            push(c, a, u, request_new(REQ_ITEMS, a, ch));
        free(u);
        free(text);
    }
    json_decref(filter);
    chain_unref(ch);
}

static void plan(struct crawler *c, struct api *a)
{
    if (c->opt.exhaustive) {
        a->strategy = "exhaustive";
    } else if (a->conf & CONF_FILTER) {
        /* The Filter extension's queryables are at {landing}/queryables
         * when the landing page does not link them. */
        if (!a->queryables) {
            a->queryables = url_add_segment(a->url, "queryables");
            a->queryables_guessed = true;
        }
        struct chain *ch = chain_new();
        push(c, a, a->queryables, request_new(REQ_QUERYABLES, a, ch));
        chain_unref(ch);
        return; /* continued in on_queryables() */
    } else {
        a->strategy = "per-collection";
    }
    walk_listed(c, a);
}

static void on_queryables(struct crawler *c, struct api *a, const json_t *doc)
{
    struct queryable q;
    read_queryables(doc, &q);
    /* additionalProperties: true lets any property be filtered. */
    if (json_is_true(json_object_get(doc, "additionalProperties"))) {
        static const char *const all[] = {"ml-model:type", "dlm:architecture",
                                          "mlm:name"};
        for (int i = 0; i < 3; i++)
            if (!q.prop[i])
                q.prop[i] = all[i];
        q.covered = CRAWLER_EXT_ALL;
    }
    if (q.covered) {
        a->strategy = "filter";
        a->covered = q.covered;
        search_models(c, a, &q);
    } else {
        a->strategy = "per-collection";
    }
    walk_listed(c, a);
}

/* ------------------------------------------------------------ landing */

/* The first usable link of a rel into *slot. A link of another media
 * type (the HTML rendering an API lists beside its JSON) is passed over
 * quietly; one refused for where it leads is reported. */
static void take_link(struct api *a, char **slot, const json_t *l,
                      const char *rel)
{
    if (*slot || links_json_type_problem(json_object_get(l, "type")))
        return;
    const char *why = NULL;
    *slot = link_url_why(l, a->url, &why);
    if (!*slot && why)
        api_warn(a, "%s link refused: %s", rel, why);
}

static void read_landing_links(struct api *a, const json_t *doc)
{
    size_t i;
    const json_t *l;
    json_array_foreach (json_object_get(doc, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (!rel)
            continue;
        if (strcmp(rel, "data") == 0)
            take_link(a, &a->data_url, l, rel);
        else if (strcmp(rel, "search") == 0)
            take_link(a, is_post(l) ? &a->search_post : &a->search_get, l, rel);
        else if (strcmp(rel, "conformance") == 0)
            take_link(a, &a->conformance, l, rel);
        else if (strcmp(rel, "children") == 0)
            take_link(a, &a->children, l, rel);
        else if (strcmp(rel, "queryables") == 0 ||
                 strcmp(rel, "http://www.opengis.net/def/rel/ogc/1.0/"
                             "queryables") == 0)
            take_link(a, &a->queryables, l, rel);
    }
}

/* child and item links of the landing page, except child links into its
 * own /collections, which the collection walk covers. */
static void push_landing_children(struct crawler *c, struct api *a,
                                  const json_t *doc)
{
    size_t i;
    const json_t *l;
    /* Child links into the collections are the collection walk's. An item
     * link is not: the walk may only sample the item's collection, and
     * the landing page named this item. */
    char *data = lists_collections(a) ? collections_url(a) : NULL;
    json_array_foreach (json_object_get(doc, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (!rel || (strcmp(rel, "child") != 0 && strcmp(rel, "item") != 0))
            continue;
        bool is_child = strcmp(rel, "child") == 0;
        char *u = link_url(l, a->url);
        if (!u || url_scheme_of(u) == URL_SCHEME_FILE) {
            free(u);
            continue;
        }
        if (!(is_child && data && url_is_under(u, data)))
            frontier_push(c->frontier, u, a->source, a->depth + 1, 0);
        else if (!a->data_url)
            json_array_append_new(a->children_under_list, json_string(u));
        free(u);
    }
    free(data);
}

/* The child links left to a list of collections that is not there. */
static void push_children_under_list(struct crawler *c, struct api *a)
{
    size_t i;
    const json_t *u;
    json_array_foreach (a->children_under_list, i, u)
        frontier_push(c->frontier, json_string_value(u), a->source,
                      a->depth + 1, 0);
    json_array_clear(a->children_under_list);
}

void api_start(struct crawler *c, const struct frontier_entry *e,
               const json_t *doc, const char *base)
{
    struct api *a = xcalloc(1, sizeof(*a));
    a->refs = 1;
    a->url = xstrdup(base);
    a->source = xstrdup(e->source);
    a->depth = e->depth;
    a->warnings = json_array();
    a->planned = json_object();
    a->children_under_list = json_array();
    a->strategy = c->opt.survey ? "survey" : "per-collection";
    a->conf = conf_read(json_object_get(doc, "conformsTo"));
    read_landing_links(a, doc);
    a->search_post_only = a->search_post && !a->search_get;
    a->next = c->apis;
    c->apis = a;
    push_landing_children(c, a, doc);
    if (a->children) {
        struct chain *ch = chain_new();
        push(c, a, a->children, request_new(REQ_CHILDREN, a, ch));
        chain_unref(ch);
    }
    if (json_array_size(json_object_get(doc, "conformsTo")) == 0 &&
        a->conformance) {
        push(c, a, a->conformance, request_new(REQ_CONFORMANCE, a, NULL));
        return;
    }
    plan(c, a);
}

/* --------------------------------------------------------- responses */

static void on_collections(struct crawler *c, const struct request *r,
                           const json_t *doc, const char *base)
{
    const json_t *list = json_object_get(doc, "collections");
    size_t i;
    const json_t *coll;
    r->chain->pages++;
    if (json_array_size(list) == 0) {
        if (find_next(doc))
            api_warn(r->api,
                     "pagination stopped: empty collections page "
                     "with a next link at %s",
                     base);
        return;
    }
    /* The next page goes under this page's collections: the frontier is a
     * stack, so they are fetched first and the queue holds about one
     * page of them. Pushed last, the next page came first, the whole
     * list was read before any collection and every collection of the
     * API waited in memory at once. */
    follow_next(c, r, doc, base);
    json_array_foreach (list, i, coll)
        if (json_is_object(coll))
            plan_collection(c, r->api, coll, base);
}

/* Whether r asks for a first page of items with a limit that could be
 * left out (the page asked again without it). */
static bool has_first_limit(const struct request *r)
{
    const struct chain *ch = r->chain;
    return r->kind == REQ_ITEMS && ch && ch->pages == 0 && ch->limit > 0 &&
           ch->items_url;
}

/* Ask the first page of r's chain again, without a limit. */
static void ask_without_limit(struct crawler *c, const struct request *r)
{
    struct chain *ch = r->chain;
    ch->limit = 0;
    struct request *again = request_new(REQ_ITEMS, r->api, ch);
    if (r->method) {
        /* The search by POST alone: its body without the limit, also as
         * the base of a merge: true next link. */
        json_object_del(ch->base_body, "limit");
        again->method = xstrdup(r->method);
        again->body = json_dumps(ch->base_body, JSON_COMPACT | JSON_SORT_KEYS);
    }
    push(c, r->api, ch->items_url, again);
}

bool api_retry_without_limit(struct crawler *c, const struct frontier_entry *e,
                             long status)
{
    const struct request *r = e->data;
    struct api *a = r->api;
    if ((status != 400 && status != 422) || !has_first_limit(r))
        return false;
    /* Said once per API: the limit is the API's to refuse, not each
     * collection's. The collections planned after it are asked without
     * one from the start, and those queued already before they are sent
     * (api_queued_without_limit()). */
    if (a->refused_limit == 0)
        api_note(a,
                 "HTTP %ld to limit=%d at %s: asked again without a limit "
                 "(the server's own page size), as is every later first "
                 "page of items of this API asked for %d or more",
                 status, r->chain->limit, e->url, r->chain->limit);
    if (a->refused_limit == 0 || r->chain->limit < a->refused_limit)
        a->refused_limit = r->chain->limit;
    ask_without_limit(c, r);
    return true;
}

bool api_queued_without_limit(struct crawler *c, const struct frontier_entry *e)
{
    const struct request *r = e->data;
    if (!has_first_limit(r) ||
        limit_for(r->api, r->chain->limit) == r->chain->limit)
        return false;
    ask_without_limit(c, r);
    return true;
}

/* A page of no records ("features" empty, null or missing) that points
 * on: a server that pages forever (EXTENSIONS.md 7.7). */
static void warn_empty_page(struct api *a, const char *url)
{
    api_warn(a, "pagination stopped: empty page with a next link at %s", url);
}

/* A sample that held a model of an extension the search does not cover:
 * walk the collection from its first page with the full page size. */
static void restart_sample(struct crawler *c, const struct request *r)
{
    count_sample(r->chain, &r->api->walked_sampled);
    walk_items(c, r->api, r->chain->items_url, r->chain->name, false);
}

static void on_items(struct crawler *c, const struct frontier_entry *e,
                     const json_t *doc, const char *base)
{
    const struct request *r = e->data;
    const char *url = e->url;
    struct api *a = r->api;
    size_t n = 0;
    unsigned found = crawler_features(c, e, doc, base, &n);
    r->chain->pages++;
    a->pages++;
    bool has_next = find_next(doc) != NULL;
    if (r->chain->is_sampling) {
        r->chain->sampled += (long)n;
        if (!has_next) {
            /* The sample was the whole collection. */
            count_sample(r->chain, &a->sampled_whole);
            return;
        }
        if ((found & ~a->covered) && !c->opt.survey) {
            restart_sample(c, r);
        } else if (n > 0 && r->chain->sampled < c->opt.sample) {
            /* A server may answer with fewer items than the limit asks
             * for (EXTENSIONS.md 7.7): a sample is --sample items. */
            follow_next(c, r, doc, base);
        } else {
            /* Said, as in a walk: such a collection was sampled on
             * nothing, its models unseen. */
            if (n == 0)
                warn_empty_page(a, url);
            count_sample(r->chain, &a->skipped_sampled);
            if (found && a->covered && !c->opt.survey) {
                /* Models the filtered search is to find: should it fail,
                 * this collection is walked after all. */
                leave_to_search(a, r->chain->items_url, r->chain->name,
                                "resample");
            }
        }
        return;
    }
    if (c->opt.survey)
        return; /* one page of the filtered search tells enough */
    if (r->chain->is_filter && n > 0 && !found && a->covered) {
        /* Every record a filter on model fields selects is a model: a page
         * of none is the whole API coming, unfiltered, page by page. */
        api_warn(a,
                 "filtered search answered with no model record at %s: "
                 "the server does not apply the filter",
                 url);
        chain_stopped(c, a, r->chain, url);
        return;
    }
    if (n == 0) {
        if (has_next) {
            warn_empty_page(a, url);
            chain_stopped(c, a, r->chain, url);
        }
        return;
    }
    follow_next(c, r, doc, base);
}

/* A page of the children extension's list: each Catalog child is walked
 * from its self link; a Collection child too when the API has no
 * /collections to read it from (there it is planned with the others, and
 * a static walk of it would take all its items). */
static void on_children(struct crawler *c, const struct request *r,
                        const json_t *doc, const char *base)
{
    struct api *a = r->api;
    bool has_collections = lists_collections(a);
    size_t i, j;
    const json_t *child, *l;
    r->chain->pages++;
    /* The next page under this one's children, as on_collections() does. */
    if (json_array_size(json_object_get(doc, "children")) > 0)
        follow_next(c, r, doc, base);
    json_array_foreach (json_object_get(doc, "children"), i, child) {
        const char *type = json_string_value(json_object_get(child, "type"));
        if (!type || (strcmp(type, "Catalog") != 0 &&
                      (strcmp(type, "Collection") != 0 || has_collections)))
            continue;
        json_array_foreach (json_object_get(child, "links"), j, l) {
            const char *rel = json_string_value(json_object_get(l, "rel"));
            if (!rel || strcmp(rel, "self") != 0)
                continue;
            char *u = link_url(l, base);
            if (u)
                frontier_push(c->frontier, u, a->source, a->depth + 1, 0);
            free(u);
            break;
        }
    }
}

bool api_page_problem(const struct frontier_entry *e, const json_t *doc,
                      char *why, size_t n)
{
    const struct request *r = e->data;
    const char *key = r->kind == REQ_COLLECTIONS ? "collections"
                      : r->kind == REQ_ITEMS     ? "features"
                      : r->kind == REQ_CHILDREN  ? "children"
                                                 : NULL;
    /* Taken for an empty last page, such an answer ended its walk as
     * complete, and every record it no longer listed was marked gone. A
     * null list is an empty one, as Go servers print an empty list. */
    const json_t *list = key ? json_object_get(doc, key) : NULL;
    if (!key || json_is_array(list) || json_is_null(list))
        return false;
    snprintf(why, n, "not a page of the API's list (no \"%s\" array)", key);
    return true;
}

void api_handle(struct crawler *c, const struct frontier_entry *e,
                const json_t *doc, const char *base)
{
    const struct request *r = e->data;
    switch (r->kind) {
    case REQ_CONFORMANCE:
        r->api->conf |= conf_read(json_object_get(doc, "conformsTo"));
        plan(c, r->api);
        break;
    case REQ_QUERYABLES:
        on_queryables(c, r->api, doc);
        break;
    case REQ_COLLECTIONS:
        on_collections(c, r, doc, base);
        break;
    case REQ_ITEMS:
        on_items(c, e, doc, base);
        break;
    case REQ_CHILDREN:
        on_children(c, r, doc, base);
        break;
    }
}

/* The filtered search failed (a 400 for a filter the server does not
 * take, a 501, ...) or stopped short (what): what it was to find is looked
 * for per collection, the collections left to it planned again, those
 * still to come planned that way too. */
static void filter_failed(struct crawler *c, struct api *a, const char *url,
                          const char *what)
{
    /* The URL last: a GET search's can be longer than a warning. */
    api_warn(a, "filtered search %s; deciding per collection (%s)", what, url);
    /* An API of item search alone falls back to its own strategy 2: its
     * /search sampled as one collection (walk_listed()). */
    a->strategy = lists_collections(a) ? "per-collection" : "sampled search";
    a->covered = 0;
    size_t i;
    const json_t *left;
    json_array_foreach (a->left_to_search, i, left) {
        const char *items = json_string_value(json_array_get(left, 0));
        const char *how = json_string_value(json_array_get(left, 1));
        const char *name = json_string_value(json_array_get(left, 2));
        if (strcmp(how, "resample") == 0) {
            a->skipped_sampled--;
            a->walked_sampled++;
            walk_items(c, a, items, name, false);
            continue;
        }
        a->covered_n--;
        bool declared = strcmp(how, "walk") == 0;
        if (declared)
            a->walked_declared++;
        walk_items(c, a, items, name, !declared);
    }
    json_array_clear(a->left_to_search);
}

bool api_guess_absent(struct crawler *c, const struct frontier_entry *e,
                      long status)
{
    const struct request *r = e->data;
    struct api *a = r->api;
    const struct chain *ch = r->chain;
    if (status != 404 && status != 410)
        return false;
    if (r->kind == REQ_COLLECTIONS && ch && ch->pages == 0 && !a->data_url &&
        !a->no_list) {
        api_note(a,
                 "no list of collections at %s (HTTP %ld; no data link "
                 "names one): the API is walked by its links",
                 e->url, status);
        a->no_list = true;
        push_children_under_list(c, a);
        walk_listed(c, a);
        return true;
    }
    if (r->kind == REQ_QUERYABLES && a->queryables_guessed) {
        api_note(a,
                 "no queryables at %s (HTTP %ld; no link names them): "
                 "deciding per collection",
                 e->url, status);
        a->strategy = "per-collection";
        walk_listed(c, a);
        return true;
    }
    if (r->kind == REQ_ITEMS && ch && !ch->name && !ch->is_filter &&
        ch->pages == 0 && search_guessed(a)) {
        api_note(a,
                 "no item search at %s (HTTP %ld; no search link names "
                 "one)",
                 e->url, status);
        a->strategy = "links only";
        if (c->opt.exhaustive && a->walked_all > 0)
            a->walked_all--; /* the search was counted as walked */
        return true;
    }
    return false;
}

/* What a chain's failed request (at url, for reason) stopped: past its
 * first page, the pagination; at its first, the reading of what it
 * lists. */
static void warn_chain_failed(const struct request *r, const char *url,
                              const char *reason)
{
    const struct chain *ch = r->chain;
    if (ch && ch->pages > 0)
        api_warn(r->api, "pagination stopped: %s failed: %s", url, reason);
    else if (r->kind == REQ_COLLECTIONS)
        api_warn(r->api, "the list of collections could not be read: %s (%s)",
                 reason, url);
    else if (r->kind == REQ_CHILDREN)
        api_warn(r->api, "the list of children could not be read: %s (%s)",
                 reason, url);
    else if (ch && ch->name)
        api_warn(r->api,
                 "the items of collection %s could not be read: %s (%s)",
                 ch->name, reason, url);
    else
        api_warn(r->api, "the search could not be read: %s (%s)", reason, url);
}

void api_failed(struct crawler *c, const struct frontier_entry *e,
                const char *reason)
{
    if (!reason || !*reason)
        reason = "failed";
    const struct request *r = e->data;
    switch (r->kind) {
    case REQ_CONFORMANCE:
    case REQ_QUERYABLES:
        /* No word from the server on filtering: decide per collection. */
        api_warn(r->api, "%s failed: %s; deciding per collection", e->url,
                 reason);
        r->api->strategy = "per-collection";
        walk_listed(c, r->api);
        break;
    default:
        if (r->chain && r->chain->is_filter && r->api->covered) {
            char what[256];
            snprintf(what, sizeof(what), "failed: %s", reason);
            filter_failed(c, r->api, e->url, what);
            break;
        }
        warn_chain_failed(r, e->url, reason);
        count_sample(r->chain, &r->api->sample_failed);
        break;
    }
}

void crawler_foreach_api(const struct crawler *c,
                         void (*cb)(void *ctx,
                                    const struct crawler_api_report *r),
                         void *ctx)
{
    for (const struct api *a = c->apis; a; a = a->next) {
        struct crawler_api_report r = {
            .url = a->url,
            .source = a->source,
            .strategy = a->strategy,
            .filter = a->filter,
            .collections = a->collections,
            .walked_declared = a->walked_declared,
            .walked_sampled = a->walked_sampled,
            .skipped_sampled = a->skipped_sampled,
            .sampled_whole = a->sampled_whole,
            .sample_failed = a->sample_failed,
            .covered = a->covered_n,
            .walked_all = a->walked_all,
            .pages = a->pages,
            .warnings = a->warnings,
            .held = a->n_held,
        };
        cb(ctx, &r);
    }
}
