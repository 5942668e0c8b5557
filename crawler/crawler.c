/* SPDX-License-Identifier: MIT */
/* The crawl loop: pops URLs from the frontier while there is capacity,
 * fetches them through the fetcher, parses each body once, hands the
 * document to the hooks and pushes the links it holds. The crawl runs on
 * one libuv loop thread, with no thread or process per request; one worker
 * thread beside it parses the documents that need a tree (worker.c), so
 * the loop thread is free for the transfers. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "crawler/crawler-int.h"
#include "crawler/links.h"
#include "crawler/prescan.h"
#include "crawler/retry.h"
#include "crawler/worker.h"
#include "src/buf.h"
#include "src/url.h"
#include "src/err.h"
#include "src/jsonread.h"
#include "src/log.h"
#include "src/urlset.h"
#include "src/xalloc.h"

void crawler_options_default(struct crawler_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->concurrency = 32;
    opt->per_host = 4;
    opt->max_depth = -1;
    opt->max_docs = 0;
    opt->max_doc_size = 8u << 20;
    opt->connect_timeout_ms = 10000;
    opt->stall_timeout_s = 30;
    /* A server dripping a byte a second is never stalled: without a cap
     * one transfer could hold a cron run (and its lock) for days. Ten
     * minutes lets the largest document (8M) through at 14 kB/s. */
    opt->timeout_ms = 600000;
    opt->max_redirects = 10;
    opt->user_agent = PACKAGE_NAME "/" PACKAGE_VERSION " (+" PACKAGE_URL ")";
    opt->sample = 10;
    opt->rate = 0;
    opt->retries = 3;
    opt->retry_base_ms = 500;
    opt->retry_max_ms = 120000;
    opt->page_size = 100;
    opt->max_pages = 10000;
}

void crawler_fetch_options(const struct crawler_options *opt,
                           struct fetch_options *fo)
{
    *fo = (struct fetch_options){
        .user_agent = opt->user_agent,
        .max_doc_size = opt->max_doc_size,
        .connect_timeout_ms = opt->connect_timeout_ms,
        .stall_timeout_s = opt->stall_timeout_s,
        .timeout_ms = opt->timeout_ms,
        .max_redirects = opt->max_redirects,
        .max_connections = 1,
        .insecure = opt->insecure,
        .cacert = opt->cacert,
        .capath = opt->capath,
        .netrc = opt->netrc,
        .no_private = opt->no_private,
    };
}

static void on_fetch_done(void *ctx, void *data, const struct fetch_result *r);
static void pump(struct crawler *c);

/* Bodies waiting for the worker, at most: past either bound no transfer
 * starts until it has caught up (bounded memory when reading is slower
 * than fetching, as with a catalog of large model documents). */
#define JOBS_MAX 64
/* What of a robots.txt is read: RFC 9309 asks for at least 500 KiB. */
#define ROBOTS_PREFIX_MAX ((size_t)512 << 10)
/* After a signal, transfers in flight get this long to finish. */
#define INTERRUPT_GRACE_MS 5000
#define JOB_BYTES_MAX ((size_t)32 << 20)
/* Job blocks (job_block()): the smallest made holds most Items whole; the
 * pool keeps blocks of at most JOB_BLOCK_KEEP, JOB_POOL_BYTES in all. */
#define JOB_BLOCK_MIN ((size_t)8 << 10)
#define JOB_BLOCK_KEEP ((size_t)64 << 10)
#define JOB_POOL_BYTES ((size_t)4 << 20)

int crawler_new(const struct crawler_options *opt,
                const struct crawler_hooks *hooks, struct crawler **out)
{
    struct crawler *c = xcalloc(1, sizeof(*c));
    c->opt = *opt;
    if (c->opt.concurrency < 1)
        c->opt.concurrency = 1;
    if (c->opt.per_host < 1)
        c->opt.per_host = 1;
    c->hooks = *hooks;
    int rc = uv_loop_init(&c->loop);
    if (rc != 0) {
        log_error("uv_loop_init: %s", uv_strerror(rc));
        free(c);
        return SM_E_LOOP;
    }
    c->loop_ready = true;
    uv_mutex_init(&c->pool_lock);
    struct fetch_options fo;
    crawler_fetch_options(opt, &fo);
    fo.max_connections = c->opt.concurrency;
    rc = fetcher_new(&c->loop, &fo, on_fetch_done, c, &c->fetcher);
    if (rc != 0) {
        uv_mutex_destroy(&c->pool_lock);
        uv_loop_close(&c->loop);
        free(c);
        return rc;
    }
    long interval = c->opt.rate > 0 ? (long)(1000.0 / c->opt.rate) : 0;
    c->frontier = frontier_new(c->opt.per_host, interval);
    frontier_set_data_free(c->frontier, request_free);
    frontier_set_host_data_free(c->frontier, polite_host_free);
    c->datasets = frontier_new(INT_MAX, 0);
    c->redirected = urlset_new();
    c->walked = json_object();
    c->nearer = json_object();
    uv_timer_init(&c->loop, &c->wake);
    c->wake.data = c;
    uv_timer_init(&c->loop, &c->tick);
    uv_timer_init(&c->loop, &c->grace);
    c->grace.data = c;
    c->tick.data = c;
    c->rand_state = (uint64_t)uv_hrtime() | 1;
    *out = c;
    return 0;
}

static void on_shared(void *ctx, const char *source, const char *owner)
{
    struct crawler *c = ctx;
    c->hooks.shared(c->hooks.ctx, source, owner);
}

void crawler_track_sources(struct crawler *c)
{
    if (c->hooks.shared)
        frontier_track_sources(c->frontier, on_shared, c);
}

int crawler_add_seed(struct crawler *c, const char *url)
{
    return frontier_push(c->frontier, url, url, 0, FRONTIER_F_SEED);
}

void crawler_report_failure(struct crawler *c, const struct frontier_entry *e,
                            int rc, long status, const char *reason)
{
    struct crawler_failure f = {
        .url = e->url,
        .source = e->source,
        .rc = rc,
        .http_status = status,
        .reason = reason,
        .dataset = (e->flags & FRONTIER_F_DATASET) != 0,
        .is_seed = (e->flags & FRONTIER_F_SEED) != 0,
    };
    if (f.dataset)
        c->stats.datasets_failed++;
    else
        c->stats.failed++;
    log_info("failed: %s: %s", e->url, reason);
    if (c->hooks.failure)
        c->hooks.failure(c->hooks.ctx, &f);
}

unsigned crawler_deliver(struct crawler *c, const struct crawler_doc *d)
{
    c->stats.documents++;
    int rc = c->hooks.document ? c->hooks.document(c->hooks.ctx, d) : 0;
    if (rc < 0) {
        log_error("cannot store %s: %s", d->url, sm_strerror(rc));
        c->stats.hook_error = true;
        c->rc = rc;
        crawler_stop(c);
        return 0;
    }
    if (rc > 0)
        c->stats.models++;
    return (unsigned)rc;
}

/* Whether the last path segment of url (resolved, normalised) names the
 * feature id: the id itself, escaped as a segment, or followed by an
 * extension ("abc.json"). Pages that stamp one placeholder self link on
 * every feature exist (EXTENSIONS.md 7.9), and a self link ".../2021"
 * must not name the features "2" and "20". */
static bool self_names(const char *url, const char *id)
{
    size_t path = strcspn(url, "?#");
    const char *last = url;
    for (const char *p = url; p < url + path; p++)
        if (*p == '/')
            last = p + 1;
    size_t seg = (size_t)(url + path - last);
    char *esc = url_escape_segment(id);
    bool is_named = false;
    for (int k = 0; k < 2 && !is_named; k++) {
        const char *want = k == 0 ? id : esc;
        size_t n = want ? strlen(want) : 0;
        is_named = n > 0 && n <= seg && memcmp(last, want, n) == 0 &&
                   (n == seg || last[n] == '.');
    }
    free(esc);
    return is_named;
}

/* Whether two absolute URLs have one scheme and authority. */
static bool same_origin(const char *a, const char *b)
{
    const char *sa = strstr(a, "://"), *sb = strstr(b, "://");
    if (!sa || !sb)
        return false;
    size_t na = (size_t)(sa - a) + 3 + strcspn(sa + 3, "/?#");
    size_t nb = (size_t)(sb - b) + 3 + strcspn(sb + 3, "/?#");
    return na == nb && strncasecmp(a, b, na) == 0;
}

