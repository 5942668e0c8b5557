/* SPDX-License-Identifier: MIT */
/* Unit tests for crawler/robots.c: the examples of RFC 9309 and of Google's
 * robots.txt documentation (matching, precedence, groups), line syntax,
 * Crawl-delay forms, a cross-check against a naive matcher, and hostile
 * bodies (NUL bytes, garbage, caps, star-heavy patterns) that must stay
 * fast. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/robots.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

struct allowed_case {
    const char *name;
    const char *body;
    const char *agent;
    const char *path;
    bool allowed;
};

/* RFC 9309 5.1. */
#define RFC_5_1                                                                \
    "User-Agent: *\n"                                                          \
    "Disallow: *.gif$\n"                                                       \
    "Disallow: /example/\n"                                                    \
    "Allow: /publications/\n"                                                  \
    "\n"                                                                       \
    "User-Agent: foobot\n"                                                     \
    "Disallow:/\n"                                                             \
    "Allow:/example/page.html\n"                                               \
    "Allow:/example/allowed.gif\n"                                             \
    "\n"                                                                       \
    "User-Agent: barbot\n"                                                     \
    "User-Agent: bazbot\n"                                                     \
    "Disallow: /example/page.html\n"                                           \
    "\n"                                                                       \
    "User-Agent: quxbot\n"                                                     \
    "\n"

/* RFC 9309 5.2. */
#define RFC_5_2                                                                \
    "User-Agent: foobot\n"                                                     \
    "Allow: /example/page/\n"                                                  \
    "Disallow: /example/page/disallowed.gif\n"

/* One rule for everybody. */
#define D(P) "User-agent: *\nDisallow: " P "\n"
#define AD(A, P) "User-agent: *\nAllow: " A "\nDisallow: " P "\n"

/* Google: "Order of precedence for user agents". */
#define GOOGLE_GROUPS                                                          \
    "user-agent: googlebot-news\n"                                             \
    "disallow: /1\n"                                                           \
    "\n"                                                                       \
    "user-agent: *\n"                                                          \
    "disallow: /2\n"                                                           \
    "\n"                                                                       \
    "user-agent: googlebot\n"                                                  \
    "disallow: /3\n"

/* Google: "Grouping of rules": groups naming the same agent are merged. */
#define GOOGLE_MERGE                                                           \
    "user-agent: googlebot-news\n"                                             \
    "disallow: /fish\n"                                                        \
    "\n"                                                                       \
    "user-agent: *\n"                                                          \
    "disallow: /carrots\n"                                                     \
    "\n"                                                                       \
    "user-agent: googlebot-news\n"                                             \
    "disallow: /shrimp\n"

