/* SPDX-License-Identifier: MIT */
/* The public index API: stages puts in memory, writes each batch in one
 * LMDB write transaction (through store.c), and encodes the stored values.
 * It does not parse records; they are opaque JSON bytes here.
 *
 * On-disk layout: one LMDB environment, data.mdb and lock.mdb in the index
 * directory, with six named databases.
 *   records  key(url) -> url NUL keys NUL json NUL      (model records)
 *   keys     key(k)   -> key(url), MDB_DUPSORT: one pair per secondary key
 *                        k of each model record ("id=...", "task=...")
 *   datasets, dskeys     the same two for dataset records
 *   keyids   key(k)   -> key(url) NUL id, MDB_DUPSORT: keys again, with
 *                        each model's id beside its key, so that a search
 *                        printing ids reads one key's list and nothing else
 *                        (the id is left out when it would not fit LMDB's
 *                        511 bytes; readers then look the record up)
 *   crawl    key(url) -> crawl state, binary, see crawl_encode()
 *   meta     key(k)   -> the JSON text, no terminator
 * key(s) is s itself up to 400 bytes; a longer s (URLs run to 8 KiB, LMDB
 * keys stop at 511 bytes) becomes its first 400 bytes, '#' and 16 hex
 * digits of its 64-bit FNV-1a hash (store_key_init()). Values of records
 * and crawl states keep the full URL, so iteration reports it and lookups
 * can tell two long URLs with equal hashed keys apart (the second one then
 * replaces the first, with a warning). Iteration is in key order, which is
 * URL order except among URLs longer than 400 bytes that share their first
 * 400 bytes: those follow their hashes. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index-int.h"
#include "index/index.h"
#include "src/err.h"
#include "src/log.h"
#include "src/xalloc.h"

/* A batch is committed automatically once it holds ix->batch_ops writes
 * (INDEX_BATCH_DEFAULT unless index_set_batch() says) or this many
 * bytes: a bound on the memory of staged data and on the work lost when a
 * harvest is killed, while still amortising LMDB's fsync per commit and
 * the branch pages every commit writes again (the index thread's CPU for
 * a 100,000-item harvest: 0.45 s at 1,000 writes, 0.29 s at 4,000, 0.26 s
 * at 8,000). */
#define INDEX_BATCH_BYTES ((size_t)8 << 20)

/* Version byte of the crawl state encoding. */
#define CRAWL_FORMAT 2
/* Bytes before the strings: version, fetched_at, http_status, error (v1),
 * then run and flags (v2). */
#define CRAWL_HEADER_V1 (1 + 8 + 4 + 4)
#define CRAWL_HEADER (CRAWL_HEADER_V1 + 8 + 4)
/* The length that stands for a NULL string. */
#define CRAWL_NULL UINT32_MAX
#define CRAWL_NSTRINGS 6

enum staged_kind {
    STAGED_RECORD,
    STAGED_CRAWL,
    STAGED_META,
};

/* One staged write: the value exactly as it will be stored. */
struct staged {
    enum staged_kind kind;
    enum index_table table; /* records only */
    char *key;              /* url, or the meta key */
    char *keys;             /* records only: secondary keys joined by KEY_SEP */
    char *val;
    size_t len;
};

struct index {
    struct store store;
    struct staged *ops;
    size_t n_ops;
    size_t batch_ops; /* staged writes that make a batch commit itself */
    size_t cap_ops;
    size_t staged_bytes;
    int write_rc; /* the first batch that failed, 0 while none has */
};

/* Separates the secondary keys of one record in its stored value. */
#define KEY_SEP '\x1e'
/* More secondary keys than this per record are dropped (bounded work). */
#define KEYS_MAX 512

/* A records value, split; the pointers borrow from the value. */
struct record_value {
    const char *url;
    const char *keys; /* joined by KEY_SEP, NUL-terminated */
    const char *json; /* NUL-terminated at json[len] */
    size_t len;
};

void crawl_state_cleanup(struct crawl_state *st)
{
    if (!st)
        return;
    free(st->reason);
    free(st->source);
    free(st->etag);
    free(st->last_modified);
    free(st->links);
    st->reason = st->source = st->etag = st->last_modified = NULL;
    st->links = NULL;
}

/* ------------------------------------------------------------ encodings */

/* Split a records value; 0 or SM_E_DB (logged) when it is malformed. */
static int record_value_parse(const struct store *st, const MDB_val *v,
                              struct record_value *rv)
{
    const char *p = v->mv_data;
    size_t n = v->mv_size;

