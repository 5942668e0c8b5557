/* SPDX-License-Identifier: MIT */
/* Unit tests of the frontier: uniqueness, per-host limits without
 * head-of-line blocking, fair rotation over hosts, and scale. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/frontier.h"
#include "src/err.h"
#include "tests/lib/check.h"

static void test_unique(void)
{
    struct frontier *f = frontier_new(4, 0);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 0, 0), 1);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 3, 0), 0);
    CHECK_INT_EQ(frontier_push(f, "http://a.test/y.json", "s", 1, 0), 1);
    CHECK(frontier_seen(f, "http://a.test/x.json"));
    CHECK(!frontier_seen(f, "http://a.test/z.json"));
    CHECK_INT_EQ(frontier_queued(f), 2);
    CHECK_INT_EQ(frontier_push(f, "not a url", NULL, 0, 0) < 0, 1);
    /* The last queued comes first (depth-first). */
    struct frontier_entry *e = frontier_pop(f, 0);
    CHECK_STR_EQ(e->source, "s");
    CHECK_INT_EQ(e->depth, 1);
    frontier_done(f, e);
    e = frontier_pop(f, 0);
    CHECK_STR_EQ(e->url, "http://a.test/x.json");
    CHECK_STR_EQ(e->source, "http://a.test/x.json"); /* own source */
    frontier_done(f, e);
    /* Done entries stay seen: a cycle back to them is not re-queued. */
    CHECK_INT_EQ(frontier_push(f, "http://a.test/x.json", NULL, 0, 0), 0);
    CHECK(frontier_pop(f, 0) == NULL);
    frontier_free(f);
}

static void test_per_host(void)
{
    struct frontier *f = frontier_new(2, 0);
    char url[64];
    for (int i = 0; i < 10; i++) {
        snprintf(url, sizeof(url), "http://a.test/%d.json", i);
        frontier_push(f, url, NULL, 0, 0);
    }
    frontier_push(f, "http://b.test/0.json", NULL, 0, 0);
    struct frontier_entry *got[4];
    int n = 0;
    struct frontier_entry *e;
    while ((e = frontier_pop(f, 0)) != NULL)
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
    e = frontier_pop(f, 0);
    CHECK(e && strstr(e->url, "a.test"));
    CHECK(frontier_pop(f, 0) == NULL);
    frontier_done(f, e);
    for (int i = 0; i < n; i++)
        if (got[i])
            frontier_done(f, got[i]);
    frontier_free(f); /* frees the queued rest */
}

