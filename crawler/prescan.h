/* SPDX-License-Identifier: MIT */
/* A byte-level look at a fetched body that recognises the common cases of
 * a big catalog without building a JSON tree: a plain STAC Item (no model,
 * no dataset, no link to follow), and a Catalog or Collection that holds
 * nothing of ours but its links. */
#ifndef CRAWLER_PRESCAN_H
#define CRAWLER_PRESCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "crawler/links.h"

/* True only when parsing (buf, len) with jansson (json_loadb, flags 0)
 * would succeed and give a document that stac_classify() calls an Item,
 * that detect_document() finds no extension of ours in, that
 * stac_is_landing() and stac_landing_rel_alone() reject, and whose
 * links_extract() yields no link and no rejected link. Such a document needs no
 * tree: nothing in it is read. False means "not known to be plain" (parse it),
 * never "invalid": the scan gives up on anything unusual (\u escapes, huge
 * numbers, repeated keys that matter, deep nesting) and leaves it to the
 * parser. */
bool prescan_plain_item(const char *buf, size_t len);

/* A copy of the JSON text buf (len bytes; *out_len set; free() it) with
 * the numbers jansson refuses made readable, outside strings: ".0" after
 * each integer past 64 bits, so that it is read as a real, and a number
 * past a double's range (1e400, or -1.79769313486232E+308, the largest
 * double rounded to 15 digits as .NET prints it) replaced by the largest
 * double of its sign. Every other number is left as it is. */
char *prescan_big_numbers(const char *buf, size_t len, size_t *out_len);

enum prescan_kind {
    PRESCAN_UNSURE,     /* parse it */
    PRESCAN_ITEM,       /* a plain Item, as prescan_plain_item() */
    PRESCAN_CATALOG,    /* a plain Catalog, its link entries collected */
    PRESCAN_COLLECTION, /* a plain Collection, likewise */
};

/* The entries of a document's links array, taken apart; kept from one
 * call to the next (zero it before the first, prescan_links_cleanup()
 * after the last). */
struct prescan_links {
    struct link_fields *v;
    size_t n, cap;
    char *text; /* the strings of v, NUL-terminated */
    size_t text_cap;
    bool has_escape; /* a string of v had an escape: v is not exact */
};

/* prescan_plain_item(), and also the plain Catalogs and Collections: a
 * document is one when jansson would read it and stac_classify() call it
 * that, stac_is_landing() and stac_landing_rel_alone() would reject it
 * and detect_document() find no extension in it. links then holds its links
 * array as links_extract_fields() wants it, giving what links_extract() gives
 * for the tree. links may be NULL, and then only Items are recognised. */
enum prescan_kind prescan_doc(const char *buf, size_t len,
                              struct prescan_links *links);

void prescan_links_cleanup(struct prescan_links *l);

#endif
