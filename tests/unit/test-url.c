/* SPDX-License-Identifier: MIT */
/* Unit tests for src/url.c: resolution against the stac-spec "Consistent
 * URIs" table and RFC 3986 5.4, normalisation, scheme policy, registry
 * references, politeness keys and command-line arguments. */
#include <config.h>

#include <ctype.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/url.h"
#include "src/err.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

struct resolve_case {
    const char *name;
    const char *base;
    const char *href;
    int rc;
    const char *expected; /* when rc == 0 */
};

#define RFC_BASE "http://a/b/c/d;p?q"

static const struct resolve_case resolve_cases[] = {
    /* stac-spec best-practices.md "Consistent URIs", rows 1 to 9. */
    {"stac 1", "https://example.com/folder/catalog.json", "item.json", 0,
     "https://example.com/folder/item.json"},
    {"stac 2", "https://example.com/folder", "item.json", 0,
     "https://example.com/item.json"},
    {"stac 3", "https://example.com/folder/", "item.json", 0,
     "https://example.com/folder/item.json"},
    {"stac 4", "https://example.com/folder", "folder/item.json", 0,
     "https://example.com/folder/item.json"},
    {"stac 5", "https://example.com/folder/", "folder/item.json", 0,
     "https://example.com/folder/folder/item.json"},
    {"stac 6", "https://example.com/another/folder", "../item.json", 0,
     "https://example.com/item.json"},
    {"stac 7", "https://example.com/another/folder/", "../item.json", 0,
     "https://example.com/another/item.json"},
    {"stac 8", "https://example.com", "folder/item.json", 0,
     "https://example.com/folder/item.json"},
    {"stac 9", "https://example.com/", "folder/item.json", 0,
     "https://example.com/folder/item.json"},
    {"stac ./ equivalent", "https://example.com/", "./folder/item.json", 0,
     "https://example.com/folder/item.json"},

    /* RFC 3986 5.4.1 normal examples, fragments dropped. */
    {"rfc g", RFC_BASE, "g", 0, "http://a/b/c/g"},
    {"rfc ./g", RFC_BASE, "./g", 0, "http://a/b/c/g"},
    {"rfc g/", RFC_BASE, "g/", 0, "http://a/b/c/g/"},
    {"rfc /g", RFC_BASE, "/g", 0, "http://a/g"},
    {"rfc //g", RFC_BASE, "//g", 0, "http://g/"},
    {"rfc ?y", RFC_BASE, "?y", 0, "http://a/b/c/d;p?y"},
    {"rfc g?y", RFC_BASE, "g?y", 0, "http://a/b/c/g?y"},
    {"rfc #s", RFC_BASE, "#s", 0, "http://a/b/c/d;p?q"},
    {"rfc g#s", RFC_BASE, "g#s", 0, "http://a/b/c/g"},
    {"rfc g?y#s", RFC_BASE, "g?y#s", 0, "http://a/b/c/g?y"},
    {"rfc ;x", RFC_BASE, ";x", 0, "http://a/b/c/;x"},
    {"rfc g;x?y#s", RFC_BASE, "g;x?y#s", 0, "http://a/b/c/g;x?y"},
    {"rfc empty", RFC_BASE, "", 0, "http://a/b/c/d;p?q"},
    {"rfc .", RFC_BASE, ".", 0, "http://a/b/c/"},
    {"rfc ./", RFC_BASE, "./", 0, "http://a/b/c/"},
    {"rfc ..", RFC_BASE, "..", 0, "http://a/b/"},
    {"rfc ../g", RFC_BASE, "../g", 0, "http://a/b/g"},
    {"rfc ../..", RFC_BASE, "../..", 0, "http://a/"},
    {"rfc ../../g", RFC_BASE, "../../g", 0, "http://a/g"},
    /* RFC 3986 5.4.2 abnormal examples. */
    {"rfc ../../../g", RFC_BASE, "../../../g", 0, "http://a/g"},
    {"rfc ../../../../g", RFC_BASE, "../../../../g", 0, "http://a/g"},
    {"rfc /./g", RFC_BASE, "/./g", 0, "http://a/g"},
    {"rfc /../g", RFC_BASE, "/../g", 0, "http://a/g"},
    {"rfc g.", RFC_BASE, "g.", 0, "http://a/b/c/g."},
    {"rfc .g", RFC_BASE, ".g", 0, "http://a/b/c/.g"},
    {"rfc g..", RFC_BASE, "g..", 0, "http://a/b/c/g.."},
    {"rfc ..g", RFC_BASE, "..g", 0, "http://a/b/c/..g"},
    {"rfc ./../g", RFC_BASE, "./../g", 0, "http://a/b/g"},
    {"rfc ./g/.", RFC_BASE, "./g/.", 0, "http://a/b/c/g/"},
    {"rfc g/./h", RFC_BASE, "g/./h", 0, "http://a/b/c/g/h"},
    {"rfc g/../h", RFC_BASE, "g/../h", 0, "http://a/b/c/h"},
    {"rfc g;x=1/./y", RFC_BASE, "g;x=1/./y", 0, "http://a/b/c/g;x=1/y"},
    {"rfc g;x=1/../y", RFC_BASE, "g;x=1/../y", 0, "http://a/b/c/y"},
    {"rfc g?y/./x", RFC_BASE, "g?y/./x", 0, "http://a/b/c/g?y/./x"},
    {"rfc g#s/../x", RFC_BASE, "g#s/../x", 0, "http://a/b/c/g"},
    /* Dot segments that a query follows keep their slash (libcurl 7.88
     * joined "../?y" as "http://a/b?y"). */
    {"../?y", RFC_BASE, "../?y", 0, "http://a/b/?y"},
    {"./?y", RFC_BASE, "./?y", 0, "http://a/b/c/?y"},
    {"../../?y", RFC_BASE, "../../?y", 0, "http://a/?y"},
    {".?y", RFC_BASE, ".?y", 0, "http://a/b/c/?y"},
    {"..?y", RFC_BASE, "..?y", 0, "http://a/b/?y"},
    {"g/../?y/../x", RFC_BASE, "g/../?y/../x", 0, "http://a/b/c/?y/../x"},
    {"file ../?y", "file:///srv/a/b.json", "../?y", 0, "file:///srv/"},

    /* Static catalogs: ../ and ../../ up the tree, base is the file URL. */
    {"../ parent", "https://h.org/cat/zanzibar/collection.json",
     "../catalog.json", 0, "https://h.org/cat/catalog.json"},
    {"../../ root", "https://h.org/ex/extensions-collection/proj/x.json",
     "../../catalog.json", 0, "https://h.org/ex/catalog.json"},
    {"file ../", "file:///srv/stac/sub/item.json", "../catalog.json", 0,
     "file:///srv/stac/catalog.json"},
    {"absolute ignores base", "https://h.org/a/b.json",
     "https://other.org/c.json", 0, "https://other.org/c.json"},
    {"absolute from file base", "file:///srv/c.json", "http://h.org/x", 0,
     "http://h.org/x"},
    {"query kept", "https://api.org/collections?page=2", "?page=3", 0,
     "https://api.org/collections?page=3"},
    {"absolute query", "https://h.org/", "https://api.org/search?limit=10&p=2",
     0, "https://api.org/search?limit=10&p=2"},
    {"fragment dropped", "https://h.org/a/", "b.json#/properties", 0,
     "https://h.org/a/b.json"},
    {"base fragment dropped", "https://h.org/a.json#x", "", 0,
     "https://h.org/a.json"},
    {"space encoded", "https://h.org/ex/main/",
     "examples/DOTA-1.5 Dataset/x.json", 0,
     "https://h.org/ex/main/examples/DOTA-1.5%20Dataset/x.json"},
    {"space in query encoded", "https://h.org/", "s?q=a b", 0,
     "https://h.org/s?q=a%20b"},
    {"escapes normalised", "https://h.org/", "a%20b/%7e%7E.json", 0,
     "https://h.org/a%20b/~~.json"},
    /* RFC 3986 6.2.2.2: one document, one URL, however its name is
     * escaped. */
    {"escaped unreserved", "https://h.org/cat/catalog.json", "./%62ase.json", 0,
     "https://h.org/cat/base.json"},
    {"escaped unreserved, upper", "https://h.org/cat/", "%62%41%53%45.JSON", 0,
     "https://h.org/cat/bASE.JSON"},
    {"escaped reserved kept", "https://h.org/cat/", "a%2fb%3f%26%3d%23.json", 0,
     "https://h.org/cat/a%2Fb%3F%26%3D%23.json"},
    {"escaped query", "https://h.org/", "s?q=%61%2f%3D%26x&t=%7e", 0,
     "https://h.org/s?q=a%2F%3D%26x&t=~"},
    {"escaped dot segment kept", "https://h.org/a/", "%2e%2E/b/%2e/c", 0,
     "https://h.org/a/%2E%2E/b/%2E/c"},
    {"escaped dots in a name", "https://h.org/a/", "%2e%2E%2e/x%2E.json", 0,
     "https://h.org/a/.../x..json"},
    /* Dotted first segments are directories, not registries. */
    {"dotted directory", "https://h.org/cat/catalog.json", "i.v2/catalog", 0,
     "https://h.org/cat/i.v2/catalog"},
    {"dotted directory json", "https://h.org/cat/", "v1.2/collection.json", 0,
     "https://h.org/cat/v1.2/collection.json"},
    {"utf-8 path encoded", "https://h.org/", "caf\xc3\xa9.json", 0,
     "https://h.org/caf%C3%A9.json"},
    {"whitespace trimmed", "https://h.org/a/", " \tb.json\r\n", 0,
     "https://h.org/a/b.json"},
    {"host case", "https://h.org/", "HTTPS://Example.COM/Path/X.json", 0,
     "https://example.com/Path/X.json"},
    {"http port 80", "https://h.org/", "http://h.org:80/a", 0,
     "http://h.org/a"},
    {"https port 443", "https://h.org/", "https://h.org:443", 0,
     "https://h.org/"},
    {"other port kept", "https://h.org/", "https://h.org:8443/a", 0,
     "https://h.org:8443/a"},
    {"443 on http kept", "https://h.org/", "http://h.org:443/a", 0,
     "http://h.org:443/a"},
    {"dot segments in base", "https://h.org/a/./b/../c/", "d.json", 0,
     "https://h.org/a/c/d.json"},
    {"protocol relative", "https://h.org/a/", "//CDN.org/x.json", 0,
     "https://cdn.org/x.json"},

    /* Refused. */
    {"ftp", "https://h.org/", "ftp://h.org/x.json", SM_E_SCHEME, NULL},
    {"gopher", "https://h.org/", "gopher://h.org/1", SM_E_SCHEME, NULL},
    {"javascript", "https://h.org/", "javascript:alert(1)", SM_E_SCHEME, NULL},
    {"mailto", "https://h.org/", "mailto:a@h.org", SM_E_SCHEME, NULL},
    {"ftp base", "ftp://h.org/", "x.json", SM_E_SCHEME, NULL},
    {"relative base", "catalog.json", "x.json", SM_E_URL, NULL},
    {"no host", "https://h.org/", "http://", SM_E_URL, NULL},
    {"space in host", "https://h.org/", "http://exa mple.com/", SM_E_URL, NULL},
    {"bad port", "https://h.org/", "http://h.org:99999/", SM_E_URL, NULL},
    {"utf-8 host", "https://h.org/", "http://ex\xc3\xa4mple.com/", SM_E_URL,
     NULL},
    {"file drive letter", "file:///x/", "/../c:", SM_E_URL, NULL},
    {"file with host", "file:///srv/c.json", "file://h.org/x", SM_E_URL, NULL},
};

