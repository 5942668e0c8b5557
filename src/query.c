/* SPDX-License-Identifier: MIT */
/* The reading commands: search, show, export and stats. They open the
 * index read-only, so they run while a harvest writes (LMDB readers never
 * block). */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "src/url.h"
#include "index/index.h"
#include "index/model.h"
#include "index/record.h"
#include "src/cli.h"
#include "src/err.h"
#include "src/history.h"
#include "src/numfmt.h"
#include "src/sources.h"
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
    "Options (filters combine, each given once with a value; each is\n"
    "answered from an index key):\n"
    "  --task TASK            e.g. semantic-segmentation, object-detection\n"
    "  --framework NAME       e.g. pytorch (case and punctuation ignored)\n"
    "  --architecture NAME    e.g. unet matches U-Net and UNet\n"
    "  --extension EXT        ml-model, dlm or mlm\n"
    "  --bbox W,S,E,N         records whose bbox intersects (degrees, in\n"
    "                         decimal; W > E crosses the antimeridian)\n"
    "  --datetime TIME        RFC 3339 instant or START/END ('..' open)\n"
    "  --trained-on URL|ID    models trained, validated or tested on it\n"
    "                         (also a dataset's file or directory)\n"
    "  --source URL           records found from this seed\n"
    "  --include-gone         also records gone upstream (\"gone\": true in\n"
    "                         json and jsonl, [gone] before the title)\n"
    "  --format FORMAT        table (default), json, jsonl or ids\n"
    "  --db DIR               index directory\n"
    "  -h, --help             show this help\n";

static const char show_help[] =
    "Usage: stacml [--db DIR] show URL|ID\n"
    "\n"
    "Print one record in full as pretty JSON, by its canonical URL or by its\n"
    "STAC id. When every record of the id but one is gone upstream (a\n"
    "model that moved), that one is shown. Exit status 1 when there is no\n"
    "such record or the id is ambiguous (the candidates' URLs are listed).\n";

static const char export_help[] =
    "Usage: stacml [--db DIR] export [--datasets] [FILTERS] [WORDS...]\n"
    "\n"
    "Write every model record as one JSON object a line on standard output,\n"
    "or with --datasets every dataset record (with the models linked to\n"
    "it). The words and filters of 'stacml search' (--task, --framework,\n"
    "--architecture, --extension, --bbox, --datetime, --trained-on,\n"
    "--source, --include-gone) select the models exported; with --datasets\n"
    "words, --source, --bbox, --datetime and --include-gone select the\n"
    "datasets. Records gone upstream are left out unless --include-gone is\n"
    "given. --format jsonl, the only format, is accepted (search --format\n"
    "json writes the same records as one array).\n";

static const char stats_help[] =
    "Usage: stacml [--db DIR] stats [--format table|json]\n"
    "\n"
    "Counts of model records by extension and by source, and the time,\n"
    "outcome and failures of the last harvest.\n";

static int open_index(struct cli *cli, const char *cmd, struct index **ix)
{
    if (!cli->db)
        return cli_usage_error(cmd, "no index directory: use --db");
    if (!*cli->db)
        return cli_usage_error(cmd, "--db is empty");
    int rc = index_open(cli->db, INDEX_READ, ix);
    const char *why = rc != 0 ? cli_db_problem(cli->db) : NULL;
    if (why) {
        char *safe = text_safe(cli->db, 0);
        fprintf(stderr, "stacml %s: cannot open index %s: %s\n", cmd, safe,
                why);
        free(safe);
        return EXIT_INDEX;
    }
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
    /* Without the lock file we cannot see the harvest's writes coming, and
     * reading through them could crash: refuse while one is known to run
     * (one that starts after this look can still catch us). */
    if (index_is_unlocked(*ix) && cli_harvest_running(cli->db)) {
        index_close(*ix);
        *ix = NULL;
        fprintf(stderr,
                "stacml %s: cannot read index %s now: a harvest is writing "
                "to it, and without write access to its lock.mdb this "
                "command would not see those writes safely; try again when "
                "the harvest has ended\n",
                cmd, cli->db);
        return EXIT_INDEX;
    }
    return EXIT_OK;
}

/* After a command's options: EXIT_OK when nothing is left, else a usage
 * error naming the first stray argument. */
static int no_arguments(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return EXIT_OK;
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
}

static int parse_format(const char *cmd, const char *arg, enum out_format *fmt)
{
    static const char *const names[] = {"table", "json", "jsonl", "ids"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(arg, names[i]) == 0) {
            *fmt = (enum out_format)i;
            return EXIT_OK;
        }
    }
    return cli_usage_error(cmd, "unknown format '%s'", arg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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
            if (parse_format(cmd, optarg, fmt) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            return cli_option_error(cmd, argv, "h");
        }
    }
    return EXIT_OK;
}

/* The exit status of a command that has written its output: status, or
 * EXIT_PARTIAL with a message when standard output could not be written
 * (a full disk, a closed pipe with SIGPIPE ignored), so that a script
 * never takes a cut-off answer for a whole one. */
static int output_status(const char *cmd, int status)
{
    bool is_bad = ferror(stdout) != 0;
    if (fflush(stdout) != 0)
        is_bad = true;
    if (!is_bad)
        return status;
    fprintf(stderr, "stacml %s: write error: %s\n", cmd, strerror(errno));
    return EXIT_PARTIAL;
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
    static const char *const fields[] = {
        "id", "name", "title", "description", "keywords", "architecture"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (value_matches(json_object_get(rec, fields[i]), word))
            return true;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (field_matches(stac, keys[i], word))
            return true;
    const json_t *dlm = json_object_get(props_of(stac), "dlm:architecture");
    return value_matches(json_object_get(dlm, "type"), word);
}

/* ------------------------------------------------------------- filters */

/* What a search or an export asks for. Each filter but the words can be
 * answered from a secondary key of the index; the record is then checked
 * exactly, since the keys are coarse (cells, years) or folded. */
struct query {
    char **words;
    int n_words;
    const char *framework, *architecture, *extension;
    char *task;         /* canonical task name (model_task_name()) */
    char *source;       /* normalised URL */
    json_t *trained_on; /* array of dataset URLs, NULL when not asked */
    bool has_bbox;
    double bbox[4];
    bool has_time;
    int64_t t0, t1;
    bool include_gone;
};

static void query_cleanup(struct query *q)
{
    free(q->task);
    free(q->source);
    json_decref(q->trained_on);
}

static bool folded_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    char *fa = text_fold(a), *fb = text_fold(b);
    bool eq = strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return eq;
}

static bool array_has(const json_t *arr, const char *want, bool fold)
{
    size_t i;
    const json_t *v;
    json_array_foreach (arr, i, v) {
        const char *s = json_string_value(v);
        if (s && (fold ? folded_eq(s, want) : strcmp(s, want) == 0))
            return true;
    }
    return false;
}

/* Whether one of a record's data links that redirected was url (the
 * lists hold where it led). */
static bool has_redirect_from(const json_t *rec, const char *url)
{
    size_t i;
    const json_t *r;
    json_array_foreach (json_object_get(rec, "data_redirects"), i, r) {
        const char *from = json_string_value(json_object_get(r, "from"));
        if (from && strcmp(from, url) == 0)
            return true;
    }
    return false;
}

static bool matches_trained_on(const json_t *rec, const json_t *urls)
{
    static const char *const fields[] = {"train_data", "validation_data",
                                         "test_data"};
    size_t i;
    const json_t *u;
    json_array_foreach (urls, i, u) {
        for (size_t f = 0; f < 3; f++)
            if (array_has(json_object_get(rec, fields[f]), json_string_value(u),
                          false))
                return true;
        if (has_redirect_from(rec, json_string_value(u)))
            return true;
    }
    return false;
}

