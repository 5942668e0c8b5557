/* SPDX-License-Identifier: MIT */
/* crawler/prescan.c: which bodies are plain Items, Catalogs and
 * Collections. Each case states the answer; every "plain" answer is also
 * checked against the parser and the classifiers (the fuzz target's rule,
 * tests/lib/prescan-agree.h), links included, and so is every case turned
 * into "not plain" by one change, so that a scan answering "no" to
 * everything fails here. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crawler/links.h"
#include "crawler/prescan.h"
#include "crawler/stac.h"
#include "index/detect.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"
#include "tests/lib/prescan-agree.h"

/* A plain Item with a placeholder @ for one more member (or nothing). */
#define ITEM_HEAD                                                              \
    "{\"type\":\"Feature\",\"stac_version\":\"1.0.0\",\"id\":\"a\""
#define ITEM_TAIL                                                              \
    ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-173.8063,12.5e-3]},"  \
    "\"bbox\":[1,2,3,4],\"properties\":{\"datetime\":null,\"n\":-0,"           \
    "\"ok\":true,\"title\":\"caf\xc3\xa9 \\\"x\\\" \\/ \\n\"},"                \
    "\"links\":[{\"rel\":\"self\",\"href\":\"a.json\"},"                       \
    "{\"rel\":\"parent\",\"href\":\"../c.json\"},{\"rel\":\"root\","           \
    "\"href\":\"/catalog.json\"},{\"href\":\"x\"},{\"rel\":3},7],"             \
    "\"assets\":{\"data\":{\"href\":\"a.tif\",\"roles\":[\"data\"]}}}"

/* The full path's verdict: what prescan_plain_item() promises. */
static bool parser_says_plain(const char *s, size_t n)
{
    json_error_t err;
    json_t *doc = json_loadb(s, n, 0, &err);
    if (!doc)
        return false;
    struct links l;
    links_init(&l);
    int rc = links_extract(doc, "https://e.org/a/b.json", false, &l);
    bool plain = stac_classify(doc) == STAC_KIND_ITEM &&
                 detect_document(doc) == 0 && !stac_is_landing(doc) &&
                 !stac_landing_rel_alone(doc) && rc == 0 && l.n == 0 &&
                 l.n_rejected == 0;
    links_cleanup(&l);
    json_decref(doc);
    return plain;
}

static void check_one(const char *name, const char *s, size_t n, bool want)
{
    bool got = prescan_plain_item(s, n);
    CHECK_CASE(name, got == want);
    if (got)
        CHECK_CASE(name, parser_says_plain(s, n));
}

/* ITEM_HEAD + extra + ITEM_TAIL. */
static void check_item(const char *name, const char *extra, bool want)
{
    char *s = xasprintf(ITEM_HEAD "%s" ITEM_TAIL, extra);
    check_one(name, s, strlen(s), want);
    free(s);
}

static void check_str(const char *name, const char *s, bool want)
{
    check_one(name, s, strlen(s), want);
}

/* A Collection whose links array is LINKS. */
#define COLL(links)                                                            \
    "{\"type\":\"Collection\",\"stac_version\":\"1.0.0\",\"id\":\"c\","        \
    "\"description\":\"say \\\"hi\\\"\\n\",\"license\":\"CC-BY-4.0\","         \
    "\"extent\":{\"spatial\":{\"bbox\":[[-180,-90,180,90]]},"                  \
    "\"temporal\":{\"interval\":[[\"2020-01-01T00:00:00Z\",null]]}},"          \
    "\"links\":" links "}"

