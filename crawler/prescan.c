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
#include <stdlib.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "crawler/links.h"
#include "crawler/prescan.h"
#include "src/buf.h"
#include "src/text.h"
#include "src/xalloc.h"

/* Deeper documents are left to the parser (jansson stops at 2048). */
#define PRESCAN_MAX_DEPTH 128
/* Longer number tokens are left to the parser, which may call them too
 * big (integers past 64 bits, reals past DBL_MAX). */
#define PRESCAN_MAX_INT_DIGITS 18
#define PRESCAN_MAX_MANTISSA 40

struct scan {
    const unsigned char *p, *end;
    int depth;
    struct prescan_links *links; /* the link entries, when collected */
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

/* Whether the document holds text that could mark one of our extensions
 * anywhere. In valid JSON such text can only be inside a string (no
 * literal or number holds an 'm' or a 'd', and no escape letter is one),
 * so one pass over the bytes stands for a look inside every string; an
 * invalid document is unsure either way. Markers start with "ml", "dl" or
 * "dm": sixteen places are tried at a time for those pairs. */
static bool has_marker(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
    const __m128i m = _mm_set1_epi8('m'), d = _mm_set1_epi8('d'),
                  l = _mm_set1_epi8('l');
    for (; end - p > 16; p += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(p + 1));
        __m128i bl = _mm_cmpeq_epi8(b, l);
        __m128i pair =
            _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, m), bl),
                         _mm_and_si128(_mm_cmpeq_epi8(a, d),
                                       _mm_or_si128(bl, _mm_cmpeq_epi8(b, m))));
        for (unsigned hit = (unsigned)_mm_movemask_epi8(pair); hit;
             hit &= hit - 1)
            if (is_marker(p + __builtin_ctz(hit), end))
                return true;
    }
#endif
    for (; p < end; p++)
        if ((*p == 'm' || *p == 'd') && is_marker(p, end))
            return true;
    return false;
}

/* The first byte from p on that ends a run of plain string bytes: a
 * quote, a backslash, a control or a byte past ASCII (end if none). */
static const unsigned char *string_run(const unsigned char *p,
                                       const unsigned char *end)
{
    static const bool special[256] = {
        [0 ... 0x1f] = true,
        ['"'] = true,
        ['\\'] = true,
        [0x80 ... 0xff] = true,
    };
#ifdef __SSE2__
    /* A signed compare with 0x20 catches controls and, as negative
     * bytes, everything past ASCII. */
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i stop = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask)
            return p + __builtin_ctz(mask);
    }
#endif
    while (p < end && !special[*p])
        p++;
    return p;
}

/* A string, the opening quote at sc->p. Escapes other than \u are allowed
 * (none of them can spell a member name or rel we look for, so comparing
 * raw bytes is exact); \u is not, as it could. A document with a marker
 * in any string never gets here (has_marker()). */
static bool scan_string(struct scan *sc, struct raw *out)
{
    const unsigned char *p = ++sc->p;
    for (;;) {
        p = string_run(p, sc->end);
        if (p == sc->end)
            return false;
        unsigned c = *p;
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
        } else {
            size_t n = text_utf8_seq(p, (size_t)(sc->end - p), NULL);
            if (n == 0)
                return false;
            p += n;
        }
    }
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
    bool is_feature, is_catalog, is_collection;
    bool has_version, has_landing_key, has_followed_link, has_landing_rel;
};

static bool scan_value(struct scan *sc, enum role role, struct top *top);

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
            if (is_type) {
                top->is_feature = raw_is(v, "Feature");
                top->is_catalog = raw_is(v, "Catalog");
                top->is_collection = raw_is(v, "Collection");
            } else
                top->has_version = true;
            return true;
        }
    }
    if (raw_is(key, "links")) {
        top->n_links++;
        if (sc->links)
            sc->links->n = 0; /* jansson keeps the last "links" */
        return scan_value(sc, ROLE_LINKS, top);
    }
    return scan_value(sc, ROLE_NONE, top);
}

/* Whether the byte at sc->p (whitespace skipped) is c; consumed if so. */
static bool take(struct scan *sc, unsigned char c)
{
    skip_ws(sc);
    if (sc->p >= sc->end || *sc->p != c)
        return false;
    sc->p++;
    return true;
}

/* After a member or element: 1 at the closer (consumed), 0 after a comma
 * (consumed), -1 for anything else. */
static int scan_next(struct scan *sc, unsigned char closer)
{
    if (take(sc, closer))
        return 1;
    return take(sc, ',') ? 0 : -1;
}

/* The member of the link entry being read that key names, if it is one
 * that links_extract() reads and the entries are being collected. */
