/* SPDX-License-Identifier: MIT */
/* The crawl frontier: URLs waiting to be fetched, unique per normalised URL
 * for the lifetime of the frontier, queued per host so that a per-host limit
 * never blocks other hosts (no head-of-line blocking). Every operation is
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
    struct host *host;
    struct frontier_entry *next;
};

enum frontier_flag {
    FRONTIER_F_SEED = 1u << 0,    /* given by the user */
    FRONTIER_F_DATASET = 1u << 1, /* reached through a training-data link */
    FRONTIER_F_LEAF = 1u << 2,    /* read it, follow none of its links */
};

/* Create a frontier allowing per_host entries in flight per host (>= 1).
 * Returns a new frontier (free with frontier_free()). */
struct frontier *frontier_new(int per_host);
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

/* The function that frees entry data (for entries freed with the
 * frontier); NULL means free(). */
void frontier_set_data_free(struct frontier *f, void (*fn)(void *));

/* True when url was ever pushed. */
bool frontier_seen(const struct frontier *f, const char *url);

/* Take the next entry whose host is below its in-flight limit, rotating
 * fairly over hosts. Returns NULL when no host can take more work now. */
struct frontier_entry *frontier_pop(struct frontier *f);

/* Report that an entry from frontier_pop() finished; frees it. */
void frontier_done(struct frontier *f, struct frontier_entry *e);

/* Entries queued (not yet popped), and popped but not yet done. */
size_t frontier_queued(const struct frontier *f);
size_t frontier_in_flight(const struct frontier *f);
/* Number of distinct URLs ever pushed. */
size_t frontier_seen_count(const struct frontier *f);

#endif
