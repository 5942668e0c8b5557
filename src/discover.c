/* SPDX-License-Identifier: MIT */
/* Survey scheduling and verdicts for registry sources. */
#include <config.h>

#include <string.h>

#include "src/discover.h"
#include "src/log.h"
#include "src/xalloc.h"

static const struct source *find(const struct source_list *l, const char *url)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].url && strcmp(l->v[i].url, url) == 0)
            return &l->v[i];
    return NULL;
}

static bool verdict_is(const json_t *state, const char *verdict)
{
    const char *v = json_string_value(json_object_get(state, "verdict"));
    return v && strcmp(v, verdict) == 0;
}

static bool holds(const json_t *state)
{
    return verdict_is(state, "holds-models") ||
           verdict_is(state, "declares-models");
}

/* A stored verdict that settles nothing: a survey cut off by its budget,
 * or a source skipped for want of credentials that this run has. */
static bool is_unsettled(const json_t *state)
{
    return verdict_is(state, "incomplete") || verdict_is(state, "skipped");
}

static int found_one(void *ctx, const char *url, const char *json, size_t len)
{
    (void)url;
    (void)json;
    (void)len;
    *(bool *)ctx = true;
    return 1;
}

/* Whether the index holds records of the source that are not gone, read
 * from their keys. Such a source is harvested in full whatever its survey
 * says, until a complete crawl finds them again or marks them gone: a
 * survey samples, and one that no longer meets a model must not leave the
 * records it did meet live for ever. */
static bool has_live_records(struct index *ix, const char *url)
{
    char *key = xasprintf("source=%s", url);
    bool found = false;
    index_foreach_key_without(ix, INDEX_MODELS, key, "state=gone", found_one,
                              &found);
    if (!found)
        index_foreach_key_without(ix, INDEX_DATASETS, key, "state=gone",
                                  found_one, &found);
    free(key);
    return found;
}

/* The state of a source, new or stored, with the registry's facts. */
static json_t *state_of(struct index *ix, const struct source *s)
{
    json_t *st = sources_load(ix, s->url);
    if (!st)
        st = json_object();
    json_object_set_new(st, "url", json_string(s->url));
    if (s->title)
        json_object_set_new(st, "title", json_string(s->title));
    if (s->id)
        json_object_set_new(st, "registry_id", json_string(s->id));
    json_object_set_new(st, "registry_is_api", json_boolean(s->is_api));
    return st;
}

void discover_plan(struct index *ix, const struct source_list *l, int64_t now,
                   int64_t survey_every, json_t *survey, json_t *harvest)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct source *s = &l->v[i];
        if (!s->url)
            continue;
        json_t *st = state_of(ix, s);
        if (s->skip) {
            /* A verdict made with credentials says nothing about what this
             * run may see without them: it is replaced, along with its
             * survey; the last harvest's counts stay for the record. */
            json_object_set_new(st, "verdict", json_string("skipped"));
            json_object_set_new(st, "reason", json_string(s->skip));
            json_object_set_new(st, "surveyed_at", json_integer(now));
            json_object_del(st, "survey");
            sources_store(ix, s->url, st);
        } else {
            json_t *at = json_object_get(st, "surveyed_at");
            bool lives = has_live_records(ix, s->url);
            /* An outage on the night of the survey does not drop a source
             * whose records are here for a whole survey period. */
            bool is_due = !json_is_integer(at) || is_unsettled(st) ||
                          (lives && verdict_is(st, "unreachable")) ||
                          now - json_integer_value(at) >= survey_every;
            if (is_due)
                json_array_append_new(survey, json_string(s->url));
            else if (holds(st) || lives)
                json_array_append_new(harvest, json_string(s->url));
        }
        json_decref(st);
    }
}

/* "api" when the run found an API landing page at the source's URL. */
static const char *kind_of(const char *url, const json_t *apis)
{
    size_t i;
    const json_t *a;
    json_array_foreach (apis, i, a) {
        const char *u = json_string_value(json_object_get(a, "url"));
        if (u && strcmp(u, url) == 0)
            return "api";
    }
    return "catalog";
}

/* Models found before a budget ran out are a verdict; finding none is not
 * one when the survey was cut off ("incomplete", surveyed again on the
 * next run). */
static const char *verdict_of(const json_t *c)
{
    if (!c || json_is_true(json_object_get(c, "seed_failed")))
        return "unreachable";
    if (json_integer_value(json_object_get(c, "model_items")) > 0)
        return "holds-models";
    if (json_integer_value(json_object_get(c, "models")) > 0)
        return "declares-models";
    if (json_is_true(json_object_get(c, "budget")))
        return "incomplete";
    return "none";
}

void discover_verdicts(struct index *ix, const struct source_list *l,
                       const json_t *survey, const json_t *counters,
                       const json_t *apis, int64_t now, json_t *harvest)
{
    size_t i;
    const json_t *u;
    json_array_foreach (survey, i, u) {
        const char *url = json_string_value(u);
        const struct source *s = find(l, url);
        if (!s)
            continue;
        const json_t *c = json_object_get(counters, url);
        json_t *st = state_of(ix, s);
        const char *verdict = verdict_of(c);
        const char *kind = kind_of(url, apis);
        json_object_set_new(st, "verdict", json_string(verdict));
        json_object_set_new(st, "kind", json_string(kind));
        json_object_set_new(st, "surveyed_at", json_integer(now));
        json_object_set(st, "survey", c ? (json_t *)c : json_null());
        bool lives = !holds(st) && strcmp(verdict, "unreachable") != 0 &&
                     has_live_records(ix, url);
        if (strcmp(verdict, "incomplete") == 0) {
            json_object_set_new(
                st, "reason",
                json_string("survey cut off by its budget (--source-budget, "
                            "--source-time) before a verdict; surveyed "
                            "again on the next run"));
            log_warn("%s: survey cut off by its budget before a verdict "
                     "(incomplete); it is surveyed again on the next run",
                     url);
        } else if (lives) {
            json_object_set_new(
                st, "reason",
                json_string("the survey met no model, but records of this "
                            "source are in the index: harvested in full "
                            "until they are found again or marked gone"));
        } else {
            json_object_del(st, "reason");
        }
        if (s->is_api != (strcmp(kind, "api") == 0) &&
            strcmp(verdict, "unreachable") != 0)
            json_object_set_new(
                st, "note",
                json_sprintf("the registry says isApi %s, the document says "
                             "%s",
                             s->is_api ? "true" : "false", kind));
        else
            json_object_del(st, "note");
        if (holds(st) || lives)
            json_array_append_new(harvest, json_string(url));
        sources_store(ix, url, st);
        json_decref(st);
    }
}

void discover_harvested(struct index *ix, const json_t *harvest,
                        const json_t *counters, int64_t now)
{
    size_t i;
    const json_t *u;
    json_array_foreach (harvest, i, u) {
        const char *url = json_string_value(u);
        json_t *st = sources_load(ix, url);
        if (!st)
            continue; /* a plain seed, not a registry source */
        json_object_set_new(st, "harvested_at", json_integer(now));
        json_object_set(st, "harvest",
                        json_object_get(counters, url)
                            ? json_object_get(counters, url)
                            : json_null());
        sources_store(ix, url, st);
        json_decref(st);
    }
}
