/* SPDX-License-Identifier: MIT */
/* Frontier: a seen-set of 64-bit URL hashes (src/urlset.h), per-host LIFO
 * queues, and a ring of hosts that can take work now. It does not fetch
 * anything and knows nothing of libcurl or libuv. */
#include <config.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/frontier.h"
#include "src/url.h"
#include "src/urlset.h"
#include "src/err.h"
#include "src/xalloc.h"

struct host {
    char *key;
    uint64_t hash;
    int in_flight;
    bool on_ring;
    bool is_held;    /* only FRONTIER_F_FIRST entries may start */
    size_t heap_pos; /* index in the sleep heap + 1, 0 when not in it */
    int64_t next_ok; /* earliest start of the next request, ms */
    long interval;   /* spacing between request starts, ms */
    void *data;      /* the caller's per-host state */
    struct frontier_entry *head, *tail; /* queued entries */
    struct host *ring_next;             /* ready ring link */
    struct host *bucket_next;           /* hosts hash chain */
};

/* Who pushed each URL first, kept when several sources share the
 * frontier (frontier_track_sources()): one table from a URL's hash
 * (urlset_hash()) to its source's number, open addressing with linear
 * probing at a load of at most 1/2, and the sources by name. Both are
 * looked up in constant time, however many sources a registry brings. */
struct owners {
    uint64_t *keys; /* 0: an empty slot */
    uint32_t *vals; /* the source's number, into names */
    size_t cap, n;
    json_t *index; /* source -> its number */
    char **names;
    size_t n_names, cap_names, last;
    struct urlset *told; /* "source\nowner" pairs reported */
    frontier_shared_fn *shared;
    void *ctx;
};

struct frontier {
    int per_host;
    struct urlset *seen;   /* every URL ever pushed */
    struct owners *owners; /* NULL unless sources are tracked */
    /* hosts: chained hash table */
    struct host **hosts;
    size_t hosts_cap, hosts_n;
    /* ready ring: FIFO of hosts with queued work and spare capacity */
    struct host *ring_head, *ring_tail;
    size_t queued, in_flight;
    void (*data_free)(void *);
    void (*host_data_free)(void *);
    long interval; /* default spacing for new hosts */
    /* hosts with work that must wait for next_ok: a min-heap on next_ok */
    struct host **heap;
    size_t heap_n, heap_cap;
};

static void owners_free(struct owners *o);

struct frontier *frontier_new(int per_host, long interval_ms)
{
    struct frontier *f = xcalloc(1, sizeof(*f));
    f->per_host = per_host > 0 ? per_host : 1;
    f->interval = interval_ms > 0 ? interval_ms : 0;
    f->seen = urlset_new();
    f->hosts_cap = 64;
    f->hosts = xcalloc(f->hosts_cap, sizeof(*f->hosts));
    return f;
}

static void entry_free(const struct frontier *f, struct frontier_entry *e)
{
    if (e->data)
        (f->data_free ? f->data_free : free)(e->data);
    free(e->url);
    free(e->source);
    free(e);
}

void frontier_free(struct frontier *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->hosts_cap; i++) {
        struct host *h = f->hosts[i];
        while (h) {
            struct host *next = h->bucket_next;
            struct frontier_entry *e = h->head;
            while (e) {
                struct frontier_entry *en = e->next;
                entry_free(f, e);
                e = en;
            }
            if (h->data && f->host_data_free)
                f->host_data_free(h->data);
            free(h->key);
            free(h);
            h = next;
        }
    }
    free(f->hosts);
    free(f->heap);
    urlset_free(f->seen);
    owners_free(f->owners);
    free(f);
}

bool frontier_seen(const struct frontier *f, const char *url)
{
    return urlset_has(f->seen, url);
}

static void hosts_grow(struct frontier *f)
{
    size_t cap = f->hosts_cap * 2;
    struct host **tab = xcalloc(cap, sizeof(*tab));
    for (size_t i = 0; i < f->hosts_cap; i++) {
        struct host *h = f->hosts[i];
        while (h) {
            struct host *next = h->bucket_next;
            size_t j = (size_t)h->hash & (cap - 1);
            h->bucket_next = tab[j];
            tab[j] = h;
            h = next;
        }
    }
    free(f->hosts);
    f->hosts = tab;
    f->hosts_cap = cap;
}