static bool matches_space_time(const struct query *q, const json_t *rec)
{
    if (q->has_bbox) {
        double b[4];
        if (record_bbox(rec, b) != 0 || !record_bbox_intersects(b, q->bbox))
            return false;
    }
    if (q->has_time) {
        int64_t t0, t1;
        if (record_interval(rec, &t0, &t1) != 0 || t0 > q->t1 || t1 < q->t0)
            return false;
    }
    return true;
}

static bool query_matches(const struct query *q, const json_t *rec)
{
    if (!q->include_gone && json_is_true(json_object_get(rec, "gone")))
        return false;
    for (int i = 0; i < q->n_words; i++)
        if (!word_matches(rec, q->words[i]))
            return false;
    if (q->task && !array_has(json_object_get(rec, "tasks"), q->task, true))
        return false;
    if (q->framework &&
        !folded_eq(json_string_value(json_object_get(rec, "framework")),
                   q->framework))
        return false;
    if (q->architecture &&
        !folded_eq(json_string_value(json_object_get(rec, "architecture")),
                   q->architecture))
        return false;
    if (q->extension &&
        !array_has(json_object_get(rec, "extensions"), q->extension, false))
        return false;
    if (q->source &&
        !folded_eq(json_string_value(json_object_get(rec, "source")),
                   q->source))
        return false;
    if (q->trained_on && !matches_trained_on(rec, q->trained_on))
        return false;
    return matches_space_time(q, rec);
}

/* ----------------------------------------------------- candidate sets */

/* A set of record URLs: a JSON object used as a hash set. */
static int on_collect(void *ctx, const char *url, const char *json, size_t len)
{
    json_object_set_new(ctx, url, json_true());
    return 0;
}

static int add_key(struct index *ix, json_t *set, const char *name,
                   const char *value, bool fold)
{
    char *v = fold ? text_fold(value) : xstrdup(value);
    char *key = xasprintf("%s=%s", name, v);
    int rc = index_foreach_key(ix, INDEX_MODELS, key, on_collect, set);
    free(key);
    free(v);
    return rc;
}

/* Keep in *acc only the members of set (the first set becomes *acc). */
static void intersect(json_t **acc, json_t *set)
{
    if (!*acc) {
        *acc = set;
        return;
    }
    const char *k;
    json_t *v, *tmp;
    json_object_foreach_safe (*acc, tmp, k, v)
        if (!json_object_get(set, k))
            json_object_del(*acc, k);
    json_decref(set);
}

/* The candidate set of the bbox filter: its cells and the records too
 * wide to place. Returns NULL when the query itself is too wide. */
static json_t *bbox_candidates(struct index *ix, const struct query *q)
{
    char **keys = NULL;
    size_t n = 0;
    if (record_cells(q->bbox[0], q->bbox[1], q->bbox[2], q->bbox[3], &keys,
                     &n) < 0) {
        record_keys_free(keys, n);
        return NULL;
    }
    json_t *set = json_object();
    for (size_t i = 0; i < n; i++)
        index_foreach_key(ix, INDEX_MODELS, keys[i], on_collect, set);
    index_foreach_key(ix, INDEX_MODELS, "cell=*", on_collect, set);
    record_keys_free(keys, n);
    return set;
}

static json_t *time_candidates(struct index *ix, const struct query *q)
{
    char **keys = NULL;
    size_t n = 0;
    if (record_years(q->t0, q->t1, &keys, &n) < 0) {
        record_keys_free(keys, n);
        return NULL;
    }
    json_t *set = json_object();
    for (size_t i = 0; i < n; i++)
        index_foreach_key(ix, INDEX_MODELS, keys[i], on_collect, set);
    index_foreach_key(ix, INDEX_MODELS, "year=*", on_collect, set);
    record_keys_free(keys, n);
    return set;
}

static json_t *key_candidates(struct index *ix, const char *name,
                              const char *value, bool fold)
{
    json_t *set = json_object();
    add_key(ix, set, name, value, fold);
    return set;
}

/* The URLs that may match, from the secondary keys; NULL when no filter
 * can use a key and every record must be looked at. */
static json_t *query_candidates(struct index *ix, const struct query *q)
{
    json_t *acc = NULL, *set;
    if (q->task)
        intersect(&acc, key_candidates(ix, "task", q->task, true));
    if (q->framework)
        intersect(&acc, key_candidates(ix, "framework", q->framework, true));
    if (q->architecture)
        intersect(&acc,
                  key_candidates(ix, "architecture", q->architecture, true));
    if (q->extension)
        intersect(&acc, key_candidates(ix, "extension", q->extension, false));
    if (q->source)
        intersect(&acc, key_candidates(ix, "source", q->source, false));
    if (q->trained_on) {
        set = json_object();
        size_t i;
        const json_t *u;
        json_array_foreach (q->trained_on, i, u)
            add_key(ix, set, "trained_on", json_string_value(u), false);
        intersect(&acc, set);
    }
    if (q->has_bbox && (set = bbox_candidates(ix, q)) != NULL)
        intersect(&acc, set);
    if (q->has_time && (set = time_candidates(ix, q)) != NULL)
        intersect(&acc, set);
    return acc;
}

/* ------------------------------------------------------------- output */

struct search {
    const struct query *q;
    enum out_format fmt;
    size_t matched;
    size_t damaged; /* records skipped because they are not valid JSON */
    bool write_error;
};

/* Say that the stored record of url is damaged and will be skipped. LMDB
 * keeps no checksums: a page zeroed by a crash of the disk or a bad copy
 * reads back as NUL bytes inside a record, which must not reach the
 * output as if it were JSON. */
static void report_damaged(const char *url, const char *why)
{
    char *safe = text_safe(*url ? url : "(its URL is damaged too)", 0);
    fprintf(stderr, "stacml: damaged record in the index, skipped: %s (%s)\n",
            safe, why);
    free(safe);
}

static void print_table_header(void)
{
    printf("%-28s  %-10s  %-16s  %-36s  %s\n", "ID", "TYPE", "EXTENSIONS",
           "TITLE", "URL");
}

/* One column of a table row and the two spaces after it: s padded to
 * width columns, counted as text_safe() cuts them (printf's "%-28s"
 * counts bytes, and a row with an accented id came out short). */
static void put_cell(const char *s, size_t width)
{
    fputs(s, stdout);
    for (size_t n = text_columns(s); n < width + 2; n++)
        putchar(' ');
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
    /* --include-gone: a gone record says so where a reader looks. */
    const char *t = record_title(rec);
    char *flagged = NULL;
    if (json_is_true(json_object_get(rec, "gone")))
        t = flagged = xasprintf("[gone] %s", t ? t : "");
    char *title = text_safe(t, 36);
    free(flagged);
    char *url = text_safe(json_string_value(json_object_get(rec, "url")), 0);
    put_cell(id, 28);
    put_cell(type, 10);
    put_cell(exts, 16);
    put_cell(title, 36);
    printf("%s\n", url);
    free(id);
    free(type);
    free(title);
    free(url);
}

/* Print one matching record in the chosen format. */
/* Write (p, n) to stdout as text_safe() would, without allocating in the
 * common case of plain printable ASCII. */
static void put_safe(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c >= 0x7f) {
            char *raw = xstrndup(p, n), *safe = text_safe(raw, 0);
            fputs(safe, stdout);
            free(safe);
            free(raw);
            return;
        }
    }
    fwrite(p, 1, n, stdout);
}

