/* SPDX-License-Identifier: MIT */
/* Terminal-safe text and small string helpers. */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "src/buf.h"
#include "src/text.h"
#include "src/xalloc.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates, out of range, and C1 controls. */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
        (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return n;
}

/* Byte offset of code point number n (from 0) of a valid UTF-8 string, or
 * strlen(s) when it has no more than n code points. */
static size_t utf8_offset(const char *s, size_t n)
{
    size_t i = 0, cp = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xc0) == 0x80)
            continue;
        if (cp == n)
            return i;
        cp++;
    }
    return i;
}

static size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

char *text_safe(const char *s, size_t width)
{
    struct buf b;
    buf_init(&b, (size_t)-1);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
            if (*p == '\n' || *p == '\t' || *p == '\r')
                buf_puts(&b, " ");
            else
                buf_printf(&b, "\\x%02x", *p);
            p++;
        } else if (n == 0) {
            buf_printf(&b, "\\x%02x", *p);
            p++;
        } else {
            buf_append(&b, p, n);
            p += n;
        }
    }
    char *out = buf_detach(&b, NULL);
    /* Cut to width columns, the last three of them an ellipsis. */
    if (width > 3 && utf8_count(out) > width)
        memcpy(out + utf8_offset(out, width - 3), "...", 4);
    return out;
}

bool text_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) ==
                   tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}
