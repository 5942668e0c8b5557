/* SPDX-License-Identifier: MIT */
/* Unit tests for crawler/stac.c: classification of every kind (current,
 * pre-1.0, API containers, non-STAC and non-objects), landing pages and ids,
 * on handwritten documents and on the shared stac-examples. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "crawler/stac.h"
#include "tests/lib/check.h"

struct classify_case {
    const char *name;
    const char *json;
    enum stac_kind expected;
};

static const struct classify_case classify_cases[] = {
    {"catalog",
     "{\"type\":\"Catalog\",\"stac_version\":\"1.0.0\",\"id\":\"c\"}",
     STAC_KIND_CATALOG},
    {"collection",
     "{\"type\":\"Collection\",\"stac_version\":\"1.1.0\",\"extent\":{}}",
     STAC_KIND_COLLECTION},
    {"item", "{\"type\":\"Feature\",\"stac_version\":\"1.0.0\"}",
     STAC_KIND_ITEM},
    {"item collection", "{\"type\":\"FeatureCollection\",\"features\":[]}",
     STAC_KIND_ITEM_COLLECTION},
    {"collection list", "{\"collections\":[],\"links\":[]}",
     STAC_KIND_COLLECTION_LIST},
    {"landing page is a catalog",
     "{\"type\":\"Catalog\",\"stac_version\":\"1.0.0\",\"conformsTo\":[]}",
     STAC_KIND_CATALOG},
    {"catalog type wins over collections",
     "{\"type\":\"Catalog\",\"collections\":[]}", STAC_KIND_CATALOG},
    /* pre-1.0 (before 1.0.0-rc.1): no type on Catalog and Collection. */
    {"pre-1.0 catalog",
     "{\"stac_version\":\"0.9.0\",\"id\":\"c\",\"links\":[]}",
     STAC_KIND_CATALOG},
    {"pre-1.0 collection by extent",
     "{\"stac_version\":\"0.9.0\",\"extent\":{}}", STAC_KIND_COLLECTION},
    {"pre-1.0 collection by license",
     "{\"stac_version\":\"0.8.1\",\"license\":\"MIT\"}", STAC_KIND_COLLECTION},
    {"pre-1.0 item", "{\"type\":\"Feature\",\"stac_version\":\"0.8.0\"}",
     STAC_KIND_ITEM},
    {"non-string type treated as absent",
     "{\"type\":7,\"stac_version\":\"1.0.0\"}", STAC_KIND_CATALOG},
    /* Not STAC. */
    {"plain geojson feature", "{\"type\":\"Feature\",\"properties\":{}}",
     STAC_KIND_NONE},
    {"feature collection without features", "{\"type\":\"FeatureCollection\"}",
     STAC_KIND_NONE},
    {"features not an array",
     "{\"type\":\"FeatureCollection\",\"features\":{}}", STAC_KIND_NONE},
    {"unknown type", "{\"type\":\"AI_TrainingDataset\",\"id\":\"x\"}",
     STAC_KIND_NONE},
    {"type case differs", "{\"type\":\"catalog\",\"stac_version\":\"1.0.0\"}",
     STAC_KIND_NONE},
    {"stac_version not a string", "{\"stac_version\":1}", STAC_KIND_NONE},
    {"collections not an array", "{\"collections\":{}}", STAC_KIND_NONE},
    {"empty object", "{}", STAC_KIND_NONE},
    {"array", "[{\"type\":\"Catalog\"}]", STAC_KIND_NONE},
    {"string", "\"Catalog\"", STAC_KIND_NONE},
    {"number", "42", STAC_KIND_NONE},
    {"null", "null", STAC_KIND_NONE},
};

static json_t *load(const char *text)
{
    json_error_t err;
    /* ALLOW_NUL so that ids with U+0000 reach stac_id(). */
    json_t *doc = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

    if (!doc)
        fprintf(stderr, "bad test JSON: %s: %s\n", text, err.text);
    return doc;
}

static void test_classify(void)
{
    for (size_t i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]);
         i++) {
        const struct classify_case *c = &classify_cases[i];
        json_t *doc = load(c->json);

        CHECK_CASE(c->name, doc != NULL);
        CHECK_CASE(c->name, stac_classify(doc) == c->expected);
        json_decref(doc);
    }
    CHECK_INT_EQ(stac_classify(NULL), STAC_KIND_NONE);
}

