/* SPDX-License-Identifier: MIT */
/* Fuzz target for src/sources.c: the input is a registry document (STAC
 * Index's /api/catalogs format, as fetched from the network). Whatever it
 * holds, every source read has either a usable URL (http or https, in its
 * normalised form, without credentials) or a reason it is skipped; no URL
 * is listed twice; and reading the same document again into the same list
 * adds no source with a URL (each is one already listed). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/sources.h"
#include "src/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t with_url(const struct source_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].url != NULL;
    return n;
}

static void check_source(const struct source *s)
{
    if (!s->url) {
        if (!s->skip)
            abort();
        return;
    }
    char *again = NULL;
    if (strncmp(s->url, "http://", 7) != 0 &&
        strncmp(s->url, "https://", 8) != 0)
        abort();
    if (url_normalize_full(s->url, &again) != 0 || strcmp(again, s->url) != 0)
        abort();
    free(again);
    if (url_has_userinfo(s->url))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct source_list l = {0};
    char err[256] = "";
    static const char *const hosts[] = {"127.0.0.1:8080", NULL};

    if (size > 1024 * 1024)
        return 0;
    log_set_level(LOG_LEVEL_QUIET);
    int rc = sources_parse("fuzz", (const char *)data, size, hosts, &l, err,
                           sizeof(err));
    if (rc != 0 && (l.n != 0 || err[0] == '\0'))
        abort();
    for (size_t i = 0; i < l.n; i++) {
        check_source(&l.v[i]);
        for (size_t k = 0; k < i; k++)
            if (l.v[i].url && l.v[k].url && strcmp(l.v[i].url, l.v[k].url) == 0)
                abort();
    }
    size_t n = with_url(&l);
    sources_parse("fuzz", (const char *)data, size, NULL, &l, err, sizeof(err));
    if (with_url(&l) != n)
        abort();
    sources_free(&l);
    return 0;
}
