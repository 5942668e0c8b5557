/* SPDX-License-Identifier: MIT */
/* Unit tests of index/record.c: the fields record_new() derives (id as text,
 * stac_type, extension names), the exact canonical encoding, and that
 * encoding and decoding give back the same record for awkward strings. */
#include <config.h>

#include <limits.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "index/detect.h"
#include "index/record.h"
#include "src/err.h"
#include "tests/lib/check.h"

struct field_case {
    const char *name;
    const char *doc; /* JSON text (any value, not only objects) */
    unsigned exts;
    const char *id;        /* expected "id" */
    const char *stac_type; /* expected "stac_type" */
    const char *names;     /* expected "extensions", as JSON text */
};

static const struct field_case field_cases[] = {
    {"string id", "{\"type\":\"Feature\",\"id\":\"abc\"}", 0, "abc", "Item",
     "[]"},
    {"integer id", "{\"type\":\"Feature\",\"id\":42}", 0, "42", "Item", "[]"},
    {"negative id", "{\"type\":\"Feature\",\"id\":-7}", 0, "-7", "Item", "[]"},
    {"large id", "{\"id\":9007199254740993}", 0, "9007199254740993", "Catalog",
     "[]"},
    {"real id", "{\"id\":1.5}", 0, "1.5", "Catalog", "[]"},
    {"real id 0.1", "{\"id\":0.1}", 0, "0.1", "Catalog", "[]"},
    {"integral real id", "{\"id\":2.0}", 0, "2", "Catalog", "[]"},
    {"missing id", "{\"type\":\"Collection\"}", 0, "", "Collection", "[]"},
    {"null id", "{\"type\":\"Catalog\",\"id\":null}", 0, "", "Catalog", "[]"},
    {"object id", "{\"id\":{\"a\":1}}", 0, "", "Catalog", "[]"},
    {"bool id", "{\"id\":true}", 0, "", "Catalog", "[]"},
    {"empty id", "{\"id\":\"\"}", 0, "", "Catalog", "[]"},
    {"catalog", "{\"type\":\"Catalog\",\"id\":\"c\"}", 0, "c", "Catalog", "[]"},
    {"pre-1.0 collection",
     "{\"stac_version\":\"0.9.0\",\"id\":\"c\",\"extent\":{},"
     "\"license\":\"MIT\"}",
     0, "c", "Collection", "[]"},
    {"license only", "{\"stac_version\":\"0.8.0\",\"license\":\"MIT\"}", 0, "",
     "Collection", "[]"},
    {"pre-1.0 catalog", "{\"stac_version\":\"0.9.0\",\"id\":\"c\"}", 0, "c",
     "Catalog", "[]"},
    {"typed catalog with extent", "{\"type\":\"Catalog\",\"extent\":{}}", 0, "",
     "Catalog", "[]"},
    {"feature collection", "{\"type\":\"FeatureCollection\"}", 0, "", "Catalog",
     "[]"},
    /* as in crawler/stac.c, a type that is not a string is no type */
    {"type not a string", "{\"type\":1,\"license\":\"x\"}", 0, "", "Collection",
     "[]"},
    {"not an object", "[1,2]", EXT_MLM, "", "Catalog", "[\"mlm\"]"},
    {"all extensions", "{}", EXT_MLM | EXT_ML_MODEL | EXT_DLM, "", "Catalog",
     "[\"dlm\",\"ml-model\",\"mlm\"]"},
    {"tdml is not a model extension", "{}", EXT_TDML, "", "Catalog", "[]"},
    {"mlm and tdml", "{}", EXT_MLM | EXT_TDML, "", "Catalog", "[\"mlm\"]"},
    {"ml-model and dlm", "{}", EXT_ML_MODEL | EXT_DLM, "", "Catalog",
     "[\"dlm\",\"ml-model\"]"},
};

