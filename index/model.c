/* SPDX-License-Identifier: MIT */
/* The model record (docs/record.md) and what every reader shares: the state
 * of one read, the issues, where fields are looked up, typed values read
 * leniently, hrefs, task names and the core fields. The readers of inputs
 * and outputs, of artifacts and data links, and of datasets live in
 * model-io.c, model-assets.c and model-dataset.c. Pure functions over
 * jansson: no I/O, no global state. */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/detect.h"
#include "index/model-int.h"
#include "index/model.h"
#include "src/numfmt.h"
#include "src/url.h"
#include "src/xalloc.h"

/* ------------------------------------------------------------ issues */

/* How many of the n bytes of s to keep for at most max: cut before a
 * UTF-8 sequence rather than inside it, so the text stays valid. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* How many bytes of s an issue quotes: at most MODEL_QUOTE_MAX. */
int model_quote_len(const char *s)
{
    return (int)utf8_cut(s, strlen(s), MODEL_QUOTE_MAX);
}

/* Record one problem, once: the same text twice (one per class, say) would
 * only bury the others. */
void model_issue(struct model_reader *r, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    json_t *s;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < json_array_size(r->issues); i++) {
        if (strcmp(json_string_value(json_array_get(r->issues, i)), text) == 0)
            return;
    }
    if (json_array_size(r->issues) >= MODEL_MAX_ISSUES) {
        r->dropped++;
        return;
    }
    s = json_string(text);
    if (s)
        json_array_append_new(r->issues, s);
}

const char *model_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* ------------------------------------------------------------ document */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The mlm version an identifier names, as major*100+minor: the digits
 * after the last "/v" ("https://.../mlm/v1.5.2/schema.json" is 105), -1
 * when there are none. */
static int uri_version(const char *uri)
{
    const char *p = NULL, *q = uri;
    long major, minor = 0;
    char *end;

    while ((q = strstr(q, "/v")) != NULL) {
        if (q[2] >= '0' && q[2] <= '9')
            p = q + 2;
        q += 2;
    }
    if (!p)
        return -1;
    major = strtol(p, &end, 10);
    if (*end == '.')
        minor = strtol(end + 1, NULL, 10);
    if (major < 0 || major > 99 || minor < 0 || minor > 99)
        return -1;
    return (int)(major * 100 + minor);
}

void model_reader_init(struct model_reader *r, const json_t *doc,
                       const char *url)
{
    const char *type = json_string_value(json_object_get(doc, "type"));
    const json_t *exts = json_object_get(doc, "stac_extensions");
    const json_t *v;
    size_t i;

    memset(r, 0, sizeof(*r));
    r->doc = doc;
    r->url = url;
    r->mlm_version = -1;
    r->issues = json_array();
    /* Told apart as record.c does, so both agree on what an Item is. */
    r->is_item = type && strcmp(type, "Feature") == 0;
    r->is_collection = (type && strcmp(type, "Collection") == 0) ||
                       (!type && (json_object_get(doc, "extent") ||
                                  json_object_get(doc, "license")));
    v = json_object_get(doc, "properties");
    r->props = json_is_object(v) ? v : NULL;
    v = json_object_get(doc, "summaries");
    r->summaries = json_is_object(v) && r->is_collection ? v : NULL;
    json_array_foreach (exts, i, v) {
        const char *s = json_string_value(v);
        unsigned flag = s ? detect_uri(s) : 0;

        r->declared |= flag;
        if ((flag & EXT_MLM) && uri_version(s) > r->mlm_version)
            r->mlm_version = uri_version(s);
    }
}

/* Hand over the issues (new reference), with a closing count of those
 * past the cap. */
json_t *model_reader_finish(struct model_reader *r)
{
    json_t *out = r->issues;

    if (r->used_cprops)
        model_issue(r, "fields sit in a \"properties\" object of a Collection, "
                       "which STAC does not define; read from there");
    if (r->dropped) {
        char *s = xasprintf("%zu more problems not listed", r->dropped);
        json_array_append_new(out, json_string(s));
        free(s);
    }
    r->issues = NULL;
    free(r->model_asset_label);
    r->model_asset_label = NULL;
    return out;
}

/* A field wherever documents put it: Item properties (then, leniently, the
 * Item top level); a Collection's top level, then its non-standard
 * "properties" object (tdml examples), then its summaries. *summary says
 * the value came from summaries, where a field is an array of values. */
static const json_t *field_at(struct model_reader *r, const char *key,
                              bool *summary)
{
    const json_t *v;

    *summary = false;
    if (r->is_item) {
        v = r->props ? json_object_get(r->props, key) : NULL;
        return v ? v : json_object_get(r->doc, key);
    }
    v = json_object_get(r->doc, key);
    if (v)
        return v;
    v = r->props ? json_object_get(r->props, key) : NULL;
    if (v) {
        if (r->is_collection)
            r->used_cprops = true;
        return v;
    }
    v = r->summaries ? json_object_get(r->summaries, key) : NULL;
    *summary = v != NULL;
    return v;
}

const json_t *model_field(struct model_reader *r, const char *key)
{
    bool summary;
    return field_at(r, key, &summary);
}

/* A field that holds one value: from summaries, the first of the values
 * listed there (a range object names no single value). */
const json_t *model_scalar(struct model_reader *r, const char *key)
{
    bool summary;
    const json_t *v = field_at(r, key, &summary);

    if (!summary)
        return v;
    return json_is_array(v) ? json_array_get(v, 0) : NULL;
}

/* An object-valued field (dlm's): as model_field(), but from summaries,
 * where a field is an array of values, the first value; a lone object
 * there is read as given. null is no value. */
const json_t *model_object(struct model_reader *r, const char *key)
{
    bool summary;
    const json_t *v = field_at(r, key, &summary);

    if (summary && json_is_array(v))
        v = json_array_get(v, 0);
    return json_is_null(v) ? NULL : v;
}

typedef json_t *read_fn(struct model_reader *r, const json_t *v,
                        const char *what);

/* An mlm field, read by read: Item properties or Collection summaries
 * first, else the mlm:model asset, whose values count for the whole model
 * when the Item gives none. mlm allows these fields in both places
 * (EXTENSIONS.md 4.2), so a null, or an Item value refused (wrong type,
 * below its minimum; reported), gives none and does not hide the asset's
 * value. A value of the asset is named as the asset's own field
 * ('asset "w" mlm:tasks'): a problem with it is reported where it is,
 * and once, for the artifact read of that asset says the same. */
