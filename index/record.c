/* SPDX-License-Identifier: MIT */
/* The exported model record: a STAC document wrapped with the fields a
 * search needs (url, id, stac_type, extensions, source), and its canonical
 * one-line JSON encoding. Pure functions over jansson: no I/O, no index. */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "index/detect.h"
#include "index/record.h"
#include "src/err.h"
#include "src/jsonread.h"
#include "src/numfmt.h"
#include "src/text.h"
#include "src/xalloc.h"

/* A JSON string for s, or null when s is NULL or not valid UTF-8 (jansson
 * refuses such strings, and an encoded record must stay valid JSON). */
static json_t *string_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

/* A real as text (numfmt_shortest()): 1.5 is "1.5", 1000.0 "1000". */
static json_t *real_text(double v)
{
    char buf[64];
    numfmt_shortest(v, buf, sizeof(buf));
    return json_string(buf);
}

/* The document's id as a string: strings as they are, numbers in decimal
 * (the dlm beta example has a numeric id), "" when absent or of another
 * type. */
static json_t *record_id(const json_t *doc)
{
    json_t *id = json_object_get(doc, "id");

    if (json_is_string(id))
        return json_stringn(json_string_value(id), json_string_length(id));
    if (json_is_integer(id))
        return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
    if (json_is_real(id))
        return real_text(json_real_value(id));
    return json_string("");
}

/* "Item", "Collection" or "Catalog". Pre-1.0 collections have no "type";
 * they are told apart by the fields only collections have, as pystac and
 * crawler/stac.c do. */
static const char *record_stac_type(const json_t *doc)
{
    const char *type = json_string_value(json_object_get(doc, "type"));

    if (type && strcmp(type, "Feature") == 0)
        return "Item";
    if (type && strcmp(type, "Collection") == 0)
        return "Collection";
    if (!type &&
        (json_object_get(doc, "extent") || json_object_get(doc, "license")))
        return "Collection";
    return "Catalog";
}

json_t *record_new(const json_t *doc, const char *url, const char *source,
                   unsigned exts)
{
    json_t *rec = json_object();
    json_t *names = json_array();

    detect_append_names(exts & EXT_MODEL_MASK, names);
    json_object_set_new(rec, "url", string_or_null(url));
    json_object_set_new(rec, "id", record_id(doc));
    json_object_set_new(rec, "stac_type", json_string(record_stac_type(doc)));
    json_object_set_new(rec, "extensions", names);
    json_object_set_new(rec, "source", string_or_null(source));
    /* A reference, not a copy: a model document can be large, and both the
     * caller and the record treat it as read-only from here on. The cast
     * only drops const for the reference count. */
    json_object_set_new(rec, "stac",
                        doc ? json_incref((json_t *)doc) : json_null());
    return rec;
}

json_t *record_new_dataset(const json_t *doc, const char *url,
                           const char *source)
{
    json_t *rec = json_object();
    json_object_set_new(rec, "url", string_or_null(url));
    json_object_set_new(rec, "id", record_id(doc));
    json_object_set_new(rec, "stac_type", json_string(record_stac_type(doc)));
    json_object_set_new(rec, "source", string_or_null(source));
    json_object_set_new(rec, "reachable", json_true());
    json_object_set_new(rec, "stac",
                        doc ? json_incref((json_t *)doc) : json_null());
    return rec;
}

json_t *record_new_unreachable(const char *url, const char *source,
                               const char *reason, long http_status)
{
    json_t *rec = json_object();
    json_object_set_new(rec, "url", string_or_null(url));
    json_object_set_new(rec, "id", json_string(""));
    json_object_set_new(rec, "source", string_or_null(source));
    json_object_set_new(rec, "reachable", json_false());
    json_object_set_new(rec, "reason", string_or_null(reason));
    if (http_status > 0)
        json_object_set_new(rec, "http_status", json_integer(http_status));
    /* Nothing was read, but a reader of dataset records finds the fields
     * every dataset record has: unknown, or empty. */
    json_object_set_new(rec, "stac_type", json_null());
    json_object_set_new(rec, "stac", json_null());
    json_object_set_new(rec, "tdml", json_false());
    json_object_set_new(rec, "label_classes", json_array());
    json_object_set_new(rec, "label_tasks", json_array());
    json_object_set_new(rec, "versions", json_array());
    json_object_set_new(rec, "issues", json_array());
    return rec;
}

