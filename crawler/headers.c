/* SPDX-License-Identifier: MIT */
/* The response header lines the fetcher keeps (headers.h). */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/headers.h"
#include "src/xalloc.h"

/* Whether a value holds a CR, LF or NUL. RFC 9110 5.5 calls them invalid
 * and dangerous in a field value: a recipient must reject it or blank them
 * out. libcurl hands a bare CR inside a line to the header callback (older
 * versions a NUL too), and a value kept here goes back to the server in a
 * request header of our own (If-None-Match, If-Modified-Since). */
static bool has_line_break(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] == '\r' || p[i] == '\n' || p[i] == '\0')
            return true;
    return false;
}

/* Copy a header value, trimmed; NULL when it is absurdly long or holds a
 * line break or NUL (a validator changed to blanks is no validator). */
static char *header_value(const char *p, size_t len)
{
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
                   p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len == 0 || len > HEADERS_VALUE_MAX || has_line_break(p, len))
        return NULL;
    return xstrndup(p, len);
}

static void take_header(char **slot, const char *p, size_t len)
{
    free(*slot);
    *slot = header_value(p, len);
}

void headers_read_line(struct headers *h, const char *ptr, size_t len)
{
    /* Most header lines are none of those below: tell them by their first
     * letter (a libc call per name and line was a tenth of the loop's own
     * work per document). */
    if ((len == 1 && ptr[0] == '\n') ||
        (len == 2 && ptr[0] == '\r' && ptr[1] == '\n')) {
        h->in_headers = false; /* the end of this reply's headers */
        return;
    }
    switch (len ? ptr[0] | 0x20 : 0) {
    case 'h': /* HTTP/ */
    case 'e': /* ETag */
    case 'l': /* Last-Modified */
    case 'r': /* Retry-After */
        break;
    default:
        return;
    }
    /* A new response (after a redirect) starts with a status line: forget
     * the validators of the previous one. */
    if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        headers_cleanup(h);
        h->in_headers = true;
    } else if (len > 5 && strncasecmp(ptr, "etag:", 5) == 0) {
        take_header(&h->etag, ptr + 5, len - 5);
    } else if (len > 14 && strncasecmp(ptr, "last-modified:", 14) == 0) {
        take_header(&h->last_modified, ptr + 14, len - 14);
    } else if (len > 12 && strncasecmp(ptr, "retry-after:", 12) == 0) {
        take_header(&h->retry_after, ptr + 12, len - 12);
    }
}

void headers_cleanup(struct headers *h)
{
    free(h->etag);
    free(h->last_modified);
    free(h->retry_after);
    h->etag = h->last_modified = h->retry_after = NULL;
    h->in_headers = false;
}