/* One line of --format ids: "id<TAB>url", both terminal-safe. */
static void put_id_line(const char *id, size_t id_len, const char *url)
{
    put_safe(id, id_len);
    putchar('\t');
    put_safe(url, strlen(url));
    putchar('\n');
}

/* JSON text to stdout; on a terminal, with the controls that JSON keeps
 * as they are escaped (text_put_json_inert()): titles and ids come from
 * remote documents. */
static void put_json(const char *json, size_t len)
{
    static int is_tty = -1;
    if (is_tty < 0)
        is_tty = isatty(STDOUT_FILENO);
    if (is_tty)
        text_put_json_inert(stdout, json, len);
    else
        fwrite(json, 1, len, stdout);
}

/* A JSON value to stdout, indented, as put_json() writes; reals as the
 * index keeps them (record_encode_pretty()). */
static void put_json_pretty(const json_t *v)
{
    size_t len = 0;
    char *text = record_encode_pretty(v, &len);
    if (text)
        put_json(text, len);
    free(text);
}

/* One stored JSON text as item i (from 0) of a --format json array, or
 * as a --format jsonl line. */
static void put_json_item(enum out_format fmt, size_t i, const char *json,
                          size_t len)
{
    if (fmt == FORMAT_JSON)
        fputs(i ? ",\n" : "[\n", stdout);
    put_json(json, len);
    if (fmt == FORMAT_JSONL)
        putchar('\n');
}

static void emit(struct search *s, const char *url, const json_t *rec,
                 const char *json, size_t len)
{
    if (s->fmt == FORMAT_TABLE && s->matched == 0)
        print_table_header();
    switch (s->fmt) {
    case FORMAT_TABLE:
        print_table_row(rec);
        break;
    case FORMAT_JSON:
    case FORMAT_JSONL:
        put_json_item(s->fmt, s->matched, json, len);
        break;
    case FORMAT_IDS: {
        const char *id = json_string_value(json_object_get(rec, "id"));
        put_id_line(id ? id : "", id ? strlen(id) : 0, url);
        break;
    }
    }
    s->matched++;
    if (ferror(stdout))
        s->write_error = true;
}

/* Whether a word occurs in the stored text of every field that holds it:
 * that text escapes nothing but '"', '\\' and control characters. */
static bool is_stored_as_is(const char *word)
{
    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        if (*p < 0x20 || *p == '"' || *p == '\\')
            return false;
    return true;
}

/* Whether the stored text (json, len) may hold word, case ignored as
 * text_contains_ci() ignores it: an ASCII word is looked for whole; a
 * word with other characters, whose case the bytes do not show, by its
 * runs of ASCII ("MODÈLE": "MOD" and "LE"), each of which the text must
 * hold (a word without one, "été", passes every text). */
static bool text_mem_holds_word(const char *json, size_t len, const char *word)
{
    if (text_is_ascii(word))
        return text_mem_contains_ci(json, len, word);
    bool holds = true;
    const char *p = word;
    while (holds && *p) {
        size_t n = 0;
        while (p[n] && (unsigned char)p[n] < 0x80)
            n++;
        if (n > 0) {
            char *run = xstrndup(p, n);
            holds = text_mem_contains_ci(json, len, run);
            free(run);
        }
        p += n;
        while ((unsigned char)*p >= 0x80)
            p++;
    }
    return holds;
}

/* Whether the stored text of a record may match the words: a record whose
 * text lacks one of them cannot (word_matches() looks in its fields
 * only), and is passed over undecoded. A word search decodes the records
 * that hold its words rather than the whole index. A record with NUL
 * bytes is decoded whatever it holds: damage that reads back as zeros may
 * have taken the words with it, and the decoding reports it (as a search
 * without words does) instead of a quiet 'no matching records'. */
static bool may_hold_words(const struct query *q, const char *json, size_t len)
{
    for (int i = 0; i < q->n_words; i++)
        if (is_stored_as_is(q->words[i]) &&
            !text_mem_holds_word(json, len, q->words[i]))
            return memchr(json, '\0', len) != NULL;
    return true;
}

static int on_search_record(void *ctx, const char *url, const char *json,
                            size_t len)
{
    struct search *s = ctx;
    if (!may_hold_words(s->q, json, len))
        return 0;
    json_t *rec = record_decode(json, len);
    if (!rec) {
        report_damaged(url, "not valid JSON");
        s->damaged++;
        return 0;
    }
    if (query_matches(s->q, rec))
        emit(s, url, rec, json, len);
    json_decref(rec);
    return s->write_error ? 1 : 0;
}

/* Whether the secondary keys answer q exactly: no words, no bbox, no time
 * (the other filters are keys of folded values, checked the same way). */
static bool is_key_exact(const struct query *q)
{
    return q->n_words == 0 && !q->has_bbox && !q->has_time;
}

static int on_raw_entry(void *ctx, const char *url, const char *keys,
                        const char *json, size_t len)
{
    struct search *s = ctx;
    if (!s->q->include_gone && index_keys_have(keys, "state=gone"))
        return 0;
    if (s->fmt == FORMAT_TABLE)
        return on_search_record(s, url, json, len);
    /* The raw path: no JSON decoding; the id comes from the "id=" key and
     * the stored text is written as it is. */
    if (s->fmt == FORMAT_IDS) {
        size_t n;
        const char *id = index_keys_id(keys, &n);
        put_id_line(id ? id : "", n, url);
    } else if (memchr(json, '\0', len)) {
        /* The one check the raw path can afford: damage that reads back
         * as zeros (the common kind). */
        report_damaged(url, "NUL bytes in its JSON");
        s->damaged++;
        return 0;
    } else {
        put_json_item(s->fmt, s->matched, json, len);
    }
    s->matched++;
    s->write_error = ferror(stdout) != 0;
    return s->write_error ? 1 : 0;
}

static int on_search_entry(void *ctx, const char *url, const char *keys,
                           const char *json, size_t len)
{
    struct search *s = ctx;
    if (is_key_exact(s->q))
        return on_raw_entry(ctx, url, keys, json, len);
    return on_search_record(ctx, url, json, len);
}

/* The keys that answer a key-exact query: every record must have all of
 * must[] and, when any[] is not empty, one of any[] (--trained-on). */
struct key_plan {
    char *must[6];
    size_t n_must;
    json_t *any; /* strings, or NULL */
};

static void plan_free(struct key_plan *p)
{
    for (size_t i = 0; i < p->n_must; i++)
        free(p->must[i]);
    json_decref(p->any);
}

static void plan_add(struct key_plan *p, const char *name, const char *value,
                     bool fold)
{
    char *v = fold ? text_fold(value) : xstrdup(value);
    p->must[p->n_must++] = xasprintf("%s=%s", name, v);
    free(v);
}

/* A plan for q, or false when q needs the records themselves (words, space,
 * time) or has no key filter at all. */
static bool key_plan_make(const struct query *q, struct key_plan *p)
{
    memset(p, 0, sizeof(*p));
    if (!is_key_exact(q))
        return false;
    if (q->task)
        plan_add(p, "task", q->task, true);
    if (q->framework)
        plan_add(p, "framework", q->framework, true);
    if (q->architecture)
        plan_add(p, "architecture", q->architecture, true);
    if (q->extension)
        plan_add(p, "extension", q->extension, false);
    if (q->source)
        plan_add(p, "source", q->source, false);
    if (q->trained_on) {
        p->any = json_array();
        size_t i;
        const json_t *u;
        json_array_foreach (q->trained_on, i, u)
            json_array_append_new(
                p->any, json_sprintf("trained_on=%s", json_string_value(u)));
    }
    if (p->n_must == 0) {
        plan_free(p);
        return false;
    }
    return true;
}