static void test_resolve(void)
{
    for (size_t i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]);
         i++) {
        const struct resolve_case *c = &resolve_cases[i];
        char *out = NULL;
        int rc = url_resolve(c->base, c->href, &out);

        CHECK_CASE(c->name, rc == c->rc);
        if (rc != c->rc)
            fprintf(stderr, "  rc %d (%s), expected %d\n", rc, out ? out : "-",
                    c->rc);
        if (c->rc == 0 && rc == 0) {
            CHECK_STR_EQ(out, c->expected);
            if (strcmp(out, c->expected) != 0)
                fprintf(stderr, "  case \"%s\"\n", c->name);
        }
        free(out);
    }
}

/* Two ways to the same answer for name: the same return code and, on
 * success, the same string. Frees both strings; returns whether same. */
static bool check_same_answer(const char *name, int rc_a, char *a, int rc_b,
                              char *b)
{
    bool same = rc_a == rc_b && (rc_a != 0 || (a && b && strcmp(a, b) == 0));
    CHECK_CASE(name, same);
    if (!same)
        fprintf(stderr, "  %d %s vs %d %s\n", rc_a, a ? a : "-", rc_b,
                b ? b : "-");
    free(a);
    free(b);
    return same;
}

/* url_resolve_normal() must answer exactly as url_resolve() for any
 * normal base: every resolve case whose base is normal, and a grid of
 * bases and hrefs around the shortcut's edges. */
