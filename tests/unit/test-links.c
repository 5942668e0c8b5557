/* SPDX-License-Identifier: MIT */
/* Unit tests for crawler/links.c: which rels are followed, the media-type,
 * scheme and registry filters, file:// policy, hostile shapes of "links",
 * the LINKS_MAX bound, and real documents from the shared stac-examples. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "crawler/links.h"
#include "src/err.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

#define BASE "https://h.org/cat/sub/collection.json"
#define FBASE "file:///srv/cat/sub/collection.json"

struct extract_case {
    const char *name;
    const char *json;
    const char *base;
    bool allow_file;
    const char *expected; /* "rel url\n" per link, in order */
    size_t n_ignored;
    size_t n_rejected;
    const char *first_error; /* prefix, "" when none */
};

/* A document whose links array is L. */
#define DOC(L) "{\"type\":\"Catalog\",\"links\":[" L "]}"

static const struct extract_case extract_cases[] = {
    /* Credentials in a link are refused, wherever the @ is. */
    {"userinfo refused",
     DOC("{\"rel\":\"child\",\"href\":\"http://u:pw@h.org/c.json\"},"
         "{\"rel\":\"item\",\"href\":\"https://u@h.org:8443/i.json\"},"
         "{\"rel\":\"item\",\"href\":\"i.json?mail=a@b.org\"}"),
     BASE, false, "item https://h.org/cat/sub/i.json?mail=a@b.org\n", 0, 2,
     "href carries credentials"},
    /* Rels. */
    {"structural rels",
     DOC("{\"rel\":\"child\",\"href\":\"a/catalog.json\"},"
         "{\"rel\":\"item\",\"href\":\"./i.json\"},"
         "{\"rel\":\"items\",\"href\":\"/collections/x/items\"},"
         "{\"rel\":\"data\",\"href\":\"https://api.org/collections\"},"
         "{\"rel\":\"next\",\"href\":\"?page=2\"}"),
     BASE, false,
     "child https://h.org/cat/sub/a/catalog.json\n"
     "item https://h.org/cat/sub/i.json\n"
     "items https://h.org/collections/x/items\n"
     "data https://api.org/collections\n"
     "next https://h.org/cat/sub/collection.json?page=2\n",
     0, 0, ""},
    {"never followed",
     DOC("{\"rel\":\"root\",\"href\":\"../../catalog.json\"},"
         "{\"rel\":\"parent\",\"href\":\"../catalog.json\"},"
         "{\"rel\":\"collection\",\"href\":\"./collection.json\"},"
         "{\"rel\":\"self\",\"href\":\"https://h.org/x.json\"},"
         "{\"rel\":\"related\",\"href\":\"r.json\"},"
         "{\"rel\":\"license\",\"href\":\"https://h.org/LICENSE\"},"
         "{\"rel\":\"search\",\"href\":\"/search\"},"
         "{\"rel\":\"ml-model:inferencing-image\","
         "\"href\":\"docker.io/org/image:tag\",\"type\":\"docker-image\"}"),
     BASE, false, "", 8, 0, ""},
    {"case variants of simple rels",
     DOC("{\"rel\":\"Child\",\"href\":\"c.json\"},"
         "{\"rel\":\"ITEM\",\"href\":\"i.json\"},"
         "{\"rel\":\"ML-MODEL:TRAIN-DATA\",\"href\":\"t.json\"},"
         "{\"rel\":\"Derived_From\",\"href\":\"d.json\"}"),
     BASE, false,
     "child https://h.org/cat/sub/c.json\n"
     "item https://h.org/cat/sub/i.json\n",
     2, 0, ""},
    {"training rels",
     DOC("{\"rel\":\"ml-model:train-data\",\"href\":\"https://d.org/tr.json\"},"
         "{\"rel\":\"ml-model:test-data\",\"href\":\"https://d.org/te.json\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d0.json\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d1.json\","
         "\"ml-aoi:split\":\"train\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d2.json\","
         "\"ml-aoi:split\":\"validate\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d3.json\","
         "\"ml-aoi:split\":\"test\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d4.json\","
         "\"ml-aoi:split\":\"validation\"},"
         "{\"rel\":\"derived_from\",\"href\":\"d5.json\","
         "\"ml-aoi:split\":3}"),
     BASE, false,
     "train https://d.org/tr.json\n"
     "test https://d.org/te.json\n"
     "train https://h.org/cat/sub/d0.json\n"
     "train https://h.org/cat/sub/d1.json\n"
     "validation https://h.org/cat/sub/d2.json\n"
     "test https://h.org/cat/sub/d3.json\n"
     "validation https://h.org/cat/sub/d4.json\n"
     "train https://h.org/cat/sub/d5.json\n",
     0, 0, ""},
    {"next GET only",
     DOC("{\"rel\":\"next\",\"href\":\"/search\",\"method\":\"POST\","
         "\"body\":{\"next\":\"a9f3\"}},"
         "{\"rel\":\"next\",\"href\":\"/s?p=2\",\"method\":\"GET\"},"
         "{\"rel\":\"next\",\"href\":\"/s?p=3\",\"method\":\"get\"},"
         "{\"rel\":\"next\",\"href\":\"/s?p=4\",\"method\":null},"
         "{\"rel\":\"next\",\"href\":\"/s?p=5\",\"method\":1}"),
     BASE, false,
     "next https://h.org/s?p=2\n"
     "next https://h.org/s?p=3\n"
     "next https://h.org/s?p=4\n",
     2, 0, ""},
    {"order kept, no dedup",
     DOC("{\"rel\":\"item\",\"href\":\"b.json\"},"
         "{\"rel\":\"item\",\"href\":\"a.json\"},"
         "{\"rel\":\"item\",\"href\":\"./b.json\"}"),
     BASE, false,
     "item https://h.org/cat/sub/b.json\n"
     "item https://h.org/cat/sub/a.json\n"
     "item https://h.org/cat/sub/b.json\n",
     0, 0, ""},

    /* Media types. */
    {"json types accepted",
     DOC("{\"rel\":\"child\",\"href\":\"1\",\"type\":\"application/json\"},"
         "{\"rel\":\"item\",\"href\":\"2\",\"type\":\"application/geo+json\"},"
         "{\"rel\":\"child\",\"href\":\"3\","
         "\"type\":\"application/json; charset=utf-8\"},"
         "{\"rel\":\"child\",\"href\":\"4\",\"type\":\"APPLICATION/JSON\"},"
         "{\"rel\":\"child\",\"href\":\"5\",\"type\":\"\"},"
         "{\"rel\":\"child\",\"href\":\"6\",\"type\":null},"
         "{\"rel\":\"child\",\"href\":\"7\"}"),
     BASE, false,
     "child https://h.org/cat/sub/1\n"
     "item https://h.org/cat/sub/2\n"
     "child https://h.org/cat/sub/3\n"
     "child https://h.org/cat/sub/4\n"
     "child https://h.org/cat/sub/5\n"
     "child https://h.org/cat/sub/6\n"
     "child https://h.org/cat/sub/7\n",
     0, 0, ""},
    {"non-json types rejected",
     DOC("{\"rel\":\"child\",\"href\":\"1\",\"type\":\"text/html\"},"
         "{\"rel\":\"derived_from\",\"href\":\"2.tif\","
         "\"type\":\"image/tiff; application=geotiff\"},"
         "{\"rel\":\"derived_from\",\"href\":\"3\","
         "\"type\":\"application/vnd.oci.image.index.v1+json\"},"
         "{\"rel\":\"derived_from\",\"href\":\"4\","
         "\"type\":\"application/vnd.docker.distribution.manifest.v2+json\"},"
         "{\"rel\":\"child\",\"href\":\"5\",\"type\":\"docker-image\"},"
         "{\"rel\":\"child\",\"href\":\"6\",\"type\":42}"),
     BASE, false, "", 0, 6, "link type is not JSON: 1"},

    /* Registry references and schemes. */
    {"registry refs rejected",
     DOC("{\"rel\":\"derived_from\",\"href\":\"docker.io/org/image:tag\"},"
         "{\"rel\":\"child\",\"href\":"
         "\"registry.hub.docker.com/my-user/my-inferencing-model:v1\"},"
         "{\"rel\":\"child\",\"href\":\"sub.dir/item.json\"},"
         "{\"rel\":\"child\",\"href\":\"catalog.json\"},"
         "{\"rel\":\"child\",\"href\":\"./x.json\"}"),
     BASE, false,
     "child https://h.org/cat/sub/sub.dir/item.json\n"
     "child https://h.org/cat/sub/catalog.json\n"
     "child https://h.org/cat/sub/x.json\n",
     0, 2, "container registry reference: docker.io/org/image:tag"},
    {"schemes rejected",
     DOC("{\"rel\":\"child\",\"href\":\"ftp://h.org/c.json\"},"
         "{\"rel\":\"child\",\"href\":\"gopher://h.org/1\"},"
         "{\"rel\":\"child\",\"href\":\"javascript:alert(1)\"},"
         "{\"rel\":\"child\",\"href\":\"http://other.org/c.json\"}"),
     BASE, false, "child http://other.org/c.json\n", 0, 3,
     "scheme not followed: ftp://h.org/c.json"},
    {"file refused from network document",
     DOC("{\"rel\":\"child\",\"href\":\"file:///etc/passwd\"}"), BASE, false,
     "", 0, 1, "file URL in a network document: file:///etc/passwd"},
    {"relative link of a file document without allow_file",
     DOC("{\"rel\":\"child\",\"href\":\"../x.json\"}"), FBASE, false, "", 0, 1,
     "file URL in a network document"},
    {"file allowed from file document",
     DOC("{\"rel\":\"child\",\"href\":\"../x.json\"},"
         "{\"rel\":\"item\",\"href\":\"file:///srv/other/i.json\"},"
         "{\"rel\":\"item\",\"href\":\"https://h.org/i.json\"}"),
     FBASE, true,
     "child file:///srv/cat/x.json\n"
     "item file:///srv/other/i.json\n"
     "item https://h.org/i.json\n",
     0, 0, ""},
    {"malformed hrefs rejected",
     DOC("{\"rel\":\"child\",\"href\":\"http://\"},"
         "{\"rel\":\"child\",\"href\":\"https://h.org:99999/\"},"
         "{\"rel\":\"child\",\"href\":\"a b.json\"}"),
     BASE, false, "child https://h.org/cat/sub/a%20b.json\n", 0, 2,
     "malformed URL: http://"},
    {"unprintable href sanitised in first_error",
     DOC("{\"rel\":\"child\",\"href\":\"gopher://h\\n\\u00e9\"}"), BASE, false,
     "", 0, 1, "scheme not followed: gopher://h???"},

    /* Hostile shapes. */
    {"links missing", "{\"type\":\"Catalog\"}", BASE, false, "", 0, 0, ""},
    {"links an object", "{\"links\":{\"rel\":\"child\",\"href\":\"x\"}}", BASE,
     false, "", 0, 0, ""},
    {"links a string", "{\"links\":\"child\"}", BASE, false, "", 0, 0, ""},
    {"links null", "{\"links\":null}", BASE, false, "", 0, 0, ""},
    {"document an array", "[{\"rel\":\"child\",\"href\":\"x\"}]", BASE, false,
     "", 0, 0, ""},
    {"document a number", "3", BASE, false, "", 0, 0, ""},
    {"non-object entries", DOC("1,\"child\",null,[],{},true"), BASE, false, "",
     6, 0, ""},
    {"rel of wrong type",
     DOC("{\"rel\":5,\"href\":\"x\"},{\"rel\":[\"child\"],\"href\":\"x\"},"
         "{\"rel\":null,\"href\":\"x\"},{\"href\":\"x\"}"),
     BASE, false, "", 4, 0, ""},
    {"href of wrong type",
     DOC("{\"rel\":\"child\",\"href\":5},{\"rel\":\"child\"},"
         "{\"rel\":\"child\",\"href\":null},"
         "{\"rel\":\"item\",\"href\":[\"x\"]},"
         "{\"rel\":\"item\",\"href\":{\"u\":\"x\"}},"
         "{\"rel\":\"item\",\"href\":\"ok.json\"}"),
     BASE, false, "item https://h.org/cat/sub/ok.json\n", 0, 5,
     "href is missing or not a string"},
    {"href with NUL", DOC("{\"rel\":\"child\",\"href\":\"a\\u0000b\"}"), BASE,
     false, "", 0, 1, "href contains a NUL byte: a"},
    {"empty href is the document", DOC("{\"rel\":\"child\",\"href\":\"\"}"),
     BASE, false, "child " BASE "\n", 0, 0, ""},
    {"relative base",
     DOC("{\"rel\":\"child\",\"href\":\"x.json\"},"
         "{\"rel\":\"child\",\"href\":\"https://h.org/\"}"),
     "catalog.json", false, "child https://h.org/\n", 0, 1, "malformed URL"},
};