/* Every way links_extract() can take, ignore or reject an entry. */
static const char every_link[] =
    "[{\"rel\":\"root\",\"href\":\"../catalog.json\"},"
    "{\"rel\":\"child\",\"href\":\"./a/catalog.json\",\"title\":\"t\\tx\"},"
    "{\"rel\":\"ITEM\",\"href\":\"items/a.json\","
    "\"type\":\"application/geo+json\"},"
    "{\"rel\":\"item\",\"href\":\"items/b.tif\",\"type\":\"image/tiff\"},"
    "{\"rel\":\"item\",\"href\":\"items/c.json\",\"type\":null},"
    "{\"rel\":\"item\",\"href\":\"items/d.json\",\"type\":7},"
    "{\"rel\":\"item\",\"href\":\"items/e.json\",\"type\":\"  \"},"
    "{\"rel\":\"item\",\"href\":\"m.json\",\"type\":"
    "\"application/vnd.oci.image.manifest.v1+json\"},"
    "{\"rel\":\"next\",\"href\":\"p2.json\",\"method\":\"POST\"},"
    "{\"rel\":\"next\",\"href\":\"p3.json\",\"method\":\"get\"},"
    "{\"rel\":\"next\",\"href\":\"p4.json\",\"method\":null},"
    "{\"rel\":\"next\",\"href\":\"p5.json\",\"method\":[]},"
    "{\"rel\":\"item\",\"href\":5},{\"rel\":\"item\"},{\"rel\":true},"
    "{\"href\":\"x.json\"},7,\"item\",null,[{\"rel\":\"item\"}],"
    "{\"rel\":\"derived_from\",\"href\":\"d1.json\"},"
    "{\"rel\":\"derived_from\",\"href\":\"d2.json\",\"ml-aoi:split\":\"test\"},"
    "{\"rel\":\"derived_from\",\"href\":\"d3.json\","
    "\"ml-aoi:split\":\"validate\"},"
    "{\"rel\":\"derived_from\",\"href\":\"d4.json\",\"ml-aoi:split\":5},"
    "{\"rel\":\"root\",\"href\":\"r.json\",\"rel\":\"child\"},"
    "{\"rel\":\"item\",\"href\":\"h1.json\",\"href\":\"h2.json\"},"
    "{\"rel\":\"item\",\"href\":\"ghcr.io/org/image:latest\"},"
    "{\"rel\":\"item\",\"href\":\"s3://bucket/k.json\"},"
    "{\"rel\":\"item\",\"href\":\"file:///etc/stac.json\"},"
    "{\"rel\":\"item\",\"href\":\"http://[::1\"},"
    "{\"rel\":\"items\",\"href\":\"/collections\",\"extra\":{\"rel\":\"x\"}}]";

static void check_container(const char *name, const char *s,
                            enum prescan_kind want)
{
    struct prescan_links pl = {0};
    enum prescan_kind got = prescan_doc(s, strlen(s), &pl);
    CHECK_CASE(name, got == want);
    CHECK_CASE(name, prescan_agrees(s, strlen(s), got, &pl));
    prescan_links_cleanup(&pl);
}

