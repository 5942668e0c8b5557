/* SPDX-License-Identifier: MIT */
/* Unit tests of the index (index/index.c, index/store.c) in a temporary
 * directory: staged puts and commits, replacement and the ids database,
 * long keys, iteration, crawl state and meta values, read-only opens, map
 * growth, corrupt files, permissions, and crash safety with forked writers
 * that are killed mid-batch. No network; removes its directory at the end. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "index/index.h"
#include "src/err.h"
#include "src/log.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

/* ------------------------------------------------------------ helpers */

/* rm -rf, for the temporary directory (and only there). */
static void rm_rf(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *sub = xasprintf("%s/%s", path, e->d_name);
            rm_rf(sub);
            free(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
        return;
    }
    unlink(path);
}

static char *path_join(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static char *record_json(const char *id, int n)
{
    return xasprintf("{\"id\":\"%s\",\"n\":%d}", id, n);
}

static int put_rec(struct index *ix, const char *url, const char *id, int n)
{
    char *json = record_json(id, n);
    int rc = index_put_record(ix, url, id, json, strlen(json));
    free(json);
    return rc;
}

/* Check that url holds exactly the record put_rec(url, id, n) wrote. */
static bool has_rec(struct index *ix, const char *url, const char *id, int n)
{
    char *json = NULL, *want = record_json(id, n);
    size_t len = 0;
    int rc = index_get_record(ix, url, &json, &len);
    bool ok = rc == 0 && len == strlen(want) && strcmp(json, want) == 0;
    free(json);
    free(want);
    return ok;
}

/* Collects what a foreach reports. */
struct seen {
    char **urls;
    size_t n;
    size_t stop_at; /* return stop_rc once n reaches it (0: never) */
    int stop_rc;
    bool json_ok; /* every json was NUL-terminated at len and non-empty */
};

static int on_record(void *ctx, const char *url, const char *json, size_t len)
{
    struct seen *s = ctx;
    s->urls = xrealloc(s->urls, (s->n + 1) * sizeof(*s->urls));
    s->urls[s->n++] = xstrdup(url);
    if (json && (len == 0 || json[len] != '\0' || strlen(json) != len))
        s->json_ok = false;
    if (s->stop_at && s->n == s->stop_at)
        return s->stop_rc;
    return 0;
}

static void seen_cleanup(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->urls[i]);
    free(s->urls);
    memset(s, 0, sizeof(*s));
    s->json_ok = true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expected failures log errors; keep the test output readable. */
static void quiet(bool on)
{
    log_set_level(on ? LOG_LEVEL_QUIET : LOG_LEVEL_WARN);
}

/* ------------------------------------------------------------ tests */

static void test_args(const char *root)
{
    struct index *ix = (struct index *)1;
    char *file = path_join(root, "plain-file");
    char *below = path_join(file, "db");

    CHECK_INT_EQ(index_open(NULL, INDEX_WRITE, &ix), SM_E_INVAL);
    CHECK(ix == NULL);
    CHECK_INT_EQ(index_open("", INDEX_READ, &ix), SM_E_INVAL);
    index_close(NULL);
    CHECK_INT_EQ(index_commit(NULL), SM_E_INVAL);
    CHECK_INT_EQ(index_count_records(NULL), 0);

    /* A path through a regular file cannot become a directory. */
    CHECK(write_file(file, "x", 1));
    quiet(true);
    CHECK_INT_EQ(index_open(file, INDEX_WRITE, &ix), SM_E_IO);
    CHECK_INT_EQ(index_open(below, INDEX_WRITE, &ix), SM_E_IO);
    quiet(false);
    CHECK(ix == NULL);
    CHECK_INT_EQ(index_open(below, INDEX_READ, &ix), SM_E_NOTFOUND);
    free(below);
    free(file);
}

static void test_basic(const char *root)
{
    struct index *ix = NULL;
    char *parent = path_join(root, "basic");
    char *dir = path_join(root, "basic/nested/db");
    struct stat sb;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    /* New directories, parents included, are private to the user. */
    CHECK(stat(parent, &sb) == 0 && (sb.st_mode & 0777) == 0700);
    CHECK(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700);

    CHECK_INT_EQ(put_rec(ix, "https://e/a.json", "a", 1), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/b.json", "b", 1), 0);
    CHECK_INT_EQ(index_put_meta(ix, "k", "1"), 0);

    /* Staged writes are invisible until the commit. */
    char *json = NULL;
    size_t len = 7;
    CHECK_INT_EQ(index_get_record(ix, "https://e/a.json", &json, &len),
                 SM_E_NOTFOUND);
    CHECK(json == NULL && len == 0);
    CHECK_INT_EQ(index_get_meta(ix, "k", &json), SM_E_NOTFOUND);
    CHECK_INT_EQ(index_count_records(ix), 0);

    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_commit(ix), 0); /* nothing staged: a no-op */
    CHECK(has_rec(ix, "https://e/a.json", "a", 1));
    CHECK(has_rec(ix, "https://e/b.json", "b", 1));
    CHECK_INT_EQ(index_count_records(ix), 2);
    CHECK_INT_EQ(index_get_record(ix, "https://e/c.json", &json, &len),
                 SM_E_NOTFOUND);
    CHECK_INT_EQ(index_get_record(ix, "https://e/a.json", &json, NULL), 0);
    free(json);

    /* Replacing keeps one record per URL. */
    CHECK_INT_EQ(put_rec(ix, "https://e/a.json", "a", 2), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK(has_rec(ix, "https://e/a.json", "a", 2));
    CHECK_INT_EQ(index_count_records(ix), 2);

    /* Bad arguments. */
    CHECK_INT_EQ(index_put_record(ix, "", "x", "{}", 2), SM_E_INVAL);
    CHECK_INT_EQ(index_put_record(ix, NULL, "x", "{}", 2), SM_E_INVAL);
    CHECK_INT_EQ(index_put_record(ix, "https://e/x", "x", NULL, 2), SM_E_INVAL);
    CHECK_INT_EQ(index_put_meta(ix, "k", NULL), SM_E_INVAL);
    CHECK_INT_EQ(index_put_crawl(ix, "https://e/x", NULL), SM_E_INVAL);

    /* A NULL id is an empty one; an empty record is allowed. */
    CHECK_INT_EQ(index_put_record(ix, "https://e/empty", NULL, "", 0), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_get_record(ix, "https://e/empty", &json, &len), 0);
    CHECK(json && len == 0 && json[0] == '\0');
    free(json);
    index_close(ix);
out:
    free(dir);
    free(parent);
}

static int on_id_lookup(void *ctx, const char *url, const char *json,
                        size_t len)
{
    struct index *ix = ctx;
    char *rec = NULL;
    size_t n = 0;

    CHECK(json != NULL && len > 0); /* the record itself */
    /* A lookup from inside an iteration shares its read transaction. */
    CHECK_INT_EQ(index_get_record(ix, url, &rec, &n), 0);
    CHECK(rec && n > 0);
    free(rec);
    /* Puts are staged; a commit has to wait for the iteration to end. */
    CHECK_INT_EQ(put_rec(ix, "https://e/staged-in-cb", "cb", 1), 0);
    quiet(true);
    CHECK_INT_EQ(index_commit(ix), SM_E_DB);
    quiet(false);
    return 0;
}

static void test_ids(const char *root)
{
    struct index *ix = NULL;
    struct seen s = {.json_ok = true};
    char *dir = path_join(root, "ids");

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(put_rec(ix, "https://e/2", "dup", 1), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/1", "dup", 1), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/3", "other", 1), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/4", "", 1), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/5", "42", 1), 0);
    CHECK_INT_EQ(index_commit(ix), 0);

    CHECK_INT_EQ(index_foreach_id(ix, "dup", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 2);
    if (s.n == 2) {
        CHECK_STR_EQ(s.urls[0], "https://e/1");
        CHECK_STR_EQ(s.urls[1], "https://e/2");
    }
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, "other", on_record, &s), 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], "https://e/3") == 0);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, "42", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 1);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, "", on_record, &s), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "missing", on_record, &s), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "du", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 0);

    /* A changed id leaves no stale entry behind. */
    CHECK_INT_EQ(put_rec(ix, "https://e/1", "changed", 2), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "dup", on_record, &s), 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], "https://e/2") == 0);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, "changed", on_record, &s), 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], "https://e/1") == 0);
    seen_cleanup(&s);

    /* Down to no id; then twice in one batch, the last put wins. */
    CHECK_INT_EQ(put_rec(ix, "https://e/2", "", 2), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/3", "first", 2), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/3", "second", 3), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/5", "42", 1), 0); /* same pair */
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "dup", on_record, &s), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "first", on_record, &s), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "other", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 0);
    CHECK_INT_EQ(index_foreach_id(ix, "second", on_record, &s), 0);
    CHECK_INT_EQ(index_foreach_id(ix, "42", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 2);
    seen_cleanup(&s);
    CHECK(has_rec(ix, "https://e/3", "second", 3));

    /* Lookups, puts and (refused) commits from inside a callback. */
    CHECK_INT_EQ(index_foreach_id(ix, "second", on_id_lookup, ix), 0);
    CHECK(!has_rec(ix, "https://e/staged-in-cb", "cb", 1));
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK(has_rec(ix, "https://e/staged-in-cb", "cb", 1));
    index_close(ix);
out:
    seen_cleanup(&s);
    free(dir);
}