static void check_same_resolution(const char *base, const char *href)
{
    char *slow = NULL, *fast = NULL;
    int rc_slow = url_resolve(base, href, &slow);
    int rc_fast = url_resolve_normal(base, href, &fast);
    if (!check_same_answer(href, rc_slow, slow, rc_fast, fast))
        fprintf(stderr, "  (against base %s)\n", base);
}

static void test_resolve_normal(void)
{
    size_t normal = 0;
    for (size_t i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]);
         i++) {
        if (!url_is_normal(resolve_cases[i].base))
            continue;
        normal++;
        check_same_resolution(resolve_cases[i].base, resolve_cases[i].href);
    }
    CHECK(normal > 20);
    static const char *const bases[] = {
        "https://h.org/",
        "https://h.org/a/b/catalog.json",
        "http://h.org:8080/a/",
        "http://127.0.0.1:18101/c00/c01/collection.json",
        "https://h.org/a//b/x.json",
        "https://h.org//x.json",
        "https://exam//exple.com",
        "https://h.org/s?q=a/b",
        "http://[fe80::1]/x/y.json",
        "file:///srv/stac/catalog.json",
        "https://h.org/%2E%2E/..b/%2F/%zz",
    };
    static const char *const hrefs[] = {
        "items/a.json",
        "a.json",
        "a/b/c/",
        "x~y_z-1.2.json",
        "./items/a.json",
        "././a",
        "./",
        "./.",
        "./../a",
        ".//a",
        "./a/./b",
        "./a b",
        "./?q",
        "./#f",
        "./a:b",
        "...",
        ".a/b",
        "a/.",
        "a/./b",
        "./a.json",
        "../a.json",
        "a/..",
        "a//b",
        "/a.json",
        "//h2.org/a",
        "a b.json",
        "a%20b",
        "%62ase.json",
        "./%62%2f%7E",
        "%2e%2E/x",
        "a?x=%61",
        "i.v2/catalog",
        "a?x=1",
        "a#f",
        "A/B.JSON",
        "caf\xc3\xa9",
        "a:b",
        "a\\b",
        "",
        ".",
        "..",
        "/",
    };
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        CHECK_CASE(bases[b], url_is_normal(bases[b]));
        for (size_t h = 0; h < sizeof(hrefs) / sizeof(hrefs[0]); h++)
            check_same_resolution(bases[b], hrefs[h]);
    }
    CHECK(!url_is_normal("HTTPS://h.org/"));
    CHECK(!url_is_normal("https://h.org/a/../b"));
    CHECK(!url_is_normal("https://h.org"));
    CHECK(!url_is_normal("catalog.json"));
}