    /* The final NUL is not checked here: reading it would touch the last
     * page of every large record, doubling the page faults of a search
     * that needs only the URL and keys at the start. Readers use len; the
     * writer always puts the NUL there, and copy_out() adds one anyway. */
    if (n < 3)
        return store_corrupt(st, "record", "too short");
    const char *end_url = memchr(p, '\0', n - 1);
    if (!end_url)
        return store_corrupt(st, "record", "no url");
    const char *keys = end_url + 1;
    const char *end_keys = memchr(keys, '\0', (size_t)(p + n - 1 - keys));
    if (!end_keys)
        return store_corrupt(st, "record", "no keys");
    rv->url = p;
    rv->keys = keys;
    rv->json = end_keys + 1;
    rv->len = (size_t)(p + n - 1 - rv->json);
    return 0;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Encode a crawl state, little-endian throughout so the file moves
 * between hosts:
 *   u8  version (1)
 *   i64 fetched_at, i32 http_status, i32 error
 *   5 strings: url, reason, source, etag, last_modified, each a u32 length
 *   and that many bytes plus a NUL, or the length 0xffffffff alone for
 *   NULL.
 * The NULs let foreach callbacks get C strings that point into the map.
 * Returns new memory and its size, or NULL when a string is too long. */
static char *crawl_encode(const char *url, const struct crawl_state *st,
                          size_t *len)
{
    const char *s[CRAWL_NSTRINGS] = {url,      st->reason,        st->source,
                                     st->etag, st->last_modified, st->links};
    size_t slen[CRAWL_NSTRINGS];
    size_t n = CRAWL_HEADER;

    for (int i = 0; i < CRAWL_NSTRINGS; i++) {
        slen[i] = s[i] ? strlen(s[i]) : 0;
        if (slen[i] >= CRAWL_NULL)
            return NULL;
        n += 4 + (s[i] ? slen[i] + 1 : 0);
    }
    unsigned char *buf = xmalloc(n);
    unsigned char *p = buf;
    *p++ = CRAWL_FORMAT;
    put_le(p, (uint64_t)st->fetched_at, 8);
    put_le(p + 8, (uint32_t)st->http_status, 4);
    put_le(p + 12, (uint32_t)st->error, 4);
    put_le(p + 16, (uint64_t)st->run, 8);
    put_le(p + 24, st->flags, 4);
    p += CRAWL_HEADER - 1;
    for (int i = 0; i < CRAWL_NSTRINGS; i++) {
        put_le(p, s[i] ? slen[i] : CRAWL_NULL, 4);
        p += 4;
        if (s[i]) {
            memcpy(p, s[i], slen[i] + 1);
            p += slen[i] + 1;
        }
    }
    *len = n;
    return (char *)buf;
}

/* Decode a crawl value into *url and *st, whose strings borrow from the
 * value. 0 or SM_E_DB (logged). */
static int crawl_decode(const struct index *ix, const MDB_val *v,
                        const char **url, struct crawl_state *st)
{
    const unsigned char *p = v->mv_data;
    size_t n = v->mv_size;
    const char *s[CRAWL_NSTRINGS];

    /* Version 1 (no run, flags or links) is still read. */
    size_t header = n > 0 && p[0] == 1 ? CRAWL_HEADER_V1 : CRAWL_HEADER;
    int nstrings = header == CRAWL_HEADER_V1 ? 5 : CRAWL_NSTRINGS;
    if (n < header || (p[0] != 1 && p[0] != CRAWL_FORMAT))
        return store_corrupt(&ix->store, "crawl state", "bad header");
    /* Unsigned to signed through memcpy: no implementation-defined
     * conversion of values past INT64_MAX. */
    uint64_t at = get_le(p + 1, 8);
    uint32_t status = (uint32_t)get_le(p + 9, 4);
    uint32_t error = (uint32_t)get_le(p + 13, 4);
    int32_t status_s, error_s;
    memcpy(&st->fetched_at, &at, sizeof(at));
    memcpy(&status_s, &status, sizeof(status));
    memcpy(&error_s, &error, sizeof(error));
    st->http_status = status_s;
    st->error = error_s;
    st->run = 0;
    st->flags = 0;
    if (header == CRAWL_HEADER) {
        uint64_t run = get_le(p + 17, 8);
        memcpy(&st->run, &run, sizeof(run));
        st->flags = (unsigned)get_le(p + 25, 4);
    }
    s[5] = NULL;

    size_t off = header;
    for (int i = 0; i < nstrings; i++) {
        if (n - off < 4)
            return store_corrupt(&ix->store, "crawl state", "truncated");
        uint32_t len = (uint32_t)get_le(p + off, 4);
        off += 4;
        if (len == CRAWL_NULL) {
            s[i] = NULL;
            continue;
        }
        if (n - off <= len || p[off + len] != '\0')
            return store_corrupt(&ix->store, "crawl state", "bad string");
        s[i] = (const char *)p + off;
        off += (size_t)len + 1;
    }
    if (off != n || !s[0])
        return store_corrupt(&ix->store, "crawl state", "bad layout");
    *url = s[0];
    /* The struct has non-const members; callers only get it as const. */
    st->reason = (char *)s[1];
    st->source = (char *)s[2];
    st->etag = (char *)s[3];
    st->last_modified = (char *)s[4];
    st->links = (char *)s[5];
    return 0;
}

/* ------------------------------------------------------------ open/close */

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *dir)
{
    int rc = SM_E_IO;
    char *path = xstrdup(dir);
    size_t len = strlen(path);
    struct stat sb;

    /* Walk every prefix ending before a '/', then the whole path. */
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0700) != 0) {
            int err = errno;
            /* EEXIST is the common case; EACCES or EROFS can also come
             * back for a directory that exists, so ask stat(). EEXIST for
             * what stat() cannot find is a symbolic link to nothing. */
            bool is_found = stat(path, &sb) == 0;
            if (!is_found || !S_ISDIR(sb.st_mode)) {
                log_error("index: cannot create %s: %s", path,
                          err != EEXIST ? strerror(err)
                          : is_found    ? strerror(ENOTDIR)
                                        : "a symbolic link to nothing");
                goto out;
            }
        }
        path[i] = saved;
    }
    rc = 0;
out:
    free(path);
    return rc;
}

/* The meta key that holds the on-disk format of the index, a JSON integer
 * (absent from indexes made before it was introduced, which are format 1).
 * It changes only when an older stacml could no longer read or write the
 * index correctly: a new crawl state version, a new meaning of a table. */
#define INDEX_FORMAT_KEY "format"
#define INDEX_FORMAT 1

/* Refuse an index made by a newer stacml: reading it could misread what we
 * do not know, and writing it would replace what the newer one wrote with
 * an older form. A writer marks an index without the key as ours. */
static int check_format(struct index *ix, enum index_mode mode)
{
    char *text = NULL;
    int rc = index_get_meta(ix, INDEX_FORMAT_KEY, &text);
    if (rc == SM_E_NOTFOUND && mode == INDEX_WRITE) {
        char now[16];
        snprintf(now, sizeof(now), "%d", INDEX_FORMAT);
        rc = index_put_meta(ix, INDEX_FORMAT_KEY, now);
        return rc != 0 ? rc : index_commit(ix);
    }
    if (rc == SM_E_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    char *end = NULL;
    long format = strtol(text, &end, 10);
    bool is_number = end != text && *end == '\0';
    free(text);
    if (!is_number)
        return store_corrupt(&ix->store, "index", "format is not a number");
    if (format > INDEX_FORMAT) {
        log_error("index %s: made by a newer stacml (index format %ld; this "
                  "one knows up to %d): use that stacml or a newer one",
                  ix->store.dir, format, INDEX_FORMAT);
        return SM_E_DB;
    }
    return 0;
}

int index_open(const char *dir, enum index_mode mode, struct index **out)
{
    int rc = SM_E_INVAL;
    struct index *ix = NULL;

    if (!out)
        return SM_E_INVAL;
    *out = NULL;
    if (!dir || !*dir)
        return SM_E_INVAL;
    if (mode == INDEX_WRITE) {
        rc = make_dirs(dir);
        if (rc != 0)
            goto out;
    }
    ix = xcalloc(1, sizeof(*ix));
    ix->batch_ops = INDEX_BATCH_DEFAULT;
    rc = store_open(&ix->store, dir, mode == INDEX_READ);
    if (rc != 0)
        goto out;
    rc = check_format(ix, mode);
    if (rc != 0) {
        /* Nothing is left staged: the one put was committed or dropped. */
        free(ix->ops);
        store_close(&ix->store);
        goto out;
    }
    *out = ix;
    ix = NULL;
out:
    free(ix);
    return rc;
}

void index_set_batch(struct index *ix, size_t ops)
{
    ix->batch_ops = ops > 0 ? ops : INDEX_BATCH_DEFAULT;
}

static void staged_free(struct staged *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ops[i].key);
        free(ops[i].keys);
        free(ops[i].val);
    }
}

static void staged_clear(struct index *ix)
{
    staged_free(ix->ops, ix->n_ops);
    ix->n_ops = 0;
    ix->staged_bytes = 0;
}

