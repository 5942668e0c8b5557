/* SPDX-License-Identifier: MIT */
/* The LMDB wrapper of the index: one environment per directory, its four
 * named databases, short read transactions, batched write transactions that
 * grow the map when it fills up, and the key scheme for long keys. This is
 * the only file that turns MDB_* codes into SM_E_* and logs mdb_strerror();
 * it knows nothing about what the values mean (that is index.c). */
#include <config.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include "index/index-int.h"
#include "src/err.h"
#include "src/log.h"
#include "src/thread.h"
#include "src/xalloc.h"

/* A new map starts this large and doubles when full. The map is address
 * space, not disk (the file grows only with the data), but it is kept
 * modest so 32-bit hosts cope and the tests reach the growth path with
 * ~150 MiB of data. */
#define STORE_MAP_INITIAL ((size_t)64 << 20)

/* Growth stops at 1 TiB, or at a quarter of the address space where that
 * is less (32-bit hosts): past it a full map is a real error, not a reason
 * to double again. */
#define STORE_MAP_MAX_64 (UINT64_C(1) << 40)

/* Another process may grow the map between two of our transactions
 * (MDB_MAP_RESIZED); adopting its size and retrying is always enough, but
 * bound the retries so a pathological race cannot spin forever. */
#define STORE_RESIZE_RETRIES 8

/* A writer lets go of the pages it mapped after this many read
 * transactions without a commit (see store_read_end()). */
#define STORE_SHED_READS 1024
/* ... and every so many cursor steps of one of its walks (a reader's
 * too): a step may pass a record of many KB ... */
#define STORE_SHED_STEPS 2048
/* ... and every this many puts of a write transaction. */
#define STORE_SHED_PUTS 1024
/* ... and only when its file-backed resident pages exceed this. */
#define STORE_SHED_BYTES ((unsigned long)32 << 20)

static void writer_stop(struct store *st);

static const char *const dbi_names[STORE_NDBI] = {
    [STORE_DBI_RECORDS] = "records",   [STORE_DBI_KEYS] = "keys",
    [STORE_DBI_DATASETS] = "datasets", [STORE_DBI_DSKEYS] = "dskeys",
    [STORE_DBI_CRAWL] = "crawl",       [STORE_DBI_META] = "meta",
    [STORE_DBI_KEYIDS] = "keyids",
};

/* Log what failed with LMDB's words and return SM_E_DB. */
static int store_err(const char *what, int mrc)
{
    log_error("index: %s: %s", what, mdb_strerror(mrc));
    return SM_E_DB;
}

/* A commit that fails with this little room left on the file system
 * failed because the disk is full. */
#define STORE_LOW_SPACE ((uint64_t)1 << 20)

/* A failed commit. LMDB turns a short write, which is how a full disk
 * usually shows, into EIO ("Input/output error"), so look at the file
 * system before blaming the hardware, and say which index it was. */
static int store_commit_err(const struct store *st, int mrc)
{
    struct statvfs vfs;
    bool is_write_err = mrc == EIO || mrc == ENOSPC || mrc == EDQUOT;
    if (is_write_err && statvfs(st->dir, &vfs) == 0 &&
        (uint64_t)vfs.f_bavail * vfs.f_frsize < STORE_LOW_SPACE) {
        log_error("index %s: commit: the file system is full (%s); nothing "
                  "of this batch was written",
                  st->dir, mdb_strerror(mrc));
        return SM_E_IO;
    }
    log_error("index %s: commit: %s", st->dir, mdb_strerror(mrc));
    return is_write_err ? SM_E_IO : SM_E_DB;
}

int store_corrupt(const struct store *st, const char *what, const char *why)
{
    log_error("index %s: corrupt %s: %s", st ? st->dir : "?", what, why);
    return SM_E_DB;
}

/* 64-bit FNV-1a: tiny, stable across hosts and releases (it is part of the
 * on-disk format), and collisions only matter within one 400-byte prefix. */
