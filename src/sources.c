/* SPDX-License-Identifier: MIT */
/* Registries and per-source state. A registry is a JSON array of entries
 * {id, url, title, access, isApi, isPrivate, ...} (STAC Index's
 * /api/catalogs); it is read once per harvest, bounded in size, and never
 * trusted: each entry is checked on its own. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "crawler/fetch.h"
#include "src/buf.h"
#include "src/err.h"
#include "src/log.h"
#include "src/numfmt.h"
#include "src/sources.h"
#include "src/url.h"
#include "src/xalloc.h"

/* A registry larger than this is refused, unless --max-doc-size says
 * otherwise: it lists every catalog, and is no model document. */
#define REGISTRY_MAX (32u << 20)

struct fetched {
    uv_loop_t *loop;
    struct buf *b;
    int rc;
    char *err;
    size_t errlen;
};

static void on_fetched(void *ctx, void *data, const struct fetch_result *r)
{
    struct fetched *got = ctx;
    (void)data;
    got->rc = r->rc;
    if (r->rc == 0)
        got->rc = buf_append(got->b, r->body, r->body_len);
    /* Said as of a registry file. */
    if (got->rc == SM_E_TOOBIG)
        snprintf(got->err, got->errlen, "larger than %zu bytes", got->b->max);
    else if (got->rc != 0)
        snprintf(got->err, got->errlen, "%s", r->reason);
    /* The fetcher keeps its idle connection polled: the loop would not end
     * by itself. */
    uv_stop(got->loop);
}

/* The registry document at an http(s) URL, fetched by the crawler's own
 * fetcher, so that it honours every option the harvest's requests do
 * (timeouts, --max-doc-size, --netrc, --no-private at every hop) and
 * follows redirects the same way: creds, when not NULL, go only to the
 * URL's own host, never across a redirect to another. */
static int fetch(const char *url, const struct fetch_options *opt,
                 const char *const *creds, struct buf *b, char *err,
                 size_t errlen)
{
    uv_loop_t loop;
    struct fetcher *f = NULL;
    struct fetched got = {&loop, b, SM_E_NET, err, errlen};
    const struct fetch_request req = {.credentials = creds};
    int rc = uv_loop_init(&loop);
    if (rc != 0) {
        snprintf(err, errlen, "%s", uv_strerror(rc));
        return SM_E_LOOP;
    }
    rc = fetcher_new(&loop, opt, on_fetched, &got, &f);
    if (rc == 0)
        rc = fetcher_start(f, url, &req, false, NULL);
    if (rc == 0) {
        uv_run(&loop, UV_RUN_DEFAULT);
        rc = got.rc;
    } else {
        snprintf(err, errlen, "%s", sm_strerror(rc));
    }
    fetcher_free(f);
    uv_run(&loop, UV_RUN_DEFAULT); /* the fetcher's handles close */
    uv_loop_close(&loop);
    return rc;
}

static int read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return SM_E_IO;
    }
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_append(b, chunk, n);
    if (rc != 0)
        snprintf(err, errlen, "larger than %zu bytes", b->max);
    else if (ferror(f)) {
        /* A directory opens, and then reads as an error. */
        snprintf(err, errlen, "%s", strerror(errno));
        rc = SM_E_IO;
    }
    fclose(f);
    return rc;
}

static char *str_or_null(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? xstrdup(s) : NULL;
}

static bool host_listed(const char *url, const char *const *hosts)
{
    char *key = NULL;
    bool is_listed = false;
    if (hosts && url_host_key(url, &key) == 0)
        for (size_t i = 0; hosts[i] && !is_listed; i++)
            is_listed = strcmp(hosts[i], key) == 0;
    free(key);
    return is_listed;
}

/* One registry entry as a source; what is wrong with it goes to skip. */
static void read_entry(const json_t *entry, const char *const *cred_hosts,
                       struct source *s)
{
    memset(s, 0, sizeof(*s));
    s->title = str_or_null(json_object_get(entry, "title"));
    const json_t *id = json_object_get(entry, "id");
    s->id = json_is_string(id) ? str_or_null(id)
            : json_is_integer(id)
                ? xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id))
                : NULL;
    s->is_api = json_is_true(json_object_get(entry, "isApi"));
    const json_t *u = json_object_get(entry, "url");
    const char *href = json_string_value(u);
    /* A \u0000 would cut the URL short: another URL than the entry's. */
    if (href && strlen(href) != json_string_length(u))
        href = NULL;
    /* Blanks around it (a copy and paste, a line end): the URL inside, as
     * in a seed or a link (url_normalize() trims them). */
    while (href && *href && (unsigned char)*href <= 0x20)
        href++;
    enum url_scheme scheme = href ? url_scheme_of(href) : URL_SCHEME_OTHER;
    if (!href || (scheme != URL_SCHEME_HTTP && scheme != URL_SCHEME_HTTPS) ||
        url_normalize(href, &s->url) != 0) {
        s->skip = xstrdup("no usable http(s) URL");
        return;
    }
    /* As a link that carries credentials itself: refused. Port 0 is
     * refused as it is in a seed: no server listens there, and a survey
     * would only call the source unreachable. */
    const char *why =
        url_has_userinfo(s->url)    ? "a URL with credentials (user@host)"
        : url_has_port_zero(s->url) ? "port 0, where no server can listen"
                                    : NULL;
    if (why) {
        free(s->url);
        s->url = NULL;
        s->skip = xstrdup(why);
        return;
    }
    const char *access = json_string_value(json_object_get(entry, "access"));
    bool is_flagged = json_is_true(json_object_get(entry, "isPrivate"));
    bool is_private = is_flagged || (access && strcmp(access, "public") != 0);
    /* The reason names what the registry says: "isPrivate" wins over an
     * access of "public". */
    const char *what = is_flagged || !access || strcmp(access, "public") == 0
                           ? "private"
                           : access;
    if (is_private && !host_listed(s->url, cred_hosts))
        s->skip = xasprintf("%s: needs credentials (--header with "
                            "--header-host for its host)",
                            what);
}