static json_t *mlm_read(struct model_reader *r, const char *key, read_fn *read)
{
    json_t *out = read(r, model_scalar(r, key), key);
    char what[160];

    if (out || !r->model_asset)
        return out;
    snprintf(what, sizeof(what), "%s %s", r->model_asset_label, key);
    return read(r, json_object_get(r->model_asset, key), what);
}

/* ------------------------------------------------------------ values */

static json_t *real_text(double v)
{
    char buf[64];

    numfmt_shortest(v, buf, sizeof(buf));
    return json_string(buf);
}

/* A copy of a JSON string (NUL bytes included), NULL when empty. */
json_t *model_text_copy(const json_t *v)
{
    if (!json_is_string(v) || json_string_length(v) == 0)
        return NULL;
    return json_stringn(json_string_value(v), json_string_length(v));
}

/* A non-empty string; a number is read as its text, with an issue. */
json_t *model_text(struct model_reader *r, const json_t *v, const char *what)
{
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return model_text_copy(v);
    if (json_is_integer(v) || json_is_real(v)) {
        model_issue(r, "%s should be a string, not a number; read as text",
                    what);
        if (json_is_integer(v))
            return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return real_text(json_real_value(v));
    }
    model_issue(r, "%s should be a string, not %s; ignored", what,
                model_type_name(v));
    return NULL;
}

/* Prose (a description): kept to MODEL_MAX_PROSE bytes, for a record is
 * read and sent whole by every search and export, while the document may
 * hold megabytes of it. The whole text stays in "stac". */
json_t *model_prose(struct model_reader *r, const json_t *v, const char *what)
{
    size_t n = json_string_length(v);
    size_t keep = utf8_cut(json_string_value(v), n, MODEL_MAX_PROSE);

    if (!json_is_string(v) || keep == n)
        return model_text(r, v, what);
    model_issue(r,
                "%s is %zu bytes long; cut at %zu bytes (the whole text "
                "stays in stac)",
                what, n, keep);
    return json_stringn(json_string_value(v), keep);
}

/* The whole of s as a number, or false. */
bool model_parse_number(const char *s, double *out)
{
    char *end;

    while (is_blank((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    *out = strtod(s, &end);
    while (is_blank((unsigned char)*end))
        end++;
    return *end == '\0' && isfinite(*out);
}

/* An integral double that fits a json_int_t exactly. */
static bool fits_integer(double d)
{
    /* the range check first: the cast is only defined inside it */
    return d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
           (double)(json_int_t)d == d;
}

/* Whether model_integer() reads v (an integer, an integral number, a
 * numeric string of one), and as what; quiet. */
bool model_integral(const json_t *v, json_int_t *out)
{
    double d;

    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_real(v))
        d = json_real_value(v);
    else if (!json_is_string(v) ||
             !model_parse_number(json_string_value(v), &d))
        return false;
    if (!fits_integer(d))
        return false;
    *out = (json_int_t)d;
    return true;
}

/* An integer; an integral number or a numeric string is read, with an
 * issue. */
json_t *model_integer(struct model_reader *r, const json_t *v, const char *what)
{
    json_int_t n;

    if (!v || json_is_null(v))
        return NULL;
    if (!model_integral(v, &n)) {
        model_issue(r, "%s should be an integer, not %s; ignored", what,
                    model_type_name(v));
        return NULL;
    }
    if (json_is_real(v))
        model_issue(r, "%s should be an integer; read %.17g as one", what,
                    json_real_value(v));
    else if (json_is_string(v))
        model_issue(r, "%s should be an integer, not a string; read as one",
                    what);
    return json_integer(n);
}

/* A count: an integer, read as model_integer() reads one, of at least
 * min; a smaller one (a negative byte or parameter count) names nothing,
 * and is reported and ignored. */
json_t *model_count(struct model_reader *r, const json_t *v, const char *what,
                    json_int_t min)
{
    json_t *n = model_integer(r, v, what);

    if (n && json_integer_value(n) < min) {
        model_issue(r,
                    "%s should be at least %" JSON_INTEGER_FORMAT
                    ", not %" JSON_INTEGER_FORMAT "; ignored",
                    what, min, json_integer_value(n));
        json_decref(n);
        return NULL;
    }
    return n;
}

/* The counts of mlm's schema: "minimum": 0, or 1 for accelerators. */
static json_t *count0(struct model_reader *r, const json_t *v, const char *what)
{
    return model_count(r, v, what, 0);
}

static json_t *count1(struct model_reader *r, const json_t *v, const char *what)
{
    return model_count(r, v, what, 1);
}

/* A number; a numeric string is read, with an issue. */
json_t *model_number(struct model_reader *r, const json_t *v, const char *what)
{
    double d;

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_number(v))
        return json_copy((json_t *)v);
    if (json_is_string(v) && model_parse_number(json_string_value(v), &d)) {
        model_issue(r, "%s should be a number, not a string; read as one",
                    what);
        return fits_integer(d) && !strchr(json_string_value(v), '.')
                   ? json_integer((json_int_t)d)
                   : json_real(d);
    }
    model_issue(r, "%s should be a number, not %s; ignored", what,
                model_type_name(v));
    return NULL;
}

/* A boolean; the strings "true" and "false" are read, with an issue. */
json_t *model_bool(struct model_reader *r, const json_t *v, const char *what)
{
    const char *s = json_string_value(v);

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_boolean(v))
        return json_boolean(json_is_true(v));
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
        model_issue(r, "%s should be a boolean, not a string; read as one",
                    what);
        return json_boolean(s[0] == 't');
    }
    model_issue(r, "%s should be a boolean, not %s; ignored", what,
                model_type_name(v));
    return NULL;
}

/* Report, before reading it, an array (or object) longer than
 * MODEL_MAX_ENTRIES: the entries past the cap are ignored. Reporting first
 * keeps the line even when the entries' own problems fill the issues. */
void model_check_cap(struct model_reader *r, const json_t *v, const char *what)
{
    if (json_array_size(v) > MODEL_MAX_ENTRIES ||
        json_object_size(v) > MODEL_MAX_ENTRIES)
        model_issue(r, "%s has more than %d entries; the rest are ignored",
                    what, MODEL_MAX_ENTRIES);
}

