/* SPDX-License-Identifier: MIT */
/* The crawl frontier: URLs waiting to be fetched, unique per normalised URL
 * for the lifetime of the frontier, queued per host so that a per-host limit
 * never blocks other hosts (no head-of-line blocking). Within a host the
 * last queued is served first (a depth-first walk keeps the frontier
 * small); hosts take turns. Every operation is
 * O(1) amortised: hosts with work and spare capacity sit on a ready ring. */
#ifndef CRAWLER_FRONTIER_H
#define CRAWLER_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frontier;

/* One queued URL. Owned by the frontier until frontier_pop() hands it out;
 * then owned by the caller until frontier_done(). */
struct frontier_entry {
    char *url;      /* absolute, normalised */
    char *source;   /* the seed whose crawl found it */
    int depth;      /* link distance from the seed */
    unsigned flags; /* FRONTIER_F_* */
    void *data;     /* the caller's, freed with the frontier's data_free */
    int attempts;   /* fetches tried so far (retries) */
    int64_t due;    /* the caller's: when a retry may start, ms */
    struct host *host;
    struct frontier_entry *next;
};

enum frontier_flag {
    FRONTIER_F_SEED = 1u << 0,    /* given by the user */
    FRONTIER_F_DATASET = 1u << 1, /* reached through a training-data link */
    FRONTIER_F_LEAF = 1u << 2,    /* read it, follow none of its links */
    FRONTIER_F_FIRST = 1u << 3,   /* goes first, even on a held host */
    FRONTIER_F_ITEM = 1u << 4,    /* reached through an item link */
};

/* The redirects followed to reach an entry, in the top bits of its flags
 * (each hop is an entry of its own: see the crawler's follow_redirect()). */
#define FRONTIER_HOPS_SHIFT 24
#define FRONTIER_HOPS_MASK (0xffu << FRONTIER_HOPS_SHIFT)
#define FRONTIER_HOPS(flags)                                                   \
    (((flags)&FRONTIER_HOPS_MASK) >> FRONTIER_HOPS_SHIFT)

/* The next links followed to reach an entry from the first page of its
 * chain (saturating at the mask), in the middle bits of its flags. */
#define FRONTIER_PAGES_SHIFT 8
#define FRONTIER_PAGES_MAX 0xffffu
#define FRONTIER_PAGES_MASK (FRONTIER_PAGES_MAX << FRONTIER_PAGES_SHIFT)
#define FRONTIER_PAGES(flags)                                                  \
    (((flags)&FRONTIER_PAGES_MASK) >> FRONTIER_PAGES_SHIFT)

/* Create a frontier allowing per_host entries in flight per host (>= 1),
 * and starting requests to one host at least interval_ms apart (0 = no
 * spacing). Returns a new frontier (free with frontier_free()). */
struct frontier *frontier_new(int per_host, long interval_ms);
void frontier_free(struct frontier *f);

/* Queue url unless it was ever queued before. url must be normalised.
 * Returns 1 when queued, 0 when already seen, SM_E_URL when url has no
 * host key. Copies url and source. */
int frontier_push(struct frontier *f, const char *url, const char *source,
                  int depth, unsigned flags);

/* Queue url whether or not it was seen before, with data attached (may be
 * NULL; owned by the entry from here on, even on failure): for API
 * requests, which repeat URLs with other bodies, and for the rare document
 * that must be read a second time. Returns 1 or SM_E_URL. */
int frontier_push_again(struct frontier *f, const char *url, const char *source,
                        int depth, unsigned flags, void *data);

/* A link of source to a URL that owner pushed first (the walk goes on
 * below it as owner's). */
typedef void frontier_shared_fn(void *ctx, const char *source,
                                const char *owner);

/* From now on, keep which source pushed each URL first (a hash of every
 * URL more), and call shared once for each pair of sources when a push of
 * one source finds a URL the other pushed first. */
void frontier_track_sources(struct frontier *f, frontier_shared_fn *shared,
                            void *ctx);

/* The function that frees entry data (for entries freed with the
 * frontier); NULL means free(). */
void frontier_set_data_free(struct frontier *f, void (*fn)(void *));

/* True when url was ever pushed. */
bool frontier_seen(const struct frontier *f, const char *url);

/* Take the next entry whose host is below its in-flight limit, not held,
 * and whose spacing has passed at now (ms, any monotonic clock), rotating
 * fairly over hosts. Returns NULL when no host can take more work now. */
struct frontier_entry *frontier_pop(struct frontier *f, int64_t now);

/* The time (same clock as frontier_pop) at which a host that waits for its
 * spacing can start again, or -1 when none waits. */
int64_t frontier_next_wake(const struct frontier *f);

/* Slow the host of e down: spacing at least interval_ms from now on, and
 * no request before not_before (ms). */
void frontier_host_slow(struct frontier *f, struct frontier_entry *e,
                        long interval_ms, int64_t not_before);

/* Hold (or release) the host of e: while held, only FRONTIER_F_FIRST
 * entries are handed out (robots.txt before anything else). */
void frontier_host_hold(struct frontier *f, struct frontier_entry *e,
                        bool is_held);

/* The caller's per-host state of e's host (NULL until set), freed with the
 * frontier by the function given to frontier_set_host_data_free(). */
void *frontier_host_data(const struct frontier_entry *e);
void frontier_set_host_data(struct frontier_entry *e, void *data);
void frontier_set_host_data_free(struct frontier *f, void (*fn)(void *));

/* The politeness key of e's host ("scheme://host:port"). Borrowed. */
const char *frontier_host_key(const struct frontier_entry *e);

/* A popped entry stops counting as in flight but stays the caller's (to be
 * retried later with frontier_requeue(), or dropped with
 * frontier_discard()). */
void frontier_release(struct frontier *f, struct frontier_entry *e);
/* Queue a released entry again, at the head or the tail of its host. */
void frontier_requeue(struct frontier *f, struct frontier_entry *e,
                      bool at_head);
/* Release and requeue at the head: "not now". */
void frontier_unpop(struct frontier *f, struct frontier_entry *e);
/* Free a released entry. */
void frontier_discard(struct frontier *f, struct frontier_entry *e);

/* Report that an entry from frontier_pop() finished; frees it. */
void frontier_done(struct frontier *f, struct frontier_entry *e);

/* Entries queued (not yet popped), and popped but not yet done. */
size_t frontier_queued(const struct frontier *f);
size_t frontier_in_flight(const struct frontier *f);
/* Number of distinct URLs ever pushed. */
size_t frontier_seen_count(const struct frontier *f);

#endif
