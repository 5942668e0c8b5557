/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/robots.c: the input is parsed as a robots.txt for
 * "stacml", then queried with fixed paths and with the value of each of its
 * first lines taken as a path. /robots.txt must stay allowed and the
 * Crawl-delay within its cap. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct robots *r;
    long delay;

    if (size > 1024 * 1024)
        return 0;
    r = robots_parse(p, size, "stacml");
    delay = robots_crawl_delay_ms(r);
    if (!robots_allowed(r, "/robots.txt") || delay < 0 ||
        delay > ROBOTS_MAX_DELAY_MS)
        abort();
    (void)robots_allowed(r, "/");
    (void)robots_allowed(r, "/a/b.json?x=%7E%e3%83%84");
    for (int i = 0; i < 8 && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        char *path = colon ? xstrndup(colon + 1, (size_t)(eol - colon - 1))
                           : xstrndup(p, (size_t)(eol - p));

        (void)robots_allowed(r, path);
        free(path);
        p = nl ? nl + 1 : end;
    }
    robots_free(r);
    return 0;
}
