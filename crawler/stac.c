/* SPDX-License-Identifier: MIT */
/* What a parsed JSON document is in STAC terms, by its keys alone (no schema
 * validation): stac-spec "How to Differentiate STAC Files", pystac's pre-1.0
 * heuristics and the STAC API containers. Pure functions over jansson. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/stac.h"
#include "src/numfmt.h"
#include "src/xalloc.h"

/* True when member key of doc is a JSON string. */
static bool stac_has_string(const json_t *doc, const char *key)
{
    return json_is_string(json_object_get(doc, key));
}

static bool stac_has_array(const json_t *doc, const char *key)
{
    return json_is_array(json_object_get(doc, key));
}

/* Classify by a "type" string. Type values are matched exactly, as the spec
 * and pystac do; an unknown type is not STAC. */
static enum stac_kind stac_classify_type(const json_t *doc, const char *type)
{
    if (strcmp(type, "Collection") == 0)
        return STAC_KIND_COLLECTION;
    if (strcmp(type, "Catalog") == 0)
        return STAC_KIND_CATALOG;
    if (strcmp(type, "Feature") == 0)
        return stac_has_string(doc, "stac_version") ? STAC_KIND_ITEM
                                                    : STAC_KIND_NONE;
    if (strcmp(type, "FeatureCollection") == 0)
        return stac_has_array(doc, "features") ? STAC_KIND_ITEM_COLLECTION
                                               : STAC_KIND_NONE;
    return STAC_KIND_NONE;
}

enum stac_kind stac_classify(const json_t *doc)
{
    const json_t *type;

    if (!json_is_object(doc))
        return STAC_KIND_NONE;
    type = json_object_get(doc, "type");
    if (json_is_string(type))
        return stac_classify_type(doc, json_string_value(type));
    /* From here on the document has no usable type: the API's
     * CollectionCollection never has one, nor do pre-1.0 (before rc.1)
     * Catalogs and Collections. */
    if (stac_has_array(doc, "collections"))
        return STAC_KIND_COLLECTION_LIST;
    if (!stac_has_string(doc, "stac_version"))
        return STAC_KIND_NONE;
    if (json_object_get(doc, "extent") || json_object_get(doc, "license"))
        return STAC_KIND_COLLECTION;
    return STAC_KIND_CATALOG;
}

const char *stac_kind_name(enum stac_kind kind)
{
    switch (kind) {
    case STAC_KIND_CATALOG:
        return "Catalog";
    case STAC_KIND_COLLECTION:
        return "Collection";
    case STAC_KIND_ITEM:
        return "Item";
    case STAC_KIND_ITEM_COLLECTION:
        return "ItemCollection";
    case STAC_KIND_COLLECTION_LIST:
        return "CollectionList";
    case STAC_KIND_NONE:
        break;
    }
    return "none";
}

/* Whether doc has a link of rel name. */
static bool stac_has_rel(const json_t *doc, const char *name)
{
    size_t i;
    const json_t *l;
    json_array_foreach (json_object_get(doc, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (rel && strcmp(rel, name) == 0)
            return true;
    }
    return false;
}

bool stac_is_landing(const json_t *doc)
{
    if (!json_is_object(doc))
        return false;
    if (stac_has_array(doc, "conformsTo"))
        return true;
    /* Some APIs leave conformsTo out and list their classes only at
     * /conformance (EXTENSIONS.md §7.5); a static catalog has no such
     * link. The data (-> /collections) and search (-> /search) links are
     * a landing page's own (§7.2): with both, a page is an API's even
     * without a word on conformance (STAC API 0.9 servers). One of them
     * alone may be a static catalog's own use of the name. */
    bool data = stac_has_rel(doc, "data"), search = stac_has_rel(doc, "search");
    if (stac_has_rel(doc, "conformance"))
        return data || search;
    return data && search;
}

const char *stac_landing_rel_alone(const json_t *doc)
{
    if (!json_is_object(doc) || stac_is_landing(doc))
        return NULL;
    if (stac_has_rel(doc, "data"))
        return "data";
    return stac_has_rel(doc, "search") ? "search" : NULL;
}

/* A real id as text, as the record writes it (numfmt_shortest()). */
static char *stac_real_string(double v)
{
    char text[64];
    numfmt_shortest(v, text, sizeof(text));
    return xstrdup(text);
}

char *stac_id(const json_t *doc)
{
    const json_t *id;

    if (!json_is_object(doc))
        return NULL;
    id = json_object_get(doc, "id");
    if (json_is_string(id)) {
        const char *s = json_string_value(id);
        /* Empty or NUL-bearing ids identify nothing usable. */
        if (s[0] == '\0' || strlen(s) != json_string_length(id))
            return NULL;
        return xstrdup(s);
    }
    if (json_is_integer(id))
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
    if (json_is_real(id) && isfinite(json_real_value(id)))
        return stac_real_string(json_real_value(id));
    return NULL;
}

/* Whether c is JSON's white space. */
static bool stac_is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* What a scalar value is, for stac_body_hint(). */
static const char *stac_scalar_hint(const json_t *v)
{
    if (json_is_string(v))
        return "a JSON string, not an object";
    if (json_is_number(v))
        return "a JSON number, not an object";
    if (json_is_boolean(v))
        return "a JSON boolean, not an object";
    return "JSON null, not an object";
}

const char *stac_body_hint(const char *body, size_t len, bool *is_json)
{
    const unsigned char *b = (const unsigned char *)body;
    size_t i = 0;

    *is_json = false;
    /* A NUL among the first bytes, or a UTF-16 byte order mark: text
     * of two or four bytes a character (before the blanks are skipped,
     * a UTF-16 blank being a NUL and a blank). */
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
                     (b[0] == 0xFE && b[1] == 0xFF) || b[0] == 0 || b[1] == 0))
        return "UTF-16 or UTF-32 text, where JSON must be UTF-8";
    if (len >= 2 && b[0] == 0x1F && b[1] == 0x8B)
        return "gzip data sent without Content-Encoding: gzip";
    while (i < len && stac_is_blank(b[i]))
        i++;
    if (i == len)
        return "an empty body";
    if (b[i] == '<')
        return "an HTML or XML page, not JSON";
    if (b[i] == '{' || b[i] == '[')
        return NULL;
    json_t *v = json_loadb(body, len, JSON_DECODE_ANY, NULL);
    if (!v)
        return NULL;
    const char *hint = stac_scalar_hint(v);
    json_decref(v);
    *is_json = true;
    return hint;
}