static bool plan_admits(const struct key_plan *p, const char *keys)
{
    for (size_t i = 0; i < p->n_must; i++)
        if (!index_keys_have(keys, p->must[i]))
            return false;
    if (!p->any)
        return true;
    size_t i;
    const json_t *k;
    json_array_foreach (p->any, i, k)
        if (index_keys_have(keys, json_string_value(k)))
            return true;
    return false;
}

struct planned {
    struct search *s;
    const struct key_plan *plan;
};

static int on_planned_entry(void *ctx, const char *url, const char *keys,
                            const char *json, size_t len)
{
    const struct planned *pl = ctx;
    if (!plan_admits(pl->plan, keys))
        return 0;
    return on_raw_entry(pl->s, url, keys, json, len);
}

static int on_key_id(void *ctx, const char *url, const char *id)
{
    struct search *s = ctx;
    put_id_line(id, strlen(id), url);
    s->matched++;
    s->write_error = ferror(stdout) != 0;
    return s->write_error ? 1 : 0;
}

/* --format ids of a key-exact query, from the keys alone (keyids); false
 * when the index cannot answer so (no keyids yet, or a key long enough to
 * be stored hashed). */
static bool run_ids_from_keys(struct index *ix, struct search *s,
                              const struct key_plan *plan, size_t best, int *rc)
{
    if (s->fmt != FORMAT_IDS || !index_has_keyids(ix))
        return false;
    const char *also[6], *any[64];
    size_t n_also = 0, n_any = json_array_size(plan->any);
    for (size_t i = 0; i < plan->n_must; i++) {
        if (strlen(plan->must[i]) > INDEX_KEY_DIRECT_MAX)
            return false;
        if (i != best)
            also[n_also++] = plan->must[i];
    }
    if (n_any > sizeof(any) / sizeof(any[0]))
        return false;
    for (size_t i = 0; i < n_any; i++) {
        any[i] = json_string_value(json_array_get(plan->any, i));
        if (strlen(any[i]) > INDEX_KEY_DIRECT_MAX)
            return false;
    }
    struct index_key_query q = {
        .key = plan->must[best],
        .also = also,
        .n_also = n_also,
        .any = any,
        .n_any = n_any,
        .skip = s->q->include_gone ? NULL : "state=gone",
    };
    *rc = index_foreach_key_id(ix, &q, on_key_id, s);
    return true;
}

/* A key-exact query: stream the records under its rarest key, in URL
 * order and one read transaction, checking the other keys on each record's
 * key list; no candidate set, no JSON decoding. */
static int run_planned(struct index *ix, struct search *s,
                       const struct key_plan *plan)
{
    size_t best = 0, best_n = (size_t)-1;
    for (size_t i = 0; i < plan->n_must; i++) {
        size_t n = index_count_key(ix, INDEX_MODELS, plan->must[i]);
        if (n < best_n) {
            best_n = n;
            best = i;
        }
    }
    if (best_n == 0)
        return 0;
    int rc;
    if (run_ids_from_keys(ix, s, plan, best, &rc))
        return rc;
    struct planned pl = {s, plan};
    return index_foreach_key_entry(ix, INDEX_MODELS, plan->must[best],
                                   on_planned_entry, &pl);
}

/* Run q: through the secondary keys when a filter allows it, else over
 * every record. Returns 0, 1 (write error) or SM_E_DB. */
static int run_query(struct index *ix, struct search *s)
{
    struct key_plan plan;
    if (key_plan_make(s->q, &plan)) {
        int rc = run_planned(ix, s, &plan);
        plan_free(&plan);
        return rc;
    }
    json_t *cand = query_candidates(ix, s->q);
    if (!cand)
        return index_foreach_entry(ix, INDEX_MODELS, on_search_entry, s);
    /* Keys are visited in URL order per key; sort the union so the output
     * order does not depend on which filters were given. */
    size_t n = json_object_size(cand), i = 0;
    const char **urls = xcalloc(n ? n : 1, sizeof(*urls));
    const char *k;
    json_t *v;
    json_object_foreach (cand, k, v)
        urls[i++] = k;
    qsort(urls, n, sizeof(*urls), cmp_str);
    int rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        rc = index_get_entry(ix, INDEX_MODELS, urls[i], on_search_entry, s);
        if (rc == SM_E_NOTFOUND)
            rc = 0;
    }
    free(urls);
    json_decref(cand);
    return rc;
}

enum {
    OPT_DB = 256,
    OPT_FORMAT,
    OPT_TASK,
    OPT_FRAMEWORK,
    OPT_ARCHITECTURE,
    OPT_EXTENSION,
    OPT_BBOX,
    OPT_DATETIME,
    OPT_TRAINED_ON,
    OPT_SOURCE,
    OPT_DATASETS,
    OPT_INCLUDE_GONE,
};

static int parse_bbox(const char *cmd, const char *arg, struct query *q)
{
    char *end;
    const char *p = arg;
    for (int i = 0; i < 4; i++) {
        if (numfmt_read(p, &q->bbox[i], &end) != 0 || errno ||
            !isfinite(q->bbox[i]) || *end != (i < 3 ? ',' : '\0'))
            return cli_usage_error(cmd, "invalid --bbox '%s' (want W,S,E,N)",
                                   arg);
        p = end + 1;
    }
    if (q->bbox[1] > q->bbox[3])
        return cli_usage_error(cmd, "invalid --bbox '%s': S > N", arg);
    /* A latitude past a pole is a typo (or W,S,E,N in another order). */
    if (fabs(q->bbox[1]) > 90 || fabs(q->bbox[3]) > 90)
        return cli_usage_error(
            cmd, "invalid --bbox '%s': latitude outside [-90, 90]", arg);
    /* Record boxes are read in [-180, 180] (0-360 ones converted), and
     * W > E is a box across the antimeridian, [W, 180] and [-180, E]: a
     * longitude past those bounds would match nothing it seems to. */
    if (fabs(q->bbox[0]) > 180 || fabs(q->bbox[2]) > 180)
        return cli_usage_error(
            cmd, "invalid --bbox '%s': longitude outside [-180, 180]", arg);
    q->has_bbox = true;
    return EXIT_OK;
}

/* One end of a --datetime interval: ".." or "" is open. */
static int parse_time_end(const char *s, int64_t open, int64_t *t)
{
    if (!*s || strcmp(s, "..") == 0) {
        *t = open;
        return 0;
    }
    return text_parse_time(s, t);
}

static int parse_datetime(const char *cmd, const char *arg, struct query *q)
{
    char *copy = xstrdup(arg);
    char *slash = strchr(copy, '/');
    int rc;
    if (slash) {
        *slash = '\0';
        rc = parse_time_end(copy, INT64_MIN, &q->t0);
        if (rc == 0)
            rc = parse_time_end(slash + 1, INT64_MAX, &q->t1);
    } else {
        rc = text_parse_time(copy, &q->t0);
        q->t1 = q->t0;
    }
    free(copy);
    if (rc != 0 || q->t0 > q->t1)
        return cli_usage_error(cmd,
                               "invalid --datetime '%s' (want an RFC "
                               "3339 instant or START/END, '..' open)",
                               arg);
    q->has_time = true;
    return EXIT_OK;
}

/* --trained-on: a dataset URL, the id of dataset records, or a local file
 * or directory (its catalog or collection), as harvest, --source and show
 * take them. */