static uint64_t fnv1a64(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void store_key_init(struct store_key *k, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";

    if (len <= STORE_KEY_DIRECT_MAX) {
        k->val.mv_data = (void *)s;
        k->val.mv_size = len;
        k->is_hashed = false;
        return;
    }
    uint64_t h = fnv1a64(s, len);
    memcpy(k->buf, s, STORE_KEY_DIRECT_MAX);
    k->buf[STORE_KEY_DIRECT_MAX] = '#';
    for (int i = 0; i < 16; i++)
        k->buf[STORE_KEY_DIRECT_MAX + 1 + i] = hex[(h >> (60 - 4 * i)) & 0xf];
    k->val.mv_data = k->buf;
    k->val.mv_size = STORE_KEY_HASHED_LEN;
    k->is_hashed = true;
}

/* errno values mean the file system said no (SM_E_IO); MDB_* codes, which
 * are all negative, mean LMDB did not like what it found (SM_E_DB). */
static int store_open_err(const char *dir, int mrc)
{
    log_error("index %s: cannot open: %s", dir, mdb_strerror(mrc));
    return mrc < 0 ? SM_E_DB : SM_E_IO;
}

/* Create and open the environment with flags; on failure st->env is NULL
 * and the LMDB (or errno) code is returned, not yet logged. */
static int store_env_open(struct store *st, unsigned flags)
{
    int mrc = mdb_env_create(&st->env);
    if (mrc != 0) {
        st->env = NULL;
        return mrc;
    }
    mrc = mdb_env_set_maxdbs(st->env, STORE_NDBI);
    if (mrc == 0)
        mrc = mdb_env_set_userctx(st->env, st); /* for store_cursor_get() */
    if (mrc == 0)
        mrc = mdb_env_open(st->env, st->dir, flags, 0600);
    if (mrc != 0) {
        /* lmdb.h: after a failed mdb_env_open() the handle must be closed */
        mdb_env_close(st->env);
        st->env = NULL;
    }
    return mrc;
}

/* In read mode an absent directory or data file means "no index yet":
 * SM_E_NOTFOUND, which the CLI turns into a clear message. An empty
 * data.mdb counts as absent, since LMDB would try to initialise it (and so
 * does an environment that holds nothing: see store_is_blank()). */
static int store_check_exists(const char *dir)
{
    struct stat sb;
    char *path = NULL;
    int rc = SM_E_NOTFOUND;

    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            goto io_error;
        goto out;
    }
    if (!S_ISDIR(sb.st_mode))
        goto out;
    path = xasprintf("%s/data.mdb", dir);
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            goto io_error;
        goto out;
    }
    if (sb.st_size == 0)
        goto out;
    rc = 0;
    goto out;
io_error:
    log_error("index %s: %s", dir, strerror(errno));
    rc = SM_E_IO;
out:
    free(path);
    return rc;
}

/* True when data.mdb can be opened for reading: then an EACCES from
 * mdb_env_open() in read mode came from the lock file. */