static void test_fields(void)
{
    for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
        const struct field_case *c = &field_cases[i];
        json_error_t err;
        json_t *doc = json_loads(c->doc, JSON_DECODE_ANY, &err);
        json_t *names = json_loads(c->names, 0, &err);
        CHECK_CASE(c->name, doc != NULL && names != NULL);
        if (!doc || !names) {
            json_decref(doc);
            json_decref(names);
            continue;
        }
        json_t *rec =
            record_new(doc, "https://e/x.json", "https://e/", c->exts);
        const char *id = json_string_value(json_object_get(rec, "id"));
        const char *type = json_string_value(json_object_get(rec, "stac_type"));
        CHECK_CASE(c->name, id && strcmp(id, c->id) == 0);
        CHECK_CASE(c->name, type && strcmp(type, c->stac_type) == 0);
        CHECK_CASE(c->name,
                   json_equal(json_object_get(rec, "extensions"), names));
        CHECK_CASE(c->name, json_object_get(rec, "stac") == doc);
        CHECK_CASE(c->name, json_object_size(rec) == 6);
        if (id && strcmp(id, c->id) != 0)
            fprintf(stderr, "  id \"%s\", expected \"%s\"\n", id, c->id);
        json_decref(rec);
        json_decref(names);
        json_decref(doc);
    }
}

/* url and source are copied; the document is shared (a reference), so the
 * record outlives the caller's reference to it. */
static void test_ownership(void)
{
    json_t *doc = json_pack("{s:s, s:s}", "type", "Feature", "id", "item-1");
    json_t *rec = record_new(doc, "https://e/a.json", NULL, 0);
    json_decref(doc);

    CHECK_STR_EQ(json_string_value(json_object_get(rec, "url")),
                 "https://e/a.json");
    CHECK(json_is_null(json_object_get(rec, "source")));
    json_t *stac = json_object_get(rec, "stac");
    CHECK_STR_EQ(json_string_value(json_object_get(stac, "id")), "item-1");
    json_decref(rec);

    /* A NULL document and a URL that is not UTF-8 become null, so the
     * record can still be encoded. */
    rec = record_new(NULL, "https://e/\xff", "https://e/", 0);
    CHECK(json_is_null(json_object_get(rec, "stac")));
    CHECK(json_is_null(json_object_get(rec, "url")));
    CHECK_STR_EQ(json_string_value(json_object_get(rec, "id")), "");
    size_t len;
    char *s = record_encode(rec, &len);
    CHECK(s != NULL);
    free(s);
    json_decref(rec);
}

/* The canonical encoding: compact, keys sorted at every level, no newline. */
static void test_encode_exact(void)
{
    json_error_t err;
    json_t *doc = json_loads(
        "{\"type\":\"Feature\",\"id\":\"x\",\"b\":1,\"a\":[1,2.5,null]}", 0,
        &err);
    json_t *rec = record_new(doc, "https://e/x.json", "https://e/", EXT_MLM);
    size_t len = 0;
    char *s = record_encode(rec, &len);

    CHECK_STR_EQ(s, "{\"extensions\":[\"mlm\"],\"id\":\"x\","
                    "\"source\":\"https://e/\",\"stac\":{\"a\":[1,2.5,null],"
                    "\"b\":1,\"id\":\"x\",\"type\":\"Feature\"},"
                    "\"stac_type\":\"Item\",\"url\":\"https://e/x.json\"}");
    CHECK(s && len == strlen(s));
    free(s);

    CHECK(record_encode(NULL, &len) == NULL);
    CHECK_INT_EQ(len, 0);
    json_decref(rec);
    json_decref(doc);
}

/* Every byte that needs an escape, and a plain one past ASCII, at every
 * place of strings up to 40 bytes long: the writer tries sixteen bytes
 * at a time, so a special byte must be seen in a block, in the tail, and
 * on either side of a block's edge. */
static void test_encode_string_places(void)
{
    static const unsigned char special[] = {'"',  '\\', 0,   0x1f,
                                            '\n', 0x7f, 0xc3};
    int failed = 0;
    for (size_t k = 0; k < sizeof(special); k++)
        for (size_t n = 1; n <= 40; n++)
            for (size_t at = 0; at < n; at++) {
                char s[48];
                memset(s, 'a', n);
                s[at] = (char)special[k];
                if (special[k] == 0xc3) { /* a whole UTF-8 sequence */
                    if (at + 1 >= n)
                        continue;
                    s[at + 1] = (char)0xa9;
                }
                json_t *a = json_array();
                json_array_append_new(a, json_stringn(s, n));
                size_t len = 0;
                char *got = record_encode(a, &len);
                char *want = json_dumps(a, JSON_COMPACT);
                if (!got || !want || len != strlen(want) ||
                    strcmp(got, want) != 0)
                    failed++;
                free(got);
                free(want);
                json_decref(a);
            }
    CHECK_INT_EQ(failed, 0);
}

