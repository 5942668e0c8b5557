/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/prescan.c, differential: whenever the scan calls
 * a body a plain Item, jansson must read it, stac_classify() must call it
 * an Item, detect_document() must find nothing, stac_is_landing() must say
 * no, and links_extract() must yield no link and reject none; whenever it
 * calls a body a plain Catalog or Collection, the same, and the links it
 * took apart must give what links_extract() gives for the tree, against a
 * network base, a local one and one that is not normal. Anything else
 * aborts. */
#include <config.h>

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
    return 0;
}
