/* SPDX-License-Identifier: MIT */
/* Fuzz target for src/url.c: the input is "base\nhref"; both go through
 * resolution, normalisation and the registry test. A resolved URL must be a
 * fixed point of url_normalize(), and its host key must exist. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/url.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t base_len = nl ? (size_t)(nl - data) : size;
    char *base, *href, *out = NULL, *again = NULL, *key = NULL;

    if (size > 64 * 1024)
        return 0;
    base = xstrndup((const char *)data, base_len);
    href =
        nl ? xstrndup((const char *)nl + 1, size - base_len - 1) : xstrdup("");
    (void)url_is_registry_ref(href);
    (void)url_scheme_of(href);
    if (url_resolve(base, href, &out) == 0) {
        if (url_normalize(out, &again) != 0 || strcmp(out, again) != 0)
            abort();
        if (url_host_key(out, &key) != 0)
            abort();
    }
    free(out);
    free(again);
    free(key);
    out = NULL;
    if (url_normalize(base, &out) == 0 && strlen(out) > URL_MAX_LEN)
        abort();
    free(out);
    free(base);
    free(href);
    return 0;
}