static void check_containers(void)
{
    char *every = xasprintf(COLL("%s"), every_link);
    struct prescan_links pl = {0};
    CHECK(prescan_doc(every, strlen(every), &pl) == PRESCAN_COLLECTION);
    CHECK(prescan_agrees(every, strlen(every), PRESCAN_COLLECTION, &pl));
    CHECK(pl.n == 31);
    struct links l;
    links_init(&l);
    CHECK(links_extract_fields(pl.v, pl.n, prescan_agree_bases[0], false, &l) ==
          0);
    /* child a, ITEM a, c, e, p3, p4, d1-d4, child r, h2, items. */
    CHECK(l.n == 13);
    CHECK(l.n > 0 &&
          strcmp(l.v[0].url, "https://example.com/stac/c/a/catalog.json") == 0);
    links_cleanup(&l);
    prescan_links_cleanup(&pl);
    free(every);

    check_container("catalog",
                    "{\"type\":\"Catalog\",\"id\":\"x\","
                    "\"links\":[{\"rel\":\"child\",\"href\":\"a\"}]}",
                    PRESCAN_CATALOG);
    check_container("a conformance link: maybe a landing page",
                    "{\"type\":\"Catalog\",\"id\":\"x\","
                    "\"links\":[{\"rel\":\"conformance\",\"href\":\"c\"}]}",
                    PRESCAN_UNSURE);
    check_container("data and search links: maybe a landing page",
                    "{\"type\":\"Catalog\",\"id\":\"x\","
                    "\"links\":[{\"rel\":\"data\",\"href\":\"d\"},"
                    "{\"rel\":\"search\",\"href\":\"s\"}]}",
                    PRESCAN_UNSURE);
    check_container("a data link: maybe one that looks like it",
                    "{\"type\":\"Catalog\",\"id\":\"x\","
                    "\"links\":[{\"rel\":\"data\",\"href\":\"d\"}]}",
                    PRESCAN_UNSURE);
    /* A Collection too: the full path walks it with a warning and holds
     * its source, or walks it as an API (fuzz-prescan's rule). */
    check_container("a Collection's data link",
                    COLL("[{\"rel\":\"data\",\"href\":\"d\"}]"),
                    PRESCAN_UNSURE);
    check_container("a Collection's search link",
                    COLL("[{\"rel\":\"search\",\"href\":\"s\"}]"),
                    PRESCAN_UNSURE);
    check_container("a Collection's data and search links",
                    COLL("[{\"rel\":\"data\",\"href\":\"d\"},"
                         "{\"rel\":\"search\",\"href\":\"s\"}]"),
                    PRESCAN_UNSURE);
    check_container("no links", COLL("[]"), PRESCAN_COLLECTION);
    check_container("links not an array", COLL("{\"rel\":\"item\"}"),
                    PRESCAN_COLLECTION);
    check_container("escape elsewhere",
                    COLL("[{\"rel\":\"item\",\"href\":\"a.json\","
                         "\"title\":\"\\\"q\\\"\"}]"),
                    PRESCAN_COLLECTION);
    check_container("escaped href",
                    COLL("[{\"rel\":\"item\",\"href\":\"a\\/b.json\"}]"),
                    PRESCAN_UNSURE);
    check_container("escaped rel",
                    COLL("[{\"rel\":\"it\\u0065m\",\"href\":\"a.json\"}]"),
                    PRESCAN_UNSURE);
    check_container("marker",
                    COLL("[{\"rel\":\"item\",\"href\":\"mlm.json\"}]"),
                    PRESCAN_UNSURE);
    check_container("landing page",
                    "{\"type\":\"Catalog\",\"conformsTo\":[],\"links\":[]}",
                    PRESCAN_UNSURE);
    check_container("links twice",
                    "{\"type\":\"Catalog\",\"links\":[],\"links\":[]}",
                    PRESCAN_UNSURE);
    check_container("no type", "{\"stac_version\":\"1.0.0\",\"links\":[]}",
                    PRESCAN_UNSURE);
    check_container("type twice",
                    "{\"type\":\"Catalog\",\"type\":\"Catalog\",\"links\":[]}",
                    PRESCAN_UNSURE);
    check_container("feature collection",
                    "{\"type\":\"FeatureCollection\",\"features\":[]}",
                    PRESCAN_UNSURE);
    check_container("invalid", COLL("[{\"rel\":\"item\",\"href\":}]"),
                    PRESCAN_UNSURE);
    /* Without a collector, a plain container is not recognised. */
    CHECK(prescan_doc(COLL("[]"), strlen(COLL("[]")), NULL) == PRESCAN_UNSURE);
}

/* Every kind of byte that stops scan_string()'s fast loop, at every
 * offset of a long string (a guard for any wider stride it may take). */
static void check_word_scan(void)
{
    static const struct {
        const char *what;
        bool is_plain;
    } stops[] = {
        {"mlm", false},   {"dlm", false}, {"dl-x", false},
        {"\t", false},    {"\x7f", true}, {"\xc3\xa9", true},
        {"\xc3(", false}, {"\\\"", true}, {"\\u0041", false},
        {"m", true},      {"d", true},    {"ml", true},
        {"\x1f", false},  {"~", true},
    };
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        for (int at = 0; at < 20; at++) {
            char name[64];
            snprintf(name, sizeof(name), "word scan: %s at %d", stops[k].what,
                     at);
            char *extra =
                xasprintf(",\"s\":\"%.*s%s%.*s\"", at, "aaaaaaaaaaaaaaaaaaaa",
                          stops[k].what, 19 - at, "bbbbbbbbbbbbbbbbbbbb");
            check_item(name, extra, stops[k].is_plain);
            free(extra);
        }
    }
}

/* A marker, and a near miss, at every distance from the end of the
 * document (trailing whitespace moves it), where the search for markers
 * goes from sixteen bytes at a time to one. */