/* The URL of a feature embedded in an item page with no usable self
 * link, the same whatever page it came on (a sample page and the full
 * walk, pages of 10 or of 100): an API items page's features are
 * {items}/{id}, as the API serves them one by one; a search page's are
 * {root}/collections/{collection}/items/{id}; any other page's are the
 * page (its query left out) with the id as fragment. */
static char *feature_fallback_url(const json_t *feat, const char *page_url,
                                  const char *id)
{
    size_t path = strcspn(page_url, "?#");
    const char *coll = json_string_value(json_object_get(feat, "collection"));
    char *eid = url_escape_segment(id);
    char *u = NULL;
    if (!eid)
        return NULL;
    if (path >= 6 && memcmp(page_url + path - 6, "/items", 6) == 0) {
        u = xasprintf("%.*s/%s", (int)path, page_url, eid);
    } else if (coll && path >= 7 &&
               memcmp(page_url + path - 7, "/search", 7) == 0) {
        char *ecoll = url_escape_segment(coll);
        u = xasprintf("%.*s/collections/%s/items/%s", (int)(path - 7), page_url,
                      ecoll ? ecoll : "", eid);
        free(ecoll);
    } else {
        u = xasprintf("%.*s#%s", (int)path, page_url, eid);
    }
    free(eid);
    return u;
}

/* The canonical URL of a feature embedded in an item page: its self link
 * when that names it (self_names()) and stays on the page's own origin
 * under the rules of every link (a page must not claim another source's
 * records, least of all a local file's), else feature_fallback_url(). */
static char *feature_url(const json_t *feat, const char *page_url)
{
    char *id = stac_id(feat);
    if (!id)
        return NULL;
    const json_t *links = json_object_get(feat, "links");
    size_t i;
    const json_t *l;
    char *u = NULL;
    json_array_foreach (links, i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const char *href = json_string_value(json_object_get(l, "href"));
        const char *why = NULL;
        if (!rel || !href || strcmp(rel, "self") != 0 ||
            links_check_href(page_url, href, &u, &why) != 0)
            continue;
        if (same_origin(u, page_url) && self_names(u, id))
            break;
        free(u);
        u = NULL;
    }
    if (!u)
        u = feature_fallback_url(feat, page_url, id);
    free(id);
    return u;
}

unsigned crawler_features(struct crawler *c, const struct frontier_entry *e,
                          const json_t *doc, const char *page_url, size_t *n)
{
    size_t i;
    const json_t *feat;
    unsigned found = 0;
    *n = 0;
    json_array_foreach (json_object_get(doc, "features"), i, feat) {
        (*n)++;
        if (stac_classify(feat) != STAC_KIND_ITEM)
            continue;
        char *u = feature_url(feat, page_url);
        if (!u)
            continue;
        struct crawler_doc d = {
            .url = u,
            .source = e->source,
            .depth = e->depth + 1,
            .kind = STAC_KIND_ITEM,
            .json = feat,
            .embedded = true,
            .dataset = (e->flags & FRONTIER_F_DATASET) != 0,
        };
        found |= crawler_deliver(c, &d);
        free(u);
    }
    return found;
}

/* Part of the document at e left unread (why): nothing of its source may
 * be called gone on the strength of this run, as below a depth limit. */
static void hold_source(struct crawler *c, const struct frontier_entry *e,
                        const char *why)
{
    c->n_held++;
    c->held_why = why;
    if (c->hooks.held)
        c->hooks.held(c->hooks.ctx, e->source, why);
}

/* Whether a link of this rel is followed from this document. */
static bool follow_rel(enum link_rel rel, bool is_model)
{
    switch (rel) {
    case LINK_REL_TRAIN:
    case LINK_REL_VALIDATION:
    case LINK_REL_TEST:
        /* derived_from from a non-model (an inference product) points at
         * its model, not at training data. */
        return is_model;
    default:
        return true;
    }
}

/* Queue one followable link of a document at e. */
/* The flags of the page a next link of e leads to, or false when the
 * chain stops at e: past --max-pages (the API walk's own chains count
 * theirs in api.c). */
static bool next_page_flags(struct crawler *c, const struct frontier_entry *e,
                            unsigned *flags)
{
    unsigned pages = FRONTIER_PAGES(e->flags) + 1;
    if (c->opt.max_pages > 0 && pages >= (unsigned long)c->opt.max_pages) {
        log_warn("%s: pagination stopped: --max-pages (%ld) reached", e->url,
                 c->opt.max_pages);
        return false;
    }
    if (pages > FRONTIER_PAGES_MAX)
        pages = FRONTIER_PAGES_MAX;
    *flags = pages << FRONTIER_PAGES_SHIFT;
    return true;
}

/* --max-depth: the depth a document's links are pushed from, new_depth,
 * is the shortest path to it known when it is walked (a link met while it
 * was queued or in flight may be shorter than the one it was queued by),
 * and is noted for a link to it met later. */
static int walk_depth(struct crawler *c, const struct frontier_entry *e)
{
    if (c->opt.max_depth < 0)
        return e->depth;
    int depth = e->depth;
    json_t *v = json_object_get(c->nearer, e->url);
    if (v && json_integer_value(v) < depth)
        depth = (int)json_integer_value(v);
    json_object_del(c->nearer, e->url);
    json_object_set_new(c->walked, e->url, json_integer(depth));
    return depth;
}

/* A link at depth to url, seen already: with --max-depth, a path to it
 * shorter than the one it was walked from may reach documents that were
 * past the limit. A document walked already is read again (its links
 * are not kept); one not walked yet takes the shorter depth when it is. */
static void seen_nearer(struct crawler *c, const struct frontier_entry *e,
                        const char *url, int depth, unsigned flags)
{
    if (c->opt.max_depth < 0)
        return;
    json_t *w = json_object_get(c->walked, url);
    if (w) {
        if (json_integer_value(w) <= depth)
            return;
        json_object_del(c->walked, url);
        frontier_push_again(c->frontier, url, e->source, depth, flags, NULL);
        return;
    }
    json_t *v = json_object_get(c->nearer, url);
    if (!v || json_integer_value(v) > depth)
        json_object_set_new(c->nearer, url, json_integer(depth));
}

static bool is_data_rel(enum link_rel rel)
{
    return rel == LINK_REL_TRAIN || rel == LINK_REL_VALIDATION ||
           rel == LINK_REL_TEST;
}

/* A model reached through a training link (a fine-tuned model's
 * derived_from to its base model) is not walked, as no dataset is, but its
 * own training links are followed, as any model's are: which records a
 * model's datasets get must not depend on the path that reached it. */
static bool follows_data_only(const struct frontier_entry *e, bool is_model)
{
    return is_model && (e->flags & FRONTIER_F_DATASET) &&
           !(e->flags & FRONTIER_F_LEAF);
}

static void push_one(struct crawler *c, const struct frontier_entry *e,
                     int depth, enum link_rel rel, const char *url,
                     bool is_model)
{
    bool deep_ok = c->opt.max_depth < 0 || depth < c->opt.max_depth;
    bool lateral = rel == LINK_REL_NEXT;
    unsigned flags = rel == LINK_REL_ITEM ? FRONTIER_F_ITEM : 0;
    if (!follow_rel(rel, is_model))
        return;
    if (lateral && !next_page_flags(c, e, &flags)) {
        /* What the rest of the chain holds is unknown, as below a depth
         * limit. */
        hold_source(c, e, "pagination stopped: --max-pages");
        return;
    }
    if (!lateral && !deep_ok) {
        /* What lies beyond is unknown: nothing of this source may be
         * called gone on the strength of this run. */
        c->stats.depth_dropped++;
        if (c->hooks.depth_limited)
            c->hooks.depth_limited(c->hooks.ctx, e->source);
        return;
    }
    if (is_data_rel(rel)) {
        frontier_push(c->datasets, url, e->source, depth + 1,
                      FRONTIER_F_DATASET);
        return;
    }
    int to = lateral ? depth : depth + 1;
    if (frontier_push(c->frontier, url, e->source, to, flags) == 0)
        seen_nearer(c, e, url, to, flags);
}

