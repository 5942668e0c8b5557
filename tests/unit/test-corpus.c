/* SPDX-License-Identifier: MIT */
/* Interoperability corpus: every JSON file copied verbatim from the
 * specification repositories into the shared stac-examples/ tree is parsed,
 * classified and run through detect_document(), and the result is compared
 * with the hand-written table tests/unit/corpus.expected. The table must
 * list exactly the files of the corpus, so that new files get a decision.
 * Skips (77) only when the shared tree is not there. */
#include <config.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crawler/links.h"
#include "crawler/prescan.h"
#include "crawler/stac.h"
#include "index/detect.h"
#include "tests/lib/check.h"
#include "tests/lib/prescan-agree.h"

/* Bounds on the table and the walk; the corpus has about a hundred files. */
#define CORPUS_MAX_FILES 1000
#define CORPUS_MAX_DEPTH 16

struct expect_row {
    char *path;
    char *names; /* "-" or "dlm,ml-model,..." */
    bool is_invalid;
    bool seen;
};

struct corpus {
    const char *root; /* .../stac-examples */
    struct expect_row rows[CORPUS_MAX_FILES];
    size_t n_rows;
    char *files[CORPUS_MAX_FILES]; /* relative paths found by the walk */
    size_t n_files;
    size_t n_invalid, n_schema, n_docs, n_classified, n_plain;
    size_t n_plain_containers;
    size_t per_ext[4]; /* documents per flag bit: ml-model, dlm, mlm, tdml */
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* json-schema/schema.json, or a published copy v<digit...>/schema.json. */
static bool is_schema_path(const char *rel)
{
    const char *base, *dir;
    if (!has_suffix(rel, "/schema.json"))
        return false;
    if (has_suffix(rel, "/json-schema/schema.json") ||
        strcmp(rel, "json-schema/schema.json") == 0)
        return true;
    base = rel + strlen(rel) - strlen("/schema.json");
    dir = base;
    while (dir > rel && dir[-1] != '/')
        dir--;
    return base - dir >= 2 && dir[0] == 'v' && dir[1] >= '0' && dir[1] <= '9';
}

static int load_table(struct corpus *c, const char *path)
{
    char line[1024];
    int lineno = 0;
    FILE *f = fopen(path, "r");

    if (!f) {
        fprintf(stderr, "test-corpus: cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *save = NULL, *p, *names, *flag, *extra;
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        p = strtok_r(line, " \t", &save);
        if (!p || p[0] == '#')
            continue;
        names = strtok_r(NULL, " \t", &save);
        flag = strtok_r(NULL, " \t", &save);
        extra = strtok_r(NULL, " \t", &save);
        if (!names || extra || (flag && strcmp(flag, "invalid") != 0) ||
            c->n_rows == CORPUS_MAX_FILES) {
            fprintf(stderr, "%s:%d: malformed line\n", path, lineno);
            check_failures++;
            continue;
        }
        for (size_t i = 0; i < c->n_rows; i++) {
            if (strcmp(c->rows[i].path, p) == 0) {
                fprintf(stderr, "%s:%d: duplicate entry %s\n", path, lineno, p);
                check_failures++;
            }
        }
        c->rows[c->n_rows].path = strdup(p);
        c->rows[c->n_rows].names = strdup(names);
        c->rows[c->n_rows].is_invalid = flag != NULL;
        c->rows[c->n_rows].seen = false;
        c->n_rows++;
    }
    fclose(f);
    return 0;
}

static int walk(struct corpus *c, const char *rel, int depth)
{
    char dirpath[4096];
    DIR *d;
    struct dirent *e;

    if (depth > CORPUS_MAX_DEPTH)
        return -1;
    snprintf(dirpath, sizeof(dirpath), "%s%s%s", c->root, *rel ? "/" : "", rel);
    d = opendir(dirpath);
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char sub[2048], full[4096 + 2048];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(full, sizeof(full), "%s/%s", c->root, sub);
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (walk(c, sub, depth + 1) != 0) {
                closedir(d);
                return -1;
            }
        } else if ((has_suffix(sub, ".json") || has_suffix(sub, ".geojson")) &&
                   c->n_files < CORPUS_MAX_FILES) {
            c->files[c->n_files++] = strdup(sub);
        }
    }
    closedir(d);
    return 0;
}

static struct expect_row *find_row(struct corpus *c, const char *rel)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        if (strcmp(c->rows[i].path, rel) == 0)
            return &c->rows[i];
    }
    return NULL;
}

/* The comma-separated names of every flag in exts, or "-". */
static void format_names(unsigned exts, char *out, size_t len)
{
    static const unsigned order[] = {EXT_DLM, EXT_ML_MODEL, EXT_MLM, EXT_TDML};
    size_t used = 0;

    snprintf(out, len, "-");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (!(exts & order[i]))
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s%s",
                                 used ? "," : "", detect_name(order[i]));
        if (used >= len)
            break;
    }
}

/* The kind a STAC core object must get: by its own type member. Returns
 * STAC_KIND_NONE for the API fragments, which this test does not judge. */
