/* SPDX-License-Identifier: MIT */
/* The local index: model records and per-URL crawl state in one LMDB
 * environment. Hides LMDB entirely: callers see records as encoded JSON
 * lines keyed by canonical URL. Writes are staged and committed in batches;
 * a killed process leaves the last committed state, which is always valid. */
#ifndef INDEX_INDEX_H
#define INDEX_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct index;

/* The two kinds of record the index keeps, each keyed by canonical URL and
 * each with its own secondary keys. */
enum index_table {
    INDEX_MODELS,   /* model records */
    INDEX_DATASETS, /* training / validation / test dataset records */
};

enum index_mode {
    INDEX_READ,  /* read-only; fails with SM_E_NOTFOUND if there is no index */
    INDEX_WRITE, /* creates the directory (and parents) and the environment */
};

/* Per-URL crawl state, as last seen by a harvest. Strings may be NULL. */
struct crawl_state {
    int64_t fetched_at; /* Unix seconds */
    int http_status;    /* 0 when no HTTP response was received */
    int error;          /* 0 or an SM_E_* code */
    char *reason;       /* human-readable failure reason, NULL if none */
    char *source;       /* seed URL */
    char *etag;
    char *last_modified;
    int64_t run;    /* the harvest run that last fetched it, 0 if unknown */
    unsigned flags; /* CRAWL_F_* */
    char *links;    /* the links it had: "rel\turl\n" lines, or NULL */
};

enum crawl_flag {
    CRAWL_F_MODEL = 1u << 0,   /* the document is a model record */
    CRAWL_F_API = 1u << 1,     /* the document is a STAC API landing page */
    CRAWL_F_DATASET = 1u << 2, /* a dataset record was made of it */
    CRAWL_F_ITEM = 1u << 3,    /* the document is a STAC Item */
    /* A failure that was the same when an earlier run last fetched it
     * (a link still broken): a resumed run that fetches it again knows. */
    CRAWL_F_STILL_BROKEN = 1u << 4,
    /* Stored by a full read by a stacml that keeps among the links of a
     * list of collections the collections it leads to, and makes no
     * model record of a Catalog (or found sound by one, on a 304): what
     * is stored of the document is what a full read makes of it now.
     * States without it come from an older stacml (src/harvest.c,
     * is_outdated()). A flag, not a new format, so that an older stacml
     * still reads the index. */
    CRAWL_F_SOUND = 1u << 5,
};

/* Free the strings of a crawl_state filled by index_get_crawl(). */
void crawl_state_cleanup(struct crawl_state *st);

/* Open (or, in INDEX_WRITE mode, create) the index in directory dir.
 * Returns 0 and a new index in *out, or SM_E_NOTFOUND (INDEX_READ: no
 * index yet, also an LMDB environment that holds nothing), SM_E_IO,
 * SM_E_DB. Open one index per directory per process. */
int index_open(const char *dir, enum index_mode mode, struct index **out);

/* Commit anything staged, then close. index_close(NULL) is a no-op. */
void index_close(struct index *ix);

/* Stage a record of table: the encoded JSON (json, len) under key url, and
 * url under each of the n_keys secondary keys (strings such as "id=x" or
 * "task=object-detection"; empty keys and keys holding a 0x1e byte are
 * skipped, and at most 512 are kept). Replacing a record replaces its
 * secondary keys. Copies its arguments. Returns 0, SM_E_INVAL (bad
 * argument, or the index is read-only) or SM_E_DB (an automatic batch
 * commit failed: the one before the batch this write went into). */
int index_put(struct index *ix, enum index_table table, const char *url,
              const char *const *keys, size_t n_keys, const char *json,
              size_t len);

/* index_put() of a model record with the one secondary key "id=<id>".
 * Stage a record: the encoded JSON (json, len) under key url, and url under
 * the secondary key id (for lookups by STAC id; an empty id is not indexed).
 * Copies its arguments. Replaces an existing record with the same url.
 * Returns 0, SM_E_INVAL (bad argument, or the index is read-only) or
 * SM_E_DB (an automatic batch commit failed). */