static void check_marker_at_end(void)
{
    static const struct {
        const char *word;
        bool is_plain;
    } words[] = {{"mlm", false}, {"mlx", true},  {"dl-", false},
                 {"dmz", true},  {"dml", false}, {"ml-model", false}};
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        for (int pad = 0; pad < 20; pad++) {
            char name[64];
            snprintf(name, sizeof(name), "%s, then %d spaces", words[k].word,
                     pad);
            char *s = xstrdup(ITEM_HEAD ITEM_TAIL);
            s[strlen(s) - 1] = '\0'; /* the closing brace */
            char *doc =
                xasprintf("%s,\"z\":\"%s\"}%*s", s, words[k].word, pad, "");
            check_str(name, doc, words[k].is_plain);
            free(doc);
            free(s);
        }
    }
}

/* prescan_big_numbers(): the numbers jansson refuses made readable, the
 * rest of the text left byte for byte. */
static void check_big(const char *in, const char *want)
{
    size_t n = 0;
    char *got = prescan_big_numbers(in, strlen(in), &n);
    CHECK_STR_EQ(got, want);
    CHECK_INT_EQ(n, strlen(want));
    free(got);
}

static void check_big_numbers(void)
{
    check_big("[1,-2.5,1e300,1e-400,\"1e400\"]",
              "[1,-2.5,1e300,1e-400,\"1e400\"]");
    check_big("[18446744073709551616]", "[18446744073709551616.0]");
    check_big("[1e400,-1E+309]",
              "[1.7976931348623157e308,-1.7976931348623157e308]");
    check_big("{\"nodata\":-1.79769313486232E+308}",
              "{\"nodata\":-1.7976931348623157e308}");
    check_big("[1.7976931348623157e308]", "[1.7976931348623157e308]");
}