/* Print a list as "rel url\n" lines into new memory. */
static char *links_text(const struct links *l)
{
    size_t cap = 1, n = 0;
    char *s;

    for (size_t i = 0; i < l->n; i++)
        cap += strlen(links_rel_name(l->v[i].rel)) + strlen(l->v[i].url) + 2;
    s = xmalloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < l->n; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s %s\n",
                              links_rel_name(l->v[i].rel), l->v[i].url);
    return s;
}

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

    if (!doc)
        fprintf(stderr, "bad test JSON: %s (%s)\n", err.text, text);
    return doc;
}

static void test_extract(void)
{
    for (size_t i = 0; i < sizeof(extract_cases) / sizeof(extract_cases[0]);
         i++) {
        const struct extract_case *c = &extract_cases[i];
        json_t *doc = load(c->json);
        struct links l;
        char *text;
        int rc;

        links_init(&l);
        CHECK_CASE(c->name, doc != NULL);
        rc = links_extract(doc, c->base, c->allow_file, &l);
        text = links_text(&l);
        CHECK_CASE(c->name, rc == 0);
        CHECK_CASE(c->name, strcmp(text, c->expected) == 0);
        if (strcmp(text, c->expected) != 0)
            fprintf(stderr, "  got:\n%s  expected:\n%s", text, c->expected);
        CHECK_CASE(c->name, l.n_ignored == c->n_ignored);
        CHECK_CASE(c->name, l.n_rejected == c->n_rejected);
        CHECK_CASE(c->name, strncmp(l.first_error, c->first_error,
                                    strlen(c->first_error)) == 0);
        if (c->first_error[0] == '\0')
            CHECK_STR_EQ(l.first_error, "");
        CHECK_CASE(c->name, !l.truncated);
        free(text);
        links_cleanup(&l);
        json_decref(doc);
    }
}

