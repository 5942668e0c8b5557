/* SPDX-License-Identifier: MIT */
/* The rule every prescan_doc() verdict must keep, as the parser sees it:
 * shared by tests/unit/test-prescan.c, tests/unit/test-corpus.c and the
 * fuzz target tests/fuzz/fuzz-prescan.c. Header-only, static functions. */
#ifndef TESTS_LIB_PRESCAN_AGREE_H
#define TESTS_LIB_PRESCAN_AGREE_H

#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "crawler/links.h"
#include "crawler/prescan.h"
#include "crawler/stac.h"
#include "index/detect.h"

/* The bases the links are resolved against: a network one, a local one
 * (file:// links allowed) and one that is not normal (no shortcut). */
static const char *const prescan_agree_bases[] = {
    "https://example.com/stac/c/collection.json",
    "file:///srv/stac/c/collection.json",
    "https://EXAMPLE.com:443/stac/./c/%7ex/../collection.json",
};

static bool prescan_same_links(const struct links *a, const struct links *b)
{
    if (a->n != b->n || a->n_ignored != b->n_ignored ||
        a->n_rejected != b->n_rejected || a->truncated != b->truncated ||
        strcmp(a->first_error, b->first_error) != 0)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].rel != b->v[i].rel || strcmp(a->v[i].url, b->v[i].url))
            return false;
    return true;
}

static bool prescan_allows_file(const char *base)
{
    return strncmp(base, "file:", 5) == 0;
}

/* links_extract() on the tree and links_extract_fields() on what the scan
 * collected give the same answer against base. */
static bool prescan_links_agree(const json_t *doc,
                                const struct prescan_links *pl,
                                const char *base)
{
    bool allow_file = prescan_allows_file(base);
    struct links a, b;
    links_init(&a);
    links_init(&b);
    int rc_a = links_extract(doc, base, allow_file, &a);
    int rc_b = links_extract_fields(pl->v, pl->n, base, allow_file, &b);
    bool same = rc_a == rc_b && prescan_same_links(&a, &b);
    links_cleanup(&a);
    links_cleanup(&b);
    return same;
}

/* A plain Item yields no link and rejects none against base. */
static bool prescan_no_links(const json_t *doc, const char *base)
{
    struct links l;
    links_init(&l);
    int rc = links_extract(doc, base, prescan_allows_file(base), &l);
    bool none = rc == 0 && l.n == 0 && l.n_rejected == 0;
    links_cleanup(&l);
    return none;
}

/* Whether the parser agrees with verdict kind on (s, n), pl being what
 * prescan_doc() collected (a Catalog or Collection verdict comes only with
 * a collector). PRESCAN_UNSURE promises nothing. */
static bool prescan_agrees(const char *s, size_t n, enum prescan_kind kind,
                           const struct prescan_links *pl)
{
    if (kind == PRESCAN_UNSURE)
        return true;
    if (kind != PRESCAN_ITEM && !pl)
        return false;
    json_error_t err;
    json_t *doc = json_loadb(s, n, 0, &err);
    if (!doc)
        return false;
    enum stac_kind want = kind == PRESCAN_ITEM      ? STAC_KIND_ITEM
                          : kind == PRESCAN_CATALOG ? STAC_KIND_CATALOG
                                                    : STAC_KIND_COLLECTION;
    /* A link that makes the crawler warn and hold the source
     * (stac_landing_rel_alone()) is something the harvester must see. */
    bool ok = stac_classify(doc) == want && detect_document(doc) == 0 &&
              !stac_is_landing(doc) && !stac_landing_rel_alone(doc);
    for (size_t i = 0;
         ok && i < sizeof(prescan_agree_bases) / sizeof(prescan_agree_bases[0]);
         i++) {
        const char *base = prescan_agree_bases[i];
        ok = kind == PRESCAN_ITEM ? prescan_no_links(doc, base)
                                  : prescan_links_agree(doc, pl, base);
    }
    json_decref(doc);
    return ok;
}

#endif
