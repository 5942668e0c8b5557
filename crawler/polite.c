/* SPDX-License-Identifier: MIT */
/* Being a good citizen: robots.txt fetched once per host before anything
 * else and honoured (Disallow, Crawl-delay as a per-host spacing), retries
 * of transient failures with exponential backoff, jitter and Retry-After
 * (a 429 also slows its host down for the rest of the run), and
 * credentials sent only to the hosts they were given for. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/crawler-int.h"
#include "crawler/retry.h"
#include "crawler/robots.h"
#include "src/err.h"
#include "src/log.h"
#include "src/url.h"
#include "src/xalloc.h"

/* The spacing of a host that answered 429, for the rest of the run. */
#define SLOWED_MS 1000
/* Documents of one host in a row whose last try failed as a retry would
 * (a 5xx, a timeout, a refused connection) before the host's others are
 * not asked for this run: each costs its retries' backoff, and a host
 * that is down or overloaded would otherwise take hours of them. */
#define HOST_FAILING_MAX 8

/* What the crawler knows of one host. */
struct host_rules {
    bool is_ready;         /* robots.txt read (or not to be read) */
    bool is_borrowed;      /* robots belongs to the run's crawler_hosts */
    struct robots *robots; /* NULL: allow all */
    char *unreachable;     /* why robots.txt could not be read, or NULL */
    /* robots.txt failed for TLS (SM_E_TLS): every document of the host
     * would, with the same reason. */
    bool is_tls;
    /* Whether --header goes to this host, once looked up: the list of
     * hosts may be as long as a seeds file. */
    bool is_creds_known, has_creds;
    /* Documents in a row that failed after their retries, and the last
     * one's failure (polite_outcome()). */
    int failing;
    int failing_rc;
    long failing_status;
    char *failing_reason;
};

void polite_host_free(void *p)
{
    struct host_rules *hr = p;
    if (!hr)
        return;
    if (!hr->is_borrowed)
        robots_free(hr->robots);
    free(hr->unreachable);
    free(hr->failing_reason);
    free(hr);
}

/* One host as the run knows it (crawler_hosts). */
struct host_memo {
    char *key;             /* frontier_host_key() */
    bool has_robots;       /* robots.txt read: robots and unreachable */
    struct robots *robots; /* owned */
    char *unreachable;
    bool is_tls;    /* host_rules.is_tls */
    bool is_slowed; /* answered 429 */
};

struct crawler_hosts {
    struct host_memo *v;
    size_t n, cap;
};

struct crawler_hosts *crawler_hosts_new(void)
{
    return xcalloc(1, sizeof(struct crawler_hosts));
}

void crawler_hosts_free(struct crawler_hosts *hs)
{
    if (!hs)
        return;
    for (size_t i = 0; i < hs->n; i++) {
        free(hs->v[i].key);
        robots_free(hs->v[i].robots);
        free(hs->v[i].unreachable);
    }
    free(hs->v);
    free(hs);
}

/* The run's memo of e's host; a new one when is_new and there is none;
 * NULL without a crawler_hosts. A linear search, once per host and crawl:
 * a run meets hundreds of hosts, not millions. */
static struct host_memo *host_memo(struct crawler *c,
                                   const struct frontier_entry *e, bool is_new)
{
    struct crawler_hosts *hs = c->opt.hosts;
    if (!hs)
        return NULL;
    const char *key = frontier_host_key(e);
    for (size_t i = 0; i < hs->n; i++)
        if (strcmp(hs->v[i].key, key) == 0)
            return &hs->v[i];
    if (!is_new)
        return NULL;
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? 2 * hs->cap : 16;
        hs->v = xrealloc(hs->v, hs->cap * sizeof(*hs->v));
    }
    struct host_memo *m = &hs->v[hs->n++];
    memset(m, 0, sizeof(*m));
    m->key = xstrdup(key);
    return m;
}

/* Hand the robots.txt just read for hr's host over to the run's memo, so
 * that a later crawl of the run does not read it again. */