/* record_encode() against json_dumps() on what trips writers up: every
 * control character, NUL inside strings and keys, keys that sort by bytes
 * and by length, the integer extremes, empty and nested containers, and
 * more members than fit the writer's small array; reals of every shape,
 * which it writes shorter. */
static void test_encode_as_jansson(void)
{
    json_t *o = json_object();
    char s[40];
    for (int c = 0; c < 32; c++)
        s[c] = (char)(c + 1);
    json_object_set_new(o, "ctl", json_stringn(s, 32));
    json_object_set_new(o, "nul", json_stringn("a\0b\"\\/\x7f", 7));
    json_object_setn_new(o, "k\0z", 3, json_true());
    json_object_setn_new(o, "k", 1, json_false());
    json_object_set_new(o, "kk", json_null());
    json_object_set_new(o, "K", json_string("caf\xc3\xa9 \xf0\x9f\x9b\xb0"));
    json_object_set_new(o, "\xc3\xa9", json_integer(-1));
    const double reals[] = {0.0,
                            -0.0,
                            1.0,
                            0.1,
                            -2.5,
                            1e300,
                            1e-300,
                            1e20,
                            1.5e-5,
                            123456789.0,
                            1e17,
                            1e16,
                            3.14159265358979,
                            4.9e-324};
    json_t *r = json_array();
    for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
        json_array_append_new(r, json_real(reals[i]));
    json_object_set_new(o, "reals", r);
    json_object_set_new(o, "ints",
                        json_pack("[I,I,I,I,I]", (json_int_t)0, (json_int_t)-1,
                                  (json_int_t)9, (json_int_t)LLONG_MAX,
                                  (json_int_t)LLONG_MIN));
    json_object_set_new(o, "empty",
                        json_pack("{s:{},s:[],s:[[{}]]}", "o", "a", "n"));
    json_t *big = json_object();
    for (int i = 0; i < 100; i++) {
        snprintf(s, sizeof(s), "m%d", (i * 37) % 100);
        json_object_set_new(big, s, json_integer(i));
    }
    json_object_set_new(o, "big", big);

    /* Reals with the fewest digits that read back, where jansson writes
     * seventeen: every other byte as jansson's, compact and indented. */
    size_t len = 0;
    char *got = record_encode(r, &len);
    CHECK_STR_EQ(got, "[0.0,-0.0,1.0,0.1,-2.5,1e300,1e-300,1e20,1.5e-5,"
                      "123456789.0,1e17,10000000000000000.0,3.14159265358979,"
                      "5e-324]");
    json_t *back = json_loads(got, 0, NULL);
    CHECK(back && json_equal(back, r));
    json_decref(back);
    free(got);
    json_incref(r);
    json_object_del(o, "reals");
    got = record_encode(o, &len);
    char *want = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK(got && want && len == strlen(want));
    CHECK_STR_EQ(got, want);
    free(got);
    free(want);
    got = record_encode_pretty(o, &len);
    want = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    CHECK(got && want && len == strlen(want));
    CHECK_STR_EQ(got, want);
    free(got);
    free(want);
    got = record_encode_pretty(r, &len);
    CHECK(got && strncmp(got, "[\n  0.0,\n  -0.0,\n  1.0,\n  0.1,\n", 31) == 0);
    free(got);
    json_decref(r);
    json_t *one = json_integer(1);
    CHECK(record_encode(one, &len) == NULL && len == 0);
    json_decref(one);
    json_decref(o);
}

/* Strings that need escaping, and UTF-8 that must stay UTF-8. */
static const char *const awkward[] = {
    "quote \" backslash \\ slash /",
    "controls \x01\x02\x1f\x7f \b\f\n\r\t",
    "latin \xc3\xa9t\xc3\xa9",
    "check \xe2\x9c\x93 and emoji \xf0\x9f\x98\x80",
    "line separators \xe2\x80\xa8 \xe2\x80\xa9",
    "</script><!-- -->",
    "",
};