bool model_is_list(struct model_reader *r, const json_t *v, const char *what)
{
    if (!v || json_is_null(v))
        return false;
    if (!json_is_array(v)) {
        model_issue(r, "%s should be an array, not %s; ignored", what,
                    model_type_name(v));
        return false;
    }
    model_check_cap(r, v, what);
    return true;
}

json_t *model_objects(struct model_reader *r, const json_t *v, const char *what,
                      model_object_fn *read_one, void *ctx)
{
    const json_t *e;
    json_t *out;
    size_t i;

    if (!model_is_list(r, v, what))
        return NULL;
    out = json_array();
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (!json_is_object(e)) {
            model_issue(r, "%s should hold objects only; %s ignored", what,
                        model_type_name(e));
            continue;
        }
        model_append(out, read_one(r, e, ctx));
    }
    return out;
}

/* An array of non-empty strings; a lone string becomes a one-element
 * array, with an issue unless one_ok (fields the spec makes a string). */
json_t *model_texts(struct model_reader *r, const json_t *v, const char *what,
                    bool one_ok)
{
    json_t *out, *s;
    const json_t *e;
    size_t i;

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        if (!one_ok)
            model_issue(r,
                        "%s should be an array of strings, not a string; read "
                        "as one",
                        what);
        s = model_text_copy(v);
        if (!s)
            return NULL;
        out = json_array();
        json_array_append_new(out, s);
        return out;
    }
    if (!json_is_array(v)) {
        model_issue(r, "%s should be an array of strings, not %s; ignored",
                    what, model_type_name(v));
        return NULL;
    }
    model_check_cap(r, v, what);
    out = json_array();
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (!json_is_string(e)) {
            model_issue(r, "%s should hold strings only; %s ignored", what,
                        model_type_name(e));
            continue;
        }
        s = model_text_copy(e);
        if (s)
            json_array_append_new(out, s);
    }
    return out;
}

/* v as an issue names it: a number as written, a string quoted (cut), else
 * its type. */
void model_describe(const json_t *v, char *buf, size_t n)
{
    const char *s = json_string_value(v);

    if (json_is_integer(v))
        snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        numfmt_shortest(json_real_value(v), buf, n);
    else if (s)
        snprintf(buf, n, "\"%.*s\"", model_quote_len(s), s);
    else
        snprintf(buf, n, "%s", model_type_name(v));
}

/* Whether entry e of a shape is a size of at least min; if not, one issue
 * naming it. */
static bool shape_size_ok(struct model_reader *r, const json_t *e,
                          const char *what, json_int_t min)
{
    char desc[MODEL_QUOTE_MAX + 8];
    json_int_t n;

    if (model_integral(e, &n) && n >= min)
        return true;
    model_describe(e, desc, sizeof(desc));
    if (model_integral(e, &n))
        model_issue(r,
                    "%s should hold sizes of at least %" JSON_INTEGER_FORMAT
                    "%s, not %s; ignored",
                    what, min, min == -1 ? " (any size)" : "", desc);
    else
        model_issue(r, "%s should hold integer sizes, not %s; ignored", what,
                    desc);
    return false;
}

json_t *model_shape(struct model_reader *r, const json_t *v, const char *what,
                    json_int_t min)
{
    json_t *out;
    const json_t *e;
    size_t i;

    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        model_issue(r, "%s should be an array of integers, not %s; ignored",
                    what, model_type_name(v));
        return NULL;
    }
    model_check_cap(r, v, what);
    /* every entry first, so a refused shape gives one issue */
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (!shape_size_ok(r, e, what, min))
            return NULL;
    }
    out = json_array();
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        json_array_append_new(out, model_integer(r, e, what));
    }
    return out;
}

json_t *model_dim_order(struct model_reader *r, const json_t *v,
                        const char *what)
{
    char desc[MODEL_QUOTE_MAX + 8];
    const json_t *e;
    size_t i;

    /* A lone string or another type: as any list of names. */
    if (!json_is_array(v))
        return model_texts(r, v, what, false);
    /* every entry first, so a refused dim_order gives one issue */
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (json_is_string(e) && json_string_length(e) > 0)
            continue;
        model_describe(e, desc, sizeof(desc));
        model_issue(r, "%s should hold dimension names, not %s; ignored", what,
                    desc);
        return NULL;
    }
    return model_texts(r, v, what, false);
}

/* The key an object member of a free-form copy goes under: its own, or
 * the right spelling of a known misspelling (reported); NULL when the
 * right spelling is also there, and wins. */
static const char *copy_key(struct model_reader *r, const json_t *obj,
                            const char *key, const struct model_copy_opts *o,
                            const char *what)
{
    for (size_t i = 0; i < o->n_renames; i++) {
        if (strcmp(key, o->renames[i].from) != 0)
            continue;
        const char *name = o->renames[i].to;
        if (json_object_get(obj, name))
            return NULL;
        model_issue(r, "%s: \"%s\" read as \"%s\"", what, key, name);
        return name;
    }
    return key;
}

json_t *model_copy_tree(struct model_reader *r, const json_t *v,
                        const char *what, int depth,
                        const struct model_copy_opts *o)
{
    json_t *out, *c;
    const json_t *e;
    const char *key;
    size_t i, n = 0;

    if (depth > MODEL_MAX_DEPTH) {
        model_issue(r, "%s nests deeper than %d levels; the rest is ignored",
                    what, MODEL_MAX_DEPTH);
        return NULL;
    }
    if (!json_is_array(v) && !json_is_object(v))
        return json_copy((json_t *)v);
    if (o->report_cuts)
        model_check_cap(r, v, what);
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach (v, i, e) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            c = model_copy_tree(r, e, what, depth + 1, o);
            if (c)
                json_array_append_new(out, c);
        }
        return out;
    }
    out = json_object();
    json_object_foreach ((json_t *)v, key, e) {
        if (n++ >= MODEL_MAX_ENTRIES)
            break;
        const char *name = copy_key(r, v, key, o, what);
        if (!name)
            continue;
        c = model_copy_tree(r, e, what, depth + 1, o);
        if (c)
            json_object_set_new(out, name, c);
    }
    return out;
}