static int parse_trained_on(struct index *ix, const char *arg, struct query *q)
{
    char *url = NULL, *in_dir = NULL;
    q->trained_on = json_array();
    if (strstr(arg, "://") && url_normalize(arg, &url) == 0) {
        json_array_append_new(q->trained_on, json_string(url));
        free(url);
        return EXIT_OK;
    }
    /* An existing path; it may also be an id, looked up below. */
    url_seed_directory(arg, &in_dir);
    if (url_from_arg(in_dir ? in_dir : arg, &url) == 0)
        json_array_append_new(q->trained_on, json_string(url));
    free(url);
    free(in_dir);
    json_t *set = json_object();
    char *key = xasprintf("id=%s", arg);
    index_foreach_key(ix, INDEX_DATASETS, key, on_collect, set);
    free(key);
    const char *k;
    json_t *v;
    json_object_foreach (set, k, v)
        json_array_append_new(q->trained_on, json_string(k));
    json_decref(set);
    /* An unknown id matches nothing, which is the honest answer. */
    return EXIT_OK;
}

/* The source a --source argument names, spelt as harvest spells its
 * seeds: a directory stands for its catalog, as in `harvest seeds/examples`.
 * An argument that is no seed is compared verbatim. New string. */
static char *source_of(const char *arg)
{
    char *in_dir = NULL, *url = NULL;
    url_seed_directory(arg, &in_dir);
    if (url_from_arg(in_dir ? in_dir : arg, &url) != 0)
        url = xstrdup(arg);
    free(in_dir);
    return url;
}

struct query_args {
    enum out_format fmt;
    bool datasets;
    const char *trained_on;
};

/* Whether a value of --task, --framework or --architecture names
 * anything: they are compared folded (case and punctuation dropped), and
 * a value that folds to nothing matched nothing, silently. */
static bool names_something(const char *arg)
{
    char *folded = text_fold(arg);
    bool is_some = *folded != '\0';
    free(folded);
    return is_some;
}

/* A usage error for a filter given twice or with an empty value, else
 * EXIT_OK. Filters combine, each taking one value: a second one used to
 * replace the first without a word ("--task a --task b" found b alone),
 * and an empty one to match nothing, as if the index held no such model.
 * seen has a bit per filter (opt - OPT_TASK). */
static int check_filter(const char *cmd, int opt, const char *name,
                        const char *arg, unsigned *seen)
{
    unsigned bit = 1u << (opt - OPT_TASK);
    if (*seen & bit)
        return cli_usage_error(cmd,
                               "--%s given twice (a filter takes one "
                               "value; filters combine)",
                               name);
    *seen |= bit;
    /* --extension, --bbox and --datetime say what is wrong themselves. */
    bool is_folded =
        opt == OPT_TASK || opt == OPT_FRAMEWORK || opt == OPT_ARCHITECTURE;
    bool is_free = opt == OPT_TRAINED_ON || opt == OPT_SOURCE;
    if ((is_free && !*arg) || (is_folded && !names_something(arg)))
        return cli_usage_error(cmd, "--%s '%s' names nothing", name, arg);
    return EXIT_OK;
}

/* Options shared by search and export. Returns EXIT_OK, an exit status,
 * or -1 after printing help. */