static bool store_data_readable(const char *dir)
{
    char *path = xasprintf("%s/data.mdb", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* LMDB trusts its meta page: a data.mdb cut short by a full disk or a bad
 * copy would map pages past the end of the file and die of SIGBUS on the
 * first read. Refuse such a file up front. */
static int store_check_size(struct store *st)
{
    MDB_envinfo info;
    MDB_stat ms;
    mdb_filehandle_t fd;
    struct stat sb;
    int mrc;

    mrc = mdb_env_info(st->env, &info);
    if (mrc == 0)
        mrc = mdb_env_stat(st->env, &ms);
    if (mrc == 0)
        mrc = mdb_env_get_fd(st->env, &fd);
    if (mrc != 0)
        return store_err("environment info", mrc);
    if (fstat(fd, &sb) != 0) {
        log_error("index %s: data.mdb: %s", st->dir, strerror(errno));
        return SM_E_IO;
    }
    uint64_t need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
    if ((uint64_t)sb.st_size < need)
        return store_corrupt(st, "data.mdb", "file is shorter than its pages");
    st->mapsize = info.me_mapsize;
    return 0;
}

static bool is_dupsort(int i)
{
    return i == STORE_DBI_KEYS || i == STORE_DBI_DSKEYS ||
           i == STORE_DBI_KEYIDS;
}

/* True when the environment holds nothing at all: no named database and
 * no key in the main one. That is what a harvest killed before its first
 * commit leaves, like the empty data.mdb of store_check_exists(). */
static bool store_is_blank(MDB_txn *txn)
{
    MDB_dbi dbi;
    MDB_stat ms;
    return mdb_dbi_open(txn, NULL, 0, &dbi) == 0 &&
           mdb_stat(txn, dbi, &ms) == 0 && ms.ms_entries == 0;
}

/* Open one named database. keyids, which an older index lacks, is created
 * and filled by a writer, and left out (has_keyids false) by a reader. A
 * reader of a blank environment gets SM_E_NOTFOUND, "no index yet"; one
 * that holds other data is not a stacml index. */
static int store_open_dbi(struct store *st, MDB_txn *txn, int i)
{
    unsigned flags = is_dupsort(i) ? MDB_DUPSORT : 0;
    int mrc = mdb_dbi_open(txn, dbi_names[i], flags, &st->dbi[i]);
    if (mrc == MDB_NOTFOUND && i == STORE_DBI_KEYIDS && st->is_readonly) {
        st->has_keyids = false;
        return 0;
    }
    if (mrc == MDB_NOTFOUND && !st->is_readonly) {
        mrc = mdb_dbi_open(txn, dbi_names[i], flags | MDB_CREATE, &st->dbi[i]);
        if (mrc == 0 && i == STORE_DBI_KEYIDS)
            return index_fill_keyids(st, txn);
    }
    if (mrc == MDB_MAP_FULL)
        return SM_E_MAPFULL;
    if (mrc == MDB_NOTFOUND && store_is_blank(txn))
        return SM_E_NOTFOUND;
    if (mrc == MDB_NOTFOUND)
        return store_corrupt(st, "index", "not a stacml index");
    if (mrc != 0)
        return store_err(dbi_names[i], mrc);
    return 0;
}

static bool is_table_name(const MDB_val *k)
{
    for (int i = 0; i < STORE_NDBI; i++)
        if (k->mv_size == strlen(dbi_names[i]) &&
            memcmp(k->mv_data, dbi_names[i], k->mv_size) == 0)
            return true;
    return false;
}

/* True when the main database holds a key that is not one of our tables:
 * the environment is some other program's, and a harvest must not add its
 * tables beside that program's data. An index of any stacml version holds
 * our table names and nothing else there. */
static bool store_is_foreign(MDB_txn *txn)
{
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    if (mdb_dbi_open(txn, NULL, 0, &dbi) != 0 ||
        mdb_cursor_open(txn, dbi, &cur) != 0)
        return false;
    bool foreign = false;
    int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    for (; mrc == 0 && !foreign; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
        foreign = !is_table_name(&k);
    mdb_cursor_close(cur);
    return foreign;
}

/* Open the named databases: created in write mode, looked up (and required
 * to exist, keyids aside) in read mode. Also used as the store_write()
 * callback. */
static int store_open_dbis(void *ctx, MDB_txn *txn)
{
    struct store *st = ctx;
    if (!st->is_readonly && store_is_foreign(txn))
        return store_corrupt(st, "index",
                             "not a stacml index (an LMDB environment holding "
                             "other data); not written to");
    st->has_keyids = true;
    /* keyids last: filling it reads the records. */
    for (int i = 0; i < STORE_NDBI; i++) {
        int rc = store_open_dbi(st, txn, i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Where LMDB mapped data.mdb: LMDB does not say (mdb_env_info's address is
 * only set for fixed maps), so read it from /proc/self/maps, matching the
 * mapping's device and inode with the file's. Linux only; elsewhere the
 * address stays unknown and nothing is shed. */
static void store_find_map(struct store *st)
{
    struct stat sb;
    char *path = xasprintf("%s/data.mdb", st->dir);
    FILE *maps = fopen("/proc/self/maps", "r");
    st->map_addr = NULL;
    st->map_len = 0;
    if (maps && stat(path, &sb) == 0) {
        char line[4096];
        while (fgets(line, sizeof(line), maps)) {
            unsigned long lo, hi, inode;
            unsigned maj, min;
            if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &lo, &hi, &maj, &min,
                       &inode) == 5 &&
                inode == (unsigned long)sb.st_ino &&
                makedev(maj, min) == sb.st_dev && hi - lo > st->map_len) {
                st->map_addr = (void *)lo;
                st->map_len = hi - lo;
            }
        }
    }
    if (maps)
        fclose(maps);
    free(path);
}

/* After a commit, let go of the index pages the process has mapped: they
 * are clean file pages, reloaded from the page cache when read again, but
 * while mapped they count in the harvest's resident size, which would then
 * grow with the index rather than stay flat (LMDB reads every page it
 * updates through the map). */
static void store_shed(struct store *st)
{
    if (!st->map_addr)
        return;
    /* Only once the file-backed pages of the process (the map and the
     * libraries) pass STORE_SHED_BYTES: shedding on every commit would
     * make the next one fault the B-tree's upper levels in again. */
    unsigned long size, resident, shared;
    FILE *f = fopen("/proc/self/statm", "r");
    bool is_known =
        f && fscanf(f, "%lu %lu %lu", &size, &resident, &shared) == 3;
    if (f)
        fclose(f);
    if (is_known &&
        shared * (unsigned long)sysconf(_SC_PAGESIZE) < STORE_SHED_BYTES)
        return;
    madvise(st->map_addr, st->map_len, MADV_DONTNEED);
}

int store_open(struct store *st, const char *dir, bool is_readonly)
{
    int rc = SM_E_DB;
    int mrc;
    MDB_txn *txn = NULL;

    memset(st, 0, sizeof(*st));
    st->dir = xstrdup(dir);
    st->is_readonly = is_readonly;

    if (is_readonly) {
        rc = store_check_exists(dir);
        if (rc != 0)
            goto out;
        mrc = store_env_open(st, MDB_RDONLY);
        /* LMDB opens lock.mdb read-write even for readers and only forgives
         * EROFS. A reader of someone else's read-only directory gets EACCES
         * instead: fall back to MDB_NOLOCK then, and only then (a writer
         * running at the same time could show us a torn snapshot). */
        if ((mrc == EACCES || mrc == EPERM) && store_data_readable(dir)) {
            log_warn("index %s: lock file not writable, reading without "
                     "locks",
                     dir);
            mrc = store_env_open(st, MDB_RDONLY | MDB_NOLOCK);
            st->is_unlocked = true;
        }
    } else {
        mrc = store_env_open(st, 0);
    }
    if (mrc != 0) {
        rc = store_open_err(dir, mrc);
        goto out;
    }
    rc = store_check_size(st);
    if (rc != 0)
        goto out;
    if (mdb_env_get_maxkeysize(st->env) < STORE_KEY_HASHED_LEN) {
        log_error("index: LMDB built with keys shorter than %d bytes",
                  STORE_KEY_HASHED_LEN);
        rc = SM_E_DB;
        goto out;
    }

    if (is_readonly) {
        mrc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
        if (mrc != 0) {
            rc = store_err("begin read transaction", mrc);
            goto out;
        }
        rc = store_open_dbis(st, txn);
        if (rc != 0)
            goto out;
        /* Committing (not aborting) a read transaction is what makes the
         * handles it opened usable by later transactions. */
        mrc = mdb_txn_commit(txn);
        txn = NULL;
        if (mrc != 0) {
            rc = store_err("open databases", mrc);
            goto out;
        }
    } else {
        int dead = 0;
        /* Free the reader slots of harvests that were killed. */
        mdb_reader_check(st->env, &dead);
        if (dead > 0)
            log_debug("index %s: cleared %d stale readers", dir, dead);
        if (st->mapsize < STORE_MAP_INITIAL) {
            mrc = mdb_env_set_mapsize(st->env, STORE_MAP_INITIAL);
            if (mrc != 0) {
                rc = store_err("set map size", mrc);
                goto out;
            }
            st->mapsize = STORE_MAP_INITIAL;
        }
        rc = store_write(st, store_open_dbis, st);
        if (rc != 0)
            goto out;
    }
    store_find_map(st);
    rc = 0;
out:
    if (txn)
        mdb_txn_abort(txn);
    if (rc != 0)
        store_close(st);
    return rc;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    writer_stop(st);
    if (st->env)
        mdb_env_close(st->env);
    st->env = NULL;
    free(st->dir);
    st->dir = NULL;
}

/* Adopt the map size another process has grown the file to. Only valid
 * with no transaction open in this process. */
static int store_adopt_mapsize(struct store *st)
{
    MDB_envinfo info;
    int mrc = mdb_env_set_mapsize(st->env, 0);
    if (mrc == 0)
        mrc = mdb_env_info(st->env, &info);
    if (mrc != 0)
        return store_err("adopt map size", mrc);
    st->mapsize = info.me_mapsize;
    log_debug("index %s: map resized to %zu MiB by another process", st->dir,
              st->mapsize >> 20);
    return 0;
}

/* Double the map. No transaction may be open in this process. */

static int store_grow(struct store *st)
{
    uint64_t max =
        STORE_MAP_MAX_64 < SIZE_MAX / 4 ? STORE_MAP_MAX_64 : SIZE_MAX / 4;
    if (st->mapsize >= max) {
        log_error("index %s: map full at %zu MiB", st->dir, st->mapsize >> 20);
        return SM_E_DB;
    }
    size_t size = st->mapsize * 2;
    int mrc = mdb_env_set_mapsize(st->env, size);
    if (mrc != 0)
        return store_err("grow map", mrc);
    st->mapsize = size;
    store_find_map(st);
    log_info("index %s: map grown to %zu MiB", st->dir, size >> 20);
    return 0;
}

int store_read_begin(struct store *st, MDB_txn **txn)
{
    int mrc;

    *txn = NULL;
    if (st->rdepth > 0) {
        /* A lookup from inside a foreach callback: LMDB allows one read
         * transaction per thread, so share the outer one. */
        st->rdepth++;
        *txn = st->rtxn;
        return 0;
    }
    store_idle(st);
    for (int i = 0;; i++) {
        mrc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn);
        if (mrc != MDB_MAP_RESIZED || i >= STORE_RESIZE_RETRIES)
            break;
        if (store_adopt_mapsize(st) != 0)
            return SM_E_DB;
    }
    if (mrc != 0) {
        st->rtxn = NULL;
        return store_err("begin read transaction", mrc);
    }
    st->rdepth = 1;
    *txn = st->rtxn;
    return 0;
}

void store_read_end(struct store *st)
{
    if (st->rdepth <= 0)
        return;
    if (--st->rdepth == 0) {
        mdb_txn_abort(st->rtxn);
        st->rtxn = NULL;
        /* A harvest that mostly reads (an unchanged re-harvest looks up
         * every URL and writes little) would otherwise keep every page it
         * read mapped until its next commit: let go of them now and then
         * too. Query commands keep theirs; they end soon anyway. */
        if (!st->is_readonly && ++st->reads_unshed >= STORE_SHED_READS) {
            st->reads_unshed = 0;
            store_shed(st);
        }
    }
}

/* The write transaction of store_write(), on whichever thread runs it. */
static int store_write_txn(struct store *st, store_apply_fn fn, void *ctx)
{
    int rc = SM_E_DB;
    int mrc;
    int resized = 0;
    MDB_txn *txn = NULL;

    for (;;) {
        mrc = mdb_txn_begin(st->env, NULL, 0, &txn);
        if (mrc == MDB_MAP_RESIZED && resized++ < STORE_RESIZE_RETRIES) {
            rc = store_adopt_mapsize(st);
            if (rc != 0)
                goto out;
            continue;
        }
        if (mrc != 0) {
            txn = NULL;
            rc = store_err("begin write transaction", mrc);
            goto out;
        }
        rc = fn(ctx, txn);
        if (rc == 0) {
            /* mdb_txn_commit() frees the transaction even when it fails. */
            mrc = mdb_txn_commit(txn);
            txn = NULL;
            if (mrc == 0) {
                store_shed(st);
                st->reads_unshed = 0;
                goto out;
            }
            if (mrc != MDB_MAP_FULL) {
                rc = store_commit_err(st, mrc);
                goto out;
            }
            rc = SM_E_MAPFULL;
        } else {
            mdb_txn_abort(txn);
            txn = NULL;
        }
        if (rc != SM_E_MAPFULL)
            goto out;
        /* Nothing of the batch was written: grow, then replay it whole. */
        rc = store_grow(st);
        if (rc != 0)
            goto out;
    }
out:
    if (txn)
        mdb_txn_abort(txn);
    return rc;
}

/* Checks shared by the two ways to write: 0 or SM_E_DB (logged). */
static int store_check_write(const struct store *st)
{
    if (st->is_readonly) {
        log_error("index %s: opened read-only", st->dir);
        return SM_E_DB;
    }
    if (st->rdepth > 0) {
        /* Growing the map needs every transaction of this process closed,
         * and LMDB allows one transaction per thread anyway. */
        log_error("index %s: write while a read is in progress", st->dir);
        return SM_E_DB;
    }
    return 0;
}

int store_write(struct store *st, store_apply_fn fn, void *ctx)
{
    int rc = store_check_write(st);
    if (rc != 0)
        return rc;
    store_idle(st);
    return store_write_txn(st, fn, ctx);
}

/* ------------------------------------------------ the writer thread */

/* At most one write runs on the writer thread, and while it runs nothing
 * else in the process touches the environment: every read, write and the
 * close wait for it first (store_idle()). So LMDB never sees two threads
 * at once, and a reader sees exactly what it would have seen had the write
 * been synchronous. What runs in parallel is the caller's own work. */
struct store_writer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    store_apply_fn fn; /* the write handed over; NULL when idle */
    void *ctx;
    store_done_fn done;
    bool is_stopping;
    int rc; /* the first failure since the last store_wait() */
};

static void *writer_main(void *arg)
{
    struct store *st = arg;
    struct store_writer *w = st->writer;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->fn && !w->is_stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->fn)
            break;
        store_apply_fn fn = w->fn;
        void *ctx = w->ctx;
        store_done_fn done = w->done;
        pthread_mutex_unlock(&w->mu);
        int rc = store_write_txn(st, fn, ctx);
        if (done)
            done(ctx, rc);
        pthread_mutex_lock(&w->mu);
        if (rc != 0 && w->rc == 0)
            w->rc = rc;
        w->fn = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Start the writer thread, with every signal blocked in it: signals are
 * the event loop's business. false when the thread cannot be had. */
static bool writer_start(struct store *st)
{
    struct store_writer *w = xcalloc(1, sizeof(*w));
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    st->writer = w;
    int err = thread_start(&w->thread, "stacml-index", writer_main, st);
    if (err != 0) {
        log_warn("index %s: no writer thread (%s), writing in line", st->dir,
                 strerror(err));
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        st->writer = NULL;
        return false;
    }
    return true;
}

/* With w->mu held: until the write handed over is done. */
static void writer_wait_locked(struct store_writer *w)
{
    while (w->fn)
        pthread_cond_wait(&w->cv, &w->mu);
}

void store_idle(struct store *st)
{
    struct store_writer *w = st->writer;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    writer_wait_locked(w);
    pthread_mutex_unlock(&w->mu);
}

int store_wait(struct store *st)
{
    struct store_writer *w = st->writer;
    if (!w)
        return 0;
    pthread_mutex_lock(&w->mu);
    writer_wait_locked(w);
    int rc = w->rc;
    w->rc = 0;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int store_write_async(struct store *st, store_apply_fn fn, void *ctx,
                      store_done_fn done)
{
    int rc = store_check_write(st);
    if (rc == 0 && !st->writer && !writer_start(st)) {
        /* No thread: the write happens here and now. */
        rc = store_write_txn(st, fn, ctx);
        if (done)
            done(ctx, rc);
        return rc;
    }
    if (rc != 0) {
        if (done)
            done(ctx, rc);
        return rc;
    }
    struct store_writer *w = st->writer;
    pthread_mutex_lock(&w->mu);
    writer_wait_locked(w);
    w->fn = fn;
    w->ctx = ctx;
    w->done = done;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* Let the pending write finish, then end the thread. */
static void writer_stop(struct store *st)
{
    struct store_writer *w = st->writer;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->is_stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    st->writer = NULL;
}

int store_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    int mrc = mdb_get(txn, dbi, key, data);
    if (mrc == MDB_NOTFOUND)
        return SM_E_NOTFOUND;
    if (mrc != 0)
        return store_err("get", mrc);
    return 0;
}

int store_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data,
              unsigned flags)
{
    /* A put reads the pages it changes through the map: a batch of
     * thousands into a big B-tree maps tens of MB before its commit lets
     * go of them, so let go of them along the way too. */
    struct store *st = mdb_env_get_userctx(mdb_txn_env(txn));
    if (st && ++st->puts_unshed >= STORE_SHED_PUTS) {
        st->puts_unshed = 0;
        store_shed(st);
    }
    int mrc = mdb_put(txn, dbi, key, data, flags);
    if (mrc == MDB_MAP_FULL)
        return SM_E_MAPFULL;
    /* With MDB_NODUPDATA an existing pair is already what we want. */
    if (mrc == MDB_KEYEXIST && (flags & MDB_NODUPDATA))
        return 0;
    if (mrc != 0)
        return store_err("put", mrc);
    return 0;
}

int store_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    int mrc = mdb_del(txn, dbi, key, data);
    if (mrc == MDB_NOTFOUND)
        return 0;
    if (mrc == MDB_MAP_FULL)
        return SM_E_MAPFULL;
    if (mrc != 0)
        return store_err("delete", mrc);
    return 0;
}

int store_count(MDB_txn *txn, MDB_dbi dbi, size_t *n)
{
    MDB_stat ms;
    int mrc = mdb_stat(txn, dbi, &ms);
    if (mrc != 0) {
        *n = 0;
        return store_err("stat", mrc);
    }
    *n = ms.ms_entries;
    return 0;
}

int store_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cur)
{
    int mrc = mdb_cursor_open(txn, dbi, cur);
    if (mrc != 0) {
        *cur = NULL;
        return store_err("open cursor", mrc);
    }
    return 0;
}

int store_cursor_get(MDB_cursor *cur, MDB_val *key, MDB_val *data,
                     MDB_cursor_op op)
{
    /* A long read (a writer marking a million records gone at the end of
     * a harvest steps through two key lists of a million entries; a word
     * search or an export reads every record) maps every page it passes:
     * let go of them now and then, as after a commit. Safe inside the
     * transaction: the pages are clean file pages, faulted back from the page
     * cache if the walk comes back to them. */
    MDB_txn *txn = mdb_cursor_txn(cur);
    struct store *st = mdb_env_get_userctx(mdb_txn_env(txn));
    /* Not in a write: a commit walks the same upper pages again and again.
     * A reader's walk (a word search, an export) would otherwise keep the
     * whole index mapped, its resident size that of the index. */
    if (st && txn == st->rtxn && ++st->steps_unshed >= STORE_SHED_STEPS) {
        st->steps_unshed = 0;
        store_shed(st);
    }
    int mrc = mdb_cursor_get(cur, key, data, op);
    if (mrc == MDB_NOTFOUND)
        return SM_E_NOTFOUND;
    if (mrc != 0)
        return store_err("cursor", mrc);
    return 0;
}