static void keys_add(char ***keys, size_t *n, char *key)
{
    *keys = xrealloc(*keys, (*n + 1) * sizeof(**keys));
    (*keys)[(*n)++] = key;
}

/* "name=<value>" for a string, folded unless it is a URL or an id. */
static void keys_add_value(char ***keys, size_t *n, const char *name,
                           const char *value, bool fold)
{
    if (!value || !*value)
        return;
    char *v = fold ? text_fold(value) : xstrdup(value);
    if (*v)
        keys_add(keys, n, xasprintf("%s=%s", name, v));
    free(v);
}

static void keys_add_strings(char ***keys, size_t *n, const char *name,
                             const json_t *arr, const char *member, bool fold)
{
    size_t i;
    const json_t *v;
    json_array_foreach (arr, i, v) {
        if (member)
            v = json_object_get(v, member);
        keys_add_value(keys, n, name, json_string_value(v), fold);
    }
}

/* Whether b is in degrees. w > e is allowed: such a box crosses the
 * antimeridian (RFC 7946 section 5.2), so only s > n is inverted. */
static bool is_degrees(const double b[4])
{
    return b[0] >= -180 && b[0] <= 180 && b[2] >= -180 && b[2] <= 180 &&
           b[1] >= -90 && b[3] <= 90 && b[1] <= b[3];
}

/* The grid column (origin 180) or row (origin 90) of a coordinate. The
 * last line (180 or 90) belongs to the last cell, so a box that starts or
 * ends on it still has cells. */
static int grid_index(double v, double origin, int last)
{
    int i = (int)floor((v + origin) / 10);
    return i > last ? last : i;
}

int record_cells(double w, double s, double e, double n, char ***keys,
                 size_t *nkeys)
{
    const double b[4] = {w, s, e, n};
    if (!is_degrees(b))
        return -1;
    int c0 = grid_index(w, 180, 35), c1 = grid_index(e, 180, 35);
    int r0 = grid_index(s, 90, 17), r1 = grid_index(n, 90, 17);
    /* A box crossing the antimeridian covers the columns from c0 to the
     * last and from the first to c1: the two runs, or every column when
     * they meet, so that no key is written twice. */
    int cols = c1 - c0 + 1;
    if (w > e)
        cols = c1 >= c0 - 1 ? 36 : 36 - c0 + c1 + 1;
    if (cols * (r1 - r0 + 1) > RECORD_CELLS_MAX)
        return -1;
    for (int i = 0, c = c0; i < cols; i++, c = (c + 1) % 36)
        for (int r = r0; r <= r1; r++)
            keys_add(keys, nkeys, xasprintf("cell=%d,%d", c, r));
    return cols * (r1 - r0 + 1);
}

/* The proleptic Gregorian year of Unix second t. */
static int64_t year_of(int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    /* civil_from_days, year part only */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

int record_years(int64_t t0, int64_t t1, char ***keys, size_t *nkeys)
{
    if (t0 == INT64_MIN || t1 == INT64_MAX || t1 < t0)
        return -1;
    int64_t y0 = year_of(t0), y1 = year_of(t1);
    if (y1 - y0 + 1 > RECORD_YEARS_MAX)
        return -1;
    for (int64_t y = y0; y <= y1; y++)
        keys_add(keys, nkeys, xasprintf("year=%" PRId64, y));
    return (int)(y1 - y0 + 1);
}

static int time_of(const json_t *rec, const char *key, int64_t *t)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? text_parse_time(s, t) : SM_E_NOTFOUND;
}

int record_interval(const json_t *rec, int64_t *t0, int64_t *t1)
{
    int64_t a, b;
    bool has_a = time_of(rec, "start_datetime", &a) == 0;
    bool has_b = time_of(rec, "end_datetime", &b) == 0;
    if (!has_a && !has_b) {
        if (time_of(rec, "datetime", &a) != 0)
            return SM_E_NOTFOUND;
        *t0 = *t1 = a;
        return 0;
    }
    *t0 = has_a ? a : INT64_MIN;
    *t1 = has_b ? b : INT64_MAX;
    return 0;
}