json_t *model_copy(struct model_reader *r, const json_t *v, const char *what)
{
    static const struct model_copy_opts as_given = {.report_cuts = true};
    if (!v || json_is_null(v))
        return NULL;
    return model_copy_tree(r, v, what, 0, &as_given);
}

/* rec[key] = v when v is not NULL (taking the reference). */
void model_put(json_t *obj, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(obj, key, v);
}

/* Append v to arr when v is not NULL (taking the reference). */
void model_append(json_t *arr, json_t *v)
{
    if (v)
        json_array_append_new(arr, v);
}

/* rec[key] = the first non-NULL of cand[0..n), which are all taken; the
 * key is removed when every candidate is NULL, so that a stale value of an
 * earlier read cannot survive. */
void model_put_first(json_t *rec, const char *key, json_t **cand, size_t n)
{
    json_t *chosen = NULL;

    for (size_t i = 0; i < n; i++) {
        if (!chosen && cand[i])
            chosen = cand[i];
        else
            json_decref(cand[i]);
    }
    if (chosen)
        json_object_set_new(rec, key, chosen);
    else
        json_object_del(rec, key);
}

/* The array at rec[key], made empty (arrays that are always present). */
json_t *model_fresh_array(json_t *rec, const char *key)
{
    json_t *a = json_array();
    json_object_set_new(rec, key, a);
    return a;
}

/* ------------------------------------------------------------ URLs */

/* Whether s starts with an RFC 3986 scheme and ':'. */
bool model_has_scheme(const char *s)
{
    size_t n = 0;

    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
           (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '-' ||
           s[n] == '.')
        n++;
    return s[n] == ':';
}

/* Whether href uses a scheme that runs code where a record is shown
 * (javascript:, vbscript:, data:): such hrefs are never kept. */
bool model_is_script_url(const char *href)
{
    static const char *const schemes[] = {"javascript:", "vbscript:", "data:"};

    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t n = strlen(schemes[i]), k;
        for (k = 0; k < n && lower(href[k]) == schemes[i][k]; k++)
            ;
        if (k == n)
            return true;
    }
    return false;
}

/* The record form of an href. A container-registry reference
 * ("docker.io/x:y", allowed only where registry is true) and an absolute
 * URL of a scheme other than http, https and file stay as given; anything
 * else is resolved against the document URL and normalised, keeping the
 * fragment when asked (a "#L207" in a source-code link matters). NULL,
 * with an issue, when it cannot be resolved. */
json_t *model_resolve_href(struct model_reader *r, const json_t *v,
                           bool registry, bool keep_fragment, const char *what)
{
    const char *href = json_string_value(v), *frag;
    char *abs = NULL;
    json_t *out;
    int rc;

    if (!href) {
        if (v)
            model_issue(r, "%s href should be a string, not %s; ignored", what,
                        model_type_name(v));
        return NULL;
    }
    if (!*href) {
        model_issue(r, "%s has an empty href; ignored", what);
        return NULL;
    }
    if (model_is_script_url(href)) {
        model_issue(r, "%s href \"%.*s\" is a script, not a link; ignored",
                    what, model_quote_len(href), href);
        return NULL;
    }
    if ((registry && url_is_registry_ref(href)) ||
        (model_has_scheme(href) && url_scheme_of(href) == URL_SCHEME_OTHER))
        return model_text_copy(v);
    if (!r->url && !model_has_scheme(href))
        return model_text_copy(v);
    rc = r->url ? url_resolve(r->url, href, &abs) : url_normalize(href, &abs);
    if (rc != 0) {
        model_issue(r, "%s href \"%.*s\" is not a usable URL; ignored", what,
                    model_quote_len(href), href);
        return NULL;
    }
    frag = strchr(href, '#');
    if (keep_fragment && frag && frag[1])
        out = json_sprintf("%s%s", abs, frag);
    else
        out = json_string(abs);
    free(abs);
    return out;
}

/* ------------------------------------------------------------ tasks */

/* The task vocabulary of mlm (README "Task Enum", v1.0.0 to v1.5.2). */
static const char *const mlm_tasks[] = {
    "regression",
    "classification",
    "scene-classification",
    "detection",
    "object-detection",
    "segmentation",
    "semantic-segmentation",
    "instance-segmentation",
    "panoptic-segmentation",
    "similarity-search",
    "generative",
    "image-captioning",
    "super-resolution",
    "downscaling",
};

/* Names of other extensions that mean an mlm task. dlm's schema enum has
 * "object segmentation" where its README has "instance segmentation":
 * segmenting each object separately is what mlm calls instance
 * segmentation. */
static const struct {
    const char *from, *to;
} task_aliases[] = {
    {"object-segmentation", "instance-segmentation"},
};