static bool has_raw_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20)
            return true;
    }
    return false;
}

static void test_round_trip(void)
{
    size_t n = sizeof(awkward) / sizeof(awkward[0]);
    json_t *doc = json_object();
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(awkward[i]));
        /* ... as keys too */
        json_object_set_new(doc, awkward[i], json_integer((json_int_t)i));
    }
    json_object_set_new(doc, "strings", arr);
    json_object_set_new(doc, "id", json_string(awkward[1]));
    json_object_set_new(doc, "nul", json_stringn("a\0b", 3));
    json_object_set_new(doc, "real", json_real(0.1));
    json_object_set_new(doc, "negzero", json_real(-0.0));
    json_object_set_new(doc, "big", json_integer(INT64_MAX));

    json_t *rec = record_new(doc, "https://e/\xc3\xa9.json", "https://e/",
                             EXT_DLM | EXT_MLM);
    size_t len = 0;
    char *s = record_encode(rec, &len);
    CHECK(s != NULL);
    if (!s)
        goto out;
    CHECK(!has_raw_control(s, len));
    CHECK(strstr(s, "\xc3\xa9t\xc3\xa9") != NULL); /* not \u00e9 */
    CHECK(strstr(s, "\xf0\x9f\x98\x80") != NULL);
    CHECK(strchr(s, '\n') == NULL);

    /* Valid JSON for an independent parse, not only for record_decode. */
    json_error_t err;
    json_t *plain = json_loadb(s, len, JSON_ALLOW_NUL, &err);
    CHECK(plain != NULL);
    json_decref(plain);

    json_t *back = record_decode(s, len);
    CHECK(back != NULL);
    CHECK(json_equal(back, rec));
    CHECK_STR_EQ(json_string_value(json_object_get(back, "id")), awkward[1]);

    /* Encoding is canonical: the decoded record encodes to the same bytes. */
    size_t len2 = 0;
    char *s2 = record_encode(back, &len2);
    CHECK(s2 && len2 == len && memcmp(s, s2, len) == 0);
    free(s2);
    json_decref(back);
out:
    free(s);
    json_decref(rec);
    json_decref(doc);
}

struct decode_case {
    const char *name;
    const char *text;
    bool is_record;
};

static const struct decode_case decode_cases[] = {
    {"object", "{\"id\":\"x\"}", true},
    {"empty object", "{}", true},
    {"array", "[1]", false},
    {"number", "1", false},
    {"string", "\"x\"", false},
    {"truncated", "{\"id\":", false},
    {"garbage", "not json", false},
    {"empty", "", false},
    {"trailing data", "{} {}", false},
};

static void test_decode(void)
{
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]);
         i++) {
        const struct decode_case *c = &decode_cases[i];
        json_t *rec = record_decode(c->text, strlen(c->text));
        CHECK_CASE(c->name, (rec != NULL) == c->is_record);
        json_decref(rec);
    }
    CHECK(record_decode(NULL, 0) == NULL);
    /* Only len bytes count: the rest of the buffer is not read. */
    json_t *rec = record_decode("{}garbage", 2);
    CHECK(rec != NULL);
    json_decref(rec);
}

static bool keys_have(char **keys, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], want) == 0)
            return true;
    return false;
}

/* The secondary keys of a normalised record, including the coarse space
 * and time keys. */