/* links_extract appends: counters and the first error carry over. */
static void test_append(void)
{
    json_t *a = load(DOC("{\"rel\":\"child\",\"href\":\"a.json\"},"
                         "{\"rel\":\"child\",\"href\":\"ftp://x/\"}"));
    json_t *b = load(DOC("{\"rel\":\"item\",\"href\":\"b.json\"},"
                         "{\"rel\":\"child\",\"href\":5}"));
    struct links l;
    char *text;

    links_init(&l);
    CHECK_INT_EQ(links_extract(a, BASE, false, &l), 0);
    CHECK_INT_EQ(links_extract(b, "https://o.org/", false, &l), 0);
    text = links_text(&l);
    CHECK_STR_EQ(text, "child https://h.org/cat/sub/a.json\n"
                       "item https://o.org/b.json\n");
    CHECK_INT_EQ(l.n_rejected, 2);
    CHECK(strncmp(l.first_error, "scheme not followed", 19) == 0);
    free(text);
    links_cleanup(&l);
    CHECK_INT_EQ(l.n, 0);
    CHECK(l.v == NULL);
    links_cleanup(&l); /* twice is fine */
    links_cleanup(NULL);
    CHECK_INT_EQ(links_extract(a, NULL, false, &l), SM_E_INVAL);
    CHECK_INT_EQ(links_extract(a, BASE, false, NULL), SM_E_INVAL);
    CHECK_INT_EQ(links_extract(NULL, BASE, false, &l), 0);
    json_decref(a);
    json_decref(b);
}

