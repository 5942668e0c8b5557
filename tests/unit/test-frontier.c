/* SPDX-License-Identifier: MIT */
/* Unit tests of the frontier: uniqueness, per-host limits without
 * head-of-line blocking, fair rotation over hosts, and scale. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "crawler/frontier.h"
#include "src/err.h"
#include "tests/lib/check.h"

static void test_unique(void)
{
    struct frontier *f = frontier_new(4);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 0, 0), 1);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 3, 0), 0);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/y.json", "s", 1, 0), 1);
    CHECK(frontier_seen(f, "http://a.test/x.json"));
    CHECK(!frontier_seen(f, "http://a.test/z.json"));
    CHECK_INT_EQ(frontier_queued(f), 2);
    CHECK_INT_EQ(frontier_push(f, "not a url", NULL, 0, 0) < 0, 1);
    struct frontier_entry *e = frontier_pop(f);
    CHECK_STR_EQ(e->url, "http://a.test/x.json");
    CHECK_STR_EQ(e->source, "http://a.test/x.json"); /* own source */
    frontier_done(f, e);
    /* Done entries stay seen: a cycle back to them is not re-queued. */
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 0, 0), 0);
    e = frontier_pop(f);
    CHECK_STR_EQ(e->source, "s");
    CHECK_INT_EQ(e->depth, 1);
    frontier_done(f, e);
    CHECK(frontier_pop(f) == NULL);
    frontier_free(f);
}

static void test_per_host(void)
{
    struct frontier *f = frontier_new(2);
    char url[64];
    for (int i = 0; i < 10; i++) {
        snprintf(url, sizeof(url), "http://a.test/%d.json", i);
        frontier_push(f, url, NULL, 0, 0);
    }
    frontier_push(f, "http://b.test/0.json", NULL, 0, 0);
    struct frontier_entry *got[4];
    int n = 0;
    struct frontier_entry *e;
    while ((e = frontier_pop(f)) != NULL)
        got[n++] = e;
    /* Two from a.test (its limit), and b.test is not blocked behind it. */
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(frontier_in_flight(f), 3);
    int b = 0;
    for (int i = 0; i < n; i++)
        b += strstr(got[i]->url, "b.test") != NULL;
    CHECK_INT_EQ(b, 1);
    /* Finishing one a.test entry lets exactly one more a.test go. */
    for (int i = 0; i < n; i++) {
        if (strstr(got[i]->url, "a.test")) {
            frontier_done(f, got[i]);
            got[i] = NULL;
            break;
        }
    }
    e = frontier_pop(f);
    CHECK(e && strstr(e->url, "a.test"));
    CHECK(frontier_pop(f) == NULL);
    frontier_done(f, e);
    for (int i = 0; i < n; i++)
        if (got[i])
            frontier_done(f, got[i]);
    frontier_free(f); /* frees the queued rest */
}

static void test_rotation(void)
{
    struct frontier *f = frontier_new(100);
    const char *urls[] = {"http://a.test/1", "http://a.test/2",
                          "http://a.test/3", "http://b.test/1",
                          "http://c.test/1"};
    for (size_t i = 0; i < 5; i++)
        frontier_push(f, urls[i], NULL, 0, 0);
    /* Hosts take turns: a, b, c, a, a. */
    const char *want[] = {"http://a.test/1", "http://b.test/1",
                          "http://c.test/1", "http://a.test/2",
                          "http://a.test/3"};
    for (size_t i = 0; i < 5; i++) {
        struct frontier_entry *e = frontier_pop(f);
        CHECK(e != NULL);
        if (!e)
            break;
        CHECK_STR_EQ(e->url, want[i]);
        frontier_done(f, e);
    }
    frontier_free(f);
}

static void test_scale(void)
{
    struct frontier *f = frontier_new(4);
    char url[64];
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        snprintf(url, sizeof(url), "https://h%d.test/i/%d.json", i % 97, i);
        frontier_push(f, url, NULL, 0, 0);
    }
    for (int i = 0; i < n; i += 7) {
        snprintf(url, sizeof(url), "https://h%d.test/i/%d.json", i % 97, i);
        CHECK_INT_EQ(frontier_push(f, url, NULL, 0, 0), 0);
    }
    CHECK_INT_EQ(frontier_seen_count(f), n);
    size_t popped = 0;
    struct frontier_entry *e;
    while ((e = frontier_pop(f)) != NULL) {
        frontier_done(f, e);
        popped++;
    }
    CHECK_INT_EQ(popped, n);
    frontier_free(f);
}

int main(void)
{
    test_unique();
    test_per_host();
    test_rotation();
    test_scale();
    return check_exit("test-frontier");
}
