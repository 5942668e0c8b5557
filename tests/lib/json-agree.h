/* SPDX-License-Identifier: MIT */
/* Whether two jansson trees are the same to the bit: shared by
 * tests/unit/test-jsonread.c and the fuzz target tests/fuzz/fuzz-json.c.
 * Header-only, static functions. */
#ifndef TESTS_LIB_JSON_AGREE_H
#define TESTS_LIB_JSON_AGREE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* The same tree, the same members in the same order, the same numbers to
 * the bit (json_dumps() prints them all); two NULLs agree too. */
static inline bool json_agree(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    if (!json_equal(a, b))
        return false;
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17);
    char *da = json_dumps(a, flags), *db = json_dumps(b, flags);
    bool same = da && db && strcmp(da, db) == 0;
    free(da);
    free(db);
    return same;
}

#endif