static void test_rotation(void)
{
    struct frontier *f = frontier_new(100, 0);
    const char *urls[] = {"http://a.test/1", "http://a.test/2",
                          "http://a.test/3", "http://b.test/1",
                          "http://c.test/1"};
    for (size_t i = 0; i < 5; i++)
        frontier_push(f, urls[i], NULL, 0, 0);
    /* Hosts take turns: a, b, c, a, a; within a host, last in first. */
    const char *want[] = {"http://a.test/3", "http://b.test/1",
                          "http://c.test/1", "http://a.test/2",
                          "http://a.test/1"};
    for (size_t i = 0; i < 5; i++) {
        struct frontier_entry *e = frontier_pop(f, 0);
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
    struct frontier *f = frontier_new(4, 0);
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
    while ((e = frontier_pop(f, 0)) != NULL) {
        frontier_done(f, e);
        popped++;
    }
    CHECK_INT_EQ(popped, n);
    frontier_free(f);
}

/* Spacing per host, holds and FRONTIER_F_FIRST, and requeueing. */
static void test_timing(void)
{
    struct frontier *f = frontier_new(4, 100);
    frontier_push(f, "http://a.test/1", NULL, 0, 0);
    frontier_push(f, "http://a.test/2", NULL, 0, 0);
    frontier_push(f, "http://b.test/1", NULL, 0, 0);
    struct frontier_entry *a1 = frontier_pop(f, 1000);
    struct frontier_entry *b1 = frontier_pop(f, 1000);
    CHECK(a1 && b1 && strstr(a1->url, "a.test") && strstr(b1->url, "b.test"));
    /* a.test must wait 100 ms after its last start. */
    CHECK(frontier_pop(f, 1050) == NULL);
    CHECK_INT_EQ(frontier_next_wake(f), 1100);
    struct frontier_entry *a2 = frontier_pop(f, 1100);
    CHECK(a2 && strcmp(a2->url, "http://a.test/1") == 0);
    /* A 429: the host slows down for good. */
    frontier_host_slow(f, a2, 1000, 5000);
    frontier_unpop(f, a2);
    CHECK(frontier_pop(f, 4999) == NULL);
    struct frontier_entry *again = frontier_pop(f, 5000);
    CHECK(again == a2);
    frontier_done(f, again);
    frontier_done(f, a1);
    frontier_done(f, b1);

    /* A held host hands out only its FRONTIER_F_FIRST entry. */
    frontier_push(f, "http://c.test/doc", NULL, 0, 0);
    struct frontier_entry *c = frontier_pop(f, 10000);
    CHECK(c != NULL);
    frontier_host_hold(f, c, true);
    frontier_unpop(f, c);
    CHECK(frontier_pop(f, 20000) == NULL);
    frontier_push_again(f, "http://c.test/robots.txt", NULL, 0,
                        FRONTIER_F_FIRST, NULL);
    /* Pushed while held: goes under the robots.txt, not over it. */
    frontier_push(f, "http://c.test/later", NULL, 0, 0);
    struct frontier_entry *r = frontier_pop(f, 20000);
    CHECK(r && strcmp(r->url, "http://c.test/robots.txt") == 0);
    CHECK(frontier_pop(f, 30000) == NULL);
    frontier_host_hold(f, r, false);
    frontier_done(f, r);
    struct frontier_entry *later = frontier_pop(f, 30000);
    CHECK(later && strcmp(later->url, "http://c.test/later") == 0);
    frontier_done(f, later);
    c = frontier_pop(f, 40000);
    CHECK(c && strcmp(c->url, "http://c.test/doc") == 0);
    /* Released for a retry, then queued again. */
    frontier_release(f, c);
    CHECK_INT_EQ(frontier_in_flight(f), 0);
    CHECK_INT_EQ(frontier_queued(f), 0);
    frontier_requeue(f, c, false);
    CHECK(frontier_pop(f, 50000) == c);
    frontier_done(f, c);
    frontier_free(f);
}

/* What the shared callback was told: "source>owner" lines. */
static char told[256];

static void on_shared(void *ctx, const char *source, const char *owner)
{
    int *n = ctx;
    (*n)++;
    size_t len = strlen(told);
    snprintf(told + len, sizeof(told) - len, "%s>%s\n", source, owner);
}

static void test_sources(void)
{
    struct frontier *f = frontier_new(4, 0);
    int n = 0;
    /* Not tracked: nothing told. */
    frontier_push(f, "http://a.test/x", "A", 0, 0);
    frontier_push(f, "http://a.test/x", "B", 0, 0);
    CHECK_INT_EQ(n, 0);
    frontier_track_sources(f, on_shared, &n);
    frontier_push(f, "http://a.test/a", "A", 0, 0);
    frontier_push(f, "http://a.test/b", "B", 0, 0);
    /* A source's own URL again, and a seed (its own source). */
    frontier_push(f, "http://a.test/a", "A", 0, 0);
    frontier_push(f, "http://a.test/s", NULL, 0, 0);
    CHECK_INT_EQ(n, 0);
    /* B links into A's: told once, however many links. */
    frontier_push(f, "http://a.test/a", "B", 1, 0);
    frontier_push(f, "http://a.test/a", "B", 2, 0);
    CHECK_INT_EQ(n, 1);
    /* A into B's, and into the seed's. */
    frontier_push(f, "http://a.test/b", "A", 1, 0);
    frontier_push(f, "http://a.test/s", "A", 1, 0);
    CHECK_INT_EQ(n, 3);
    CHECK_STR_EQ(told, "B>A\nA>B\nA>http://a.test/s\n");
    /* A URL pushed again on purpose tells nothing. */
    frontier_push_again(f, "http://a.test/b", "A", 0, 0, NULL);
    CHECK_INT_EQ(n, 3);
    frontier_free(f);
}

/* A registry's worth of sources, each with its own URLs and one link into
 * the first source's: every pair told once, the table grown through many
 * sizes, and sources looked up by name (not by the last one) when their
 * pushes interleave. */
static void test_many_sources(void)
{
    enum { SOURCES = 5000, EACH = 20 };
    struct frontier *f = frontier_new(4, 0);
    int n = 0;
    char url[96], src[32];
    frontier_track_sources(f, on_shared, &n);
    for (int k = 0; k < EACH; k++)
        for (int i = 0; i < SOURCES; i++) {
            snprintf(src, sizeof(src), "S%d", i);
            snprintf(url, sizeof(url), "http://h%d.test/%d", i % 97,
                     i * EACH + k);
            frontier_push(f, url, src, 0, 0);
        }
    CHECK_INT_EQ(n, 0);
    told[0] = '\0';
    for (int i = 1; i < SOURCES; i++) {
        snprintf(src, sizeof(src), "S%d", i);
        frontier_push(f, "http://h0.test/0", src, 1, 0);
        frontier_push(f, "http://h0.test/1", src, 1, 0);
    }
    CHECK_INT_EQ(n, SOURCES - 1);
    CHECK(strncmp(told, "S1>S0\nS2>S0\n", 12) == 0);
    frontier_free(f);
}

int main(void)
{
    test_unique();
    test_per_host();
    test_rotation();
    test_scale();
    test_timing();
    test_sources();
    test_many_sources();
    return check_exit("test-frontier");
}
