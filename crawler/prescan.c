/* SPDX-License-Identifier: MIT */
/* Most documents of a big static catalog are Items that hold no model and
 * no link the crawler follows; building a jansson tree for each costs more
 * than fetching it (malloc per value, strtod per coordinate). This scan
 * proves such an Item plain in one pass with no allocation: a JSON
 * validator as strict as jansson's reader, which also looks at the three
 * top-level members that decide (type, stac_version, links) and at every
 * link's rel. Anything it is unsure of makes it answer "not plain", and the
 * document is then parsed as before; tests/fuzz/fuzz-prescan.c checks the
 * answer against the parser. */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "crawler/prescan.h"

/* Deeper documents are left to the parser (jansson stops at 2048). */
#define PRESCAN_MAX_DEPTH 128
/* Longer number tokens are left to the parser, which may call them too
 * big (integers past 64 bits, reals past DBL_MAX). */
#define PRESCAN_MAX_INT_DIGITS 18
#define PRESCAN_MAX_MANTISSA 40

struct scan {
    const unsigned char *p, *end;
    int depth;
};

/* A string's raw bytes, between the quotes. */
struct raw {
    const char *s;
    size_t n;
};

static void skip_ws(struct scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' ||
                               *sc->p == '\r' || *sc->p == '\t'))
        sc->p++;
}

static bool raw_is(struct raw r, const char *lit)
{
    size_t n = strlen(lit);
    return r.n == n && memcmp(r.s, lit, n) == 0;
}

/* One UTF-8 sequence starting at p (a byte >= 0x80), as jansson checks it:
 * no overlong forms, no surrogates, nothing past U+10FFFF. Returns its
 * length, or 0 when invalid or cut short. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
        (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    return n;
}

/* Whether p starts something that could mark one of our extensions:
 * detect.c matches "ml-model", "dl-model", "dlm", "mlm" and tdml's
 * "trainingdml-ai" and "tdml:", all case-sensitive, and the training rels
 * are "ml-model:...". Such text can only be inside a string. */
static bool is_marker(const unsigned char *p, const unsigned char *end)
{
    size_t left = (size_t)(end - p);
    if (left < 3)
        return false;
    if (p[0] == 'm')
        return p[1] == 'l' &&
               (p[2] == 'm' || (left >= 8 && memcmp(p + 2, "-model", 6) == 0));
    return p[0] == 'd' && ((p[1] == 'l' && (p[2] == 'm' || p[2] == '-')) ||
                           (p[1] == 'm' && p[2] == 'l'));
}

/* A string, the opening quote at sc->p. Escapes other than \u are allowed
 * (none of them can spell a member name or rel we look for, so comparing
 * raw bytes is exact); \u is not, as it could, and neither is any string
 * holding a marker (is_marker()). */
static bool scan_string(struct scan *sc, struct raw *out)
{
    /* Bytes that need a closer look: controls, '"', '\\', the first
     * letters of markers, and everything past ASCII. Most bytes of a
     * document are none of these and cost one load and one test. */
    static const bool special[256] = {
        [0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
        ['m'] = true,        ['d'] = true, [0x80 ... 0xff] = true,
    };
    const unsigned char *p = ++sc->p;
    while (p < sc->end) {
        while (p < sc->end && !special[*p])
            p++;
        if (p == sc->end)
            break;
        unsigned c = *p;
        if ((c == 'm' || c == 'd') && is_marker(p, sc->end))
            return false;
        if (c == '"') {
            out->s = (const char *)sc->p;
            out->n = (size_t)(p - sc->p);
            sc->p = p + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (p + 1 >= sc->end || !strchr("\"\\/bfnrt", p[1]) || !p[1])
                return false;
            p += 2;
        } else if (c >= 0x80) {
            size_t n = utf8_len(p, sc->end);
            if (n == 0)
                return false;
            p += n;
        } else {
            p++;
        }
    }
    return false;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Digits from sc->p; their count. */
static size_t scan_digits(struct scan *sc)
{
    const unsigned char *start = sc->p;
    while (sc->p < sc->end && is_digit(*sc->p))
        sc->p++;
    return (size_t)(sc->p - start);
}

/* A number in JSON's grammar, small enough for jansson to convert. */
static bool scan_number(struct scan *sc)
{
    const unsigned char *start = sc->p;
    bool is_real = false;
    if (*sc->p == '-')
        sc->p++;
    if (sc->p >= sc->end || !is_digit(*sc->p))
        return false;
    if (*sc->p == '0' && sc->p + 1 < sc->end && is_digit(sc->p[1]))
        return false;
    size_t int_digits = scan_digits(sc);
    if (sc->p < sc->end && *sc->p == '.') {
        sc->p++;
        if (scan_digits(sc) == 0)
            return false;
        is_real = true;
    }
    if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
        sc->p++;
        if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
            sc->p++;
        /* At most two exponent digits: |exponent| < 100. */
        size_t n = scan_digits(sc);
        if (n == 0 || n > 2)
            return false;
        is_real = true;
    }
    if (!is_real)
        return int_digits <= PRESCAN_MAX_INT_DIGITS;
    return (size_t)(sc->p - start) <= PRESCAN_MAX_MANTISSA;
}

static bool scan_literal(struct scan *sc, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, lit, n) != 0)
        return false;
    sc->p += n;
    return true;
}

