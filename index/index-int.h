/* SPDX-License-Identifier: MIT */
/* Internals shared by index/index.c and index/store.c: the LMDB wrapper
 * (struct store), its key scheme for keys longer than LMDB allows, and the
 * translation of MDB_* codes into SM_E_*. Nothing outside index/ includes
 * this file; index.h is the public face. */
#ifndef INDEX_INDEX_INT_H
#define INDEX_INDEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <lmdb.h>

/* The named databases of the environment (layout: top of index.c). */
enum store_dbi {
    STORE_DBI_RECORDS,  /* model key -> url NUL keys NUL json NUL */
    STORE_DBI_KEYS,     /* secondary key -> model key (MDB_DUPSORT) */
    STORE_DBI_DATASETS, /* dataset key -> url NUL keys NUL json NUL */
    STORE_DBI_DSKEYS,   /* secondary key -> dataset key (MDB_DUPSORT) */
    STORE_DBI_CRAWL,    /* record key -> binary crawl state */
    STORE_DBI_META,     /* meta key -> JSON text */
    STORE_DBI_KEYIDS,   /* secondary key -> model key NUL id (MDB_DUPSORT) */
    STORE_NDBI,
};

/* Keys of up to STORE_KEY_DIRECT_MAX bytes are stored as they are. Longer
 * ones become the first STORE_KEY_DIRECT_MAX bytes, '#' and the 16 hex
 * digits of their 64-bit FNV-1a hash: always exactly STORE_KEY_HASHED_LEN
 * bytes, so a hashed key can never equal a direct one. */
#define STORE_KEY_DIRECT_MAX 400
#define STORE_KEY_HASHED_LEN (STORE_KEY_DIRECT_MAX + 1 + 16)

/* A key ready for LMDB. val points either at the caller's string (direct
 * keys: borrowed, valid as long as that string) or at buf (hashed keys). */
struct store_key {
    MDB_val val;
    bool is_hashed;
    char buf[STORE_KEY_HASHED_LEN];
};

/* One LMDB environment and its handles. Embedded in struct index. */
struct store {
    MDB_env *env;
    MDB_dbi dbi[STORE_NDBI];
    char *dir;             /* for messages */
    bool is_readonly;      /* opened with MDB_RDONLY */
    bool is_unlocked;      /* ... and MDB_NOLOCK: blind to a writer */
    bool has_keyids;       /* false: an older index, read without keyids */
    size_t mapsize;        /* current map size, grown by doubling */
    MDB_txn *rtxn;         /* the open read transaction, if any */
    int rdepth;            /* nesting depth of store_read_begin() */
    void *map_addr;        /* where LMDB mapped data.mdb, NULL if unknown */
    unsigned reads_unshed; /* read transactions since the pages were shed */
    unsigned steps_unshed; /* cursor steps since then */
    unsigned puts_unshed;  /* puts since the pages were last let go of */
    size_t map_len;
    struct store_writer *writer; /* started by the first store_write_async() */
};

/* The write callback of store_write(). It may be called several times for
 * one store_write() (after the map grew), each time on a fresh transaction,
 * so it must not consume its input. Returns 0 or SM_E_* (SM_E_MAPFULL makes
 * store_write() grow the map and call it again). */
typedef int (*store_apply_fn)(void *ctx, MDB_txn *txn);

/* Fill keyids from the model records, in txn (index.c): called when a
 * writer opens an index from before keyids, in the transaction that
 * creates the table, so that it never exists half filled. */
int index_fill_keyids(struct store *st, MDB_txn *txn);

/* Fill k with the LMDB form of the string (s, len). */
void store_key_init(struct store_key *k, const char *s, size_t len);

/* Open the environment in the existing directory dir. Returns 0,
 * SM_E_NOTFOUND (read-only, and no data.mdb or one that holds nothing),
 * SM_E_IO or SM_E_DB; errors are logged. On failure *st needs no
 * cleanup. */
int store_open(struct store *st, const char *dir, bool is_readonly);

/* Close the environment; no transaction may be open. Safe on a store that
 * failed to open or was already closed. */
void store_close(struct store *st);

/* Begin a read transaction or, when one is already open (a lookup from a
 * foreach callback), reuse it. Every successful call is paired with
 * store_read_end(). Returns 0 or SM_E_DB. */
int store_read_begin(struct store *st, MDB_txn **txn);
void store_read_end(struct store *st);

/* Run fn in one write transaction and commit it. On MDB_MAP_FULL (from fn
 * or from the commit) the transaction is aborted, the map doubled and fn run
 * again. Must not be called while a read transaction is open. Returns 0,
 * fn's error or SM_E_DB. */
int store_write(struct store *st, store_apply_fn fn, void *ctx);

/* What store_write_async() calls on the writer thread once the write is
 * over (rc as store_write() would have returned it): typically frees ctx. */
typedef void (*store_done_fn)(void *ctx, int rc);

/* store_write() on the store's writer thread (started on first use): hands
 * fn over and returns 0 at once, after waiting for the previous one. Every
 * later read, write and store_close() waits for it to finish, so what they
 * see is what a synchronous write would have left. Its result comes from
 * the next store_wait(); done is called with it in any case. Returns
 * SM_E_DB (done called already) when the store cannot be written. */
int store_write_async(struct store *st, store_apply_fn fn, void *ctx,
                      store_done_fn done);

/* Wait for the write on the writer thread, if any. */
void store_idle(struct store *st);

/* store_idle(), then the first failure of the asynchronous writes since
 * the last call (0 if none), which it clears. */
int store_wait(struct store *st);

/* mdb_get: 0, SM_E_NOTFOUND or SM_E_DB. data is valid until the
 * transaction ends. */
int store_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);

/* mdb_put with flags: 0, SM_E_MAPFULL (not logged: store_write handles
 * it) or SM_E_DB. */
int store_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data,
              unsigned flags);

/* mdb_del of key (and, for MDB_DUPSORT, of the one pair key/data when data
 * is not NULL). A missing key is not an error. 0, SM_E_MAPFULL or
 * SM_E_DB. */
int store_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);

/* The number of entries of dbi in *n: 0 or SM_E_DB (*n = 0). */
int store_count(MDB_txn *txn, MDB_dbi dbi, size_t *n);

/* mdb_cursor_open: 0 or SM_E_DB. Close with mdb_cursor_close(). */
int store_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cur);

/* mdb_cursor_get: 0, SM_E_NOTFOUND (end of data) or SM_E_DB. */
int store_cursor_get(MDB_cursor *cur, MDB_val *key, MDB_val *data,
                     MDB_cursor_op op);

/* Log "index <dir>: <what>: <why>" once and return SM_E_DB: for the
 * callers that find a value they cannot decode. */
int store_corrupt(const struct store *st, const char *what, const char *why);

#endif
