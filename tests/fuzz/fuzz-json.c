/* SPDX-License-Identifier: MIT */
/* Fuzz target for src/jsonread.c, differential against jansson: whatever
 * jsonread_fast() reads, jansson must read too, to an equal tree with the
 * members in the same order and every number the same to the bit; and
 * jsonread() must answer exactly as json_loadb() does (the same tree, or
 * no tree and the same error). With and without JSON_ALLOW_NUL. Anything
 * else aborts. */
#include <config.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_tree(const json_t *a, const json_t *b)
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

static void check(const char *text, size_t size, size_t flags)
{
    json_error_t want_err, got_err;
    memset(&want_err, 0, sizeof(want_err));
    memset(&got_err, 0, sizeof(got_err));
    json_t *want = json_loadb(text, size, flags, &want_err);
    json_t *fast = jsonread_fast(text, size, flags & JSON_ALLOW_NUL);
    if (fast && !same_tree(want, fast))
        abort();
    json_t *got = jsonread(text, size, flags, &got_err);
    if (!same_tree(want, got))
        abort();
    if (!want &&
        (strcmp(want_err.text, got_err.text) != 0 ||
         want_err.line != got_err.line || want_err.column != got_err.column ||
         want_err.position != got_err.position))
        abort();
    json_decref(want);
    json_decref(fast);
    json_decref(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024)
        return 0;
    check((const char *)data, size, 0);
    check((const char *)data, size, JSON_ALLOW_NUL);
    return 0;
}
