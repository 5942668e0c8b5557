/* SPDX-License-Identifier: MIT */
/* Unit tests for crawler/headers.c: the header lines a response's
 * validators and Retry-After are read from, one sequence of lines per
 * case (as libcurl hands them over, line ends included): trimming, names
 * in any case, strong and weak ETags, the length cap, the status line of
 * each response after a redirect, and lines that must change nothing. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "crawler/headers.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

struct header_case {
    const char *name;
    const char *lines[6];                           /* NULL-terminated */
    const char *etag, *last_modified, *retry_after; /* NULL: none kept */
};

#define NONE NULL

static const struct header_case cases[] = {
    {"strong etag",
     {"HTTP/1.1 200 OK\r\n", "ETag: \"abc\"\r\n"},
     "\"abc\"",
     NONE,
     NONE},
    {"weak etag",
     {"HTTP/1.1 200 OK\r\n", "etag: W/\"x-1\"\r\n"},
     "W/\"x-1\"",
     NONE,
     NONE},
    {"unquoted etag, LF only", {"ETAG: abc\n"}, "abc", NONE, NONE},
    {"no line end", {"ETag: abc"}, "abc", NONE, NONE},
    {"blanks trimmed", {"ETag: \t \"a b\" \t\r\n"}, "\"a b\"", NONE, NONE},
    {"no blank after the colon", {"ETag:\"a\"\r\n"}, "\"a\"", NONE, NONE},
    {"last one wins", {"ETag: a\r\n", "ETag: b\r\n"}, "b", NONE, NONE},
    {"empty value drops the earlier one",
     {"ETag: a\r\n", "ETag:\r\n"},
     NONE,
     NONE,
     NONE},
    {"blank value", {"ETag: a\r\n", "ETag:  \t \r\n"}, NONE, NONE, NONE},
    /* Five bytes: no value at all, not even an empty one. */
    {"bare name", {"ETag: a\r\n", "ETag:"}, "a", NONE, NONE},
    {"last-modified",
     {"HTTP/2 200 \r\n", "last-modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"},
     NONE,
     "Sun, 06 Nov 1994 08:49:37 GMT",
     NONE},
    {"retry-after seconds",
     {"HTTP/1.1 503 \r\n", "Retry-After: 120\r\n"},
     NONE,
     NONE,
     "120"},
    {"retry-after date",
     {"RETRY-AFTER:Fri, 31 Dec 1999 23:59:59 GMT\r\n"},
     NONE,
     NONE,
     "Fri, 31 Dec 1999 23:59:59 GMT"},
    {"all three",
     {"HTTP/1.1 429 Too Many Requests\r\n", "ETag: \"e\"\r\n",
      "Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n", "Retry-After: 5\r\n",
      "\r\n"},
     "\"e\"",
     "Mon, 01 Jan 2024 00:00:00 GMT",
     "5"},
    /* A redirect's response comes first: its values are not the
     * document's. */
    {"status line forgets",
     {"HTTP/1.1 301 Moved Permanently\r\n", "ETag: \"old\"\r\n",
      "Retry-After: 9\r\n", "HTTP/1.1 200 OK\r\n", "Last-Modified: x\r\n"},
     NONE,
     "x",
     NONE},
    {"http/2 status line forgets",
     {"ETag: a\r\n", "HTTP/2 304\r\n"},
     NONE,
     NONE,
     NONE},
    /* Only "HTTP/" in capitals is a status line, as libcurl writes it. */
    {"lower-case status line",
     {"ETag: a\r\n", "http/1.1 200 OK\r\n"},
     "a",
     NONE,
     NONE},
    {"same first letter",
     {"ETag: a\r\n", "Expires: 0\r\n", "ETagged: b\r\n", "Location: /x\r\n",
      "Link: <y>\r\n"},
     "a",
     NONE,
     NONE},
    {"blank before the colon", {"ETag : a\r\n"}, NONE, NONE, NONE},
    {"name too short",
     {"ETa\r\n", "Retry\r\n", "L\r\n", "H"},
     NONE,
     NONE,
     NONE},
    /* obs-fold: libcurl hands the continuation over as a line of its own,
     * which is not joined (a validator never needs two lines). */
    {"folded line", {"ETag: \"a\r\n", " b\"\r\n"}, "\"a", NONE, NONE},
    {"end of headers", {"ETag: a\r\n", "\r\n", "\n"}, "a", NONE, NONE},
    /* A CR inside a value (libcurl cuts lines at LF alone) is refused, and
     * the earlier value goes as with any value refused. */
    {"CR inside", {"ETag: a\r\n", "ETag: \"a\rb\"\r\n"}, NONE, NONE, NONE},
    {"CR before the CR LF",
     {"Last-Modified: x\r\r\n", "Retry-After: \r5\r\n"},
     NONE,
     "x",
     NONE},
};