struct key_counts {
    char *keys[4];
    size_t counts[4], n;
};

static int on_key_count(void *ctx, const char *key, size_t n)
{
    struct key_counts *kc = ctx;
    if (kc->n < 4) {
        kc->keys[kc->n] = xstrdup(key);
        kc->counts[kc->n++] = n;
    }
    return 0;
}

/* index_foreach_key_count() names a key stored hashed (past 400 bytes) as
 * it was written: stats lists such a long source by its URL, where it
 * used to print the stored start of it, '#' and a hash. */
static void test_key_counts_long(const char *root)
{
    struct index *ix = NULL;
    struct key_counts kc = {0};
    char *dir = path_join(root, "keycounts");
    char *long1 = xmalloc(1001), *long2 = xmalloc(1001);
    memcpy(long1, "source=https://s/", 17);
    memset(long1 + 17, 'p', 1000 - 17);
    long1[1000] = '\0';
    memcpy(long2, long1, 1001);
    long2[999] = 'q';
    const char *k1[] = {"id=a", long1}, *k2[] = {"id=b", long2};
    const char *k3[] = {"id=c", long1}, *k4[] = {"id=d", "source=https://t/"};

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/a", k1, 2, "{}", 2), 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/b", k2, 2, "{}", 2), 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/c", k3, 2, "{}", 2), 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/d", k4, 2, "{}", 2), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(
        index_foreach_key_count(ix, INDEX_MODELS, "source=", on_key_count, &kc),
        0);
    CHECK_INT_EQ(kc.n, 3);
    /* Order is that of the stored keys; look each one up. */
    size_t found = 0;
    for (size_t i = 0; i < kc.n; i++) {
        if (strcmp(kc.keys[i], long1) == 0 && kc.counts[i] == 2)
            found |= 1;
        if (strcmp(kc.keys[i], long2) == 0 && kc.counts[i] == 1)
            found |= 2;
        if (strcmp(kc.keys[i], "source=https://t/") == 0 && kc.counts[i] == 1)
            found |= 4;
    }
    CHECK_INT_EQ(found, 7);
out:
    for (size_t i = 0; i < kc.n; i++)
        free(kc.keys[i]);
    index_close(ix);
    free(long1);
    free(long2);
    free(dir);
}