static void test_keys(void)
{
    json_t *rec = json_pack(
        "{s:s, s:[s], s:[s,s], s:s, s:s, s:s, s:[s], s:[], s:[s], s:[f,f,f,f],"
        " s:s, s:s}",
        "id", "m1", "extensions", "mlm", "tasks", "semantic-segmentation",
        "Object Detection", "framework", "PyTorch", "architecture", "U-Net",
        "source", "https://s/c.json", "train_data", "https://d/t.json",
        "validation_data", "test_data", "https://d/x.json", "bbox", 5.0, 45.0,
        6.0, 46.0, "start_datetime", "2020-03-01T00:00:00Z", "end_datetime",
        "2021-02-01T00:00:00Z");
    char **keys = NULL;
    size_t n = 0;
    record_keys(rec, &keys, &n);
    static const char *const want[] = {
        "id=m1",
        "extension=mlm",
        "task=semanticsegmentation",
        "task=objectdetection",
        "framework=pytorch",
        "architecture=unet",
        "source=https://s/c.json",
        "train=https://d/t.json",
        "trained_on=https://d/t.json",
        "test=https://d/x.json",
        "trained_on=https://d/x.json",
        "cell=18,13",
        "year=2020",
        "year=2021",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_CASE(want[i], keys_have(keys, n, want[i]));
    CHECK_INT_EQ(n, sizeof(want) / sizeof(want[0]));
    record_keys_free(keys, n);
    json_decref(rec);

    /* Projected coordinates (kept in the record as given): no box on the
     * globe, so no cell key at all; --bbox never finds them. */
    rec = json_pack("{s:s, s:o}", "id", "p", "bbox",
                    json_loads("[1560160,5176338,1566661,5179409]", 0, NULL));
    double pb[4];
    CHECK(record_bbox(rec, pb) != 0);
    keys = NULL;
    n = 0;
    record_keys(rec, &keys, &n);
    bool any_cell = false;
    for (size_t i = 0; i < n; i++)
        any_cell = any_cell || strncmp(keys[i], "cell=", 5) == 0;
    CHECK(!any_cell);
    record_keys_free(keys, n);
    json_decref(rec);

    /* A data link that redirected: the link as given is a trained_on key
     * too, beside where it led (no train= key: the role is the list's). */
    rec = json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "id", "r", "train_data",
                    "https://new/d.json", "data_redirects", "from",
                    "http://old/d.json", "to", "https://new/d.json");
    keys = NULL;
    n = 0;
    record_keys(rec, &keys, &n);
    CHECK(keys_have(keys, n, "trained_on=https://new/d.json"));
    CHECK(keys_have(keys, n, "trained_on=http://old/d.json"));
    CHECK(!keys_have(keys, n, "train=http://old/d.json"));
    record_keys_free(keys, n);
    json_decref(rec);

    /* Too wide to place, open intervals: the "*" keys. */
    rec = json_pack("{s:s, s:[i,i,i,i], s:s}", "id", "w", "bbox", -180, -90,
                    180, 90, "start_datetime", "2020-01-01T00:00:00Z");
    keys = NULL;
    n = 0;
    record_keys(rec, &keys, &n);
    CHECK(keys_have(keys, n, "cell=*"));
    CHECK(keys_have(keys, n, "year=*"));
    record_keys_free(keys, n);
    json_decref(rec);
    /* A 3D bbox is read as w, s, e, n. */
    rec = json_pack("{s:[f,f,f,f,f,f]}", "bbox", 1.0, 2.0, -5.0, 3.0, 4.0, 9.0);
    double b[4];
    CHECK_INT_EQ(record_bbox(rec, b), 0);
    CHECK(b[0] == 1.0 && b[1] == 2.0 && b[2] == 3.0 && b[3] == 4.0);
    json_decref(rec);
    int64_t t0, t1;
    rec = json_pack("{s:s}", "datetime", "1999-12-31T23:59:59Z");
    CHECK_INT_EQ(record_interval(rec, &t0, &t1), 0);
    CHECK_INT_EQ(t0, 946684799);
    CHECK_INT_EQ(t1, t0);
    json_decref(rec);
    rec = json_pack("{s:s}", "end_datetime", "2000-01-01T00:00:00Z");
    CHECK_INT_EQ(record_interval(rec, &t0, &t1), 0);
    CHECK(t0 == INT64_MIN && t1 == 946684800);
    json_decref(rec);
    rec = json_pack("{s:n}", "datetime");
    CHECK_INT_EQ(record_interval(rec, &t0, &t1), SM_E_NOTFOUND);
    json_decref(rec);
}

struct bbox_case {
    const char *name;
    double rec[4], query[4]; /* w, s, e, n */
    bool want;
};

/* A record bbox across the antimeridian, [170, -10, -170, 10], and a
 * query across it, [179, 0, -179, 1]: W > E covers [W, 180] and
 * [-180, E] (RFC 7946 section 5.2). */