static void remember_robots(struct crawler *c, const struct frontier_entry *e,
                            struct host_rules *hr)
{
    struct host_memo *m = host_memo(c, e, true);
    if (!m)
        return;
    robots_free(m->robots);
    free(m->unreachable);
    m->robots = hr->robots;
    m->unreachable = hr->unreachable ? xstrdup(hr->unreachable) : NULL;
    m->is_tls = hr->is_tls;
    m->has_robots = true;
    hr->is_borrowed = true;
}

static const char *agent_token(void)
{
    return PACKAGE_NAME;
}

/* The path and query of an http(s) URL, "/" when it has none. */
static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p ? p : "/";
}

static bool wants_robots(const struct crawler *c,
                         const struct frontier_entry *e)
{
    enum url_scheme s = url_scheme_of(e->url);
    return !c->opt.ignore_robots &&
           (s == URL_SCHEME_HTTP || s == URL_SCHEME_HTTPS);
}

/* First request to a host: queue its robots.txt in front of everything and
 * hold the host until it is read. */
static void fetch_robots(struct crawler *c, struct frontier_entry *e)
{
    struct host_rules *hr = xcalloc(1, sizeof(*hr));
    frontier_set_host_data(e, hr);
    char *url = xasprintf("%s/robots.txt", frontier_host_key(e));
    char *norm = NULL;
    frontier_host_hold(c->frontier, e, true);
    frontier_unpop(c->frontier, e);
    if (url_normalize(url, &norm) == 0)
        frontier_push_again(c->frontier, norm, e->source, e->depth,
                            FRONTIER_F_FIRST | FRONTIER_F_LEAF, NULL);
    else
        hr->is_ready = true; /* cannot even name it: allow */
    free(url);
    free(norm);
}

/* Space a host as an earlier crawl of the run left it: the spacing of a
 * 429 or of its Crawl-delay, counted from now (when that crawl's last
 * request went out is not known here: at most one spacing is lost). */
static void recall_spacing(struct crawler *c, struct frontier_entry *e,
                           const struct host_memo *m)
{
    long spacing = robots_crawl_delay_ms(m->robots);
    if (m->is_slowed && spacing < SLOWED_MS)
        spacing = SLOWED_MS;
    if (spacing > 0)
        frontier_host_slow(c->frontier, e, spacing,
                           (int64_t)uv_now(&c->loop) + spacing);
}

/* The first entry of its host in this crawl: what an earlier crawl of the
 * run learnt of the host holds (a 429's slowdown, its robots.txt and
 * Crawl-delay), else its robots.txt is read first. NULL when e must wait
 * for that. */
static struct host_rules *first_of_host(struct crawler *c,
                                        struct frontier_entry *e)
{
    struct host_memo *m = host_memo(c, e, false);
    if (m)
        recall_spacing(c, e, m);
    if (wants_robots(c, e) && !(m && m->has_robots)) {
        fetch_robots(c, e);
        return NULL;
    }
    struct host_rules *hr = xcalloc(1, sizeof(*hr));
    hr->is_ready = true;
    if (wants_robots(c, e)) {
        hr->is_borrowed = true;
        hr->robots = m->robots;
        hr->unreachable = m->unreachable ? xstrdup(m->unreachable) : NULL;
        hr->is_tls = m->is_tls;
    }
    frontier_set_host_data(e, hr);
    return hr;
}

bool polite_admit(struct crawler *c, struct frontier_entry *e)
{
    if (e->flags & FRONTIER_F_FIRST)
        return true;
    struct host_rules *hr = frontier_host_data(e);
    if (!hr && !(hr = first_of_host(c, e)))
        return false;
    if (hr->failing >= HOST_FAILING_MAX) {
        char *why = xasprintf("not fetched: its host failed %d documents in "
                              "a row after their retries (the last: %s); "
                              "asked again next run",
                              hr->failing, hr->failing_reason);
        crawler_report_failure(c, e, hr->failing_rc, hr->failing_status, why);
        free(why);
        crawler_drop(c, e);
        return false;
    }
    if (!wants_robots(c, e))
        return true;
    if (hr->is_tls) {
        /* Not a matter of robots.txt: the host's certificate (or our TLS
         * settings) failed, and the document would fail the same way. */
        crawler_report_failure(c, e, SM_E_TLS, 0, hr->unreachable);
        crawler_drop(c, e);
        return false;
    }
    if (!hr->is_ready || !hr->robots ||
        robots_allowed(hr->robots, path_of(e->url)))
        return true;
    c->stats.robots_blocked++;
    if (hr->unreachable) {
        /* Say why: "blocked by robots.txt" would hide a dead host. */
        char *why = xasprintf("not fetched: robots.txt unreachable (%s), "
                              "which RFC 9309 reads as disallowing all "
                              "(--ignore-robots to override)",
                              hr->unreachable);
        crawler_report_failure(c, e, SM_E_DENIED, 0, why);
        free(why);
    } else {
        crawler_report_failure(c, e, SM_E_DENIED, 0, CRAWLER_ROBOTS_BLOCKED);
    }
    crawler_drop(c, e);
    return false;
}

