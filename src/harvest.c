/* SPDX-License-Identifier: MIT */
/* `stacml harvest`: reads seeds, runs the crawler, and wires its hooks to
 * the index: every model document becomes a record, every document leaves
 * its crawl state, and the run leaves a summary in the index metadata. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <jansson.h>

#include "crawler/crawler.h"
#include "src/url.h"
#include "index/detect.h"
#include "index/index.h"
#include "index/model.h"
#include "index/record.h"
#include "src/cli.h"
#include "src/err.h"
#include "src/discover.h"
#include "src/history.h"
#include "src/sources.h"
#include "src/log.h"
#include "src/numfmt.h"
#include "src/text.h"
#include "src/urlset.h"
#include "src/xalloc.h"

/* Failures kept for the summary and for `stacml stats`. */
#define FAILURES_KEPT 100
#define SEED_LINE_MAX 16384

static const char harvest_help[] =
    "Usage: stacml [--db DIR] harvest [OPTIONS] [URL|PATH...]\n"
    "\n"
    "Crawl STAC catalogs from each seed (an http(s) URL, a file:// URL or a\n"
    "local path of a catalog, collection or item) and index every model\n"
    "record found (ml-model, dlm, mlm).\n"
    "\n"
    "Options:\n"
    "  --seeds FILE          read seeds from FILE, one a line ('#' comments;\n"
    "                        '-' reads standard input); repeatable\n"
    "  --concurrency N       transfers in flight in all (default 32)\n"
    "  --per-host N          transfers in flight per host (default 4)\n"
    "  --max-depth N         follow links at most N levels below a seed\n"
    "  --max-docs N          fetch at most N documents (a redirect hop, a\n"
    "                        retry and robots.txt do not count)\n"
    "  --max-doc-size SIZE   largest document accepted, e.g. 8M (default 8M)\n"
    "  --connect-timeout S   seconds to connect (default 10)\n"
    "  --stall-timeout S     abort a transfer idle for S seconds (default 30)\n"
    "  --timeout S           abort a transfer after S seconds (default 600)\n"
    "  --user-agent STRING   User-Agent header to send (not empty: every\n"
    "                        request names its sender)\n"
    "  --sample N            STAC APIs: items sampled from a collection that\n"
    "                        declares no model extension (default 10); the\n"
    "                        rest is walked only if the sample holds a model\n"
    "  --exhaustive          STAC APIs: walk every item of every collection\n"
    "  --page-size N         STAC APIs: items asked for per page (default "
    "100)\n"
    "  --search-method M     STAC APIs: filtered search by auto (default),\n"
    "                        get (CQL2 text) or post (CQL2 JSON)\n"
    "  --max-pages N         stop a pagination chain after N pages (10000)\n"
    "  --rate R              requests per second per host (default: no\n"
    "                        limit beyond --per-host; robots.txt Crawl-delay\n"
    "                        and 429 answers slow a host down)\n"
    "  --retries N           retries of timeouts, connection errors, 408,\n"
    "                        429, 500, 502, 503, 504 (default 3), with\n"
    "                        exponential backoff and Retry-After\n"
    "  --retry-delay MS      first backoff delay (default 500 ms, doubling)\n"
    "  --ignore-robots       neither fetch nor honour robots.txt\n"
    "  --header 'N: V'       send this header (e.g. a token) to the seeds'\n"
    "                        hosts only, never to other hosts or across a\n"
    "                        redirect to another host; repeatable\n"
    "  --header-host HOST    send --header values to HOST (or URL) instead\n"
    "  --netrc               use credentials from ~/.netrc\n"
    "  --no-private          refuse loopback, private and link-local hosts\n"
    "                        (through a proxy: address and localhost hosts\n"
    "                        only; the proxy resolves names)\n"
    "  --insecure            do not verify TLS certificates\n"
    "  --cacert FILE         verify TLS certificates with the CA certificates\n"
    "                        in FILE (PEM) instead of the default bundle\n"
    "  --capath DIR          also trust the CA certificates in DIR (PEM,\n"
    "                        named by hash, as 'openssl rehash' does)\n"
    "  --gone-after N        mark a record gone after N complete runs that\n"
    "                        no longer reach it (default 2)\n"
    "  --commit-every N      commit the index every N writes (default 4000;\n"
    "                        smaller loses less to a kill, costs more)\n"
    "  --wait                wait for another harvest of the index to end\n"
    "                        (default: exit at once with status 5)\n"
    "  --log FILE            append log messages and the run's summary to "
    "FILE\n"
    "  --log-format FORMAT   text (default) or json, one object a line\n"
    "  --registry URL|FILE   read sources from a registry of STAC catalogs\n"
    "                        (a JSON array of {url, access, isApi, ...});\n"
    "                        each is surveyed cheaply, and harvested in full\n"
    "                        when it holds or declares models; repeatable\n"
    "  --survey-every DUR    survey a source again after DUR (default 7d;\n"
    "                        s, m, h, d, w; 0: every run)\n"
    "  --source-budget N     requests per source (surveys: 200 by default)\n"
    "  --source-time DUR     crawl time per source (surveys: 2m by default)\n"
    "  --dataset-items       also read the items (first page, no next) of\n"
    "                        training datasets; by default only the dataset\n"
    "                        document itself is read\n"
    "  --db DIR              index directory\n"
    "  -q, --quiet           print errors only\n"
    "  -v, --verbose         print each failure and model as it is found\n"
    "                        (twice: debug messages too)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 all documents harvested; 1 some documents failed, or\n"
    "the --log could not be written; 2 usage error; 3 nothing harvested\n"
    "(every seed failed); 4 index error; 5 another harvest holds the\n"
    "index; 130 interrupted.\n";

struct failure {
    char *url;
    char *reason;
    char *source;
};

struct harvest {
    struct index *ix;
    size_t models_stored;
    size_t datasets_stored;
    /* URL sets of this run: a hash each, not the URL (src/urlset.h), for
     * they hold every model of the catalog. */
    struct urlset *datasets_done; /* dataset records made this run */
    struct urlset *models_done;   /* model records counted this run */
    int64_t run_started; /* when the run began (a resumed one, earlier) */
    json_t *unreachable; /* URL -> reason: dataset links that failed */
    /* URL -> true: unchanged models whose stored issues say a training
     * link was dead, to be looked at again once the datasets are read */
    json_t *recheck;
    /* URL -> URL: each redirect hop met on the way from a training link
     * to its dataset. Several links may end at one dataset, and a link
     * may name a hop of another link's chain: each is followed to its
     * own end once the run is over (point_moved_links()). */
    json_t *moved;
    json_t *apis; /* how each STAC API was harvested */
    bool insecure;
    const char *cacert, *capath; /* --cacert, --capath, or NULL */
    int64_t run;                 /* this run's number */
    int64_t now;                 /* its start, Unix seconds (history stamps) */
    bool is_resume;              /* continuing a run that was killed */
    bool is_surveying; /* the crawl under way is a registry's survey */
    /* Documents this run's survey read: its harvest, minutes later, does
     * not ask for them again. */
    struct urlset *surveyed;
    bool has_priors;   /* the index knew some URL when the run began */
    bool had_models;   /* ... some model record */
    bool had_datasets; /* ... some dataset record */
    int gone_after;    /* complete runs a record may miss before gone */
    size_t models_new, models_changed, gone;
    size_t datasets_gone; /* dataset records that became gone */
    /* A batch was dropped: the counts above are of records found, and
     * those past the last good commit are not in the index. */
    bool is_write_failed;
    json_t *incomplete; /* source -> true: not fully crawled this run */
    json_t *held;       /* source -> why part of it was left unread */
    json_t *leads_to;   /* source -> {source it links into: true} */
    json_t *sources;    /* source -> {documents, models, failed, reasons} */
    /* Counted in sources. Apart from models_done and datasets_done, since
     * a survey's counts are dropped when the harvest starts, but not the
     * records it made. */
    struct urlset *sourced_models, *sourced_datasets;
    struct crawl_state prior; /* owns the strings handed to the crawler */
    json_t *summary;          /* of this run, as saved */
    json_t *registry_harvest; /* registry sources harvested in full */
    struct timespec t0;
    bool progress;       /* show the live progress line */
    bool progress_shown; /* a line is on screen, to be cleared */
    size_t seed_failures;
    struct failure failures[FAILURES_KEPT];
    size_t n_failures;
    size_t n_failures_total;
};

struct seeds {
    char **v;
    size_t n, cap;
    struct urlset *set; /* hashes of v, for seeds_has() */
};

static void seeds_add(struct seeds *s, char *url)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = url;
    if (!url)
        return;
    if (!s->set)
        s->set = urlset_new();
    urlset_add(s->set, url);
}

/* Whether url is in s. The hashes answer most lookups at once: a scan of
 * every seed for each one read made a seeds file of 50,000 URLs take half
 * a minute before the harvest began. A hash found is confirmed by a scan
 * (only a seed given twice, or a collision, gets there). */
static bool seeds_has(const struct seeds *s, const char *url)
{
    if (!s->set || !urlset_has(s->set, url))
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] && strcmp(s->v[i], url) == 0)
            return true;
    return false;
}

static void seeds_free(struct seeds *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    urlset_free(s->set);
}

/* Why the local file at path (a seed's) cannot be read, or NULL. */
static const char *unreadable(const char *path)
{
    if (!path || access(path, R_OK) == 0)
        return NULL;
    return errno == ENOENT ? "no such file" : strerror(errno);
}

/* Why a local seed (a path, or a file:// URL once url is made) names no
 * file to read, or NULL. Asked here, so that a path and its file:// URL
 * fail alike, as a bad seed that says why: a missing file:// seed was
 * only a failed harvest (exit 3), and a path we may not read, a loop of
 * links or a file used as a directory were all "no such file". */
static const char *local_seed_problem(const char *arg, const char *url)
{
    if (url && url_scheme_of(url) != URL_SCHEME_FILE)
        return NULL;
    char *path = url ? url_file_path(url) : xstrdup(arg);
    const char *why = unreadable(path);
    free(path);
    return why;
}

/* arg made safe to print: its user information, when it has some,
 * replaced by "***" (a password has no place on a terminal or in a
 * log). New string. */
static char *seed_shown(const char *arg)
{
    char *safe = text_safe(arg, 200);
    if (!url_has_userinfo(safe))
        return safe;
    char *start = strstr(safe, "://") + 3;
    char *at = strchr(start, '@');
    char *out = xasprintf("%.*s***%s", (int)(start - safe), safe, at);
    free(safe);
    return out;
}

/* Whether arg, a path to no file, starts as a URL without its scheme
 * does: a host with a port, localhost, an IPv4 address, or a name whose
 * last label is letters ("example.com/catalog.json", "127.0.0.1:8080/x");
 * curl
 * would read it as http. "data.d/catalog.json" is taken for a path. */
static bool looks_like_host(const char *arg)
{
    size_t n = strcspn(arg, "/");
    const char *colon = memchr(arg, ':', n);
    if (colon && colon > arg && colon[1] >= '0' && colon[1] <= '9')
        return true;
    if (n == 9 && strncmp(arg, "localhost", 9) == 0)
        return true;
    if (n >= 7 && strspn(arg, "0123456789.") == n && arg[n] == '/')
        return true; /* an IPv4 address */
    const char *dot = NULL;
    for (const char *p = arg; p < arg + n; p++)
        if (*p == '.')
            dot = p;
    if (!dot || dot == arg || arg + n - dot < 3)
        return false;
    for (const char *p = dot + 1; p < arg + n; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return false;
    return arg[n] == '/';
}

/* The URL of seed arg in *url (new), or why arg is no seed; *url is
 * NULL then. */
static const char *seed_url(const char *arg, char **url)
{
    char *in_dir = NULL;
    *url = NULL;
    if (url_seed_directory(arg, &in_dir) != 0)
        return "a directory without catalog.json or collection.json";
    int rc = url_from_arg(in_dir ? in_dir : arg, url);
    free(in_dir);
    if (rc == SM_E_NOTFOUND) {
        const char *why = local_seed_problem(arg, NULL);
        if (why && strcmp(why, "no such file") == 0 && looks_like_host(arg))
            return "no such file (for a URL, give its scheme: http:// or "
                   "https://)";
        return why ? why : "no such file";
    }
    if (rc == SM_E_URL && url_is_remote_file(arg))
        return "a file URL for another host: only local files are read "
               "(file:///path or file://localhost/path)";
    if (rc == SM_E_URL && url_file_has_port(arg))
        return "a file URL with a port, which file URLs do not have "
               "(file:///path or file://localhost/path)";
    if (rc != 0)
        return sm_strerror(rc);
    /* As a link or a registry entry that carries credentials: refused, or
     * its password would be every record's source, in exports, stats and
     * the summary. */
    const char *why =
        url_has_userinfo(*url)
            ? "a URL with credentials (user@host); give them with --header "
              "or --netrc, which the index does not keep"
        : url_has_port_zero(*url) ? "port 0, where no server can listen"
                                  : local_seed_problem(NULL, *url);
    if (why) {
        free(*url);
        *url = NULL;
    }
    return why;
}

static int seed_add_arg(struct seeds *s, const char *arg, const char *where)
{
    char *url = NULL;
    const char *why = seed_url(arg, &url);
    if (why) {
        char *safe = seed_shown(arg);
        fprintf(stderr, "stacml harvest: %s%sbad seed '%s': %s\n",
                where ? where : "", where ? ": " : "", safe, why);
        free(safe);
        return SM_E_INVAL;
    }
    /* A seed given twice (or as a path and as its URL) is one seed: one
     * source to mark gone, one failure when every seed fails. */
    if (seeds_has(s, url)) {
        free(url);
        return 0;
    }
    seeds_add(s, url);
    return 0;
}

/* Trim surrounding blanks in place; returns the start. */
static char *trim(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' ||
                 p[n - 1] == '\t'))
        p[--n] = '\0';
    return p;
}