static void test_long_keys(const char *root)
{
    struct index *ix = NULL;
    struct seen s = {.json_ok = true};
    char *dir = path_join(root, "long");
    /* Two 8000-byte URLs that differ only in their last byte, so their
     * hashed keys share the 400-byte prefix; and both sides of the 400-byte
     * boundary. */
    size_t n = 8000;
    char *long1 = xmalloc(n + 1), *long2 = xmalloc(n + 1);
    char *u400 = xmalloc(401), *u401 = xmalloc(402);
    char *id1 = xmalloc(1001), *id2 = xmalloc(1001);

    memcpy(long1, "https://e/", 10);
    memset(long1 + 10, 'a', n - 10);
    long1[n] = '\0';
    memcpy(long2, long1, n + 1);
    long1[n - 1] = '1';
    long2[n - 1] = '2';
    memcpy(u400, long1, 400);
    u400[400] = '\0';
    memcpy(u401, long1, 401);
    u401[401] = '\0';
    memset(id1, 'i', 1000);
    id1[1000] = '\0';
    memcpy(id2, id1, 1001);
    id2[999] = 'j';

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(put_rec(ix, long1, id1, 1), 0);
    CHECK_INT_EQ(put_rec(ix, long2, id2, 2), 0);
    CHECK_INT_EQ(put_rec(ix, u400, id1, 3), 0);
    CHECK_INT_EQ(put_rec(ix, u401, "short", 4), 0);
    struct crawl_state st = {.fetched_at = 5, .http_status = 200};
    CHECK_INT_EQ(index_put_crawl(ix, long1, &st), 0);
    CHECK_INT_EQ(index_put_meta(ix, long2, "\"long meta\""), 0);
    CHECK_INT_EQ(index_commit(ix), 0);

    CHECK(has_rec(ix, long1, id1, 1));
    CHECK(has_rec(ix, long2, id2, 2));
    CHECK(has_rec(ix, u400, id1, 3));
    CHECK(has_rec(ix, u401, "short", 4));
    CHECK_INT_EQ(index_count_records(ix), 4);

    /* Iteration reports the real URLs, not the stored keys. */
    CHECK_INT_EQ(index_foreach_record(ix, on_record, &s), 0);
    CHECK_INT_EQ(s.n, 4);
    CHECK(s.json_ok);
    if (s.n == 4) {
        qsort(s.urls, s.n, sizeof(*s.urls), cmp_str);
        CHECK(strcmp(s.urls[0], u400) == 0);
        CHECK(strcmp(s.urls[1], u401) == 0);
        CHECK(strcmp(s.urls[2], long1) == 0);
        CHECK(strcmp(s.urls[3], long2) == 0);
    }
    seen_cleanup(&s);

    /* Long ids: each hashed id finds its own records only. */
    CHECK_INT_EQ(index_foreach_id(ix, id1, on_record, &s), 0);
    CHECK_INT_EQ(s.n, 2);
    if (s.n == 2) {
        qsort(s.urls, s.n, sizeof(*s.urls), cmp_str);
        CHECK(strcmp(s.urls[0], u400) == 0);
        CHECK(strcmp(s.urls[1], long1) == 0);
    }
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, id2, on_record, &s), 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], long2) == 0);
    seen_cleanup(&s);

    struct crawl_state got;
    CHECK_INT_EQ(index_get_crawl(ix, long1, &got), 0);
    CHECK_INT_EQ(got.fetched_at, 5);
    crawl_state_cleanup(&got);
    CHECK_INT_EQ(index_get_crawl(ix, long2, &got), SM_E_NOTFOUND);
    char *meta = NULL;
    CHECK_INT_EQ(index_get_meta(ix, long2, &meta), 0);
    CHECK_STR_EQ(meta, "\"long meta\"");
    free(meta);

    /* Replacing a long URL's record moves its long id. */
    CHECK_INT_EQ(put_rec(ix, long1, id2, 5), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_foreach_id(ix, id2, on_record, &s), 0);
    CHECK_INT_EQ(s.n, 2);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_id(ix, id1, on_record, &s), 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], u400) == 0);
    seen_cleanup(&s);
    index_close(ix);
out:
    seen_cleanup(&s);
    free(long1);
    free(long2);
    free(u400);
    free(u401);
    free(id1);
    free(id2);
    free(dir);
}

static void test_foreach(const char *root)
{
    struct index *ix = NULL;
    struct seen s = {.json_ok = true};
    char *dir = path_join(root, "foreach");
    enum { N = 50 };
    char *urls[N];

    for (int i = 0; i < N; i++)
        urls[i] = xasprintf("https://e/%02d/item.json", (i * 37) % N);

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_foreach_record(ix, on_record, &s), 0);
    CHECK_INT_EQ(s.n, 0);
    for (int i = 0; i < N; i++)
        CHECK_INT_EQ(put_rec(ix, urls[i], "x", i), 0);
    CHECK_INT_EQ(index_commit(ix), 0);

    CHECK_INT_EQ(index_foreach_record(ix, on_record, &s), 0);
    CHECK_INT_EQ(s.n, N);
    CHECK(s.json_ok);
    qsort(urls, N, sizeof(*urls), cmp_str);
    for (size_t i = 0; i < s.n && i < N; i++)
        CHECK_STR_EQ(s.urls[i], urls[i]);
    seen_cleanup(&s);

    /* Early stop: the callback's value comes back, whatever it is. */
    s.stop_at = 3;
    s.stop_rc = 42;
    CHECK_INT_EQ(index_foreach_record(ix, on_record, &s), 42);
    CHECK_INT_EQ(s.n, 3);
    seen_cleanup(&s);
    s.stop_at = 1;
    s.stop_rc = SM_E_NOTFOUND;
    CHECK_INT_EQ(index_foreach_record(ix, on_record, &s), SM_E_NOTFOUND);
    CHECK_INT_EQ(s.n, 1);
    seen_cleanup(&s);
    s.stop_at = 2;
    s.stop_rc = -1;
    CHECK_INT_EQ(index_foreach_id(ix, "x", on_record, &s), -1);
    CHECK_INT_EQ(s.n, 2);
    seen_cleanup(&s);
    index_close(ix);
out:
    seen_cleanup(&s);
    for (int i = 0; i < N; i++)
        free(urls[i]);
    free(dir);
}

static bool str_eq_or_null(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool crawl_eq(const struct crawl_state *a, const struct crawl_state *b)
{
    return a->fetched_at == b->fetched_at && a->http_status == b->http_status &&
           a->error == b->error && str_eq_or_null(a->reason, b->reason) &&
           str_eq_or_null(a->source, b->source) &&
           str_eq_or_null(a->etag, b->etag) &&
           str_eq_or_null(a->last_modified, b->last_modified) &&
           a->run == b->run && a->flags == b->flags &&
           str_eq_or_null(a->links, b->links);
}

/* crawl_state has char * members; -Wwrite-strings wants the cast. */
#define S(lit) ((char *)(lit))

static const struct crawl_state crawl_cases[] = {
    {1700000000, 200, 0, NULL, S("https://seed/"), S("\"abc\""),
     S("Wed, 21 Oct 2015 07:28:00 GMT"), 7, CRAWL_F_MODEL,
     S("child\thttps://e/a.json\nitem\thttps://e/b.json\n")},
    {0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, NULL},
    {-1, 503, SM_E_HTTP, S("Service Unavailable"), S(""), S(""), S(""),
     INT64_MAX, 0xffffffffu, S("")},
    {INT64_MAX, 304, 0, S(""), NULL, S("W/\"x\""), NULL, -1, 0, NULL},
    {INT64_MIN, -1, SM_E_NET, S("connection reset\n\ttab"), NULL, NULL, S(""),
     1, 0, NULL},
};

struct crawl_seen {
    size_t n;
    bool ok;
};

static int on_crawl(void *ctx, const char *url, const struct crawl_state *st)
{
    struct crawl_seen *s = ctx;
    char *want = xasprintf("https://e/crawl/%zu", s->n);
    if (strcmp(url, want) != 0 || s->n >= 5 ||
        !crawl_eq(st, &crawl_cases[s->n]))
        s->ok = false;
    free(want);
    s->n++;
    return 0;
}

static void test_crawl(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "crawl");
    size_t n = sizeof(crawl_cases) / sizeof(crawl_cases[0]);

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char *url = xasprintf("https://e/crawl/%zu", i);
        CHECK_INT_EQ(index_put_crawl(ix, url, &crawl_cases[i]), 0);
        free(url);
    }
    CHECK_INT_EQ(index_commit(ix), 0);
    for (size_t i = 0; i < n; i++) {
        char *url = xasprintf("https://e/crawl/%zu", i);
        struct crawl_state st;
        CHECK_INT_EQ(index_get_crawl(ix, url, &st), 0);
        CHECK_CASE(url, crawl_eq(&st, &crawl_cases[i]));
        crawl_state_cleanup(&st);
        CHECK(st.reason == NULL && st.etag == NULL);
        free(url);
    }
    struct crawl_seen s = {0, true};
    CHECK_INT_EQ(index_foreach_crawl(ix, on_crawl, &s), 0);
    CHECK_INT_EQ(s.n, n);
    CHECK(s.ok);

    struct crawl_state st = {.fetched_at = 9, .reason = (char *)"x"};
    CHECK_INT_EQ(index_get_crawl(ix, "https://e/none", &st), SM_E_NOTFOUND);
    CHECK(st.fetched_at == 0 && st.reason == NULL);
    crawl_state_cleanup(NULL);

    /* Crawl states and records of one URL are independent. */
    CHECK_INT_EQ(index_count_records(ix), 0);
    CHECK_INT_EQ(index_put_crawl(ix, "https://e/crawl/0", &crawl_cases[2]), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_get_crawl(ix, "https://e/crawl/0", &st), 0);
    CHECK(crawl_eq(&st, &crawl_cases[2]));
    crawl_state_cleanup(&st);
    index_close(ix);
