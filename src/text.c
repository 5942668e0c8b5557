/* SPDX-License-Identifier: MIT */
/* Terminal-safe text and small string helpers. */
#include <config.h>

#include <ctype.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "src/buf.h"
#include "src/err.h"
#include "src/text.h"
#include "src/xalloc.h"

size_t text_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
    size_t n;
    uint32_t v;
    if (avail == 0)
        return 0;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        v = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        v = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        v = p[0] & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates, out of range. */
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) ||
        (n == 4 && v < 0x10000) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    if (cp)
        *cp = v;
    return n;
}

/* Whether cp is a bidirectional embedding, override or isolate control
 * (U+202A-U+202E, U+2066-U+2069): on a terminal that reorders text, one
 * in a title turns the rest of the table row around ("Trojan Source",
 * CVE-2021-42574). */
static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the valid, printable UTF-8 sequence at p (1-4) of the
 * NUL-terminated string, or 0 when invalid, a C1 control or a bidi
 * control. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    uint32_t cp;
    size_t n = text_utf8_seq(p, strnlen((const char *)p, 4), &cp);
    return n && !(cp >= 0x80 && cp <= 0x9f) && !is_bidi_control(cp) ? n : 0;
}

void text_put_json_inert(FILE *f, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t from = 0, i = 0;
    while (i < n) {
        /* C1 controls start with 0xc2, the bidi controls with 0xe2. */
        if (u[i] != 0xc2 && u[i] != 0xe2) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = text_utf8_seq(u + i, n - i, &cp);
        if (len && ((cp >= 0x80 && cp <= 0x9f) || is_bidi_control(cp))) {
            fwrite(p + from, 1, i - from, f);
            fprintf(f, "\\u%04x", (unsigned)cp);
            from = i + len;
        }
        i += len ? len : 1;
    }
    fwrite(p + from, 1, n - from, f);
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

size_t text_columns(const char *s)
{
    return utf8_count(s);
}

bool text_is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

size_t text_utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The lower case of cp by Unicode's simple mappings: the C.UTF-8
 * locale's, whatever the user's locale is (a cron job's is often "C",
 * whose towlower() knows ASCII only). The locale is made on first use,
 * by the query commands' one thread. */
static uint32_t lower_cp(uint32_t cp)
{
    static locale_t utf8;
    static bool tried;
    if (cp < 0x80)
        return (uint32_t)tolower((int)cp);
    if (!tried) {
        tried = true;
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return utf8 ? (uint32_t)towlower_l((wint_t)cp, utf8) : cp;
}

char *text_lower(const char *s)
{
    size_t len = strlen(s);
    /* A lower case takes at most 3 bytes for 2 (U+023A, U+2C65). */
    char *out = xmalloc(len * 2 + 1), *o = out;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n =
            text_utf8_seq(p, len - (size_t)(p - (const unsigned char *)s), &cp);
        if (n == 0) { /* not UTF-8: the byte as it is */
            *o++ = (char)tolower(*p++);
            continue;
        }
        o += text_utf8_put(o, lower_cp(cp));
        p += n;
    }
    *o = '\0';
    return out;
}

bool text_contains_ci(const char *hay, const char *needle)
{
    if (!text_is_ascii(needle)) {
        char *h = text_lower(hay), *n = text_lower(needle);
        bool is_in = strstr(h, n) != NULL;
        free(h);
        free(n);
        return is_in;
    }
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

bool text_mem_contains_ci(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    /* Candidates by memchr() on the first byte's two cases, which skips
     * most of a long text at memory speed. */
    unsigned char lo = (unsigned char)tolower((unsigned char)needle[0]);
    unsigned char up = (unsigned char)toupper((unsigned char)needle[0]);
    const char *p = hay, *end = hay + len;
    while ((size_t)(end - p) >= n) {
        const char *last = end - n + 1;
        const char *a = memchr(p, lo, (size_t)(last - p));
        const char *b =
            lo == up ? NULL : memchr(p, up, (size_t)((a ? a : last) - p));
        const char *c = b ? b : a;
        if (!c)
            return false;
        if (strncasecmp(c + 1, needle + 1, n - 1) == 0)
            return true;
        p = c + 1;
    }
    return false;
}

/* Read n digits at s into *v; false if any is not a digit. */
static bool digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no time zone or libc state is involved. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Days in month m of year y, proleptic Gregorian (RFC 3339 §5.7). */
static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    bool is_leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && is_leap ? 29 : days[m - 1];
}

int text_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d))
        return SM_E_PARSE;
    const char *p = s + 10;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) ||
            p[6] != ':' || !digits(p + 7, 2, &sec))
            return SM_E_PARSE;
        p += 9;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return SM_E_PARSE;
            while (isdigit((unsigned char)*p))
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
                return SM_E_PARSE;
            p += 6;
        } else {
            return SM_E_PARSE;
        }
    }
    /* Leap seconds (60) are allowed by RFC 3339. */
    /* A day past its month's end (2021-02-29) is no date: days_from_civil()
     * would make it the next month's. */
    if (*p || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
        mi > 59 || sec > 60 || oh > 23 || om > 59)
        return SM_E_PARSE;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
           sign * (oh * 3600 + om * 60);
    return 0;
}

char *text_fold(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n + 1), *p = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || isdigit(c))
            *p++ = (char)c;
        else if (isalpha(c))
            *p++ = (char)tolower(c);
    }
    *p = '\0';
    return out;
}

const char *text_media_type_problem(const char *s, size_t n)
{
    /* A C string's view of the bytes: up to the first NUL. */
    size_t len = strnlen(s, n);
    if (len == strspn(s, " \t"))
        return NULL;
    if (text_mem_contains_ci(s, len, "vnd.oci.") ||
        text_mem_contains_ci(s, len, "docker"))
        return "link type is a container image";
    if (!text_mem_contains_ci(s, len, "json"))
        return "link type is not JSON";
    return NULL;
}