static int parse_query(struct cli *cli, int argc, char **argv, const char *cmd,
                       const char *help, struct query *q, struct query_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"task", required_argument, NULL, OPT_TASK},
        {"framework", required_argument, NULL, OPT_FRAMEWORK},
        {"architecture", required_argument, NULL, OPT_ARCHITECTURE},
        {"extension", required_argument, NULL, OPT_EXTENSION},
        {"bbox", required_argument, NULL, OPT_BBOX},
        {"datetime", required_argument, NULL, OPT_DATETIME},
        {"trained-on", required_argument, NULL, OPT_TRAINED_ON},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"datasets", no_argument, NULL, OPT_DATASETS},
        {"include-gone", no_argument, NULL, OPT_INCLUDE_GONE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, li = -1, rc = EXIT_OK;
    unsigned seen = 0;
    while (rc == EXIT_OK &&
           (c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
        if (c >= OPT_TASK && c <= OPT_SOURCE) {
            rc = check_filter(cmd, c, longopts[li].name, optarg, &seen);
            if (rc != EXIT_OK)
                break;
        }
        switch (c) {
        case OPT_DB:
            cli_set_db(cli, optarg);
            break;
        case OPT_FORMAT:
            rc = parse_format(cmd, optarg, &a->fmt);
            break;
        case OPT_TASK:
            /* Named as the records name tasks: dlm's "object
             * segmentation" is instance-segmentation there. */
            free(q->task);
            q->task = model_task_name(optarg);
            break;
        case OPT_FRAMEWORK:
            q->framework = optarg;
            break;
        case OPT_ARCHITECTURE:
            q->architecture = optarg;
            break;
        case OPT_EXTENSION:
            if (strcmp(optarg, "mlm") != 0 && strcmp(optarg, "dlm") != 0 &&
                strcmp(optarg, "ml-model") != 0)
                rc = cli_usage_error(cmd,
                                     "unknown extension '%s' (ml-model, "
                                     "dlm or mlm)",
                                     optarg);
            q->extension = optarg;
            break;
        case OPT_BBOX:
            rc = parse_bbox(cmd, optarg, q);
            break;
        case OPT_DATETIME:
            rc = parse_datetime(cmd, optarg, q);
            break;
        case OPT_TRAINED_ON:
            a->trained_on = optarg;
            break;
        case OPT_SOURCE:
            free(q->source);
            q->source = source_of(optarg);
            break;
        case OPT_DATASETS:
            a->datasets = true;
            break;
        case OPT_INCLUDE_GONE:
            q->include_gone = true;
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            return cli_option_error(cmd, argv, "h");
        }
    }
    return rc;
}

/* The exit status of a command that skipped n damaged records: the index
 * could not be read whole. */
static int damaged_status(const char *cmd, size_t n)
{
    fprintf(stderr,
            "stacml %s: %zu damaged record%s skipped; harvest again to "
            "replace %s\n",
            cmd, n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
    return EXIT_INDEX;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
    struct query q = {0};
    struct query_args a = {.fmt = FORMAT_TABLE};
    struct index *ix = NULL;
    int status = parse_query(cli, argc, argv, "search", search_help, &q, &a);
    if (status == EXIT_OK && a.datasets)
        status = cli_usage_error("search", "--datasets is an export option");
    if (status == EXIT_OK)
        status = open_index(cli, "search", &ix);
    if (status != EXIT_OK) {
        query_cleanup(&q);
        return status < 0 ? EXIT_OK : status;
    }
    if (a.trained_on)
        parse_trained_on(ix, a.trained_on, &q);
    q.words = argv + optind;
    q.n_words = argc - optind;
    struct search s = {.q = &q, .fmt = a.fmt};
    int rc = run_query(ix, &s);
    if (s.fmt == FORMAT_JSON)
        fputs(s.matched ? "\n]\n" : "[]\n", stdout);
    index_close(ix);
    query_cleanup(&q);
    if (rc < 0) {
        fprintf(stderr, "stacml search: cannot read index: %s\n",
                sm_strerror(rc));
        return EXIT_INDEX;
    }
    /* s.write_error stopped the scan; ferror() still says so. */
    status = output_status("search", EXIT_OK);
    if (status != EXIT_OK)
        return status;
    if (s.damaged > 0)
        return damaged_status("search", s.damaged);
    /* A note, not an error: -q (print errors only) silences it. */
    if (s.fmt == FORMAT_TABLE && s.matched == 0 && cli->verbosity >= 0)
        fprintf(stderr, "stacml search: no matching model records\n");
    return EXIT_OK;
}

/* -------------------------------------------------- dataset ↔ model links */

struct model_links {
    json_t *arr;
    const char *role;
    bool include_gone;
};

/* A gone model is left out, as search and export leave it out, unless
 * include_gone; then it says so ("gone": true). */
static int on_model_link(void *ctx, const char *url, const char *json,
                         size_t len)
{
    struct model_links *ml = ctx;
    json_t *rec = record_decode(json, len);
    bool is_gone = json_is_true(json_object_get(rec, "gone"));
    json_decref(rec);
    if (is_gone && !ml->include_gone)
        return 0;
    json_t *link = json_pack("{s:s, s:s}", "url", url, "role", ml->role);
    if (is_gone)
        json_object_set_new(link, "gone", json_true());
    json_array_append_new(ml->arr, link);
    return 0;
}

/* The models trained, validated or tested on dataset_url: [{url, role}]. */
static json_t *models_of(struct index *ix, const char *dataset_url,
                         bool include_gone)
{
    static const char *const roles[] = {"train", "validation", "test"};
    struct model_links ml = {.arr = json_array(), .include_gone = include_gone};
    for (size_t i = 0; i < 3; i++) {
        char *key = xasprintf("%s=%s", roles[i], dataset_url);
        ml.role = roles[i];
        index_foreach_key(ix, INDEX_MODELS, key, on_model_link, &ml);
        free(key);
    }
    return ml.arr;
}

/* A dataset record with its "models" added, as a new JSON text. */
static char *dataset_with_models(struct index *ix, const char *url,
                                 const char *json, size_t len,
                                 bool include_gone, size_t *out)
{
    json_t *rec = record_decode(json, len);
    if (!rec)
        return NULL;
    json_object_set_new(rec, "models", models_of(ix, url, include_gone));
    char *text = record_encode(rec, out);
    json_decref(rec);
    return text;
}

/* --------------------------------------------------------------- show */

struct id_matches {
    char **urls;
    bool *is_gone; /* the record is gone upstream */
    size_t n, cap;
    size_t n_live; /* records not gone */
};

static int on_id_match(void *ctx, const char *url, const char *json, size_t len)
{
    struct id_matches *m = ctx;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->urls = xrealloc(m->urls, m->cap * sizeof(*m->urls));
        m->is_gone = xrealloc(m->is_gone, m->cap * sizeof(*m->is_gone));
    }
    json_t *rec = record_decode(json, len);
    bool is_gone = json_is_true(json_object_get(rec, "gone"));
    json_decref(rec);
    m->is_gone[m->n] = is_gone;
    m->n_live += !is_gone;
    m->urls[m->n++] = xstrdup(url);
    return m->n >= 1000; /* enough to say it is ambiguous */
}

/* The one record of m (models) and d (datasets) not gone, when there is
 * exactly one: a model that moved upstream leaves its old URL gone beside
 * the new one. NULL otherwise; *is_model tells the table. */
static const char *only_live(const struct id_matches *m,
                             const struct id_matches *d, bool *is_model)
{
    if (m->n_live + d->n_live != 1)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (!m->is_gone[i]) {
            *is_model = true;
            return m->urls[i];
        }
    for (size_t i = 0; i < d->n; i++)
        if (!d->is_gone[i]) {
            *is_model = false;
            return d->urls[i];
        }
    return NULL;
}

static int print_pretty(const char *json, size_t len)
{
    json_t *rec = record_decode(json, len);
    if (!rec)
        return EXIT_INDEX;
    put_json_pretty(rec);
    putchar('\n');
    json_decref(rec);
    return output_status("show", EXIT_OK);
}

/* show_url() found no record at that URL: distinct from EXIT_PARTIAL,
 * which a write error returns, so that the output cut off by a full disk
 * is not followed by a search under other names. */
#define SHOW_NOT_FOUND (-1)

/* Print the record of table at url (a dataset with its models). */
static int show_url(struct index *ix, enum index_table t, const char *url)
{
    char *json = NULL, *full = NULL;
    size_t len = 0;
    int status;
    if (index_get(ix, t, url, &json, &len) != 0)
        return SHOW_NOT_FOUND;
    if (t == INDEX_DATASETS) {
        full = dataset_with_models(ix, url, json, len, false, &len);
        status = full ? print_pretty(full, len) : EXIT_INDEX;
    } else {
        status = print_pretty(json, len);
    }
    if (status == EXIT_INDEX) {
        char *safe = text_safe(url, 0);
        fprintf(stderr,
                "stacml show: the record of %s in the index is damaged "
                "(not valid JSON); harvest again to replace it\n",
                safe);
        free(safe);
    }
    free(json);
    free(full);
    return status;
}

static void id_matches_free(struct id_matches *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->urls[i]);
    free(m->urls);
    free(m->is_gone);
}

static int show_by_id(struct index *ix, const char *arg)
{
    struct id_matches m = {0}, d = {0};
    int status = EXIT_PARTIAL;
    char *key = xasprintf("id=%s", arg);
    index_foreach_key(ix, INDEX_MODELS, key, on_id_match, &m);
    index_foreach_key(ix, INDEX_DATASETS, key, on_id_match, &d);
    free(key);
    char *safe = text_safe(arg, 200);
    bool is_model = false;
    const char *live = m.n + d.n > 1 ? only_live(&m, &d, &is_model) : NULL;
    if (m.n + d.n == 0) {
        fprintf(stderr, "stacml show: no record with URL or id '%s'\n", safe);
    } else if (live) {
        status = show_url(ix, is_model ? INDEX_MODELS : INDEX_DATASETS, live);
    } else if (m.n + d.n > 1) {
        fprintf(stderr, "stacml show: id '%s' is ambiguous; %zu records:\n",
                safe, m.n + d.n);
        for (size_t i = 0; i < m.n + d.n; i++) {
            bool is_m = i < m.n;
            char *u = text_safe(is_m ? m.urls[i] : d.urls[i - m.n], 0);
            fprintf(stderr, "  %s%s%s\n", u, is_m ? "" : " (dataset)",
                    (is_m ? m.is_gone[i] : d.is_gone[i - m.n]) ? " (gone)"
                                                               : "");
            free(u);
        }
    } else {
        status = m.n ? show_url(ix, INDEX_MODELS, m.urls[0])
                     : show_url(ix, INDEX_DATASETS, d.urls[0]);
        if (status == SHOW_NOT_FOUND) /* gone since the id was read */
            status = EXIT_PARTIAL;
    }
    free(safe);
    id_matches_free(&m);
    id_matches_free(&d);
    return status;
}

/* The key of a record named by a URL with a fragment, or NULL: a feature
 * of an item page is recorded as "{page}#{id}" (README, Harvest), and
 * url_from_arg() drops fragments, which made show look up the page. */
static char *url_with_fragment(const char *arg)
{
    const char *hash = strchr(arg, '#');
    if (!hash || !hash[1])
        return NULL;
    char *page = xstrndup(arg, (size_t)(hash - arg)), *url = NULL;
    char *out = NULL;
    if (url_from_arg(page, &url) == 0)
        out = xasprintf("%s%s", url, hash);
    free(page);
    free(url);
    return out;
}