static const struct allowed_case allowed_cases[] = {
    /* RFC 9309 5.1, per crawler. */
    {"5.1 foobot page", RFC_5_1, "foobot", "/example/page.html", true},
    {"5.1 foobot gif", RFC_5_1, "foobot", "/example/allowed.gif", true},
    {"5.1 foobot other", RFC_5_1, "foobot", "/example/other.html", false},
    {"5.1 foobot root", RFC_5_1, "FooBot", "/", false},
    {"5.1 barbot page", RFC_5_1, "barbot", "/example/page.html", false},
    {"5.1 bazbot page", RFC_5_1, "bazbot", "/example/page.html", false},
    {"5.1 bazbot other", RFC_5_1, "bazbot", "/example/other.html", true},
    {"5.1 bazbot gif", RFC_5_1, "bazbot", "/a.gif", true},
    {"5.1 quxbot empty group", RFC_5_1, "quxbot", "/example/x.gif", true},
    {"5.1 other gif", RFC_5_1, "stacml", "/images/x.gif", false},
    {"5.1 other gif query", RFC_5_1, "stacml", "/images/x.gif?v=1", true},
    {"5.1 other example", RFC_5_1, "stacml", "/example/", false},
    {"5.1 other publications", RFC_5_1, "stacml", "/publications/a", true},
    {"5.1 other root", RFC_5_1, "stacml", "/", true},
    {"5.1 no agent", RFC_5_1, NULL, "/example/x", false},

    /* RFC 9309 5.2: the longest match wins. */
    {"5.2 allow dir", RFC_5_2, "foobot", "/example/page/", true},
    {"5.2 allow file", RFC_5_2, "foobot", "/example/page/x.gif", true},
    {"5.2 disallow longer", RFC_5_2, "foobot", "/example/page/disallowed.gif",
     false},
    {"5.2 unmatched", RFC_5_2, "foobot", "/example/", true},
    {"5.2 other agent", RFC_5_2, "stacml", "/example/page/disallowed.gif",
     true},

    /* RFC 9309 2.2.2 special characters and percent-encoding. */
    {"2.2.2 comment",
     "user-agent: *\nallow: / # comment in line\n"
     "# comment on its own line\ndisallow: /x\n",
     "stacml", "/x", false},
    {"2.2.2 $ exact", AD("/this/path/exactly$", "/this/"), "stacml",
     "/this/path/exactly", true},
    {"2.2.2 $ longer", AD("/this/path/exactly$", "/this/"), "stacml",
     "/this/path/exactly/", false},
    {"2.2.2 * one", AD("/this/*/exactly", "/this/"), "stacml",
     "/this/a/exactly", true},
    {"2.2.2 * deep", AD("/this/*/exactly", "/this/"), "stacml",
     "/this/a/b/exactly/x", true},
    {"2.2.2 * none", AD("/this/*/exactly", "/this/"), "stacml", "/this/exactly",
     false},
    {"2.2.2 query", D("/foo/bar?baz=quz"), "stacml", "/foo/bar?baz=quz", false},
    {"2.2.2 utf8 rule", D("/foo/bar/\xe3\x83\x84"), "stacml",
     "/foo/bar/%E3%83%84", false},
    {"2.2.2 utf8 path", D("/foo/bar/%E3%83%84"), "stacml",
     "/foo/bar/\xe3\x83\x84", false},
    {"2.2.2 encoded both", D("/foo/bar/%E3%83%84"), "stacml",
     "/foo/bar/%E3%83%84", false},
    {"2.2.2 hex case", D("/foo/bar/%e3%83%84"), "stacml", "/foo/bar/%E3%83%84",
     false},
    {"2.2.2 unreserved rule", D("/foo/bar/%62%61%7A"), "stacml", "/foo/bar/baz",
     false},
    {"2.2.2 unreserved path", D("/foo/bar/baz"), "stacml", "/foo/bar/%62%61%7a",
     false},
    {"tilde", D("/~joe/"), "stacml", "/%7Ejoe/x", false},
    {"reserved stays encoded", D("/a%2Fb"), "stacml", "/a/b", true},
    {"reserved encoded", D("/a%2fb"), "stacml", "/a%2Fb", false},
    {"space in rule", D("/a b"), "stacml", "/a%20b", false},
    {"space in path", D("/a%20b"), "stacml", "/a b", false},
    {"braces", D("/{x}"), "stacml", "/%7bx%7D", false},
    {"pipe", D("/a%7cb"), "stacml", "/a|b", false},
    {"sub-delims stay raw", D("/a(b)"), "stacml", "/a%28b%29", true},
    {"bad escape literal", D("/a%zz"), "stacml", "/a%zz", false},
    {"escape at end", D("/a%4"), "stacml", "/a%4", false},
    {"robots.txt always", D("/"), "stacml", "/robots.txt", true},
    {"robots.txt query", D("/"), "stacml", "/robots.txt?x", false},

    /* Google "URL matching based on path values". */
    {"/ root", D("/"), "stacml", "/", false},
    {"/ any", D("/"), "stacml", "/a/b?c", false},
    {"/* any", D("/*"), "stacml", "/a", false},
    {"/$ root", D("/$"), "stacml", "/", false},
    {"/$ page", D("/$"), "stacml", "/index.html", true},
    {"/$ query", D("/$"), "stacml", "/?a=b", true},
    {"/fish", D("/fish"), "stacml", "/fish", false},
    {"/fish html", D("/fish"), "stacml", "/fish.html", false},
    {"/fish dir", D("/fish"), "stacml", "/fish/salmon.html", false},
    {"/fish heads", D("/fish"), "stacml", "/fishheads/yummy.html", false},
    {"/fish query", D("/fish"), "stacml", "/fish.php?id=anything", false},
    {"/fish case", D("/fish"), "stacml", "/Fish.asp", true},
    {"/fish cat", D("/fish"), "stacml", "/catfish", true},
    {"/fish in query", D("/fish"), "stacml", "/?id=fish", true},
    {"/fish deeper", D("/fish"), "stacml", "/desert/fish", true},
    {"/fish* same", D("/fish*"), "stacml", "/fishheads", false},
    {"/fish* case", D("/fish*"), "stacml", "/Fish.asp", true},
    {"/fish/ dir", D("/fish/"), "stacml", "/fish/", false},
    {"/fish/ query", D("/fish/"), "stacml", "/fish/?id=anything", false},
    {"/fish/ no slash", D("/fish/"), "stacml", "/fish", true},
    {"/fish/ html", D("/fish/"), "stacml", "/fish.html", true},
    {"/fish/ deeper", D("/fish/"), "stacml", "/animals/fish/", true},
    {"/*.php", D("/*.php"), "stacml", "/index.php", false},
    {"/*.php folder", D("/*.php"), "stacml", "/folder/filename.php?p", false},
    {"/*.php middle", D("/*.php"), "stacml", "/folder/any.php.file.html",
     false},
    {"/*.php slash", D("/*.php"), "stacml", "/filename.php/", false},
    {"/*.php root", D("/*.php"), "stacml", "/", true},
    {"/*.php case", D("/*.php"), "stacml", "/windows.PHP", true},
    {"/*.php$", D("/*.php$"), "stacml", "/folder/filename.php", false},
    {"/*.php$ query", D("/*.php$"), "stacml", "/filename.php?parameters", true},
    {"/*.php$ slash", D("/*.php$"), "stacml", "/filename.php/", true},
    {"/*.php$ 5", D("/*.php$"), "stacml", "/filename.php5", true},
    {"/fish*.php", D("/fish*.php"), "stacml", "/fish.php", false},
    {"/fish*.php deep", D("/fish*.php"), "stacml",
     "/fishheads/catfish.php?parameters", false},
    {"/fish*.php case", D("/fish*.php"), "stacml", "/Fish.PHP", true},
    {"$ in the middle is literal", D("/a$b"), "stacml", "/a$bc", false},
    {"$ in the middle no end", D("/a$b"), "stacml", "/a", true},
    {"*$ is a prefix", D("/a*$"), "stacml", "/abc", false},
    {"lone $", D("$"), "stacml", "/", true},
    {"lone *", D("*"), "stacml", "/x", false},
    {"no leading slash", D("private/"), "stacml", "/private/", true},

    /* Google "Order of precedence for rules". */
    {"allow /p", AD("/p", "/"), "stacml", "/page", true},
    {"tie allow wins", AD("/folder", "/folder"), "stacml", "/folder/page",
     true},
    {"tie order", "User-agent: *\nDisallow: /folder\nAllow: /folder\n",
     "stacml", "/folder/page", true},
    {"longer disallow", AD("/page", "/*.htm"), "stacml", "/page.htm", false},
    {"equal length allow", AD("/page", "/*.ph"), "stacml", "/page.php", true},
    {"/$ allow root", AD("/$", "/"), "stacml", "/", true},
    {"/$ allow page", AD("/$", "/"), "stacml", "/page.htm", false},
    {"percent equal length", AD("/%7Ea", "/~a"), "stacml", "/~a", true},

    /* Google "Order of precedence for user agents", and merging. */
    {"groups news", GOOGLE_GROUPS, "googlebot-news", "/1", false},
    {"groups news 3", GOOGLE_GROUPS, "googlebot-news", "/3", true},
    {"groups news 2", GOOGLE_GROUPS, "googlebot-news", "/2", true},
    {"groups web", GOOGLE_GROUPS, "googlebot", "/3", false},
    {"groups web 1", GOOGLE_GROUPS, "googlebot", "/1", true},
    {"groups other", GOOGLE_GROUPS, "otherbot", "/2", false},
    {"groups other 3", GOOGLE_GROUPS, "otherbot", "/3", true},
    {"merge fish", GOOGLE_MERGE, "googlebot-news", "/fish", false},
    {"merge shrimp", GOOGLE_MERGE, "googlebot-news", "/shrimp", false},
    {"merge carrots", GOOGLE_MERGE, "googlebot-news", "/carrots", true},
    {"merge star", GOOGLE_MERGE, "stacml", "/carrots", false},
    {"merge star fish", GOOGLE_MERGE, "stacml", "/fish", true},
    {"merge * groups",
     "User-agent: *\nDisallow: /a\n\nUser-agent: *\n"
     "Disallow: /b\n",
     "stacml", "/b", false},
    {"sitemap does not split",
     "user-agent: a\nsitemap: https://example.com/sitemap.xml\n\n"
     "user-agent: stacml\ndisallow: /\n",
     "a", "/x", false},
    {"unknown key does not split",
     "user-agent: a\nfoo: bar\nuser-agent: stacml\ndisallow: /\n", "a", "/x",
     false},
    {"crawl-delay splits",
     "user-agent: a\ncrawl-delay: 1\nuser-agent: stacml\ndisallow: /\n", "a",
     "/x", true},
    {"agent with version", "User-agent: stacml/0.1\nDisallow: /\n", "stacml",
     "/x", false},
    {"our agent with version", "User-agent: stacml\nDisallow: /\n",
     "stacml/0.1 (+https://example.com)", "/x", false},
    {"agent case", "User-agent: StAcMl\nDisallow: /\n", "stacml", "/x", false},
    {"agent longer token", "User-agent: stacmlbot\nDisallow: /\n", "stacml",
     "/x", true},
    {"agent shorter token", "User-agent: stac\nDisallow: /\n", "stacml", "/x",
     true},
    {"star prefix is no wildcard", "User-agent: *bot\nDisallow: /\n", "stacml",
     "/x", true},
    {"star with comment", "User-agent: * # all\nDisallow: /\n", "stacml", "/x",
     false},
    {"specific empty beats *",
     "User-agent: *\nDisallow: /\n\nUser-agent: stacml\nDisallow:\n", "stacml",
     "/x", true},
    {"specific rule-less beats *",
     "User-agent: *\nDisallow: /\n\nUser-agent: stacml\n", "stacml", "/x",
     true},
    {"blank line does not split",
     "User-agent: stacml\n\nUser-agent: *\nDisallow: /\n", "stacml", "/x",
     false},
    {"shared group", "User-agent: a\nUser-agent: stacml\nDisallow: /x\n",
     "stacml", "/x", false},
    {"shared with *", "User-agent: stacml\nUser-agent: *\nDisallow: /x\n",
     "otherbot", "/x", false},
    {"no * group", "User-agent: a\nDisallow: /\n", "stacml", "/x", true},

    /* Line syntax. */
    {"empty body", "", "stacml", "/", true},
    {"empty disallow", "User-agent: *\nDisallow:\n", "stacml", "/x", true},
    {"empty disallow spaces", "User-agent: *\nDisallow:    \n", "stacml", "/x",
     true},
    {"rules before agent", "Disallow: /\nUser-agent: *\nDisallow: /b\n",
     "stacml", "/a", true},
    {"only rules", "Disallow: /\nAllow: /x\n", "stacml", "/a", true},
    {"CRLF", "User-agent: *\r\nDisallow: /a\r\n", "stacml", "/a", false},
    {"CR", "User-agent: *\rDisallow: /a\rAllow: /a/b\r", "stacml", "/a/b",
     true},
    {"CR only disallow", "User-agent: *\rDisallow: /a\r", "stacml", "/a/c",
     false},
    {"no final newline", "User-agent: *\nDisallow: /a", "stacml", "/a", false},
    {"BOM", "\xef\xbb\xbfUser-agent: *\nDisallow: /a\n", "stacml", "/a", false},
    {"whitespace", "  \tUser-agent  :   *  \n\t Disallow\t:\t/a \t\n", "stacml",
     "/a", false},
    {"case of keys", "USER-AGENT: *\nDISALLOW: /a\n", "stacml", "/a", false},
    {"typo useragent", "useragent: *\ndissallow: /a\n", "stacml", "/a", false},
    {"typo user agent", "user agent: *\ndisalow: /a\n", "stacml", "/a", false},
    {"no colon", "User-agent: *\nDisallow /a\n", "stacml", "/a", true},
    {"colon in value", "User-agent: *\nDisallow: /a:b\n", "stacml", "/a:b/c",
     false},
    {"hash in pattern", "User-agent: *\nDisallow: /a#b\n", "stacml", "/ac",
     false},
    {"comment key", "#User-agent: *\n#Disallow: /\n", "stacml", "/", true},
    {"value case kept", D("/A"), "stacml", "/a", true},
    {"empty path is /", D("/$"), "stacml", "", false},
    {"NULL path is /", D("/$"), "stacml", NULL, false},
};