static const struct bbox_case bbox_cases[] = {
    {"plain overlap", {5, 45, 6, 46}, {4, 44, 20, 60}, true},
    {"plain apart", {5, 45, 6, 46}, {50, 50, 60, 60}, false},
    {"plain edges touch", {5, 45, 6, 46}, {6, 46, 7, 47}, true},
    {"crossing record, east part",
     {170, -10, -170, 10},
     {175, 0, 176, 1},
     true},
    {"crossing record, west part",
     {170, -10, -170, 10},
     {-175, 0, -174, 1},
     true},
    {"crossing record, not between",
     {170, -10, -170, 10},
     {0, 0, 10, 10},
     false},
    {"crossing record, just west",
     {170, -10, -170, 10},
     {160, 0, 169, 1},
     false},
    {"crossing record, just east",
     {170, -10, -170, 10},
     {-169, 0, -160, 1},
     false},
    {"crossing record, other latitudes",
     {170, -10, -170, 10},
     {175, 20, 176, 30},
     false},
    {"crossing query, east record",
     {179.2, 0, 179.5, 1},
     {179, 0, -179, 1},
     true},
    {"crossing query, west record",
     {-179.5, 0, -179.2, 1},
     {179, 0, -179, 1},
     true},
    {"crossing query, record between",
     {100, 0, 110, 1},
     {179, 0, -179, 1},
     false},
    {"both crossing", {170, -10, -170, 10}, {179, 0, -179, 1}, true},
    {"crossing query, projected record",
     {1560160, 5176338, 1566661, 5179409},
     {179, 0, -179, 1},
     false},
};

/* The bbox filter: intersection across the antimeridian, and the grid
 * cells of a crossing box on both sides of it. */
static void test_bbox(void)
{
    for (size_t i = 0; i < sizeof(bbox_cases) / sizeof(bbox_cases[0]); i++) {
        const struct bbox_case *c = &bbox_cases[i];
        CHECK_CASE(c->name,
                   record_bbox_intersects(c->rec, c->query) == c->want);
        CHECK_CASE(c->name,
                   record_bbox_intersects(c->query, c->rec) == c->want);
    }

    /* A 3D crossing bbox is read as w, s, e, n and intersects too. */
    json_t *rec = json_pack("{s:s, s:[f,f,f,f,f,f]}", "id", "x", "bbox", 170.0,
                            -10.0, 0.0, -170.0, 10.0, 500.0);
    double b[4];
    const double east[4] = {175, 0, 176, 1}, west[4] = {-175, 0, -174, 1};
    CHECK_INT_EQ(record_bbox(rec, b), 0);
    CHECK(record_bbox_intersects(b, east) && record_bbox_intersects(b, west));

    /* Longitudes of 0-360 are read as -180-180: 190-200 is -170 to -160,
     * and 350-10 spans the prime meridian. */
    json_t *r360 = json_pack("{s:s, s:[f,f,f,f]}", "id", "y", "bbox", 190.0,
                             10.0, 200.0, 20.0);
    const double q360[4] = {-165, 12, -164, 13}, q0[4] = {165, 12, 166, 13};
    CHECK_INT_EQ(record_bbox(r360, b), 0);
    CHECK(record_bbox_intersects(b, q360) && !record_bbox_intersects(b, q0));
    json_decref(r360);
    r360 = json_pack("{s:s, s:[f,f,f,f]}", "id", "z", "bbox", 350.0, 0.0, 10.0,
                     1.0);
    const double qe[4] = {5, 0, 6, 1}, qw[4] = {-5, 0, -4, 1};
    CHECK_INT_EQ(record_bbox(r360, b), 0);
    CHECK(record_bbox_intersects(b, qe) && record_bbox_intersects(b, qw));
    json_decref(r360);

    /* South above north (the mlm datacube example, item_datacube_
     * variables.json: [233.6, 54.2, 297.5, 22.6], North America): read
     * with its latitudes in order, so a box over the middle finds it and
     * its cells are keys. */
    r360 = json_pack("{s:s, s:[f,f,f,f]}", "id", "dc", "bbox", 233.6, 54.2,
                     297.5, 22.6);
    const double qus[4] = {-110, 30, -100, 40};
    CHECK_INT_EQ(record_bbox(r360, b), 0);
    CHECK(b[1] == 22.6 && b[3] == 54.2);
    CHECK(record_bbox_intersects(b, qus));
    char **dk = NULL;
    size_t dn = 0;
    record_keys(r360, &dk, &dn);
    CHECK(keys_have(dk, dn, "cell=7,12") && !keys_have(dk, dn, "cell=*"));
    record_keys_free(dk, dn);
    json_decref(r360);

    /* Its keys are the cells of both sides, which the queries look up:
     * columns 35, 0 and 1 (-170 is on the line between 0 and 1), rows 8 to
     * 10. */
    char **keys = NULL;
    size_t n = 0;
    record_keys(rec, &keys, &n);
    CHECK(!keys_have(keys, n, "cell=*"));
    CHECK(keys_have(keys, n, "cell=35,8") && keys_have(keys, n, "cell=0,10"));
    CHECK(keys_have(keys, n, "cell=1,9"));
    CHECK_INT_EQ(n, 1 + 9); /* id= and the cells */
    record_keys_free(keys, n);
    json_decref(rec);
    keys = NULL;
    n = 0;
    CHECK_INT_EQ(record_cells(175, 0, 176, 1, &keys, &n), 1);
    CHECK_INT_EQ(record_cells(-175, 0, -174, 1, &keys, &n), 1);
    CHECK_STR_EQ(keys[0], "cell=35,9");
    CHECK_STR_EQ(keys[1], "cell=0,9");
    record_keys_free(keys, n);

    /* A crossing query covers both sides; one that wraps almost all the
     * way round covers each column once; one starting on 180 keeps the
     * last column. */
    keys = NULL;
    n = 0;
    CHECK_INT_EQ(record_cells(179, 0, -179, 1, &keys, &n), 2);
    CHECK(keys_have(keys, n, "cell=35,9") && keys_have(keys, n, "cell=0,9"));
    record_keys_free(keys, n);
    keys = NULL;
    n = 0;
    CHECK_INT_EQ(record_cells(175, 0, 174, 1, &keys, &n), 36);
    for (int c = 0; c < 36; c++) {
        char want[32];
        snprintf(want, sizeof(want), "cell=%d,9", c);
        CHECK_CASE(want, keys_have(keys, n, want));
    }
    record_keys_free(keys, n);
    keys = NULL;
    n = 0;
    CHECK_INT_EQ(record_cells(180, 0, -175, 1, &keys, &n), 2);
    CHECK(keys_have(keys, n, "cell=35,9") && keys_have(keys, n, "cell=0,9"));
    record_keys_free(keys, n);
    /* Inverted S/N, or W > E out of degrees, has no cells. */
    keys = NULL;
    n = 0;
    CHECK_INT_EQ(record_cells(0, 10, 1, 0, &keys, &n), -1);
    CHECK_INT_EQ(record_cells(200, 0, -170, 1, &keys, &n), -1);
    CHECK_INT_EQ(n, 0);
    record_keys_free(keys, n);
}

