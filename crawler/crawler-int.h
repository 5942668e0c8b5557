/* SPDX-License-Identifier: MIT */
/* What crawler.c and api.c share: the crawler itself, the request attached
 * to a frontier entry for STAC API calls, and the few crawler.c functions
 * the API walk calls back into. Nothing outside crawler/ includes this. */
#ifndef CRAWLER_CRAWLER_INT_H
#define CRAWLER_CRAWLER_INT_H

#include <stdbool.h>
#include <uv.h>
#include <jansson.h>

#include "crawler/crawler.h"
#include "crawler/fetch.h"
#include "crawler/frontier.h"
#include "crawler/prescan.h"

struct api;
struct chain;

/* What an API request is for; plain documents carry no request. */
enum req_kind {
    REQ_CONFORMANCE = 1, /* /conformance, when the landing page lacks it */
    REQ_QUERYABLES,      /* /queryables: can the server filter on models? */
    REQ_COLLECTIONS,     /* a page of /collections */
    REQ_ITEMS,           /* a page of /collections/{id}/items or /search */
    REQ_CHILDREN,        /* a page of /children (children extension) */
};

/* Attached to a frontier entry (its data) for API calls; freed with it. */
struct request {
    enum req_kind kind;
    char *method;        /* NULL or "GET", or "POST" */
    char *body;          /* JSON text of a POST body */
    char **headers;      /* NULL-terminated "Name: value" lines, or NULL */
    struct api *api;     /* counted reference */
    struct chain *chain; /* counted reference; NULL outside pagination */
};

/* A copy of API request r (struct request) for the target of a redirect
 * with status: 301, 302 and 303 turn a POST into a GET without a body, as
 * browsers and curl do; 307 and 308 keep it. */
void *api_request_redirected(const void *r, long status);

struct crawler {
    struct crawler_options opt;
    struct crawler_hooks hooks;
    uv_loop_t loop;
    bool loop_ready;
    struct fetcher *fetcher;
    struct frontier *frontier;
    /* Training-data links wait here until the walk is done, so a dataset
     * that is also part of the tree is always walked, whatever order the
     * responses came in. Unique per URL, like the frontier. */
    struct frontier *datasets;
    /* URLs that answered with a redirect: a chain that comes back to one
     * may be going round a loop. */
    struct urlset *redirected;
    struct api *apis; /* every API met, for the report */
    /* Entries waiting for a retry, sorted by due time (linked by next). */
    struct frontier_entry *retry_head;
    uv_timer_t wake;  /* fires when a host or a retry becomes due */
    uv_timer_t tick;  /* the progress hook */
    uv_timer_t grace; /* after a signal: ends the transfers still running */
    json_t *spent;    /* source -> requests started, with a budget */
    /* --max-depth only: URL -> the depth its links were pushed from, and
     * URL -> the shortest link to it met before it was walked. */
    json_t *walked, *nearer;
    size_t n_held;        /* documents left partly unread (hold_source()) */
    const char *held_why; /* the last one's reason, while it is applied */
    uint64_t rand_state;
    uv_signal_t sig_int, sig_term;
    int signals_seen;
    struct crawler_stats stats;
    struct worker *worker; /* reads bodies beside the loop; NULL: in line */
    size_t job_bytes;      /* body bytes handed to it and not yet applied */
    uv_mutex_t pool_lock;  /* job blocks given back (job_block()) */
    struct doc_job *pool;
    size_t pool_bytes;
    struct prescan_links scan; /* the last plain container's links */
    long started;
    bool stopping;
    bool finished;
    int rc;
};

/* crawler.c: count and report a document that failed. */
void crawler_report_failure(struct crawler *c, const struct frontier_entry *e,
                            int rc, long status, const char *reason);

/* crawler.c: hand a document to the document hook; returns its extension
 * bits (0 when not a model). */
unsigned crawler_deliver(struct crawler *c, const struct crawler_doc *d);

/* crawler.c: deliver the features of an item page; returns the union of
 * their extension bits and sets *n to their number. */