static void test_allowed(void)
{
    for (size_t i = 0; i < sizeof(allowed_cases) / sizeof(allowed_cases[0]);
         i++) {
        const struct allowed_case *c = &allowed_cases[i];
        struct robots *r = robots_parse(c->body, strlen(c->body), c->agent);

        CHECK_CASE(c->name, robots_allowed(r, c->path) == c->allowed);
        robots_free(r);
    }
}

struct delay_case {
    const char *name;
    const char *body;
    long ms;
};

#define CD(V) "User-agent: *\nCrawl-delay: " V "\n"

static const struct delay_case delay_cases[] = {
    {"absent", "User-agent: *\nDisallow: /\n", 0},
    {"seconds", CD("10"), 10000},
    {"zero", CD("0"), 0},
    {"half", CD("0.5"), 500},
    {"fraction", CD("1.25"), 1250},
    {"leading dot", CD(".5"), 500},
    {"trailing dot", CD("5."), 5000},
    {"sub-millisecond dropped", CD("0.0019"), 1},
    {"spaces", "User-agent: *\nCrawl-delay:   2   # comment\n", 2000},
    {"case", "User-agent: *\nCRAWL-DELAY: 3\n", 3000},
    {"cap", CD("3600"), ROBOTS_MAX_DELAY_MS},
    {"just at cap", CD("60"), ROBOTS_MAX_DELAY_MS},
    {"huge", CD("99999999999999999999999999999"), ROBOTS_MAX_DELAY_MS},
    {"huge fraction", CD("1.99999999999999999999999"), 1999},
    {"empty", CD(""), 0},
    {"dot", CD("."), 0},
    {"negative", CD("-1"), 0},
    {"plus", CD("+1"), 0},
    {"exponent", CD("1e3"), 0},
    {"unit", CD("10 seconds"), 0},
    {"word", CD("ten"), 0},
    {"two dots", CD("1.2.3"), 0},
    {"largest of merged", CD("2") "Crawl-delay: 5\nCrawl-delay: 1\n", 5000},
    {"invalid does not reset", CD("2") "Crawl-delay: x\n", 2000},
    {"other group",
     "User-agent: a\nCrawl-delay: 5\nUser-agent: *\n"
     "Disallow: /\n",
     0},
    {"specific group",
     "User-agent: *\nCrawl-delay: 5\n\n"
     "User-agent: stacml\nCrawl-delay: 1\n",
     1000},
    {"specific without delay",
     "User-agent: *\nCrawl-delay: 5\n\n"
     "User-agent: stacml\nDisallow: /x\n",
     0},
    {"merged groups",
     "User-agent: stacml\nCrawl-delay: 1\n\n"
     "User-agent: *\nCrawl-delay: 9\n\n"
     "User-agent: stacml\nCrawl-delay: 4\n",
     4000},
    {"before any agent", "Crawl-delay: 5\nUser-agent: *\nDisallow: /\n", 0},
};

