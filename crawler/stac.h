/* SPDX-License-Identifier: MIT */
/* What a JSON document is in STAC terms (Catalog, Collection, Item, API
 * containers), following stac-spec best-practices "How to Differentiate STAC
 * Files" and pystac's pre-1.0 heuristics. Pure functions over jansson. */
#ifndef CRAWLER_STAC_H
#define CRAWLER_STAC_H

#include <stdbool.h>
#include <jansson.h>

enum stac_kind {
    STAC_KIND_NONE = 0,        /* not a STAC document */
    STAC_KIND_CATALOG,         /* type Catalog (or pre-1.0 catalog) */
    STAC_KIND_COLLECTION,      /* type Collection (or pre-1.0 collection) */
    STAC_KIND_ITEM,            /* type Feature with stac_version */
    STAC_KIND_ITEM_COLLECTION, /* type FeatureCollection with features[] */
    STAC_KIND_COLLECTION_LIST, /* object with collections[] (no type) */
};

/* Classify a parsed document. Rules: type "Collection" -> Collection,
 * "Catalog" -> Catalog, "Feature" with stac_version -> Item,
 * "FeatureCollection" with a features array -> ItemCollection, an object
 * with a "collections" array -> CollectionList; without a type but with
 * stac_version: extent or license -> Collection, else Catalog. Anything
 * else (including non-objects) is STAC_KIND_NONE. */
enum stac_kind stac_classify(const json_t *doc);

/* Static name: "Catalog", "Collection", "Item", "ItemCollection",
 * "CollectionList", "none". */
const char *stac_kind_name(enum stac_kind kind);

/* True when doc is an API landing page: an object with a conformsTo
 * array, or with a conformance link and a data or search link, or with
 * both a data and a search link. */
bool stac_is_landing(const json_t *doc);

/* The rel ("data" or "search", static) of a landing page's link that doc
 * has without being taken for a landing page, or NULL: a document that
 * looks like an API's but is walked as a static catalog. */
const char *stac_landing_rel_alone(const json_t *doc);

/* The document's "id" as a new string (caller frees with free()): strings
 * as they are, integers and reals printed in decimal (the dlm beta example
 * has a numeric id). NULL when there is no usable id. */
char *stac_id(const json_t *doc);

/* What a body that could not be read as a JSON object or array looks
 * like, in a few words for its failure message: an empty body, an HTML
 * or XML page (a server's error page, or its page for any path), gzip
 * data sent without its Content-Encoding, UTF-16 or UTF-32 text, or a
 * JSON scalar ("a JSON string, not an object"; *is_json is then true,
 * else false). NULL when it looks like JSON broken in itself. len bytes
 * of body are read; no NUL is needed. */
const char *stac_body_hint(const char *body, size_t len, bool *is_json);

#endif