static int seeds_read_file(struct seeds *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "stacml harvest: cannot read seeds file %s: %s\n", path,
                strerror(errno));
        return SM_E_IO;
    }
    char *line = xmalloc(SEED_LINE_MAX);
    int rc = 0;
    unsigned lineno = 0;
    while (fgets(line, SEED_LINE_MAX, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "stacml harvest: %s:%u: line too long\n", path,
                    lineno);
            rc = SM_E_TOOBIG;
            break;
        }
        char *p = line;
        /* A byte order mark, as Windows editors write it, is no part of
         * the first seed. */
        if (lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        p = trim(p);
        if (*p == '\0' || *p == '#')
            continue;
        char where[512];
        snprintf(where, sizeof(where), "%s:%u", path, lineno);
        rc = seed_add_arg(s, p, where);
        if (rc != 0)
            break;
    }
    /* A directory opens, and then reads as an error: not as no seeds. */
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "stacml harvest: cannot read seeds file %s: %s\n", path,
                strerror(errno));
        rc = SM_E_IO;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

static void iso_time(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The training links of a model as [{url, role}], for the record. */
static json_t *dataset_links(const json_t *rec)
{
    static const char *const fields[] = {"train_data", "validation_data",
                                         "test_data"};
    static const char *const roles[] = {"train", "validation", "test"};
    json_t *out = json_array();
    for (size_t i = 0; i < 3; i++) {
        size_t j;
        const json_t *u;
        json_array_foreach (json_object_get(rec, fields[i]), j, u)
            json_array_append_new(
                out, json_pack("{s:O, s:s}", "url", u, "role", roles[i]));
    }
    return out;
}

/* What on_prepare() makes of a document on the crawler's worker thread,
 * for on_document(): its extensions and its records, built, and encoded
 * too when their table was empty when the crawl began (the stamps of a
 * new record need no lookup). */
struct prepared {
    unsigned exts;
    json_t *model, *dataset;                   /* built, not stamped; or NULL */
    struct history_entry model_en, dataset_en; /* or encoded: enc != NULL */
};

/* A Collection the crawler knows for one where its keys do not say so:
 * one of an API's /collections list, which may be abbreviated (no type,
 * extent or license; EXTENSIONS.md 7.9, 18). */
static void record_kind(json_t *rec, const struct crawler_doc *d)
{
    if (d->kind == STAC_KIND_COLLECTION)
        json_object_set_new(rec, "stac_type", json_string("Collection"));
}

static json_t *build_model(const struct crawler_doc *d, unsigned exts)
{
    json_t *rec = record_new(d->json, d->url, d->source, exts);
    record_kind(rec, d);
    model_read(d->json, d->url, exts, rec);
    json_object_set_new(rec, "datasets", dataset_links(rec));
    return rec;
}

static json_t *build_dataset(const struct crawler_doc *d)
{
    json_t *rec = record_new_dataset(d->json, d->url, d->source);
    record_kind(rec, d);
    model_read_dataset(d->json, d->url, rec);
    return rec;
}

/* Whether on_document() stores a dataset / model record for d. */
static bool is_record(const struct crawler_doc *d)
{
    return d->kind != STAC_KIND_ITEM_COLLECTION &&
           d->kind != STAC_KIND_COLLECTION_LIST;
}

/* A tdml document, or the target of a model's training link unless it
 * is a model itself: a derived_from link between two models says one was
 * fine-tuned from the other (EXTENSIONS.md 4.4), and the base stays one
 * model record, not also a dataset. */
static bool is_dataset_doc(const struct crawler_doc *d, unsigned exts)
{
    return is_record(d) &&
           ((exts & EXT_TDML) || (d->dataset && !(exts & EXT_MODEL_MASK)));
}

static bool is_model_doc(const struct crawler_doc *d, unsigned exts)
{
    return is_record(d) && (exts & EXT_MODEL_MASK) != 0;
}

/* The extensions found in d, without the model ones for a Catalog: a
 * model record is an Item or a Collection (issue 2; the three model
 * extensions apply to nothing else), and a Catalog that declares one
 * speaks for its children (EXTENSIONS.md §1), which are read as ever. */
static unsigned document_exts(const struct crawler_doc *d)
{
    unsigned exts = detect_document(d->json);
    if (d->kind == STAC_KIND_CATALOG)
        exts &= ~(unsigned)EXT_MODEL_MASK;
    return exts;
}

/* A record built on the worker: kept as it is for a table that held
 * records (its stamps need the stored one), else stamped and encoded. */
static void prepare_record(const struct harvest *h, json_t *rec, bool had,
                           json_t **built, struct history_entry *en)
{
    if (had) {
        *built = rec;
        return;
    }
    history_encode_new(rec, h->run, h->now, en);
    json_decref(rec);
}

/* The prepare hook: on the worker thread, so it reads only what is set
 * before the crawl starts (run, now, had_*) and writes only *p. */
static void *on_prepare(void *ctx, const struct crawler_doc *d)
{
    const struct harvest *h = ctx;
    struct prepared *p = xcalloc(1, sizeof(*p));
    p->exts = document_exts(d);
    if (is_dataset_doc(d, p->exts))
        prepare_record(h, build_dataset(d), h->had_datasets, &p->dataset,
                       &p->dataset_en);
    if (is_model_doc(d, p->exts))
        prepare_record(h, build_model(d, p->exts & EXT_MODEL_MASK),
                       h->had_models, &p->model, &p->model_en);
    return p;
}

static void on_discard(void *ctx, void *prepared)
{
    struct prepared *p = prepared;
    (void)ctx;
    if (!p)
        return;
    json_decref(p->model);
    json_decref(p->dataset);
    history_entry_cleanup(&p->model_en);
    history_entry_cleanup(&p->dataset_en);
    free(p);
}

/* Store a record of table for d: as on_prepare() left it in p (encoded,
 * or built), or built here. */
static int store_record(struct harvest *h, enum index_table table,
                        const struct crawler_doc *d, unsigned exts,
                        const struct prepared *p, bool *is_new,
                        bool *is_changed)
{
    bool is_models = table == INDEX_MODELS;
    const struct history_entry *en = !p          ? NULL
                                     : is_models ? &p->model_en
                                                 : &p->dataset_en;
    json_t *built = !p ? NULL : is_models ? p->model : p->dataset;
    if (en && en->enc) {
        *is_new = true;
        *is_changed = false;
        return history_stage(h->ix, table, d->url, en);
    }
    if (!built && !d->json)
        return SM_E_INVAL; /* cannot be: on_prepare() built it */
    json_t *rec = built       ? json_incref(built)
                  : is_models ? build_model(d, exts)
                              : build_dataset(d);
    int rc = history_put(h->ix, table, d->url, rec, h->run, h->now,
                         is_models ? !h->had_models : !h->had_datasets, is_new,
                         is_changed);
    json_decref(rec);
    return rc;
}

/* The first time this run that url counts as a model record: an API's
 * sampled items come again in its walk, and the same record must not be
 * counted twice. */
static bool first_model(struct harvest *h, const char *url)
{
    return urlset_add(h->models_done, url);
}

static int store_model(struct harvest *h, const struct crawler_doc *d,
                       unsigned exts, const struct prepared *p, bool is_first)
{
    bool is_new = false, is_changed = false;
    int rc = store_record(h, INDEX_MODELS, d, exts, p, &is_new, &is_changed);
    if (rc == 0 && is_first) {
        h->models_stored++;
        h->models_new += is_new;
        h->models_changed += is_changed;
        log_info("model: %s", d->url);
    }
    return rc;
}

static int store_dataset(struct harvest *h, const struct crawler_doc *d,
                         const struct prepared *p, bool is_first)
{
    bool is_new, is_changed;
    int rc = store_record(h, INDEX_DATASETS, d, 0, p, &is_new, &is_changed);
    if (rc == 0) {
        h->datasets_stored += is_first;
        urlset_add(h->datasets_done, d->url);
        /* Dead to the registry's survey minutes ago, read by the harvest:
         * no model of it is flagged, nor is it counted unreachable. */
        json_object_del(h->unreachable, d->url);
        log_info("dataset: %s", d->url);
    }
    return rc;
}

/* The per-source counters of the summary. */
static json_t *source_entry(struct harvest *h, const char *source)
{
    json_t *e = json_object_get(h->sources, source);
    if (!e) {
        e = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:[], s:[]}",
                      "documents", 0, "models", 0, "model_items", 0, "datasets",
                      0, "failed", 0, "still_broken", 0, "complete", 0,
                      "reasons", "where");
        json_object_set_new(h->sources, source, e);
    }
    return e;
}

static void source_count(struct harvest *h, const char *source,
                         const char *what)
{
    json_t *e = source_entry(h, source);
    json_t *n = json_object_get(e, what);
    /* Once per document: no new integer each time. */
    if (json_is_integer(n))
        json_integer_set(n, json_integer_value(n) + 1);
    else
        json_object_set_new(e, what, json_integer(1));
}

/* A model record of source, at url, in the per-source counters. */
static void count_model(struct harvest *h, const char *source, const char *url,
                        bool is_item)
{
    source_count(h, source, "models");
    if (is_item)
        source_count(h, source, "model_items");
    json_t *where = json_object_get(source_entry(h, source), "where");
    if (json_array_size(where) < 5)
        json_array_append_new(where, json_string(url));
}

/* The records made of d: a dataset and a model record, as it is. Returns
 * as store_document(). */
static int store_records(struct harvest *h, const struct crawler_doc *d,
                         const struct prepared *p, unsigned exts)
{
    int rc;
    /* Item pages and collection lists are containers, not records: their
     * features and collections come through this hook one by one. */
    if (!is_record(d))
        return 0;
    bool is_model = is_model_doc(d, exts);
    /* Every tdml document is a dataset, and so is every target of a
     * model's training link, tdml or not, that is no model. */
    if (is_dataset_doc(d, exts)) {
        bool is_first = !urlset_has(h->datasets_done, d->url);
        if (urlset_add(h->sourced_datasets, d->url))
            source_count(h, d->source, "datasets");
        rc = store_dataset(h, d, p, is_first);
        if (rc != 0)
            return rc;
    }
    if (!is_model)
        return 0;
    bool is_first = first_model(h, d->url);
    if (urlset_add(h->sourced_models, d->url))
        count_model(h, d->source, d->url, d->kind == STAC_KIND_ITEM);
    rc = store_model(h, d, exts & EXT_MODEL_MASK, p, is_first);
    /* The crawler's CRAWLER_EXT_* bits are the index's EXT_* bits. */
    return rc != 0 ? rc : (int)(exts & EXT_MODEL_MASK);
}

/* on_document(), with what on_prepare() made of d, if anything. */
static int store_document(struct harvest *h, const struct crawler_doc *d,
                          const struct prepared *p)
{
    unsigned exts = p ? p->exts : document_exts(d);
    int rc = store_records(h, d, p, exts);
    if (rc < 0 || d->embedded)
        return rc;
    /* The crawl state last: a run resumed after a kill takes a document
     * whose crawl state names the run as done, records and all, so no
     * commit may hold the crawl state without the records staged before
     * it. */
    struct crawl_state st = {
        .fetched_at = now_seconds(),
        .http_status = (int)d->http_status,
        .source = (char *)d->source,
        .etag = (char *)d->etag,
        .last_modified = (char *)d->last_modified,
        .run = h->run,
        .flags = ((exts & EXT_MODEL_MASK) ? CRAWL_F_MODEL : 0) |
                 (d->is_api ? CRAWL_F_API : 0) |
                 (d->kind == STAC_KIND_ITEM ? CRAWL_F_ITEM : 0) |
                 (is_dataset_doc(d, exts) ? CRAWL_F_DATASET : 0) |
                 CRAWL_F_SOUND,
        .links = (char *)d->links,
    };
    int crc = index_put_crawl(h->ix, d->url, &st);
    if (crc == 0 && h->is_surveying)
        urlset_add(h->surveyed, d->url);
    return crc != 0 ? crc : rc;
}

