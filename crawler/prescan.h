/* SPDX-License-Identifier: MIT */
/* A byte-level look at a fetched body that recognises the common case of a
 * big catalog, a plain STAC Item (no model, no dataset, no link to follow),
 * without building a JSON tree. */
#ifndef CRAWLER_PRESCAN_H
#define CRAWLER_PRESCAN_H

#include <stdbool.h>
#include <stddef.h>

/* True only when parsing (buf, len) with jansson (json_loadb, flags 0)
 * would succeed and give a document that stac_classify() calls an Item,
 * that detect_document() finds no extension of ours in, that
 * stac_is_landing() rejects, and whose links_extract() yields no link and
 * no rejected link. Such a document needs no tree: nothing in it is read.
 * False means "not known to be plain" (parse it), never "invalid": the
 * scan gives up on anything unusual (\u escapes, huge numbers, repeated
 * keys that matter, deep nesting) and leaves it to the parser. */
bool prescan_plain_item(const char *buf, size_t len);

#endif
