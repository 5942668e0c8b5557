/* SPDX-License-Identifier: MIT */
/* The history that incremental harvesting keeps: harvest runs (numbered,
 * resumable), and per record when it was first seen, last seen, last
 * changed, by which run, and whether it is gone. Used by src/harvest.c and
 * src/query.c; works on the index only. */
#ifndef SRC_HISTORY_H
#define SRC_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "index/index.h"

/* Stage rec (of table, under url) with the secondary keys derived from it,
 * after stamping its history from the stored record: first_seen (kept),
 * last_seen = now, last_changed (now when the "stac" document differs from
 * the stored one), run, missed = 0, gone = false. *is_new / *is_changed
 * (may be NULL) tell what happened. is_fresh says the table was empty when
 * the run began: then there is no stored record to look up (the run's own
 * writes carry the same stamps). Returns 0 or an SM_E_* code. */
int history_put(struct index *ix, enum index_table table, const char *url,
                json_t *rec, int64_t run, int64_t now, bool is_fresh,
                bool *is_new, bool *is_changed);

/* A record encoded with its secondary keys, ready to be staged. */
struct history_entry {
    char **keys;
    size_t n_keys;
    char *enc;
    size_t len;
};

/* Encode rec as it is into *out (no stamping, no index). Thread-safe. */
void history_encode(const json_t *rec, struct history_entry *out);

/* Stamp rec as first seen by run at now, as history_put() does when there
 * is no stored record, and encode it into *out. Thread-safe: this is what
 * a worker thread can do for a table that was empty when the run began. */
void history_encode_new(json_t *rec, int64_t run, int64_t now,
                        struct history_entry *out);

/* Stage (a copy of) an encoded entry under url. 0 or SM_E_*. */
int history_stage(struct index *ix, enum index_table table, const char *url,
                  const struct history_entry *en);

/* Free what an entry holds (safe on a zeroed or cleaned-up one). */
void history_entry_cleanup(struct history_entry *en);

/* Stage rec as it is (no history stamping), with its secondary keys. */
int history_put_plain(struct index *ix, enum index_table table, const char *url,
                      const json_t *rec);

/* A record that is unchanged upstream (304): mark it seen by run at now,
 * under source (the seed whose crawl reached it this run; NULL keeps the
 * stored one), so that this source's complete crawls can mark it gone.
 * Returns 0, SM_E_NOTFOUND (no such record) or an SM_E_* code. */
int history_touch(struct index *ix, enum index_table table, const char *url,
                  const char *source, int64_t run, int64_t now);

/* After a complete crawl of source by run: every record of that source not
 * seen by run misses one more run, and becomes gone once it has missed
 * gone_after runs. Returns how many model records became gone now, and
 * adds the dataset records that did to *datasets_gone (when not NULL).
 * Commits first (the records of this run must be visible). */
size_t history_mark_gone(struct index *ix, const char *source, int64_t run,
                         int gone_after, int64_t now, size_t *datasets_gone);

/* Start a run: a run left unfinished with the same signature (the seeds
 * and options that decide what is fetched) is resumed; otherwise a new
 * run number is taken. Committed at once, so a kill right after still
 * finds it. Returns the run number; *is_resume tells which, and *started
 * is when the run began (now, or when the run resumed began). */
int64_t history_run_begin(struct index *ix, const char *signature, int64_t now,
                          bool *is_resume, int64_t *started);

/* Record run's summary (a JSON object, borrowed) and leave the run open:
 * one just begun, or one interrupted, which the next run resumes. */
void history_run_record(struct index *ix, int64_t run, const json_t *summary);

/* Record the end of run with its summary (a JSON object, borrowed). */
void history_run_end(struct index *ix, int64_t run, const json_t *summary);

/* The first_seen and last_changed stamps of url's record: 0, or
 * SM_E_NOTFOUND when there is none. */
int history_stamps(struct index *ix, enum index_table table, const char *url,
                   int64_t *first_seen, int64_t *last_changed);

/* The "run/<number>" meta key prefix of the run summaries. */
#define HISTORY_RUN_PREFIX "run/"

#endif