/* Look url up as a model, then as a dataset. */
static int show_any(struct index *ix, const char *url)
{
    int status = show_url(ix, INDEX_MODELS, url);
    if (status == SHOW_NOT_FOUND)
        status = show_url(ix, INDEX_DATASETS, url);
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
    if (!*arg)
        return cli_usage_error("show", "an empty URL or id");
    status = open_index(cli, "show", &ix);
    if (status != EXIT_OK)
        return status;
    char *url = NULL;
    /* A URL (or an existing path) is looked up as a URL first, as a model
     * then as a dataset; anything else, or a URL that is no record, as a
     * STAC id. */
    status = SHOW_NOT_FOUND;
    char *keyed = url_with_fragment(arg);
    if (keyed)
        status = show_any(ix, keyed);
    if (status == SHOW_NOT_FOUND && url_from_arg(arg, &url) == 0)
        status = show_any(ix, url);
    if (status == SHOW_NOT_FOUND)
        status = show_by_id(ix, arg);
    free(keyed);
    free(url);
    index_close(ix);
    return status;
}

/* ------------------------------------------------------------- export */

struct export_datasets {
    struct index *ix;
    const struct query *q;
    size_t damaged;
    bool write_error;
};

static int on_export_dataset(void *ctx, const char *url, const char *json,
                             size_t len)
{
    struct export_datasets *e = ctx;
    size_t n = 0;
    if (!may_hold_words(e->q, json, len))
        return 0;
    json_t *rec = record_decode(json, len);
    if (!rec) {
        report_damaged(url, "not valid JSON");
        e->damaged++;
        return 0;
    }
    bool is_match = query_matches(e->q, rec);
    json_decref(rec);
    if (!is_match)
        return 0;
    char *full =
        dataset_with_models(e->ix, url, json, len, e->q->include_gone, &n);
    if (full) {
        put_json(full, n);
        putchar('\n');
    }
    free(full);
    e->write_error = ferror(stdout) != 0;
    return e->write_error ? 1 : 0;
}

/* The filters that only models have: a usage error with --datasets, which
 * would otherwise ignore them. NULL when there is none. */
static const char *model_only_filter(const struct query *q,
                                     const struct query_args *a)
{
    return q->task           ? "--task"
           : q->framework    ? "--framework"
           : q->architecture ? "--architecture"
           : q->extension    ? "--extension"
           : a->trained_on   ? "--trained-on"
                             : NULL;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct query q = {0};
    struct query_args a = {.fmt = FORMAT_JSONL};
    struct index *ix = NULL;
    int status = parse_query(cli, argc, argv, "export", export_help, &q, &a);
    if (status == EXIT_OK && a.fmt != FORMAT_JSONL)
        status = cli_usage_error("export", "export writes JSON lines; use "
                                           "search --format for others");
    if (status == EXIT_OK && a.datasets && model_only_filter(&q, &a))
        status = cli_usage_error("export",
                                 "%s selects models; with --datasets only "
                                 "words, --source, --bbox, --datetime and "
                                 "--include-gone apply",
                                 model_only_filter(&q, &a));
    if (status == EXIT_OK)
        status = open_index(cli, "export", &ix);
    if (status != EXIT_OK) {
        query_cleanup(&q);
        return status < 0 ? EXIT_OK : status;
    }
    if (a.trained_on)
        parse_trained_on(ix, a.trained_on, &q);
    /* Words select as in search, datasets too (the help says so). */
    q.words = argv + optind;
    q.n_words = argc - optind;
    int rc;
    size_t damaged;
    if (a.datasets) {
        struct export_datasets e = {.ix = ix, .q = &q};
        rc = index_foreach(ix, INDEX_DATASETS, on_export_dataset, &e);
        damaged = e.damaged;
    } else {
        struct search s = {.q = &q, .fmt = FORMAT_JSONL};
        rc = run_query(ix, &s);
        damaged = s.damaged;
    }
    index_close(ix);
    query_cleanup(&q);
    if (rc < 0) {
        fprintf(stderr, "stacml export: cannot read index: %s\n",
                sm_strerror(rc));
        return EXIT_INDEX;
    }
    /* A write error stopped the walk; ferror() still says so. */
    status = output_status("export", EXIT_OK);
    if (status != EXIT_OK)
        return status;
    if (damaged > 0)
        return damaged_status("export", damaged);
    return EXIT_OK;
}

/* -------------------------------------------------------------- stats */

struct stats {
    size_t records, gone;
    size_t datasets, unreachable, datasets_gone;
    json_t *by_ext;    /* name -> count */
    json_t *by_source; /* url -> count */
};

struct key_counts {
    json_t *obj;
    const char *prefix;
};

static int on_key_count(void *ctx, const char *key, size_t n)
{
    struct key_counts *kc = ctx;
    json_object_set_new(kc->obj, key + strlen(kc->prefix),
                        json_integer((json_int_t)n));
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
    if (status == EXIT_OK)
        status = no_arguments("stats", argc, argv);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    if (fmt != FORMAT_TABLE && fmt != FORMAT_JSON)
        return cli_usage_error("stats", "--format must be table or json");
    status = open_index(cli, "stats", &ix);
    if (status != EXIT_OK)
        return status;
    /* Everything from the secondary keys' counts: no record is read, so
     * stats answers at once however large the index. */
    struct stats s = {.by_ext = json_object(), .by_source = json_object()};
    s.records = index_count(ix, INDEX_MODELS);
    s.gone = index_count_key(ix, INDEX_MODELS, "state=gone");
    s.datasets = index_count(ix, INDEX_DATASETS);
    s.unreachable = index_count_key(ix, INDEX_DATASETS, "state=unreachable");
    s.datasets_gone = index_count_key(ix, INDEX_DATASETS, "state=gone");
    struct key_counts ke = {s.by_ext, "extension="};
    struct key_counts ks = {s.by_source, "source="};
    int rc = index_foreach_key_count(ix, INDEX_MODELS,
                                     "extension=", on_key_count, &ke);
    if (rc == 0)
        rc = index_foreach_key_count(ix, INDEX_MODELS, "source=", on_key_count,
                                     &ks);
    char *meta = NULL;
    json_t *last = NULL;
    if (index_get_meta(ix, "last_harvest", &meta) == 0)
        last = json_loads(meta, 0, NULL);
    free(meta);
    index_close(ix);
    if (rc < 0) {
        status = EXIT_INDEX;
    } else if (fmt == FORMAT_JSON) {
        json_t *out = json_pack(
            "{s:I, s:I, s:I, s:O, s:O, s:O}", "records", (json_int_t)s.records,
            "datasets", (json_int_t)s.datasets, "datasets_unreachable",
            (json_int_t)s.unreachable, "by_extension", s.by_ext, "by_source",
            s.by_source, "last_harvest", last ? last : json_null());
        json_object_set_new(out, "records_gone",
                            json_integer((json_int_t)s.gone));
        json_object_set_new(out, "datasets_gone",
                            json_integer((json_int_t)s.datasets_gone));
        put_json_pretty(out);
        putchar('\n');
        json_decref(out);
    } else {
        char *db = text_safe(cli->db, 0);
        printf("index: %s\nmodel records: %zu", db, s.records);
        if (s.gone)
            printf(" (%zu of them gone upstream)", s.gone);
        printf("\ndataset records: %zu (%zu unreachable", s.datasets,
               s.unreachable);
        if (s.datasets_gone)
            printf(", %zu gone upstream", s.datasets_gone);
        printf(")\n");
        free(db);
        print_counts("by extension", s.by_ext);
        print_counts("by source", s.by_source);
        print_last_harvest(last);
    }
    json_decref(s.by_ext);
    json_decref(s.by_source);
    json_decref(last);
    return status == EXIT_OK ? output_status("stats", status) : status;
}

