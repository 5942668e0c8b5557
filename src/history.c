/* SPDX-License-Identifier: MIT */
/* Record history and harvest runs, kept in the index: what makes a nightly
 * re-harvest incremental, resumable after a kill, and able to tell a record
 * that vanished upstream from one a server failed to serve tonight. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/record.h"
#include "src/err.h"
#include "src/history.h"
#include "src/log.h"
#include "src/xalloc.h"

void history_encode(const json_t *rec, struct history_entry *out)
{
    out->keys = NULL;
    out->n_keys = 0;
    record_keys(rec, &out->keys, &out->n_keys);
    out->enc = record_encode(rec, &out->len);
}

void history_entry_cleanup(struct history_entry *en)
{
    record_keys_free(en->keys, en->n_keys);
    free(en->enc);
    memset(en, 0, sizeof(*en));
}

int history_stage(struct index *ix, enum index_table table, const char *url,
                  const struct history_entry *en)
{
    return index_put(ix, table, url, (const char *const *)en->keys, en->n_keys,
                     en->enc, en->len);
}

int history_put_plain(struct index *ix, enum index_table table, const char *url,
                      const json_t *rec)
{
    struct history_entry en;
    history_encode(rec, &en);
    int rc = history_stage(ix, table, url, &en);
    history_entry_cleanup(&en);
    return rc;
}

/* The stored record of url, decoded, or NULL. */
static json_t *stored(struct index *ix, enum index_table table, const char *url)
{
    char *json = NULL;
    size_t len = 0;
    if (index_get(ix, table, url, &json, &len) != 0)
        return NULL;
    json_t *rec = record_decode(json, len);
    free(json);
    return rec;
}

static void set_seen(json_t *rec, int64_t run, int64_t now)
{
    json_object_set_new(rec, "last_seen", json_integer(now));
    json_object_set_new(rec, "run", json_integer(run));
    json_object_set_new(rec, "missed", json_integer(0));
    json_object_set_new(rec, "gone", json_false());
    json_object_del(rec, "gone_since");
    json_object_del(rec, "missed_run");
}

static json_t *keep_or(const json_t *old, const char *key, int64_t now)
{
    json_t *v = json_object_get(old, key);
    return json_is_integer(v) ? json_incref(v) : json_integer(now);
}

/* The stamps of a record first seen by run at now, or (old not NULL) of
 * one seen before; true when it changed. */
static bool stamp(json_t *rec, const json_t *old, int64_t run, int64_t now)
{
    bool changed = !old || !json_equal(json_object_get(old, "stac"),
                                       json_object_get(rec, "stac"));
    json_object_set_new(rec, "first_seen", keep_or(old, "first_seen", now));
    json_object_set_new(rec, "last_changed",
                        changed ? json_integer(now)
                                : keep_or(old, "last_changed", now));
    set_seen(rec, run, now);
    return changed;
}

void history_encode_new(json_t *rec, int64_t run, int64_t now,
                        struct history_entry *out)
{
    stamp(rec, NULL, run, now);
    history_encode(rec, out);
}

int history_put(struct index *ix, enum index_table table, const char *url,
                json_t *rec, int64_t run, int64_t now, bool is_fresh,
                bool *is_new, bool *is_changed)
{
    /* A lookup would also wait for the batch being committed. */
    json_t *old = is_fresh ? NULL : stored(ix, table, url);
    bool changed = stamp(rec, old, run, now);
    if (is_new)
        *is_new = !old;
    if (is_changed)
        *is_changed = old && changed;
    json_decref(old);
    return history_put_plain(ix, table, url, rec);
}

int history_touch(struct index *ix, enum index_table table, const char *url,
                  const char *source, int64_t run, int64_t now)
{
    json_t *rec = stored(ix, table, url);
    if (!rec)
        return SM_E_NOTFOUND;
    set_seen(rec, run, now);
    if (source)
        json_object_set_new(rec, "source", json_string(source));
    int rc = history_put_plain(ix, table, url, rec);
    json_decref(rec);
    return rc;
}

static int collect_url(void *ctx, const char *url, const char *json, size_t len)
{
    json_array_append_new(ctx, json_string(url));
    return 0;
}