/* Count and log what links_extract() (rc) left out of a document at e. */
static void report_links(struct crawler *c, const struct frontier_entry *e,
                         int rc, const struct links *ls)
{
    if (rc == SM_E_TOOBIG) {
        log_warn("%s: more than %d links, the rest ignored", e->url, LINKS_MAX);
        hold_source(c, e, "a document of more links than are followed");
    }
    if (ls->n_rejected) {
        c->stats.links_rejected += ls->n_rejected;
        log_info("%s: %zu link(s) rejected, first: %s", e->url, ls->n_rejected,
                 ls->first_error);
    }
}

/* The links as "rel\turl\n" lines (new), or NULL when there are none. */
static char *links_text(const struct links *ls)
{
    if (ls->n == 0)
        return NULL;
    size_t n = 1;
    for (size_t i = 0; i < ls->n; i++)
        n += strlen(links_rel_name(ls->v[i].rel)) + strlen(ls->v[i].url) + 2;
    char *out = xmalloc(n), *p = out;
    for (size_t i = 0; i < ls->n; i++)
        p += sprintf(p, "%s\t%s\n", links_rel_name(ls->v[i].rel), ls->v[i].url);
    return out;
}

/* A survey samples a few items of each collection or catalog: whether
 * a link of rel, after *items item links of its document, is left out. */
static bool is_unsampled(const struct crawler *c, enum link_rel rel,
                         size_t *items)
{
    return rel == LINK_REL_ITEM && c->opt.item_sample > 0 &&
           (*items)++ >= (size_t)c->opt.item_sample;
}

/* The link of the first "rel\tURL\n" line of *text, which moves on: its
 * rel (-1 for one not known) and its URL (new). False at the end. */
static bool next_line(const char **text, int *rel, char **url)
{
    const char *t = *text;
    const char *tab = t ? strchr(t, '\t') : NULL;
    const char *nl = t ? strchr(t, '\n') : NULL;
    if (!tab || !nl || tab > nl)
        return false;
    *rel = links_rel_parse(t, (size_t)(tab - t));
    *url = xstrndup(tab + 1, (size_t)(nl - tab - 1));
    *text = nl + 1;
    return true;
}

/* Push the links of text, "rel\tURL\n" lines, as met in a document at e
 * walked from depth; only the training links when data_only. */
static void push_lines(struct crawler *c, const struct frontier_entry *e,
                       int depth, const char *text, bool is_model,
                       bool data_only)
{
    size_t items = 0;
    int rel;
    char *url;
    while (next_line(&text, &rel, &url)) {
        if (rel >= 0 && (!data_only || is_data_rel((enum link_rel)rel)) &&
            !is_unsampled(c, (enum link_rel)rel, &items))
            push_one(c, e, depth, (enum link_rel)rel, url, is_model);
        free(url);
    }
}

/* The line "held\tWHY\n" that ends the stored links of a document left
 * partly unread (no rel of a link: push_lines() passes over it), so that
 * walking on from them without the document holds its source again. */
static const char held_line[] = "held\t";

/* The reason of text's held line, new, or NULL. */
static char *held_reason(const char *text)
{
    for (const char *t = text; t && *t; t = strchr(t, '\n'), t = t ? t + 1 : t)
        if (strncmp(t, held_line, sizeof(held_line) - 1) == 0)
            return xstrndup(t + sizeof(held_line) - 1,
                            strcspn(t + sizeof(held_line) - 1, "\n"));
    return NULL;
}

/* Walk on below a document that was not fetched again (304 or resumed),
 * from the links stored the last time it was; only its training links
 * when data_only. What was left unread of it then still is. */
static void replay_links(struct crawler *c, const struct frontier_entry *e,
                         const char *text, bool is_model, bool data_only)
{
    int depth = text && *text && !data_only ? walk_depth(c, e) : e->depth;
    char *why = data_only ? NULL : held_reason(text);
    if (why) {
        log_warn("%s: unchanged, and part of it left unread as before (%s)",
                 e->url, why);
        hold_source(c, e, why);
    }
    push_lines(c, e, depth, text, is_model, data_only);
    free(why);
}

/* --dataset-items: the item links of a dataset document, and the first
 * page of its items link, read as dataset documents but never walked (no
 * next page: a training collection may hold millions of items). */
static void push_dataset_item(struct crawler *c, const struct frontier_entry *e,
                              int rel, const char *url)
{
    if (rel == LINK_REL_ITEM || rel == LINK_REL_ITEMS)
        frontier_push(c->frontier, url, e->source, e->depth + 1,
                      FRONTIER_F_DATASET | FRONTIER_F_LEAF);
}

static void push_dataset_items(struct crawler *c,
                               const struct frontier_entry *e,
                               const json_t *doc, const char *base)
{
    struct links ls;
    links_init(&ls);
    links_extract(doc, base, url_scheme_of(base) == URL_SCHEME_FILE, &ls);
    for (size_t i = 0; i < ls.n; i++)
        push_dataset_item(c, e, (int)ls.v[i].rel, ls.v[i].url);
    links_cleanup(&ls);
}

/* The same from the links stored of a dataset not fetched again. */
static void replay_dataset_items(struct crawler *c,
                                 const struct frontier_entry *e,
                                 const char *text)
{
    int rel;
    char *url;
    while (next_line(&text, &rel, &url)) {
        push_dataset_item(c, e, rel, url);
        free(url);
    }
}

/* Whether the links of a document are walked: not for a dataset reached
 * through a training link (it may hold millions of items), not for a leaf,
 * and not for an API landing page (the API walk reads those). */
static bool is_walked(const struct frontier_entry *e, const json_t *doc)
{
    return !(e->flags & (FRONTIER_F_LEAF | FRONTIER_F_DATASET)) &&
           !stac_is_landing(doc);
}

/* The URL a fetched document lives at, new: the requested one (normalised
 * already) without a redirect, else the final one, normalised. After a
 * redirect that is its canonical URL, so two paths to it give one record. */
static char *doc_base(const struct frontier_entry *e,
                      const struct fetch_result *r)
{
    char *base = NULL;
    if (r->redirects == 0 || url_normalize(r->final_url, &base) != 0)
        base = xstrdup(e->url);
    return base;
}

/* What every fetched document tells the hooks, before its links. */
static struct crawler_doc doc_of(const struct frontier_entry *e,
                                 const struct fetch_result *r, const char *base,
                                 enum stac_kind kind, const json_t *doc)
{
    return (struct crawler_doc){
        .url = base,
        .source = e->source,
        .depth = e->depth,
        .kind = kind,
        .json = doc,
        .size = r->body_len,
        .http_status = r->http_status,
        .etag = r->etag,
        .last_modified = r->last_modified,
        .dataset = (e->flags & FRONTIER_F_DATASET) != 0,
    };
}

/* A fetched body on its way through analyse() (on the worker thread, or
 * in line) and apply() (on the loop thread). */
struct doc_job {
    struct worker_job link;  /* first: the worker's list */
    struct frontier_entry e; /* the entry, or a copy (job_copy()) */
    struct fetch_result r;   /* the result, or a copy */
    /* What analyse() found. */
    bool is_json;   /* else reason says why not */
    bool is_scalar; /* not JSON: a JSON scalar (valid, but no document) */
    json_t *doc;    /* NULL when not JSON, or let go of (needs_tree()) */
    char *base;
    enum stac_kind kind;
    bool is_landing;
    const char *landing_rel; /* stac_landing_rel_alone() */
    int links_rc;
    struct links ls;
    char *text; /* ls as links_text() */
    void *prepared;
    bool is_plain; /* a plain Item (prescan_doc()): nothing else was made */
    char reason[256];
    /* A worker's job is one block: this struct, then the copies of e's and
     * r's strings and of the body (job_copy()). */
    size_t cap;
    struct doc_job *pool_next;
};

/* After its delivery, whether a document starts an API walk, or has its
 * items read as a dataset's (--dataset-items); a leaf does neither. */
static bool starts_api(const struct doc_job *j)
{
    unsigned f = j->e.flags;
    return !(f & (FRONTIER_F_LEAF | FRONTIER_F_DATASET)) && j->is_landing;
}