int record_bbox(const json_t *rec, double box[4])
{
    const json_t *b = json_object_get(rec, "bbox");
    size_t n = json_array_size(b);
    if (n != 4 && n != 6)
        return SM_E_NOTFOUND;
    /* A 3D bbox is [w, s, zmin, e, n, zmax]. */
    const size_t idx[2][4] = {{0, 1, 2, 3}, {0, 1, 3, 4}};
    for (int i = 0; i < 4; i++) {
        const json_t *v = json_array_get(b, idx[n == 6][i]);
        if (!json_is_number(v))
            return SM_E_NOTFOUND;
        box[i] = json_number_value(v);
    }
    /* Projected coordinates (kept in the record as given) are no box
     * on the globe. */
    if (fabs(box[0]) > 360 || fabs(box[2]) > 360 || fabs(box[1]) > 90 ||
        fabs(box[3]) > 90)
        return SM_E_NOTFOUND;
    /* Longitudes of 0-360 (the mlm datacube example's 233.6) are the
     * same degrees: -180-180, where a box that then goes west past east
     * crosses the antimeridian. */
    for (int i = 0; i < 4; i += 2)
        if (box[i] > 180)
            box[i] -= 360;
    /* South above north names no box (w > e crosses the antimeridian, but
     * latitudes have no such reading): the corners written north first,
     * as in the same example ([233.6, 54.2, 297.5, 22.6], whose geometry
     * spans 22.6 to 54.2). */
    if (box[1] > box[3]) {
        double s = box[1];
        box[1] = box[3];
        box[3] = s;
    }
    return 0;
}

/* The longitude ranges of box b: [w, e], or when w > e (crossing the
 * antimeridian) [w, 180] and [-180, e]. Returns how many. */
static int lon_ranges(const double b[4], double r[2][2])
{
    if (b[0] <= b[2]) {
        r[0][0] = b[0];
        r[0][1] = b[2];
        return 1;
    }
    r[0][0] = b[0];
    r[0][1] = 180;
    r[1][0] = -180;
    r[1][1] = b[2];
    return 2;
}

bool record_bbox_intersects(const double a[4], const double b[4])
{
    if (a[1] > b[3] || a[3] < b[1])
        return false;
    double ra[2][2], rb[2][2];
    int na = lon_ranges(a, ra), nb = lon_ranges(b, rb);
    /* An empty range (w > 180 or e < -180: an inverted box that is not in
     * degrees) meets nothing. */
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (ra[i][0] <= ra[i][1] && rb[j][0] <= rb[j][1] &&
                ra[i][0] <= rb[j][1] && rb[j][0] <= ra[i][1])
                return true;
    return false;
}

void record_keys(const json_t *rec, char ***keys, size_t *n)
{
    static const char *const roles[] = {"train_data", "validation_data",
                                        "test_data"};
    static const char *const role_keys[] = {"train", "validation", "test"};
    /* The index keeps a bounded number of keys per record (KEYS_MAX in
     * index.c): the ones every record has and the history needs (id,
     * source, state, run) come first, the lists a document may make
     * long (tasks, data links) last. */
    keys_add_value(keys, n, "id", json_string_value(json_object_get(rec, "id")),
                   false);
    keys_add_value(keys, n, "source",
                   json_string_value(json_object_get(rec, "source")), false);
    if (json_is_true(json_object_get(rec, "gone")))
        keys_add(keys, n, xstrdup("state=gone"));
    if (json_is_false(json_object_get(rec, "reachable")))
        keys_add(keys, n, xstrdup("state=unreachable"));
    const json_t *run = json_object_get(rec, "run");
    if (json_is_integer(run))
        keys_add(
            keys, n,
            xasprintf("run=%" JSON_INTEGER_FORMAT, json_integer_value(run)));
    keys_add_value(keys, n, "framework",
                   json_string_value(json_object_get(rec, "framework")), true);
    keys_add_value(keys, n, "architecture",
                   json_string_value(json_object_get(rec, "architecture")),
                   true);
    keys_add_strings(keys, n, "extension", json_object_get(rec, "extensions"),
                     NULL, false);
    double b[4];
    if (record_bbox(rec, b) == 0 &&
        record_cells(b[0], b[1], b[2], b[3], keys, n) < 0)
        keys_add(keys, n, xstrdup("cell=*"));
    int64_t t0, t1;
    if (record_interval(rec, &t0, &t1) == 0 &&
        record_years(t0, t1, keys, n) < 0)
        keys_add(keys, n, xstrdup("year=*"));
    keys_add_strings(keys, n, "task", json_object_get(rec, "tasks"), NULL,
                     true);
    for (size_t i = 0; i < 3; i++) {
        const json_t *arr = json_object_get(rec, roles[i]);
        keys_add_strings(keys, n, role_keys[i], arr, NULL, false);
        keys_add_strings(keys, n, "trained_on", arr, NULL, false);
    }
    /* A data link that redirected is in the lists as where it led: the
     * link as the document gives it finds the model too. */
    keys_add_strings(keys, n, "trained_on",
                     json_object_get(rec, "data_redirects"), "from", false);
}