static size_t mark_table(struct index *ix, enum index_table table,
                         const char *source, int64_t run, int gone_after,
                         int64_t now)
{
    /* Records carry their source and their run as keys: the ones of the
     * source not seen by this run come from the keys alone, without reading
     * (or mapping) a single record. */
    json_t *urls = json_array();
    char *in = xasprintf("source=%s", source);
    char *out = xasprintf("run=%lld", (long long)run);
    index_foreach_key_without(ix, table, in, out, collect_url, urls);
    free(in);
    free(out);
    size_t n_gone = 0, i;
    const json_t *u;
    json_array_foreach (urls, i, u) {
        const char *url = json_string_value(u);
        json_t *rec = stored(ix, table, url);
        if (!rec)
            continue;
        json_int_t missed = json_integer_value(json_object_get(rec, "missed"));
        bool was_gone = json_is_true(json_object_get(rec, "gone"));
        /* A run killed while marking committed part of it, and the run
         * that resumes it marks again: count each run once, or one
         * vanished night would make a record gone. */
        if (json_integer_value(json_object_get(rec, "missed_run")) == run) {
            n_gone += was_gone && missed == gone_after;
            json_decref(rec);
            continue;
        }
        json_object_set_new(rec, "missed", json_integer(missed + 1));
        json_object_set_new(rec, "missed_run", json_integer(run));
        if (!was_gone && missed + 1 >= gone_after) {
            json_object_set_new(rec, "gone", json_true());
            json_object_set_new(rec, "gone_since", json_integer(now));
            n_gone++;
        }
        history_put_plain(ix, table, url, rec);
        json_decref(rec);
    }
    json_decref(urls);
    return n_gone;
}

size_t history_mark_gone(struct index *ix, const char *source, int64_t run,
                         int gone_after, int64_t now, size_t *datasets_gone)
{
    if (index_commit(ix) != 0)
        return 0;
    size_t n = mark_table(ix, INDEX_DATASETS, source, run, gone_after, now);
    if (datasets_gone)
        *datasets_gone += n;
    return mark_table(ix, INDEX_MODELS, source, run, gone_after, now);
}

static int last_run(void *ctx, const char *key, const char *json, size_t len)
{
    json_int_t *last = ctx;
    long long id = strtoll(key + strlen(HISTORY_RUN_PREFIX), NULL, 10);
    (void)json;
    (void)len;
    if (id > *last)
        *last = id;
    return 0;
}

int64_t history_run_begin(struct index *ix, const char *signature, int64_t now,
                          bool *is_resume, int64_t *started)
{
    char *text = NULL;
    json_t *cur = NULL;
    if (index_get_meta(ix, "run:current", &text) == 0)
        cur = json_loads(text, 0, NULL);
    free(text);
    json_int_t id = json_integer_value(json_object_get(cur, "id"));
    if (id <= 0) {
        /* No current run (a new index), or its record is damaged: number
         * on after the runs listed, never over them. */
        json_int_t last = 0;
        index_foreach_meta(ix, HISTORY_RUN_PREFIX, last_run, &last);
        if (last > 0)
            log_warn("the index's current run is unreadable: numbering runs "
                     "on from run %lld",
                     (long long)last);
        id = last > id ? last : id;
    }
    const char *sig = json_string_value(json_object_get(cur, "signature"));
    *is_resume = cur && id > 0 &&
                 !json_is_true(json_object_get(cur, "finished")) && sig &&
                 strcmp(sig, signature) == 0;
    json_t *t0 = json_object_get(cur, "started");
    *started = *is_resume && json_is_integer(t0) ? json_integer_value(t0) : now;
    if (!*is_resume) {
        id = id + 1;
        json_decref(cur);
        cur = json_pack("{s:I, s:s, s:I, s:b}", "id", id, "signature",
                        signature, "started", (json_int_t)now, "finished", 0);
        char *dump = json_dumps(cur, JSON_COMPACT);
        index_put_meta(ix, "run:current", dump);
        free(dump);
        index_commit(ix);
    }
    json_decref(cur);
    return id;
}

void history_run_record(struct index *ix, int64_t run, const json_t *summary)
{
    char key[64];
    snprintf(key, sizeof(key), HISTORY_RUN_PREFIX "%012lld", (long long)run);
    char *dump = json_dumps(summary, JSON_COMPACT);
    index_put_meta(ix, key, dump);
    free(dump);
}

void history_run_end(struct index *ix, int64_t run, const json_t *summary)
{
    history_run_record(ix, run, summary);
    json_t *cur = json_pack("{s:I, s:b}", "id", (json_int_t)run, "finished", 1);
    char *dump = json_dumps(cur, JSON_COMPACT);
    index_put_meta(ix, "run:current", dump);
    free(dump);
    json_decref(cur);
}

int history_stamps(struct index *ix, enum index_table table, const char *url,
                   int64_t *first_seen, int64_t *last_changed)
{
    json_t *rec = stored(ix, table, url);
    if (!rec)
        return SM_E_NOTFOUND;
    *first_seen = json_integer_value(json_object_get(rec, "first_seen"));
    *last_changed = json_integer_value(json_object_get(rec, "last_changed"));
    json_decref(rec);
    return 0;
}
