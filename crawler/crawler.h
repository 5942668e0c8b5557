/* SPDX-License-Identifier: MIT */
/* The crawler: owns the libuv loop, the fetcher and the frontier, walks
 * static STAC catalogs from their seeds, and reports every document (or its
 * failure) through hooks. It knows nothing of the index: main.c wires the
 * hooks to it. */
#ifndef CRAWLER_CRAWLER_H
#define CRAWLER_CRAWLER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "crawler/stac.h"

struct crawler;

struct crawler_options {
    int concurrency;     /* transfers in flight, all hosts (>= 1) */
    int per_host;        /* transfers in flight per host (>= 1) */
    int max_depth;       /* link distance from a seed; < 0 = no limit */
    long max_docs;       /* documents to start: not robots.txt, not a
                            redirect hop, not a retry; <= 0 = none */
    size_t max_doc_size; /* bytes */
    long connect_timeout_ms;
    long stall_timeout_s;
    long timeout_ms; /* per document, 0 = none */
    long max_redirects;
    const char *user_agent;
    bool dataset_items; /* also read a dataset's item links (one level) */
    /* STAC APIs */
    int sample;      /* items sampled from an undeclared collection */
    int page_size;   /* the limit sent for item pages */
    long max_pages;  /* pages per pagination chain */
    bool exhaustive; /* walk every item of every collection */
    /* Politeness and faults */
    double rate;                /* requests per second per host, 0 = no limit */
    int retries;                /* retries of a transient failure */
    long retry_base_ms;         /* first backoff delay */
    long retry_max_ms;          /* cap of a backoff or a Retry-After wait */
    bool ignore_robots;         /* do not fetch or honour robots.txt */
    const char *const *headers; /* credentials, "Name: value" */
    const char *const *header_hosts; /* host keys they go to */
    bool insecure, netrc, no_private;
    /* TLS trust as curl's --cacert and --capath: NULL for the default */
    const char *cacert, *capath;
    /* Surveys (discovery): read a source cheaply, without walking it. */
    bool survey;         /* APIs: sample every collection, walk none */
    int item_sample;     /* static: item links followed per document, 0 =
                            all */
    long source_budget;  /* requests per source, 0 = no limit */
    long source_time_ms; /* crawl time per source, 0 = no limit */
    /* What earlier crawls of the same run learnt of their hosts, and what
     * this one learns, for the next (a survey, then a harvest); NULL: the
     * crawl starts from nothing. */
    struct crawler_hosts *hosts;
    /* How to send the filtered search: 0 = as the conformance suggests
     * (GET with CQL2 text unless only CQL2 JSON is offered), 'G' = GET,
     * 'P' = POST with CQL2 JSON. */
    char search_method;
};

/* What one run knows of its hosts across its crawls: each host's
 * robots.txt as read (so that it is read once a run) and whether it
 * answered 429 (it stays slowed for the rest of the run). Owned by the
 * caller; free it after the last crawl that uses it. */
struct crawler_hosts;
struct crawler_hosts *crawler_hosts_new(void);
void crawler_hosts_free(struct crawler_hosts *hs);

/* Extension bits a document hook returns; the same values as the index's
 * EXT_* flags, so main.c passes detect_document()'s result through. */
enum crawler_ext {
    CRAWLER_EXT_ML_MODEL = 1u << 0,
    CRAWLER_EXT_DLM = 1u << 1,
    CRAWLER_EXT_MLM = 1u << 2,
};
#define CRAWLER_EXT_ALL                                                        \
    (CRAWLER_EXT_ML_MODEL | CRAWLER_EXT_DLM | CRAWLER_EXT_MLM)

/* Fill opt with the defaults (concurrency 32, per-host 4, ...). */
void crawler_options_default(struct crawler_options *opt);

struct fetch_options;
/* The fetcher's options that opt gives (timeouts, sizes, TLS, --netrc,
 * --no-private...): those of every request of a crawl, and of a request
 * made beside one (a registry), for one transfer at a time. */
void crawler_fetch_options(const struct crawler_options *opt,
                           struct fetch_options *fo);

