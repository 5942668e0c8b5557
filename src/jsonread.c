/* SPDX-License-Identifier: MIT */
/* A JSON reader that builds the tree jansson's json_loadb() builds, in
 * about a third of the time. jansson's lexer takes the text a byte at a
 * time through a stream, checks UTF-8 per byte, and copies every token
 * into a buffer before it makes a value of it; here strings without
 * escapes go straight from the text into their values, and numbers are
 * read in place. The tree is made with jansson's own calls, in the order
 * jansson makes it, so duplicate keys resolve as in jansson (the last one
 * wins, in the first one's place).
 *
 * It does not report errors: on anything it is not sure of it gives up,
 * and jsonread() leaves the text to jansson, whose verdict and message
 * are the answer. Giving up is never wrong, only slower, so the reader
 * takes a strict subset of what jansson takes (fuzz-json checks it). */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/jsonread.h"
#include "src/text.h"
#include "src/url.h"

/* jansson's own limit is 2048; past this one it decides. */
#define MAX_DEPTH 512
/* Longer numbers are left to jansson (they are copied to be read). */
#define MAX_NUMBER 64

struct reader {
    const unsigned char *p, *end;
    bool allow_nul;
    int depth;
    char *scratch; /* decoded strings with escapes */
    size_t cap;
};

/* A string as read: its bytes are in the text or in the scratch buffer. */
struct str {
    const char *s;
    size_t len;
    bool has_nul;
};

static json_t *read_value(struct reader *r);

