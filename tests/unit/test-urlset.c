/* SPDX-License-Identifier: MIT */
/* Unit tests of the URL set: membership, clearing, and its size: a few
 * dozen bytes a URL, whatever the URL's length. */
#include <config.h>

#include <stdio.h>

#include "src/urlset.h"
#include "tests/lib/check.h"

static void test_members(void)
{
    struct urlset *s = urlset_new();
    CHECK(!urlset_has(s, "http://a.test/x.json"));
    CHECK(urlset_add(s, "http://a.test/x.json"));
    CHECK(!urlset_add(s, "http://a.test/x.json"));
    CHECK(urlset_has(s, "http://a.test/x.json"));
    CHECK(!urlset_has(s, "http://a.test/y.json"));
    CHECK(urlset_add(s, ""));
    CHECK_INT_EQ(urlset_count(s), 2);
    urlset_clear(s);
    CHECK_INT_EQ(urlset_count(s), 0);
    CHECK(!urlset_has(s, "http://a.test/x.json"));
    CHECK(urlset_add(s, "http://a.test/x.json"));
    urlset_free(s);
    urlset_free(NULL);
}

/* The harvest keeps one entry per model record of the catalog: 200,000
 * long URLs must take at most 32 bytes each (a jansson object as a set
 * took about 150, and a copy of each URL). */
static void test_size(void)
{
    struct urlset *s = urlset_new();
    char url[256];
    const size_t n = 200000;
    for (size_t i = 0; i < n; i++) {
        snprintf(url, sizeof(url),
                 "https://catalog.example.test/collections/sentinel-2-l2a/"
                 "items/S2B_MSIL2A_20240101T000000_N0510_R000_T00AAA_%zu",
                 i);
        CHECK(urlset_add(s, url));
    }
    CHECK_INT_EQ(urlset_count(s), n);
    CHECK(urlset_bytes(s) <= 32 * n);
    size_t again = 0;
    for (size_t i = 0; i < n; i += 3) {
        snprintf(url, sizeof(url),
                 "https://catalog.example.test/collections/sentinel-2-l2a/"
                 "items/S2B_MSIL2A_20240101T000000_N0510_R000_T00AAA_%zu",
                 i);
        again += urlset_add(s, url);
    }
    CHECK_INT_EQ(again, 0);
    urlset_clear(s);
    CHECK_INT_EQ(urlset_bytes(s), 0);
    urlset_free(s);
}

int main(void)
{
    test_members();
    test_size();
    return check_exit("test-urlset");
}