static bool reads_dataset_items(const struct crawler *c,
                                const struct frontier_entry *e)
{
    unsigned f = e->flags;
    return !(f & FRONTIER_F_LEAF) && (f & FRONTIER_F_DATASET) &&
           c->opt.dataset_items;
}

/* Whether apply_document() reads the tree beyond handing it to the
 * document hook (which has the prepare hook's result instead). */
static bool needs_tree(const struct crawler *c, const struct doc_job *j)
{
    return j->kind == STAC_KIND_ITEM_COLLECTION ||
           j->kind == STAC_KIND_COLLECTION_LIST || starts_api(j) ||
           reads_dataset_items(c, &j->e);
}

/* Whether a body may be a plain document: API responses are read by the
 * API walk, and a dataset is read in full whatever it holds. */
static bool may_be_plain(const struct frontier_entry *e)
{
    return !e->data && !(e->flags & FRONTIER_F_DATASET);
}

/* Everything that can be made of a body without touching the crawl: the
 * parse, the kind, the links, and what the prepare hook makes of it, or
 * nothing but the verdict for a plain Item. Safe on the worker thread: it
 * reads the crawler's options and hooks only. */
/* A document parsed. jansson refuses an integer past 64 bits ("too big
 * integer") and a number past a double's range ("real number overflow"),
 * but a document is not invalid for one (an id, a checksum, a uint64
 * nodata value, a float64 nodata printed rounded): then that number, and
 * it alone, is read as a real, or as the largest double of its sign
 * (prescan_big_numbers()). */
static json_t *load_doc(const char *buf, size_t len, json_error_t *err)
{
    /* RFC 8259 lets a parser ignore a byte order mark, and servers send
     * one; a \u0000 in a string is valid JSON (the string is cut there
     * where it is read as text). */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    json_t *doc = jsonread(buf, len, JSON_ALLOW_NUL, err);
    if (!doc && json_error_code(err) == json_error_numeric_overflow) {
        size_t n = 0;
        char *copy = prescan_big_numbers(buf, len, &n);
        doc = jsonread(copy ? copy : "", n, JSON_ALLOW_NUL, err);
        free(copy);
    }
    return doc;
}

/* Why a body that did not parse cannot be read: jansson's words, and
 * what the body looks like when that says more (an HTML page answered
 * 200 for a missing file, gzip without its header, UTF-16). A JSON
 * scalar is valid JSON, only no document: is_scalar. */
static void unreadable_reason(struct doc_job *j, const json_error_t *jerr)
{
    bool is_scalar = false;
    const char *hint = stac_body_hint(j->r.body, j->r.body_len, &is_scalar);
    j->is_scalar = is_scalar;
    if (is_scalar)
        snprintf(j->reason, sizeof(j->reason), "not a STAC document (%s)",
                 hint);
    else
        snprintf(j->reason, sizeof(j->reason),
                 "invalid JSON at line %d column %d: %s%s%s%s", jerr->line,
                 jerr->column, jerr->text, hint ? " (" : "", hint ? hint : "",
                 hint ? ")" : "");
}

static void analyse(const struct crawler *c, struct doc_job *j)
{
    const struct frontier_entry *e = &j->e;
    const struct fetch_result *r = &j->r;
    json_error_t jerr;

    links_init(&j->ls);
    j->base = doc_base(e, r);
    if (may_be_plain(e) && prescan_plain_item(r->body, r->body_len)) {
        j->is_plain = j->is_json = true;
        j->kind = STAC_KIND_ITEM;
        return;
    }
    j->doc = load_doc(r->body, r->body_len, &jerr);
    j->is_json = j->doc != NULL;
    if (!j->is_json) {
        unreadable_reason(j, &jerr);
        return;
    }
    /* API responses (queryables, pages) are not STAC documents themselves. */
    if (e->data)
        return;
    j->kind = stac_classify(j->doc);
    if (j->kind == STAC_KIND_NONE) {
        snprintf(j->reason, sizeof(j->reason), "not a STAC document (%s)",
                 json_is_array(j->doc) ? "a JSON array, not an object"
                                       : "no STAC type or stac_version");
        return;
    }
    j->is_landing = stac_is_landing(j->doc);
    j->landing_rel = stac_landing_rel_alone(j->doc);
    /* The links of a document read but not walked (a dataset) are taken
     * too, for its crawl state: a later run that reaches it as a child and
     * gets a 304 walks on from the links stored, and a dataset read after
     * its walk stores its state again. apply_document() pushes them only
     * when it is walked. */
    if (!j->is_landing) {
        j->links_rc = links_extract(
            j->doc, j->base, url_scheme_of(j->base) == URL_SCHEME_FILE, &j->ls);
        j->text = links_text(&j->ls);
    }
    if (c->hooks.prepare) {
        struct crawler_doc d = doc_of(e, r, j->base, j->kind, j->doc);
        d.links = j->text;
        d.is_api = j->is_landing;
        j->prepared = c->hooks.prepare(c->hooks.ctx, &d);
    }
    /* A tree is large (a collection's hundreds of links): free it where
     * it was made, now, unless the loop has a use for it. */
    if (j->prepared && !needs_tree(c, j)) {
        json_decref(j->doc);
        j->doc = NULL;
    }
}

/* The href of doc's first link of rel, resolved against base (new), or
 * NULL. */
static char *rel_url(const json_t *doc, const char *rel, const char *base)
{
    size_t i;
    const json_t *l;
    json_array_foreach (json_object_get(doc, "links"), i, l) {
        const char *r = json_string_value(json_object_get(l, "rel"));
        const char *href = json_string_value(json_object_get(l, "href"));
        char *u = NULL;
        const char *why = NULL;
        if (r && href && strcasecmp(r, rel) == 0 &&
            links_check_href(base, href, &u, &why) == 0)
            return u;
    }
    return NULL;
}

/* A list of collections met outside an API's walk (a seed that is an
 * API's /collections, a data link of a static catalog): its collections
 * come inline and no link of the walk leads to them. Its root, the API's
 * landing page, is walked as a child, and the API walk then plans every
 * collection as it should (sampling the plain ones); without a root, each
 * collection's self link is. Returns what is walked as "child\tURL\n"
 * lines after the document's own links, text (new): stored as its links,
 * so that a 304 to it walks them again. */
static char *collection_list_links(struct crawler *c,
                                   const struct frontier_entry *e,
                                   const json_t *doc, const char *base,
                                   const char *text)
{
    const char *child = links_rel_name(LINK_REL_CHILD);
    struct buf b;
    buf_init(&b, SIZE_MAX);
    buf_puts(&b, text ? text : "");
    char *root = rel_url(doc, "root", base);
    if (root) {
        log_info("%s: a list of collections: its root %s is walked", e->url,
                 root);
        buf_printf(&b, "%s\t%s\n", child, root);
        free(root);
        return buf_detach(&b, NULL);
    }
    const json_t *list = json_object_get(doc, "collections");
    size_t i, n = 0;
    const json_t *coll;
    json_array_foreach (list, i, coll) {
        char *u = rel_url(coll, "self", base);
        if (u)
            buf_printf(&b, "%s\t%s\n", child, u);
        n += u != NULL;
        free(u);
    }
    if (n < json_array_size(list)) {
        /* What the collections left out hold is unknown. */
        hold_source(c, e,
                    "collections with no self link in a list of "
                    "collections with no root link");
        log_warn("%s: a list of collections with no root link: %zu of its "
                 "%zu collections have no self link and are not walked",
                 e->url, json_array_size(list) - n, json_array_size(list));
    }
    return buf_detach(&b, NULL);
}

/* Whether the API whose landing page e is, at depth, may be walked under
 * --max-depth: its collections, items and search pages all lie below the
 * landing page, as a catalog's children below it. Past the limit it is
 * read alone, and its source is not complete (nothing marked gone), as
 * for a catalog whose links are dropped there; within it, the API is
 * walked as its strategy says, bounded by --max-pages and --max-docs. */
static bool api_within_depth(struct crawler *c, const struct frontier_entry *e,
                             int depth)
{
    if (c->opt.max_depth < 0 || depth < c->opt.max_depth)
        return true;
    c->stats.depth_dropped++;
    if (c->hooks.depth_limited)
        c->hooks.depth_limited(c->hooks.ctx, e->source);
    return false;
}