out:
    free(dir);
}

/* The format mark: written by the first writer, and an index marked by a
 * newer stacml refused by readers and writers alike. */
static void test_format(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "format");
    char *v = NULL;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_get_meta(ix, "format", &v), 0);
    CHECK_STR_EQ(v, "1");
    free(v);
    CHECK_INT_EQ(index_put_meta(ix, "format", "2"), 0);
    index_close(ix);
    ix = NULL;
    quiet(true);
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_DB);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), SM_E_DB);
    quiet(false);
    CHECK(ix == NULL);
out:
    free(dir);
}

static void test_meta(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "meta");
    char *v = NULL;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_put_meta(ix, "harvest", "{\"n\":1}"), 0);
    CHECK_INT_EQ(index_put_meta(ix, "empty", ""), 0);
    CHECK_INT_EQ(index_put_meta(ix, "", "1"), SM_E_INVAL);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_get_meta(ix, "harvest", &v), 0);
    CHECK_STR_EQ(v, "{\"n\":1}");
    free(v);
    CHECK_INT_EQ(index_get_meta(ix, "empty", &v), 0);
    CHECK_STR_EQ(v, "");
    free(v);
    CHECK_INT_EQ(index_put_meta(ix, "harvest", "{\"n\":2}"), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_get_meta(ix, "harvest", &v), 0);
    CHECK_STR_EQ(v, "{\"n\":2}");
    free(v);
    CHECK_INT_EQ(index_get_meta(ix, "missing", &v), SM_E_NOTFOUND);
    CHECK(v == NULL);
    index_close(ix);
out:
    free(dir);
}

/* Persistence across close and reopen, index_close() committing what is
 * staged, and read-only opens. */
static void test_reopen(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "reopen");
    char *empty = path_join(root, "reopen-empty");
    char *zero = path_join(root, "reopen-zero");
    char *zero_data = path_join(zero, "data.mdb");
    struct seen s = {.json_ok = true};

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(put_rec(ix, "https://e/1", "one", 1), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(put_rec(ix, "https://e/2", "two", 2), 0);
    CHECK_INT_EQ(index_put_meta(ix, "m", "true"), 0);
    index_close(ix); /* commits https://e/2 and m */

    ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK(has_rec(ix, "https://e/1", "one", 1));
    CHECK(has_rec(ix, "https://e/2", "two", 2));
    CHECK_INT_EQ(put_rec(ix, "https://e/3", "three", 3), 0);
    index_close(ix);

    ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_count_records(ix), 3);
    CHECK(has_rec(ix, "https://e/3", "three", 3));
    char *v = NULL;
    CHECK_INT_EQ(index_get_meta(ix, "m", &v), 0);
    CHECK_STR_EQ(v, "true");
    free(v);
    CHECK_INT_EQ(index_foreach_id(ix, "two", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 1);
    seen_cleanup(&s);
    quiet(true);
    CHECK_INT_EQ(put_rec(ix, "https://e/4", "four", 4), SM_E_INVAL);
    CHECK_INT_EQ(index_put_meta(ix, "m", "1"), SM_E_INVAL);
    quiet(false);
    CHECK_INT_EQ(index_commit(ix), 0);
    index_close(ix);

    /* Nothing to read: a missing directory, an empty one, an empty file. */
    ix = (struct index *)1;
    char *missing = path_join(root, "no/such/dir");
    CHECK_INT_EQ(index_open(missing, INDEX_READ, &ix), SM_E_NOTFOUND);
    CHECK(ix == NULL);
    struct stat sb;
    CHECK(stat(missing, &sb) != 0); /* and read mode created nothing */
    free(missing);
    CHECK(mkdir(empty, 0700) == 0);
    CHECK_INT_EQ(index_open(empty, INDEX_READ, &ix), SM_E_NOTFOUND);
    CHECK(mkdir(zero, 0700) == 0);
    CHECK(write_file(zero_data, "", 0));
    CHECK_INT_EQ(index_open(zero, INDEX_READ, &ix), SM_E_NOTFOUND);
out:
    seen_cleanup(&s);
    free(zero_data);
    free(zero);
    free(empty);
    free(dir);
}

/* The batch commits itself at its size (index_set_batch(); batch 0 is
 * the default) of staged writes, not before. */
static void test_autocommit(const char *root, const char *name, int batch)
{
    struct index *ix = NULL;
    char *dir = path_join(root, name);
    int size = batch > 0 ? batch : INDEX_BATCH_DEFAULT;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    index_set_batch(ix, (size_t)batch);
    for (int i = 0; i < size + 1; i++) {
        char *url = xasprintf("https://e/auto/%05d", i);
        CHECK_INT_EQ(put_rec(ix, url, "auto", i), 0);
        free(url);
        if (i == size - 2)
            CHECK_INT_EQ(index_count_records(ix), 0);
    }
    char *first = xasprintf("https://e/auto/%05d", 0);
    char *last = xasprintf("https://e/auto/%05d", size - 1);
    char *over = xasprintf("https://e/auto/%05d", size);
    CHECK(has_rec(ix, first, "auto", 0));
    CHECK(has_rec(ix, last, "auto", size - 1));
    CHECK(!has_rec(ix, over, "auto", size));
    CHECK_INT_EQ(index_count_records(ix), size);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_count_records(ix), size + 1);
    free(first);
    free(last);
    free(over);
    index_close(ix);
out:
    free(dir);
}

/* Batches committed in the background: every lookup waits for the one
 * in flight, so what a writer reads back is what it wrote, at any moment;
 * and a record staged twice keeps its last value across batches. */