/* One document that was fetched and parsed. Valid during the hook only. */
struct crawler_doc {
    const char *url;    /* canonical URL (the one requested, normalised) */
    const char *source; /* seed whose crawl reached it */
    int depth;
    enum stac_kind kind;
    /* Borrowed. NULL for a plain Item (prescan.h): one that holds nothing
     * the hooks read, delivered without a tree; may be NULL too in the
     * document hook when prepared is not: the prepare hook read it. */
    const json_t *json;
    size_t size; /* bytes of the body (0 for embedded features) */
    long http_status;
    const char *etag;          /* NULL if none */
    const char *last_modified; /* NULL if none */
    bool embedded;             /* a feature inside an item page */
    bool dataset;              /* reached through a training-data link */
    bool is_api;               /* an API landing page */
    /* The links the crawl follows from it, "rel\turl\n" lines (NULL when
     * none): kept by the caller, they let a later run that gets a 304, or
     * resumes, walk on below the document without fetching it. */
    const char *links;
    /* What the prepare hook made of this document, or NULL: lent to the
     * document hook, discarded by the crawler afterwards. */
    void *prepared;
};

/* What the caller remembers of a URL from earlier fetches. */
struct crawler_prior {
    const char *etag;          /* for If-None-Match, or NULL */
    const char *last_modified; /* for If-Modified-Since, or NULL */
    const char *links;         /* crawler_doc.links as stored, or NULL */
    bool is_model;
    bool is_dataset; /* a dataset record was made of it */
    bool is_done;    /* fetched already in the run being resumed */
    /* Read moments ago by an earlier crawl of this run (a registry's
     * survey): not asked for again, walked on from as after a 304. */
    bool is_fresh;
};

/* The reason of a document that robots.txt disallows (not of one kept
 * out because robots.txt could not be read): a harvest tells it from
 * other refusals by it. */
#define CRAWLER_ROBOTS_BLOCKED                                                 \
    "blocked by robots.txt (--ignore-robots to override)"

struct crawler_failure {
    const char *url;
    const char *source;
    int rc;           /* SM_E_* */
    long http_status; /* 0 if no response */
    const char *reason;
    bool dataset; /* a training-data link target: not the crawl's fault */
    bool is_seed; /* a seed, or the target of its redirects */
};

struct crawler_stats;

struct crawler_hooks {
    void *ctx;
    /* Every STAC document. Return the model extensions it uses or declares
     * (CRAWLER_EXT_* bits, 0 when none), or a negative SM_E_* when the
     * document could not be stored: the crawl then stops (the index is
     * unusable). */
    int (*document)(void *ctx, const struct crawler_doc *doc);
    /* May be NULL. Called for most documents before the document hook,
     * on the worker thread that reads documents beside the loop, with
     * the same crawler_doc but prepared: whatever it returns is handed to
     * the document hook as doc->prepared, in the loop thread. It may run
     * at the same time as any other hook, so it must only read what no
     * hook writes. discard frees a result once the document hook is done
     * with it, on whichever thread suits the crawler. */
    void *(*prepare)(void *ctx, const struct crawler_doc *doc);
    void (*discard)(void *ctx, void *prepared);
    /* Every document that could not be fetched, parsed or recognised. */
    void (*failure)(void *ctx, const struct crawler_failure *fail);
    /* What is known of url from earlier runs: fill *p (its strings stay
     * valid until the next call) and return true, or return false. With
     * it the crawler sends conditional requests and resumes runs. May be
     * NULL. */
    bool (*prior)(void *ctx, const char *url, struct crawler_prior *p);
    /* A document that answered 304 Not Modified or was not asked for
     * again being fresh (is_resumed false), or one fetched already in the
     * run being resumed (is_resumed true): what was recorded for it still
     * holds. May be NULL. */
    void (*unchanged)(void *ctx, const char *url, const char *source,
                      bool is_model, bool is_resumed);
    /* A document of source came in: fetched with a body, answered 304,
     * or fetched already by the run being resumed (robots.txt files and
     * failures are not counted). May be NULL. */
    void (*fetched)(void *ctx, const char *source);
    /* Called about twice a second while the crawl runs, with the counters
     * so far and the documents still queued. May be NULL. */
    void (*progress)(void *ctx, const struct crawler_stats *st, size_t queued);
    /* A source reached its request budget: its remaining documents are
     * dropped. Called once per source. May be NULL. */
    void (*budget)(void *ctx, const char *source);
    /* The first SIGINT or SIGTERM arrived: the crawl winds down (the
     * transfers in flight get a few seconds); a good moment to commit
     * what is done, as a second signal exits at once. May be NULL. */
    void (*interrupted)(void *ctx);
    /* A link of a document of source was not followed because of
     * --max-depth: the source was not crawled completely. Called for every
     * such link. May be NULL. */
    void (*depth_limited)(void *ctx, const char *source);
    /* Part of a document of source was left unread (why says what): what
     * it holds is unknown, so the source was not crawled completely.
     * Called for every such document. May be NULL. */
    void (*held)(void *ctx, const char *source, const char *why);
    /* A link of a document of source leads to a document that owner
     * reached first: what lies below it is walked as owner's, so source
     * is crawled completely only if owner is. Called once per pair, after
     * crawler_track_sources(). May be NULL. */
    void (*shared)(void *ctx, const char *source, const char *owner);
    /* A training-data link whose target the walk already fetched: return
     * true to have it fetched again as a dataset (its dataset record could
     * not be made the first time). May be NULL. */
    bool (*refetch_dataset)(void *ctx, const char *url);
    /* A training-data link's target answered with a redirect to to, which
     * is fetched next (each hop of a chain in turn). May be NULL. */
    void (*dataset_moved)(void *ctx, const char *from, const char *to);
};