static int on_document(void *ctx, const struct crawler_doc *d)
{
    return store_document(ctx, d, d->prepared);
}

static int on_entry_has_nul(void *ctx, const char *url, const char *keys,
                            const char *json, size_t len)
{
    (void)ctx;
    (void)url;
    (void)keys;
    return memchr(json, '\0', len) != NULL;
}

/* Whether the stored record of url in table reads back damaged: bytes
 * zeroed on disk, the kind search and export report. Read where it lies,
 * not copied: a re-harvest asks this of every known model document. */
static bool is_damaged(struct index *ix, enum index_table table,
                       const char *url)
{
    return index_get_entry(ix, table, url, on_entry_has_nul, NULL) == 1;
}

/* Whether a record the crawl state st of url stands for is damaged. Such a
 * document is asked for in full: a 304 would keep the damaged record for
 * good, though search and export say a harvest replaces it. */
static bool has_damaged_record(struct harvest *h, const char *url,
                               const struct crawl_state *st)
{
    return ((st->flags & CRAWL_F_MODEL) &&
            is_damaged(h->ix, INDEX_MODELS, url)) ||
           ((st->flags & CRAWL_F_DATASET) &&
            is_damaged(h->ix, INDEX_DATASETS, url));
}

/* Whether a stored model record is a Catalog's. */
static int on_entry_catalog(void *ctx, const char *url, const char *keys,
                            const char *json, size_t len)
{
    (void)ctx;
    (void)url;
    (void)keys;
    json_t *rec = record_decode(json, len);
    const char *type = json_string_value(json_object_get(rec, "stac_type"));
    int is_catalog = type && strcmp(type, "Catalog") == 0;
    json_decref(rec);
    return is_catalog;
}

/* Whether the stored links lead below the document: a child, item or
 * items line. */