static struct host *host_get(struct frontier *f, const char *key)
{
    uint64_t hash = urlset_hash(key);
    size_t i = (size_t)hash & (f->hosts_cap - 1);
    for (struct host *h = f->hosts[i]; h; h = h->bucket_next)
        if (h->hash == hash && strcmp(h->key, key) == 0)
            return h;
    if (f->hosts_n + 1 > f->hosts_cap) {
        hosts_grow(f);
        i = (size_t)hash & (f->hosts_cap - 1);
    }
    struct host *h = xcalloc(1, sizeof(*h));
    h->interval = f->interval;
    h->key = xstrdup(key);
    h->hash = hash;
    h->bucket_next = f->hosts[i];
    f->hosts[i] = h;
    f->hosts_n++;
    return h;
}

static void ring_append(struct frontier *f, struct host *h)
{
    h->on_ring = true;
    h->ring_next = NULL;
    if (f->ring_tail)
        f->ring_tail->ring_next = h;
    else
        f->ring_head = h;
    f->ring_tail = h;
}

static struct host *ring_take(struct frontier *f)
{
    struct host *h = f->ring_head;
    if (!h)
        return NULL;
    f->ring_head = h->ring_next;
    if (!f->ring_head)
        f->ring_tail = NULL;
    h->on_ring = false;
    h->ring_next = NULL;
    return h;
}

static bool host_ready(const struct frontier *f, const struct host *h)
{
    return h->head && h->in_flight < f->per_host &&
           (!h->is_held || (h->head->flags & FRONTIER_F_FIRST));
}

/* ------------------------------------------------------ the sleep heap */

static void heap_swap(struct frontier *f, size_t i, size_t j)
{
    struct host *t = f->heap[i];
    f->heap[i] = f->heap[j];
    f->heap[j] = t;
    f->heap[i]->heap_pos = i + 1;
    f->heap[j]->heap_pos = j + 1;
}

static void heap_up(struct frontier *f, size_t i)
{
    while (i > 0 && f->heap[(i - 1) / 2]->next_ok > f->heap[i]->next_ok) {
        heap_swap(f, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(struct frontier *f, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < f->heap_n && f->heap[l]->next_ok < f->heap[m]->next_ok)
            m = l;
        if (r < f->heap_n && f->heap[r]->next_ok < f->heap[m]->next_ok)
            m = r;
        if (m == i)
            return;
        heap_swap(f, i, m);
        i = m;
    }
}

static void heap_push(struct frontier *f, struct host *h)
{
    if (h->heap_pos)
        return;
    if (f->heap_n == f->heap_cap) {
        f->heap_cap = f->heap_cap ? f->heap_cap * 2 : 16;
        f->heap = xrealloc(f->heap, f->heap_cap * sizeof(*f->heap));
    }
    f->heap[f->heap_n] = h;
    h->heap_pos = ++f->heap_n;
    heap_up(f, f->heap_n - 1);
}

static struct host *heap_pop(struct frontier *f)
{
    struct host *h = f->heap[0];
    heap_swap(f, 0, f->heap_n - 1);
    f->heap_n--;
    h->heap_pos = 0;
    if (f->heap_n)
        heap_down(f, 0);
    return h;
}

/* Make a host runnable again if it can take work: on the ring when it may
 * start now, in the heap when it must wait. */
static void host_wake(struct frontier *f, struct host *h)
{
    if (!h->on_ring && !h->heap_pos && host_ready(f, h))
        ring_append(f, h);
}

void frontier_track_sources(struct frontier *f, frontier_shared_fn *shared,
                            void *ctx)
{
    if (f->owners)
        return;
    f->owners = xcalloc(1, sizeof(*f->owners));
    f->owners->index = json_object();
    f->owners->told = urlset_new();
    f->owners->shared = shared;
    f->owners->ctx = ctx;
}

/* The number of source, given one when it is new. A document's links all
 * come from one source: the last one asked for is tried first. */
static uint32_t owner_of(struct owners *o, const char *source)
{
    if (o->last < o->n_names && strcmp(o->names[o->last], source) == 0)
        return (uint32_t)o->last;
    const json_t *at = json_object_get(o->index, source);
    if (at) {
        o->last = (size_t)json_integer_value(at);
        return (uint32_t)o->last;
    }
    if (o->n_names == o->cap_names) {
        o->cap_names = o->cap_names ? o->cap_names * 2 : 8;
        o->names = xrealloc(o->names, o->cap_names * sizeof(*o->names));
    }
    o->names[o->n_names] = xstrdup(source);
    json_object_set_new(o->index, source, json_integer((json_int_t)o->n_names));
    o->last = o->n_names++;
    return (uint32_t)o->last;
}

/* The slot of hash h: where it is, or the empty one it would take. */
static size_t owner_slot(const struct owners *o, uint64_t h)
{
    size_t i = (size_t)h & (o->cap - 1);
    while (o->keys[i] && o->keys[i] != h)
        i = (i + 1) & (o->cap - 1);
    return i;
}

static void owners_grow(struct owners *o)
{
    struct owners old = *o;
    o->cap = old.cap ? old.cap * 2 : 256;
    o->keys = xcalloc(o->cap, sizeof(*o->keys));
    o->vals = xcalloc(o->cap, sizeof(*o->vals));
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = owner_slot(o, old.keys[i]);
            o->keys[j] = old.keys[i];
            o->vals[j] = old.vals[i];
        }
    free(old.keys);
    free(old.vals);
}

