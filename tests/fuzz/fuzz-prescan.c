/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/prescan.c, differential: whenever the scan calls
 * a body a plain Item, jansson must read it, stac_classify() must call it
 * an Item, detect_document() must find nothing, stac_is_landing() must say
 * no, and links_extract() must yield no link and reject none, against
 * both a network base and a local one. Anything else aborts. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "crawler/links.h"
#include "crawler/prescan.h"
#include "crawler/stac.h"
#include "index/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_no_links(const json_t *doc, const char *base, bool allow_file)
{
    struct links l;
    links_init(&l);
    int rc = links_extract(doc, base, allow_file, &l);
    bool none = rc == 0 && l.n == 0 && l.n_rejected == 0;
    links_cleanup(&l);
    return none;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024)
        return 0;
    if (!prescan_plain_item((const char *)data, size))
        return 0;
    json_error_t err;
    json_t *doc = json_loadb((const char *)data, size, 0, &err);
    if (!doc || stac_classify(doc) != STAC_KIND_ITEM ||
        detect_document(doc) != 0 || stac_is_landing(doc) ||
        !has_no_links(doc, "https://example.com/stac/items/a.json", false) ||
        !has_no_links(doc, "file:///srv/stac/items/a.json", true))
        abort();
    json_decref(doc);
    return 0;
}