static void test_crawl_delay(void)
{
    for (size_t i = 0; i < sizeof(delay_cases) / sizeof(delay_cases[0]); i++) {
        const struct delay_case *c = &delay_cases[i];
        struct robots *r = robots_parse(c->body, strlen(c->body), "stacml");

        CHECK_CASE(c->name, robots_crawl_delay_ms(r) == c->ms);
        if (robots_crawl_delay_ms(r) != c->ms)
            fprintf(stderr, "  got %ld\n", robots_crawl_delay_ms(r));
        robots_free(r);
    }
}

static void test_constructors(void)
{
    struct robots *r = robots_new_allow_all();

    CHECK(robots_allowed(r, "/"));
    CHECK(robots_allowed(r, "/anything?x=1"));
    CHECK_INT_EQ(robots_crawl_delay_ms(r), 0);
    robots_free(r);

    r = robots_new_disallow_all();
    CHECK(!robots_allowed(r, "/"));
    CHECK(!robots_allowed(r, "/anything"));
    CHECK(!robots_allowed(r, NULL));
    CHECK(robots_allowed(r, "/robots.txt"));
    CHECK_INT_EQ(robots_crawl_delay_ms(r), 0);
    robots_free(r);
    robots_free(NULL);

    r = robots_parse(NULL, 0, "stacml");
    CHECK(robots_allowed(r, "/"));
    robots_free(r);
    r = robots_parse(NULL, 100, NULL);
    CHECK(robots_allowed(r, "/"));
    robots_free(r);
    r = robots_parse("User-agent: *\nDisallow: /", 14, "stacml");
    CHECK(robots_allowed(r, "/")); /* len stops before the rule */
    robots_free(r);
}

