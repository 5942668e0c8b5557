/* SPDX-License-Identifier: MIT */
/* The reading commands: search, show, export and stats. They open the
 * index read-only, so they run while a harvest writes (LMDB readers never
 * block). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "src/url.h"
#include "index/index.h"
#include "index/record.h"
#include "src/cli.h"
#include "src/err.h"
#include "src/text.h"
#include "src/xalloc.h"

enum out_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_JSONL, FORMAT_IDS };

static const char search_help[] =
    "Usage: stacml [--db DIR] search [OPTIONS] [WORDS...]\n"
    "\n"
    "List the model records matching every word (case-insensitive) in\n"
    "their id, title, name, description, architecture or keywords. Without\n"
    "words, list every model.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default), json, jsonl or ids\n"
    "  --db DIR          index directory\n"
    "  -h, --help        show this help\n";

static const char show_help[] =
    "Usage: stacml [--db DIR] show URL|ID\n"
    "\n"
    "Print one record in full as pretty JSON, by its canonical URL or by its\n"
    "STAC id. Exit status 1 when there is no such record or the id is\n"
    "ambiguous (the candidates' URLs are listed).\n";

static const char export_help[] =
    "Usage: stacml [--db DIR] export\n"
    "\n"
    "Write every model record as one JSON object a line on standard output.\n";

static const char stats_help[] =
    "Usage: stacml [--db DIR] stats [--format table|json]\n"
    "\n"
    "Counts of model records by extension and by source, and the time,\n"
    "outcome and failures of the last harvest.\n";

static int open_index(struct cli *cli, const char *cmd, struct index **ix)
{
    if (!cli->db)
        return cli_usage_error(cmd, "no index directory: use --db");
    int rc = index_open(cli->db, INDEX_READ, ix);
    if (rc == SM_E_NOTFOUND) {
        fprintf(stderr,
                "stacml %s: no index in %s (run 'stacml harvest' "
                "first)\n",
                cmd, cli->db);
        return EXIT_INDEX;
    }
    if (rc != 0) {
        fprintf(stderr, "stacml %s: cannot open index %s: %s\n", cmd, cli->db,
                sm_strerror(rc));
        return EXIT_INDEX;
    }
    return EXIT_OK;
}

/* Common option parsing: --db, --help, --format. Returns EXIT_OK, an exit
 * status, or -1 after printing help. */
static int parse_common(struct cli *cli, int argc, char **argv, const char *cmd,
                        const char *help, enum out_format *fmt)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            cli_set_db(cli, optarg);
            break;
        case 'f':
            if (!fmt)
                return cli_usage_error(cmd, "--format is not an option here");
            if (strcmp(optarg, "table") == 0)
                *fmt = FORMAT_TABLE;
            else if (strcmp(optarg, "json") == 0)
                *fmt = FORMAT_JSON;
            else if (strcmp(optarg, "jsonl") == 0)
                *fmt = FORMAT_JSONL;
            else if (strcmp(optarg, "ids") == 0)
                *fmt = FORMAT_IDS;
            else
                return cli_usage_error(cmd, "unknown format '%s'", optarg);
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            return cli_usage_error(cmd, "unknown option");
        }
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------- search */

static const json_t *props_of(const json_t *stac)
{
    const json_t *p = json_object_get(stac, "properties");
    return json_is_object(p) ? p : NULL;
}

/* A string field of the STAC document, at top level or in properties. */
static const char *stac_str(const json_t *stac, const char *key)
{
    const char *s = json_string_value(json_object_get(stac, key));
    if (!s)
        s = json_string_value(json_object_get(props_of(stac), key));
    return s;
}

static const char *record_title(const json_t *rec)
{
    const json_t *stac = json_object_get(rec, "stac");
    const char *s = json_string_value(json_object_get(rec, "name"));
    if (!s)
        s = stac_str(stac, "mlm:name");
    if (!s)
        s = stac_str(stac, "title");
    return s ? s : "";
}

