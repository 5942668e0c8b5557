/* SPDX-License-Identifier: MIT */
/* The exported model record: a STAC document wrapped with the fields a
 * search needs (url, id, stac_type, extensions, source), and its canonical
 * one-line JSON encoding. Pure functions over jansson: no I/O, no index. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/detect.h"
#include "index/record.h"

/* A JSON string for s, or null when s is NULL or not valid UTF-8 (jansson
 * refuses such strings, and an encoded record must stay valid JSON). */
static json_t *string_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

/* The shortest "%.*g" text that reads back as the same double, so an id
 * written as 1.5 comes out as "1.5" rather than "1.5000000000000000". */
static json_t *real_text(double v)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
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

char *record_encode(const json_t *rec, size_t *len)
{
    /* No JSON_ENSURE_ASCII: names and descriptions stay readable UTF-8.
     * jansson only holds valid UTF-8 and escapes '"', '\\' and every
     * control character, so the output is always valid JSON. */
    char *s = rec ? json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    if (len)
        *len = s ? strlen(s) : 0;
    return s;
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
    rec = json_loadb(data, len, JSON_ALLOW_NUL, &err);
    if (!json_is_object(rec)) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}
