/* SPDX-License-Identifier: MIT */
/* The exported model record: built from a STAC document, encoded as one
 * compact JSON line. Pure functions over jansson. */
#ifndef INDEX_RECORD_H
#define INDEX_RECORD_H

#include <stddef.h>
#include <jansson.h>

/* Build the record of a model document. doc is borrowed; url is the
 * canonical absolute URL of the document, source the seed whose crawl found
 * it, exts the detect_document() flags. The record holds at least:
 *   url, id (a string even when the document has a number), stac_type
 *   ("Item", "Collection" or "Catalog"), extensions (sorted model extension
 *   names), source, stac (the document as fetched).
 * Returns a new reference (caller json_decref()s it). */
json_t *record_new(const json_t *doc, const char *url, const char *source,
                   unsigned exts);

/* Encode a record as compact JSON with sorted keys, no trailing newline.
 * Returns new memory (caller frees with free()) and sets *len. */
char *record_encode(const json_t *rec, size_t *len);

/* Decode an encoded record. Returns a new reference or NULL when the bytes
 * are not a JSON object. */
json_t *record_decode(const char *data, size_t len);

#endif