static void test_background_commit(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "background");
    enum { N = 5500 };

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    index_set_batch(ix, 1000);
    size_t bad = 0;
    for (int i = 0; i < N; i++) {
        char *url = xasprintf("https://e/bg/%05d", i);
        CHECK_INT_EQ(put_rec(ix, url, "bg", i), 0);
        free(url);
        /* Right after a batch was handed over, and in between. */
        if (i % 1000 == 999 || i % 777 == 0) {
            size_t want = (size_t)(i + 1) / 1000 * 1000;
            bad += index_count_records(ix) != want;
            url = xasprintf("https://e/bg/%05d", i / 1000 * 1000 - 1);
            bad += i >= 1000 && !has_rec(ix, url, "bg", i / 1000 * 1000 - 1);
            free(url);
        }
    }
    CHECK_INT_EQ(bad, 0);
    CHECK(put_rec(ix, "https://e/bg/00001", "bg", -1) == 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_count_records(ix), N);
    CHECK(has_rec(ix, "https://e/bg/00001", "bg", -1));
    CHECK(has_rec(ix, "https://e/bg/05499", "bg", 5499));
    index_close(ix);
    /* Closing waits for the writer: everything is there on reopening. */
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
    if (ix) {
        CHECK_INT_EQ(index_count_records(ix), N);
        index_close(ix);
    }
out:
    free(dir);
}

/* 3000 records of 50 KiB (about 150 MiB with overflow pages) do not fit the
 * 64 MiB starting map, nor 128 MiB: the map has to double at least twice,
 * and nothing may be lost on the way. */
static void test_growth(const char *root)
{
    enum { N = 3000, SIZE = 50 * 1024 };
    struct index *ix = NULL;
    char *dir = path_join(root, "growth");
    char *data = path_join(dir, "data.mdb");
    char *buf = xmalloc(SIZE + 1);
    int bad = 0;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    for (int i = 0; i < N; i++) {
        char *url = xasprintf("https://e/big/%04d", i);
        memset(buf, 'a' + i % 26, SIZE);
        int n = snprintf(buf, 32, "{\"i\":%d,\"p\":\"", i);
        buf[n] = 'x'; /* overwrite snprintf's NUL */
        memcpy(buf + SIZE - 2, "\"}", 2);
        if (index_put_record(ix, url, "big", buf, SIZE) != 0)
            bad++;
        free(url);
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    index_close(ix);

    struct stat sb;
    CHECK(stat(data, &sb) == 0 && sb.st_size > ((off_t)128 << 20));

    ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_count_records(ix), N);
    for (int i = 0; i < N; i++) {
        char *url = xasprintf("https://e/big/%04d", i);
        char *json = NULL;
        size_t len = 0;
        memset(buf, 'a' + i % 26, SIZE);
        int n = snprintf(buf, 32, "{\"i\":%d,\"p\":\"", i);
        buf[n] = 'x';
        memcpy(buf + SIZE - 2, "\"}", 2);
        if (index_get_record(ix, url, &json, &len) != 0 || len != SIZE ||
            memcmp(json, buf, SIZE) != 0)
            bad++;
        free(json);
        free(url);
    }
    CHECK_INT_EQ(bad, 0);
    index_close(ix);
out:
    free(buf);
    free(data);
    free(dir);
}

/* A reader opened while the index was small goes on working after another
 * process has grown the map past the reader's mapping (MDB_MAP_RESIZED). */
static void test_reader_growth(const char *root)
{
    enum { N = 1400, SIZE = 50 * 1024 };
    struct index *ix = NULL;
    char *dir = path_join(root, "reader-growth");
    int status = 0;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(put_rec(ix, "https://e/first", "first", 1), 0);
    index_close(ix);
    ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
    if (!ix)
        goto out;
    CHECK(has_rec(ix, "https://e/first", "first", 1));

    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* A new environment of its own: never use the parent's after fork. */
        struct index *w = NULL;
        char *buf = xmalloc(SIZE);
        if (index_open(dir, INDEX_WRITE, &w) != 0)
            _exit(2);
        memset(buf, ' ', SIZE);
        for (int i = 0; i < N; i++) {
            char *url = xasprintf("https://e/grow/%04d", i);
            if (index_put_record(w, url, "grow", buf, SIZE) != 0)
                _exit(3);
            free(url);
        }
        index_close(w);
        free(buf);
        _exit(0);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_INT_EQ(index_count_records(ix), N + 1);
    char *json = NULL;
    size_t len = 0;
    CHECK_INT_EQ(index_get_record(ix, "https://e/grow/1399", &json, &len), 0);
    CHECK_INT_EQ(len, SIZE);
    free(json);
    index_close(ix);
out:
    free(dir);
}

/* Put one key of someone else's into the main database of dir's
 * environment: an LMDB file that is not a stacml index. */
static bool put_foreign(const char *dir)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    char key[] = "other", value[] = "data";
    MDB_val k = {sizeof(key) - 1, key}, v = {sizeof(value) - 1, value};
    bool ok = mdb_env_create(&env) == 0 &&
              mdb_env_open(env, dir, 0, 0600) == 0 &&
              mdb_txn_begin(env, NULL, 0, &txn) == 0 &&
              mdb_dbi_open(txn, NULL, 0, &dbi) == 0 &&
              mdb_put(txn, dbi, &k, &v, 0) == 0;
    if (ok)
        ok = mdb_txn_commit(txn) == 0;
    else if (txn)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    return ok;
}

/* Files that are not a valid index fail with SM_E_DB, and never crash. */
static void test_corrupt(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "corrupt");
    char *data = path_join(dir, "data.mdb");
    char *lock = path_join(dir, "lock.mdb");
    size_t n = 64 * 1024;
    unsigned char *junk = xmalloc(n);
    uint32_t x = 12345;

    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    CHECK(mkdir(dir, 0700) == 0);
    quiet(true);

    /* Random bytes, then a file shorter than one page. */
    CHECK(write_file(data, junk, n));
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_DB);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), SM_E_DB);
    CHECK(ix == NULL);
    CHECK(write_file(data, junk, 100));
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_DB);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), SM_E_DB);

    /* A valid index cut short (a full disk, a bad copy): its meta pages
     * are fine but point past the end of the file. */
    remove(data);
    remove(lock);
    quiet(false);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    for (int i = 0; i < 500; i++) {
        char *url = xasprintf("https://e/trunc/%03d", i);
        CHECK_INT_EQ(put_rec(ix, url, "t", i), 0);
        free(url);
    }
    index_close(ix);
    ix = NULL;
    quiet(true);
    CHECK(truncate(data, 3 * 4096) == 0);
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_DB);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), SM_E_DB);
    CHECK(ix == NULL);

    /* A valid LMDB environment that holds nothing (a harvest killed before
     * its first commit): no index yet, not a foreign one. */
    remove(data);
    remove(lock);
    MDB_env *env = NULL;
    CHECK(mdb_env_create(&env) == 0 && mdb_env_open(env, dir, 0, 0600) == 0);
    mdb_env_close(env);
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_NOTFOUND);
    CHECK(ix == NULL);

    /* One that holds other data is not a stacml index. */
    CHECK(put_foreign(dir));
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), SM_E_DB);
    CHECK(ix == NULL);

    /* A garbage lock file is rebuilt by the first opener. */
    remove(data);
    remove(lock);
    CHECK(write_file(lock, junk, 8192));
    quiet(false);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    index_close(ix);
    ix = NULL;