int main(void)
{
    check_big_numbers();
    check_item("plain", "", true);
    check_item("plain, whitespace", " ,\t\"w\" \r\n: [ ] , \"o\" : { } ", true);
    check_item("eo fields", ",\"eo:cloud_cover\":1.5E+2", true);
    check_item("empty key and 18 digits", ",\"\":123456789012345678", true);
    check_item("4-byte UTF-8", ",\"e\":\"\xf0\x9f\x98\x80\"", true);

    /* Markers of our extensions, anywhere, and escapes that could spell them.
     */
    check_item("ml-model field", ",\"properties2\":{\"ml-model:type\":1}",
               false);
    check_item("mlm schema",
               ",\"stac_extensions\":[\"https://x/mlm/v1.0.0/schema.json\"]",
               false);
    check_item("dlm field", ",\"dlm:runtime\":{}", false);
    check_item("dl-model id", ",\"stac_extensions\":[\"dl-model\"]", false);
    check_item("tdml", ",\"tdml:tasks\":[]", false);
    check_item("trainingdml-ai", ",\"x\":\"trainingdml-ai\"", false);
    check_item("u escape", ",\"ml\\u002dmodel:type\":1", false);
    check_item("u escape elsewhere", ",\"t\":\"\\u00e9\"", false);
    check_item("mlm role", ",\"a\":{\"roles\":[\"mlm:model\"]}", false);
    check_marker_at_end();

    /* Links the crawler follows (any case for the simple rels). */
    check_str(
        "child link",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"child\",\"href\":\"c\"}]}",
        false);
    check_str(
        "self link only",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"self\",\"href\":\"c\"}]}",
        true);
    check_str("item link",
              "{\"type\":\"Feature\",\"stac_version\":\"1.0.0\",\"links\":[{"
              "\"href\":\"i.json\",\"rel\":\"ITEM\"}]}",
              false);
    check_str(
        "next link",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"Next\",\"href\":\"p2\"}]}",
        false);
    check_str(
        "data link",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"data\",\"href\":\"d\"}]}",
        false);
    /* Not followed, but the full path warns of it and holds the source,
     * or walks an API (fuzz-prescan's rule). */
    check_str(
        "search link",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"search\",\"href\":\"s\"}]}",
        false);
    check_str(
        "conformance and search links",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"conformance\",\"href\":\"c\"},{\"rel\":\"search\",\"href\":\"s\"}]}",
        false);
    check_str(
        "items link",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"items\",\"href\":\"d\"}]}",
        false);
    check_str(
        "derived_from",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"derived_from\",\"href\":\"d\"}]}",
        false);
    check_str(
        "repeated rel",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[{\"rel\":"
        "\"self\",\"rel\":\"self\",\"href\":\"d\"}]}",
        false);
    check_str("nested links are not links",
              "{\"type\":\"Feature\",\"stac_version\":\"1\",\"p\":{\"links\":[{"
              "\"rel\":\"child\",\"href\":\"d\"}]}}",
              true);
    check_str("links not an array",
              "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":{\"rel\":"
              "\"child\",\"href\":\"d\"}}",
              true);

    /* Not an Item, or not sure it is one. */
    check_str("catalog", "{\"type\":\"Catalog\",\"stac_version\":\"1\"}",
              false);
    check_str("geojson", "{\"type\":\"Feature\"}", false);
    check_str("version not a string",
              "{\"type\":\"Feature\",\"stac_version\":1}", false);
    check_str("type not a string",
              "{\"type\":[\"Feature\"],\"stac_version\":\"1\"}", false);
    check_str(
        "repeated type",
        "{\"type\":\"Feature\",\"stac_version\":\"1\",\"type\":\"Feature\"}",
        false);
    check_str("repeated links",
              "{\"type\":\"Feature\",\"stac_version\":\"1\",\"links\":[],"
              "\"links\":[]}",
              false);
    check_str("landing",
              "{\"type\":\"Feature\",\"stac_version\":\"1\","
              "\"conformsTo\":[]}",
              false);
    check_str("array", "[{\"type\":\"Feature\",\"stac_version\":\"1\"}]",
              false);
    check_str("empty", "", false);
    check_str("feature collection",
              "{\"type\":\"FeatureCollection\",\"stac_version\":\"1\","
              "\"features\":[]}",
              false);

    /* What jansson refuses, the scan must not accept. */
    check_item("trailing comma", ",\"x\":[1,]", false);
    check_item("leading zero", ",\"x\":01", false);
    check_item("bare dot", ",\"x\":1.", false);
    check_item("plus sign", ",\"x\":+1", false);
    check_item("19-digit integer", ",\"x\":1234567890123456789", false);
    check_item("huge exponent", ",\"x\":1e400", false);
    check_item("control char", ",\"x\":\"a\tb\"", false);
    check_item("bad escape", ",\"x\":\"\\x\"", false);
    check_item("overlong UTF-8", ",\"x\":\"\xc0\xaf\"", false);
    check_item("surrogate UTF-8", ",\"x\":\"\xed\xa0\x80\"", false);
    check_item("past U+10FFFF", ",\"x\":\"\xf4\x90\x80\x80\"", false);
    check_item("cut UTF-8", ",\"x\":\"\xe2\x82\"", false);
    check_item("bad literal", ",\"x\":tru", false);
    check_item("single quotes", ",'x':1", false);
    check_item("missing colon", ",\"x\" 1", false);
    check_str("trailing garbage",
              "{\"type\":\"Feature\",\"stac_version\":\"1\"} x", false);
    check_str("two documents",
              "{\"type\":\"Feature\",\"stac_version\":\"1\"}{}", false);
    check_str("unterminated", "{\"type\":\"Feature\",\"stac_version\":\"1\"",
              false);
    static const char nul[] = "{\"type\":\"Feature\",\"stac_version\":\"1\0\"}";
    check_one("NUL byte", nul, sizeof(nul) - 1, false);
    check_one("NULL buffer", NULL, 0, false);

    /* Deep nesting: left to the parser past the scan's limit. */
    size_t depth = 200;
    char *deep = xmalloc(64 + 2 * depth);
    char *p = deep + sprintf(deep, ITEM_HEAD ",\"d\":");
    for (size_t i = 0; i < depth; i++)
        *p++ = '[';
    for (size_t i = 0; i < depth; i++)
        *p++ = ']';
    strcpy(p, "}");
    check_str("deep", deep, false);
    free(deep);
    check_containers();
    check_word_scan();
    return check_exit("test-prescan");
}