/* url, new to the frontier, pushed by source. */
static void note_first(struct owners *o, const char *url, const char *source)
{
    if ((o->n + 1) * 2 > o->cap)
        owners_grow(o);
    uint64_t h = urlset_hash(url);
    size_t i = owner_slot(o, h);
    if (o->keys[i])
        return;
    o->keys[i] = h;
    o->vals[i] = owner_of(o, source);
    o->n++;
}

/* url, seen before, pushed by source: when another source pushed it
 * first, tell of the pair (once). */
static void note_again(struct owners *o, const char *url, const char *source)
{
    if (!o->cap)
        return;
    size_t i = owner_slot(o, urlset_hash(url));
    uint32_t mine = owner_of(o, source);
    if (!o->keys[i] || o->vals[i] == mine)
        return;
    const char *first = o->names[o->vals[i]];
    char *pair = xasprintf("%s\n%s", source, first);
    if (urlset_add(o->told, pair))
        o->shared(o->ctx, source, first);
    free(pair);
}

static void owners_free(struct owners *o)
{
    if (!o)
        return;
    free(o->keys);
    free(o->vals);
    for (size_t i = 0; i < o->n_names; i++)
        free(o->names[i]);
    free(o->names);
    json_decref(o->index);
    urlset_free(o->told);
    free(o);
}

/* Append an entry for url to its host's queue. Returns 1 or SM_E_URL. */
static int enqueue(struct frontier *f, const char *url, const char *source,
                   int depth, unsigned flags, bool is_again, void *data)
{
    char *key = NULL;
    int rc = url_host_key(url, &key);
    if (rc != 0) {
        if (data)
            (f->data_free ? f->data_free : free)(data);
        return rc;
    }
    if (!is_again && !urlset_add(f->seen, url)) {
        if (f->owners)
            note_again(f->owners, url, source ? source : url);
        free(key);
        return 0;
    }
    if (f->owners && !is_again)
        note_first(f->owners, url, source ? source : url);
    struct host *h = host_get(f, key);
    free(key);
    struct frontier_entry *e = xcalloc(1, sizeof(*e));
    e->url = xstrdup(url);
    e->source = xstrdup(source ? source : url);
    e->depth = depth;
    e->flags = flags;
    e->data = data;
    e->host = h;
    /* Each host's queue is a stack: the links of the document fetched last
     * are served first, a depth-first walk. A breadth-first walk would
     * queue every item of every collection before fetching any, so the
     * frontier would grow with the catalog; depth-first it stays near one
     * collection's worth of links per host. FRONTIER_F_FIRST entries
     * (robots.txt) go on top like everything else, and are held apart by
     * the host hold. */
    if (h->head && (h->head->flags & FRONTIER_F_FIRST) &&
        !(flags & FRONTIER_F_FIRST)) {
        /* Never bury a robots.txt that the held host waits for. */
        e->next = h->head->next;
        h->head->next = e;
        if (h->tail == h->head)
            h->tail = e;
    } else {
        e->next = h->head;
        h->head = e;
        if (!h->tail)
            h->tail = e;
    }
    f->queued++;
    host_wake(f, h);
    return 1;
}