struct normalize_case {
    const char *name;
    const char *url;
    int rc;
    const char *expected;
};

static const struct normalize_case normalize_cases[] = {
    {"already normal", "https://h.org/a.json", 0, "https://h.org/a.json"},
    {"empty path", "http://h.org", 0, "http://h.org/"},
    {"scheme and host case", "HTTP://H.Org:80/A/B", 0, "http://h.org/A/B"},
    {"dot segments", "https://h.org/a/./b/../c.json", 0,
     "https://h.org/a/c.json"},
    {"trailing slash kept", "https://h.org/folder/", 0,
     "https://h.org/folder/"},
    {"fragment", "https://h.org/a#b", 0, "https://h.org/a"},
    {"ipv6 host", "http://[FE80::1]:80/x", 0, "http://[fe80::1]/x"},
    {"file", "file:///srv/stac/catalog.json", 0,
     "file:///srv/stac/catalog.json"},
    {"file localhost", "file://localhost/srv/x", 0, "file:///srv/x"},
    {"file without absolute path", "file:]x", SM_E_URL, NULL},
    {"file relative path", "file:x/y", SM_E_URL, NULL},
    {"file dot segments to drive letter", "file:/fil/../c:", SM_E_URL, NULL},
    {"relative", "catalog.json", SM_E_URL, NULL},
    {"empty", "", SM_E_URL, NULL},
    {"registry ref", "docker.io/org/image:tag", SM_E_URL, NULL},
    {"ftp", "ftp://h.org/", SM_E_SCHEME, NULL},
    {"data", "data:application/json,{}", SM_E_SCHEME, NULL},
    /* RFC 3986 6.2.2.1 and 6.2.2.2, in path and query only. */
    {"escape decoded", "https://h.org/%62ase.json", 0,
     "https://h.org/base.json"},
    {"every unreserved", "https://h.org/%41%7A%30%39%2D%2e%5F%7e", 0,
     "https://h.org/Az09-._~"},
    {"reserved upper-cased", "https://h.org/%2f%3f%26%3d%23%25%20%c3%a9", 0,
     "https://h.org/%2F%3F%26%3D%23%25%20%C3%A9"},
    {"query", "https://h.org/s?a=%2d%2F&b=%3d%7E#%61", 0,
     "https://h.org/s?a=-%2F&b=%3D~"},
    {"dot segments stay escaped", "https://h.org/a/%2e/b/.%2e/%2E%2e?%2e", 0,
     "https://h.org/a/%2E/b/.%2E/%2E%2E?."},
    {"dots within a name", "https://h.org/%2e%2e%2e/%2ex/x%2e", 0,
     "https://h.org/.../.x/x."},
    {"malformed escape kept", "https://h.org/%%41B/%7e", 0,
     "https://h.org/%%41B/~"},
    {"short escape kept", "https://h.org/%7e%4", 0, "https://h.org/%7e%4"},
    {"authority untouched", "http://u%41@h.org/%7e", 0, "http://u%41@h.org/~"},
    {"file", "file:///srv/%62%20x.json", 0, "file:///srv/b%20x.json"},
};