char *model_task_name(const char *task)
{
    size_t n, k = 0;
    bool sep = false;
    char *key, *out;

    if (!task)
        return NULL;
    n = strlen(task);
    key = xmalloc(n + 1);
    /* Runs of blanks, '_' and '-' become one '-'; leading and trailing
     * ones go. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)task[i];
        if (is_blank(c) || c == '_' || c == '-') {
            sep = k > 0;
            continue;
        }
        if (sep)
            key[k++] = '-';
        sep = false;
        key[k++] = lower((char)c);
    }
    key[k] = '\0';
    for (size_t i = 0; i < sizeof(mlm_tasks) / sizeof(mlm_tasks[0]); i++) {
        if (strcmp(key, mlm_tasks[i]) == 0) {
            free(key);
            return xstrdup(mlm_tasks[i]);
        }
    }
    for (size_t i = 0; i < sizeof(task_aliases) / sizeof(task_aliases[0]);
         i++) {
        if (strcmp(key, task_aliases[i].from) == 0) {
            free(key);
            return xstrdup(task_aliases[i].to);
        }
    }
    free(key);
    out = xstrdup(task);
    for (char *p = out; *p; p++)
        *p = lower(*p);
    return out;
}

void model_set_init(struct model_set *s, json_t *arr)
{
    s->arr = arr;
    s->seen = json_object();
}

void model_set_cleanup(struct model_set *s)
{
    json_decref(s->seen);
}

/* Add a copy of text; false when the set is full. */
bool model_set_add(struct model_set *s, const char *text)
{
    json_t *v;

    if (json_object_get(s->seen, text))
        return true;
    if (json_array_size(s->arr) >= MODEL_MAX_ENTRIES)
        return false;
    v = json_string(text);
    if (!v)
        return true;
    json_object_set_new(s->seen, text, json_true());
    json_array_append_new(s->arr, v);
    return true;
}

/* Add the canonical names of the tasks in v (an array of strings, or one
 * string when one_ok) to s. */
void model_add_tasks(struct model_reader *r, struct model_set *s,
                     const json_t *v, const char *what, bool one_ok)
{
    json_t *names = model_texts(r, v, what, one_ok);
    const json_t *e;
    size_t i;

    json_array_foreach (names, i, e) {
        char *name = model_task_name(json_string_value(e));
        bool ok = model_set_add(s, name);
        free(name);
        if (!ok) {
            model_issue(r, "%s: more than %d tasks; the rest are ignored", what,
                        MODEL_MAX_ENTRIES);
            break;
        }
    }
    json_decref(names);
}

/* A new array of the canonical task names in v. */
json_t *model_task_array(struct model_reader *r, const json_t *v,
                         const char *what, bool one_ok)
{
    struct model_set s;

    model_set_init(&s, json_array());
    model_add_tasks(r, &s, v, what, one_ok);
    model_set_cleanup(&s);
    return s.arr;
}

/* ------------------------------------------------------------ common */

/* A bbox: 4 or 6 numbers. */
static json_t *get_bbox(struct model_reader *r, const json_t *v,
                        const char *what)
{
    size_t n = json_array_size(v);
    const json_t *e;
    size_t i;

    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v) || (n != 4 && n != 6)) {
        model_issue(r, "%s should be an array of 4 or 6 numbers; ignored",
                    what);
        return NULL;
    }
    json_array_foreach (v, i, e) {
        if (!json_is_number(e)) {
            model_issue(r, "%s should hold numbers only; ignored", what);
            return NULL;
        }
    }
    /* Projected coordinates are met (EXTENSIONS.md 7.9.20): kept, and
     * said, for --bbox cannot use them (record_bbox()). */
    double lon[2] = {json_number_value(json_array_get(v, 0)),
                     json_number_value(json_array_get(v, n / 2))};
    double lat[2] = {json_number_value(json_array_get(v, 1)),
                     json_number_value(json_array_get(v, n / 2 + 1))};
    for (i = 0; i < 2; i++) {
        /* 0-360 longitudes are degrees too (the mlm datacube example). */
        if (fabs(lon[i]) > 360 || fabs(lat[i]) > 90) {
            model_issue(r,
                        "%s is not in degrees of longitude and latitude "
                        "(projected coordinates?); kept as given, not "
                        "used by --bbox",
                        what);
            break;
        }
    }
    return json_deep_copy(v);
}

/* A date: a number is no date, so unlike other text fields it is not
 * read as one. */
static json_t *get_date(struct model_reader *r, const json_t *v,
                        const char *what)
{
    if (v && !json_is_null(v) && !json_is_string(v)) {
        model_issue(r, "%s should be a string, not %s; ignored", what,
                    model_type_name(v));
        return NULL;
    }
    return model_text_copy(v);
}

/* A datetime field, accepting the misspelling "_datatime" seen in tdml
 * examples. */
static json_t *get_datetime(struct model_reader *r, const char *key,
                            const char *typo)
{
    const json_t *v = model_scalar(r, key);

    if (!v && typo) {
        v = model_scalar(r, typo);
        if (v)
            model_issue(r, "\"%s\" read as \"%s\"", typo, key);
    }
    return get_date(r, v, key);
}

/* The fields every record has: title, description, keywords, license,
 * bbox and the time span. Models keep datetime; datasets have only a span,
 * an Item's datetime being both its ends. */
/* The first of a Collection extent's list (of bboxes, or of intervals).
 * Written flat, one bbox or one interval instead of a list of them (a
 * common slip), it is read as that one, with an issue. */
static const json_t *extent_first(struct model_reader *r, const json_t *list,
                                  const char *where, const char *what)
{
    const json_t *first = json_array_get(list, 0);
    if (!first || json_is_array(first))
        return first;
    if (!json_is_number(first) && !json_is_string(first) &&
        !json_is_null(first))
        return first;
    model_issue(r, "%s should be a list of %s; read as one", where, what);
    return list;
}

/* STAC requires an id, a string; a number is read as text (the dlm beta
 * example's). None, one of another type, or an empty one names nothing:
 * the record's id is "" then, which show cannot find, so it is
 * reported. */
static void check_id(struct model_reader *r)
{
    const json_t *id = json_object_get(r->doc, "id");
    if (!json_is_object(r->doc) || json_is_number(id))
        return;
    if (!id)
        model_issue(r, "no id, where STAC requires one");
    else if (!json_is_string(id))
        model_issue(r, "id should be a string, not %s; ignored",
                    model_type_name(id));
    else if (json_string_length(id) == 0)
        model_issue(r, "id is empty, where STAC requires one");
}

void model_read_common(struct model_reader *r, json_t *rec, bool dataset)
{
    json_t *start = NULL, *end = NULL, *dt = NULL, *bbox = NULL;
    const json_t *extent = json_object_get(r->doc, "extent");
    json_t *cand[1];

    check_id(r);
    cand[0] = model_text(r, model_scalar(r, "title"), "title");
    model_put_first(rec, "title", cand, 1);
    cand[0] = model_prose(r, model_scalar(r, "description"), "description");
    model_put_first(rec, "description", cand, 1);
    cand[0] = model_texts(r, model_field(r, "keywords"), "keywords", false);
    model_put_first(rec, "keywords", cand, 1);
    cand[0] = model_text(r, model_scalar(r, "license"), "license");
    model_put_first(rec, "license", cand, 1);

    if (r->is_collection) {
        const json_t *sp = extent_first(
            r, json_object_get(json_object_get(extent, "spatial"), "bbox"),
            "extent.spatial.bbox", "bboxes");
        const json_t *iv = extent_first(
            r, json_object_get(json_object_get(extent, "temporal"), "interval"),
            "extent.temporal.interval", "intervals");
        bbox = get_bbox(r, sp, "extent.spatial.bbox[0]");
        start = get_date(r, json_array_get(iv, 0), "extent.temporal.interval");
        end = get_date(r, json_array_get(iv, 1), "extent.temporal.interval");
    } else {
        bbox = get_bbox(r, json_object_get(r->doc, "bbox"), "bbox");
        start = get_datetime(r, "start_datetime", "start_datatime");
        end = get_datetime(r, "end_datetime", "end_datatime");
        dt = get_datetime(r, "datetime", NULL);
    }
    if (dataset && dt) {
        if (!start)
            start = json_copy(dt);
        if (!end)
            end = json_copy(dt);
        json_decref(dt);
        dt = NULL;
    }
    cand[0] = bbox;
    model_put_first(rec, "bbox", cand, 1);
    cand[0] = start;
    model_put_first(rec, "start_datetime", cand, 1);
    cand[0] = end;
    model_put_first(rec, "end_datetime", cand, 1);
    if (!dataset) {
        cand[0] = dt;
        model_put_first(rec, "datetime", cand, 1);
    }
}