/* Followable, rejected and ignored links around the LINKS_MAX bound. */
static void test_links_max(void)
{
    const size_t total = 200000;
    json_t *doc = json_object(), *arr = json_array();
    struct links l;
    char href[64];

    for (size_t i = 0; i < total; i++) {
        snprintf(href, sizeof(href), "https://h.org/i%zu.json", i);
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "rel", "item", "href", href));
        if (i % 1000 == 0) /* ignored and rejected ones do not count */
            json_array_append_new(arr, json_pack("{s:s, s:s}", "rel", "item",
                                                 "href", "ftp://h.org/"));
        if (i % 1000 == 1)
            json_array_append_new(
                arr, json_pack("{s:s, s:s}", "rel", "self", "href", "x"));
    }
    json_object_set_new(doc, "links", arr);

    links_init(&l);
    CHECK_INT_EQ(links_extract(doc, BASE, false, &l), SM_E_TOOBIG);
    CHECK(l.truncated);
    CHECK_INT_EQ(l.n, LINKS_MAX);
    CHECK_INT_EQ(l.n_rejected, LINKS_MAX / 1000);
    CHECK_INT_EQ(l.n_ignored, LINKS_MAX / 1000);
    CHECK_STR_EQ(l.v[0].url, "https://h.org/i0.json");
    snprintf(href, sizeof(href), "https://h.org/i%d.json", LINKS_MAX - 1);
    CHECK_STR_EQ(l.v[LINKS_MAX - 1].url, href);
    links_cleanup(&l);

    /* Exactly LINKS_MAX is fine. */
    while (json_array_size(arr) > LINKS_MAX + 2 * (LINKS_MAX / 1000))
        json_array_remove(arr, json_array_size(arr) - 1);
    links_init(&l);
    CHECK_INT_EQ(links_extract(doc, BASE, false, &l), 0);
    CHECK(!l.truncated);
    CHECK_INT_EQ(l.n, LINKS_MAX);
    links_cleanup(&l);
    json_decref(doc);
}