static void run_case(const struct header_case *tc)
{
    struct headers h = {0};
    for (size_t i = 0; tc->lines[i]; i++)
        headers_read_line(&h, tc->lines[i], strlen(tc->lines[i]));
    CHECK_CASE(tc->name, !tc->etag == !h.etag);
    CHECK_CASE(tc->name, !tc->etag || strcmp(tc->etag, h.etag) == 0);
    CHECK_CASE(tc->name, !tc->last_modified == !h.last_modified);
    CHECK_CASE(tc->name, !tc->last_modified ||
                             strcmp(tc->last_modified, h.last_modified) == 0);
    CHECK_CASE(tc->name, !tc->retry_after == !h.retry_after);
    CHECK_CASE(tc->name,
               !tc->retry_after || strcmp(tc->retry_after, h.retry_after) == 0);
    headers_cleanup(&h);
    CHECK(!h.etag && !h.last_modified && !h.retry_after);
}

/* "ETag: " and n bytes of value, then CR LF. */
static char *long_line(size_t n, size_t *len)
{
    char *line = xmalloc(n + 9);
    memcpy(line, "ETag: ", 6);
    memset(line + 6, 'v', n);
    memcpy(line + 6 + n, "\r\n", 3);
    *len = n + 8;
    return line;
}

static void test_cap(void)
{
    struct headers h = {0};
    size_t len;
    char *line = long_line(HEADERS_VALUE_MAX, &len);
    headers_read_line(&h, line, len);
    CHECK(h.etag && strlen(h.etag) == HEADERS_VALUE_MAX);
    free(line);
    /* One byte more is absurd: not kept, and the earlier value goes. */
    line = long_line(HEADERS_VALUE_MAX + 1, &len);
    headers_read_line(&h, line, len);
    CHECK(h.etag == NULL);
    free(line);
    /* Blanks around a value do not count towards the cap. */
    line = long_line(HEADERS_VALUE_MAX, &len);
    line[6] = line[len - 3] = ' ';
    headers_read_line(&h, line, len);
    CHECK(h.etag && strlen(h.etag) == HEADERS_VALUE_MAX - 2);
    free(line);
    headers_cleanup(&h);
}

/* The line is read for len bytes only: it need not end in a NUL. */
static void test_not_terminated(void)
{
    struct headers h = {0};
    const char text[] = "ETag: abcdef";
    headers_read_line(&h, text, 9);
    CHECK_STR_EQ(h.etag, "abc");
    headers_read_line(&h, text, 0);
    CHECK_STR_EQ(h.etag, "abc");
    headers_cleanup(&h);
    headers_cleanup(&h); /* twice is fine */
}

/* A NUL inside a value (which the table's strings cannot hold) is
 * refused: the copy would be cut there. */
static void test_nul(void)
{
    struct headers h = {0};
    const char line[] = "ETag: \"x\0y\"\r\n";
    const char empty[] = "Last-Modified: \0\r\n";
    headers_read_line(&h, "ETag: a\r\n", 9);
    headers_read_line(&h, line, sizeof(line) - 1);
    CHECK(h.etag == NULL);
    headers_read_line(&h, empty, sizeof(empty) - 1);
    CHECK(h.last_modified == NULL);
    headers_cleanup(&h);
}

/* in_headers: from a status line to the empty line that ends its
 * headers, so that a reply cut off in between can be told. */
static void test_in_headers(void)
{
    static const char *const steps[][2] = {
        {"HTTP/1.1 200 OK\r\n", "1"},
        {"ETag: a\r\n", "1"},
        {" \r\n", "1"},
        {"\r\r\n", "1"},
        {"\r\n", "0"},
        {"HTTP/1.1 301 Moved\r\n", "1"},
        {"\n", "0"},
        {"X-Trailer: t\r\n", "0"},
        {"HTTP/2 200\r\n", "1"},
    };
    struct headers h = {0};
    CHECK(!h.in_headers);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        headers_read_line(&h, steps[i][0], strlen(steps[i][0]));
        CHECK_CASE(steps[i][0], h.in_headers == (steps[i][1][0] == '1'));
    }
    headers_cleanup(&h);
    CHECK(!h.in_headers);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    test_cap();
    test_not_terminated();
    test_nul();
    test_in_headers();
    return check_exit("test-headers");
}
