/* SPDX-License-Identifier: MIT */
/* The response header lines the fetcher keeps: the status line (which
 * starts a new response, after a redirect) and the values of ETag,
 * Last-Modified and Retry-After. Pure: fed one line at a time, as
 * libcurl's header callback gets them, it needs no libcurl, so it is
 * unit-tested and fuzzed on its own. */
#ifndef CRAWLER_HEADERS_H
#define CRAWLER_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

/* A value longer than this (after trimming) is not kept: no validator or
 * date is that long. */
#define HEADERS_VALUE_MAX 1024

/* The values kept, each NULL when absent; owned (freed by
 * headers_cleanup()). A zeroed struct is an empty one. */
struct headers {
    char *etag;
    char *last_modified;
    char *retry_after;
    /* From a status line to the blank line that ends its headers: a reply
     * whose connection closed in between was cut short, which libcurl
     * (7.88) lets pass as a complete reply with no body. */
    bool in_headers;
};

/* Read one header line of len bytes (not NUL-terminated; its CR LF, if
 * any, included): a status line ("HTTP/...") forgets every value kept and
 * sets in_headers, an empty line (CR LF or LF) clears it, a
 * line of a kept header replaces its value (with surrounding blanks and
 * line ends trimmed; NULL when empty, longer than HEADERS_VALUE_MAX, or
 * holding a CR, LF or NUL),
 * and any other line changes nothing. */
void headers_read_line(struct headers *h, const char *line, size_t len);

/* Free the values kept and leave h empty. */
void headers_cleanup(struct headers *h);

#endif