static void test_kind_name(void)
{
    static const struct {
        enum stac_kind kind;
        const char *expected;
    } cases[] = {
        {STAC_KIND_NONE, "none"},
        {STAC_KIND_CATALOG, "Catalog"},
        {STAC_KIND_COLLECTION, "Collection"},
        {STAC_KIND_ITEM, "Item"},
        {STAC_KIND_ITEM_COLLECTION, "ItemCollection"},
        {STAC_KIND_COLLECTION_LIST, "CollectionList"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_STR_EQ(stac_kind_name(cases[i].kind), cases[i].expected);
}

static void test_landing(void)
{
    static const struct {
        const char *name;
        const char *json;
        bool expected;
    } cases[] = {
        {"landing", "{\"type\":\"Catalog\",\"conformsTo\":[\"x\"]}", true},
        {"empty conformsTo", "{\"conformsTo\":[]}", true},
        {"conformsTo not an array", "{\"conformsTo\":\"x\"}", false},
        {"catalog", "{\"type\":\"Catalog\"}", false},
        {"array", "[]", false},
        {"conformance and data links, no conformsTo",
         "{\"links\":[{\"rel\":\"conformance\",\"href\":\"c\"},"
         "{\"rel\":\"data\",\"href\":\"d\"}]}",
         true},
        {"conformance and search links",
         "{\"links\":[{\"rel\":\"search\",\"href\":\"s\"},"
         "{\"rel\":\"conformance\",\"href\":\"c\"}]}",
         true},
        {"a conformance link alone",
         "{\"links\":[{\"rel\":\"conformance\",\"href\":\"c\"}]}", false},
        {"data link alone", "{\"links\":[{\"rel\":\"data\",\"href\":\"d\"}]}",
         false},
        {"search link alone",
         "{\"links\":[{\"rel\":\"search\",\"href\":\"s\"}]}", false},
        {"data and search links, no conformance (STAC API 0.9)",
         "{\"links\":[{\"rel\":\"data\",\"href\":\"d\"},"
         "{\"rel\":\"search\",\"href\":\"s\"}]}",
         true},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = load(cases[i].json);
        CHECK_CASE(cases[i].name, stac_is_landing(doc) == cases[i].expected);
        json_decref(doc);
    }
    CHECK(!stac_is_landing(NULL));
}

/* A landing page's link on a page not taken for one. */
static void test_landing_rel_alone(void)
{
    json_t *data = load("{\"links\":[{\"rel\":\"data\",\"href\":\"d\"}]}");
    json_t *search = load("{\"links\":[{\"rel\":\"search\",\"href\":\"s\"}]}");
    json_t *both = load("{\"links\":[{\"rel\":\"data\",\"href\":\"d\"},"
                        "{\"rel\":\"search\",\"href\":\"s\"}]}");
    json_t *plain = load("{\"links\":[{\"rel\":\"child\",\"href\":\"c\"}]}");
    CHECK_STR_EQ(stac_landing_rel_alone(data), "data");
    CHECK_STR_EQ(stac_landing_rel_alone(search), "search");
    CHECK(stac_landing_rel_alone(both) == NULL);
    CHECK(stac_landing_rel_alone(plain) == NULL);
    CHECK(stac_landing_rel_alone(NULL) == NULL);
    json_decref(data);
    json_decref(search);
    json_decref(both);
    json_decref(plain);
}

static void test_id(void)
{
    static const struct {
        const char *name;
        const char *json;
        const char *expected; /* NULL: no usable id */
    } cases[] = {
        {"string", "{\"id\":\"model-item\"}", "model-item"},
        {"utf-8", "{\"id\":\"caf\\u00e9\"}", "caf\xc3\xa9"},
        {"integer (dlm beta)", "{\"id\":11234}", "11234"},
        {"negative integer", "{\"id\":-7}", "-7"},
        {"big integer", "{\"id\":9007199254740993}", "9007199254740993"},
        {"real", "{\"id\":1.5}", "1.5"},
        {"real tenth", "{\"id\":0.1}", "0.1"},
        {"real exponent", "{\"id\":1e300}", "1e+300"},
        {"empty string", "{\"id\":\"\"}", NULL},
        {"embedded NUL", "{\"id\":\"a\\u0000b\"}", NULL},
        {"null", "{\"id\":null}", NULL},
        {"boolean", "{\"id\":true}", NULL},
        {"object", "{\"id\":{\"v\":1}}", NULL},
        {"array", "{\"id\":[\"x\"]}", NULL},
        {"missing", "{\"type\":\"Catalog\"}", NULL},
        {"not an object", "[\"id\"]", NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = load(cases[i].json);
        char *id = stac_id(doc);

        CHECK_CASE(cases[i].name, doc != NULL);
        if (cases[i].expected)
            CHECK_STR_EQ(id, cases[i].expected);
        else
            CHECK_CASE(cases[i].name, id == NULL);
        free(id);
        json_decref(doc);
    }
    CHECK(stac_id(NULL) == NULL);
}

/* Real documents from the shared stac-examples, and what they are. */
static void test_examples(const char *shared)
{
    static const struct {
        const char *path;
        enum stac_kind expected;
        bool is_landing;
        const char *id;
    } cases[] = {
        {"radiantearth__stac-spec/examples/catalog.json", STAC_KIND_CATALOG,
         false, "examples"},
        {"radiantearth__stac-spec/examples/collection.json",
         STAC_KIND_COLLECTION, false, "simple-collection"},
        {"radiantearth__stac-spec/examples/core-item.json", STAC_KIND_ITEM,
         false, "20201211_223832_CS2"},
        {"stac-extensions__label/examples/multidataset/catalog.json",
         STAC_KIND_CATALOG, false, "label_extension_demo"},
        {"crim-ca__dlm-extension__v1.0.0-beta2/examples/collection.json",
         STAC_KIND_COLLECTION, false, "collection"},
        {"stac-extensions__ml-model/examples/dummy/item.json", STAC_KIND_ITEM,
         false, "model-item"},
        {"radiantearth__stac-api-spec/fragments/itemcollection/examples/"
         "itemcollection-sample-full.json",
         STAC_KIND_ITEM_COLLECTION, false, NULL},
        {"radiantearth__stac-api-spec/fragments/collectioncollection/examples/"
         "sample-full.json",
         STAC_KIND_COLLECTION_LIST, false, NULL},
        {"radiantearth__stac-api-spec/_extracted/"
         "ogcapi-features__README__landing-page-features.json",
         STAC_KIND_CATALOG, true, "example-stac"},
        {"radiantearth__stac-api-spec/_extracted/"
         "ogcapi-features__README__collection-endpoint.json",
         STAC_KIND_COLLECTION, false, "aster-l1t"},
        {"radiantearth__stac-api-spec/_extracted/"
         "item-search__examples__post-search-request.json",
         STAC_KIND_NONE, false, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[4096];
        json_error_t err;
        json_t *doc;
        char *id;

        snprintf(path, sizeof(path), "%s/stac-examples/%s", shared,
                 cases[i].path);
        doc = json_load_file(path, 0, &err);
        CHECK_CASE(cases[i].path, doc != NULL);
        if (!doc)
            continue;
        CHECK_CASE(cases[i].path, stac_classify(doc) == cases[i].expected);
        CHECK_CASE(cases[i].path, stac_is_landing(doc) == cases[i].is_landing);
        id = stac_id(doc);
        if (cases[i].id)
            CHECK_STR_EQ(id, cases[i].id);
        else
            CHECK_CASE(cases[i].path, id == NULL);
        free(id);
        json_decref(doc);
    }
}

/* The words a failure gives for a body that cannot be read as a JSON
 * object: what it looks like, or NULL for JSON broken in itself. */
static void test_body_hint(void)
{
    static const struct {
        const char *name;
        const char *body;
        size_t len;
        const char *expected;
        bool is_json;
    } cases[] = {
        {"empty", "", 0, "an empty body", false},
        {"blanks", " \r\n\t ", 5, "an empty body", false},
        {"html", "\n<!doctype html><html></html>", 29,
         "an HTML or XML page, not JSON", false},
        {"xml", "<?xml version=\"1.0\"?><a/>", 26,
         "an HTML or XML page, not JSON", false},
        {"gzip", "\x1f\x8b\x08\x00", 4,
         "gzip data sent without Content-Encoding: gzip", false},
        {"utf-16 bom", "\xff\xfe{\0\"\0", 6,
         "UTF-16 or UTF-32 text, where JSON must be UTF-8", false},
        {"utf-16be", "\0{\0\"", 4,
         "UTF-16 or UTF-32 text, where JSON must be UTF-8", false},
        {"string", "\"hello\"\n", 8, "a JSON string, not an object", true},
        {"number", "42", 2, "a JSON number, not an object", true},
        {"null", " null ", 6, "JSON null, not an object", true},
        {"true", "true", 4, "a JSON boolean, not an object", true},
        {"broken object", "{\"a\":}", 6, NULL, false},
        {"trailing comma", "{\"a\":1,}", 8, NULL, false},
        {"comment", "// c\n{}", 7, NULL, false},
        {"word", "hello", 5, NULL, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool is_json = !cases[i].is_json;
        const char *got = stac_body_hint(cases[i].body, cases[i].len, &is_json);
        if (cases[i].expected)
            CHECK_STR_EQ(got, cases[i].expected);
        else
            CHECK_CASE(cases[i].name, got == NULL);
        CHECK_CASE(cases[i].name, is_json == cases[i].is_json);
    }
}

int main(void)
{
    const char *shared = check_shared_dir();

    test_classify();
    test_kind_name();
    test_landing();
    test_landing_rel_alone();
    test_id();
    test_body_hint();
    if (shared)
        test_examples(shared);
    else
        fprintf(stderr, "test-stac: shared stac-examples not found, "
                        "skipping the real-document cases\n");
    return check_exit("test-stac");
}