static bool value_matches(const json_t *v, const char *word)
{
    if (json_is_string(v))
        return text_contains_ci(json_string_value(v), word);
    if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach (v, i, x)
            if (value_matches(x, word))
                return true;
    }
    return false;
}

static bool field_matches(const json_t *stac, const char *key, const char *word)
{
    return value_matches(json_object_get(stac, key), word) ||
           value_matches(json_object_get(props_of(stac), key), word);
}

static bool word_matches(const json_t *rec, const char *word)
{
    static const char *const keys[] = {
        "title",    "description",           "keywords",
        "mlm:name", "ml-model:architecture", "mlm:architecture",
    };
    const json_t *stac = json_object_get(rec, "stac");
    if (value_matches(json_object_get(rec, "id"), word) ||
        value_matches(json_object_get(rec, "name"), word) ||
        value_matches(json_object_get(rec, "architecture"), word))
        return true;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (field_matches(stac, keys[i], word))
            return true;
    const json_t *dlm = json_object_get(props_of(stac), "dlm:architecture");
    return value_matches(json_object_get(dlm, "type"), word);
}

struct search {
    char **words;
    int n_words;
    enum out_format fmt;
    size_t matched;
    bool write_error;
};

static void print_table_header(void)
{
    printf("%-28s  %-10s  %-16s  %-36s  %s\n", "ID", "TYPE", "EXTENSIONS",
           "TITLE", "URL");
}

static void print_table_row(const json_t *rec)
{
    char exts[64] = "";
    size_t i;
    const json_t *e;
    json_array_foreach (json_object_get(rec, "extensions"), i, e) {
        if (i)
            strncat(exts, ",", sizeof(exts) - strlen(exts) - 1);
        strncat(exts, json_string_value(e) ? json_string_value(e) : "?",
                sizeof(exts) - strlen(exts) - 1);
    }
    char *id = text_safe(json_string_value(json_object_get(rec, "id")), 28);
    char *type =
        text_safe(json_string_value(json_object_get(rec, "stac_type")), 10);
    char *title = text_safe(record_title(rec), 36);
    char *url = text_safe(json_string_value(json_object_get(rec, "url")), 0);
    printf("%-28s  %-10s  %-16s  %-36s  %s\n", id, type, exts, title, url);
    free(id);
    free(type);
    free(title);
    free(url);
}

static int on_search_record(void *ctx, const char *url, const char *json,
                            size_t len)
{
    struct search *s = ctx;
    json_t *rec = record_decode(json, len);
    if (!rec)
        return 0;
    for (int i = 0; i < s->n_words; i++) {
        if (!word_matches(rec, s->words[i])) {
            json_decref(rec);
            return 0;
        }
    }
    if (s->fmt == FORMAT_TABLE && s->matched == 0)
        print_table_header();
    if (s->fmt == FORMAT_JSON)
        fputs(s->matched ? ",\n" : "[\n", stdout);
    s->matched++;
    switch (s->fmt) {
    case FORMAT_TABLE:
        print_table_row(rec);
        break;
    case FORMAT_JSON:
    case FORMAT_JSONL:
        fwrite(json, 1, len, stdout);
        break;
    case FORMAT_IDS: {
        char *id = text_safe(json_string_value(json_object_get(rec, "id")), 0);
        printf("%s\t%s\n", id, url);
        free(id);
        break;
    }
    }
    if (s->fmt == FORMAT_JSONL)
        putchar('\n');
    json_decref(rec);
    if (ferror(stdout)) {
        s->write_error = true;
        return 1;
    }
    return 0;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
    struct search s = {.fmt = FORMAT_TABLE};
    struct index *ix = NULL;
    int status = parse_common(cli, argc, argv, "search", search_help, &s.fmt);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    status = open_index(cli, "search", &ix);
    if (status != EXIT_OK)
        return status;
    s.words = argv + optind;
    s.n_words = argc - optind;
    int rc = index_foreach_record(ix, on_search_record, &s);
    if (s.fmt == FORMAT_JSON)
        fputs(s.matched ? "\n]\n" : "[]\n", stdout);
    index_close(ix);
    if (rc < 0) {
        fprintf(stderr, "stacml search: cannot read index: %s\n",
                sm_strerror(rc));
        return EXIT_INDEX;
    }
    if (s.write_error || fflush(stdout) != 0) {
        fprintf(stderr, "stacml search: write error: %s\n", strerror(errno));
        return EXIT_PARTIAL;
    }
    if (s.fmt == FORMAT_TABLE && s.matched == 0)
        fprintf(stderr, "stacml search: no matching model records\n");
    return EXIT_OK;
}