static void skip_space(struct reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static bool scratch_fit(struct reader *r, size_t n)
{
    if (n <= r->cap)
        return true;
    size_t cap = r->cap ? r->cap : 256;
    while (cap < n)
        cap *= 2;
    char *p = realloc(r->scratch, cap);
    if (!p)
        return false;
    r->scratch = p;
    r->cap = cap;
    return true;
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = url_hex_value(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The code point of a \u escape at r->p (just past the backslash and
 * the 'u'), a surrogate pair as one; -1 where jansson would refuse it. */
static int32_t read_u_escape(struct reader *r)
{
    if (r->end - r->p < 4)
        return -1;
    int32_t cp = hex4(r->p);
    if (cp < 0)
        return -1;
    r->p += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return -1;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
            return -1;
        int32_t lo = hex4(r->p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        r->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return cp;
}

/* One escape at r->p (just past the backslash), decoded to out; the
 * number of bytes written, 0 where jansson would refuse it. */
static size_t read_escape(struct reader *r, char *out, bool *nul)
{
    if (r->p >= r->end)
        return 0;
    unsigned char c = *r->p++;
    switch (c) {
    case '"':
    case '\\':
    case '/':
        *out = (char)c;
        return 1;
    case 'b':
        *out = '\b';
        return 1;
    case 'f':
        *out = '\f';
        return 1;
    case 'n':
        *out = '\n';
        return 1;
    case 'r':
        *out = '\r';
        return 1;
    case 't':
        *out = '\t';
        return 1;
    case 'u': {
        int32_t cp = read_u_escape(r);
        if (cp < 0 || (cp == 0 && !r->allow_nul))
            return 0;
        *nul |= cp == 0;
        return text_utf8_put(out, (uint32_t)cp);
    }
    default:
        return 0;
    }
}

/* The plain bytes of a string from r->p on: up to its closing quote, a
 * backslash or anything jansson would refuse (a control character,
 * ill-formed UTF-8); r->p is left there. */
static void skip_plain(struct reader *r)
{
    const unsigned char *p = r->p;
    while (p < r->end) {
        unsigned char c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        if (c < 0x80)
            break;
        size_t n = text_utf8_seq(p, (size_t)(r->end - p), NULL);
        if (n == 0)
            break;
        p += n;
    }
    r->p = p;
}

/* The end of the string that starts at p (its closing quote, or the end
 * of the text): a quote with no backslash before it that escapes it. */
static const unsigned char *string_end(const unsigned char *p,
                                       const unsigned char *end)
{
    while (p < end && *p != '"')
        p += *p == '\\' ? 2 : 1;
    return p < end ? p : end;
}

/* The rest of a string with escapes, from r->p; the plain run before
 * them, [start, r->p), is decoded into the scratch buffer first. Each
 * escape decodes to no more bytes than it takes in the text, so the
 * scratch buffer never needs more than the string's own length (a
 * document of many escaped strings needs no more than its longest). */
static bool read_escaped(struct reader *r, const unsigned char *start,
                         struct str *out)
{
    size_t max = (size_t)(string_end(r->p, r->end) - start);
    if (!scratch_fit(r, max))
        return false;
    size_t n = (size_t)(r->p - start);
    memcpy(r->scratch, start, n);
    for (;;) {
        if (r->p >= r->end)
            return false;
        if (*r->p == '"')
            break;
        if (*r->p == '\\') {
            r->p++;
            size_t k = read_escape(r, r->scratch + n, &out->has_nul);
            if (k == 0)
                return false;
            n += k;
            continue;
        }
        const unsigned char *run = r->p;
        skip_plain(r);
        if (r->p == run)
            return false; /* a control character, ill-formed UTF-8 */
        memcpy(r->scratch + n, run, (size_t)(r->p - run));
        n += (size_t)(r->p - run);
    }
    r->p++;
    out->s = r->scratch;
    out->len = n;
    return true;
}

/* A string, r->p at its opening quote. */
static bool read_string(struct reader *r, struct str *out)
{
    const unsigned char *start = ++r->p;
    skip_plain(r);
    out->has_nul = false;
    if (r->p < r->end && *r->p == '"') {
        out->s = (const char *)start;
        out->len = (size_t)(r->p - start);
        r->p++;
        return true;
    }
    if (r->p >= r->end || *r->p != '\\')
        return false;
    return read_escaped(r, start, out);
}

static const unsigned char *skip_digits(const unsigned char *p,
                                        const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* A number as jansson reads it: an integer unless it has a fraction or an
 * exponent, then a real (strtod, as jansson; stacml never calls
 * setlocale(), so the point is '.'). */
static json_t *read_number(struct reader *r)
{
    const unsigned char *p = r->p, *end = r->end, *start = p;
    if (*p == '-')
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return NULL;
    const unsigned char *digits = p;
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    bool is_real = false;
    if (p < end && *p == '.') {
        const unsigned char *f = skip_digits(p + 1, end);
        if (f == p + 1)
            return NULL;
        p = f;
        is_real = true;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const unsigned char *x = p + 1;
        if (x < end && (*x == '+' || *x == '-'))
            x++;
        const unsigned char *f = skip_digits(x, end);
        if (f == x)
            return NULL;
        p = f;
        is_real = true;
    }
    /* "01": jansson refuses a leading zero; so does the caller, on the
     * '1' that follows this "0". */
    r->p = p;
    if (!is_real && p - digits <= 18) {
        int64_t v = 0;
        for (const unsigned char *d = digits; d < p; d++)
            v = v * 10 + (*d - '0');
        return json_integer(*start == '-' ? -v : v);
    }
    size_t n = (size_t)(p - start);
    if (n > MAX_NUMBER)
        return NULL;
    char text[MAX_NUMBER + 1];
    memcpy(text, start, n);
    text[n] = '\0';
    errno = 0;
    if (!is_real) {
        long long v = strtoll(text, NULL, 10);
        return errno == ERANGE ? NULL : json_integer((json_int_t)v);
    }
    double v = strtod(text, NULL);
    if ((v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE)
        return NULL;
    return json_real(v);
}

static bool literal(struct reader *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

static json_t *read_array(struct reader *r)
{
    json_t *a = json_array();
    r->p++;
    skip_space(r);
    if (a && r->p < r->end && *r->p == ']') {
        r->p++;
        return a;
    }
    while (a) {
        json_t *v = read_value(r);
        if (!v || json_array_append_new(a, v) != 0)
            break;
        skip_space(r);
        if (r->p >= r->end)
            break;
        if (*r->p == ']') {
            r->p++;
            return a;
        }
        if (*r->p++ != ',')
            break;
        skip_space(r);
    }
    json_decref(a);
    return NULL;
}

/* One member: key, colon, value, set in o. */
static bool read_member(struct reader *r, json_t *o)
{
    struct str key;
    if (r->p >= r->end || *r->p != '"' || !read_string(r, &key))
        return false;
    /* jansson refuses a NUL in a key even with JSON_ALLOW_NUL. */
    if (key.has_nul)
        return false;
    /* A key decoded in the scratch buffer would be overwritten by the
     * value's strings: copy it (keys with escapes are rare). */
    char *copy = NULL;
    if (key.s == r->scratch) {
        copy = malloc(key.len ? key.len : 1);
        if (!copy)
            return false;
        memcpy(copy, key.s, key.len);
        key.s = copy;
    }
    skip_space(r);
    bool ok = false;
    if (r->p < r->end && *r->p++ == ':') {
        skip_space(r);
        json_t *v = read_value(r);
        ok = v && json_object_setn_new_nocheck(o, key.s, key.len, v) == 0;
    }
    free(copy);
    return ok;
}

static json_t *read_object(struct reader *r)
{
    json_t *o = json_object();
    r->p++;
    skip_space(r);
    if (o && r->p < r->end && *r->p == '}') {
        r->p++;
        return o;
    }
    while (o) {
        if (!read_member(r, o))
            break;
        skip_space(r);
        if (r->p >= r->end)
            break;
        if (*r->p == '}') {
            r->p++;
            return o;
        }
        if (*r->p++ != ',')
            break;
        skip_space(r);
    }
    json_decref(o);
    return NULL;
}

static json_t *read_string_value(struct reader *r)
{
    struct str s;
    if (!read_string(r, &s))
        return NULL;
    return json_stringn_nocheck(s.s, s.len);
}

static json_t *read_nested(struct reader *r)
{
    if (++r->depth > MAX_DEPTH)
        return NULL;
    json_t *v = *r->p == '{' ? read_object(r) : read_array(r);
    r->depth--;
    return v;
}

static json_t *read_value(struct reader *r)
{
    if (r->p >= r->end)
        return NULL;
    switch (*r->p) {
    case '{':
    case '[':
        return read_nested(r);
    case '"':
        return read_string_value(r);
    case 't':
        return literal(r, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(r, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(r, "null", 4) ? json_null() : NULL;
    default:
        return read_number(r);
    }
}

json_t *jsonread_fast(const char *buf, size_t len, bool allow_nul)
{
    struct reader r = {
        .p = (const unsigned char *)buf,
        .end = (const unsigned char *)buf + len,
        .allow_nul = allow_nul,
    };
    if (!buf)
        return NULL;
    skip_space(&r);
    /* Like json_loadb() without JSON_DECODE_ANY: an object or an array. */
    if (r.p >= r.end || (*r.p != '{' && *r.p != '['))
        return NULL;
    json_t *v = read_value(&r);
    free(r.scratch);
    if (v) {
        skip_space(&r);
        if (r.p != r.end) {
            json_decref(v);
            return NULL;
        }
    }
    return v;
}

json_t *jsonread(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    if ((flags & ~(size_t)JSON_ALLOW_NUL) == 0) {
        json_t *v = jsonread_fast(buf, len, flags & JSON_ALLOW_NUL);
        if (v)
            return v;
    }
    return json_loadb(buf, len, flags, err);
}