/* A record with more tasks than the index keeps keys: the keys every
 * record needs (id, source, state, run, framework, architecture) come
 * before the tasks, so the bound cuts tasks only. */
static void test_keys_order(void)
{
    json_t *rec =
        json_pack("{s:s, s:s, s:b, s:I, s:s, s:s, s:[s]}", "id", "m", "source",
                  "https://s/", "gone", 1, "run", (json_int_t)7, "framework",
                  "PyTorch", "architecture", "ResNet", "extensions", "mlm");
    json_t *tasks = json_array();
    for (int i = 0; i < 600; i++)
        json_array_append_new(tasks, json_sprintf("t%d", i));
    json_object_set_new(rec, "tasks", tasks);
    char **keys = NULL;
    size_t n = 0;
    record_keys(rec, &keys, &n);
    static const char *const first[] = {"id=",   "source=",    "state=gone",
                                        "run=7", "framework=", "architecture="};
    for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
        CHECK_CASE(first[i],
                   i < n && strncmp(keys[i], first[i], strlen(first[i])) == 0);
    CHECK(n > 600 && strncmp(keys[n - 1], "task=", 5) == 0);
    record_keys_free(keys, n);
    json_decref(rec);
}

int main(void)
{
    test_keys_order();
    test_fields();
    test_ownership();
    test_encode_exact();
    test_encode_as_jansson();
    test_encode_string_places();
    test_round_trip();
    test_decode();
    test_keys();
    test_bbox();
    return check_exit("test-record");
}