/* --------------------------------------------------------------- show */

struct id_matches {
    char **urls;
    size_t n, cap;
};

static int on_id_match(void *ctx, const char *url, const char *json, size_t len)
{
    struct id_matches *m = ctx;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->urls = xrealloc(m->urls, m->cap * sizeof(*m->urls));
    }
    m->urls[m->n++] = xstrdup(url);
    return m->n >= 1000; /* enough to say it is ambiguous */
}

static int print_pretty(const char *json, size_t len)
{
    json_t *rec = record_decode(json, len);
    if (!rec)
        return EXIT_INDEX;
    json_dumpf(rec, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    putchar('\n');
    json_decref(rec);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_PARTIAL;
}

static int show_by_id(struct index *ix, const char *arg)
{
    struct id_matches m = {0};
    int status = EXIT_PARTIAL;
    index_foreach_id(ix, arg, on_id_match, &m);
    char *safe = text_safe(arg, 200);
    if (m.n == 0) {
        fprintf(stderr, "stacml show: no record with URL or id '%s'\n", safe);
    } else if (m.n > 1) {
        fprintf(stderr, "stacml show: id '%s' is ambiguous; %zu records:\n",
                safe, m.n);
        for (size_t i = 0; i < m.n; i++) {
            char *u = text_safe(m.urls[i], 0);
            fprintf(stderr, "  %s\n", u);
            free(u);
        }
    } else {
        char *json = NULL;
        size_t len = 0;
        if (index_get_record(ix, m.urls[0], &json, &len) == 0)
            status = print_pretty(json, len);
        free(json);
    }
    free(safe);
    for (size_t i = 0; i < m.n; i++)
        free(m.urls[i]);
    free(m.urls);
    return status;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
    struct index *ix = NULL;
    int status = parse_common(cli, argc, argv, "show", show_help, NULL);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    if (argc - optind != 1)
        return cli_usage_error("show", "expected one URL or id");
    const char *arg = argv[optind];
    status = open_index(cli, "show", &ix);
    if (status != EXIT_OK)
        return status;
    char *url = NULL;
    char *json = NULL;
    size_t len = 0;
    /* A URL (or an existing path) is looked up as a URL first; anything
     * else, or a URL that is not a record, as a STAC id. */
    if (url_from_arg(arg, &url) == 0 &&
        index_get_record(ix, url, &json, &len) == 0)
        status = print_pretty(json, len);
    else
        status = show_by_id(ix, arg);
    free(url);
    free(json);
    index_close(ix);
    return status;
}

/* ------------------------------------------------------------- export */

static int on_export_record(void *ctx, const char *url, const char *json,
                            size_t len)
{
    size_t *n = ctx;
    fwrite(json, 1, len, stdout);
    putchar('\n');
    (*n)++;
    return ferror(stdout) ? 1 : 0;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct index *ix = NULL;
    size_t n = 0;
    int status = parse_common(cli, argc, argv, "export", export_help, NULL);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'",
                               argv[optind]);
    status = open_index(cli, "export", &ix);
    if (status != EXIT_OK)
        return status;
    int rc = index_foreach_record(ix, on_export_record, &n);
    index_close(ix);
    if (rc < 0) {
        fprintf(stderr, "stacml export: cannot read index: %s\n",
                sm_strerror(rc));
        return EXIT_INDEX;
    }
    if (rc > 0 || fflush(stdout) != 0) {
        fprintf(stderr, "stacml export: write error: %s\n", strerror(errno));
        return EXIT_PARTIAL;
    }
    return EXIT_OK;
}

