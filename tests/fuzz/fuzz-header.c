/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/headers.c: the input is a response's header
 * block, cut into lines after each LF as libcurl hands them to its header
 * callback (each line copied to a block of its own size, so ASan sees any
 * read past it). After every line: a status line has emptied the values
 * kept; any other line has changed at most the one value it names, to the
 * rest of that line trimmed; and every value kept is non-empty, within
 * HEADERS_VALUE_MAX, without CR, LF or NUL and without blanks around it. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/headers.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* A value as it may be kept: what it was sent as is checked apart. */
static void check_value(const char *v)
{
    if (!v)
        return;
    size_t n = strlen(v);
    if (n == 0 || n > HEADERS_VALUE_MAX || strpbrk(v, "\r\n") ||
        is_blank(v[0]) || is_blank(v[n - 1]))
        abort();
}

/* A value the line just set: the whole rest of the line after the first
 * colon, but for the blanks around it (a NUL inside would cut it short,
 * and the bytes after the NUL would be left over). */
static void check_taken(const char *v, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        abort();
    const char *p = colon + 1, *end = line + len;
    while (p < end && is_blank(*p))
        p++;
    size_t n = strlen(v);
    if ((size_t)(end - p) < n || memcmp(p, v, n) != 0)
        abort();
    for (p += n; p < end; p++)
        if (!is_blank(*p))
            abort();
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void read_line(struct headers *h, const char *line, size_t len)
{
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, line, len);
    /* By content: a value freed and taken anew may get the same block. */
    char *before[3] = {h->etag ? xstrdup(h->etag) : NULL,
                       h->last_modified ? xstrdup(h->last_modified) : NULL,
                       h->retry_after ? xstrdup(h->retry_after) : NULL};
    headers_read_line(h, copy, len);
    const char *after[3] = {h->etag, h->last_modified, h->retry_after};
    int changed = 0;
    for (int i = 0; i < 3; i++) {
        check_value(after[i]);
        if (!same(after[i], before[i])) {
            changed++;
            if (after[i])
                check_taken(after[i], copy, len);
        }
        free(before[i]);
    }
    if (len >= 5 && memcmp(copy, "HTTP/", 5) == 0) {
        if (h->etag || h->last_modified || h->retry_after)
            abort();
    } else if (changed > 1 || (changed && !memchr(copy, ':', len))) {
        abort();
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct headers h = {0};

    if (size > 256 * 1024)
        return 0;
    while (p < end) {
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        size_t len = lf ? (size_t)(lf - p) + 1 : (size_t)(end - p);
        read_line(&h, p, len);
        p += len;
    }
    headers_cleanup(&h);
    return 0;
}