/* ------------------------------------------------------------ model */

/* dlm:architecture.estimated_total_size_mb in bytes: torchsummary, which
 * dlm examples quote, counts a MB as 2^20 bytes. */
static json_t *dlm_memory(struct model_reader *r, const json_t *arch)
{
    const json_t *v = json_object_get(arch, "estimated_total_size_mb");
    double b;

    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_number(v) || json_number_value(v) < 0) {
        model_issue(r, "dlm:architecture estimated_total_size_mb should be a "
                       "number; ignored");
        return NULL;
    }
    b = json_number_value(v) * 1048576.0 + 0.5;
    if (b > 9007199254740992.0) {
        model_issue(r, "dlm:architecture estimated_total_size_mb is too "
                       "large; ignored");
        return NULL;
    }
    /* non-negative, so truncating after adding 0.5 rounds */
    return json_integer((json_int_t)b);
}

/* dlm:architecture.pretrained names the pre-training (e.g. "imagenet"):
 * a name means pretrained; "none", "no" and "false" mean not. */
static json_t *dlm_pretrained(struct model_reader *r, const json_t *arch)
{
    const json_t *v = json_object_get(arch, "pretrained");
    const char *s = json_string_value(v);

    if (json_is_boolean(v))
        return json_boolean(json_is_true(v));
    if (!s || !*s) {
        if (v && !json_is_null(v))
            model_issue(r,
                        "dlm:architecture pretrained should be a string, not "
                        "%s; ignored",
                        model_type_name(v));
        return NULL;
    }
    return json_boolean(strcmp(s, "none") != 0 && strcmp(s, "no") != 0 &&
                        strcmp(s, "false") != 0);
}

/* rec[name] from the one field key that gives it, read by read (when on:
 * the document has key's extension): mlm's from the Item or summaries,
 * else its model asset (mlm_read()), the others' from the Item or
 * summaries. */
static void put_one(struct model_reader *r, json_t *rec, const char *name,
                    bool on, read_fn *read, const char *key)
{
    json_t *v = NULL;
    if (on && strncmp(key, "mlm:", 4) == 0)
        v = mlm_read(r, key, read);
    else if (on)
        v = read(r, model_scalar(r, key), key);
    model_put_first(rec, name, &v, 1);
}

/* The single-valued model fields, mlm first, then dlm, then ml-model: dlm
 * is mlm's direct ancestor and closest in meaning. */
static void read_scalars(struct model_reader *r, json_t *rec, unsigned exts)
{
    bool mlm = exts & EXT_MLM, dlm = exts & EXT_DLM, mm = exts & EXT_ML_MODEL;
    const json_t *arch = dlm ? model_object(r, "dlm:architecture") : NULL;
    const json_t *rt = dlm ? model_object(r, "dlm:runtime") : NULL;
    json_t *c[3];

    if (arch && !json_is_object(arch)) {
        model_issue(r, "dlm:architecture should be an object, not %s; ignored",
                    model_type_name(arch));
        arch = NULL;
    }
    if (rt && !json_is_object(rt))
        rt = NULL; /* reported with the artifacts */

    c[0] = mlm ? mlm_read(r, "mlm:architecture", model_text) : NULL;
    c[1] =
        model_text(r, json_object_get(arch, "type"), "dlm:architecture type");
    c[2] = mm ? model_text(r, model_scalar(r, "ml-model:architecture"),
                           "ml-model:architecture")
              : NULL;
    model_put_first(rec, "architecture", c, 3);

    c[0] = mlm ? mlm_read(r, "mlm:framework", model_text) : NULL;
    c[1] = model_text(r, json_object_get(rt, "framework"),
                      "dlm:runtime framework");
    model_put_first(rec, "framework", c, 2);

    c[0] = mlm ? mlm_read(r, "mlm:framework_version", model_text) : NULL;
    c[1] = model_text(r, json_object_get(rt, "framework_version"),
                      "dlm:runtime framework_version");
    c[2] = model_text(r, json_object_get(rt, "version"), "dlm:runtime version");
    model_put_first(rec, "framework_version", c, 3);

    put_one(r, rec, "accelerator", mlm, model_text, "mlm:accelerator");
    put_one(r, rec, "accelerator_constrained", mlm, model_bool,
            "mlm:accelerator_constrained");
    put_one(r, rec, "accelerator_summary", mlm, model_text,
            "mlm:accelerator_summary");
    put_one(r, rec, "accelerator_count", mlm, count1, "mlm:accelerator_count");
    put_one(r, rec, "batch_size_suggestion", mlm, count0,
            "mlm:batch_size_suggestion");
    put_one(r, rec, "learning_approach", mm, model_text,
            "ml-model:learning_approach");
    put_one(r, rec, "training_processor_type", mm, model_text,
            "ml-model:training-processor-type");
    put_one(r, rec, "training_os", mm, model_text, "ml-model:training-os");

    c[0] = mlm ? mlm_read(r, "mlm:pretrained", model_bool) : NULL;
    c[1] = arch ? dlm_pretrained(r, arch) : NULL;
    model_put_first(rec, "pretrained", c, 2);

    /* null says "trained from scratch", which pretrained: false says too;
     * like every null it gives no value here. */
    put_one(r, rec, "pretrained_source", mlm, model_text,
            "mlm:pretrained_source");

    c[0] = mlm ? mlm_read(r, "mlm:total_parameters", count0) : NULL;
    c[1] = count0(r, json_object_get(arch, "total_nb_parameters"),
                  "dlm:architecture total_nb_parameters");
    model_put_first(rec, "total_parameters", c, 2);

    c[0] = mlm ? mlm_read(r, "mlm:memory_size", count0) : NULL;
    c[1] = arch ? dlm_memory(r, arch) : NULL;
    model_put_first(rec, "memory_size", c, 2);

    put_one(r, rec, "version", true, model_text, "version");
    /* The mlm examples give the model file's size in the Item properties
     * (File extension field, any version); an asset's own is its
     * artifact's file_size. */
    put_one(r, rec, "file_size", true, count0, "file:size");
}