static void source_clear(struct source *s)
{
    free(s->url);
    free(s->title);
    free(s->id);
    free(s->skip);
}

/* The same catalog listed twice (under two spellings of its URL, or by two
 * registries) is one source, surveyed and harvested once: the first entry,
 * unless only a later one may be harvested (public, or credentials given).
 * seen maps the URLs in l to their place. */
static void list_add(struct source_list *l, json_t *seen, struct source *s)
{
    const json_t *at = s->url ? json_object_get(seen, s->url) : NULL;
    if (at) {
        struct source *kept = &l->v[json_integer_value(at)];
        if (kept->skip && !s->skip) {
            struct source t = *kept;
            *kept = *s;
            *s = t;
        }
        source_clear(s);
        return;
    }
    if (s->url)
        json_object_set_new_nocheck(seen, s->url,
                                    json_integer((json_int_t)l->n));
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = *s;
}

int sources_parse(const char *where, const char *data, size_t len,
                  const char *const *cred_hosts, struct source_list *out,
                  char *err, size_t errlen)
{
    json_error_t jerr;
    /* A \u0000 is valid JSON: it does not make the registry unreadable. */
    json_t *doc = json_loadb(data ? data : "", len, JSON_ALLOW_NUL, &jerr);
    if (!doc) {
        snprintf(err, errlen, "invalid JSON at line %d column %d: %s",
                 jerr.line, jerr.column, jerr.text);
        return SM_E_PARSE;
    }
    if (!json_is_array(doc)) {
        snprintf(err, errlen, "not a JSON array of catalog entries");
        json_decref(doc);
        return SM_E_PARSE;
    }
    json_t *seen = json_object();
    for (size_t k = 0; k < out->n; k++)
        if (out->v[k].url)
            json_object_set_new_nocheck(seen, out->v[k].url,
                                        json_integer((json_int_t)k));
    size_t i;
    const json_t *entry;
    json_array_foreach (doc, i, entry) {
        struct source s;
        if (!json_is_object(entry)) {
            log_warn("registry %s: entry %zu is not an object; ignored", where,
                     i + 1);
            continue;
        }
        read_entry(entry, cred_hosts, &s);
        if (!s.url)
            log_warn("registry %s: entry %zu (%s): %s; ignored", where, i + 1,
                     s.id      ? s.id
                     : s.title ? s.title
                               : "no id",
                     s.skip);
        list_add(out, seen, &s);
    }
    json_decref(seen);
    json_decref(doc);
    return 0;
}

int sources_read(const char *where, const struct sources_fetch *how,
                 const char *const *cred_hosts, struct source_list *out,
                 char *err, size_t errlen)
{
    struct fetch_options opt = how->fetch;
    if (opt.max_doc_size == 0)
        opt.max_doc_size = REGISTRY_MAX;
    /* The registry's own host gets the credentials given for it. */
    const char *const *creds =
        host_listed(where, cred_hosts) ? how->headers : NULL;
    struct buf b;
    buf_init(&b, opt.max_doc_size);
    enum url_scheme scheme = url_scheme_of(where);
    int rc = scheme == URL_SCHEME_HTTP || scheme == URL_SCHEME_HTTPS
                 ? fetch(where, &opt, creds, &b, err, errlen)
                 : read_file(where, &b, err, errlen);
    if (rc == 0)
        rc = sources_parse(where, b.data, b.len, cred_hosts, out, err, errlen);
    buf_cleanup(&b);
    return rc;
}

void sources_free(struct source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        source_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

json_t *sources_load(struct index *ix, const char *url)
{
    char *key = xasprintf(SOURCES_META_PREFIX "%s", url);
    char *text = NULL;
    json_t *state = NULL;
    if (index_get_meta(ix, key, &text) == 0)
        state = json_loads(text, 0, NULL);
    free(text);
    free(key);
    return state;
}

void sources_store(struct index *ix, const char *url, const json_t *state)
{
    char *key = xasprintf(SOURCES_META_PREFIX "%s", url);
    char *text = json_dumps(state, JSON_COMPACT | JSON_SORT_KEYS);
    /* The index hashes a key too long for LMDB; the state has the URL. */
    index_put_meta(ix, key, text);
    free(text);
    free(key);
}

int sources_parse_duration(const char *s, int64_t *out)
{
    char *end = NULL;
    double v;
    if (numfmt_read(s, &v, &end) != 0 || errno || !(v >= 0))
        return SM_E_INVAL;
    static const struct {
        char unit;
        double secs;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    double mul = 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (*end == units[i].unit)
            mul = units[i].secs;
    /* Zero needs no unit: "--survey-every 0" means every run. */
    if (*end == '\0' && v == 0) {
        *out = 0;
        return 0;
    }
    if (mul == 0 || end[1] != '\0' || v * mul > 1e11)
        return SM_E_INVAL;
    *out = (int64_t)(v * mul);
    return 0;
}