/* A document with one of an API landing page's links (rel) but not taken
 * for one: walked as a static catalog, the API it may be is not read (a
 * list of collections behind its data link names it as their root, and
 * a root read already is not walked again). Said, not left to silence,
 * and its source is not complete: the records of what is missed would
 * otherwise be marked gone. */
static void warn_landing_alone(struct crawler *c,
                               const struct frontier_entry *e, const char *rel)
{
    hold_source(c, e,
                "a page with a data or search link alone, walked as a "
                "static catalog");
    log_warn("%s: has a %s link, as a STAC API landing page does, but neither "
             "conformsTo, a conformance link nor both data and search links: "
             "walked as a static catalog, not as an API (what an API holds "
             "may be missed)",
             e->url, rel);
}

/* A STAC document: delivered, then its links pushed and, for an API
 * landing page or a dataset, the walk that follows from it started. */
static void apply_document(struct crawler *c, struct doc_job *j)
{
    const struct frontier_entry *e = &j->e;
    bool is_walk = is_walked(e, NULL);
    size_t held = c->n_held;
    if (is_walk)
        report_links(c, e, j->links_rc, &j->ls);
    if (is_walk && j->landing_rel)
        warn_landing_alone(c, e, j->landing_rel);
    /* Where a list of collections leads is not among its links. */
    const char *own_end = NULL;
    if (j->kind == STAC_KIND_COLLECTION_LIST && is_walk) {
        char *text = collection_list_links(c, e, j->doc, j->base, j->text);
        size_t own = j->text ? strlen(j->text) : 0;
        free(j->text);
        j->text = text;
        own_end = text + own;
    }
    if (c->n_held != held) {
        /* Left partly unread: said in its stored links, for a 304 or a
         * resumed run that walks on from them. */
        size_t off = own_end ? (size_t)(own_end - j->text) : 0;
        char *text = xasprintf("%s%s%s\n", j->text ? j->text : "", held_line,
                               c->held_why);
        free(j->text);
        j->text = text;
        own_end = own_end ? text + off : NULL;
    }
    struct crawler_doc d = doc_of(e, &j->r, j->base, j->kind, j->doc);
    d.links = j->text;
    d.is_api = j->is_landing;
    d.prepared = j->prepared;
    if (j->kind == STAC_KIND_ITEM_COLLECTION) {
        /* Its features come inside it and are kept only as they are
         * delivered: a 304 would deliver none, and they would go missing,
         * then gone. Like an API's pages, it is asked for in full. */
        d.etag = d.last_modified = NULL;
    }
    /* Its features before the page itself: the page's crawl state tells a
     * resumed run that they were delivered. */
    size_t n = 0;
    bool is_page = j->kind == STAC_KIND_ITEM_COLLECTION;
    if (is_page)
        crawler_features(c, e, j->doc, j->base, &n);
    bool is_model = crawler_deliver(c, &d) != 0;
    size_t items = 0;
    int depth = is_walk && (j->ls.n > 0 || (own_end && *own_end))
                    ? walk_depth(c, e)
                    : e->depth;
    for (size_t i = 0; is_walk && i < j->ls.n; i++) {
        if (j->ls.v[i].rel == LINK_REL_NEXT && is_page && n == 0) {
            /* A page of nothing that points on: a server that pages
             * forever (EXTENSIONS.md §7.7), as the API walk reads it. */
            log_warn("%s: pagination stopped: empty page with a next link",
                     e->url);
            /* The pages after it may hold what the source still has. */
            hold_source(c, e, "pagination stopped at an empty page");
            continue;
        }
        if (is_unsampled(c, j->ls.v[i].rel, &items))
            continue;
        push_one(c, e, depth, j->ls.v[i].rel, j->ls.v[i].url, is_model);
    }
    for (size_t i = 0;
         !is_walk && follows_data_only(e, is_model) && i < j->ls.n; i++)
        if (is_data_rel(j->ls.v[i].rel))
            push_one(c, e, e->depth, j->ls.v[i].rel, j->ls.v[i].url, true);
    if (own_end)
        push_lines(c, e, depth, own_end, false, false);
    if (starts_api(j) && api_within_depth(c, e, depth))
        api_start(c, e, j->doc, j->base);
    else if (reads_dataset_items(c, &j->e))
        push_dataset_items(c, e, j->doc, j->base);
}

/* A plain Item (prescan_doc()): what apply_document() would do with its
 * tree, which here has nothing to give (no links, no extension). */
static void deliver_plain_item(struct crawler *c,
                               const struct frontier_entry *e,
                               const struct fetch_result *r, const char *base)
{
    struct crawler_doc d = doc_of(e, r, base, STAC_KIND_ITEM, NULL);
    c->stats.prescanned++;
    crawler_deliver(c, &d);
}

/* A document fetched whole that cannot be read: a failure, counted apart
 * too, as it is in stats.fetched already. */
static void report_unreadable(struct crawler *c, const struct doc_job *j,
                              int rc)
{
    c->stats.unreadable++;
    crawler_report_failure(c, &j->e, rc, j->r.http_status, j->reason);
}

/* What analyse() found, applied to the crawl (loop thread). */
static void apply(struct crawler *c, struct doc_job *j)
{
    const struct frontier_entry *e = &j->e;
    if (j->is_plain) {
        deliver_plain_item(c, e, &j->r, j->base);
    } else if (!j->is_json) {
        report_unreadable(c, j, j->is_scalar ? SM_E_NOTSTAC : SM_E_PARSE);
        if (e->data)
            api_failed(c, e, j->reason);
    } else if (e->data &&
               api_page_problem(e, j->doc, j->reason, sizeof(j->reason))) {
        report_unreadable(c, j, SM_E_NOTSTAC);
        api_failed(c, e, j->reason);
    } else if (e->data) {
        api_handle(c, e, j->doc, j->base);
    } else if (j->kind == STAC_KIND_NONE) {
        report_unreadable(c, j, SM_E_NOTSTAC);
    } else {
        apply_document(c, j);
    }
}

/* Copy s (len bytes and a NUL) to *at and move *at on; NULL stays NULL. */
static char *put_str(char **at, const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *d = *at;
    memcpy(d, s, len);
    d[len] = '\0';
    *at += len + 1;
    return d;
}

static size_t str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* A block of at least size bytes for a job: one the worker gave back when
 * there is one (the loop thread would otherwise malloc and free a body's
 * copy per document, interleaved with libcurl's own allocations: glibc
 * then spends more time in malloc than in parsing), a new one if not. */
static struct doc_job *job_block(struct crawler *c, size_t size)
{
    uv_mutex_lock(&c->pool_lock);
    struct doc_job *j = c->pool;
    if (j) {
        c->pool = j->pool_next;
        c->pool_bytes -= j->cap;
    }
    uv_mutex_unlock(&c->pool_lock);
    if (j && j->cap < size) {
        free(j);
        j = NULL;
    }
    size_t cap = size < JOB_BLOCK_MIN ? JOB_BLOCK_MIN : size;
    if (!j) {
        j = xmalloc(cap);
        j->cap = cap;
    }
    cap = j->cap;
    memset(j, 0, sizeof(*j));
    j->cap = cap;
    return j;
}

/* Back from the worker (any thread): kept for job_block(), or freed. */
static void job_unblock(struct crawler *c, struct doc_job *j)
{
    if (j->cap <= JOB_BLOCK_KEEP) {
        uv_mutex_lock(&c->pool_lock);
        bool keep = c->pool_bytes + j->cap <= JOB_POOL_BYTES;
        if (keep) {
            j->pool_next = c->pool;
            c->pool = j;
            c->pool_bytes += j->cap;
        }
        uv_mutex_unlock(&c->pool_lock);
        if (keep)
            return;
    }
    free(j);
}

/* A job for the worker: what it needs of e and r, copied into one block
 * (e is done and r's memory recycled as soon as this returns). */