/* The reference semantics of a pattern: exponential, for tiny inputs. */
static bool naive_match(const char *p, const char *s)
{
    if (*p == '\0')
        return true;
    if (p[0] == '$' && p[1] == '\0')
        return *s == '\0';
    if (*p == '*') {
        for (;; s++) {
            if (naive_match(p + 1, s))
                return true;
            if (*s == '\0')
                return false;
        }
    }
    return *s == *p && naive_match(p + 1, s + 1);
}

/* Random patterns over {a, b, *, $} against random paths over {a, b}: the
 * greedy KMP matcher must agree with the naive one. */
static void test_cross_check(void)
{
    static const char pat_chars[] = "ab*$";
    uint32_t seed = 12345;
    int mismatches = 0;

    for (int iter = 0; iter < 20000; iter++) {
        char pat[16], path[16], body[64];
        size_t plen, slen;
        struct robots *r;

        seed = seed * 1103515245 + 12345;
        plen = 1 + (seed >> 16) % 8;
        pat[0] = '/';
        for (size_t i = 1; i < plen; i++) {
            seed = seed * 1103515245 + 12345;
            pat[i] = pat_chars[(seed >> 16) % 4];
        }
        pat[plen] = '\0';
        seed = seed * 1103515245 + 12345;
        slen = 1 + (seed >> 16) % 10;
        path[0] = '/';
        for (size_t i = 1; i < slen; i++) {
            seed = seed * 1103515245 + 12345;
            path[i] = "ab"[(seed >> 16) % 2];
        }
        path[slen] = '\0';
        snprintf(body, sizeof(body), "User-agent: *\nDisallow: %s\n", pat);
        r = robots_parse(body, strlen(body), "stacml");
        if (robots_allowed(r, path) == naive_match(pat, path)) {
            if (mismatches++ < 5)
                fprintf(stderr, "  mismatch: pattern %s path %s\n", pat, path);
        }
        robots_free(r);
    }
    CHECK_INT_EQ(mismatches, 0);
}