void index_close(struct index *ix)
{
    if (!ix)
        return;
    index_commit(ix);
    staged_clear(ix);
    free(ix->ops);
    store_close(&ix->store);
    free(ix);
}

/* ------------------------------------------------------------ writes */

static MDB_dbi records_dbi(const struct index *ix, enum index_table t)
{
    return ix->store
        .dbi[t == INDEX_DATASETS ? STORE_DBI_DATASETS : STORE_DBI_RECORDS];
}

static MDB_dbi keys_dbi(const struct index *ix, enum index_table t)
{
    return ix->store
        .dbi[t == INDEX_DATASETS ? STORE_DBI_DSKEYS : STORE_DBI_KEYS];
}

/* The next key of a KEY_SEP-joined list: false at its end, else the key
 * (possibly empty) in (*k, *n) and *list moved past it. */
static bool keys_next(const char **list, const char **k, size_t *n)
{
    if (!**list)
        return false;
    const char *end = strchr(*list, KEY_SEP);
    *k = *list;
    *n = end ? (size_t)(end - *list) : strlen(*list);
    *list = end ? end + 1 : *list + *n;
    return true;
}

/* Whether the KEY_SEP-joined list has the key (k, n). */
static bool keys_have(const char *list, const char *k, size_t n)
{
    const char *key;
    size_t len;
    while (keys_next(&list, &key, &len))
        if (len == n && memcmp(key, k, n) == 0)
            return true;
    return false;
}

/* The secondary-key writes of a batch, kept to be made in key order: a
 * record's keys go to leaves all over the B-trees, and made in staging
 * order they touch a page (and dirty a copy of it) per put; sorted, the
 * puts that share a leaf come together. */
struct pair_op {
    MDB_dbi dbi;
    bool put;
    size_t seq; /* staging order: a put and a delete of one pair keep it */
    size_t klen, vlen;
    char *bytes; /* key, then value */
};

struct pair_sink {
    struct pair_op *v;
    size_t n, cap;
};

static void sink_add(struct pair_sink *sk, MDB_dbi dbi, const MDB_val *k,
                     const MDB_val *v, bool put)
{
    if (sk->n == sk->cap) {
        sk->cap = sk->cap ? 2 * sk->cap : 1024;
        sk->v = xrealloc(sk->v, sk->cap * sizeof(*sk->v));
    }
    char *b = xmalloc(k->mv_size + v->mv_size);
    memcpy(b, k->mv_data, k->mv_size);
    memcpy(b + k->mv_size, v->mv_data, v->mv_size);
    sk->v[sk->n] = (struct pair_op){dbi, put, sk->n, k->mv_size, v->mv_size, b};
    sk->n++;
}

/* LMDB's default order for keys and for DUPSORT values: bytes, then the
 * shorter first. */
static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