/* -------------------------------------------------------------- stats */

struct stats {
    size_t records;
    json_t *by_ext;    /* name -> count */
    json_t *by_source; /* url -> count */
};

static void bump(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key,
                        json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int on_stats_record(void *ctx, const char *url, const char *json,
                           size_t len)
{
    struct stats *s = ctx;
    json_t *rec = record_decode(json, len);
    if (!rec)
        return 0;
    s->records++;
    size_t i;
    const json_t *e;
    json_array_foreach (json_object_get(rec, "extensions"), i, e)
        if (json_is_string(e))
            bump(s->by_ext, json_string_value(e));
    const char *src = json_string_value(json_object_get(rec, "source"));
    bump(s->by_source, src ? src : "(unknown)");
    json_decref(rec);
    return 0;
}

static void print_counts(const char *title, const json_t *obj)
{
    const char *k;
    json_t *v;
    printf("%s:\n", title);
    if (json_object_size(obj) == 0)
        printf("  (none)\n");
    json_object_foreach ((json_t *)obj, k, v) {
        char *safe = text_safe(k, 0);
        printf("  %8" JSON_INTEGER_FORMAT "  %s\n", json_integer_value(v),
               safe);
        free(safe);
    }
}

static void print_last_harvest(const json_t *last)
{
    if (!last) {
        printf("last harvest: never\n");
        return;
    }
    json_int_t fetched = 0, docs = 0, models = 0, failed = 0;
    const char *t0 = "?", *t1 = "?", *outcome = "?";
    json_unpack((json_t *)last, "{s?s, s?s, s?s, s?I, s?I, s?I, s?I}",
                "started", &t0, "finished", &t1, "outcome", &outcome, "fetched",
                &fetched, "documents", &docs, "models", &models, "failed",
                &failed);
    printf("last harvest: %s .. %s, outcome %s\n", t0, t1, outcome);
    printf("  %" JSON_INTEGER_FORMAT " documents fetched, %" JSON_INTEGER_FORMAT
           " STAC documents, %" JSON_INTEGER_FORMAT
           " model records, %" JSON_INTEGER_FORMAT " failed\n",
           fetched, docs, models, failed);
    size_t i;
    const json_t *f;
    json_array_foreach (json_object_get(last, "failures"), i, f) {
        char *u = text_safe(json_string_value(json_object_get(f, "url")), 0);
        char *r = text_safe(json_string_value(json_object_get(f, "reason")), 0);
        printf("  failed: %s: %s\n", u, r);
        free(u);
        free(r);
    }
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct index *ix = NULL;
    enum out_format fmt = FORMAT_TABLE;
    int status = parse_common(cli, argc, argv, "stats", stats_help, &fmt);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    if (fmt != FORMAT_TABLE && fmt != FORMAT_JSON)
        return cli_usage_error("stats", "--format must be table or json");
    status = open_index(cli, "stats", &ix);
    if (status != EXIT_OK)
        return status;
    struct stats s = {0, json_object(), json_object()};
    int rc = index_foreach_record(ix, on_stats_record, &s);
    char *meta = NULL;
    json_t *last = NULL;
    if (index_get_meta(ix, "last_harvest", &meta) == 0)
        last = json_loads(meta, 0, NULL);
    free(meta);
    index_close(ix);
    if (rc < 0) {
        status = EXIT_INDEX;
    } else if (fmt == FORMAT_JSON) {
        json_t *out =
            json_pack("{s:I, s:O, s:O, s:O}", "records", (json_int_t)s.records,
                      "by_extension", s.by_ext, "by_source", s.by_source,
                      "last_harvest", last ? last : json_null());
        json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        json_decref(out);
    } else {
        char *db = text_safe(cli->db, 0);
        printf("index: %s\nmodel records: %zu\n", db, s.records);
        free(db);
        print_counts("by extension", s.by_ext);
        print_counts("by source", s.by_source);
        print_last_harvest(last);
    }
    json_decref(s.by_ext);
    json_decref(s.by_source);
    json_decref(last);
    return status;
}