static struct doc_job *job_copy(struct crawler *c,
                                const struct frontier_entry *e,
                                const struct fetch_result *r)
{
    size_t url = strlen(e->url) + 1, source = str_size(e->source),
           final = str_size(r->final_url), etag = str_size(r->etag),
           lm = str_size(r->last_modified);
    struct doc_job *j = job_block(c, sizeof(*j) + url + source + final + etag +
                                         lm + r->body_len + 1);
    char *at = (char *)(j + 1);
    j->e = (struct frontier_entry){
        .url = put_str(&at, e->url, url - 1),
        .source = put_str(&at, e->source, source ? source - 1 : 0),
        .depth = e->depth,
        .flags = e->flags,
        .attempts = e->attempts};
    j->r = *r;
    j->r.url = j->e.url;
    j->r.final_url = put_str(&at, r->final_url, final ? final - 1 : 0);
    j->r.reason = "";
    /* NUL bytes and all */
    j->r.body = put_str(&at, r->body ? r->body : "", r->body_len);
    j->r.etag = put_str(&at, r->etag, etag ? etag - 1 : 0);
    j->r.last_modified = put_str(&at, r->last_modified, lm ? lm - 1 : 0);
    j->r.retry_after = NULL;
    return j;
}

/* Free what analyse() made (on the thread that ran it, as a rule). */
static void job_release(const struct crawler *c, struct doc_job *j)
{
    if (j->prepared && c->hooks.discard)
        c->hooks.discard(c->hooks.ctx, j->prepared);
    j->prepared = NULL;
    json_decref(j->doc);
    j->doc = NULL;
    free(j->base);
    j->base = NULL;
    links_cleanup(&j->ls);
    free(j->text);
    j->text = NULL;
}

static void on_job_work(void *ctx, struct worker_job *wj)
{
    analyse(ctx, (struct doc_job *)wj);
}

static void on_job_done(void *ctx, struct worker_job *wj)
{
    struct crawler *c = ctx;
    struct doc_job *j = (struct doc_job *)wj;
    c->job_bytes -= j->r.body_len;
    apply(c, j);
    worker_give_back(c->worker, wj);
    pump(c);
}

static void on_job_release(void *ctx, struct worker_job *wj)
{
    job_release(ctx, (struct doc_job *)wj);
    job_unblock(ctx, (struct doc_job *)wj);
}

static void handle_plain_item(struct crawler *c, const struct frontier_entry *e,
                              const struct fetch_result *r)
{
    char *base = doc_base(e, r);
    deliver_plain_item(c, e, r, base);
    free(base);
}

/* A plain Catalog or Collection (prescan_doc()): what analyse() and
 * apply() would do with its tree, whose links the prescan took apart. */
static void handle_plain_container(struct crawler *c,
                                   const struct frontier_entry *e,
                                   const struct fetch_result *r,
                                   enum stac_kind kind)
{
    struct doc_job j = {.e = *e, .r = *r, .is_json = true, .kind = kind};
    links_init(&j.ls);
    j.base = doc_base(e, r);
    if (is_walked(e, NULL)) { /* the prescan ruled a landing page out */
        j.links_rc = links_extract_fields(
            c->scan.v, c->scan.n, j.base,
            url_scheme_of(j.base) == URL_SCHEME_FILE, &j.ls);
        j.text = links_text(&j.ls);
    }
    c->stats.plain_containers++;
    apply(c, &j);
    job_release(c, &j);
    /* A collection of a million items leaves a big table: let it go. */
    if (c->scan.cap > 4096)
        prescan_links_cleanup(&c->scan);
}

/* A body fetched. Most documents of a big catalog are Items reached
 * through an item link: the walk waits for nothing they hold, so when
 * there is a worker they go to it, which proves most of them plain with
 * the prescan and parses the others (model documents, the ones that
 * cost). The loop thread is what a harvest waits for (libcurl runs
 * there), and the hand-over costs it less than the prescan would (it
 * costs more in all: the worker is for what the loop need not do). Most
 * of the other documents are plain Catalogs and Collections, whose links
 * the prescan takes apart here with no tree; the rest is parsed here too:
 * a catalog or collection holds what the walk fetches next, and an API's
 * responses feed its walk state. */
static void handle_body(struct crawler *c, const struct frontier_entry *e,
                        const struct fetch_result *r)
{
    bool to_worker = c->worker && !e->data && (e->flags & FRONTIER_F_ITEM);
    if (!to_worker && may_be_plain(e)) {
        switch (prescan_doc(r->body, r->body_len, &c->scan)) {
        case PRESCAN_ITEM:
            handle_plain_item(c, e, r);
            return;
        case PRESCAN_CATALOG:
            handle_plain_container(c, e, r, STAC_KIND_CATALOG);
            return;
        case PRESCAN_COLLECTION:
            handle_plain_container(c, e, r, STAC_KIND_COLLECTION);
            return;
        case PRESCAN_UNSURE:
            break;
        }
    }
    if (to_worker) {
        c->job_bytes += r->body_len;
        worker_submit(c->worker, &job_copy(c, e, r)->link);
        return;
    }
    struct doc_job j = {.e = *e, .r = *r};
    analyse(c, &j);
    apply(c, &j);
    job_release(c, &j);
}

static void finish(struct crawler *c)
{
    if (c->finished)
        return;
    c->finished = true;
    worker_stop(c->worker);
    c->worker = NULL;
    c->stats.queued_left =
        frontier_queued(c->frontier) + polite_drop_retries(c);
    uv_close((uv_handle_t *)&c->wake, NULL);
    uv_close((uv_handle_t *)&c->tick, NULL);
    uv_close((uv_handle_t *)&c->grace, NULL);
    uv_close((uv_handle_t *)&c->sig_int, NULL);
    uv_close((uv_handle_t *)&c->sig_term, NULL);
    fetcher_free(c->fetcher);
    c->fetcher = NULL;
}

static bool limit_reached(const struct crawler *c)
{
    return c->opt.max_docs > 0 && c->started >= c->opt.max_docs;
}

/* Move the deferred dataset links into the frontier; those the walk
 * already reached are dropped there as seen. Returns how many were new. */
static size_t release_datasets(struct crawler *c)
{
    size_t n = 0;
    struct frontier_entry *e;
    while ((e = frontier_pop(c->datasets, 0)) != NULL) {
        int rc =
            frontier_push(c->frontier, e->url, e->source, e->depth, e->flags);
        if (rc == 0 && c->hooks.refetch_dataset &&
            c->hooks.refetch_dataset(c->hooks.ctx, e->url))
            rc = frontier_push_again(c->frontier, e->url, e->source, e->depth,
                                     e->flags, NULL);
        n += rc == 1;
        frontier_done(c->datasets, e);
    }
    return n;
}

/* The per-source budgets: a source that has started its share of requests
 * (--source-budget) or has been crawled for its share of time
 * (--source-time) gets no more; its remaining documents are dropped,
 * counted, and reported once, so one hostile or dead source never holds up
 * the others. */
static bool over_budget(struct crawler *c, struct frontier_entry *e,
                        int64_t now)
{
    if (c->opt.source_budget <= 0 && c->opt.source_time_ms <= 0)
        return false;
    if (!c->spent)
        c->spent = json_object();
    json_t *st = json_object_get(c->spent, e->source);
    if (!st) {
        st = json_pack("{s:I, s:I, s:b}", "n", (json_int_t)0, "t0",
                       (json_int_t)now, "hit", 0);
        json_object_set_new(c->spent, e->source, st);
    }
    json_int_t used = json_integer_value(json_object_get(st, "n"));
    json_int_t t0 = json_integer_value(json_object_get(st, "t0"));
    bool is_over =
        (c->opt.source_budget > 0 && used >= c->opt.source_budget) ||
        (c->opt.source_time_ms > 0 && now - t0 >= c->opt.source_time_ms);
    if (!is_over) {
        json_object_set_new(st, "n", json_integer(used + 1));
        return false;
    }
    if (!json_is_true(json_object_get(st, "hit"))) {
        json_object_set_new(st, "hit", json_true());
        log_warn("%s: budget reached (%" JSON_INTEGER_FORMAT
                 " requests in %" JSON_INTEGER_FORMAT
                 " ms); the rest is skipped",
                 e->source, used, now - t0);
        if (c->hooks.budget)
            c->hooks.budget(c->hooks.ctx, e->source);
    }
    c->stats.budget_dropped++;
    crawler_drop(c, e);
    return true;
}