static int pair_op_cmp(const void *pa, const void *pb)
{
    const struct pair_op *a = pa, *b = pb;
    if (a->dbi != b->dbi)
        return a->dbi < b->dbi ? -1 : 1;
    int c = bytes_cmp(a->bytes, a->klen, b->bytes, b->klen);
    if (!c)
        c = bytes_cmp(a->bytes + a->klen, a->vlen, b->bytes + b->klen, b->vlen);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Make the sink's writes, in key order, unless rc already says the batch
 * failed; empty it either way. Returns the batch's result. */
static int sink_flush(MDB_txn *txn, struct pair_sink *sk, int rc)
{
    if (rc == 0 && sk->n > 0)
        qsort(sk->v, sk->n, sizeof(*sk->v), pair_op_cmp);
    for (size_t i = 0; i < sk->n; i++) {
        struct pair_op *op = &sk->v[i];
        MDB_val k = {op->klen, op->bytes};
        MDB_val v = {op->vlen, op->bytes + op->klen};
        if (rc == 0)
            rc = op->put ? store_put(txn, op->dbi, &k, &v, MDB_NODUPDATA)
                         : store_del(txn, op->dbi, &k, &v);
        free(op->bytes);
    }
    free(sk->v);
    memset(sk, 0, sizeof(*sk));
    return rc;
}

/* Put (put = true) or delete in the DUPSORT table dbi the pair (key, val)
 * of every key of list that the other list lacks: now, or into sink when
 * there is one. Serves keys (val is the record key) and keyids (val is
 * record key NUL id). */
static int pairs_apply(MDB_txn *txn, struct pair_sink *sink, MDB_dbi dbi,
                       const char *list, const char *other, const MDB_val *val,
                       bool put)
{
    const char *key;
    size_t len;
    int rc = 0;
    while (rc == 0 && keys_next(&list, &key, &len)) {
        if (!len || keys_have(other, key, len))
            continue;
        struct store_key k;
        MDB_val v = *val;
        store_key_init(&k, key, len);
        if (sink)
            sink_add(sink, dbi, &k.val, &v, put);
        else
            rc = put ? store_put(txn, dbi, &k.val, &v, MDB_NODUPDATA)
                     : store_del(txn, dbi, &k.val, &v);
    }
    return rc;
}

/* Put (put = true) or delete, for record key rk, every key of list that
 * the other list lacks. */
static int keys_apply(struct index *ix, MDB_txn *txn, struct pair_sink *sink,
                      enum index_table t, const char *list, const char *other,
                      MDB_val *rk, bool put)
{
    return pairs_apply(txn, sink, keys_dbi(ix, t), list, other, rk, put);
}

_Static_assert(INDEX_KEY_DIRECT_MAX == STORE_KEY_DIRECT_MAX,
               "index.h and index-int.h agree on direct keys");

/* LMDB's bound on DUPSORT values, the same as on keys. */
#define KEYIDS_VALUE_MAX 511

static MDB_dbi keyids_dbi(const struct index *ix)
{
    return ix->store.dbi[STORE_DBI_KEYIDS];
}

/* The id in a keys list (the value of its "id=" key): *n bytes at the
 * result, or NULL and 0 when there is none. */
static const char *keys_id(const char *list, size_t *n)
{
    const char *key;
    size_t len;
    while (keys_next(&list, &key, &len)) {
        if (len >= 3 && memcmp(key, "id=", 3) == 0) {
            *n = len - 3;
            return key + 3;
        }
    }
    *n = 0;
    return NULL;
}

/* Put (put = true) or delete the keyids pair of every key of list that
 * the list other lacks (pass "" for all of them), for record key rk: the
 * value is rk NUL id, or rk NUL alone when the id does not fit. */
static int keyids_apply(MDB_txn *txn, struct pair_sink *sink, MDB_dbi dbi,
                        const char *list, const char *other, const MDB_val *rk,
                        bool put)
{
    char buf[KEYIDS_VALUE_MAX];
    size_t id_len, n = rk->mv_size;
    const char *id = keys_id(list, &id_len);
    memcpy(buf, rk->mv_data, n);
    buf[n++] = '\0';
    if (id && n + id_len <= sizeof(buf)) {
        memcpy(buf + n, id, id_len);
        n += id_len;
    }
    MDB_val v = {n, buf};
    return pairs_apply(txn, sink, dbi, list, other, &v, put);
}

int index_fill_keyids(struct store *st, MDB_txn *txn)
{
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    size_t filled = 0;
    int got, rc = store_cursor_open(txn, st->dbi[STORE_DBI_RECORDS], &cur);
    if (rc != 0)
        return rc;
    for (got = store_cursor_get(cur, &k, &v, MDB_FIRST); got == 0 && rc == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
        struct record_value rv;
        if (record_value_parse(st, &v, &rv) != 0)
            continue; /* skipped by every reader too */
        /* LMDB keeps a returned value valid only until the next update in
         * the transaction: copy the keys out before the puts. */
        char *keys = xstrdup(rv.keys);
        MDB_val rk = k;
        rc = keyids_apply(txn, NULL, st->dbi[STORE_DBI_KEYIDS], keys, "", &rk,
                          true);
        free(keys);
        filled++;
    }
    mdb_cursor_close(cur);
    if (rc == 0 && got != SM_E_NOTFOUND)
        rc = got;
    if (rc == 0 && filled > 0)
        log_info("index %s: upgraded: ids of %zu model records added", st->dir,
                 filled);
    return rc;
}

/* Apply one staged record: replace the value and keep its secondary keys
 * in step (old keys that are gone removed, new ones added). */
static int apply_record(struct index *ix, MDB_txn *txn, struct pair_sink *sink,
                        const struct staged *op)
{
    int rc = SM_E_DB;
    struct store_key k;
    MDB_val old, data;
    char *old_keys = NULL;

    store_key_init(&k, op->key, strlen(op->key));
    rc = store_get(txn, records_dbi(ix, op->table), &k.val, &old);
    if (rc == 0) {
        struct record_value rv;
        /* An undecodable old value is simply overwritten; only its keys,
         * if any, are left behind (and skipped by lookups). */
        if (record_value_parse(&ix->store, &old, &rv) == 0) {
            if (strcmp(rv.url, op->key) != 0)
                log_warn("index: %s replaces %s (same hashed key)", op->key,
                         rv.url);
            /* Copy out: the next write may reuse the page old points at. */
            old_keys = xstrdup(rv.keys);
        }
    } else if (rc != SM_E_NOTFOUND) {
        goto out;
    }
    bool is_model = op->table == INDEX_MODELS;
    /* The id is in every keyids value: when it changes, all pairs go; else
     * only those of the keys that changed (a re-harvest changes "run="). */
    const char *same_id = "";
    if (old_keys) {
        size_t n_old, n_new;
        const char *id_old = keys_id(old_keys, &n_old);
        const char *id_new = keys_id(op->keys, &n_new);
        if (n_old == n_new &&
            (n_old == 0 || memcmp(id_old, id_new, n_old) == 0))
            same_id = old_keys;
        rc = keys_apply(ix, txn, sink, op->table, old_keys, op->keys, &k.val,
                        false);
        if (rc == 0 && is_model)
            rc = keyids_apply(txn, sink, keyids_dbi(ix), old_keys,
                              same_id == old_keys ? op->keys : "", &k.val,
                              false);
        if (rc != 0)
            goto out;
    }
    data.mv_data = op->val;
    data.mv_size = op->len;
    rc = store_put(txn, records_dbi(ix, op->table), &k.val, &data, 0);
    if (rc != 0)
        goto out;
    rc = keys_apply(ix, txn, sink, op->table, op->keys,
                    old_keys ? old_keys : "", &k.val, true);
    if (rc == 0 && is_model)
        rc = keyids_apply(txn, sink, keyids_dbi(ix), op->keys, same_id, &k.val,
                          true);
out:
    free(old_keys);
    return rc;
}

/* A batch of staged writes on its way into LMDB. */
struct batch {
    const struct index *ix;
    struct staged *ops;
    size_t n;
};

/* The store_write() callback: the whole batch, in staging order. */
static int apply_batch(void *ctx, MDB_txn *txn)
{
    const struct batch *b = ctx;
    struct index *ix = (struct index *)b->ix;
    struct pair_sink sink = {0};
    int rc = 0;

    for (size_t i = 0; i < b->n && rc == 0; i++) {
        const struct staged *op = &b->ops[i];
        struct store_key k;
        MDB_val data = {.mv_size = op->len, .mv_data = op->val};

        store_key_init(&k, op->key, strlen(op->key));
        switch (op->kind) {
        case STAGED_RECORD:
            rc = apply_record(ix, txn, &sink, op);
            break;
        case STAGED_CRAWL:
            rc = store_put(txn, ix->store.dbi[STORE_DBI_CRAWL], &k.val, &data,
                           0);
            break;
        case STAGED_META:
            rc =
                store_put(txn, ix->store.dbi[STORE_DBI_META], &k.val, &data, 0);
            break;
        }
    }
    return sink_flush(txn, &sink, rc);
}

/* A failed batch is dropped: the index keeps its last committed state,
 * and retrying a batch that LMDB refused would fail again. */
static void batch_report(const struct batch *b, int rc)
{
    if (rc != 0)
        log_warn("index %s: %zu staged writes dropped", b->ix->store.dir, b->n);
}

/* Remember the first failed batch. From then on every batch is dropped
 * too: committing a later batch could store the crawl state of a document
 * whose record was in the failed one, and a resumed run would then skip
 * that document and never store its record. */
static int batch_failed(struct index *ix, int rc)
{
    if (rc != 0 && ix->write_rc == 0)
        ix->write_rc = rc;
    return ix->write_rc;
}

/* A batch staged after a failure: dropped, with the first failure. */
static int batch_refuse(struct index *ix)
{
    log_warn("index %s: %zu staged writes dropped after an earlier failure",
             ix->store.dir, ix->n_ops);
    staged_clear(ix);
    return ix->write_rc;
}

/* The store_write_async() callback, on the writer thread. */
static void batch_done(void *ctx, int rc)
{
    struct batch *b = ctx;
    batch_report(b, rc);
    staged_free(b->ops, b->n);
    free(b->ops);
    free(b);
}

int index_commit(struct index *ix)
{
    if (!ix)
        return SM_E_INVAL;
    if (ix->store.rdepth > 0) {
        /* Keep the batch: the caller may commit after the iteration. */
        if (ix->n_ops == 0)
            return 0;
        log_error("index: commit from inside a foreach callback");
        return SM_E_DB;
    }
    /* First the batch the writer thread may still be on, then this one. */
    int rc = batch_failed(ix, store_wait(&ix->store));
    if (rc != 0 && ix->n_ops > 0)
        return batch_refuse(ix);
    if (rc != 0 || ix->n_ops == 0)
        return rc;
    struct batch b = {ix, ix->ops, ix->n_ops};
    int rc_now = store_write(&ix->store, apply_batch, &b);
    batch_report(&b, rc_now);
    staged_clear(ix);
    return batch_failed(ix, rc_now);
}

/* Hand the batch to the writer thread and start a new one: the caller
 * stages the next batch while this one is written. Returns the result of
 * the batch before it (0 when that one went well). */
static int index_commit_async(struct index *ix)
{
    int rc = batch_failed(ix, store_wait(&ix->store));
    if (rc != 0)
        return batch_refuse(ix);
    struct batch *b = xmalloc(sizeof(*b));
    *b = (struct batch){ix, ix->ops, ix->n_ops};
    ix->ops = NULL;
    ix->n_ops = ix->cap_ops = 0;
    ix->staged_bytes = 0;
    return batch_failed(
        ix, store_write_async(&ix->store, apply_batch, b, batch_done));
}

/* Append a write to the batch (taking ownership of key, id and val) and
 * commit when the batch is large, unless a foreach is running: then the
 * commit waits for the next put or index_commit(). */
static int stage(struct index *ix, enum staged_kind kind,
                 enum index_table table, char *key, char *keys, char *val,
                 size_t len)
{
    if (ix->n_ops == ix->cap_ops) {
        ix->cap_ops = ix->cap_ops ? ix->cap_ops * 2 : 64;
        ix->ops = xrealloc(ix->ops, ix->cap_ops * sizeof(*ix->ops));
    }
    ix->ops[ix->n_ops++] = (struct staged){.kind = kind,
                                           .table = table,
                                           .key = key,
                                           .keys = keys,
                                           .val = val,
                                           .len = len};
    ix->staged_bytes += len + strlen(key);
    if (ix->store.rdepth > 0)
        return 0;
    if (ix->n_ops >= ix->batch_ops || ix->staged_bytes >= INDEX_BATCH_BYTES)
        return index_commit_async(ix);
    return 0;
}

/* Argument checks shared by the puts; SM_E_INVAL (logged when the index is
 * read-only, which is a programming error rather than bad data). */
static int check_writable(const struct index *ix, const char *key)
{
    if (!ix || !key || !*key)
        return SM_E_INVAL;
    if (ix->store.is_readonly) {
        log_error("index %s: opened read-only", ix->store.dir);
        return SM_E_INVAL;
    }
    return 0;
}

/* Join the usable keys (non-empty, without NUL or KEY_SEP, at most
 * KEYS_MAX of them) into one new string. */
static char *keys_join(const char *const *keys, size_t n_keys)
{
    size_t n = 1, used = 0;
    for (size_t i = 0; i < n_keys; i++)
        n += strlen(keys[i]) + 1;
    char *out = xmalloc(n), *p = out;
    for (size_t i = 0; i < n_keys && used < KEYS_MAX; i++) {
        size_t len = strlen(keys[i]);
        if (len == 0 || memchr(keys[i], KEY_SEP, len))
            continue;
        if (used++)
            *p++ = KEY_SEP;
        memcpy(p, keys[i], len);
        p += len;
    }
    *p = '\0';
    return out;
}

int index_put(struct index *ix, enum index_table table, const char *url,
              const char *const *keys, size_t n_keys, const char *json,
              size_t len)
{
    int rc = check_writable(ix, url);
    if (rc != 0)
        return rc;
    if ((!json && len > 0) || (!keys && n_keys > 0))
        return SM_E_INVAL;

    char *joined = keys_join(keys, n_keys);
    size_t url_len = strlen(url), keys_len = strlen(joined);
    size_t n = url_len + 1 + keys_len + 1 + len + 1;
    char *val = xmalloc(n);
    char *p = val;
    memcpy(p, url, url_len + 1);
    p += url_len + 1;
    memcpy(p, joined, keys_len + 1);
    p += keys_len + 1;
    if (len > 0)
        memcpy(p, json, len);
    p[len] = '\0';
    return stage(ix, STAGED_RECORD, table, xstrdup(url), joined, val, n);
}

int index_put_record(struct index *ix, const char *url, const char *id,
                     const char *json, size_t len)
{
    char *key = xasprintf("id=%s", id ? id : "");
    const char *keys[] = {key};
    int rc =
        index_put(ix, INDEX_MODELS, url, keys, id && *id ? 1 : 0, json, len);
    free(key);
    return rc;
}

int index_put_crawl(struct index *ix, const char *url,
                    const struct crawl_state *st)
{
    int rc = check_writable(ix, url);
    if (rc != 0)
        return rc;
    if (!st)
        return SM_E_INVAL;
    size_t n;
    char *val = crawl_encode(url, st, &n);
    if (!val)
        return SM_E_INVAL;
    return stage(ix, STAGED_CRAWL, INDEX_MODELS, xstrdup(url), NULL, val, n);
}

int index_put_meta(struct index *ix, const char *key, const char *json)
{
    int rc = check_writable(ix, key);
    if (rc != 0)
        return rc;
    if (!json)
        return SM_E_INVAL;
    size_t n = strlen(json);
    return stage(ix, STAGED_META, INDEX_MODELS, xstrdup(key), NULL,
                 xstrndup(json, n), n);
}

/* ------------------------------------------------------------ reads */

/* Copy (p, n) into new memory with a terminating NUL. */
static char *copy_out(const void *p, size_t n)
{
    char *s = xmalloc(n + 1);
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* index_get() over index_get_entry(): the JSON copied out of the map. */
struct json_copy {
    char *json;
    size_t len;
};

static int on_entry_copy(void *ctx, const char *url, const char *keys,
                         const char *json, size_t len)
{
    struct json_copy *c = ctx;
    c->json = copy_out(json, len);
    c->len = len;
    return 0;
}

int index_get(struct index *ix, enum index_table table, const char *url,
              char **json, size_t *len)
{
    struct json_copy c = {NULL, 0};
    int rc;

    if (json)
        *json = NULL;
    if (len)
        *len = 0;
    if (!json)
        return SM_E_INVAL;
    rc = index_get_entry(ix, table, url, on_entry_copy, &c);
    if (rc != 0)
        return rc;
    *json = c.json;
    if (len)
        *len = c.len;
    return 0;
}

int index_get_crawl(struct index *ix, const char *url, struct crawl_state *st)
{
    int rc = SM_E_INVAL;
    MDB_txn *txn = NULL;
    struct store_key k;
    struct crawl_state found;
    const char *found_url;
    MDB_val v;

    if (st)
        memset(st, 0, sizeof(*st));
    if (!ix || !url || !*url || !st)
        return SM_E_INVAL;
    store_key_init(&k, url, strlen(url));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_get(txn, ix->store.dbi[STORE_DBI_CRAWL], &k.val, &v);
    if (rc != 0)
        goto out;
    rc = crawl_decode(ix, &v, &found_url, &found);
    if (rc != 0)
        goto out;
    if (strcmp(found_url, url) != 0) {
        rc = SM_E_NOTFOUND;
        goto out;
    }
    /* The strings point into the map: copy them before the read ends. */
    st->fetched_at = found.fetched_at;
    st->http_status = found.http_status;
    st->error = found.error;
    st->reason = found.reason ? xstrdup(found.reason) : NULL;
    st->source = found.source ? xstrdup(found.source) : NULL;
    st->etag = found.etag ? xstrdup(found.etag) : NULL;
    st->last_modified =
        found.last_modified ? xstrdup(found.last_modified) : NULL;
    st->run = found.run;
    st->flags = found.flags;
    st->links = found.links ? xstrdup(found.links) : NULL;
out:
    store_read_end(&ix->store);
    return rc;
}

int index_get_meta(struct index *ix, const char *key, char **json)
{
    int rc = SM_E_INVAL;
    MDB_txn *txn = NULL;
    struct store_key k;
    MDB_val v;

    if (json)
        *json = NULL;
    if (!ix || !key || !*key || !json)
        return SM_E_INVAL;
    store_key_init(&k, key, strlen(key));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_get(txn, ix->store.dbi[STORE_DBI_META], &k.val, &v);
    if (rc == 0)
        *json = copy_out(v.mv_data, v.mv_size);
    store_read_end(&ix->store);
    return rc;
}

int index_get_record(struct index *ix, const char *url, char **json,
                     size_t *len)
{
    return index_get(ix, INDEX_MODELS, url, json, len);
}

/* index_foreach() over index_foreach_entry(): the record callback without
 * the keys. */
struct record_adapter {
    index_record_cb cb;
    void *ctx;
};

static int on_entry_as_record(void *ctx, const char *url, const char *keys,
                              const char *json, size_t len)
{
    const struct record_adapter *a = ctx;
    return a->cb(a->ctx, url, json, len);
}

int index_foreach(struct index *ix, enum index_table table, index_record_cb cb,
                  void *ctx)
{
    if (!cb)
        return SM_E_INVAL;
    struct record_adapter a = {cb, ctx};
    return index_foreach_entry(ix, table, on_entry_as_record, &a);
}

int index_foreach_record(struct index *ix, index_record_cb cb, void *ctx)
{
    return index_foreach(ix, INDEX_MODELS, cb, ctx);
}

/* The records under a secondary key, for either kind of callback. */
static int foreach_key(struct index *ix, enum index_table table,
                       const char *key, index_record_cb cb, index_entry_cb ecb,
                       void *ctx)
{
    int rc = SM_E_INVAL;
    int got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    struct store_key sk;
    MDB_val k, v;

    if (!ix || !key || (!cb && !ecb))
        return SM_E_INVAL;
    if (!*key)
        return 0; /* empty keys are not indexed */
    store_key_init(&sk, key, strlen(key));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, keys_dbi(ix, table), &cur);
    if (rc != 0)
        goto out;
    k = sk.val;
    for (got = store_cursor_get(cur, &k, &v, MDB_SET_KEY); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
        MDB_val rec;
        struct record_value rv;
        /* v is the record's key. Going through the record gives the full
         * URL and checks the key, which a hashed key cannot promise. */
        rc = store_get(txn, records_dbi(ix, table), &v, &rec);
        if (rc == SM_E_NOTFOUND)
            continue;
        if (rc != 0)
            goto out;
        rc = record_value_parse(&ix->store, &rec, &rv);
        if (rc != 0)
            goto out;
        if (!keys_have(rv.keys, key, strlen(key)))
            continue;
        rc = cb ? cb(ctx, rv.url, rv.json, rv.len)
                : ecb(ctx, rv.url, rv.keys, rv.json, rv.len);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return rc;
}

int index_foreach_key(struct index *ix, enum index_table table, const char *key,
                      index_record_cb cb, void *ctx)
{
    return foreach_key(ix, table, key, cb, NULL, ctx);
}

int index_foreach_key_entry(struct index *ix, enum index_table table,
                            const char *key, index_entry_cb cb, void *ctx)
{
    return foreach_key(ix, table, key, NULL, cb, ctx);
}

int index_foreach_id(struct index *ix, const char *id, index_record_cb cb,
                     void *ctx)
{
    if (!ix || !id || !cb)
        return SM_E_INVAL;
    if (!*id)
        return 0;
    char *key = xasprintf("id=%s", id);
    int rc = index_foreach_key(ix, INDEX_MODELS, key, cb, ctx);
    free(key);
    return rc;
}

int index_foreach_crawl(struct index *ix, index_crawl_cb cb, void *ctx)
{
    int rc = SM_E_INVAL;
    int got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;

    if (!ix || !cb)
        return SM_E_INVAL;
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, ix->store.dbi[STORE_DBI_CRAWL], &cur);
    if (rc != 0)
        goto out;
    for (got = store_cursor_get(cur, &k, &v, MDB_FIRST); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
        struct crawl_state st;
        const char *url;
        rc = crawl_decode(ix, &v, &url, &st);
        if (rc != 0)
            goto out;
        rc = cb(ctx, url, &st);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return rc;
}

size_t index_count_records(struct index *ix)
{
    return index_count(ix, INDEX_MODELS);
}

size_t index_count_crawl(struct index *ix)
{
    MDB_txn *txn = NULL;
    size_t n = 0;

    if (!ix || store_read_begin(&ix->store, &txn) != 0)
        return 0;
    store_count(txn, ix->store.dbi[STORE_DBI_CRAWL], &n);
    store_read_end(&ix->store);
    return n;
}

size_t index_count(struct index *ix, enum index_table table)
{
    MDB_txn *txn = NULL;
    size_t n = 0;

    if (!ix)
        return 0;
    if (store_read_begin(&ix->store, &txn) != 0)
        return 0;
    store_count(txn, records_dbi(ix, table), &n);
    store_read_end(&ix->store);
    return n;
}

int index_foreach_meta(struct index *ix, const char *prefix, index_record_cb cb,
                       void *ctx)
{
    int rc = SM_E_INVAL;
    int got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    size_t n = prefix ? strlen(prefix) : 0;

    if (!ix || !prefix || !cb || n > STORE_KEY_DIRECT_MAX)
        return SM_E_INVAL;
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, ix->store.dbi[STORE_DBI_META], &cur);
    if (rc != 0)
        goto out;
    k.mv_data = (void *)prefix;
    k.mv_size = n;
    for (got = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
        /* A key stored hashed is in the range too: its first 400 bytes
         * are the key's. */
        if (k.mv_size < n || memcmp(k.mv_data, prefix, n) != 0)
            break;
        char *key = copy_out(k.mv_data, k.mv_size);
        char *val = copy_out(v.mv_data, v.mv_size);
        rc = cb(ctx, key, val, v.mv_size);
        free(key);
        free(val);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND || got == 0 ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return rc;
}

const char *index_keys_id(const char *keys, size_t *n)
{
    *n = 0;
    return keys ? keys_id(keys, n) : NULL;
}

bool index_keys_have(const char *keys, const char *key)
{
    return keys && key && keys_have(keys, key, strlen(key));
}

int index_foreach_entry(struct index *ix, enum index_table table,
                        index_entry_cb cb, void *ctx)
{
    int rc = SM_E_INVAL;
    int got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;

    if (!ix || !cb)
        return SM_E_INVAL;
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, records_dbi(ix, table), &cur);
    if (rc != 0)
        goto out;
    /* got and rc stay apart: a callback may return any non-zero value,
     * SM_E_NOTFOUND included, and that value must reach the caller. */
    for (got = store_cursor_get(cur, &k, &v, MDB_FIRST); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
        struct record_value rv;
        rc = record_value_parse(&ix->store, &v, &rv);
        if (rc != 0)
            goto out;
        rc = cb(ctx, rv.url, rv.keys, rv.json, rv.len);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return rc;
}

int index_get_entry(struct index *ix, enum index_table table, const char *url,
                    index_entry_cb cb, void *ctx)
{
    int rc;
    MDB_txn *txn = NULL;
    struct store_key k;
    struct record_value rv;
    MDB_val v;

    if (!ix || !url || !*url || !cb)
        return SM_E_INVAL;
    store_key_init(&k, url, strlen(url));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_get(txn, records_dbi(ix, table), &k.val, &v);
    if (rc == 0)
        rc = record_value_parse(&ix->store, &v, &rv);
    if (rc == 0 && strcmp(rv.url, url) != 0)
        rc = SM_E_NOTFOUND;
    if (rc == 0)
        rc = cb(ctx, rv.url, rv.keys, rv.json, rv.len);
    store_read_end(&ix->store);
    return rc;
}

/* The URL behind a record key: the key itself when it is direct, else the
 * one stored in the record (long URLs are hashed). New string or NULL. */
static char *record_key_url(struct index *ix, MDB_txn *txn,
                            enum index_table table, const MDB_val *rk)
{
    if (rk->mv_size <= STORE_KEY_DIRECT_MAX)
        return copy_out(rk->mv_data, rk->mv_size);
    MDB_val rec;
    struct record_value rv;
    MDB_val k = *rk;
    if (store_get(txn, records_dbi(ix, table), &k, &rec) != 0 ||
        record_value_parse(&ix->store, &rec, &rv) != 0)
        return NULL;
    return xstrdup(rv.url);
}

bool index_has_keyids(const struct index *ix)
{
    return ix && ix->store.has_keyids;
}

bool index_is_unlocked(const struct index *ix)
{
    return ix && ix->store.is_unlocked;
}

/* One other key's list of a keyids query, walked alongside the first:
 * both are sorted the same way (LMDB's default order of duplicates,
 * memcmp then length), so each candidate is found by stepping forward a
 * little or, after a gap, seeking. The lists are read once, in order. */
struct keyids_list {
    MDB_cursor *cur;
    struct store_key key;
    MDB_val at;   /* the current value */
    bool is_done; /* past its last value */
};

static int dup_cmp(const MDB_val *a, const MDB_val *b)
{
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int c = memcmp(a->mv_data, b->mv_data, n);
    if (c != 0)
        return c;
    return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static int keyids_list_open(struct index *ix, MDB_txn *txn, const char *key,
                            struct keyids_list *l)
{
    int rc = store_cursor_open(txn, keyids_dbi(ix), &l->cur);
    if (rc != 0)
        return rc;
    /* The list lives in a struct that does not move, so a direct key may
     * keep pointing at the caller's string (alive for the whole query). */
    store_key_init(&l->key, key, strlen(key));
    MDB_val k = l->key.val;
    rc = store_cursor_get(l->cur, &k, &l->at, MDB_SET_KEY);
    l->is_done = rc != 0;
    return rc == SM_E_NOTFOUND ? 0 : rc;
}

/* Whether the list holds v; v only grows from one call to the next. */
static bool keyids_list_has(struct keyids_list *l, const MDB_val *v)
{
    for (int step = 0; !l->is_done && dup_cmp(&l->at, v) < 0; step++) {
        MDB_val k = l->key.val, want = *v;
        int got = step < 8
                      ? store_cursor_get(l->cur, &k, &l->at, MDB_NEXT_DUP)
                      : store_cursor_get(l->cur, &k, &want, MDB_GET_BOTH_RANGE);
        if (got == 0 && step >= 8)
            l->at = want;
        l->is_done = got != 0;
    }
    return !l->is_done && dup_cmp(&l->at, v) == 0;
}

/* The other keys of a keyids query: the lists of also[] and of skip, and
 * one probe cursor shared by the any[] keys (an OR, rarely used). */
struct keyids_probes {
    struct keyids_list also[8];
    struct keyids_list skip;
    MDB_cursor *any;
};

/* Whether the any[] key holds v; cur is a keyids cursor. */
static bool keyids_has(MDB_cursor *cur, const char *key, const MDB_val *v)
{
    struct store_key k;
    store_key_init(&k, key, strlen(key));
    MDB_val pv = *v;
    return store_cursor_get(cur, &k.val, &pv, MDB_GET_BOTH) == 0;
}

/* Whether the model with keyids value v passes q's other keys. */
static bool keyids_admit(struct keyids_probes *pr,
                         const struct index_key_query *q, const MDB_val *v)
{
    for (size_t i = 0; i < q->n_also; i++)
        if (!keyids_list_has(&pr->also[i], v))
            return false;
    if (q->skip && keyids_list_has(&pr->skip, v))
        return false;
    if (q->n_any == 0)
        return true;
    for (size_t i = 0; i < q->n_any; i++)
        if (keyids_has(pr->any, q->any[i], v))
            return true;
    return false;
}

static int keyids_probes_open(struct index *ix, MDB_txn *txn,
                              const struct index_key_query *q,
                              struct keyids_probes *pr)
{
    int rc = 0;
    memset(pr, 0, sizeof(*pr));
    if (q->n_also > sizeof(pr->also) / sizeof(pr->also[0]))
        return SM_E_INVAL;
    for (size_t i = 0; i < q->n_also && rc == 0; i++)
        rc = keyids_list_open(ix, txn, q->also[i], &pr->also[i]);
    if (rc == 0 && q->skip)
        rc = keyids_list_open(ix, txn, q->skip, &pr->skip);
    if (rc == 0)
        rc = store_cursor_open(txn, keyids_dbi(ix), &pr->any);
    return rc;
}

static void keyids_probes_close(struct keyids_probes *pr)
{
    for (size_t i = 0; i < sizeof(pr->also) / sizeof(pr->also[0]); i++)
        if (pr->also[i].cur)
            mdb_cursor_close(pr->also[i].cur);
    if (pr->skip.cur)
        mdb_cursor_close(pr->skip.cur);
    if (pr->any)
        mdb_cursor_close(pr->any);
}

/* Report one keyids value: the URL from the record key (or the record, for
 * a hashed one) and the id beside it (or from the record, when it did not
 * fit). */
static int keyids_report(struct index *ix, MDB_txn *txn, const MDB_val *v,
                         index_id_cb cb, void *ctx)
{
    const char *p = v->mv_data;
    const char *nul = memchr(p, '\0', v->mv_size);
    if (!nul)
        return store_corrupt(&ix->store, "keyids", "no NUL");
    MDB_val rk = {(size_t)(nul - p), (void *)p};
    size_t id_len = v->mv_size - rk.mv_size - 1;
    char *url = record_key_url(ix, txn, INDEX_MODELS, &rk);
    char *id = NULL;
    if (id_len > 0) {
        id = copy_out(nul + 1, id_len);
    } else {
        MDB_val rec;
        struct record_value rv;
        size_t n = 0;
        const char *in = NULL;
        if (store_get(txn, records_dbi(ix, INDEX_MODELS), &rk, &rec) == 0 &&
            record_value_parse(&ix->store, &rec, &rv) == 0)
            in = keys_id(rv.keys, &n);
        id = copy_out(in ? in : "", n);
    }
    int rc = url ? cb(ctx, url, id) : 0;
    free(url);
    free(id);
    return rc;
}

int index_foreach_key_id(struct index *ix, const struct index_key_query *q,
                         index_id_cb cb, void *ctx)
{
    int rc, got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    struct keyids_probes pr = {0};
    struct store_key sk;
    MDB_val k, v;

    if (!ix || !q || !q->key || !cb || !ix->store.has_keyids)
        return SM_E_INVAL;
    store_key_init(&sk, q->key, strlen(q->key));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, keyids_dbi(ix), &cur);
    if (rc == 0)
        rc = keyids_probes_open(ix, txn, q, &pr);
    if (rc != 0)
        goto out;
    k = sk.val;
    for (got = store_cursor_get(cur, &k, &v, MDB_SET_KEY); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
        if (!keyids_admit(&pr, q, &v))
            continue;
        rc = keyids_report(ix, txn, &v, cb, ctx);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    keyids_probes_close(&pr);
    store_read_end(&ix->store);
    return rc;
}

int index_foreach_key_without(struct index *ix, enum index_table table,
                              const char *in_key, const char *out_key,
                              index_record_cb cb, void *ctx)
{
    int rc, got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL, *probe = NULL;
    struct store_key ik, ok;
    MDB_val k, v;

    if (!ix || !in_key || !out_key || !cb)
        return SM_E_INVAL;
    store_key_init(&ik, in_key, strlen(in_key));
    store_key_init(&ok, out_key, strlen(out_key));
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, keys_dbi(ix, table), &cur);
    if (rc == 0)
        rc = store_cursor_open(txn, keys_dbi(ix, table), &probe);
    if (rc != 0)
        goto out;
    k = ik.val;
    for (got = store_cursor_get(cur, &k, &v, MDB_SET_KEY); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
        MDB_val pk = ok.val, pv = v;
        if (store_cursor_get(probe, &pk, &pv, MDB_GET_BOTH) == 0)
            continue; /* has out_key */
        char *url = record_key_url(ix, txn, table, &v);
        rc = url ? cb(ctx, url, NULL, 0) : 0;
        free(url);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    if (probe)
        mdb_cursor_close(probe);
    store_read_end(&ix->store);
    return rc;
}

size_t index_count_key(struct index *ix, enum index_table table,
                       const char *key)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    struct store_key sk;
    MDB_val k, v;
    size_t n = 0;

    if (!ix || !key || !*key || store_read_begin(&ix->store, &txn) != 0)
        return 0;
    store_key_init(&sk, key, strlen(key));
    k = sk.val;
    if (store_cursor_open(txn, keys_dbi(ix, table), &cur) == 0 &&
        store_cursor_get(cur, &k, &v, MDB_SET_KEY) == 0 &&
        mdb_cursor_count(cur, &n) != 0)
        n = 0;
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return (size_t)n;
}

/* The full text of a secondary key stored hashed (k), read from the keys
 * of the record its first value names (v): a new string, or NULL when
 * that record does not hold it. */
static char *hashed_key_text(struct index *ix, enum index_table table,
                             MDB_txn *txn, const MDB_val *k, MDB_val *v)
{
    MDB_val rec;
    struct record_value rv;
    const char *list, *key;
    size_t len;
    if (store_get(txn, records_dbi(ix, table), v, &rec) != 0 ||
        record_value_parse(&ix->store, &rec, &rv) != 0)
        return NULL;
    for (list = rv.keys; keys_next(&list, &key, &len);) {
        struct store_key sk;
        if (len <= STORE_KEY_DIRECT_MAX)
            continue;
        store_key_init(&sk, key, len);
        if (sk.val.mv_size == k->mv_size &&
            memcmp(sk.val.mv_data, k->mv_data, k->mv_size) == 0)
            return copy_out(key, len);
    }
    return NULL;
}

int index_foreach_key_count(struct index *ix, enum index_table table,
                            const char *prefix,
                            int (*cb)(void *ctx, const char *key, size_t n),
                            void *ctx)
{
    int rc, got;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    size_t plen = prefix ? strlen(prefix) : 0;

    if (!ix || !prefix || !cb || plen > STORE_KEY_DIRECT_MAX)
        return SM_E_INVAL;
    rc = store_read_begin(&ix->store, &txn);
    if (rc != 0)
        return rc;
    rc = store_cursor_open(txn, keys_dbi(ix, table), &cur);
    if (rc != 0)
        goto out;
    k.mv_data = (void *)prefix;
    k.mv_size = plen;
    for (got = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); got == 0;
         got = store_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
        if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
            break;
        size_t n = 0;
        if (mdb_cursor_count(cur, &n) != 0)
            n = 0;
        /* A key longer than STORE_KEY_DIRECT_MAX is stored as its start
         * and a hash: name it as it was written (a long source URL). */
        char *key = k.mv_size > STORE_KEY_DIRECT_MAX
                        ? hashed_key_text(ix, table, txn, &k, &v)
                        : NULL;
        if (!key)
            key = copy_out(k.mv_data, k.mv_size);
        rc = cb(ctx, key, n);
        free(key);
        if (rc != 0)
            goto out;
    }
    rc = got == SM_E_NOTFOUND || got == 0 ? 0 : got;
out:
    if (cur)
        mdb_cursor_close(cur);
    store_read_end(&ix->store);
    return rc;
}
