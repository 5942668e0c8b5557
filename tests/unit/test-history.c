/* SPDX-License-Identifier: MIT */
/* Unit tests of the record history (src/history.c) on a real index in a
 * temporary directory: stamping, gone-marking when a run that was killed
 * while marking is resumed and marks again, and a gone record found again
 * unchanged. No network; removes its
 * directory at the end. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "index/index.h"
#include "src/history.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

#define SOURCE "https://example.test/catalog.json"
#define URL_KEPT "https://example.test/kept.json"
#define URL_LOST "https://example.test/lost.json"

/* Stage and commit a model record of SOURCE as seen by run at now. */
static void put_model(struct index *ix, const char *url, const char *id,
                      int64_t run, int64_t now)
{
    json_t *rec =
        json_pack("{s:s, s:s, s:s, s:[s], s:{s:s}}", "url", url, "id", id,
                  "source", SOURCE, "extensions", "mlm", "stac", "id", id);
    CHECK_INT_EQ(
        history_put(ix, INDEX_MODELS, url, rec, run, now, false, NULL, NULL),
        0);
    json_decref(rec);
    CHECK_INT_EQ(index_commit(ix), 0);
}

/* The stored model record of url, decoded, or NULL. */
static json_t *get_model(struct index *ix, const char *url)
{
    char *json = NULL;
    size_t len = 0;
    if (index_get(ix, INDEX_MODELS, url, &json, &len) != 0)
        return NULL;
    json_t *rec = json_loadb(json, len, 0, NULL);
    free(json);
    return rec;
}

static json_int_t field_int(struct index *ix, const char *url, const char *name)
{
    json_t *rec = get_model(ix, url);
    json_int_t v = json_integer_value(json_object_get(rec, name));
    json_decref(rec);
    return v;
}

static bool is_gone(struct index *ix, const char *url)
{
    json_t *rec = get_model(ix, url);
    bool gone = json_is_true(json_object_get(rec, "gone"));
    json_decref(rec);
    return gone;
}

/* A run that marks, is killed, and is resumed marks the same records a
 * second time: each run must count once towards --gone-after. */
static void test_mark_gone_resumed(const char *dir)
{
    struct index *ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    put_model(ix, URL_KEPT, "kept", 1, 100);
    put_model(ix, URL_LOST, "lost", 1, 100);

    /* Run 2 reaches only one of them, marks, and marks again (resumed). */
    put_model(ix, URL_KEPT, "kept", 2, 200);
    CHECK_INT_EQ(history_mark_gone(ix, SOURCE, 2, 2, 200, NULL), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(history_mark_gone(ix, SOURCE, 2, 2, 210, NULL), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(field_int(ix, URL_LOST, "missed"), 1);
    CHECK(!is_gone(ix, URL_LOST));
    CHECK_INT_EQ(field_int(ix, URL_KEPT, "missed"), 0);

    /* Run 3 misses it too: gone now, counted once even when resumed. */
    put_model(ix, URL_KEPT, "kept", 3, 300);
    CHECK_INT_EQ(history_mark_gone(ix, SOURCE, 3, 2, 300, NULL), 1);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(history_mark_gone(ix, SOURCE, 3, 2, 310, NULL), 1);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(field_int(ix, URL_LOST, "missed"), 2);
    CHECK(is_gone(ix, URL_LOST));
    CHECK_INT_EQ(field_int(ix, URL_LOST, "gone_since"), 300);

    /* It comes back: the miss bookkeeping goes with the gone flag. */
    put_model(ix, URL_LOST, "lost", 4, 400);
    json_t *rec = get_model(ix, URL_LOST);
    CHECK(rec && !json_object_get(rec, "missed_run"));
    CHECK_INT_EQ(json_integer_value(json_object_get(rec, "missed")), 0);
    json_decref(rec);
    index_close(ix);
}

/* A gone record found again unchanged (its parent's link restored, the
 * document itself answering 304) is touched, not rebuilt: it must come
 * back whole, without the stamp of when it became gone. */
static void test_touch_returns(const char *dir)
{
    struct index *ix = NULL;
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    put_model(ix, URL_LOST, "lost", 1, 100);
    CHECK_INT_EQ(history_mark_gone(ix, SOURCE, 2, 1, 200, NULL), 1);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK(is_gone(ix, URL_LOST));
    CHECK_INT_EQ(field_int(ix, URL_LOST, "gone_since"), 200);

    CHECK_INT_EQ(history_touch(ix, INDEX_MODELS, URL_LOST, NULL, 3, 300), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    json_t *rec = get_model(ix, URL_LOST);
    CHECK(rec && json_is_false(json_object_get(rec, "gone")));
    CHECK(rec && !json_object_get(rec, "gone_since"));
    CHECK(rec && !json_object_get(rec, "missed_run"));
    CHECK_INT_EQ(json_integer_value(json_object_get(rec, "missed")), 0);
    json_decref(rec);
    index_close(ix);
}

/* The current run's meta record read back damaged (zeroed bytes): the
 * next run is numbered after the runs listed, not 1 again over run 1's
 * summary. */
static void test_run_current_damaged(const char *dir)
{
    struct index *ix = NULL;
    bool is_resume = true;
    int64_t started = 0;
    CHECK_INT_EQ(index_open(dir, INDEX_WRITE, &ix), 0);
    for (int64_t i = 1; i <= 2; i++) {
        int64_t run =
            history_run_begin(ix, "sig", 100 * i, &is_resume, &started);
        CHECK_INT_EQ(run, i);
        CHECK(!is_resume);
        json_t *sum = json_pack("{s:I}", "fetched", (json_int_t)i);
        history_run_end(ix, run, sum);
        json_decref(sum);
        CHECK_INT_EQ(index_commit(ix), 0);
    }
    CHECK_INT_EQ(index_put_meta(ix, "run:current", "\0\0\0\0"), 0);
    CHECK_INT_EQ(index_commit(ix), 0);
    CHECK_INT_EQ(history_run_begin(ix, "sig", 300, &is_resume, &started), 3);
    CHECK(!is_resume);
    char *text = NULL;
    CHECK_INT_EQ(index_get_meta(ix, HISTORY_RUN_PREFIX "000000000001", &text),
                 0);
    json_t *first = text ? json_loads(text, 0, NULL) : NULL;
    CHECK_INT_EQ(json_integer_value(json_object_get(first, "fetched")), 1);
    json_decref(first);
    free(text);
    index_close(ix);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *root =
        xasprintf("%s/test-history-XXXXXX", tmp && *tmp ? tmp : "/tmp");

    alarm(60);
    if (!mkdtemp(root)) {
        fprintf(stderr, "test-history: mkdtemp %s: %s\n", root,
                strerror(errno));
        free(root);
        return 1;
    }
    char *dir = xasprintf("%s/db", root);
    test_mark_gone_resumed(dir);
    char *dir2 = xasprintf("%s/db2", root);
    test_touch_returns(dir2);
    free(dir2);
    char *dir3 = xasprintf("%s/db3", root);
    test_run_current_damaged(dir3);
    free(dir3);
    char *cmd = xasprintf("rm -rf '%s'", root);
    CHECK_INT_EQ(system(cmd), 0);
    free(cmd);
    free(dir);
    free(root);
    return check_exit("test-history");
}