static bool has_links_down(const char *links)
{
    const char *p = links;
    while (p && *p) {
        if (strncmp(p, "child\t", 6) == 0 || strncmp(p, "item\t", 5) == 0 ||
            strncmp(p, "items\t", 6) == 0)
            return true;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return false;
}

/* Whether the crawl state st of url, stored by an older stacml (no
 * CRAWL_F_SOUND), may be wrong where that stacml worked otherwise: a 304
 * would keep it as it is for as long as the document does not change.
 * A list of collections stored none of the collections it leads to (only
 * its own links: a next page, if any), so a 304 walked none of them; a
 * Catalog declaring a model extension was a model record (stac_type
 * "Catalog"), which each 304 kept. The first stacml kept no flags nor
 * links: a 304 walked nothing and touched no record. Items and datasets
 * are none of these, and a state with links down is no such list; the
 * rest (a list, an empty catalog, an item page: nothing stored tells
 * them apart) is fetched in full once, with the Catalogs. */
static bool is_outdated(struct harvest *h, const char *url,
                        const struct crawl_state *st)
{
    if (st->flags & CRAWL_F_SOUND)
        return false;
    if (st->flags & CRAWL_F_ITEM)
        return false;
    if (st->flags & CRAWL_F_MODEL)
        return index_get_entry(h->ix, INDEX_MODELS, url, on_entry_catalog,
                               NULL) == 1;
    return !(st->flags & CRAWL_F_DATASET) && !has_links_down(st->links);
}

static bool on_prior(void *ctx, const char *url, struct crawler_prior *p)
{
    struct harvest *h = ctx;
    crawl_state_cleanup(&h->prior);
    /* A first harvest into a new index has nothing to look up. */
    if (!h->has_priors || index_get_crawl(h->ix, url, &h->prior) != 0)
        return false;
    const struct crawl_state *st = &h->prior;
    bool is_ok =
        st->error == 0 && (st->http_status == 0 || st->http_status == 304 ||
                           (st->http_status >= 200 && st->http_status <= 299));
    /* An API landing page is always read again: its walk needs it. */
    if (!is_ok || (st->flags & CRAWL_F_API))
        return false;
    /* Asked for in full, once: its new state is this stacml's. */
    if (is_outdated(h, url, st)) {
        log_info("%s: stored by an older stacml: asked for in full", url);
        return false;
    }
    p->etag = st->etag;
    p->last_modified = st->last_modified;
    p->links = st->links;
    p->is_model = (st->flags & CRAWL_F_MODEL) != 0;
    p->is_dataset = (st->flags & CRAWL_F_DATASET) != 0;
    p->is_done = h->is_resume && st->run == h->run;
    if (!p->is_done && has_damaged_record(h, url, st)) {
        log_warn("the record of %s in the index is damaged: asked for in "
                 "full",
                 url);
        return false;
    }
    /* Read by the survey minutes ago: the conditional request it would
     * get (it has a validator) would be answered 304. One without is
     * fetched again, as ever: an item page's features, for one, come
     * only with its body. */
    p->is_fresh = !p->is_done && (st->etag || st->last_modified) &&
                  urlset_has(h->surveyed, url);
    return true;
}

/* A model record written by the run being resumed, before it stopped:
 * new or changed in this run if its stamps say so. */
static void count_resumed(struct harvest *h, const char *url)
{
    int64_t first_seen, last_changed;
    if (history_stamps(h->ix, INDEX_MODELS, url, &first_seen, &last_changed) !=
        0)
        return;
    if (first_seen >= h->run_started)
        h->models_new++;
    else if (last_changed >= h->run_started)
        h->models_changed++;
}

/* The issue a model gets for a dead training link, and the dataset URL
 * it names (up to the space after it), when issue is one. */
#define DEAD_LINK_ISSUE "training data %s is unreachable: %s"
static const char dead_link_prefix[] = "training data ";
static const char dead_link_infix[] = " is unreachable: ";

static bool dead_link_dataset(const char *issue, const char **url, size_t *n)
{
    const char *end;
    if (!issue ||
        strncmp(issue, dead_link_prefix, sizeof(dead_link_prefix) - 1) != 0)
        return false;
    *url = issue + sizeof(dead_link_prefix) - 1;
    end = strchr(*url, ' ');
    if (!end || strncmp(end, dead_link_infix, sizeof(dead_link_infix) - 1))
        return false;
    *n = (size_t)(end - *url);
    return true;
}

static int on_entry_dead_link(void *ctx, const char *url, const char *keys,
                              const char *json, size_t len)
{
    (void)ctx;
    (void)url;
    (void)keys;
    return memmem(json, len, dead_link_infix, sizeof(dead_link_infix) - 1) !=
           NULL;
}

/* Whether the stored model at url has a dead-training-link issue. Asked
 * of every model that answers 304: read in the map, not copied out. */
static bool has_dead_link_issue(struct harvest *h, const char *url)
{
    return index_get_entry(h->ix, INDEX_MODELS, url, on_entry_dead_link,
                           NULL) == 1;
}

static void on_unchanged(void *ctx, const char *url, const char *source,
                         bool is_model, bool is_resumed)
{
    struct harvest *h = ctx;
    /* h->prior is this URL's state: the crawler looked it up just now. The
     * records say that this run saw them (a resumed run's did already).
     * Either way the source holds them this run, and counts them. */
    unsigned flags = h->prior.flags;
    if (is_model &&
        (is_resumed || history_touch(h->ix, INDEX_MODELS, url, source, h->run,
                                     h->now) == 0)) {
        if (first_model(h, url)) {
            h->models_stored++;
            if (is_resumed)
                count_resumed(h, url);
        }
        if (urlset_add(h->sourced_models, url))
            count_model(h, source, url, (flags & CRAWL_F_ITEM) != 0);
        if (has_dead_link_issue(h, url))
            json_object_set_new(h->recheck, url, json_true());
    }
    if ((flags & CRAWL_F_DATASET) &&
        (is_resumed || history_touch(h->ix, INDEX_DATASETS, url, source, h->run,
                                     h->now) == 0)) {
        /* Counted like an unchanged model: the run holds it. */
        if (urlset_add(h->datasets_done, url))
            h->datasets_stored++;
        if (urlset_add(h->sourced_datasets, url))
            source_count(h, source, "datasets");
    }
    /* The crawl state stays as the last full fetch left it, but for its
     * run: a run killed later and resumed must not ask for it again. Set
     * after the records' touches, so that no commit holds it without them
     * (a resumed run does not touch them again). */
    /* A 304 to the survey minutes ago is as fresh as a body. */
    if (h->is_surveying)
        urlset_add(h->surveyed, url);
    if (!is_resumed && h->prior.run != h->run) {
        h->prior.run = h->run;
        /* on_prior() found it sound (an older stacml's state is checked
         * once). */
        h->prior.flags |= CRAWL_F_SOUND;
        index_put_crawl(h->ix, url, &h->prior);
    }
}

/* The live progress line, on a terminal only: it is rewritten in place and
 * cleared before the summary, so piped output never sees it. */
static void on_progress(void *ctx, const struct crawler_stats *st,
                        size_t queued)
{
    struct harvest *h = ctx;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double secs = (double)(t.tv_sec - h->t0.tv_sec) +
                  (double)(t.tv_nsec - h->t0.tv_nsec) / 1e9;
    /* Each document once: a body that could not be read is in fetched
     * and in a failure count; one done by the run resumed counts. */
    size_t done = st->fetched + st->unchanged + st->reused + st->resumed +
                  st->failed + st->datasets_failed - st->unreadable;
    fprintf(stderr, "\r\033[K%zu done, %zu queued, %.0f docs/s, %zu models",
            done, queued, secs > 0 ? (double)done / secs : 0.0,
            h->models_stored);
    h->progress_shown = true;
}

static void on_budget(void *ctx, const char *source)
{
    struct harvest *h = ctx;
    json_object_set_new(source_entry(h, source), "budget", json_true());
    json_object_set_new(h->incomplete, source, json_true());
}

static void on_fetched(void *ctx, const char *source)
{
    source_count(ctx, source, "documents");
}

static void on_interrupted(void *ctx)
{
    struct harvest *h = ctx;
    index_commit(h->ix);
}

static void on_depth_limited(void *ctx, const char *source)
{
    struct harvest *h = ctx;
    json_object_set_new(h->incomplete, source, json_true());
}

/* Source links into what owner walked: see mark_gone(). */
static void on_shared(void *ctx, const char *source, const char *owner)
{
    struct harvest *h = ctx;
    json_t *set = json_object_get(h->leads_to, source);
    if (!set) {
        set = json_object();
        json_object_set_new(h->leads_to, source, set);
    }
    json_object_set_new(set, owner, json_true());
}

/* Part of a document of source left unread: the first few reasons, each
 * once, are kept for the summary. */
static void on_held(void *ctx, const char *source, const char *why)
{
    struct harvest *h = ctx;
    json_object_set_new(h->incomplete, source, json_true());
    json_t *list = json_object_get(h->held, source);
    if (!list) {
        list = json_array();
        json_object_set_new(h->held, source, list);
    }
    size_t i;
    const json_t *w;
    json_array_foreach (list, i, w)
        if (strcmp(json_string_value(w), why) == 0)
            return;
    if (json_array_size(list) < 3)
        json_array_append_new(list, json_string(why));
}

/* Whether a training link's target, read already in the walk, is read
 * again as a dataset: not when its dataset record is made, nor when it is
 * unreachable, nor when it is a model read this run (a base model of a
 * fine-tuned one), which stays a model record alone whatever links to
 * it, so that a second read would only repeat the first. */
static bool on_refetch_dataset(void *ctx, const char *url)
{
    struct harvest *h = ctx;
    return !urlset_has(h->datasets_done, url) &&
           !urlset_has(h->models_done, url) &&
           json_object_get(h->unreachable, url) == NULL;
}

/* Whether a failure is one the server gives the same way each time it is
 * asked: a 404 or 410, a document it sent in full that cannot be read
 * (invalid JSON, an HTML page answered 200 for a missing file, a garbled
 * reply, JSON that is no STAC document), or one its robots.txt disallows.
 * A timeout, a reset, a 5xx or a robots.txt that could not be read may
 * pass by the next run. */
static bool is_lasting_failure(int rc, long http_status, const char *reason)
{
    if (rc == SM_E_HTTP)
        return http_status == 404 || http_status == 410;
    if (rc == SM_E_DENIED)
        return reason && strcmp(reason, CRAWLER_ROBOTS_BLOCKED) == 0;
    return rc == SM_E_PARSE || rc == SM_E_NOTSTAC;
}

/* Whether f is a link that was broken the same way when an earlier run
 * last fetched it: a lasting failure (is_lasting_failure()) then and now,
 * with the same error and status. Nothing that run saw lay behind it, so
 * it does not make tonight's crawl of its source incomplete; otherwise
 * one dead link, one invalid document or one disallowed path (EXTENSIONS.md
 * §7.9, items 7 and 8) would keep every record of a catalog from ever
 * being marked gone. A seed is not one: a crawl of nothing is not
 * complete. Read before f's new crawl state is staged. */
static bool is_still_broken(struct harvest *h, const struct crawler_failure *f)
{
    if (f->is_seed || !is_lasting_failure(f->rc, f->http_status, f->reason))
        return false;
    struct crawl_state old;
    if (index_get_crawl(h->ix, f->url, &old) != 0)
        return false;
    /* Fetched by this run already (before a kill it resumes, or by the
     * registry survey before it, whose states have no run: 0): as that
     * fetch found it. */
    bool is_earlier = (old.flags & CRAWL_F_STILL_BROKEN) ||
                      (old.run > 0 && old.run != h->run);
    bool same = is_earlier && old.error == f->rc &&
                old.http_status == f->http_status &&
                is_lasting_failure(old.error, old.http_status, old.reason);
    crawl_state_cleanup(&old);
    return same;
}

static void on_failure(void *ctx, const struct crawler_failure *f)
{
    struct harvest *h = ctx;
    bool still_broken = !f->dataset && is_still_broken(h, f);
    struct crawl_state st = {
        .fetched_at = now_seconds(),
        .http_status = (int)f->http_status,
        .error = f->rc,
        .reason = (char *)f->reason,
        .source = (char *)f->source,
        .run = h->run, /* for is_still_broken() in a later run */
        .flags = still_broken ? CRAWL_F_STILL_BROKEN : 0,
    };
    index_put_crawl(h->ix, f->url, &st);
    if (f->dataset) {
        /* A dead training link is the model's problem, not the harvest's:
         * it is recorded on both sides and never fails the run. */
        json_t *rec = record_new_unreachable(f->url, f->source, f->reason,
                                             f->http_status);
        history_put(h->ix, INDEX_DATASETS, f->url, rec, h->run, h->now,
                    !h->had_datasets, NULL, NULL);
        json_decref(rec);
        json_object_set_new(h->unreachable, f->url, json_string(f->reason));
        log_info("dataset unreachable: %s: %s", f->url, f->reason);
        return;
    }
    if (still_broken)
        source_count(h, f->source, "still_broken");
    else
        json_object_set_new(h->incomplete, f->source, json_true());
    source_count(h, f->source, "failed");
    json_t *reasons = json_object_get(source_entry(h, f->source), "reasons");
    if (json_array_size(reasons) < 3)
        json_array_append_new(reasons,
                              json_sprintf("%s: %s", f->url, f->reason));
    if (f->is_seed || strcmp(f->url, f->source) == 0) {
        h->seed_failures++;
        json_object_set_new(source_entry(h, f->source), "seed_failed",
                            json_true());
    }
    h->n_failures_total++;
    if (h->n_failures < FAILURES_KEPT) {
        h->failures[h->n_failures].url = xstrdup(f->url);
        h->failures[h->n_failures].reason = xstrdup(f->reason);
        h->failures[h->n_failures].source = xstrdup(f->source);
        h->n_failures++;
    }
}

static int collect_url(void *ctx, const char *url, const char *json, size_t len)
{
    json_array_append_new(ctx, json_string(url));
    return 0;
}

/* Append item (a reference taken) to pending[model] (model URL ->
 * array, made when new) for every model whose data links name link. Runs
 * after a commit, so the models are visible. */
static void note_models_of(struct harvest *h, const char *link, json_t *item,
                           json_t *pending)
{
    json_t *urls = json_array();
    char *key = xasprintf("trained_on=%s", link);
    index_foreach_key(h->ix, INDEX_MODELS, key, collect_url, urls);
    free(key);
    size_t i;
    const json_t *u;
    json_array_foreach (urls, i, u) {
        const char *url = json_string_value(u);
        json_t *list = json_object_get(pending, url);
        if (!list) {
            list = json_array();
            json_object_set_new(pending, url, list);
        }
        json_array_append(list, item);
    }
    json_decref(urls);
    json_decref(item);
}

/* Note in *pending (model URL -> new issues) the issue of every model
 * trained on an unreachable dataset. */
static void collect_flags(struct harvest *h, const char *dataset_url,
                          const char *reason, json_t *pending)
{
    note_models_of(h, dataset_url,
                   json_sprintf(DEAD_LINK_ISSUE, dataset_url, reason), pending);
}

/* The stored model record at url, decoded (new reference), or NULL. */
static json_t *stored_model(struct harvest *h, const char *url)
{
    char *json = NULL;
    size_t len = 0;
    if (index_get(h->ix, INDEX_MODELS, url, &json, &len) != 0)
        return NULL;
    json_t *rec = record_decode(json, len);
    free(json);
    return rec;
}

/* The issues array of a record, made when it has none (borrowed). */
static json_t *issues_of(json_t *rec)
{
    json_t *issues = json_object_get(rec, "issues");
    if (!json_is_array(issues)) {
        issues = json_array();
        json_object_set_new(rec, "issues", issues);
    }
    return issues;
}

/* Add issues to the stored model record at url, each once (a model
 * unchanged since the last run, a 304, keeps last run's issues). A kept
 * dead-link issue of a dataset this run read, or found dead again (the
 * reason may differ), is dropped first: add holds what is true now. */
static void flag_model(struct harvest *h, const char *url, const json_t *add)
{
    json_t *rec = stored_model(h, url);
    if (!rec)
        return;
    json_t *issues = issues_of(rec);
    size_t i, j, n;
    const json_t *issue, *old;
    const char *ds;
    for (i = json_array_size(issues); i-- > 0;) {
        if (!dead_link_dataset(json_string_value(json_array_get(issues, i)),
                               &ds, &n))
            continue;
        char *d = xstrndup(ds, n);
        if (urlset_has(h->datasets_done, d) ||
            json_object_get(h->unreachable, d))
            json_array_remove(issues, i);
        free(d);
    }
    json_array_foreach (add, i, issue) {
        bool is_known = false;
        json_array_foreach (issues, j, old)
            is_known = is_known || json_equal(old, issue);
        if (!is_known)
            json_array_append(issues, (json_t *)issue);
    }
    history_put_plain(h->ix, INDEX_MODELS, url, rec);
    json_decref(rec);
}

static void on_dataset_moved(void *ctx, const char *from, const char *to)
{
    struct harvest *h = ctx;
    if (strcmp(from, to) != 0)
        json_object_set_new(h->moved, from, json_string(to));
}

static bool is_string_of(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

/* Keep in the record that its data link link led to to: the link as its
 * document gives it still finds the model (--trained-on, record_keys()). */
static void note_redirect(json_t *rec, const char *link, const char *to)
{
    json_t *arr = json_object_get(rec, "data_redirects");
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(rec, "data_redirects", arr);
    }
    size_t i;
    const json_t *r;
    json_array_foreach (arr, i, r)
        if (is_string_of(json_object_get(r, "from"), link)) {
            json_object_set_new((json_t *)r, "to", json_string(to));
            return;
        }
    json_array_append_new(arr, json_pack("{s:s, s:s}", "from", link, "to", to));
}

/* Replace link by to in the data lists of a model record (to once), and
 * say so in its issues. Whether link was there. */
static bool move_data_link(json_t *rec, const char *link, const char *to)
{
    static const char *const lists[] = {"train_data", "validation_data",
                                        "test_data"};
    bool found = false;
    for (size_t i = 0; i < 3; i++) {
        json_t *arr = json_object_get(rec, lists[i]);
        bool has_to = false;
        size_t j;
        const json_t *u;
        json_array_foreach (arr, j, u)
            has_to = has_to || is_string_of(u, to);
        for (j = 0; j < json_array_size(arr);) {
            if (!is_string_of(json_array_get(arr, j), link)) {
                j++;
                continue;
            }
            found = true;
            if (has_to) {
                json_array_remove(arr, j);
                continue;
            }
            json_array_set_new(arr, j++, json_string(to));
            has_to = true;
        }
    }
    if (!found)
        return false;
    json_object_set_new(rec, "datasets", dataset_links(rec));
    note_redirect(rec, link, to);
    json_array_append_new(issues_of(rec),
                          json_sprintf("training data %s redirects to %s; "
                                       "recorded as the latter",
                                       link, to));
    return true;
}

/* Move the data links of the stored model record at url as moves
 * ([[link, to], ...]) says, in one write: the index reads what is
 * committed, and a second write would start again from that. */
static void move_model_links(struct harvest *h, const char *url,
                             const json_t *moves)
{
    json_t *rec = stored_model(h, url);
    bool any = false;
    size_t i;
    const json_t *m;
    json_array_foreach (moves, i, m)
        any |=
            rec && move_data_link(rec, json_string_value(json_array_get(m, 0)),
                                  json_string_value(json_array_get(m, 1)));
    if (any)
        history_put_plain(h->ix, INDEX_MODELS, url, rec);
    json_decref(rec);
}

/* Where the redirects from url end (borrowed from h->moved), or NULL
 * when url is no hop or its chain comes round to a URL met on it. */
static const char *chain_end(struct harvest *h, const char *url)
{
    const char *end = NULL;
    size_t steps = json_object_size(h->moved);
    const json_t *next;
    while ((next = json_object_get(h->moved, url)) != NULL) {
        if (steps-- == 0)
            return NULL; /* a loop */
        end = url = json_string_value(next);
    }
    return end;
}

/* Note in *pending (model URL -> [[link, to], ...]) every model that
 * names link among its data links. */
static void collect_moves(struct harvest *h, const char *link, const char *to,
                          json_t *pending)
{
    note_models_of(h, link, json_pack("[s, s]", link, to), pending);
}

/* A training-data link that redirects: its dataset record is made at the
 * URL the chain ends at, so every model that names the link now names
 * that URL (with an issue saying so), and the dataset's models, and
 * --trained-on of it, find them. Every URL met on a chain is looked up,
 * not only the first: a model may name a hop of another link's chain.
 * Runs after a commit, so the models are visible; a model unchanged since
 * a run that did this names the end already. */
static void point_moved_links(struct harvest *h)
{
    const char *from;
    json_t *to;
    if (json_object_size(h->moved) == 0 || index_commit(h->ix) != 0)
        return;
    json_t *pending = json_object(); /* model URL -> [[link, to], ...] */
    json_object_foreach (h->moved, from, to) {
        const char *end = chain_end(h, from);
        if (end)
            collect_moves(h, from, end, pending);
    }
    const char *url;
    json_t *moves;
    json_object_foreach (pending, url, moves)
        move_model_links(h, url, moves);
    json_decref(pending);
}

/* Every model of a dead training-data link says so. All of a model's
 * issues are written at once: the index reads what is committed, and a
 * second write of the record would start again from that. */
static void flag_unreachable(struct harvest *h)
{
    const char *url;
    json_t *reason;
    if ((json_object_size(h->unreachable) == 0 &&
         json_object_size(h->recheck) == 0) ||
        index_commit(h->ix) != 0)
        return;
    json_t *pending = json_object();
    json_object_foreach (h->unreachable, url, reason)
        collect_flags(h, url, json_string_value(reason), pending);
    /* Unchanged models whose dead links may have come back. */
    json_object_foreach (h->recheck, url, reason)
        if (!json_object_get(pending, url))
            json_object_set_new(pending, url, json_array());
    json_t *add;
    json_object_foreach (pending, url, add)
        flag_model(h, url, add);
    json_decref(pending);
}

static int exit_status_of(const struct harvest *h,
                          const struct crawler_stats *st, size_t n_seeds)
{
    if (st->hook_error)
        return EXIT_INDEX;
    if (st->interrupted)
        return EXIT_INTERRUPTED;
    if (n_seeds > 0 && h->seed_failures == n_seeds)
        return EXIT_NOTHING;
    if (h->n_failures_total)
        return EXIT_PARTIAL;
    return EXIT_OK;
}

static const char *outcome_name(int status)
{
    switch (status) {
    case EXIT_OK:
        return "ok";
    case EXIT_PARTIAL:
        return "partial";
    case EXIT_NOTHING:
        return "failed";
    case EXIT_INTERRUPTED:
        return "interrupted";
    default:
        return "error";
    }
}

/* The seeds as a JSON array of strings (new reference). */
static json_t *seeds_json(const struct seeds *seeds)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < seeds->n; i++)
        json_array_append_new(arr, json_string(seeds->v[i]));
    return arr;
}

/* What `runs` shows of a run that has just begun, until its summary
 * replaces it: one killed on the way stays listed as unfinished. */
static void record_unfinished(struct harvest *h, const struct seeds *seeds)
{
    char t0[32];
    iso_time(h->run_started, t0, sizeof(t0));
    json_t *sum =
        json_pack("{s:I, s:s, s:o, s:s}", "run", (json_int_t)h->run, "started",
                  t0, "seeds", seeds_json(seeds), "outcome", "unfinished");
    history_run_record(h->ix, h->run, sum);
    json_decref(sum);
    index_commit(h->ix);
}