struct crawler_stats {
    size_t fetched;         /* transfers finished with a body */
    size_t unchanged;       /* 304 Not Modified */
    size_t resumed;         /* not fetched again: done in the run resumed */
    size_t reused;          /* not fetched again: fresh (crawler_prior) */
    size_t failed;          /* failures reported (dataset links not counted) */
    size_t datasets_failed; /* training-data links that failed */
    size_t unreadable;      /* of these two, fetched with a body (also in
                               fetched) that could not be read */
    size_t documents;       /* STAC documents handed to the document hook */
    size_t models;          /* of which model records */
    size_t bytes;
    size_t queued_left; /* not fetched because of --max-docs or a stop */
    size_t links_rejected;
    size_t prescanned;       /* plain Items delivered without a JSON tree */
    size_t plain_containers; /* Catalogs, Collections: links, no tree */
    size_t retries;          /* retries made */
    size_t robots_blocked;   /* documents robots.txt refused */
    size_t robots_fetched;   /* robots.txt files read */
    size_t budget_dropped;   /* not fetched: their source's budget ran out */
    size_t depth_dropped;    /* links not followed: past --max-depth */
    bool interrupted;
    bool hook_error;
};

/* How one STAC API was harvested, for the summary. */
struct crawler_api_report {
    const char *url;        /* landing page */
    const char *source;     /* seed */
    const char *strategy;   /* "filter", "per-collection" or "exhaustive" */
    const char *filter;     /* the filter sent, or NULL */
    size_t collections;     /* collections listed */
    size_t walked_declared; /* walked because they declare a model ext */
    size_t walked_sampled;  /* walked because their sample held a model */
    size_t skipped_sampled; /* sampled, no model, not walked */
    size_t sampled_whole;   /* read whole by their sample (no page after) */
    size_t sample_failed;   /* their sample failed or stopped short */
    size_t covered;         /* not walked: the filtered search covers them */
    size_t walked_all;      /* walked by --exhaustive */
    size_t pages;           /* item and search pages fetched */
    const json_t *warnings; /* array of strings */
    size_t held;            /* how many of them left part of the API unread */
};

/* Call cb for every STAC API the crawl met, after crawler_run(). */
void crawler_foreach_api(const struct crawler *c,
                         void (*cb)(void *ctx,
                                    const struct crawler_api_report *r),
                         void *ctx);

/* Create a crawler. Returns 0 and *out, or an SM_E_* code. */
int crawler_new(const struct crawler_options *opt,
                const struct crawler_hooks *hooks, struct crawler **out);

/* Add a seed: a normalised absolute http(s) or file URL. A seed is its own
 * source. Returns 1 when queued, 0 when already seen, or SM_E_URL. */
int crawler_add_seed(struct crawler *c, const char *url);

/* Tell the shared hook of links from one source into what another
 * reached first. Call before the seeds are added; only worth its memory
 * (a hash of every URL more) with more than one seed. */
void crawler_track_sources(struct crawler *c);

/* Run until the frontier is exhausted, a limit is hit or stop is asked for.
 * Returns 0, or an SM_E_* code for a loop or hook failure. */
int crawler_run(struct crawler *c);

/* Ask a running crawler to stop taking new work (signal-safe to call from
 * a libuv signal handler). In-flight transfers finish. */
void crawler_stop(struct crawler *c);

const struct crawler_stats *crawler_get_stats(const struct crawler *c);

/* Free the crawler. crawler_free(NULL) is a no-op. */
void crawler_free(struct crawler *c);

#endif
