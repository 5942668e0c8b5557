/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/links.c and crawler/stac.c: the input is parsed as
 * JSON and classified, its id taken and its links extracted against a
 * network base and a local one. Every extracted URL must be what links.h
 * promises: absolute, normalised (a fixed point of url_normalize()), no
 * longer than URL_MAX_LEN, without user@host, and file:// only from a
 * local base. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crawler/links.h"
#include "crawler/stac.h"
#include "src/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void extract(const json_t *doc, const char *base, bool allow_file)
{
    struct links l;

    links_init(&l);
    (void)links_extract(doc, base, allow_file, &l);
    for (size_t i = 0; i < l.n; i++) {
        const char *url = l.v[i].url;
        enum url_scheme s = url_scheme_of(url);
        if (s == URL_SCHEME_OTHER || (s == URL_SCHEME_FILE && !allow_file))
            abort();
        char *again = NULL;
        if (url_normalize(url, &again) != 0 || strcmp(url, again) != 0 ||
            strlen(url) > URL_MAX_LEN || url_has_userinfo(url))
            abort();
        free(again);
        (void)links_rel_name(l.v[i].rel);
    }
    links_cleanup(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *doc;

    if (size > 1024 * 1024)
        return 0;
    doc = json_loadb((const char *)data, size, 0, &err);
    if (!doc)
        return 0;
    (void)stac_kind_name(stac_classify(doc));
    (void)stac_is_landing(doc);
    free(stac_id(doc));
    extract(doc, "https://example.com/stac/sub/catalog.json", false);
    extract(doc, "file:///srv/stac/sub/catalog.json", true);
    json_decref(doc);
    return 0;
}