int frontier_push(struct frontier *f, const char *url, const char *source,
                  int depth, unsigned flags)
{
    return enqueue(f, url, source, depth, flags, false, NULL);
}

int frontier_push_again(struct frontier *f, const char *url, const char *source,
                        int depth, unsigned flags, void *data)
{
    return enqueue(f, url, source, depth, flags, true, data);
}

struct frontier_entry *frontier_pop(struct frontier *f, int64_t now)
{
    /* Hosts whose spacing has passed go back on the ring. */
    while (f->heap_n && f->heap[0]->next_ok <= now) {
        struct host *h = heap_pop(f);
        host_wake(f, h);
    }
    struct host *h;
    for (;;) {
        h = ring_take(f);
        if (!h)
            return NULL;
        if (!host_ready(f, h))
            continue; /* held or full since it was queued */
        if (h->next_ok <= now)
            break;
        heap_push(f, h);
    }
    struct frontier_entry *e = h->head;
    h->head = e->next;
    if (!h->head)
        h->tail = NULL;
    e->next = NULL;
    h->in_flight++;
    f->queued--;
    f->in_flight++;
    h->next_ok = now + h->interval;
    if (host_ready(f, h)) {
        if (h->interval > 0)
            heap_push(f, h);
        else
            ring_append(f, h);
    }
    return e;
}

int64_t frontier_next_wake(const struct frontier *f)
{
    return f->heap_n ? f->heap[0]->next_ok : -1;
}

void frontier_host_slow(struct frontier *f, struct frontier_entry *e,
                        long interval_ms, int64_t not_before)
{
    struct host *h = e->host;
    if (interval_ms > h->interval)
        h->interval = interval_ms;
    if (not_before > h->next_ok)
        h->next_ok = not_before;
}

void frontier_host_hold(struct frontier *f, struct frontier_entry *e,
                        bool is_held)
{
    struct host *h = e->host;
    h->is_held = is_held;
    host_wake(f, h);
}

void *frontier_host_data(const struct frontier_entry *e)
{
    return e->host->data;
}

void frontier_set_host_data(struct frontier_entry *e, void *data)
{
    e->host->data = data;
}

const char *frontier_host_key(const struct frontier_entry *e)
{
    return e->host->key;
}

void frontier_release(struct frontier *f, struct frontier_entry *e)
{
    struct host *h = e->host;
    h->in_flight--;
    f->in_flight--;
    host_wake(f, h);
}

void frontier_requeue(struct frontier *f, struct frontier_entry *e,
                      bool at_head)
{
    struct host *h = e->host;
    if (at_head) {
        e->next = h->head;
        h->head = e;
        if (!h->tail)
            h->tail = e;
    } else {
        e->next = NULL;
        if (h->tail)
            h->tail->next = e;
        else
            h->head = e;
        h->tail = e;
    }
    f->queued++;
    host_wake(f, h);
}

void frontier_unpop(struct frontier *f, struct frontier_entry *e)
{
    frontier_release(f, e);
    frontier_requeue(f, e, true);
}

void frontier_discard(struct frontier *f, struct frontier_entry *e)
{
    entry_free(f, e);
}

void frontier_set_host_data_free(struct frontier *f, void (*fn)(void *))
{
    f->host_data_free = fn;
}

void frontier_done(struct frontier *f, struct frontier_entry *e)
{
    struct host *h = e->host;
    h->in_flight--;
    f->in_flight--;
    host_wake(f, h);
    entry_free(f, e);
}

void frontier_set_data_free(struct frontier *f, void (*fn)(void *))
{
    f->data_free = fn;
}

size_t frontier_queued(const struct frontier *f)
{
    return f->queued;
}

size_t frontier_in_flight(const struct frontier *f)
{
    return f->in_flight;
}

size_t frontier_seen_count(const struct frontier *f)
{
    return urlset_count(f->seen);
}