void record_keys_free(char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* ---------------------------------------------------------- encoding */

/* record_encode() writes what json_dumps(rec, JSON_COMPACT |
 * JSON_SORT_KEYS) writes, byte for byte but for reals (the fuzz target
 * and test-record hold the two side by side), about five times faster:
 * jansson's dump keeps a table of the containers it is in (a snprintf of a
 * pointer and a hash insert and delete per container), allocates per sorted
 * object and formats every integer with snprintf; a model record has a hundred
 * nodes. */
struct enc {
    char *p;
    size_t len, cap;
    int indent, depth; /* indent 0: compact */
};

static void enc_grow(struct enc *o, size_t n)
{
    if (o->len + n <= o->cap)
        return;
    size_t cap = o->cap ? o->cap : 1024;
    while (cap < o->len + n)
        cap *= 2;
    o->p = xrealloc(o->p, cap);
    o->cap = cap;
}

static void enc_put(struct enc *o, const char *s, size_t n)
{
    enc_grow(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void enc_char(struct enc *o, char c)
{
    enc_grow(o, 1);
    o->p[o->len++] = c;
}

/* The first byte from i on that JSON escapes ('"', '\\', a control), or
 * n; sixteen bytes are tried at a time. Bytes past ASCII go as they are. */
static size_t plain_run(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f);
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        /* v <= 0x1f, unsigned: min(v, 0x1f) == v */
        __m128i stop = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* jansson's escapes: '"', '\\', the five short control escapes, other
 * control characters as \u00XX (upper-case hex); everything else as it
 * is (strings are valid UTF-8, so no byte of a multi-byte sequence is
 * ever below 0x20). */
static void enc_string(struct enc *o, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    enc_grow(o, n + 2);
    enc_char(o, '"');
    for (size_t i = 0;;) {
        size_t j = plain_run(s, i, n);
        enc_put(o, str + i, j - i);
        if (j == n)
            break;
        unsigned char ch = s[j];
        i = j + 1;
        const char *short_esc = ch == '"'    ? "\\\""
                                : ch == '\\' ? "\\\\"
                                : ch == '\b' ? "\\b"
                                : ch == '\f' ? "\\f"
                                : ch == '\n' ? "\\n"
                                : ch == '\r' ? "\\r"
                                : ch == '\t' ? "\\t"
                                             : NULL;
        if (short_esc) {
            enc_put(o, short_esc, 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            enc_put(o, u, sizeof(u));
        }
    }
    enc_char(o, '"');
}

static void enc_integer(struct enc *o, json_int_t v)
{
    char buf[24], *p = buf + sizeof(buf);
    /* Through unsigned: -LLONG_MIN does not fit. */
    unsigned long long u =
        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    enc_put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* A real with the fewest digits that read back (numfmt_real()): -43.58,
 * where jansson's "%.17g" writes -43.579999999999998. Then as jansson
 * writes one: ".0" when that looks like an integer, and the exponent
 * without '+' or leading zeros ("1e20", "1e-5"). No locale: stacml never
 * calls setlocale(), so the point is '.'. */
static void enc_real(struct enc *o, double v)
{
    char buf[NUMFMT_G17_MAX + 2];
    size_t len = numfmt_real(v, buf);
    char *e = memchr(buf, 'e', len);
    if (!e && !memchr(buf, '.', len)) {
        memcpy(buf + len, ".0", 2);
        len += 2;
    }
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        memmove(start, end, (size_t)(buf + len - end));
        len -= (size_t)(end - start);
    }
    enc_put(o, buf, len);
}

struct enc_member {
    const char *key;
    size_t len;
    const json_t *value;
};

/* jansson's order: bytes compared, then the shorter key first. */
static int member_cmp(const void *a, const void *b)
{
    const struct enc_member *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? (unsigned char)x->key[0] - (unsigned char)y->key[0] : 0;
    if (c == 0)
        c = memcmp(x->key, y->key, n);
    if (c != 0)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Objects are small (a record's members, a document's properties): an
 * insertion sort, the comparison inlined, takes a third of qsort()'s time
 * there, and a record read back from the index comes already sorted. */
static void sort_members(struct enc_member *m, size_t n)
{
    if (n > 32) {
        qsort(m, n, sizeof(*m), member_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct enc_member t = m[i];
        size_t j = i;
        for (; j > 0 && member_cmp(&t, &m[j - 1]) < 0; j--)
            m[j] = m[j - 1];
        m[j] = t;
    }
}

static void enc_value(struct enc *o, const json_t *v);

/* Between a container's members: a comma (not before the first), then
 * when indenting a new line at the members' depth, as JSON_INDENT does. */
static void enc_sep(struct enc *o, size_t k)
{
    if (k)
        enc_char(o, ',');
    if (!o->indent)
        return;
    enc_char(o, '\n');
    for (int i = 0; i < o->indent * o->depth; i++)
        enc_char(o, ' ');
}

/* The end of a container of n members: back at its own depth. */
static void enc_close(struct enc *o, size_t n, char c)
{
    o->depth--;
    if (n && o->indent) {
        enc_char(o, '\n');
        for (int i = 0; i < o->indent * o->depth; i++)
            enc_char(o, ' ');
    }
    enc_char(o, c);
}

static void enc_object(struct enc *o, const json_t *obj)
{
    struct enc_member small[32], *m = small;
    size_t n = json_object_size(obj), i = 0;
    if (n > 32)
        m = xmalloc(n * sizeof(*m));
    for (void *it = json_object_iter((json_t *)obj); it && i < n;
         it = json_object_iter_next((json_t *)obj, it), i++)
        m[i] = (struct enc_member){json_object_iter_key(it),
                                   json_object_iter_key_len(it),
                                   json_object_iter_value(it)};
    sort_members(m, i);
    enc_char(o, '{');
    o->depth++;
    for (size_t k = 0; k < i; k++) {
        enc_sep(o, k);
        enc_string(o, m[k].key, m[k].len);
        enc_put(o, ": ", o->indent ? 2 : 1);
        enc_value(o, m[k].value);
    }
    enc_close(o, i, '}');
    if (m != small)
        free(m);
}

static void enc_value(struct enc *o, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        enc_object(o, v);
        break;
    case JSON_ARRAY:
        enc_char(o, '[');
        o->depth++;
        for (size_t i = 0; i < json_array_size(v); i++) {
            enc_sep(o, i);
            enc_value(o, json_array_get(v, i));
        }
        enc_close(o, json_array_size(v), ']');
        break;
    case JSON_STRING:
        enc_string(o, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        enc_integer(o, json_integer_value(v));
        break;
    case JSON_REAL:
        enc_real(o, json_real_value(v));
        break;
    case JSON_TRUE:
        enc_put(o, "true", 4);
        break;
    case JSON_FALSE:
        enc_put(o, "false", 5);
        break;
    case JSON_NULL:
        enc_put(o, "null", 4);
        break;
    }
}

static char *encode(const json_t *rec, size_t *len, int indent)
{
    /* No JSON_ENSURE_ASCII: names and descriptions stay readable UTF-8.
     * jansson only holds valid UTF-8 and escapes '"', '\\' and every
     * control character, so the output is always valid JSON. */
    struct enc o = {.indent = indent};
    if (len)
        *len = 0;
    if (!json_is_object(rec) && !json_is_array(rec))
        return NULL;
    enc_value(&o, rec);
    enc_char(&o, '\0');
    if (len)
        *len = o.len - 1;
    return o.p;
}

char *record_encode(const json_t *rec, size_t *len)
{
    return encode(rec, len, 0);
}

char *record_encode_pretty(const json_t *v, size_t *len)
{
    return encode(v, len, 2);
}

json_t *record_decode(const char *data, size_t len)
{
    json_error_t err;
    json_t *rec;

    if (!data)
        return NULL;
    /* JSON_ALLOW_NUL: a document loaded with it holds strings with NUL
     * bytes, which record_encode() writes as \u0000: still valid JSON,
     * and it must come back. */
    rec = jsonread(data, len, JSON_ALLOW_NUL, &err);
    if (!json_is_object(rec)) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}