/* RFC 9309 2.3.1: a 2xx file is parsed; 4xx (none) allows all, and so
 * do redirects that lead nowhere (2.3.1.2: a loop, too many, a target
 * refused, read as unavailable, as Google does); a server or network
 * error means "assume complete disallow", and *unreachable (new string)
 * then says why. */
static struct robots *robots_from(const struct fetch_result *r, long *delay,
                                  char **unreachable)
{
    *delay = 0;
    *unreachable = NULL;
    if (r->rc == 0) {
        struct robots *rb = robots_parse(r->body, r->body_len, agent_token());
        *delay = robots_crawl_delay_ms(rb);
        return rb;
    }
    if (r->http_status >= 400 && r->http_status < 500)
        return robots_new_allow_all();
    if (r->rc == SM_E_HTTP && r->http_status >= 300 && r->http_status <= 399) {
        log_warn("%s: %s: read as unavailable, which allows all (RFC 9309)",
                 r->url, r->reason);
        return robots_new_allow_all();
    }
    /* A TLS failure is said by every document of the host instead. */
    if (r->rc != SM_E_TLS)
        log_warn("%s: %s: assuming the host disallows crawling (RFC 9309)",
                 r->url, r->reason);
    *unreachable = r->rc == SM_E_HTTP && r->http_status
                       ? xasprintf("HTTP %ld", r->http_status)
                       : xstrdup(r->reason && *r->reason ? r->reason : "error");
    return robots_new_disallow_all();
}

bool polite_robots_done(struct crawler *c, struct frontier_entry *e,
                        const struct fetch_result *r)
{
    if (!(e->flags & FRONTIER_F_FIRST))
        return false;
    struct host_rules *hr = frontier_host_data(e);
    long delay;
    c->stats.robots_fetched++;
    if (hr) {
        if (!hr->is_borrowed)
            robots_free(hr->robots);
        free(hr->unreachable);
        hr->is_borrowed = false;
        hr->robots = robots_from(r, &delay, &hr->unreachable);
        /* Only the host's own TLS: one robots.txt redirected to (another
         * host's, another port's) says nothing of this host's. */
        hr->is_tls = r->rc == SM_E_TLS && r->redirects == 0;
        hr->is_ready = true;
        if (delay > 0)
            frontier_host_slow(c->frontier, e, delay, 0);
        remember_robots(c, e, hr);
    }
    frontier_host_hold(c->frontier, e, false);
    frontier_done(c->frontier, e);
    return true;
}

/* ---------------------------------------------------------------- retry */