static void test_normalize(void)
{
    for (size_t i = 0; i < sizeof(normalize_cases) / sizeof(normalize_cases[0]);
         i++) {
        const struct normalize_case *c = &normalize_cases[i];
        char *out = NULL;
        int rc = url_normalize(c->url, &out);

        CHECK_CASE(c->name, rc == c->rc);
        if (c->rc == 0 && rc == 0) {
            CHECK_STR_EQ(out, c->expected);
            /* What we hand out reads back as itself. */
            char *again = NULL;
            CHECK_INT_EQ(url_normalize(out, &again), 0);
            CHECK_STR_EQ(again ? again : "-", out);
            free(again);
        }
        free(out);
    }
}

/* The same document reached under two spellings is one URL, whichever
 * function the crawler resolves it with (defect: two records). */
static void test_escape_identity(void)
{
    static const char *const base = "https://h.org/cat/catalog.json";
    static const char *const same[] = {
        "./base.json",       "base.json",       "./%62ase.json",
        "%62%61%73%65.json", "./%62ase%2Ejson", "sub/../base.json",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        char *a = NULL, *b = NULL;
        CHECK_INT_EQ(url_resolve(base, same[i], &a), 0);
        CHECK_INT_EQ(url_resolve_normal(base, same[i], &b), 0);
        CHECK_STR_EQ(a ? a : "-", "https://h.org/cat/base.json");
        CHECK_STR_EQ(b ? b : "-", "https://h.org/cat/base.json");
        free(a);
        free(b);
    }
    CHECK(url_is_normal("https://h.org/a%2Fb?q=%3D"));
    CHECK(!url_is_normal("https://h.org/a%2fb"));
    CHECK(!url_is_normal("https://h.org/%7E"));
}

/* Lengths around URL_MAX_LEN, before and after encoding and resolution. */
static void test_lengths(void)
{
    char *long_url = xmalloc(URL_MAX_LEN + 2);
    char *out = NULL;
    size_t prefix = strlen("https://h.org/");

    memcpy(long_url, "https://h.org/", prefix);
    memset(long_url + prefix, 'a', URL_MAX_LEN - prefix);
    long_url[URL_MAX_LEN] = '\0';
    CHECK_INT_EQ(url_normalize(long_url, &out), 0);
    CHECK_INT_EQ(strlen(out), URL_MAX_LEN);
    free(out);
    out = NULL;

    long_url[URL_MAX_LEN] = 'a';
    long_url[URL_MAX_LEN + 1] = '\0';
    CHECK_INT_EQ(url_normalize(long_url, &out), SM_E_TOOBIG);
    CHECK_INT_EQ(url_resolve("https://h.org/", long_url, &out), SM_E_TOOBIG);
    CHECK_INT_EQ(url_resolve(long_url, "x.json", &out), SM_E_TOOBIG);
    CHECK_INT_EQ(url_from_arg(long_url, &out), SM_E_TOOBIG);

    /* Each fits, the resolved URL does not. */
    long_url[URL_MAX_LEN - 10] = '\0';
    CHECK_INT_EQ(url_resolve(long_url, "/../x/", &out), 0);
    free(out);
    out = NULL;
    long_url[URL_MAX_LEN - 10] = '/';
    long_url[URL_MAX_LEN - 9] = '\0';
    CHECK_INT_EQ(url_resolve(long_url, "item-0123456789.json", &out),
                 SM_E_TOOBIG);

    /* 3000 spaces fit raw but not percent-encoded. */
    memset(long_url, ' ', 3000);
    long_url[0] = 'x';
    long_url[3000] = 'y';
    long_url[3001] = '\0';
    CHECK_INT_EQ(url_resolve("https://h.org/", long_url, &out), SM_E_TOOBIG);
    CHECK(out == NULL);
    free(long_url);
}