/* --------------------------------------------------------------- runs */

static const char runs_help[] =
    "Usage: stacml [--db DIR] runs [--format table|json|jsonl]\n"
    "\n"
    "List past harvests: run number, start and end, seeds, documents\n"
    "fetched / unchanged / failed, models new / changed / gone, exit status.\n";

struct runs {
    enum out_format fmt;
    size_t n;
};

static int on_run(void *ctx, const char *key, const char *json, size_t len)
{
    struct runs *r = ctx;
    json_t *run = json_loadb(json, len, 0, NULL);
    if (!run)
        return 0;
    if (r->fmt == FORMAT_JSON || r->fmt == FORMAT_JSONL) {
        size_t n = 0;
        char *text = record_encode(run, &n);
        if (text)
            put_json_item(r->fmt, r->n, text, n);
        free(text);
    } else {
        json_int_t id = 0, fetched = 0, unchanged = 0, failed = 0, mnew = 0,
                   mchanged = 0, gone = 0, status = -1;
        const char *t0 = "?", *t1 = "?";
        json_unpack(run, "{s?I, s?s, s?s, s?I, s?I, s?I, s?I, s?I, s?I, s?I}",
                    "run", &id, "started", &t0, "finished", &t1, "fetched",
                    &fetched, "unchanged", &unchanged, "failed", &failed,
                    "models_new", &mnew, "models_changed", &mchanged, "gone",
                    &gone, "exit_status", &status);
        if (strcmp(t1, "?") == 0)
            t1 = "(unfinished)";
        if (r->n == 0)
            printf("%5s  %-20s  %-20s  %8s  %9s  %6s  %5s  %7s  %4s  %4s  %s\n",
                   "RUN", "STARTED", "FINISHED", "FETCHED", "UNCHANGED",
                   "FAILED", "NEW", "CHANGED", "GONE", "EXIT", "SEEDS");
        char exit_text[16] = "-"; /* a run killed on the way */
        if (status >= 0)
            snprintf(exit_text, sizeof(exit_text), "%d", (int)status);
        printf("%5" JSON_INTEGER_FORMAT "  %-20s  %-20s  %8" JSON_INTEGER_FORMAT
               "  %9" JSON_INTEGER_FORMAT "  %6" JSON_INTEGER_FORMAT
               "  %5" JSON_INTEGER_FORMAT "  %7" JSON_INTEGER_FORMAT
               "  %4" JSON_INTEGER_FORMAT "  %4s  ",
               id, t0, t1, fetched, unchanged, failed, mnew, mchanged, gone,
               exit_text);
        size_t i;
        const json_t *s;
        json_array_foreach (json_object_get(run, "seeds"), i, s) {
            char *safe = text_safe(json_string_value(s), 0);
            printf("%s%s", i ? " " : "", safe);
            free(safe);
        }
        putchar('\n');
    }
    r->n++;
    json_decref(run);
    return ferror(stdout) ? 1 : 0;
}

/* runs and sources: the meta records under prefix, each printed by
 * print(); empty is the table's note when there is none. */
static int list_meta(struct cli *cli, int argc, char **argv, const char *cmd,
                     const char *help, const char *prefix,
                     index_record_cb print, const char *empty)
{
    struct index *ix = NULL;
    struct runs r = {.fmt = FORMAT_TABLE};
    int status = parse_common(cli, argc, argv, cmd, help, &r.fmt);
    if (status == EXIT_OK)
        status = no_arguments(cmd, argc, argv);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    /* ids names a model's id and URL; a run or a source has neither. */
    if (r.fmt == FORMAT_IDS)
        return cli_usage_error(cmd, "--format must be table, json or jsonl");
    status = open_index(cli, cmd, &ix);
    if (status != EXIT_OK)
        return status;
    int rc = index_foreach_meta(ix, prefix, print, &r);
    index_close(ix);
    if (r.fmt == FORMAT_JSON)
        fputs(r.n ? "\n]\n" : "[]\n", stdout);
    else if (r.fmt == FORMAT_TABLE && r.n == 0 && cli->verbosity >= 0)
        fprintf(stderr, "stacml %s: %s\n", cmd, empty);
    if (rc < 0)
        return EXIT_INDEX;
    return output_status(cmd, EXIT_OK);
}

int cmd_runs(struct cli *cli, int argc, char **argv)
{
    return list_meta(cli, argc, argv, "runs", runs_help, HISTORY_RUN_PREFIX,
                     on_run, "no finished harvest yet");
}

/* ------------------------------------------------------------- sources */

static const char sources_help[] =
    "Usage: stacml [--db DIR] sources [--format table|json|jsonl]\n"
    "\n"
    "List every source read from a registry (harvest --registry): kind,\n"
    "verdict of the last survey (holds-models, declares-models, none,\n"
    "unreachable, skipped, incomplete: cut off by its budget, surveyed\n"
    "again on the next run) and when it was made, the last harvest, models\n"
    "found, failures.\n";

static void iso(json_int_t t, char *out, size_t n)
{
    if (t <= 0) {
        snprintf(out, n, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_int_t count_of(const json_t *st, const char *phase,
                           const char *what)
{
    return json_integer_value(
        json_object_get(json_object_get(st, phase), what));
}

static int on_source(void *ctx, const char *key, const char *json, size_t len)
{
    struct runs *r = ctx;
    json_t *st = json_loadb(json, len, 0, NULL);
    if (!st)
        return 0;
    if (r->fmt == FORMAT_JSON || r->fmt == FORMAT_JSONL) {
        size_t n = 0;
        char *text = record_encode(st, &n);
        if (text)
            put_json_item(r->fmt, r->n, text, n);
        free(text);
    } else {
        char surveyed[32], harvested[32];
        iso(json_integer_value(json_object_get(st, "surveyed_at")), surveyed,
            sizeof(surveyed));
        iso(json_integer_value(json_object_get(st, "harvested_at")), harvested,
            sizeof(harvested));
        const char *kind = json_string_value(json_object_get(st, "kind"));
        const char *verdict = json_string_value(json_object_get(st, "verdict"));
        json_int_t models = json_object_get(st, "harvest")
                                ? count_of(st, "harvest", "models")
                                : count_of(st, "survey", "models");
        json_int_t datasets = json_object_get(st, "harvest")
                                  ? count_of(st, "harvest", "datasets")
                                  : count_of(st, "survey", "datasets");
        json_int_t failed = json_object_get(st, "harvest")
                                ? count_of(st, "harvest", "failed")
                                : count_of(st, "survey", "failed");
        if (r->n == 0)
            printf("%-8s  %-15s  %-20s  %-20s  %6s  %8s  %6s  %s\n", "KIND",
                   "VERDICT", "SURVEYED", "HARVESTED", "MODELS", "DATASETS",
                   "FAILED", "URL");
        char *url = text_safe(json_string_value(json_object_get(st, "url")), 0);
        printf("%-8s  %-15s  %-20s  %-20s  %6" JSON_INTEGER_FORMAT
               "  %8" JSON_INTEGER_FORMAT "  %6" JSON_INTEGER_FORMAT "  %s\n",
               kind ? kind : "-", verdict ? verdict : "-", surveyed, harvested,
               models, datasets, failed, url);
        free(url);
    }
    r->n++;
    json_decref(st);
    return ferror(stdout) ? 1 : 0;
}

int cmd_sources(struct cli *cli, int argc, char **argv)
{
    return list_meta(cli, argc, argv, "sources", sources_help,
                     SOURCES_META_PREFIX, on_source,
                     "no registry source yet (harvest --registry)");
}