out:
    quiet(false);
    free(junk);
    free(lock);
    free(data);
    free(dir);
}

/* A reader in a directory it may not write: LMDB wants lock.mdb
 * read-write, so index_open() falls back to MDB_NOLOCK; a writer gets
 * SM_E_IO. Root ignores permissions, so the checks run in a child that
 * drops to nobody; they are skipped where that is impossible. */
static void test_permissions(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "ro");
    char *sub = path_join(dir, "sub");
    char *data = path_join(dir, "data.mdb");
    char *lock = path_join(dir, "lock.mdb");
    int status = 0;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(put_rec(ix, "https://e/ro", "ro", 1), 0);
    index_close(ix);
    ix = NULL;

    CHECK(chmod(root, 0755) == 0);
    CHECK(chmod(dir, 0555) == 0);
    CHECK(chmod(data, 0444) == 0);
    CHECK(chmod(lock, 0444) == 0);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(77);
        if (access(dir, R_OK | X_OK) != 0 || access(lock, W_OK) == 0)
            _exit(77);
        quiet(true);
        CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
        CHECK(has_rec(ix, "https://e/ro", "ro", 1));
        CHECK_INT_EQ(index_count_records(ix), 1);
        index_close(ix);
        ix = NULL;
        CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), SM_E_IO);
        CHECK_INT_EQ(index_open(sub, INDEX_WRITE, &ix), SM_E_IO);
        CHECK(ix == NULL);
        fflush(stderr);
        _exit(check_failures ? 1 : 0);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        fprintf(stderr, "test-index: permission checks skipped\n");
    else
        CHECK_INT_EQ(WEXITSTATUS(status), 0);
    chmod(dir, 0700);
    chmod(data, 0600);
    chmod(lock, 0600);
    chmod(root, 0700);
out:
    free(lock);
    free(data);
    free(sub);
    free(dir);
}

/* ------------------------------------------------------------ crashes */

enum { CRASH_BATCH = 100 };

/* Stage one batch: records b<batch>/<i> and meta "last" = batch. */
static int crash_stage(struct index *ix, int batch, int count)
{
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        char *url = xasprintf("https://e/crash/b%05d/%03d", batch, i);
        rc = put_rec(ix, url, "crash", batch);
        free(url);
    }
    if (rc == 0 && count == CRASH_BATCH) {
        char *last = xasprintf("%d", batch);
        rc = index_put_meta(ix, "last", last);
        free(last);
    }
    return rc;
}

/* After a crash: batches 0..last are whole, nothing of later ones. */
static void crash_verify(const char *dir, int min_last)
{
    struct index *ix = NULL;
    char *v = NULL;

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        return;
    CHECK_INT_EQ(index_get_meta(ix, "last", &v), 0);
    int last = v ? atoi(v) : -1;
    free(v);
    CHECK(last >= min_last);
    CHECK_INT_EQ(index_count_records(ix), (size_t)(last + 1) * CRASH_BATCH);
    char *url = xasprintf("https://e/crash/b%05d/%03d", last, CRASH_BATCH - 1);
    CHECK(has_rec(ix, url, "crash", last));
    free(url);
    url = xasprintf("https://e/crash/b%05d/000", last + 1);
    CHECK(!has_rec(ix, url, "crash", last + 1));
    free(url);
    /* The killed writer left no lock behind: writing still works. */
    CHECK_INT_EQ(crash_stage(ix, last + 1, CRASH_BATCH), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_count_records(ix), (size_t)(last + 2) * CRASH_BATCH);
    index_close(ix);
}

/* A child that commits five batches, stages half of a sixth and dies. */
static void test_crash_staging(const char *root)
{
    char *dir = path_join(root, "crash1");
    int status = 0;

    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        struct index *ix = NULL;
        if (index_open(dir, INDEX_WRITE, &ix) != 0)
            _exit(2);
        for (int b = 0; b < 5; b++) {
            if (crash_stage(ix, b, CRASH_BATCH) != 0 || index_commit(ix) != 0)
                _exit(3);
        }
        crash_stage(ix, 5, CRASH_BATCH / 2);
        raise(SIGKILL);
        _exit(4);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    crash_verify(dir, 4);
    struct index *ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_READ, &ix), 0);
    CHECK_INT_EQ(index_count_records(ix), 6 * CRASH_BATCH);
    index_close(ix);
    free(dir);
}

/* Fork a writer child(ix, fd) on an index at dir that writes a byte to fd
 * at each step it completes; SIGKILL it after `steps` of them, in the
 * middle of whatever it is doing then. */
static void kill_writer(const char *dir, void (*child)(struct index *, int),
                        int steps)
{
    int status = 0;
    int fds[2];

    CHECK(pipe(fds) == 0);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        struct index *ix = NULL;
        close(fds[0]);
        if (index_open(dir, INDEX_WRITE, &ix) != 0)
            _exit(2);
        child(ix, fds[1]);
        _exit(5);
    }
    close(fds[1]);
    char c;
    int done = 0;
    while (done < steps && read(fds[0], &c, 1) == 1)
        done++;
    CHECK_INT_EQ(done, steps);
    if (pid > 0)
        kill(pid, SIGKILL);
    close(fds[0]);
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* Commits batches as fast as it can, a byte per commit. */
static void commit_batches(struct index *ix, int fd)
{
    for (int b = 0; b < 10000; b++) {
        if (crash_stage(ix, b, CRASH_BATCH) != 0 || index_commit(ix) != 0)
            _exit(3);
        if (write(fd, "c", 1) != 1)
            _exit(4);
    }
}

/* Killed while committing: often inside a write transaction. */
static void test_crash_commit(const char *root)
{
    char *dir = path_join(root, "crash2");
    kill_writer(dir, commit_batches, 5);
    crash_verify(dir, 4);
    free(dir);
}

/* Only stages (batches commit themselves in the background), a byte per
 * 1000 records. */
static void stage_records(struct index *ix, int fd)
{
    index_set_batch(ix, 1000);
    for (int i = 0; i < 1000000; i++) {
        char *url = xasprintf("https://e/crash/%07d", i);
        if (put_rec(ix, url, "crash", i) != 0)
            _exit(3);
        free(url);
        if (i % 1000 == 999 && write(fd, "c", 1) != 1)
            _exit(4);
    }
}

/* Killed while batches commit in the background: the index holds a whole
 * number of batches, and always the first ones. */