static enum stac_kind core_kind(const json_t *doc)
{
    const char *type = json_string_value(json_object_get(doc, "type"));
    if (!type)
        return STAC_KIND_NONE;
    if (strcmp(type, "Catalog") == 0)
        return STAC_KIND_CATALOG;
    if (strcmp(type, "Collection") == 0)
        return STAC_KIND_COLLECTION;
    if (strcmp(type, "Feature") == 0 && json_object_get(doc, "stac_version"))
        return STAC_KIND_ITEM;
    return STAC_KIND_NONE;
}

static void check_file(struct corpus *c, const char *rel)
{
    char full[4096], got[64];
    struct expect_row *row = find_row(c, rel);
    json_error_t err;
    json_t *doc;
    char *buf;
    size_t len = 0;
    unsigned exts;
    enum stac_kind want, kind;

    snprintf(full, sizeof(full), "%s/%s", c->root, rel);
    if (!row) {
        fprintf(stderr, "corpus: %s: missing from corpus.expected\n", rel);
        check_failures++;
        return;
    }
    row->seen = true;
    buf = check_read_file(full, &len);
    CHECK_CASE(rel, buf != NULL);
    if (!buf)
        return;
    check_count++;
    /* The prescan may call a document plain only if the parser agrees,
     * and the links it took apart must be those of the tree. */
    struct prescan_links pl = {0};
    enum prescan_kind pk = prescan_doc(buf, len, &pl);
    if (pk == PRESCAN_ITEM)
        c->n_plain++;
    else if (pk != PRESCAN_UNSURE)
        c->n_plain_containers++;
    CHECK_CASE(rel, prescan_agrees(buf, len, pk, &pl));
    prescan_links_cleanup(&pl);
    doc = json_loadb(buf, len, 0, &err);
    free(buf);
    if (!doc) {
        c->n_invalid++;
        if (!row->is_invalid) {
            fprintf(stderr, "corpus: %s: unexpected parse error %d:%d: %s\n",
                    rel, err.line, err.column, err.text);
            check_failures++;
        }
        return;
    }
    if (row->is_invalid) {
        fprintf(stderr, "corpus: %s: listed invalid but parses\n", rel);
        check_failures++;
    }
    if (is_schema_path(rel)) {
        /* JSON Schemas list mlm:* etc. under their own "properties"
         * keyword; they are not STAC documents, so they are not judged. */
        c->n_schema++;
        if (strcmp(row->names, "-") != 0) {
            fprintf(stderr, "corpus: %s: schema file must be \"-\"\n", rel);
            check_failures++;
        }
        json_decref(doc);
        return;
    }
    c->n_docs++;
    exts = detect_document(doc);
    format_names(exts, got, sizeof(got));
    check_count++;
    if (strcmp(got, row->names) != 0) {
        fprintf(stderr, "corpus: %s: detected %s, expected %s\n", rel, got,
                row->names);
        check_failures++;
    }
    for (unsigned b = 0; b < 4; b++) {
        if (exts & (1u << b))
            c->per_ext[b]++;
    }
    want = core_kind(doc);
    if (want != STAC_KIND_NONE) {
        c->n_classified++;
        kind = stac_classify(doc);
        check_count++;
        if (kind != want) {
            fprintf(stderr, "corpus: %s: stac_classify = %s, expected %s\n",
                    rel, stac_kind_name(kind), stac_kind_name(want));
            check_failures++;
        }
    }
    json_decref(doc);
}

int main(void)
{
    static struct corpus c; /* large: keep it off the stack */
    const char *shared = check_shared_dir();
    const char *top = getenv("top_srcdir");
    char root[4096], table[4096];

    if (!shared) {
        printf("skipped: shared examples not found\n");
        return 77;
    }
    /* A truncated path would silently test another directory. */
    if (snprintf(root, sizeof(root), "%s/stac-examples", shared) >=
            (int)sizeof(root) ||
        snprintf(table, sizeof(table), "%s/tests/unit/corpus.expected",
                 top ? top : ".") >= (int)sizeof(table)) {
        fprintf(stderr, "test-corpus: path too long\n");
        return 1;
    }
    c.root = root;

    if (load_table(&c, table) != 0)
        return 1;
    CHECK(walk(&c, "", 0) == 0);
    CHECK(c.n_files < CORPUS_MAX_FILES);
    CHECK(c.n_files > 0);
    for (size_t i = 0; i < c.n_files; i++)
        check_file(&c, c.files[i]);
    for (size_t i = 0; i < c.n_rows; i++) {
        if (!c.rows[i].seen) {
            fprintf(stderr,
                    "corpus: %s: in corpus.expected but not in the corpus\n",
                    c.rows[i].path);
            check_failures++;
        }
    }

    fprintf(stderr,
            "test-corpus: %zu files: %zu invalid, %zu schemas, %zu "
            "documents (%zu classified, %zu plain items and %zu plain "
            "containers by prescan); "
            "ml-model %zu, dlm %zu, mlm %zu, tdml %zu\n",
            c.n_files, c.n_invalid, c.n_schema, c.n_docs, c.n_classified,
            c.n_plain, c.n_plain_containers, c.per_ext[0], c.per_ext[1],
            c.per_ext[2], c.per_ext[3]);

    for (size_t i = 0; i < c.n_rows; i++) {
        free(c.rows[i].path);
        free(c.rows[i].names);
    }
    for (size_t i = 0; i < c.n_files; i++)
        free(c.files[i]);
    return check_exit("test-corpus");
}