/* Append s at dst + n; returns the new length. */
static size_t put(char *dst, size_t n, const char *s)
{
    size_t len = strlen(s);

    memcpy(dst + n, s, len);
    return n + len;
}

static double elapsed_since(clock_t start)
{
    return (double)(clock() - start) / CLOCKS_PER_SEC;
}

static void test_nul_bytes(void)
{
    static const char body[] = "User-agent: *\nDisallow: /a\0b\n"
                               "Disallow: /c\n"
                               "User-agent: \0stacml\nDisallow: /d\n";
    struct robots *r = robots_parse(body, sizeof(body) - 1, "stacml");

    CHECK(robots_allowed(r, "/a"));  /* the line with a NUL is skipped */
    CHECK(!robots_allowed(r, "/c")); /* the next one is not */
    CHECK(!robots_allowed(r, "/d")); /* still the "*" group */
    robots_free(r);
}

static void test_garbage(void)
{
    static const char alphabet[] = "User-agent:*Disallow:/*$a\n\r #%7E";
    size_t len = 1024 * 1024;
    char *body = xmalloc(len);
    uint32_t seed = 42;
    struct robots *r;
    clock_t start = clock();

    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        body[i] = (char)(seed >> 16);
    }
    r = robots_parse(body, len, "stacml");
    (void)robots_allowed(r, "/");
    CHECK(robots_allowed(r, "/robots.txt"));
    CHECK(robots_crawl_delay_ms(r) >= 0);
    CHECK(robots_crawl_delay_ms(r) <= ROBOTS_MAX_DELAY_MS);
    robots_free(r);

    /* Garbage built from robots.txt characters: more rules, more stars. */
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        body[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
    }
    r = robots_parse(body, len, "stacml");
    (void)robots_allowed(r, "/a/b/c*$%7e");
    robots_free(r);
    CHECK(elapsed_since(start) < 5.0);
    free(body);
}