int index_put_record(struct index *ix, const char *url, const char *id,
                     const char *json, size_t len);

/* Stage the crawl state of url. Copies. Returns as index_put_record(). */
int index_put_crawl(struct index *ix, const char *url,
                    const struct crawl_state *st);

/* Stage a metadata value (a JSON text) under key. Returns as
 * index_put_record(). */
int index_put_meta(struct index *ix, const char *key, const char *json);

/* Write everything staged in one transaction. When the LMDB map is full it
 * grows the map (doubling) and retries, so a growing index never fails for
 * want of map space. Returns 0 or SM_E_DB; after any failure other than a
 * full map the batch is dropped (the index keeps its last committed state),
 * and so is every later one: from then on each commit returns that first
 * failure, so a caller that checks only its last commit still learns of it.
 * Called from inside a foreach callback it returns SM_E_DB and keeps the
 * batch. Staged writes are also committed automatically once a batch
 * grows large (index_set_batch() writes, or 8 MiB), but never during an
 * iteration: by a writer thread, while the caller stages the next batch.
 * Every lookup, and index_commit(), waits for that commit, so lookups see
 * what they would have seen had it been made in line; its failure is
 * returned by the next put that fills a batch or by index_commit(), and a
 * process killed meanwhile loses that batch too (the index stays valid). */
int index_commit(struct index *ix);

/* Writes a batch commits itself at (index_commit()); 0 restores the
 * default. Larger batches cost less per write (fewer fsyncs, fewer B-tree
 * pages written again) and lose more when the process is killed. */
#define INDEX_BATCH_DEFAULT 4000
void index_set_batch(struct index *ix, size_t ops);

/* Look up a record of table by canonical URL. On success *json is new
 * memory (caller frees), *len its length. Returns 0 or SM_E_NOTFOUND. */
int index_get(struct index *ix, enum index_table table, const char *url,
              char **json, size_t *len);

/* index_get() of a model record.
 * Look up a record by canonical URL. On success *json is new memory
 * (caller frees), *len its length. Returns 0 or SM_E_NOTFOUND. Staged,
 * uncommitted writes are not visible to lookups. */
int index_get_record(struct index *ix, const char *url, char **json,
                     size_t *len);

/* Look up crawl state by URL; fills *st with new strings. Returns 0 or
 * SM_E_NOTFOUND. */
int index_get_crawl(struct index *ix, const char *url, struct crawl_state *st);

/* Look up a metadata value. *json is new. Returns 0 or SM_E_NOTFOUND. */
int index_get_meta(struct index *ix, const char *key, char **json);

/* Called once per record, in URL order. The pointers are valid only during
 * the call. Return non-zero to stop the iteration (that value is returned
 * by the foreach function). */
typedef int (*index_record_cb)(void *ctx, const char *url, const char *json,
                               size_t len);
typedef int (*index_crawl_cb)(void *ctx, const char *url,
                              const struct crawl_state *st);

/* Visit every committed record of table. Returns 0, the callback's
 * non-zero value, or SM_E_DB. */
int index_foreach(struct index *ix, enum index_table table, index_record_cb cb,
                  void *ctx);
int index_foreach_record(struct index *ix, index_record_cb cb, void *ctx);

/* Visit the records of table that have the secondary key key, in key
 * order (URL order for short URLs). Returns as index_foreach(). */
int index_foreach_key(struct index *ix, enum index_table table, const char *key,
                      index_record_cb cb, void *ctx);

/* The raw form of a record, for readers that want no decoding: keys are
 * its secondary keys joined by INDEX_KEY_SEP. All pointers are valid only
 * during the call. Return non-zero to stop. */
#define INDEX_KEY_SEP '\x1e'
typedef int (*index_entry_cb)(void *ctx, const char *url, const char *keys,
                              const char *json, size_t len);

/* Visit every record of table raw, in key order. Returns as
 * index_foreach(). */
int index_foreach_entry(struct index *ix, enum index_table table,
                        index_entry_cb cb, void *ctx);

/* Call cb with the record of table at url, raw. Returns cb's value,
 * SM_E_NOTFOUND or SM_E_DB. */