static void test_crash_background(const char *root)
{
    char *dir = path_join(root, "crash3");
    kill_writer(dir, stage_records, 4);
    struct index *ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (ix) {
        size_t n = index_count_records(ix);
        CHECK(n >= 2000 && n % 1000 == 0);
        char *url = xasprintf("https://e/crash/%07zu", n - 1);
        CHECK(has_rec(ix, url, "crash", (int)n - 1));
        free(url);
        url = xasprintf("https://e/crash/%07zu", n);
        CHECK(!has_rec(ix, url, "crash", (int)n));
        free(url);
        index_close(ix);
    }
    free(dir);
}

/* Secondary keys: several per record, replaced with the record, kept apart
 * per table, and checked against the record on lookup. */
static void test_keys(const char *root)
{
    struct index *ix = NULL;
    struct seen s = {.json_ok = true};
    char *dir = path_join(root, "keys");
    const char *k1[] = {"task=a", "task=b", "", "bad\x1ekey", "id=m1"};
    const char *k2[] = {"task=b", "id=m2"};
    const char *k3[] = {"task=c", "id=m1"};
    const char *kd[] = {"id=m1"};

    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m1", k1, 5, "{}", 2),
                 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m2", k2, 2, "{}", 2),
                 0);
    CHECK_INT_EQ(
        index_put(ix, INDEX_DATASETS, "https://e/d1", kd, 1, "{\"d\":1}", 7),
        0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_MODELS, "task=b", on_record, &s),
                 0);
    CHECK_INT_EQ(s.n, 2);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_MODELS, "task=a", on_record, &s),
                 0);
    CHECK_INT_EQ(s.n, 1);
    seen_cleanup(&s);
    /* The tables keep their keys apart. */
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_DATASETS, "id=m1", on_record, &s),
                 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], "https://e/d1") == 0);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_count(ix, INDEX_DATASETS), 1);
    CHECK_INT_EQ(index_count(ix, INDEX_MODELS), 2);
    char *json = NULL;
    size_t len = 0;
    CHECK_INT_EQ(index_get(ix, INDEX_DATASETS, "https://e/d1", &json, &len), 0);
    CHECK(json && strcmp(json, "{\"d\":1}") == 0);
    free(json);
    CHECK_INT_EQ(index_get(ix, INDEX_MODELS, "https://e/d1", &json, &len),
                 SM_E_NOTFOUND);
    /* Replacing m1 drops task=a and task=b and adds task=c. */
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m1", k3, 2, "{}", 2),
                 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_MODELS, "task=a", on_record, &s),
                 0);
    CHECK_INT_EQ(s.n, 0);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_MODELS, "task=b", on_record, &s),
                 0);
    CHECK(s.n == 1 && strcmp(s.urls[0], "https://e/m2") == 0);
    seen_cleanup(&s);
    CHECK_INT_EQ(index_foreach_key(ix, INDEX_MODELS, "task=c", on_record, &s),
                 0);
    CHECK_INT_EQ(s.n, 1);
    seen_cleanup(&s);
    /* A key with the separator byte was dropped, not stored. */
    CHECK_INT_EQ(
        index_foreach_key(ix, INDEX_MODELS, "bad\x1ekey", on_record, &s), 0);
    CHECK_INT_EQ(s.n, 0);
    seen_cleanup(&s);
    /* One record written three times in one batch (the keys' writes are
     * made sorted, at the batch's end): only the last keys remain. */
    const char *ka[] = {"task=x", "task=y", "id=m3"};
    const char *kb[] = {"task=y", "task=z", "id=m3"};
    const char *kc[] = {"task=x", "id=m3"};
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m3", ka, 3, "{}", 2),
                 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m3", kb, 3, "{}", 2),
                 0);
    CHECK_INT_EQ(index_put(ix, INDEX_MODELS, "https://e/m3", kc, 2, "{}", 2),
                 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    static const struct {
        const char *key;
        size_t n;
    } after[] = {{"task=x", 1}, {"task=y", 0}, {"task=z", 0}, {"id=m3", 1}};
    for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
        CHECK_INT_EQ(
            index_foreach_key(ix, INDEX_MODELS, after[i].key, on_record, &s),
            0);
        CHECK_CASE(after[i].key, s.n == after[i].n);
        /* The pairs themselves, not only what lookups let through. */
        CHECK_CASE(after[i].key, index_count_key(ix, INDEX_MODELS,
                                                 after[i].key) == after[i].n);
        seen_cleanup(&s);
    }
    index_close(ix);
out:
    free(dir);
}

/* What index_foreach_key_id() reports: "url id" lines. */
static int on_key_id(void *ctx, const char *url, const char *id)
{
    char **out = ctx;
    char *line = xasprintf("%s%s %s\n", *out ? *out : "", url, id);
    free(*out);
    *out = line;
    return 0;
}

static char *key_ids(const char *dir, const struct index_key_query *q)
{
    struct index *ix = NULL;
    char *out = NULL;
    if (index_open(dir, INDEX_READ, &ix) != 0)
        return xstrdup("(open failed)");
    if (!index_has_keyids(ix))
        out = xstrdup("(no keyids)");
    else if (index_foreach_key_id(ix, q, on_key_id, &out) != 0)
        out = xstrdup("(foreach failed)");
    index_close(ix);
    return out ? out : xstrdup("");
}

/* Make dir look like an index written before keyids existed. */
static bool drop_keyids(const char *dir)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    bool ok = mdb_env_create(&env) == 0 && mdb_env_set_maxdbs(env, 16) == 0 &&
              mdb_env_open(env, dir, 0, 0600) == 0 &&
              mdb_txn_begin(env, NULL, 0, &txn) == 0 &&
              mdb_dbi_open(txn, "keyids", MDB_DUPSORT, &dbi) == 0 &&
              mdb_drop(txn, dbi, 1) == 0;
    if (ok)
        ok = mdb_txn_commit(txn) == 0;
    else if (txn)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    return ok;
}

/* The records of the keyids test: m000..m299 with keys by divisibility. */
#define KI_N 300
static bool ki_has(int i, int d)
{
    return i % d == 0;
}

static char *ki_expect(int need_a, int need_b, bool skip_gone, bool any_t)
{
    char *out = xstrdup("");
    for (int i = 0; i < KI_N; i++) {
        if (!ki_has(i, need_a) || (need_b && !ki_has(i, need_b)) ||
            (skip_gone && ki_has(i, 11)) ||
            (any_t && !ki_has(i, 5) && !ki_has(i, 13)))
            continue;
        char *line = xasprintf("%shttps://e/m%03d m%03d\n", out, i, i);
        free(out);
        out = line;
    }
    return out;
}

/* keyids: the id beside each key, answered without records; in step with
 * replaced records; filled in when a writer opens an older index. */