/* Only the first ROBOTS_MAX_BODY bytes count, and the line the cap cuts is
 * dropped, not shortened. */
static void test_body_cap(void)
{
    static const char head[] = "User-agent: *\nDisallow: /first\n";
    static const char cut[] = "Disallow: /private\n";
    size_t len = ROBOTS_MAX_BODY + 4096, at = ROBOTS_MAX_BODY - 6;
    char *body = xmalloc(len);
    struct robots *r;

    memset(body, '#', len);
    memcpy(body, head, sizeof(head) - 1);
    body[at - 1] = '\n';
    memcpy(body + at, cut, sizeof(cut) - 1); /* cut after "Disall" */
    memcpy(body + len - 13, "\nDisallow: /\n", 13);
    r = robots_parse(body, len, "stacml");
    CHECK(!robots_allowed(r, "/first"));
    CHECK(robots_allowed(r, "/private"));
    CHECK(robots_allowed(r, "/d")); /* "Disall" did not become a rule */
    CHECK(robots_allowed(r, "/x")); /* the final rule is past the cap */
    robots_free(r);

    /* A line ending exactly at the cap is kept. */
    at = ROBOTS_MAX_BODY - (sizeof(cut) - 2);
    memset(body + sizeof(head) - 1, '#', len - (sizeof(head) - 1));
    body[at - 1] = '\n';
    memcpy(body + at, cut, sizeof(cut) - 1);
    r = robots_parse(body, len, "stacml");
    CHECK(!robots_allowed(r, "/private"));
    robots_free(r);
    free(body);
}

static void test_long_lines(void)
{
    char *body = xmalloc(4 * ROBOTS_MAX_LINE);
    size_t head = strlen("User-agent: *\n"), n;
    struct robots *r;
    char *path;

    /* A line of exactly ROBOTS_MAX_LINE bytes is kept... */
    memcpy(body, "User-agent: *\nDisallow: /", head + 11);
    n = head + ROBOTS_MAX_LINE;
    memset(body + head + 11, 'a', n - head - 11);
    body[n] = '\n';
    r = robots_parse(body, n + 1, "stacml");
    path = xstrndup(body + head + 10, ROBOTS_MAX_LINE - 10);
    CHECK(!robots_allowed(r, path));
    robots_free(r);

    /* ...one byte more and it is ignored whole, and the next line is
     * parsed as usual. */
    body[n] = 'a';
    memcpy(body + n + 1, "\nDisallow: /b\n", 14);
    r = robots_parse(body, n + 15, "stacml");
    CHECK(robots_allowed(r, path));
    CHECK(!robots_allowed(r, "/b"));
    robots_free(r);
    free(path);
    free(body);
}