/* Overlong hrefs, raw and after resolution. */
static void test_long_href(void)
{
    char *href = xmalloc(9000);
    json_t *doc;
    struct links l;

    memset(href, 'a', 8999);
    href[8999] = '\0';
    doc = json_pack("{s:[{s:s, s:s}]}", "links", "rel", "child", "href", href);
    links_init(&l);
    CHECK_INT_EQ(links_extract(doc, BASE, false, &l), 0);
    CHECK_INT_EQ(l.n, 0);
    CHECK_INT_EQ(l.n_rejected, 1);
    CHECK(strncmp(l.first_error, "URL too long: aaaa", 18) == 0);
    CHECK(strlen(l.first_error) < sizeof(l.first_error));
    links_cleanup(&l);
    json_decref(doc);

    href[8180] = '\0'; /* fits alone, not appended to the base path */
    doc = json_pack("{s:[{s:s, s:s}]}", "links", "rel", "child", "href", href);
    links_init(&l);
    CHECK_INT_EQ(links_extract(doc, BASE, false, &l), 0);
    CHECK_INT_EQ(l.n_rejected, 1);
    CHECK(strncmp(l.first_error, "URL too long", 12) == 0);
    links_cleanup(&l);
    json_decref(doc);
    free(href);
}

struct example_case {
    const char *path; /* under stac-examples/ */
    const char *base; /* NULL: the file's own file:// URL */
    bool allow_file;
    size_t n;
    size_t n_ignored;
    size_t n_rejected;
    const char *first; /* "rel url" of the first link, NULL when n == 0 */
    const char *last;  /* "rel url" of the last link */
};