static struct link_member *link_member_of(struct scan *sc, struct raw key)
{
    if (!sc->links || sc->links->n == 0)
        return NULL;
    struct link_fields *f = &sc->links->v[sc->links->n - 1];
    if (raw_is(key, "rel"))
        return &f->rel;
    if (raw_is(key, "href"))
        return &f->href;
    if (raw_is(key, "type"))
        return &f->type;
    if (raw_is(key, "method"))
        return &f->method;
    if (raw_is(key, "ml-aoi:split"))
        return &f->split;
    return NULL;
}

/* A member of a link object: its value noted in m (when not NULL), as a
 * raw span for a string, which an escape would make differ from the
 * string itself (has_escape says so). */
static bool scan_link_value(struct scan *sc, struct link_member *m,
                            struct top *top, struct raw *str)
{
    str->s = NULL;
    if (sc->p >= sc->end || *sc->p != '"') {
        bool is_null = sc->p < sc->end && *sc->p == 'n';
        if (!scan_value(sc, ROLE_NONE, top))
            return false;
        if (m)
            *m = (struct link_member){.kind = is_null ? LINK_VALUE_NULL
                                                      : LINK_VALUE_OTHER};
        return true;
    }
    if (!scan_string(sc, str))
        return false;
    if (m) {
        *m = (struct link_member){
            .kind = LINK_VALUE_STRING, .s = str->s, .n = str->n};
        if (memchr(str->s, '\\', str->n))
            sc->links->has_escape = true;
    }
    return true;
}

/* A conformance, data or search link may make any document an API landing
 * page that left conformsTo out, or one that looks like it and is walked
 * with a warning, its source held (stac_is_landing(),
 * stac_landing_rel_alone()): the full reading decides, whatever the
 * document's type. */
static bool is_landing_rel(struct raw rel)
{
    return raw_is(rel, "conformance") || raw_is(rel, "data") ||
           raw_is(rel, "search");
}

/* One member of an object in role, the key just read. */
static bool scan_member(struct scan *sc, enum role role, struct raw key,
                        struct top *top, int *n_rel)
{
    if (role == ROLE_TOP)
        return scan_top_member(sc, key, top);
    if (role != ROLE_LINK)
        return scan_value(sc, ROLE_NONE, top);
    struct raw str;
    if (!scan_link_value(sc, link_member_of(sc, key), top, &str))
        return false;
    if (raw_is(key, "rel")) {
        (*n_rel)++;
        if (str.s && links_rel_is_followed(str.s, str.n))
            top->has_followed_link = true;
        if (str.s && is_landing_rel(str))
            top->has_landing_rel = true;
    }
    return true;
}

/* An object, '{' at sc->p. */
static bool scan_object(struct scan *sc, enum role role, struct top *top)
{
    int n_rel = 0, next = 0;
    sc->p++;
    if (take(sc, '}'))
        return true;
    while (next == 0) {
        struct raw key;
        skip_ws(sc);
        if (sc->p >= sc->end || *sc->p != '"' || !scan_string(sc, &key) ||
            !take(sc, ':'))
            return false;
        skip_ws(sc);
        if (!scan_member(sc, role, key, top, &n_rel))
            return false;
        next = scan_next(sc, '}');
    }
    /* A repeated rel: jansson keeps the last; do not guess. */
    if (n_rel > 1)
        top->has_followed_link = true;
    return next == 1;
}

/* A new, empty link entry at the end of l. */
static void link_entry_new(struct prescan_links *l, bool is_object)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = (struct link_fields){.is_object = is_object};
}