static void save_summary(struct harvest *h, const struct seeds *seeds,
                         const struct crawler_stats *st, int64_t started,
                         int status)
{
    char t0[32], t1[32];
    iso_time(started, t0, sizeof(t0));
    iso_time(now_seconds(), t1, sizeof(t1));
    json_t *fails = json_array();
    for (size_t i = 0; i < h->n_failures; i++)
        json_array_append_new(fails,
                              json_pack("{s:s, s:s}", "url", h->failures[i].url,
                                        "reason", h->failures[i].reason));
    json_t *sum = json_pack(
        "{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:i, s:o}",
        "started", t0, "finished", t1, "seeds", seeds_json(seeds), "fetched",
        (json_int_t)st->fetched, "documents", (json_int_t)st->documents,
        "models", (json_int_t)h->models_stored, "datasets",
        (json_int_t)h->datasets_stored, "datasets_unreachable",
        (json_int_t)json_object_size(h->unreachable), "failed",
        (json_int_t)h->n_failures_total, "bytes", (json_int_t)st->bytes,
        "outcome", outcome_name(status), "exit_status", status, "failures",
        fails);
    json_object_set(sum, "apis", h->apis);
    json_object_set_new(sum, "run", json_integer(h->run));
    json_object_set_new(sum, "resumed", json_boolean(h->is_resume));
    json_object_set_new(sum, "unchanged",
                        json_integer((json_int_t)st->unchanged));
    json_object_set_new(sum, "skipped_resumed",
                        json_integer((json_int_t)st->resumed));
    json_object_set_new(sum, "skipped_surveyed",
                        json_integer((json_int_t)st->reused));
    json_object_set_new(sum, "models_new",
                        json_integer((json_int_t)h->models_new));
    json_object_set_new(sum, "models_changed",
                        json_integer((json_int_t)h->models_changed));
    json_object_set_new(sum, "gone", json_integer((json_int_t)h->gone));
    json_object_set_new(sum, "datasets_gone",
                        json_integer((json_int_t)h->datasets_gone));
    json_object_set(sum, "sources", h->sources);
    json_object_set_new(sum, "retries", json_integer((json_int_t)st->retries));
    json_object_set_new(sum, "robots_blocked",
                        json_integer((json_int_t)st->robots_blocked));
    json_object_set_new(sum, "plain_items",
                        json_integer((json_int_t)st->prescanned));
    json_object_set_new(sum, "plain_containers",
                        json_integer((json_int_t)st->plain_containers));
    json_object_set_new(sum, "depth_dropped",
                        json_integer((json_int_t)st->depth_dropped));
    json_object_set_new(sum, "links_rejected",
                        json_integer((json_int_t)st->links_rejected));
    json_object_set_new(sum, "insecure", json_boolean(h->insecure));
    json_object_set_new(sum, "cacert",
                        h->cacert ? json_string(h->cacert) : json_null());
    json_object_set_new(sum, "capath",
                        h->capath ? json_string(h->capath) : json_null());
    char *text = json_dumps(sum, JSON_COMPACT);
    index_put_meta(h->ix, "last_harvest", text);
    free(text);
    h->summary = sum;
}

/* Per source (when there are several): documents, models, failures and
 * the first few reasons. */
static void print_sources(const struct harvest *h)
{
    if (json_object_size(h->sources) < 2)
        return;
    const char *src;
    json_t *e;
    json_object_foreach (h->sources, src, e) {
        char *safe = text_safe(src, 0);
        fprintf(stderr,
                "stacml: source %s: %" JSON_INTEGER_FORMAT
                " documents, %" JSON_INTEGER_FORMAT
                " models, %" JSON_INTEGER_FORMAT " failed\n",
                safe, json_integer_value(json_object_get(e, "documents")),
                json_integer_value(json_object_get(e, "models")),
                json_integer_value(json_object_get(e, "failed")));
        free(safe);
        size_t i;
        const json_t *r;
        json_array_foreach (json_object_get(e, "reasons"), i, r) {
            char *t = text_safe(json_string_value(r), 0);
            fprintf(stderr, "  %s\n", t);
            free(t);
        }
    }
}

/* One paragraph per STAC API: the strategy, what was walked, sampled and
 * skipped, and the warnings (runaway pagination, failed calls). */
static void print_apis(const struct harvest *h)
{
    size_t i;
    const json_t *a;
    json_array_foreach (h->apis, i, a) {
        json_int_t n[9] = {0};
        const char *url = "", *strategy = "";
        json_unpack((json_t *)a,
                    "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                    "url", &url, "strategy", &strategy, "collections", &n[0],
                    "walked_declared", &n[1], "walked_sampled", &n[2],
                    "skipped_sampled", &n[3], "sampled_whole", &n[4],
                    "sample_failed", &n[5], "covered_by_search", &n[6],
                    "walked_all", &n[7], "pages", &n[8]);
        char *safe = text_safe(url, 0);
        fprintf(stderr,
                "stacml: api %s: strategy %s; %" JSON_INTEGER_FORMAT
                " collections: %" JSON_INTEGER_FORMAT
                " walked (declared), %" JSON_INTEGER_FORMAT
                " walked (sample held a model), %" JSON_INTEGER_FORMAT
                " sampled and skipped, %" JSON_INTEGER_FORMAT
                " read whole by their sample, %" JSON_INTEGER_FORMAT
                " whose sample failed, %" JSON_INTEGER_FORMAT
                " covered by the search, %" JSON_INTEGER_FORMAT
                " walked (--exhaustive); %" JSON_INTEGER_FORMAT " item pages\n",
                safe, strategy, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7],
                n[8]);
        free(safe);
        const json_t *w;
        size_t j;
        json_array_foreach (json_object_get(a, "warnings"), j, w) {
            char *t = text_safe(json_string_value(w), 0);
            fprintf(stderr, "  warning: %s\n", t);
            free(t);
        }
    }
}

/* The reasons of list joined with "; " (new). */
static char *held_reasons(const json_t *list)
{
    size_t i, n = 1;
    const json_t *w;
    json_array_foreach (list, i, w)
        n += strlen(json_string_value(w)) + 2;
    char *out = xmalloc(n), *p = out;
    *p = '\0';
    json_array_foreach (list, i, w)
        p += sprintf(p, "%s%s", i ? "; " : "", json_string_value(w));
    return out;
}

/* Per source, through out (stderr or the log's summary): whether its
 * failures, or a part of it left unread, kept this run from marking
 * records gone, and how many links broken since an earlier run did not. */
static void report_gone_held(const struct harvest *h,
                             void (*out)(const char *fmt, ...))
{
    const char *src;
    json_t *e;
    json_object_foreach (h->sources, src, e) {
        json_int_t failed = json_integer_value(json_object_get(e, "failed"));
        json_int_t still =
            json_integer_value(json_object_get(e, "still_broken"));
        char *safe = text_safe(src, 0);
        if (failed > still)
            out("%s: %" JSON_INTEGER_FORMAT
                " documents failed; nothing of it is marked gone this run",
                safe, failed - still);
        if (still > 0)
            out("%s: %" JSON_INTEGER_FORMAT
                " links still broken (404 or 410, the same unreadable "
                "document or robots.txt refusal, as when an earlier run "
                "fetched them) do not keep records from being marked gone",
                safe, still);
        free(safe);
    }
    const json_t *list;
    json_object_foreach (h->held, src, list) {
        char *safe = text_safe(src, 0);
        char *why = held_reasons(list);
        char *text = text_safe(why, 0);
        free(why);
        out("%s: part of it was left unread (%s); nothing of it is marked "
            "gone this run",
            safe, text);
        free(safe);
        free(text);
    }
}

static void print_line(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* One "stacml: " line of the summary on stderr. */
static void print_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stacml: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The summary's essentials, and the failures, for the log file: the
 * outcome of a cron job must be there even when it ran with -q. */
static void log_run_summary(const struct harvest *h,
                            const struct crawler_stats *st, int status,
                            double secs)
{
    char records[160];
    if (h->is_write_failed)
        snprintf(records, sizeof(records),
                 "the index write failed: of %zu model records and %zu "
                 "datasets found, those past the last good commit were not "
                 "saved",
                 h->models_stored, h->datasets_stored);
    else
        snprintf(records, sizeof(records),
                 "%zu model records (%zu new, %zu changed, %zu gone), %zu "
                 "datasets",
                 h->models_stored, h->models_new, h->models_changed, h->gone,
                 h->datasets_stored);
    log_summary("run %lld: %s (exit %d): %zu documents fetched, %zu "
                "unchanged (304), %zu resumed, %zu read by the survey, %zu "
                "STAC documents, %s, %zu failed, %zu left unfetched (%.1f s)",
                (long long)h->run, outcome_name(status), status, st->fetched,
                st->unchanged, st->resumed, st->reused, st->documents, records,
                h->n_failures_total, st->queued_left, secs);
    report_gone_held(h, log_summary);
    for (size_t i = 0; i < h->n_failures; i++)
        log_summary("failed: %s: %s", h->failures[i].url,
                    h->failures[i].reason);
    if (h->n_failures_total > h->n_failures)
        log_summary("... and %zu more failures (see 'stacml stats')",
                    h->n_failures_total - h->n_failures);
}

/* The record counts of a harvest whose index write failed: what was found
 * is not what was saved, since the failed batch and every later one were
 * dropped, and the counts cannot tell which records those held. */
static void print_unsaved(const struct harvest *h,
                          const struct crawler_stats *st, double secs)
{
    fprintf(stderr,
            "stacml: harvest: %zu documents fetched, %zu STAC documents, "
            "%zu failed (%.1f s)\n",
            st->fetched, st->documents, h->n_failures_total, secs);
    fprintf(stderr,
            "stacml: the index write failed: of %zu model records and %zu "
            "datasets found, those past the last good commit were not "
            "saved; the next harvest resumes the run\n",
            h->models_stored, h->datasets_stored);
}

static void print_counts(const struct harvest *h,
                         const struct crawler_stats *st, double secs)
{
    if (h->is_write_failed) {
        print_unsaved(h, st, secs);
        return;
    }
    fprintf(stderr,
            "stacml: harvest: %zu documents fetched, %zu STAC documents, "
            "%zu model records, %zu failed (%.1f s)\n",
            st->fetched, st->documents, h->models_stored, h->n_failures_total,
            secs);
    if (st->unchanged || st->resumed || st->reused || h->models_new ||
        h->models_changed || h->gone) {
        /* Only a --registry run's survey reads for its harvest. */
        char survey[48] = "";
        if (st->reused)
            snprintf(survey, sizeof(survey), ", %zu read by the survey",
                     st->reused);
        fprintf(stderr,
                "stacml: run %lld: %zu unchanged (304), %zu resumed%s; models "
                "%zu new, %zu changed, %zu gone\n",
                (long long)h->run, st->unchanged, st->resumed, survey,
                h->models_new, h->models_changed, h->gone);
    }
    if (h->datasets_stored || json_object_size(h->unreachable) ||
        h->datasets_gone)
        fprintf(stderr,
                "stacml: datasets: %zu recorded, %zu unreachable, %zu gone\n",
                h->datasets_stored, json_object_size(h->unreachable),
                h->datasets_gone);
}

static void print_summary(const struct harvest *h,
                          const struct crawler_stats *st, double secs)
{
    print_counts(h, st, secs);
    print_sources(h);
    print_apis(h);
    log_info("%zu plain items and %zu plain catalogs and collections read "
             "without a JSON tree",
             st->prescanned, st->plain_containers);
    if (st->retries || st->robots_blocked)
        fprintf(stderr,
                "stacml: %zu retries; %zu documents refused by "
                "robots.txt\n",
                st->retries, st->robots_blocked);
    if (h->insecure)
        fprintf(stderr, "stacml: warning: TLS certificates were not "
                        "verified (--insecure)\n");
    if (st->queued_left)
        fprintf(stderr,
                "stacml: %zu queued documents left unfetched "
                "(--max-docs or interrupted); nothing is marked gone this "
                "run\n",
                st->queued_left);
    if (st->links_rejected)
        fprintf(stderr,
                "stacml: %zu links rejected (unusable or over-long URLs, "
                "other schemes, types that are not JSON; -v names them)\n",
                st->links_rejected);
    if (st->depth_dropped)
        fprintf(stderr,
                "stacml: %zu links past --max-depth not followed; nothing "
                "of their sources is marked gone\n",
                st->depth_dropped);
    report_gone_held(h, print_line);
    size_t show = h->n_failures < 20 ? h->n_failures : 20;
    for (size_t i = 0; i < show; i++) {
        char *u = text_safe(h->failures[i].url, 0);
        char *r = text_safe(h->failures[i].reason, 0);
        fprintf(stderr, "  failed: %s: %s\n", u, r);
        free(u);
        free(r);
    }
    if (h->n_failures_total > show)
        fprintf(stderr, "  ... and %zu more (see 'stacml stats')\n",
                h->n_failures_total - show);
}

enum {
    OPT_SEEDS = 256,
    OPT_CONCURRENCY,
    OPT_PER_HOST,
    OPT_MAX_DEPTH,
    OPT_MAX_DOCS,
    OPT_MAX_DOC_SIZE,
    OPT_CONNECT_TIMEOUT,
    OPT_STALL_TIMEOUT,
    OPT_TIMEOUT,
    OPT_USER_AGENT,
    OPT_DB,
    OPT_DATASET_ITEMS,
    OPT_SAMPLE,
    OPT_PAGE_SIZE,
    OPT_MAX_PAGES,
    OPT_EXHAUSTIVE,
    OPT_SEARCH_METHOD,
    OPT_RATE,
    OPT_RETRIES,
    OPT_IGNORE_ROBOTS,
    OPT_HEADER,
    OPT_HEADER_HOST,
    OPT_NETRC,
    OPT_NO_PRIVATE,
    OPT_INSECURE,
    OPT_CACERT,
    OPT_CAPATH,
    OPT_RETRY_DELAY,
    OPT_GONE_AFTER,
    OPT_COMMIT_EVERY,
    OPT_WAIT,
    OPT_LOG,
    OPT_LOG_FORMAT,
    OPT_REGISTRY,
    OPT_SURVEY_EVERY,
    OPT_SOURCE_BUDGET,
    OPT_SOURCE_TIME,
};

static int parse_int_opt(const char *name, const char *val, long long min,
                         long long max, int suffix, long long *out)
{
    if (cli_parse_size(val, suffix, max, out) != 0 || *out < min) {
        cli_usage_error("harvest",
                        "invalid value '%s' for --%s (expected "
                        "%lld..%lld)",
                        val, name, min, max);
        return SM_E_INVAL;
    }
    return 0;
}

/* --header values and the hosts they may go to. */
struct credentials {
    struct seeds headers; /* "Name: value" */
    struct seeds hosts;   /* host keys, from --header-host or the seeds */
};

/* Whether s holds a control character, which no HTTP field value may
 * (RFC 9110 §5.5; a tab may): a line break would start a header of the
 * user's making, and the others make servers refuse the request. */
static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return true;
    return false;
}