#define RAW "https://raw.githubusercontent.com/"

static const struct example_case example_cases[] = {
    {"radiantearth__stac-spec/examples/catalog.json",
     RAW "radiantearth/stac-spec/v1.1.0-beta.1/examples/catalog.json", false, 4,
     2, 0,
     "child " RAW "radiantearth/stac-spec/v1.1.0-beta.1/examples/"
     "extensions-collection/collection.json",
     "item " RAW "radiantearth/stac-spec/v1.1.0-beta.1/examples/"
     "collectionless-item.json"},
    {"radiantearth__stac-spec/examples/extensions-collection/proj-example/"
     "proj-example.json",
     "https://h.org/examples/extensions-collection/proj-example/"
     "proj-example.json",
     false, 0, 3, 0, NULL, NULL},
    {"stac-extensions__ml-model/examples/dummy/item.json",
     "https://h.org/ml-model/examples/dummy/item.json", false, 2, 5, 0,
     "train https://some-domain.com/training-data/collection.json",
     "test https://some-domain.com/test-data/collection.json"},
    {"stac-extensions__ml-model/examples/cyclone-wind-speed/collection.json",
     "https://h.org/ml-model/examples/cyclone-wind-speed/collection.json",
     false, 1, 1, 0,
     "item https://h.org/ml-model/examples/cyclone-wind-speed/item.json",
     "item https://h.org/ml-model/examples/cyclone-wind-speed/item.json"},
    {"stac-extensions__mlm/examples/item_eo_bands.json",
     "https://h.org/mlm/examples/item_eo_bands.json", false, 1, 2, 0,
     "train https://earth-search.aws.element84.com/v1/collections/"
     "sentinel-2-l2a",
     "train https://earth-search.aws.element84.com/v1/collections/"
     "sentinel-2-l2a"},
    {"stac-extensions__ml-aoi/examples/collection_EuroSAT-subset-train.json",
     "https://h.org/eurosat/collection.json", false, 60, 8, 0,
     "item " RAW "ai-extensions/stac-data-loader/0.5.0/data/EuroSAT/stac/"
     "subset/train/item-0.json",
     "item " RAW "ai-extensions/stac-data-loader/0.5.0/data/EuroSAT/stac/"
     "subset/train/item-59.json"},
    {"stac-extensions__label/examples/multidataset/catalog.json", NULL, true, 2,
     1, 0, NULL, NULL},
    {"stac-extensions__label/examples/multidataset/catalog.json", NULL, false,
     0, 1, 2, NULL, NULL},
    {"openrsgis__trainingdml-ai-extension/examples/WHU-building_Dataset/"
     "collection.json",
     "https://h.org/tdml/WHU-building_Dataset/collection.json", false, 1, 1, 0,
     "item https://h.org/tdml/WHU-building_Dataset/item.json",
     "item https://h.org/tdml/WHU-building_Dataset/item.json"},
    {"radiantearth__stac-api-spec/_extracted/"
     "ogcapi-features__README__landing-page-features.json",
     "https://stac-api.example.com/", false, 1, 5, 0,
     "data https://stac-api.example.com/collections",
     "data https://stac-api.example.com/collections"},
    {"radiantearth__stac-api-spec/_extracted/"
     "ogcapi-features__README__collection-endpoint.json",
     "https://stac-api.example.com/collections/aster-l1t", false, 1, 3, 0,
     "items https://stac-api.example.com/collections/aster-l1t/items",
     "items https://stac-api.example.com/collections/aster-l1t/items"},
    {"radiantearth__stac-api-spec/_extracted/"
     "item-search__examples__get-search-page1-next.json",
     "https://stac-api.example.com/search", false, 1, 1, 0,
     "next https://stac-api.example.com/search?page=2",
     "next https://stac-api.example.com/search?page=2"},
    {"radiantearth__stac-api-spec/_extracted/"
     "item-search__examples__post-search-next-body-merge.json",
     "https://stac-api.example.com/search", false, 0, 2, 0, NULL, NULL},
};