/* What a container's members are looked at for. */
enum role {
    ROLE_NONE,  /* nothing: validate only */
    ROLE_TOP,   /* the document */
    ROLE_LINKS, /* the top-level links array */
    ROLE_LINK,  /* one element of it */
};

/* What the scan found at the top level. */
struct top {
    int n_type, n_version, n_links;
    bool is_feature, has_version, has_landing_key, has_followed_link;
};

static bool scan_value(struct scan *sc, enum role role, struct top *top);

/* Whether a link with this rel would be followed (links_rel_kind()): the
 * simple rels without case, derived_from exactly. The extension rels
 * contain "ml-model" and never reach here. */
static bool rel_is_followed(struct raw r)
{
    static const char *const simple[] = {"child", "item", "items", "next",
                                         "data"};
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (r.n == strlen(simple[i]) && strncasecmp(r.s, simple[i], r.n) == 0)
            return true;
    return raw_is(r, "derived_from");
}

/* A top-level member's value, and what it says. */
static bool scan_top_member(struct scan *sc, struct raw key, struct top *top)
{
    if (raw_is(key, "conformsTo"))
        top->has_landing_key = true;
    if (raw_is(key, "type") || raw_is(key, "stac_version")) {
        bool is_type = key.n == 4;
        if (is_type)
            top->n_type++;
        else
            top->n_version++;
        if (sc->p < sc->end && *sc->p == '"') {
            struct raw v;
            if (!scan_string(sc, &v))
                return false;
            if (is_type)
                top->is_feature = raw_is(v, "Feature");
            else
                top->has_version = true;
            return true;
        }
    }
    if (raw_is(key, "links")) {
        top->n_links++;
        return scan_value(sc, ROLE_LINKS, top);
    }
    return scan_value(sc, ROLE_NONE, top);
}

/* An object, '{' at sc->p. */
static bool scan_object(struct scan *sc, enum role role, struct top *top)
{
    int n_rel = 0;
    sc->p++;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == '}') {
        sc->p++;
        return true;
    }
    for (;;) {
        struct raw key;
        skip_ws(sc);
        if (sc->p >= sc->end || *sc->p != '"' || !scan_string(sc, &key))
            return false;
        skip_ws(sc);
        if (sc->p >= sc->end || *sc->p != ':')
            return false;
        sc->p++;
        skip_ws(sc);
        bool ok;
        if (role == ROLE_TOP) {
            ok = scan_top_member(sc, key, top);
        } else if (role == ROLE_LINK && raw_is(key, "rel")) {
            n_rel++;
            struct raw rel;
            if (sc->p < sc->end && *sc->p == '"') {
                ok = scan_string(sc, &rel);
                if (ok && rel_is_followed(rel))
                    top->has_followed_link = true;
            } else {
                ok = scan_value(sc, ROLE_NONE, top);
            }
        } else {
            ok = scan_value(sc, ROLE_NONE, top);
        }
        if (!ok)
            return false;
        skip_ws(sc);
        if (sc->p >= sc->end)
            return false;
        if (*sc->p == '}') {
            sc->p++;
            /* A repeated rel: jansson keeps the last; do not guess. */
            if (n_rel > 1)
                top->has_followed_link = true;
            return true;
        }
        if (*sc->p != ',')
            return false;
        sc->p++;
    }
}

/* An array, '[' at sc->p. */
static bool scan_array(struct scan *sc, enum role role, struct top *top)
{
    enum role elem = role == ROLE_LINKS ? ROLE_LINK : ROLE_NONE;
    sc->p++;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == ']') {
        sc->p++;
        return true;
    }
    for (;;) {
        skip_ws(sc);
        if (!scan_value(sc, elem, top))
            return false;
        skip_ws(sc);
        if (sc->p >= sc->end)
            return false;
        if (*sc->p == ']') {
            sc->p++;
            return true;
        }
        if (*sc->p != ',')
            return false;
        sc->p++;
    }
}

static bool scan_value(struct scan *sc, enum role role, struct top *top)
{
    struct raw ignored;
    if (sc->p >= sc->end)
        return false;
    switch (*sc->p) {
    case '{':
    case '[': {
        if (++sc->depth > PRESCAN_MAX_DEPTH)
            return false;
        bool ok = *sc->p == '{' ? scan_object(sc, role, top)
                                : scan_array(sc, role, top);
        sc->depth--;
        return ok;
    }
    case '"':
        return scan_string(sc, &ignored);
    case 't':
        return scan_literal(sc, "true");
    case 'f':
        return scan_literal(sc, "false");
    case 'n':
        return scan_literal(sc, "null");
    default:
        return scan_number(sc);
    }
}

bool prescan_plain_item(const char *buf, size_t len)
{
    if (!buf)
        return false;
    struct scan sc = {(const unsigned char *)buf,
                      (const unsigned char *)buf + len, 0};
    struct top top = {0};
    skip_ws(&sc);
    if (sc.p >= sc.end || *sc.p != '{' || !scan_value(&sc, ROLE_TOP, &top))
        return false;
    skip_ws(&sc);
    if (sc.p != sc.end)
        return false;
    /* Repeated members: jansson keeps the last one; do not guess. */
    return top.n_type == 1 && top.n_version == 1 && top.n_links <= 1 &&
           top.is_feature && top.has_version && !top.has_landing_key &&
           !top.has_followed_link;
}
