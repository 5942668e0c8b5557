/* SPDX-License-Identifier: MIT */
/* Fuzz target for src/url.c: the input is "base\nhref"; both go through
 * resolution, normalisation and the registry test. A resolved URL must be a
 * fixed point of url_normalize(), and its host key must exist; against a
 * normal base, url_resolve_normal() must give what url_resolve() gives,
 * url_normalize() what its full parse gives (url_normalize_full()), and
 * url_host_key() the same key whatever the case of the scheme. */
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
    free(again);
    free(key);
    char *norm = NULL;
    if (url_normalize(base, &norm) == 0) {
        if (strlen(norm) > URL_MAX_LEN)
            abort();
        /* The shortcut, differentially: norm is normal by the check above. */
        char *slow = NULL, *fast = NULL;
        int rc_slow = url_resolve(norm, href, &slow);
        int rc_fast = url_resolve_normal(norm, href, &fast);
        if (rc_slow != rc_fast || (rc_slow == 0 && strcmp(slow, fast) != 0))
            abort();
        free(slow);
        free(fast);
    }
    free(norm);
    /* url_normalize()'s shortcut against the full parse. */
    const char *inputs[] = {base, href};
    for (size_t i = 0; i < 2; i++) {
        char *a = NULL, *b = NULL;
        int rc_a = url_normalize(inputs[i], &a);
        int rc_b = url_normalize_full(inputs[i], &b);
        if (rc_a != rc_b || (rc_a == 0 && strcmp(a, b) != 0))
            abort();
        free(a);
        free(b);
    }
    /* url_host_key()'s shortcut against its parse, which an upper-case
     * scheme forces. */
    if (strncmp(base, "http", 4) == 0) {
        char *upper = xstrdup(base), *a = NULL, *b = NULL;
        for (char *p = upper; *p && *p != ':'; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        int rc_a = url_host_key(base, &a), rc_b = url_host_key(upper, &b);
        if (rc_a != rc_b || (rc_a == 0 && strcmp(a, b) != 0))
            abort();
        free(upper);
        free(a);
        free(b);
    }
    free(out);
    free(base);
    free(href);
    return 0;
}