int index_get_entry(struct index *ix, enum index_table table, const char *url,
                    index_entry_cb cb, void *ctx);

/* index_foreach_key() with raw records. */
int index_foreach_key_entry(struct index *ix, enum index_table table,
                            const char *key, index_entry_cb cb, void *ctx);

/* A query of model records by secondary keys alone, for
 * index_foreach_key_id(): every record with key and all of also[], none
 * with skip (NULL: none), and, when n_any > 0, one of any[]. Keys longer
 * than 400 bytes are stored hashed and must not be used here (a collision
 * would go unnoticed); query the records instead. */
struct index_key_query {
    const char *key;
    const char *const *also;
    size_t n_also;
    const char *const *any;
    size_t n_any;
    const char *skip;
};

/* Longer secondary keys are stored hashed. */
#define INDEX_KEY_DIRECT_MAX 400

/* Receives the URL and id of one model record; return non-zero to stop. */
typedef int (*index_id_cb)(void *ctx, const char *url, const char *id);

/* Whether the index has the keyids table that index_foreach_key_id()
 * reads: an index written by an older stacml lacks it until a harvest
 * opens it for writing. */
bool index_has_keyids(const struct index *ix);

/* Whether a read-only index was opened without LMDB's lock file, which
 * the reader may not write: such a reader does not see a writer, and a
 * harvest writing meanwhile can show it torn pages (records that read
 * back damaged, or LMDB aborting on a page of the wrong kind). */
bool index_is_unlocked(const struct index *ix);

/* The URL and id of every model record matching q, in URL order (key
 * order), read from the keys alone: no record is read unless its URL is
 * longer than 400 bytes or its id did not fit beside its key. Returns 0,
 * cb's non-zero value, SM_E_INVAL (no keyids) or SM_E_DB. */
int index_foreach_key_id(struct index *ix, const struct index_key_query *q,
                         index_id_cb cb, void *ctx);

/* Visit the records of table that have the secondary key in_key but not
 * the key out_key (e.g. "source=S" but not "run=7"), without reading the
 * records themselves: only their URLs are reported (cb gets json NULL, len
 * 0). Returns as index_foreach(). */
int index_foreach_key_without(struct index *ix, enum index_table table,
                              const char *in_key, const char *out_key,
                              index_record_cb cb, void *ctx);

/* How many records of table have the secondary key key (0 when none). */
size_t index_count_key(struct index *ix, enum index_table table,
                       const char *key);

/* Call cb once per distinct secondary key of table that starts with
 * prefix (shorter than 400 bytes), with the number of records under it, in
 * key order; a key stored hashed is given in full, as a record holding it
 * has it. Returns 0, cb's non-zero value or SM_E_DB. */
int index_foreach_key_count(struct index *ix, enum index_table table,
                            const char *prefix,
                            int (*cb)(void *ctx, const char *key, size_t n),
                            void *ctx);

/* The id in a keys string (the value of its "id=" key): *n bytes at the
 * result, or NULL with *n 0 when there is none. */
const char *index_keys_id(const char *keys, size_t *n);

/* Whether a keys string (as given to an index_entry_cb) holds key. */
bool index_keys_have(const char *keys, const char *key);

/* Visit the model records whose STAC id equals id (the secondary key
 * "id=<id>"). Returns as index_foreach_record(). */
int index_foreach_id(struct index *ix, const char *id, index_record_cb cb,
                     void *ctx);

/* Visit every committed crawl state, in URL order. */
int index_foreach_crawl(struct index *ix, index_crawl_cb cb, void *ctx);

/* Visit the metadata values whose keys start with prefix (of at most 400
 * bytes), in key order; cb gets the key as url, as stored (a key longer
 * than 400 bytes hashed: values that need it hold it). Returns as
 * index_foreach(). */
int index_foreach_meta(struct index *ix, const char *prefix, index_record_cb cb,
                       void *ctx);

/* The number of URLs with a crawl state (0 for a new index). */
size_t index_count_crawl(struct index *ix);

/* Number of committed records of table (index_count_records: models). */
size_t index_count(struct index *ix, enum index_table table);
size_t index_count_records(struct index *ix);

#endif