/* Whether the n bytes at s are an HTTP field name: a token (RFC 9110
 * §5.6.2). */
static bool is_token(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("!#$%&'*+-.^_`|~", s[i]))
            return false;
    return n > 0;
}

/* What is wrong with a --header value, or NULL. */
static const char *header_problem(const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!colon)
        return "want 'Name: value'";
    if (!is_token(arg, (size_t)(colon - arg)))
        return "the name is no HTTP token";
    if (has_control(colon + 1))
        return "the value holds a line break or another control character";
    /* libcurl sends no header given with an empty value: this one would
     * take the User-Agent away from every request to the seeds' hosts,
     * which an empty --user-agent may not do either. */
    if (colon - arg == 10 && strncasecmp(arg, "User-Agent", 10) == 0 &&
        colon[1 + strspn(colon + 1, " \t")] == '\0')
        return "an empty User-Agent: every request names its sender (the "
               "default names stacml)";
    return NULL;
}

static int add_header(struct credentials *cred, const char *arg)
{
    const char *why = header_problem(arg);
    if (why) {
        char *safe = text_safe(arg, 200);
        cli_usage_error("harvest", "invalid --header '%s' (%s)", safe, why);
        free(safe);
        return SM_E_INVAL;
    }
    seeds_add(&cred->headers, xstrdup(arg));
    return 0;
}

/* --header-host: a URL (its scheme, host and port) or a bare host name
 * (both http and https on their default ports). */
static int add_header_host(struct credentials *cred, const char *arg)
{
    char *key = NULL, *url = NULL;
    if (strstr(arg, "://")) {
        if (url_normalize(arg, &url) == 0 && url_host_key(url, &key) == 0)
            seeds_add(&cred->hosts, key);
        free(url);
        if (!key) {
            cli_usage_error("harvest", "invalid --header-host '%s'", arg);
            return SM_E_INVAL;
        }
        return 0;
    }
    static const char *const schemes[] = {"http", "https"};
    for (size_t i = 0; i < 2; i++) {
        char *u = xasprintf("%s://%s/", schemes[i], arg);
        key = NULL;
        url = NULL;
        int rc = url_normalize(u, &url);
        if (rc == 0)
            rc = url_host_key(url, &key);
        free(u);
        free(url);
        if (rc != 0) {
            cli_usage_error("harvest", "invalid --header-host '%s'", arg);
            return SM_E_INVAL;
        }
        seeds_add(&cred->hosts, key);
    }
    return 0;
}

/* The smallest --rate other than 0: one request an hour. Below it, a
 * host's second request would wait past any sensible run (1e-9 is one in
 * 31 years), and a spacing of 1/R past a long's range is no spacing. */
#define RATE_MIN (1.0 / 3600)

static int parse_rate(const char *arg, double *rate)
{
    char *end = NULL;
    double v;
    if (numfmt_read(arg, &v, &end) != 0 || errno || *end || !(v >= 0) ||
        v > 100000 || (v > 0 && v < RATE_MIN)) {
        cli_usage_error("harvest",
                        "invalid --rate '%s' (requests per second "
                        "per host, 0 for no limit; at least one an hour, "
                        "0.000278, at most 100000)",
                        arg);
        return SM_E_INVAL;
    }
    *rate = v;
    return 0;
}

/* --cacert FILE, --capath DIR: checked now, for libcurl would only say
 * at the first TLS handshake, and then fail every document of the run
 * the same way. */
static int check_tls_path(const char *name, const char *path, bool is_dir)
{
    struct stat sb;
    const char *why = NULL;
    if (stat(path, &sb) != 0)
        why = strerror(errno);
    else if (is_dir && !S_ISDIR(sb.st_mode))
        why = "not a directory";
    else if (!is_dir && !S_ISREG(sb.st_mode))
        why = S_ISDIR(sb.st_mode) ? "a directory" : "not a regular file";
    else if (access(path, is_dir ? R_OK | X_OK : R_OK) != 0)
        why = strerror(errno);
    if (!why)
        return 0;
    char *safe = text_safe(path, 200);
    cli_usage_error("harvest", "cannot use --%s %s: %s", name, safe, why);
    free(safe);
    return SM_E_INVAL;
}

/* Without --header-host, credentials go to the hosts of the seeds. */
static void credentials_finish(struct credentials *cred,
                               const struct seeds *seeds,
                               struct crawler_options *opt)
{
    if (cred->headers.n == 0)
        return;
    if (cred->hosts.n == 0) {
        for (size_t i = 0; i < seeds->n; i++) {
            char *key = NULL;
            if (url_scheme_of(seeds->v[i]) == URL_SCHEME_FILE ||
                url_host_key(seeds->v[i], &key) != 0)
                continue;
            /* Once a host: many seeds share one. */
            if (seeds_has(&cred->hosts, key))
                free(key);
            else
                seeds_add(&cred->hosts, key);
        }
        /* Without --header-host the credentials go to the seeds' hosts:
         * with registries alone, to none. Better said than silently. */
        if (cred->hosts.n == 0)
            log_warn("--header is sent to no host: name the hosts it is "
                     "for with --header-host");
    }
    seeds_add(&cred->headers, NULL);
    seeds_add(&cred->hosts, NULL);
    opt->headers = (const char *const *)cred->headers.v;
    opt->header_hosts = (const char *const *)cred->hosts.v;
}

/* Parse the options into opt and seeds. Returns EXIT_OK, or an exit
 * status to return at once (-1 means --help was printed). */
/* Options of the harvest itself, beyond the crawler's. */
struct harvest_opts {
    int gone_after;
    long commit_every; /* writes per index commit; 0: the default */
    bool wait;
    const char *log_path;
    struct seeds registries; /* --registry */
    size_t registry_max;     /* --max-doc-size if given, else 0 */
    int64_t survey_every;    /* seconds */
};

static int parse_args(struct cli *cli, int argc, char **argv,
                      struct crawler_options *opt, struct seeds *seeds,
                      struct credentials *cred, struct harvest_opts *h_opts)
{
    static const struct option longopts[] = {
        {"seeds", required_argument, NULL, OPT_SEEDS},
        {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
        {"per-host", required_argument, NULL, OPT_PER_HOST},
        {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
        {"max-docs", required_argument, NULL, OPT_MAX_DOCS},
        {"max-doc-size", required_argument, NULL, OPT_MAX_DOC_SIZE},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"user-agent", required_argument, NULL, OPT_USER_AGENT},
        {"db", required_argument, NULL, OPT_DB},
        {"dataset-items", no_argument, NULL, OPT_DATASET_ITEMS},
        {"sample", required_argument, NULL, OPT_SAMPLE},
        {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
        {"max-pages", required_argument, NULL, OPT_MAX_PAGES},
        {"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE},
        {"search-method", required_argument, NULL, OPT_SEARCH_METHOD},
        {"rate", required_argument, NULL, OPT_RATE},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"ignore-robots", no_argument, NULL, OPT_IGNORE_ROBOTS},
        {"header", required_argument, NULL, OPT_HEADER},
        {"header-host", required_argument, NULL, OPT_HEADER_HOST},
        {"netrc", no_argument, NULL, OPT_NETRC},
        {"no-private", no_argument, NULL, OPT_NO_PRIVATE},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"cacert", required_argument, NULL, OPT_CACERT},
        {"capath", required_argument, NULL, OPT_CAPATH},
        {"retry-delay", required_argument, NULL, OPT_RETRY_DELAY},
        {"gone-after", required_argument, NULL, OPT_GONE_AFTER},
        {"commit-every", required_argument, NULL, OPT_COMMIT_EVERY},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"log", required_argument, NULL, OPT_LOG},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"registry", required_argument, NULL, OPT_REGISTRY},
        {"survey-every", required_argument, NULL, OPT_SURVEY_EVERY},
        {"source-budget", required_argument, NULL, OPT_SOURCE_BUDGET},
        {"source-time", required_argument, NULL, OPT_SOURCE_TIME},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    long long v;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case OPT_SEEDS:
            if (seeds_read_file(seeds, optarg) != 0)
                return EXIT_USAGE;
            break;
        case OPT_CONCURRENCY:
            rc = parse_int_opt("concurrency", optarg, 1, 1024, 0, &v);
            opt->concurrency = (int)v;
            break;
        case OPT_PER_HOST:
            rc = parse_int_opt("per-host", optarg, 1, 256, 0, &v);
            opt->per_host = (int)v;
            break;
        case OPT_MAX_DEPTH:
            rc = parse_int_opt("max-depth", optarg, 0, 1000000, 0, &v);
            opt->max_depth = (int)v;
            break;
        case OPT_MAX_DOCS:
            rc = parse_int_opt("max-docs", optarg, 1, 1LL << 40, 0, &v);
            opt->max_docs = (long)v;
            break;
        case OPT_MAX_DOC_SIZE:
            rc = parse_int_opt("max-doc-size", optarg, 1024, 1LL << 32, 1, &v);
            opt->max_doc_size = (size_t)v;
            h_opts->registry_max = opt->max_doc_size;
            break;
        case OPT_CONNECT_TIMEOUT:
            rc = parse_int_opt("connect-timeout", optarg, 1, 3600, 0, &v);
            opt->connect_timeout_ms = (long)v * 1000;
            break;
        case OPT_STALL_TIMEOUT:
            rc = parse_int_opt("stall-timeout", optarg, 1, 3600, 0, &v);
            opt->stall_timeout_s = (long)v;
            break;
        case OPT_TIMEOUT:
            rc = parse_int_opt("timeout", optarg, 1, 86400, 0, &v);
            opt->timeout_ms = (long)v * 1000;
            break;
        case OPT_USER_AGENT:
            if (has_control(optarg))
                return cli_usage_error("harvest",
                                       "invalid --user-agent: it holds a "
                                       "line break or another control "
                                       "character");
            /* curl's -A '' sends none; a crawler must say who it is,
             * and robots.txt groups are chosen by this name. */
            if (optarg[strspn(optarg, " \t")] == '\0')
                return cli_usage_error("harvest",
                                       "invalid --user-agent: it is empty; "
                                       "every request names its sender "
                                       "(the default names stacml)");
            opt->user_agent = optarg;
            break;
        case OPT_DB:
            cli_set_db(cli, optarg);
            break;
        case OPT_DATASET_ITEMS:
            opt->dataset_items = true;
            break;
        case OPT_SAMPLE:
            rc = parse_int_opt("sample", optarg, 1, 10000, 0, &v);
            opt->sample = (int)v;
            break;
        case OPT_PAGE_SIZE:
            rc = parse_int_opt("page-size", optarg, 1, 10000, 0, &v);
            opt->page_size = (int)v;
            break;
        case OPT_MAX_PAGES:
            rc = parse_int_opt("max-pages", optarg, 1, 100000000, 0, &v);
            opt->max_pages = (long)v;
            break;
        case OPT_EXHAUSTIVE:
            opt->exhaustive = true;
            break;
        case OPT_RATE:
            rc = parse_rate(optarg, &opt->rate);
            break;
        case OPT_RETRIES:
            rc = parse_int_opt("retries", optarg, 0, 100, 0, &v);
            opt->retries = (int)v;
            break;
        case OPT_IGNORE_ROBOTS:
            opt->ignore_robots = true;
            break;
        case OPT_HEADER:
            rc = add_header(cred, optarg);
            break;
        case OPT_HEADER_HOST:
            rc = add_header_host(cred, optarg);
            break;
        case OPT_NETRC:
            opt->netrc = true;
            break;
        case OPT_NO_PRIVATE:
            opt->no_private = true;
            break;
        case OPT_INSECURE:
            opt->insecure = true;
            break;
        case OPT_CACERT:
            rc = check_tls_path("cacert", optarg, false);
            opt->cacert = optarg;
            break;
        case OPT_CAPATH:
            rc = check_tls_path("capath", optarg, true);
            opt->capath = optarg;
            break;
        case OPT_GONE_AFTER:
            rc = parse_int_opt("gone-after", optarg, 1, 1000, 0, &v);
            h_opts->gone_after = (int)v;
            break;
        case OPT_COMMIT_EVERY:
            rc = parse_int_opt("commit-every", optarg, 1, 1000000, 0, &v);
            h_opts->commit_every = (long)v;
            break;
        case OPT_WAIT:
            h_opts->wait = true;
            break;
        case OPT_LOG:
            h_opts->log_path = optarg;
            break;
        case OPT_REGISTRY:
            seeds_add(&h_opts->registries, xstrdup(optarg));
            break;
        case OPT_SURVEY_EVERY:
            if (sources_parse_duration(optarg, &h_opts->survey_every) != 0)
                return cli_usage_error("harvest",
                                       "invalid --survey-every "
                                       "'%s' (e.g. 12h, 7d, 2w)",
                                       optarg);
            break;
        case OPT_SOURCE_TIME: {
            int64_t secs;
            if (sources_parse_duration(optarg, &secs) != 0 || secs <= 0)
                return cli_usage_error("harvest",
                                       "invalid --source-time "
                                       "'%s' (e.g. 90s, 10m)",
                                       optarg);
            opt->source_time_ms = (long)(secs * 1000);
            break;
        }
        case OPT_SOURCE_BUDGET:
            rc = parse_int_opt("source-budget", optarg, 1, 100000000, 0, &v);
            opt->source_budget = (long)v;
            break;
        case OPT_LOG_FORMAT:
            if (strcmp(optarg, "json") == 0)
                log_set_format(LOG_FORMAT_JSON);
            else if (strcmp(optarg, "text") == 0)
                log_set_format(LOG_FORMAT_TEXT);
            else
                return cli_usage_error("harvest",
                                       "--log-format must be text or json");
            break;
        case OPT_RETRY_DELAY:
            rc = parse_int_opt("retry-delay", optarg, 1, 600000, 0, &v);
            opt->retry_base_ms = (long)v;
            break;
        case OPT_SEARCH_METHOD:
            if (strcmp(optarg, "get") == 0)
                opt->search_method = 'G';
            else if (strcmp(optarg, "post") == 0)
                opt->search_method = 'P';
            else if (strcmp(optarg, "auto") == 0)
                opt->search_method = 0;
            else
                return cli_usage_error("harvest", "--search-method must be "
                                                  "auto, get or post");
            break;
        case 'q':
            log_set_level(LOG_LEVEL_ERROR);
            cli->verbosity = -1;
            break;
        case 'v':
            /* Counted as before the command name: twice, debug too. */
            cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
            log_set_level(cli->verbosity == 1 ? LOG_LEVEL_INFO
                                              : LOG_LEVEL_DEBUG);
            break;
        case 'h':
            fputs(harvest_help, stdout);
            return -1;
        default:
            return cli_option_error("harvest", argv, "qvh");
        }
        if (rc != 0)
            return EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (seed_add_arg(seeds, argv[i], NULL) != 0)
            return EXIT_USAGE;
    if (seeds->n == 0 && h_opts->registries.n == 0)
        return cli_usage_error("harvest", "no seeds: give URLs, paths, "
                                          "--seeds FILE or --registry");
    /* It names where --header values go: without one, a forgotten token
     * would leave a protected source skipped without a word. */
    if (cred->hosts.n > 0 && cred->headers.n == 0)
        return cli_usage_error("harvest", "--header-host without --header: "
                                          "no header to send there");
    return EXIT_OK;
}