unsigned crawler_features(struct crawler *c, const struct frontier_entry *e,
                          const json_t *doc, const char *page_url, size_t *n);

/* --max-docs counts documents, not requests: a redirect hop or a retry
 * gives back the count e took when it started. */
void crawler_uncount(struct crawler *c, const struct frontier_entry *e);

/* Done with e without starting it (refused, dropped, reused): one that a
 * redirect or a retry led to takes back the count given back for it, so
 * that a chain of requests counts as one document however it ends. */
void crawler_drop(struct crawler *c, struct frontier_entry *e);

/* polite.c: robots.txt, retries, credentials */
/* Called for each popped entry: true when it may start now; false when it
 * was taken care of (put back behind its host's robots.txt, or refused by
 * robots.txt and reported). */
bool polite_admit(struct crawler *c, struct frontier_entry *e);
/* A finished robots.txt fetch: true when e was one (and is now done). */
bool polite_robots_done(struct crawler *c, struct frontier_entry *e,
                        const struct fetch_result *r);
/* A failed fetch: true when e was scheduled for a retry (the caller must
 * not report or free it). A 429, or a 503 with Retry-After, slows its host
 * down whether e is tried again or not. */
/* After a document's last try (retried no more): a host whose documents
 * fail as retries would, HOST_FAILING_MAX in a row, is not asked for its
 * others this run (polite_admit() fails them, saying why). */
void polite_outcome(struct crawler *c, const struct frontier_entry *e,
                    const struct fetch_result *r);
bool polite_retry(struct crawler *c, struct frontier_entry *e,
                  const struct fetch_result *r);
/* Requeue the retries due at now; returns the earliest time still to wait
 * for (a retry or a host's spacing), -1 when nothing waits. */
int64_t polite_due(struct crawler *c, int64_t now);
/* Credential headers for e's host, or NULL. */
const char *const *polite_credentials(const struct crawler *c,
                                      const struct frontier_entry *e);
/* Free the entries still waiting for a retry. */
size_t polite_drop_retries(struct crawler *c);
void polite_host_free(void *p);

/* api.c */
void request_free(void *p);
/* A document that is an API landing page (conformsTo): start its walk. */
void api_start(struct crawler *c, const struct frontier_entry *e,
               const json_t *doc, const char *base);
/* The response to an API request. */
void api_handle(struct crawler *c, const struct frontier_entry *e,
                const json_t *doc, const char *base);
/* Why the response doc to a request for a page of a list (collections,
 * items, children) is no such page, in words for its failure (written to
 * why, n bytes): it lacks the list, as an error answered with a 200
 * does. False when it is a page (its list maybe null: empty). */
bool api_page_problem(const struct frontier_entry *e, const json_t *doc,
                      char *why, size_t n);
/* A first page of items refused for its limit (HTTP 400 or 422: a
 * server whose maximum page size is below the one asked for, that refuses
 * it instead of answering as if given its maximum, EXTENSIONS.md 7.7):
 * asked again without a limit, once. True when it was (no failure). */
bool api_retry_without_limit(struct crawler *c, const struct frontier_entry *e,
                             long status);
/* An API request about to be sent that asks for a first page of items
 * with a limit the API refused already (queued before the refusal came):
 * queued again without the limit. True when it was (e is then dropped
 * unsent). */
bool api_queued_without_limit(struct crawler *c,
                              const struct frontier_entry *e);
/* An API request answered 404 or 410 at an endpoint the landing page
 * does not link, whose place the walk guessed ({landing}/collections,
 * /queryables or /search): the API has no such endpoint, which is no
 * failure of the API's (NASA's CMR-STAC root declares the Features
 * class but lists its providers as child links alone). Said, and the
 * walk goes on without it. True when it was (no failure). */
bool api_guess_absent(struct crawler *c, const struct frontier_entry *e,
                      long status);
/* An API request that failed for reason (after the failure was
 * reported). */
void api_failed(struct crawler *c, const struct frontier_entry *e,
                const char *reason);
void api_free_all(struct crawler *c);

#endif