static void test_keyids(const char *root)
{
    struct index *ix = NULL;
    char *dir = path_join(root, "keyids");
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (!ix)
        goto out;
    for (int i = 0; i < KI_N; i++) {
        char *url = xasprintf("https://e/m%03d", i);
        char *id = xasprintf("id=m%03d", i);
        const char *keys[10];
        size_t n = 0;
        keys[n++] = id;
        keys[n++] = "all=1";
        if (!ki_has(i, 11))
            keys[n++] = "n11=1";
        if (ki_has(i, 2))
            keys[n++] = "k2=1";
        if (ki_has(i, 3))
            keys[n++] = "k3=1";
        if (ki_has(i, 7))
            keys[n++] = "k7=1";
        if (ki_has(i, 11))
            keys[n++] = "state=gone";
        if (ki_has(i, 5))
            keys[n++] = "t=x";
        if (ki_has(i, 13))
            keys[n++] = "t=y";
        CHECK_INT_EQ(index_put(ix, INDEX_MODELS, url, keys, n, "{}", 2), 0);
        free(url);
        free(id);
    }
    index_close(ix);

    const char *k3[] = {"k3=1"}, *k2k3[] = {"k2=1", "k3=1"};
    const char *ts[] = {"t=x", "t=y"};
    struct {
        struct index_key_query q;
        int a, b;
        bool skip, any;
    } cases[] = {
        {{"k2=1", NULL, 0, NULL, 0, NULL}, 2, 0, false, false},
        {{"k2=1", k3, 1, NULL, 0, "state=gone"}, 2, 3, true, false},
        {{"k7=1", k2k3, 2, NULL, 0, "state=gone"}, 42, 0, true, false},
        {{"k3=1", NULL, 0, ts, 2, NULL}, 3, 0, false, true},
        {{"k2=1", NULL, 0, ts, 2, "state=gone"}, 2, 0, true, true},
        /* A rare key walked against a dense one: the dense list is
         * skipped through by seeking, not stepping. */
        {{"k7=1", (const char *[]){"k2=1"}, 1, NULL, 0, NULL},
         7,
         2,
         false,
         false},
        {{"t=y", (const char *[]){"all=1"}, 1, NULL, 0, "state=gone"},
         13,
         1,
         true,
         false},
        {{"t=y", (const char *[]){"all=1", "k2=1"}, 2, NULL, 0, NULL},
         26,
         1,
         false,
         false},
        /* ... with holes: 143 and 286 are seeked past, not matched. */
        {{"t=y", (const char *[]){"n11=1"}, 1, NULL, 0, NULL},
         13,
         0,
         true,
         false},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char *want =
            ki_expect(cases[c].a, cases[c].b, cases[c].skip, cases[c].any);
        char *got = key_ids(dir, &cases[c].q);
        CHECK_STR_EQ(got, want);
        free(got);
        free(want);
    }

    /* A replaced record: new id, fewer keys; the old pairs are gone. */
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (ix) {
        const char *keys[] = {"id=renamed", "k3=1"};
        CHECK_INT_EQ(
            index_put(ix, INDEX_MODELS, "https://e/m006", keys, 2, "{}", 2), 0);
        index_close(ix);
    }
    struct index_key_query q6 = {"k3=1", (const char *[]){"k2=1"}, 1, NULL, 0,
                                 NULL};
    char *got = key_ids(dir, &q6);
    CHECK(got && !strstr(got, "m006") && strstr(got, "m012 m012"));
    free(got);
    /* Same id, other keys: only the changed keys' pairs move. */
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    if (ix) {
        const char *keys[] = {"id=m009", "k7=1", "all=1"};
        CHECK_INT_EQ(
            index_put(ix, INDEX_MODELS, "https://e/m009", keys, 3, "{}", 2), 0);
        index_close(ix);
    }
    struct index_key_query q3 = {"k3=1", NULL, 0, NULL, 0, NULL};
    got = key_ids(dir, &q3);
    CHECK(got && !strstr(got, "m009") && strstr(got, "m003 m003"));
    free(got);
    struct index_key_query q7 = {"k7=1", (const char *[]){"all=1"}, 1, NULL, 0,
                                 NULL};
    got = key_ids(dir, &q7);
    CHECK(got && strstr(got, "https://e/m009 m009\n") &&
          strstr(got, "m007 m007"));
    free(got);
    struct index_key_query qr = {"id=renamed", NULL, 0, NULL, 0, NULL};
    got = key_ids(dir, &qr);
    CHECK_STR_EQ(got, "https://e/m006 renamed\n");
    free(got);

    /* A long URL (hashed record key) and an id too long to sit beside it. */
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    char long_url[700], long_id[600];
    memset(long_url, 0, sizeof(long_url));
    memcpy(long_url, "https://e/", 10);
    memset(long_url + 10, 'u', 600);
    memset(long_id, 0, sizeof(long_id));
    memcpy(long_id, "id=", 3);
    memset(long_id + 3, 'i', 300);
    if (ix) {
        const char *keys[] = {long_id, "long=1"};
        CHECK_INT_EQ(index_put(ix, INDEX_MODELS, long_url, keys, 2, "{}", 2),
                     0);
        index_close(ix);
    }
    struct index_key_query ql = {"long=1", NULL, 0, NULL, 0, NULL};
    char *want = xasprintf("%s %s\n", long_url, long_id + 3);
    got = key_ids(dir, &ql);
    CHECK_STR_EQ(got, want);
    free(got);

    /* An older index: no keyids for readers; the first writer adds them. */
    CHECK(drop_keyids(dir));
    got = key_ids(dir, &ql);
    CHECK_STR_EQ(got, "(no keyids)");
    free(got);
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    index_close(ix);
    got = key_ids(dir, &ql);
    CHECK_STR_EQ(got, want);
    free(got);
    free(want);
    want = ki_expect(42, 0, true, false);
    got = key_ids(dir, &cases[2].q);
    CHECK_STR_EQ(got, want);
    free(got);
    free(want);
out:
    free(dir);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *root = xasprintf("%s/test-index-XXXXXX", tmp && *tmp ? tmp : "/tmp");

    /* A hung LMDB lock would hang make check; fail loudly instead. */
    alarm(120);
    if (!mkdtemp(root)) {
        fprintf(stderr, "test-index: mkdtemp %s: %s\n", root, strerror(errno));
        free(root);
        return 1;
    }
    test_args(root);
    test_basic(root);
    test_ids(root);
    test_keys(root);
    test_keyids(root);
    test_long_keys(root);
    test_key_counts_long(root);
    test_foreach(root);
    test_crawl(root);
    test_meta(root);
    test_format(root);
    test_reopen(root);
    test_autocommit(root, "auto", 0);
    test_autocommit(root, "auto1000", 1000);
    test_background_commit(root);
    test_growth(root);
    test_reader_growth(root);
    test_corrupt(root);
    test_permissions(root);
    test_crash_staging(root);
    test_crash_commit(root);
    test_crash_background(root);
    rm_rf(root);
    free(root);
    return check_exit("test-index");
}
