/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/prescan.c, differential: whenever the scan calls
 * a body a plain Item, jansson must read it, stac_classify() must call it
 * an Item, detect_document() must find nothing, stac_is_landing() and
 * stac_landing_rel_alone() must say no, and links_extract() must yield no
 * link and reject none; whenever it
 * calls a body a plain Catalog or Collection, the same, and the links it
 * took apart must give what links_extract() gives for the tree, against a
 * network base, a local one and one that is not normal. And
 * prescan_big_numbers() must keep any text jansson reads (with
 * integers as reals) readable, to the same values (it changes only
 * numbers jansson refuses). Anything else aborts. */
#include <config.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/lib/prescan-agree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct prescan_links links;
    if (size > 1024 * 1024)
        return 0;
    enum prescan_kind kind = prescan_doc((const char *)data, size, &links);
    if (!prescan_agrees((const char *)data, size, kind, &links))
        abort();
    /* Without a collector only Items are recognised, the same way. */
    enum prescan_kind item = prescan_doc((const char *)data, size, NULL);
    if (item != (kind == PRESCAN_ITEM ? PRESCAN_ITEM : PRESCAN_UNSURE))
        abort();
    size_t n = 0;
    char *copy = prescan_big_numbers((const char *)data, size, &n);
    json_error_t err;
    size_t flags = JSON_ALLOW_NUL | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL;
    json_t *a = json_loadb((const char *)data, size, flags, &err);
    json_t *b = json_loadb(copy, n, flags, &err);
    if (a && (!b || !json_equal(a, b)))
        abort();
    json_decref(a);
    json_decref(b);
    free(copy);
    return 0;
}