static void on_api_report(void *ctx, const struct crawler_api_report *r)
{
    struct harvest *h = ctx;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}",
        "url", r->url, "source", r->source, "strategy", r->strategy,
        "collections", (json_int_t)r->collections, "walked_declared",
        (json_int_t)r->walked_declared, "walked_sampled",
        (json_int_t)r->walked_sampled, "skipped_sampled",
        (json_int_t)r->skipped_sampled, "sampled_whole",
        (json_int_t)r->sampled_whole, "sample_failed",
        (json_int_t)r->sample_failed, "covered_by_search",
        (json_int_t)r->covered, "walked_all", (json_int_t)r->walked_all,
        "pages", (json_int_t)r->pages, "warnings", r->warnings);
    if (o && r->filter)
        json_object_set_new(o, "filter", json_string(r->filter));
    if (o)
        json_array_append_new(h->apis, o);
    /* Not every warning: one of something worked around (a page size
     * refused, asked again without one) left nothing unread. */
    if (r->held > 0)
        json_object_set_new(h->incomplete, r->source, json_true());
}

/* Tries of a lock found held, LOCK_RETRY_MS apart, before another harvest
 * is taken to hold it. */
#define LOCK_TRIES 20
#define LOCK_RETRY_MS 25

/* flock() fd exclusively, waiting for it or not. Not waiting, a lock found
 * held is tried again for half a second: a reader without access to
 * lock.mdb holds it shared for an instant to tell whether a harvest runs
 * (cli_harvest_running()), and that is no harvest to give way to. */
static int take_lock(int fd, bool wait)
{
    if (wait)
        return flock(fd, LOCK_EX);
    int rc = flock(fd, LOCK_EX | LOCK_NB);
    for (int i = 1; i < LOCK_TRIES && rc != 0 && errno == EWOULDBLOCK; i++) {
        struct timespec ts = {0, LOCK_RETRY_MS * 1000000L};
        nanosleep(&ts, NULL);
        rc = flock(fd, LOCK_EX | LOCK_NB);
    }
    return rc;
}

/* One harvest per index at a time: an advisory lock on DIR/harvest.lock,
 * which the kernel drops with the process, however it ends. Readers take
 * it only for an instant, shared, and only without access to lock.mdb. */
static int lock_index(const char *db, bool wait, int *fd)
{
    char *path = xasprintf("%s/harvest.lock", db);
    /* Readable by all (it is empty): a reader that may not write
     * lock.mdb looks at it to tell whether a harvest is writing. */
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int rc = *fd < 0 ? -1 : take_lock(*fd, wait);
    int err = errno;
    if (rc != 0 && *fd >= 0 && err == EWOULDBLOCK) {
        fprintf(stderr,
                "stacml harvest: another harvest is writing to %s; "
                "try again later or use --wait\n",
                db);
        free(path);
        return EXIT_LOCKED;
    }
    if (rc != 0) {
        /* Most often the directory itself is the problem: say that. */
        const char *why = cli_db_problem_write(db);
        if (why)
            fprintf(stderr, "stacml harvest: cannot open index %s: %s\n", db,
                    why);
        else
            fprintf(stderr, "stacml harvest: cannot lock %s: %s\n", path,
                    strerror(err));
        free(path);
        return EXIT_INDEX;
    }
    /* A lock made by an earlier stacml is 0600: readers that may not
     * write lock.mdb could not look at it, and would read while we write. */
    if (fchmod(*fd, 0644) != 0)
        log_info("cannot make %s readable by all: %s", path, strerror(errno));
    free(path);
    return EXIT_OK;
}

/* Close the --log file. One that could not be written (a full disk) is
 * said on stderr, even with -q, and a harvest that went well exits 1 (a
 * command that could not write its output): the record of the run that
 * a cron job keeps is lost, which a silent exit 0 hid. */
static int close_log(FILE *f, const char *path, int status)
{
    bool is_bad = ferror(f) != 0;
    int err = 0;
    if (fclose(f) != 0) {
        is_bad = true;
        err = errno;
    }
    if (!is_bad)
        return status;
    fprintf(stderr, "stacml harvest: write error on log %s: %s\n", path,
            err ? strerror(err) : "a write failed");
    return status == EXIT_OK ? EXIT_PARTIAL : status;
}

/* The run's record when closing the log changed the exit status: it was
 * written before, and must say what the process says. */
static void record_log_status(struct harvest *h, int status)
{
    json_object_set_new(h->summary, "exit_status", json_integer(status));
    json_object_set_new(h->summary, "outcome",
                        json_string(outcome_name(status)));
    history_run_record(h->ix, h->run, h->summary);
    if (index_commit(h->ix) != 0)
        fprintf(stderr, "stacml harvest: cannot write the run's exit status "
                        "to the index\n");
}

/* What decides which documents a run fetches: a rerun with the same
 * signature resumes an unfinished run. New string. */
static char *run_signature(const struct seeds *seeds,
                           const struct crawler_options *opt)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < seeds->n; i++)
        json_array_append_new(arr, json_string(seeds->v[i]));
    json_t *sig =
        json_pack("{s:o, s:i, s:I, s:b, s:i, s:b}", "seeds", arr, "max_depth",
                  opt->max_depth, "max_docs", (json_int_t)opt->max_docs,
                  "exhaustive", opt->exhaustive, "sample", opt->sample,
                  "dataset_items", opt->dataset_items);
    char *text = json_dumps(sig, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(sig);
    return text;
}

/* The first source that source links into and that was not crawled
 * completely, or NULL. */
static const char *incomplete_target(struct harvest *h, const char *source)
{
    const char *to;
    json_t *v;
    json_object_foreach (json_object_get(h->leads_to, source), to, v)
        if (json_object_get(h->incomplete, to))
            return to;
    return NULL;
}

/* A source whose links lead into documents another source reached first
 * (two seeds sharing a catalog) had that part walked as the other's: when
 * the other was not crawled completely, neither was it, and a record of
 * its own that lay behind a shared document that failed must not be
 * marked gone. Until nothing changes, as a chain of sources may pass it
 * on. */
static void spread_incomplete(struct harvest *h)
{
    bool changed = true;
    while (changed) {
        changed = false;
        const char *src;
        json_t *set;
        json_object_foreach (h->leads_to, src, set) {
            const char *to = incomplete_target(h, src);
            if (!to || json_object_get(h->incomplete, src))
                continue;
            char *why = xasprintf("it leads into documents walked for %s, "
                                  "which was not crawled completely",
                                  to);
            on_held(h, src, why);
            free(why);
            changed = true;
        }
    }
}

/* Sources crawled completely this run (no failure, no warning from one of
 * their APIs of something left unread, no collection only sampled, no part of a
 * document left unread) may have records gone upstream. */
static void mark_gone(struct harvest *h, const struct seeds *seeds)
{
    size_t i;
    const json_t *a;
    /* An API with collections that were only sampled (their items past
     * the sample were not seen) was not crawled completely, nor was one
     * whose warnings tell of something left unread (on_api_report()). */
    json_array_foreach (h->apis, i, a)
        if (json_integer_value(json_object_get(a, "skipped_sampled")) > 0)
            json_object_set_new(h->incomplete,
                                json_string_value(json_object_get(a, "source")),
                                json_true());
    spread_incomplete(h);
    /* A seed given twice is marked once: marking again in the same run
     * counts the records it made gone a second time. */
    json_t *marked = json_object();
    for (i = 0; i < seeds->n; i++) {
        if (json_object_get(h->incomplete, seeds->v[i]) ||
            json_object_get(marked, seeds->v[i]))
            continue;
        json_object_set_new(marked, seeds->v[i], json_true());
        h->gone += history_mark_gone(h->ix, seeds->v[i], h->run, h->gone_after,
                                     h->now, &h->datasets_gone);
        json_object_set_new(source_entry(h, seeds->v[i]), "complete",
                            json_true());
    }
    json_decref(marked);
}

static int run_crawl(struct harvest *h, const struct crawler_options *opt,
                     const struct seeds *seeds, struct crawler_stats *out)
{
    struct crawler_hooks hooks = {
        .ctx = h,
        .document = on_document,
        .prepare = on_prepare,
        .discard = on_discard,
        .failure = on_failure,
        .refetch_dataset = on_refetch_dataset,
        .prior = on_prior,
        .unchanged = on_unchanged,
        .progress = h->progress ? on_progress : NULL,
        .budget = on_budget,
        .depth_limited = on_depth_limited,
        .held = on_held,
        .dataset_moved = on_dataset_moved,
        .interrupted = on_interrupted,
        .fetched = on_fetched,
        .shared = on_shared,
    };
    struct crawler *c = NULL;
    /* Which tables hold records already (those of a survey before this
     * crawl included): into an empty one, records are stored unread. */
    int rc = index_commit(h->ix);
    h->had_models = rc != 0 || index_count(h->ix, INDEX_MODELS) > 0;
    h->had_datasets = rc != 0 || index_count(h->ix, INDEX_DATASETS) > 0;
    rc = crawler_new(opt, &hooks, &c);
    if (rc != 0) {
        fprintf(stderr, "stacml harvest: cannot start the crawler: %s\n",
                sm_strerror(rc));
        return rc;
    }
    if (seeds->n > 1)
        crawler_track_sources(c);
    for (size_t i = 0; i < seeds->n; i++)
        crawler_add_seed(c, seeds->v[i]);
    rc = crawler_run(c);
    *out = *crawler_get_stats(c);
    crawler_foreach_api(c, on_api_report, h);
    crawler_free(c);
    return rc;
}