static void on_wake(uv_timer_t *t)
{
    pump(t->data);
}

/* A plain document (not an API call, not robots.txt) may be known from an
 * earlier run: look it up. One read as a dataset that was no dataset when
 * it was stored (a child of the tree, now a training link's target) is
 * not: what is stored of it makes no dataset record. */
static bool lookup_prior(struct crawler *c, const struct frontier_entry *e,
                         struct crawler_prior *p)
{
    memset(p, 0, sizeof(*p));
    if (e->data || (e->flags & FRONTIER_F_FIRST) || !c->hooks.prior ||
        !c->hooks.prior(c->hooks.ctx, e->url, p))
        return false;
    return !(e->flags & FRONTIER_F_DATASET) || p->is_dataset || p->is_model;
}

/* Whether a Last-Modified is later than now (a file dated in the future,
 * a server's clock ahead). Sent back as If-Modified-Since, such a date
 * would make a server that answers 304 to every date at or after the
 * document's (RFC 9110 13.1.3) hide each change made before it: the
 * document is asked for in full instead. */
static bool is_future_date(const char *last_modified)
{
    int64_t now = (int64_t)time(NULL), t;
    return retry_http_date(last_modified, now, &t) == 0 && t > now;
}

/* A document fetched already in the run being resumed, one read moments
 * ago by an earlier crawl, or one that answered 304: walk on from its
 * stored links. */
static void reuse(struct crawler *c, struct frontier_entry *e,
                  const struct crawler_prior *p, bool is_resumed)
{
    if (is_resumed)
        c->stats.resumed++;
    else if (p->is_fresh)
        c->stats.reused++;
    else
        c->stats.unchanged++;
    if (c->hooks.fetched)
        c->hooks.fetched(c->hooks.ctx, e->source);
    if (c->hooks.unchanged)
        c->hooks.unchanged(c->hooks.ctx, e->url, e->source, p->is_model,
                           is_resumed);
    if (!(e->flags & (FRONTIER_F_LEAF | FRONTIER_F_DATASET)))
        replay_links(c, e, p->links, p->is_model, false);
    else if (follows_data_only(e, p->is_model))
        replay_links(c, e, p->links, true, true);
    if (reads_dataset_items(c, e))
        replay_dataset_items(c, e, p->links);
}

/* Why a file:// URL names no document to read, or NULL when it names a
 * regular file we may read. Asked before libcurl opens it: a FIFO would
 * block the loop in open(), and libcurl says "Couldn't open file" of a
 * missing file, one we may not read and a loop of links alike. */
static const char *not_a_file(const char *url)
{
    char *path = url_file_path(url);
    struct stat st;
    const char *why = NULL;
    if (!path)
        return NULL;
    if (stat(path, &st) != 0)
        why = errno == ENOENT ? "no such file" : strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "a directory, not a document";
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file (a FIFO, device or socket), not read";
    else if (access(path, R_OK) != 0)
        why = strerror(errno);
    free(path);
    return why;
}

/* --max-docs counts documents: a robots.txt is the host's, not one. */
static bool counts_as_document(const struct frontier_entry *e)
{
    return !(e->flags & FRONTIER_F_FIRST);
}

/* An entry that a redirect or a retry led to holds, until it starts, the
 * count that the request before it gave back (crawler_uncount()). */
static bool holds_count(const struct frontier_entry *e)
{
    return counts_as_document(e) &&
           (FRONTIER_HOPS(e->flags) > 0 || e->attempts > 0);
}

void crawler_drop(struct crawler *c, struct frontier_entry *e)
{
    /* Without this, a chain whose end never starts (a redirect to a URL
     * that robots.txt refuses, over its source's budget) would have made
     * its requests and counted for nothing: --max-docs would bound no
     * longer what a server can make us fetch. */
    if (holds_count(e))
        c->started++;
    frontier_done(c->frontier, e);
}

/* Start one popped entry; false when it was not started (failed, or done
 * already in the run being resumed). */
static bool start(struct crawler *c, struct frontier_entry *e)
{
    bool is_file = url_scheme_of(e->url) == URL_SCHEME_FILE;
    const char *not_file = is_file ? not_a_file(e->url) : NULL;
    if (not_file) {
        /* A FIFO would block the loop in open(); a directory or a device
         * is no document. */
        crawler_report_failure(c, e, SM_E_IO, 0, not_file);
        crawler_drop(c, e);
        return false;
    }
    const struct request *req = e->data;
    if (req && api_queued_without_limit(c, e)) {
        crawler_drop(c, e);
        return false;
    }
    /* robots.txt follows its redirects in the fetcher (RFC 9309): the
     * rules are its first host's. Everything else hands them back. */
    struct fetch_request fr = {
        .credentials = polite_credentials(c, e),
        .hand_back_redirects = !(e->flags & FRONTIER_F_FIRST),
        .prefix_max = (e->flags & FRONTIER_F_FIRST) ? ROBOTS_PREFIX_MAX : 0,
    };
    struct crawler_prior prior;
    char *cond[3] = {NULL, NULL, NULL};
    if (lookup_prior(c, e, &prior)) {
        if (prior.is_done || prior.is_fresh) {
            reuse(c, e, &prior, prior.is_done);
            crawler_drop(c, e);
            return false;
        }
        size_t n = 0;
        if (prior.etag)
            cond[n++] = xasprintf("If-None-Match: %s", prior.etag);
        if (prior.last_modified && !is_future_date(prior.last_modified))
            cond[n++] = xasprintf("If-Modified-Since: %s", prior.last_modified);
        fr.headers = (const char *const *)cond;
    }
    if (req) {
        fr.method = req->method;
        fr.body = req->body;
        fr.headers = (const char *const *)req->headers;
    }
    int rc = fetcher_start(c->fetcher, e->url, &fr, is_file, e);
    free(cond[0]);
    free(cond[1]);
    if (rc != 0) {
        crawler_report_failure(c, e, rc, 0, sm_strerror(rc));
        crawler_drop(c, e);
        return false;
    }
    if (counts_as_document(e))
        c->started++;
    return true;
}

void crawler_uncount(struct crawler *c, const struct frontier_entry *e)
{
    if (counts_as_document(e))
        c->started--;
}

/* No transfer in flight and no body being read. */
static bool is_idle(const struct crawler *c)
{
    return fetcher_active(c->fetcher) == 0 && worker_pending(c->worker) == 0;
}

static bool jobs_full(const struct crawler *c)
{
    return worker_pending(c->worker) >= JOBS_MAX ||
           c->job_bytes >= JOB_BYTES_MAX;
}

static void pump(struct crawler *c)
{
    if (c->finished)
        return;
    uv_update_time(&c->loop);
    int64_t now = (int64_t)uv_now(&c->loop);
    polite_due(c, now);
    while (!c->stopping && !limit_reached(c) && !jobs_full(c) &&
           fetcher_active(c->fetcher) < (size_t)c->opt.concurrency) {
        struct frontier_entry *e = frontier_pop(c->frontier, now);
        if (!e)
            break;
        if (over_budget(c, e, now))
            continue;
        if (polite_admit(c, e))
            start(c, e);
    }
    /* Connections to spare (nothing to start, or the worker is behind):
     * the documents waiting for the worker may hold what comes next. */
    if (fetcher_active(c->fetcher) < (size_t)c->opt.concurrency)
        worker_flush(c->worker);
    if (c->stopping || limit_reached(c)) {
        if (is_idle(c))
            finish(c);
        return;
    }
    /* Wake up when a host's spacing or a retry comes due. */
    int64_t wake = polite_due(c, now);
    if (wake >= 0)
        uv_timer_start(&c->wake, on_wake,
                       (uint64_t)(wake > now ? wake - now : 1), 0);
    if (!is_idle(c) || wake >= 0)
        return;
    /* Nothing in flight, nothing waiting: the deferred datasets, or the
     * end. */
    if (frontier_queued(c->frontier) > 0 || release_datasets(c) > 0)
        uv_timer_start(&c->wake, on_wake, 0, 0);
    else
        finish(c);
}

/* A redirect: its target is queued as an entry of its own, with the same
 * source, depth and kind, so that the target's host gets its robots.txt,
 * its spacing and its own credentials, hop by hop. A loop ends after
 * --max-redirects hops (the target is queued whether seen or not), and
 * counts as one document that failed. */