/* hyperparameters: mlm:hyperparameters, an open object copied as given.
 * Item properties only (mlm forbids it on assets since v1.4.0), so there
 * is no fallback to the model asset; in summaries, the first value. */
static void read_hyperparameters(struct model_reader *r, json_t *rec,
                                 unsigned exts)
{
    const json_t *v =
        (exts & EXT_MLM) ? model_object(r, "mlm:hyperparameters") : NULL;
    json_t *c[1] = {NULL};

    if (v && !json_is_object(v))
        model_issue(r,
                    "mlm:hyperparameters should be an object, not %s; "
                    "ignored",
                    model_type_name(v));
    else if (v)
        c[0] = model_copy(r, v, "mlm:hyperparameters");
    model_put_first(rec, "hyperparameters", c, 1);
}

/* name: mlm:name, else the title, else the id (numbers as text). */
static void read_name(struct model_reader *r, json_t *rec, unsigned exts)
{
    const json_t *id = json_object_get(r->doc, "id");
    json_t *c[3];

    c[0] = (exts & EXT_MLM)
               ? model_text(r, model_scalar(r, "mlm:name"), "mlm:name")
               : NULL;
    c[1] = model_text_copy(json_object_get(rec, "title"));
    if (json_is_integer(id))
        c[2] = json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
    else if (json_is_real(id))
        c[2] = real_text(json_real_value(id));
    else
        c[2] = model_text_copy(id);
    model_put_first(rec, "name", c, 3);
}

/* tasks: mlm:tasks (else the union of the mlm outputs' tasks), else dlm's
 * output task, else ml-model:prediction_type. */
static void read_tasks(struct model_reader *r, json_t *rec, unsigned exts)
{
    struct model_set s;
    const json_t *v, *e;
    char what[160] = "mlm:tasks";
    size_t i;

    model_set_init(&s, model_fresh_array(rec, "tasks"));
    if (exts & EXT_MLM) {
        model_add_tasks(r, &s, model_field(r, "mlm:tasks"), what, false);
        /* none given, or none readable: the model asset's, as mlm_read() */
        if (json_array_size(s.arr) == 0 && r->model_asset) {
            /* named as the artifact read of the asset names it */
            snprintf(what, sizeof(what), "%s mlm:tasks", r->model_asset_label);
            model_add_tasks(r, &s, json_object_get(r->model_asset, "mlm:tasks"),
                            what, false);
        }
        if (json_array_size(s.arr) == 0) {
            v = model_field(r, "mlm:output");
            json_array_foreach (v, i, e) {
                if (i >= MODEL_MAX_ENTRIES)
                    break;
                /* named as model_read_outputs() names it: one issue */
                snprintf(what, sizeof(what), "mlm:output[%zu] tasks", i);
                model_add_tasks(r, &s, json_object_get(e, "tasks"), what,
                                false);
            }
        }
    }
    if (json_array_size(s.arr) == 0 && (exts & EXT_DLM)) {
        v = model_field(r, "dlm:outputs");
        if (json_is_object(v))
            model_add_tasks(r, &s, json_object_get(v, "task"),
                            "dlm:outputs task", true);
        json_array_foreach (v, i, e) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            model_add_tasks(r, &s, json_object_get(e, "task"),
                            "dlm:outputs task", true);
        }
    }
    if (json_array_size(s.arr) == 0 && (exts & EXT_ML_MODEL)) {
        bool summary;
        v = field_at(r, "ml-model:prediction_type", &summary);
        /* One string in an Item, an array of values in summaries. */
        model_add_tasks(r, &s, v, "ml-model:prediction_type", !summary);
        if (!summary && json_is_array(v))
            model_issue(r,
                        "ml-model:prediction_type should be a string, not an "
                        "array; read as one");
    }
    model_set_cleanup(&s);
}

/* versions: the model extension identifiers, verbatim; and a note for
 * each extension whose fields or roles the document uses without
 * declaring it. */
static void read_versions(struct model_reader *r, json_t *rec)
{
    const json_t *list = json_object_get(r->doc, "stac_extensions");
    unsigned used = detect_document(r->doc);
    struct model_set s;
    const json_t *e;
    size_t i;

    model_set_init(&s, model_fresh_array(rec, "versions"));
    if (list && !json_is_array(list))
        model_issue(r, "stac_extensions should be an array, not %s; ignored",
                    model_type_name(list));
    json_array_foreach (list, i, e) {
        const char *uri = json_string_value(e);
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (uri && (detect_uri(uri) & EXT_MODEL_MASK))
            model_set_add(&s, uri);
    }
    model_set_cleanup(&s);
    for (unsigned f = 1; f & EXT_MODEL_MASK; f <<= 1) {
        if ((used & f) && !(r->declared & f))
            model_issue(r,
                        "uses the %s extension without declaring it in "
                        "stac_extensions",
                        detect_name(f));
    }
}

/* Whether the Item has a field (properties, or the lenient top level);
 * null is no value, so a required field set to null is missing. */
static bool has(struct model_reader *r, const char *key)
{
    const json_t *v = model_field(r, key);
    return v && !json_is_null(v);
}

/* The fields each declared extension requires of an Item (ml-model and
 * mlm README and schema, dlm v1.0.0-beta.3 schema); Collections need
 * little. */