static void test_scheme_of(void)
{
    static const struct {
        const char *url;
        enum url_scheme expected;
    } cases[] = {
        {"http://h.org/", URL_SCHEME_HTTP},
        {"HTTPS://h.org/", URL_SCHEME_HTTPS},
        {"file:///x", URL_SCHEME_FILE},
        {"ftp://h.org/", URL_SCHEME_OTHER},
        {"httpx://h.org/", URL_SCHEME_OTHER},
        {"catalog.json", URL_SCHEME_OTHER},
        {"/abs/path", URL_SCHEME_OTHER},
        {"", URL_SCHEME_OTHER},
        {NULL, URL_SCHEME_OTHER},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_CASE(cases[i].url ? cases[i].url : "(null)",
                   url_scheme_of(cases[i].url) == cases[i].expected);
}

static void test_registry_ref(void)
{
    static const struct {
        const char *href;
        bool expected;
    } cases[] = {
        {"docker.io/org/image:tag", true},
        {"registry.hub.docker.com/my-user/my-inferencing-model:v1", true},
        {"ghcr.io/org/image@sha256:0123abcd", true},
        {"registry.example.com:5000/team/model", true},
        {"10.0.0.7:5000/model:latest", true},
        {"docker.io/training/image:latest", true},
        {"docker.io/library/x:tag", true},
        {"docker.io/radiantearth/cyclone-model-torchgeo:1", true},
        {"ghcr.io/o/i@sha256:"
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         true},
        {"my.registry.org/org/model:1.0@sha256:0123abcd", true},
        {"my.registry.org/org/model:v1", true},
        {"my.registry.org/model@sha512:0123abcd", true},
        {"registry.hub.docker.com/my-user/model", true},
        {"quay.io/org/image", true},
        {"eu.gcr.io/project/image", true},
        {"europe-docker.pkg.dev/p/r/image", true},
        {"team.azurecr.io/model", true},
        {"123456789012.dkr.ecr.us-east-1.amazonaws.com/model", true},
        {"localhost:5000/image", true},
        {"localhost/team/model", true},
        {"catalog.json", false},
        {"sub.dir/item.json", false},
        {"sub.dir/item.GEOJSON", false},
        {"./x.json", false},
        {"../x/model:v1", false},
        {"v1.0/collections", false},
        {"folder/item.json", false},
        {"docker.io/", false},
        {"docker.io", false},
        {"i.v2/catalog", false},
        {"v1.2/collection.json", false},
        {"v1.2/collection", false},
        {"data.d/items/x", false},
        {"catalog.v1/sub.dir/x.yaml", false},
        {"h.org/a:b/c", false},
        {"data.d/x:", false},
        {"data.d/x:-rc", false},
        {"data.d/:v1", false},
        {"data.d/x@", false},
        {"data.d/x@v1", false},
        {"data.d/x@sha256:", false},
        {"data.d/x@:abc", false},
        {"data.d/x@sha-256:ab", false},
        {"s3.amazonaws.com/bucket/x", false},
        {"https://docker.io/org/image", false},
        {"/docker.io/org/image", false},
        {"examples/DOTA-1.5 Dataset/x", false},
        {"h.org/search?q=1", false},
        {"", false},
        {NULL, false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_CASE(cases[i].href ? cases[i].href : "(null)",
                   url_is_registry_ref(cases[i].href) == cases[i].expected);
}

static void test_host_key(void)
{
    static const struct {
        const char *url;
        int rc;
        const char *expected;
    } cases[] = {
        {"https://Example.COM/x", 0, "https://example.com:443"},
        {"http://h.org/a/b?c", 0, "http://h.org:80"},
        {"http://h.org:8080/", 0, "http://h.org:8080"},
        {"https://h.org:443/", 0, "https://h.org:443"},
        {"http://[::1]:8080/x", 0, "http://[::1]:8080"},
        {"file:///srv/catalog.json", 0, "file://"},
        {"ftp://h.org/", SM_E_URL, NULL},
        {"catalog.json", SM_E_URL, NULL},
        {"http://", SM_E_URL, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        int rc = url_host_key(cases[i].url, &out);

        CHECK_CASE(cases[i].url, rc == cases[i].rc);
        if (cases[i].rc == 0 && rc == 0)
            CHECK_STR_EQ(out, cases[i].expected);
        free(out);
    }
}

/* The plain-form shortcut of url_host_key() must agree with the parse: an
 * upper-case scheme never takes the shortcut, so compare with that. */
static void check_host_key_same(const char *url)
{
    char *upper = xstrdup(url), *a = NULL, *b = NULL;
    for (char *p = upper; *p && *p != ':'; p++)
        *p = (char)toupper((unsigned char)*p);
    int rc_a = url_host_key(url, &a), rc_b = url_host_key(upper, &b);
    check_same_answer(url, rc_a, a, rc_b, b);
    free(upper);
}

static void test_host_key_plain(void)
{
    static const char *const urls[] = {
        "http://127.0.0.1:18101/c00/items/a.json",
        "https://h.org/",
        "http://h.org:8080/x",
        "http://h.org:80/x",
        "https://h.org:443/",
        "http://localhost/x",
        "http://xn--bcher-kva.example/x",
        "http://a-b.c-d.org/x",
        "http://127.1/x",
        "http://0x7f.0.0.1/x",
        "http://2130706433/x",
        "http://01.2.3.4/x",
        "http://1.2.3.256/x",
        "http://1.2.3.4.5/x",
        "http://1.2.3/x",
        "http://a..b/x",
        "http://h.org./x",
        "http://.h.org/x",
        "http://h.org:080/x",
        "http://h.org:65535/x",
        "http://h.org:65536/x",
        "http://h.org:0/x",
        "http://h.org:/x",
        "http://h.org:123456/x",
        "http://h.org",
        "http://h.org?x",
        "http://h.org#f",
        "http://-h.org/x",
        "http://h-.org/x",
        "http://h.1org/x",
        "http://h.org1/x",
        "http://u@h.org/x",
        "http://h_o.org/x",
        "https://H.org/x",
    };
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
        check_host_key_same(urls[i]);
}

/* url_normalize()'s shortcut for URLs normal already gives what the full
 * parse gives, for every path, port and host form around its edges. */
static void check_normalize_same(const char *url)
{
    char *a = NULL, *b = NULL;
    int rc_a = url_normalize(url, &a), rc_b = url_normalize_full(url, &b);
    check_same_answer(url, rc_a, a, rc_b, b);
}

static void test_normalize_plain(void)
{
    static const char *const hosts[] = {
        "http://127.0.0.1:18101", "https://h.org",    "http://h.org:80",
        "https://h.org:443",      "http://h.org:443", "http://h.org:8080",
        "http://127.1",           "http://1.2.3.256", "http://h.org.",
        "http://H.org",           "HTTP://h.org",     "http://h.org:080",
        "http://h.org:65536",     "http://h.org:0",   "http://u@h.org",
        "http://h_o.org",         "http://a..b",      "http://localhost",
    };
    static const char *const paths[] = {
        "",          "/",
        "/a",        "/a/",
        "/a//b",     "//a",
        "/./a",      "/a/.",
        "/a/..",     "/a/../b",
        "/.a/..b/",  "/a.json",
        "/~u/x-y_z", "/A/B.JSON",
        "/a%20b",    "/a%2fb",
        "/a b",      "/a?x=1",
        "/a#f",      "/a?",
        "/a#",       "/a;p",
        "/a:b",      "/a@b",
        "/a+b",      "/caf\xc3\xa9",
        "/a\\b",     "/a%7eb",
        "/...",      "/./",
        "/%62",      "/%2e%2E/a",
        "/a?%7e",    "/%zz",
    };
    for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
        for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
            char *url = xasprintf("%s%s", hosts[h], paths[p]);
            check_normalize_same(url);
            free(url);
        }
    }
    /* At the length bound, and past it. */
    for (size_t extra = 0; extra < 3; extra++) {
        size_t n = URL_MAX_LEN - 14 + extra;
        char *url = xmalloc(n + 1);
        memcpy(url, "http://h.org/", 13);
        memset(url + 13, 'a', n - 13);
        url[n] = '\0';
        check_normalize_same(url);
        free(url);
    }
    /* The shortcut is no mere copy: what it passes is normal. */
    char *out = NULL;
    CHECK_INT_EQ(url_normalize("http://h.org:80/a/../b", &out), 0);
    CHECK_STR_EQ(out, "http://h.org/b");
    free(out);
}

static void test_from_arg_urls(void)
{
    static const struct {
        const char *arg;
        int rc;
        const char *expected;
    } cases[] = {
        {"https://Example.com", 0, "https://example.com/"},
        {"http://h.org:80/cat/./catalog.json", 0,
         "http://h.org/cat/catalog.json"},
        {"file:///srv/x.json", 0, "file:///srv/x.json"},
        {"ftp://h.org/catalog.json", SM_E_SCHEME, NULL},
        {"gopher://h.org/", SM_E_SCHEME, NULL},
        {"javascript:alert(1)", SM_E_SCHEME, NULL},
        {"/nonexistent-stacml-dir/catalog.json", SM_E_NOTFOUND, NULL},
        {"nonexistent-stacml-file.json", SM_E_NOTFOUND, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        int rc = url_from_arg(cases[i].arg, &out);

        CHECK_CASE(cases[i].arg, rc == cases[i].rc);
        if (cases[i].rc == 0 && rc == 0)
            CHECK_STR_EQ(out, cases[i].expected);
        free(out);
    }
}

/* A relative local path with characters that need encoding, resolved from
 * inside a temporary directory. */
static void test_from_arg_path(void)
{
    const char *tmp = getenv("TMPDIR");
    const char *name = "my cat#1%.json";
    char dir[4096], cwd[4096], *real = NULL, *expected = NULL;
    char *rel = NULL, *abs = NULL, *dot = NULL;
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/test-url-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof(cwd))) {
        CHECK(!"mkdtemp or getcwd failed");
        return;
    }
    real = realpath(dir, NULL);
    CHECK(real != NULL);
    CHECK(chdir(dir) == 0);
    f = fopen(name, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);

    CHECK_INT_EQ(url_from_arg(name, &rel), 0);
    CHECK_INT_EQ(url_from_arg("./my cat#1%.json", &dot), 0);
    expected = xasprintf("%s/%s", real ? real : "", name);
    CHECK_INT_EQ(url_from_arg(expected, &abs), 0);
    free(expected);
    expected = NULL;
    if (rel && abs && dot) {
        CHECK_STR_EQ(rel, abs);
        CHECK_STR_EQ(rel, dot);
        CHECK(strncmp(rel, "file:///", 8) == 0);
        CHECK(strlen(rel) > 20 &&
              strcmp(rel + strlen(rel) - 21, "/my%20cat%231%25.json") == 0);
    }
    /* The exact URL, when the temporary directory itself needs no escapes. */
    if (real && real[strcspn(real, " #%?")] == '\0') {
        expected = xasprintf("file://%s/my%%20cat%%231%%25.json", real);
        CHECK_STR_EQ(rel, expected);
    }
    CHECK_INT_EQ(url_from_arg("no-such-file.json", &dot), SM_E_NOTFOUND);

    CHECK(unlink(name) == 0);
    CHECK(chdir(cwd) == 0);
    CHECK(rmdir(dir) == 0);
    free(expected);
    free(real);
    free(rel);
    free(abs);
    free(dot);
}

static void test_file_path(void)
{
    static const struct {
        const char *url, *want; /* want NULL: no path */
    } cases[] = {
        {"file:///a/b.json", "/a/b.json"},
        {"FILE:///a/b.json", "/a/b.json"},
        {"file://localhost/a/b.json", "/a/b.json"},
        {"file:///sp%20ace/x%2Fy.json", "/sp ace/x/y.json"},
        {"file:///a/b.json?q=1#f", "/a/b.json"},
        {"file:///bad%2", "/bad%2"},
        {"file:///bad%zz", "/bad%zz"},
        {"file:///nul%00byte", NULL},
        {"file://host/a", NULL},
        {"http://x/a", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = url_file_path(cases[i].url);
        if (cases[i].want)
            CHECK_STR_EQ(got ? got : "(null)", cases[i].want);
        else
            CHECK_CASE(cases[i].url, got == NULL);
        free(got);
    }
}

/* Seeds refused for what they name: another host's file, port 0. */
static void test_seed_checks(void)
{
    CHECK(url_is_remote_file("file://otherhost/a.json"));
    CHECK(url_is_remote_file("FILE://Other.Host/a.json"));
    CHECK(url_is_remote_file("file://h"));
    CHECK(!url_is_remote_file("file:///a.json"));
    CHECK(!url_is_remote_file("file://localhost/a.json"));
    CHECK(!url_is_remote_file("file://LOCALHOST/a.json"));
    CHECK(!url_is_remote_file("http://otherhost/a.json"));
    /* libcurl reads file://127.0.0.1/ as this host's, as localhost. */
    CHECK(!url_is_remote_file("file://127.0.0.1/a.json"));
    CHECK(url_is_remote_file("file://127.0.0.2/a.json"));
    CHECK(url_is_remote_file("file://localhost.example/a.json"));
    /* A port on this host's name: no other host, but no file URL either
     * (libcurl: "Bad file:// URL"). */
    CHECK(!url_is_remote_file("file://localhost:80/a.json"));
    CHECK(!url_is_remote_file("file://127.0.0.1:/a.json"));
    CHECK(url_is_remote_file("file://other:80/a.json"));
    CHECK(url_file_has_port("file://localhost:80/a.json"));
    CHECK(url_file_has_port("FILE://LOCALHOST:/a.json"));
    CHECK(url_file_has_port("file://127.0.0.1:8080"));
    CHECK(!url_file_has_port("file:///a:80/b.json"));
    CHECK(!url_file_has_port("file://localhost/a:80"));
    CHECK(!url_file_has_port("http://localhost:80/a.json"));
    CHECK(url_has_port_zero("http://127.0.0.1:0/c.json"));
    CHECK(url_has_port_zero("https://h:0/"));
    CHECK(!url_has_port_zero("http://h:80/"));
    CHECK(!url_has_port_zero("http://h:10/"));
    CHECK(!url_has_port_zero("http://h/0"));
    CHECK(!url_has_port_zero("file:///a:0"));
}

/* One path segment, whatever the id: dots that would be path steps too. */
static void test_escape_segment(void)
{
    static const char *const cases[][2] = {
        {"abc", "abc"},       {"a b/c", "a%20b%2Fc"}, {".", "%2E"},
        {"..", "%2E%2E"},     {"...", "..."},         {"a.b", "a.b"},
        {"#?%", "%23%3F%25"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *e = url_escape_segment(cases[i][0]);
        CHECK_STR_EQ(e, cases[i][1]);
        free(e);
    }
    /* Joined and normalised, "%2E%2E" stays a name, not a step up. */
    char *u = NULL;
    CHECK_INT_EQ(url_normalize("http://h/collections/%2E%2E/items", &u), 0);
    CHECK_STR_EQ(u, "http://h/collections/%2E%2E/items");
    free(u);
}

int main(void)
{
    test_escape_segment();
    test_file_path();
    test_seed_checks();
    test_resolve();
    test_resolve_normal();
    test_normalize();
    test_escape_identity();
    test_lengths();
    test_scheme_of();
    test_registry_ref();
    test_host_key();
    test_host_key_plain();
    test_normalize_plain();
    test_from_arg_urls();
    test_from_arg_path();
    return check_exit("test-url");
}