/* The first ROBOTS_MAX_RULES rules are kept, the rest ignored. */
static void test_many_rules(void)
{
    const size_t count = 100000;
    char *body = xmalloc(count * 24 + 32), path[32];
    size_t n = 0;
    struct robots *r;
    clock_t start = clock();

    n = put(body, 0, "User-agent: *\n");
    for (size_t i = 0; i < count; i++)
        n += (size_t)sprintf(body + n, "Disallow: /d%zu$\n", i);
    r = robots_parse(body, n, "stacml");
    CHECK(!robots_allowed(r, "/d0"));
    snprintf(path, sizeof(path), "/d%d", ROBOTS_MAX_RULES - 1);
    CHECK(!robots_allowed(r, path));
    snprintf(path, sizeof(path), "/d%d", ROBOTS_MAX_RULES);
    CHECK(robots_allowed(r, path));
    for (int i = 0; i < 1000; i++)
        (void)robots_allowed(r, "/nothing/matches/this/path");
    robots_free(r);
    CHECK(elapsed_since(start) < 5.0);
    free(body);
}

/* Patterns made to defeat backtracking matchers, against an 8 KiB path. */
static void test_stars(void)
{
    const size_t plen = 8192;
    char *path = xmalloc(plen + 1), *body = xmalloc(600 * 1024);
    size_t n;
    struct robots *r;
    clock_t start = clock();

    path[0] = '/';
    memset(path + 1, 'a', plen - 1);
    path[plen] = '\0';

    /* 1,000 '*' then a byte that is not there. */
    n = put(body, 0, "User-agent: *\nDisallow: /");
    memset(body + n, '*', 1000);
    n += 1000;
    n = put(body, n, "b\n");
    r = robots_parse(body, n, "stacml");
    CHECK(robots_allowed(r, path));
    robots_free(r);

    /* "*a" 1,000 times then "b", and the same anchored. */
    n = put(body, 0, "User-agent: *\nDisallow: /");
    for (int i = 0; i < 1000; i++)
        n = put(body, n, "*a");
    n = put(body, n, "b\nDisallow: /");
    for (int i = 0; i < 1000; i++)
        n = put(body, n, "*a");
    n = put(body, n, "$\n");
    r = robots_parse(body, n, "stacml");
    CHECK(!robots_allowed(r, path)); /* the anchored one matches */
    path[plen - 1] = 'b';
    CHECK(!robots_allowed(r, path)); /* now the first one does too */
    path[plen - 1] = 'a';
    robots_free(r);

    /* A body full of long near-miss segments: KMP keeps each linear. */
    n = put(body, 0, "User-agent: *\n");
    while (n < 500 * 1024) {
        n = put(body, n, "Disallow: /*");
        memset(body + n, 'a', 2000);
        n += 2000;
        n = put(body, n, "b*\n");
    }
    r = robots_parse(body, n, "stacml");
    for (int i = 0; i < 10; i++)
        CHECK(robots_allowed(r, path));
    robots_free(r);

    /* Many short star rules that all scan the whole path. */
    n = put(body, 0, "User-agent: *\n");
    for (int i = 0; i < ROBOTS_MAX_RULES; i++)
        n += (size_t)sprintf(body + n, "Disallow: *a*%c\n", 'b' + i % 20);
    r = robots_parse(body, n, "stacml");
    CHECK(robots_allowed(r, path));
    robots_free(r);

    CHECK(elapsed_since(start) < 5.0);
    if (elapsed_since(start) >= 5.0)
        fprintf(stderr, "  stars took %.2f s\n", elapsed_since(start));
    free(path);
    free(body);
}

int main(void)
{
    test_allowed();
    test_crawl_delay();
    test_constructors();
    test_cross_check();
    test_nul_bytes();
    test_garbage();
    test_body_cap();
    test_long_lines();
    test_many_rules();
    test_stars();
    return check_exit("test-robots");
}