static void check_example(const char *shared, const struct example_case *c)
{
    char path[4096], *base = NULL, *text;
    json_error_t err;
    struct links l;
    json_t *doc;

    snprintf(path, sizeof(path), "%s/stac-examples/%s", shared, c->path);
    doc = json_load_file(path, 0, &err);
    CHECK_CASE(c->path, doc != NULL);
    if (!doc)
        return;
    base = c->base ? xstrdup(c->base) : realpath(path, NULL);
    if (!c->base && base) {
        char *url = xasprintf("file://%s", base);
        free(base);
        base = url;
    }
    links_init(&l);
    CHECK_CASE(c->path, links_extract(doc, base, c->allow_file, &l) == 0);
    CHECK_CASE(c->path, l.n == c->n);
    CHECK_CASE(c->path, l.n_ignored == c->n_ignored);
    CHECK_CASE(c->path, l.n_rejected == c->n_rejected);
    text = links_text(&l);
    if (c->first && l.n > 0) {
        CHECK_CASE(c->path, strncmp(text, c->first, strlen(c->first)) == 0);
        CHECK_CASE(c->path, strstr(text, c->last) != NULL);
    }
    /* Relative links of a local catalog resolve next to it. */
    if (!c->base && l.n > 0)
        CHECK_CASE(c->path, strstr(text, "/multidataset/zanzibar/"
                                         "collection.json\n") != NULL);
    if (l.n != c->n || l.n_ignored != c->n_ignored)
        fprintf(stderr, "  %s: n %zu ignored %zu rejected %zu\n%s", c->path,
                l.n, l.n_ignored, l.n_rejected, text);
    free(text);
    free(base);
    links_cleanup(&l);
    json_decref(doc);
}

/* The rules every followed link obeys, for links read outside
 * links_extract() (an API's own links). */
static void test_check_href(void)
{
    static const struct {
        const char *base, *href, *want; /* want NULL: refused */
    } cases[] = {
        {"http://h/api/", "collections", "http://h/api/collections"},
        {"http://h/api/", "file:///etc/passwd", NULL},
        {"file:///data/cat.json", "file:///data/x.json", "file:///data/x.json"},
        {"http://h/", "http://user:pw@h/c", NULL},
        {"http://h/", "ftp://h/c", NULL},
        {"http://h/", "registry.hub.docker.com/u/model:v1", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *u = NULL;
        const char *why = NULL;
        int rc = links_check_href(cases[i].base, cases[i].href, &u, &why);
        if (cases[i].want) {
            CHECK_INT_EQ(rc, 0);
            CHECK_STR_EQ(u, cases[i].want);
        } else {
            CHECK(rc != 0 && u == NULL && why != NULL);
        }
        free(u);
    }
    json_t *t = json_string("text/html");
    CHECK(links_json_type_problem(t) != NULL);
    json_decref(t);
    t = json_string("application/geo+json; charset=utf-8");
    CHECK(links_json_type_problem(t) == NULL);
    json_decref(t);
    CHECK(links_json_type_problem(NULL) == NULL);
    t = json_integer(3);
    CHECK(links_json_type_problem(t) != NULL);
    json_decref(t);
}

int main(void)
{
    const char *shared = check_shared_dir();

    test_check_href();
    test_extract();
    test_append();
    test_links_max();
    test_long_href();
    if (shared) {
        for (size_t i = 0; i < sizeof(example_cases) / sizeof(example_cases[0]);
             i++)
            check_example(shared, &example_cases[i]);
    } else {
        fprintf(stderr, "test-links: shared stac-examples not found, "
                        "skipping the real-document cases\n");
    }
    CHECK_STR_EQ(links_rel_name(LINK_REL_VALIDATION), "validation");
    CHECK_STR_EQ(links_rel_name(LINK_REL_ITEMS), "items");
    return check_exit("test-links");
}