static void follow_redirect(struct crawler *c, const struct frontier_entry *e,
                            const struct fetch_result *r)
{
    unsigned hops = FRONTIER_HOPS(e->flags);
    if (hops >= (unsigned)c->opt.max_redirects) {
        char why[96];
        snprintf(why, sizeof(why), "too many redirects (more than %ld)",
                 c->opt.max_redirects);
        crawler_report_failure(c, e, SM_E_HTTP, r->http_status, why);
        return;
    }
    log_debug("%s: redirected (%ld) to %s", e->url, r->http_status,
              r->redirect_to);
    if ((e->flags & FRONTIER_F_DATASET) && c->hooks.dataset_moved)
        c->hooks.dataset_moved(c->hooks.ctx, e->url, r->redirect_to);
    unsigned flags =
        (e->flags & ~FRONTIER_HOPS_MASK) | ((hops + 1) << FRONTIER_HOPS_SHIFT);
    int rc;
    urlset_add(c->redirected, e->url);
    bool may_loop = hops > 0 && urlset_has(c->redirected, r->redirect_to);
    if (!e->data && !may_loop && strcmp(r->redirect_to, e->url) != 0) {
        /* Two aliases of one document (/old and /latest, both moved to
         * /v2/catalog.json) fetch it once, like two links to it, and so
         * does a longer chain to a document seen already. A later hop to
         * a URL that answered a redirect goes through whatever was seen:
         * a loop must come round to its limit and be reported. */
        rc = frontier_push(c->frontier, r->redirect_to, e->source, e->depth,
                           flags);
        /* A training link's end that the walk read already (as a child
         * of the tree): read again as a dataset, as release_datasets()
         * does for a link to it. */
        if (rc == 0 && (e->flags & FRONTIER_F_DATASET) &&
            c->hooks.refetch_dataset &&
            c->hooks.refetch_dataset(c->hooks.ctx, r->redirect_to))
            rc = frontier_push_again(c->frontier, r->redirect_to, e->source,
                                     e->depth, flags, NULL);
    } else {
        void *data =
            e->data ? api_request_redirected(e->data, r->http_status) : NULL;
        rc = frontier_push_again(c->frontier, r->redirect_to, e->source,
                                 e->depth, flags, data);
    }
    /* The target takes the document's count when it starts (or when it is
     * dropped: crawler_drop()). A target not queued, seen already, ends
     * the chain here: its requests count as the one document they were. */
    if (rc == 1)
        crawler_uncount(c, e);
}

static void on_fetch_done(void *ctx, void *data, const struct fetch_result *r)
{
    struct crawler *c = ctx;
    struct frontier_entry *e = data;
    if (r->rc == SM_E_INTR) {
        frontier_done(c->frontier, e);
        return;
    }
    if (r->rc == 0 && r->redirect_to) {
        follow_redirect(c, e, r);
        frontier_done(c->frontier, e);
        pump(c);
        return;
    }
    /* A robots.txt that failed on the way (a 503, a reset) is asked for
     * again like any document before it is read as "disallow all". */
    if (r->rc != 0 && polite_retry(c, e, r)) {
        pump(c);
        return;
    }
    polite_outcome(c, e, r);
    if (polite_robots_done(c, e, r)) {
        pump(c);
        return;
    }
    struct crawler_prior prior;
    if (r->rc == 0 && r->http_status == 304 && lookup_prior(c, e, &prior)) {
        reuse(c, e, &prior, false);
    } else if (r->rc == 0 && r->http_status == 304) {
        crawler_report_failure(c, e, SM_E_HTTP, 304,
                               "HTTP 304 Not Modified, but nothing was "
                               "stored to reuse (the request was not "
                               "conditional)");
    } else if (r->rc != 0 && e->data &&
               api_retry_without_limit(c, e, r->http_status)) {
        /* Asked again: the new request counts when it starts. */
        crawler_uncount(c, e);
    } else if (r->rc != 0 && e->data &&
               api_guess_absent(c, e, r->http_status)) {
        /* Said for the API; no document of the API's own failed. */
    } else if (r->rc != 0) {
        crawler_report_failure(c, e, r->rc, r->http_status, r->reason);
        if (e->data)
            api_failed(c, e, r->reason);
    } else {
        c->stats.fetched++;
        c->stats.bytes += r->body_len;
        if (c->hooks.fetched)
            c->hooks.fetched(c->hooks.ctx, e->source);
        handle_body(c, e, r);
    }
    frontier_done(c->frontier, e);
    pump(c);
}

void crawler_stop(struct crawler *c)
{
    c->stopping = true;
}

/* The transfers still running some seconds after a signal: a slow
 * server must not keep an interrupted harvest waiting. */
static void on_grace(uv_timer_t *t)
{
    struct crawler *c = t->data;
    if (c->finished)
        return;
    size_t n = fetcher_active(c->fetcher);
    if (n > 0)
        log_warn("interrupted: %zu transfer(s) still running, aborted", n);
    fetcher_abort_all(c->fetcher);
    /* Not from the callbacks: finishing frees the fetcher, which must
     * not happen inside its own loop over the transfers. */
    pump(c);
}

static void on_uv_signal(uv_signal_t *h, int signum)
{
    struct crawler *c = h->data;
    c->signals_seen++;
    c->stats.interrupted = true;
    if (c->signals_seen > 1) {
        /* The index holds only committed batches: leaving now is safe. */
        static const char msg[] = "stacml: interrupted again, exiting\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)n;
        _exit(130);
    }
    log_warn("interrupted: finishing transfers in flight for up to %d s "
             "(again to quit at once)",
             INTERRUPT_GRACE_MS / 1000);
    crawler_stop(c);
    /* What is done is committed now: a second signal exits at once. */
    if (c->hooks.interrupted)
        c->hooks.interrupted(c->hooks.ctx);
    uv_timer_start(&c->grace, on_grace, INTERRUPT_GRACE_MS, 0);
    if (!c->finished && is_idle(c))
        finish(c);
}

static void on_tick(uv_timer_t *t)
{
    struct crawler *c = t->data;
    c->hooks.progress(c->hooks.ctx, &c->stats, frontier_queued(c->frontier));
}

int crawler_run(struct crawler *c)
{
    if (c->hooks.progress)
        uv_timer_start(&c->tick, on_tick, 500, 500);
    uv_signal_init(&c->loop, &c->sig_int);
    uv_signal_init(&c->loop, &c->sig_term);
    c->sig_int.data = c->sig_term.data = c;
    uv_signal_start(&c->sig_int, on_uv_signal, SIGINT);
    uv_signal_start(&c->sig_term, on_uv_signal, SIGTERM);
    c->worker =
        worker_start(&c->loop, 0, on_job_work, on_job_done, on_job_release, c);
    pump(c);
    int rc = uv_run(&c->loop, UV_RUN_DEFAULT);
    if (rc != 0)
        log_error("event loop ended with %d active handles", rc);
    return c->rc;
}

const struct crawler_stats *crawler_get_stats(const struct crawler *c)
{
    return &c->stats;
}

void crawler_free(struct crawler *c)
{
    if (!c)
        return;
    if (!c->finished) {
        /* Never ran: the fetcher's handles still need closing. */
        uv_close((uv_handle_t *)&c->wake, NULL);
        uv_close((uv_handle_t *)&c->tick, NULL);
        uv_close((uv_handle_t *)&c->grace, NULL);
        fetcher_free(c->fetcher);
        uv_run(&c->loop, UV_RUN_DEFAULT);
    }
    if (c->loop_ready) {
        int rc = uv_loop_close(&c->loop);
        if (rc != 0)
            log_error("uv_loop_close: %s", uv_strerror(rc));
    }
    frontier_free(c->frontier);
    frontier_free(c->datasets);
    urlset_free(c->redirected);
    api_free_all(c);
    json_decref(c->spent);
    json_decref(c->walked);
    json_decref(c->nearer);
    prescan_links_cleanup(&c->scan);
    while (c->pool) {
        struct doc_job *j = c->pool;
        c->pool = j->pool_next;
        free(j);
    }
    uv_mutex_destroy(&c->pool_lock);
    free(c);
}