/* xorshift64*: jitter needs no quality, only to differ between hosts. */
static double next_random(struct crawler *c)
{
    uint64_t x = c->rand_state ? c->rand_state : 0x9e3779b97f4a7c15ULL;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rand_state = x;
    return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static void retry_insert(struct crawler *c, struct frontier_entry *e)
{
    struct frontier_entry **p = &c->retry_head;
    while (*p && (*p)->due <= e->due)
        p = &(*p)->next;
    e->next = *p;
    *p = e;
}

bool polite_retry(struct crawler *c, struct frontier_entry *e,
                  const struct fetch_result *r)
{
    /* A file that cannot be read now will not be readable in a second:
     * only network failures are worth another try. */
    if (!retry_is_retryable(r->rc, r->http_status) ||
        url_scheme_of(e->url) == URL_SCHEME_FILE)
        return false;
    int64_t now = (int64_t)uv_now(&c->loop);
    long wait = retry_backoff_ms(e->attempts + 1, c->opt.retry_base_ms,
                                 c->opt.retry_max_ms, next_random(c));
    long told;
    if (r->retry_after &&
        retry_after_parse(r->retry_after, (int64_t)time(NULL),
                          c->opt.retry_max_ms, &told) == 0 &&
        told > wait)
        wait = told;
    bool is_asked =
        r->http_status == 429 || (r->http_status == 503 && r->retry_after);
    if (is_asked) {
        /* The server asked for less: wait as told, and for a 429 keep the
         * host slower for the rest of the run. Its other documents wait
         * too, also when this one is not tried again (--retries 0, or its
         * last try). */
        long spacing = r->http_status == 429 ? SLOWED_MS : 0;
        frontier_host_slow(c->frontier, e, spacing, now + wait);
        struct host_memo *m =
            r->http_status == 429 ? host_memo(c, e, true) : NULL;
        if (m)
            m->is_slowed = true;
    }
    if (c->stopping || e->attempts >= c->opt.retries)
        return false;
    /* Any other answer of the server saying it is in trouble (408, 5xx):
     * its other documents wait with this one's retry, or they would take
     * the slots it frees at once and the backoff would spare the host
     * nothing. */
    if (!is_asked && r->rc == SM_E_HTTP)
        frontier_host_slow(c->frontier, e, 0, now + wait);
    e->attempts++;
    e->due = now + wait;
    c->stats.retries++;
    crawler_uncount(c, e); /* it counts again when it starts again */
    log_info("%s: %s; retry %d in %ld ms", e->url, r->reason, e->attempts,
             wait);
    frontier_release(c->frontier, e);
    retry_insert(c, e);
    return true;
}

void polite_outcome(struct crawler *c, const struct frontier_entry *e,
                    const struct fetch_result *r)
{
    struct host_rules *hr = frontier_host_data(e);
    if (!hr || (e->flags & FRONTIER_F_FIRST))
        return;
    if (r->rc == 0 || !retry_is_retryable(r->rc, r->http_status) ||
        url_scheme_of(e->url) == URL_SCHEME_FILE) {
        hr->failing = 0; /* the host answers */
        return;
    }
    if (hr->failing++ == HOST_FAILING_MAX - 1)
        log_warn("%s: %d documents in a row failed after their retries: "
                 "the host's others are not asked for this run",
                 e->url, HOST_FAILING_MAX);
    hr->failing_rc = r->rc;
    hr->failing_status = r->http_status;
    free(hr->failing_reason);
    hr->failing_reason = xstrdup(r->reason ? r->reason : "");
}

int64_t polite_due(struct crawler *c, int64_t now)
{
    while (c->retry_head && c->retry_head->due <= now) {
        struct frontier_entry *e = c->retry_head;
        c->retry_head = e->next;
        frontier_requeue(c->frontier, e, true);
    }
    int64_t host = frontier_next_wake(c->frontier);
    int64_t retry = c->retry_head ? c->retry_head->due : -1;
    if (host < 0)
        return retry;
    if (retry < 0)
        return host;
    return host < retry ? host : retry;
}

size_t polite_drop_retries(struct crawler *c)
{
    size_t n = 0;
    while (c->retry_head) {
        struct frontier_entry *e = c->retry_head;
        c->retry_head = e->next;
        frontier_discard(c->frontier, e);
        n++;
    }
    return n;
}

const char *const *polite_credentials(const struct crawler *c,
                                      const struct frontier_entry *e)
{
    if (!c->opt.headers || !c->opt.header_hosts)
        return NULL;
    struct host_rules *hr = frontier_host_data(e);
    if (hr && hr->is_creds_known)
        return hr->has_creds ? c->opt.headers : NULL;
    const char *key = frontier_host_key(e);
    bool has = false;
    for (size_t i = 0; c->opt.header_hosts[i] && !has; i++)
        has = strcmp(c->opt.header_hosts[i], key) == 0;
    if (hr) {
        hr->is_creds_known = true;
        hr->has_creds = has;
    }
    return has ? c->opt.headers : NULL;
}