static void check_required(struct model_reader *r)
{
    static const char *const ml_model[] = {
        "ml-model:type", "ml-model:learning_approach",
        "ml-model:prediction_type", "ml-model:architecture"};
    static const char *const dlm[] = {"dlm:inputs", "dlm:outputs",
                                      "dlm:runtime", "dlm:archive", "dlm:data"};
    static const char *const mlm[] = {"mlm:name", "mlm:architecture",
                                      "mlm:tasks", "mlm:input", "mlm:output"};
    size_t i;

    if ((r->declared & EXT_ML_MODEL) && r->is_item) {
        for (i = 0; i < sizeof(ml_model) / sizeof(ml_model[0]); i++) {
            if (!has(r, ml_model[i]))
                model_issue(r, "%s is required by ml-model but missing",
                            ml_model[i]);
        }
    } else if ((r->declared & EXT_ML_MODEL) && r->is_collection) {
        if (!has(r, ml_model[1]) && !has(r, ml_model[2]) &&
            !has(r, ml_model[3]))
            model_issue(
                r, "an ml-model Collection needs ml-model:learning_approach,"
                   " prediction_type or architecture in its summaries");
    }
    if ((r->declared & EXT_DLM) && r->is_item) {
        for (i = 0; i < sizeof(dlm) / sizeof(dlm[0]); i++) {
            if (!has(r, dlm[i]))
                model_issue(r, "%s is required by dlm but missing", dlm[i]);
        }
    }
    if ((r->declared & EXT_MLM) && r->is_item) {
        for (i = 0; i < sizeof(mlm) / sizeof(mlm[0]); i++) {
            /* architecture and tasks may sit on the model asset */
            const json_t *a = r->model_asset && i > 0 && i < 3
                                  ? json_object_get(r->model_asset, mlm[i])
                                  : NULL;
            bool on_asset = a && !json_is_null(a);
            if (!has(r, mlm[i]) && !on_asset)
                model_issue(r, "%s is required by mlm but missing", mlm[i]);
        }
        if (!r->model_asset)
            model_issue(r,
                        "no asset has the role mlm:model, which mlm requires");
    }
}

void model_reader_take_type(struct model_reader *r, const json_t *rec)
{
    const char *type = json_string_value(json_object_get(rec, "stac_type"));
    const json_t *v = json_object_get(r->doc, "summaries");

    if (!type)
        return;
    r->is_item = strcmp(type, "Item") == 0;
    r->is_collection = strcmp(type, "Collection") == 0;
    r->summaries = json_is_object(v) && r->is_collection ? v : NULL;
}

/* One STAC Provider Object as {name, roles, url}, or NULL (reported).
 * Its description and email stay in "stac": prose and personal data are
 * no part of a bounded record. */
static json_t *read_provider(struct model_reader *r, const json_t *e, void *ctx)
{
    const json_t *name = json_object_get(e, "name");
    json_t *p, *text;

    (void)ctx;
    text = model_text(r, name, "providers name");
    if (!text) {
        if (!name || json_is_null(name))
            model_issue(r, "providers entries need a name; one ignored");
        return NULL;
    }
    p = json_object();
    json_object_set_new(p, "name", text);
    model_put(
        p, "roles",
        model_texts(r, json_object_get(e, "roles"), "providers roles", false));
    model_put(p, "url",
              model_text(r, json_object_get(e, "url"), "providers url"));
    return p;
}

/* A list of objects as model_objects() reads it; a lone object is read
 * as a one-element list, with an issue. */
static json_t *read_object_list(struct model_reader *r, const json_t *v,
                                const char *what, model_object_fn *read_one)
{
    json_t *out;

    if (!json_is_object(v))
        return model_objects(r, v, what, read_one, NULL);
    model_issue(r, "%s should be an array, not an object; read as one", what);
    out = json_array();
    model_append(out, read_one(r, v, NULL));
    return out;
}

/* One Publication Object of sci:publications as {doi, citation}, or NULL
 * (reported). The keys are "doi" and "citation"; the ml-model example
 * writes "sci:citation" inside the entry, read as "citation". */
static json_t *read_publication(struct model_reader *r, const json_t *e,
                                void *ctx)
{
    static const char *const keys[] = {"doi", "citation"};
    json_t *p;

    (void)ctx;
    p = json_object();
    for (size_t k = 0; k < 2; k++) {
        char what[40], alt[40];
        const json_t *v = json_object_get(e, keys[k]);

        snprintf(alt, sizeof(alt), "sci:%s", keys[k]);
        if (!v && (v = json_object_get(e, alt)))
            model_issue(r, "sci:publications entry: \"%s\" read as \"%s\"", alt,
                        keys[k]);
        snprintf(what, sizeof(what), "sci:publications %s", keys[k]);
        model_put(p, keys[k], model_text(r, v, what));
    }
    if (json_object_size(p) == 0) {
        model_issue(r, "sci:publications entries need a doi or a citation; "
                       "one ignored");
        json_decref(p);
        return NULL;
    }
    return p;
}

void model_read_credits(struct model_reader *r, json_t *rec)
{
    json_t *c[1];

    c[0] = model_text(r, model_scalar(r, "sci:doi"), "sci:doi");
    model_put_first(rec, "doi", c, 1);
    c[0] = model_text(r, model_scalar(r, "sci:citation"), "sci:citation");
    model_put_first(rec, "citation", c, 1);
    /* sci:publications (Scientific Citation extension): the publications
     * that describe the model or data, beside the one of sci:doi; from
     * summaries, the list of values is the list. */
    c[0] = read_object_list(r, model_field(r, "sci:publications"),
                            "sci:publications", read_publication);
    model_put_first(rec, "publications", c, 1);
    /* STAC core (Item properties, Collection top level) */
    c[0] = read_object_list(r, model_field(r, "providers"), "providers",
                            read_provider);
    model_put_first(rec, "providers", c, 1);
}

void model_read(const json_t *doc, const char *url, unsigned exts, json_t *rec)
{
    struct model_reader r;

    if (!json_is_object(rec))
        return;
    model_reader_init(&r, doc, url);
    model_reader_take_type(&r, rec);
    model_find_model_asset(&r);

    read_versions(&r, rec);
    model_read_common(&r, rec, false);
    read_name(&r, rec, exts);
    read_scalars(&r, rec, exts);
    read_hyperparameters(&r, rec, exts);
    read_tasks(&r, rec, exts);
    model_read_inputs(&r, rec, exts);
    model_read_outputs(&r, rec, exts);
    model_read_artifacts(&r, rec, exts);
    model_read_data_links(&r, rec, exts);
    model_read_credits(&r, rec);
    check_required(&r);
    json_object_set_new(rec, "issues", model_reader_finish(&r));
}