/* The survey run: every source due, read cheaply (APIs sampled, static
 * catalogs to a bounded depth with a few items per collection), within a
 * request budget per source. */
/* Survey the sources due; true when a signal cut it short. */
static bool survey(struct harvest *h, const struct crawler_options *opt,
                   const json_t *due)
{
    struct crawler_options so = *opt;
    struct seeds list = {0};
    struct crawler_stats st = {0};
    so.survey = true;
    h->is_surveying = true;
    so.max_depth = 4;
    so.item_sample = 2;
    so.max_docs = 0;
    if (so.source_budget <= 0)
        so.source_budget = 200;
    if (so.source_time_ms <= 0)
        so.source_time_ms = 120000;
    size_t i;
    const json_t *u;
    json_array_foreach (due, i, u)
        seeds_add(&list, xstrdup(json_string_value(u)));
    run_crawl(h, &so, &list, &st);
    h->is_surveying = false;
    seeds_free(&list);
    return st.interrupted;
}

/* Whether the array of strings arr holds s. */
static bool strings_have(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *u;
    json_array_foreach (arr, i, u)
        if (s && is_string_of(u, s))
            return true;
    return false;
}

/* Forget the failures the survey met in the sources harvested next: the
 * harvest asks for those URLs again (the survey read them to no crawl
 * state it could reuse) and reports its own, so that a link broken in
 * both was counted, and listed, twice. The failures of sources the
 * harvest leaves alone are this run's only word on them, and stay. */
static void drop_survey_failures(struct harvest *h)
{
    size_t i, kept = 0;
    const json_t *u;
    json_array_foreach (h->registry_harvest, i, u) {
        const json_t *e = json_object_get(h->sources, json_string_value(u));
        h->n_failures_total -=
            (size_t)json_integer_value(json_object_get(e, "failed"));
        if (json_is_true(json_object_get(e, "seed_failed")))
            h->seed_failures--;
    }
    for (i = 0; i < h->n_failures; i++) {
        struct failure *f = &h->failures[i];
        if (!strings_have(h->registry_harvest, f->source)) {
            h->failures[kept++] = *f;
            continue;
        }
        free(f->url);
        free(f->reason);
        free(f->source);
    }
    h->n_failures = kept;
}

/* harvest --registry: read the registries, survey the sources that are
 * due, and add to seeds the ones that hold or declare models. */
static int discover(struct harvest *h, const struct cli *cli,
                    const struct harvest_opts *hopts,
                    const struct crawler_options *opt,
                    const struct credentials *cred, struct seeds *seeds,
                    size_t *n_sources)
{
    struct source_list l = {0};
    char err[512];
    struct sources_fetch how = {.headers = opt->headers};
    crawler_fetch_options(opt, &how.fetch);
    how.fetch.max_doc_size = hopts->registry_max;
    for (size_t i = 0; i < hopts->registries.n; i++) {
        const char *where = hopts->registries.v[i];
        if (sources_read(where, &how,
                         cred->headers.n ? opt->header_hosts : NULL, &l, err,
                         sizeof(err)) != 0) {
            char *safe = text_safe(where, 0);
            fprintf(stderr, "stacml harvest: cannot read registry %s: %s\n",
                    safe, err);
            free(safe);
            sources_free(&l);
            return SM_E_INVAL;
        }
    }
    json_t *due = json_array();
    h->registry_harvest = json_array();
    int64_t every = hopts->survey_every >= 0 ? hopts->survey_every : 604800;
    discover_plan(h->ix, &l, h->now, every, due, h->registry_harvest);
    if (json_array_size(due) > 0) {
        if (cli->verbosity >= 0)
            fprintf(stderr, "stacml: surveying %zu sources\n",
                    json_array_size(due));
        if (survey(h, opt, due)) {
            /* A survey cut short says nothing: no verdict is stored, and
             * the sources stay due for the next run. */
            json_decref(due);
            sources_free(&l);
            index_commit(h->ix);
            return SM_E_INTR;
        }
        discover_verdicts(h->ix, &l, due, h->sources, h->apis, h->now,
                          h->registry_harvest);
        drop_survey_failures(h);
        /* The harvest's own counters start afresh, and so does what it
         * tells of its sources' completeness: a survey reads to a depth
         * of 4 and 200 documents a source, and a source it cut short
         * would not be marked gone this run, however complete its
         * harvest. */
        json_object_clear(h->incomplete);
        json_object_clear(h->held);
        json_object_clear(h->leads_to);
        json_decref(h->sources);
        h->sources = json_object();
        urlset_clear(h->sourced_models);
        urlset_clear(h->sourced_datasets);
        json_array_clear(h->apis);
    }
    size_t i;
    const json_t *u;
    json_array_foreach (h->registry_harvest, i, u) {
        /* A source also given as a seed is harvested once. */
        if (!seeds_has(seeds, json_string_value(u)))
            seeds_add(seeds, xstrdup(json_string_value(u)));
    }
    *n_sources = seeds->n + json_array_size(due);
    json_decref(due);
    sources_free(&l);
    index_commit(h->ix);
    return 0;
}

int cmd_harvest(struct cli *cli, int argc, char **argv)
{
    struct crawler_options opt;
    struct seeds seeds = {0};
    struct credentials cred = {0};
    struct harvest *h = xcalloc(1, sizeof(*h));
    h->datasets_done = urlset_new();
    h->models_done = urlset_new();
    h->unreachable = json_object();
    h->recheck = json_object();
    h->moved = json_object();
    h->apis = json_array();
    h->incomplete = json_object();
    h->held = json_object();
    h->leads_to = json_object();
    h->sources = json_object();
    h->sourced_models = urlset_new();
    h->sourced_datasets = urlset_new();
    h->surveyed = urlset_new();
    struct crawler_stats st = {0};
    int lock_fd = -1;
    FILE *log_file = NULL;
    struct timespec t0, t1;
    int status;
    crawler_options_default(&opt);
    /* The survey and the harvest of a run share what they learn of hosts. */
    opt.hosts = crawler_hosts_new();
    struct harvest_opts hopts = {.gone_after = 2, .survey_every = -1};
    status = parse_args(cli, argc, argv, &opt, &seeds, &cred, &hopts);
    h->gone_after = hopts.gone_after;
    if (status == EXIT_OK)
        credentials_finish(&cred, &seeds, &opt);
    h->insecure = opt.insecure;
    h->cacert = opt.cacert;
    h->capath = opt.capath;
    if (status != EXIT_OK) {
        status = status < 0 ? EXIT_OK : status;
        goto out;
    }
    if (!cli->db) {
        status = cli_usage_error("harvest", "no index directory: use --db");
        goto out;
    }
    if (!*cli->db) {
        status = cli_usage_error("harvest", "--db is empty");
        goto out;
    }
    if (hopts.log_path) {
        log_file = fopen(hopts.log_path, "a");
        if (!log_file) {
            fprintf(stderr, "stacml harvest: cannot open log %s: %s\n",
                    hopts.log_path, strerror(errno));
            status = EXIT_USAGE;
            goto out;
        }
        log_set_stream(log_file);
    }
    /* The lock comes before the index is opened for writing, which begins
     * a write transaction: behind another harvest's (a stopped one's,
     * forever) it would wait instead of exiting with 5. A directory still
     * to be created by index_open() has no harvest in it yet; it is locked
     * right after. */
    struct stat sb;
    bool is_locked = stat(cli->db, &sb) == 0;
    if (is_locked) {
        status = lock_index(cli->db, hopts.wait, &lock_fd);
        if (status != EXIT_OK)
            goto out;
    }
    int rc = index_open(cli->db, INDEX_WRITE, &h->ix);
    if (rc != 0) {
        const char *why = cli_db_problem_write(cli->db);
        fprintf(stderr, "stacml harvest: cannot open index %s: %s\n", cli->db,
                why ? why : sm_strerror(rc));
        status = EXIT_INDEX;
        goto out;
    }
    index_set_batch(h->ix, (size_t)hopts.commit_every);
    if (!is_locked) {
        status = lock_index(cli->db, hopts.wait, &lock_fd);
        if (status != EXIT_OK)
            goto out;
    }
    int64_t started = now_seconds();
    h->now = started;
    size_t n_sources = seeds.n;
    /* The survey asks for what the index knows conditionally, as the
     * harvest does. */
    h->has_priors = index_count_crawl(h->ix) > 0;
    if (hopts.registries.n > 0) {
        rc = discover(h, cli, &hopts, &opt, &cred, &seeds, &n_sources);
        if (rc == SM_E_INTR) {
            fprintf(stderr, "stacml: interrupted during the survey: no "
                            "verdict recorded, nothing harvested\n");
            status = EXIT_INTERRUPTED;
            goto out;
        }
        if (rc != 0) {
            status = EXIT_USAGE;
            goto out;
        }
        if (n_sources == 0 && cli->verbosity >= 0)
            fprintf(stderr, "stacml: no registry source holds models or is "
                            "due for a survey: nothing to harvest\n");
    }
    char *sig = run_signature(&seeds, &opt);
    /* Again: a first survey into a new index knows documents now. */
    h->has_priors = index_count_crawl(h->ix) > 0;
    h->run =
        history_run_begin(h->ix, sig, started, &h->is_resume, &h->run_started);
    free(sig);
    if (h->is_resume && cli->verbosity >= 0)
        fprintf(stderr, "stacml: resuming run %lld, which did not finish\n",
                (long long)h->run);
    if (!h->is_resume)
        record_unfinished(h, &seeds);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    h->t0 = t0;
    h->progress = cli->verbosity >= 0 && isatty(STDERR_FILENO);
    rc = run_crawl(h, &opt, &seeds, &st);
    if (h->progress_shown)
        fputs("\r\033[K", stderr);
    if (rc == 0 && !st.interrupted)
        point_moved_links(h);
    if (rc == 0 && !st.interrupted)
        flag_unreachable(h);
    if (rc == 0 && !st.interrupted && st.queued_left == 0)
        mark_gone(h, &seeds);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    discover_harvested(h->ix, h->registry_harvest, h->sources, h->now);
    status = rc != 0 && !st.hook_error ? EXIT_INDEX
                                       : exit_status_of(h, &st, n_sources);
    save_summary(h, &seeds, &st, h->run_started, status);
    if (status == EXIT_INTERRUPTED || status == EXIT_INDEX)
        /* The run stays open: the next one with the same seeds resumes. */
        history_run_record(h->ix, h->run, h->summary);
    else
        history_run_end(h->ix, h->run, h->summary);
    /* This commit also reports a batch that failed earlier: the index
     * drops every batch after the first failed one. */
    if (index_commit(h->ix) != 0) {
        fprintf(stderr, "stacml harvest: cannot write index %s\n", cli->db);
        h->is_write_failed = true;
        status = EXIT_INDEX;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (cli->verbosity >= 0)
        print_summary(h, &st, secs);
    log_run_summary(h, &st, status, secs);
    /* Closed before the index, so that a log that could not be written
     * reaches the run's record too. */
    if (log_file) {
        log_set_stream(NULL);
        int closed = close_log(log_file, hopts.log_path, status);
        log_file = NULL;
        if (closed != status && !h->is_write_failed)
            record_log_status(h, closed);
        status = closed;
    }
out:
    crawler_hosts_free(opt.hosts);
    index_close(h->ix);
    urlset_free(h->datasets_done);
    urlset_free(h->models_done);
    json_decref(h->unreachable);
    json_decref(h->recheck);
    json_decref(h->moved);
    json_decref(h->apis);
    json_decref(h->incomplete);
    json_decref(h->held);
    json_decref(h->leads_to);
    json_decref(h->sources);
    urlset_free(h->sourced_models);
    urlset_free(h->sourced_datasets);
    urlset_free(h->surveyed);
    json_decref(h->summary);
    json_decref(h->registry_harvest);
    crawl_state_cleanup(&h->prior);
    if (lock_fd >= 0)
        close(lock_fd);
    if (log_file) {
        log_set_stream(NULL);
        status = close_log(log_file, hopts.log_path, status);
    }
    for (size_t i = 0; i < h->n_failures; i++) {
        free(h->failures[i].url);
        free(h->failures[i].reason);
        free(h->failures[i].source);
    }
    free(h);
    seeds_free(&seeds);
    seeds_free(&cred.headers);
    seeds_free(&cred.hosts);
    seeds_free(&hopts.registries);
    return status;
}