/* An array, '[' at sc->p. */
static bool scan_array(struct scan *sc, enum role role, struct top *top)
{
    enum role elem = role == ROLE_LINKS ? ROLE_LINK : ROLE_NONE;
    int next = 0;
    sc->p++;
    if (take(sc, ']'))
        return true;
    while (next == 0) {
        skip_ws(sc);
        if (elem == ROLE_LINK && sc->links)
            link_entry_new(sc->links, sc->p < sc->end && *sc->p == '{');
        if (!scan_value(sc, elem, top))
            return false;
        next = scan_next(sc, ']');
    }
    return next == 1;
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

/* Give the collected strings their own NUL-terminated copies (the spans
 * point into the body), in one buffer kept from call to call. */
/* The members of f that the scan collects. */
enum { LINK_MEMBERS = 5 };
static void link_members(struct link_fields *f,
                         struct link_member *m[LINK_MEMBERS])
{
    m[0] = &f->rel;
    m[1] = &f->href;
    m[2] = &f->type;
    m[3] = &f->method;
    m[4] = &f->split;
}

static void links_own_strings(struct prescan_links *l)
{
    struct link_member *m[LINK_MEMBERS];
    size_t need = 0;
    for (size_t i = 0; i < l->n; i++) {
        link_members(&l->v[i], m);
        for (size_t k = 0; k < LINK_MEMBERS; k++)
            if (m[k]->kind == LINK_VALUE_STRING)
                need += m[k]->n + 1;
    }
    if (need > l->text_cap) {
        free(l->text);
        l->text = xmalloc(need);
        l->text_cap = need;
    }
    char *p = l->text;
    for (size_t i = 0; i < l->n; i++) {
        link_members(&l->v[i], m);
        for (size_t k = 0; k < LINK_MEMBERS; k++) {
            if (m[k]->kind != LINK_VALUE_STRING)
                continue;
            memcpy(p, m[k]->s, m[k]->n);
            p[m[k]->n] = '\0';
            m[k]->s = p;
            p += m[k]->n + 1;
        }
    }
}

/* What the scan found at the top level makes of the document. */
static enum prescan_kind verdict(const struct top *top,
                                 const struct prescan_links *links)
{
    /* Repeated members: jansson keeps the last one; do not guess. */
    if (top->n_type != 1 || top->n_links > 1 || top->has_landing_key ||
        top->has_landing_rel)
        return PRESCAN_UNSURE;
    if (top->is_feature)
        return top->n_version == 1 && top->has_version &&
                       !top->has_followed_link
                   ? PRESCAN_ITEM
                   : PRESCAN_UNSURE;
    if (!links || links->has_escape)
        return PRESCAN_UNSURE;
    if (top->is_catalog)
        return PRESCAN_CATALOG;
    return top->is_collection ? PRESCAN_COLLECTION : PRESCAN_UNSURE;
}

enum prescan_kind prescan_doc(const char *buf, size_t len,
                              struct prescan_links *links)
{
    if (links) {
        links->n = 0;
        links->has_escape = false;
    }
    if (!buf)
        return PRESCAN_UNSURE;
    struct scan sc = {(const unsigned char *)buf,
                      (const unsigned char *)buf + len, 0, links};
    struct top top = {0};
    if (has_marker(sc.p, sc.end))
        return PRESCAN_UNSURE;
    skip_ws(&sc);
    if (sc.p >= sc.end || *sc.p != '{' || !scan_value(&sc, ROLE_TOP, &top))
        return PRESCAN_UNSURE;
    skip_ws(&sc);
    if (sc.p != sc.end)
        return PRESCAN_UNSURE;
    enum prescan_kind kind = verdict(&top, links);
    if (kind == PRESCAN_CATALOG || kind == PRESCAN_COLLECTION)
        links_own_strings(links);
    return kind;
}

/* Whether the integer token p[0..n) is past what 64 bits hold. */
static bool int_overflows(const char *p, size_t n)
{
    char text[32];
    if (n >= sizeof(text))
        return true;
    memcpy(text, p, n);
    text[n] = '\0';
    errno = 0;
    (void)strtoll(text, NULL, 10);
    return errno == ERANGE;
}

/* Whether the number token p[0..n) is past a double's range (strtod()
 * reads all of it as an infinity): whatever its digits, it is read as the
 * largest double of its sign, which *sign then holds ('-' or '+'). */
static bool real_overflows(const char *p, size_t n, char *sign)
{
    char small[64];
    char *text = n < sizeof(small) ? small : xmalloc(n + 1);
    memcpy(text, p, n);
    text[n] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    bool over = errno == ERANGE && isinf(v) && end == text + n;
    *sign = v < 0 ? '-' : '+';
    if (text != small)
        free(text);
    return over;
}

char *prescan_big_numbers(const char *buf, size_t len, size_t *out_len)
{
    /* The largest double, in the digits that read back as it. */
    static const char dbl_max[] = "1.7976931348623157e308";
    struct buf b;
    buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < len;) {
        char ch = buf[i];
        if (ch == '"') { /* a string, copied as it is */
            size_t k = i + 1;
            while (k < len && buf[k] != '"')
                k += buf[k] == '\\' ? 2 : 1;
            k = k < len ? k + 1 : len;
            buf_append(&b, buf + i, k - i);
            i = k;
            continue;
        }
        if (ch != '-' && !(ch >= '0' && ch <= '9')) {
            buf_append(&b, buf + i, 1);
            i++;
            continue;
        }
        size_t k = i + 1;
        bool is_int = true;
        while (k < len && strchr("0123456789.eE+-", buf[k]) && buf[k]) {
            is_int = is_int && buf[k] >= '0' && buf[k] <= '9';
            k++;
        }
        char sign;
        if (real_overflows(buf + i, k - i, &sign)) {
            if (sign == '-')
                buf_append(&b, "-", 1);
            buf_append(&b, dbl_max, sizeof(dbl_max) - 1);
        } else {
            buf_append(&b, buf + i, k - i);
            if (is_int && int_overflows(buf + i, k - i))
                buf_append(&b, ".0", 2);
        }
        i = k;
    }
    return buf_detach(&b, out_len);
}

bool prescan_plain_item(const char *buf, size_t len)
{
    return prescan_doc(buf, len, NULL) == PRESCAN_ITEM;
}

void prescan_links_cleanup(struct prescan_links *l)
{
    free(l->v);
    free(l->text);
    memset(l, 0, sizeof(*l));
}
