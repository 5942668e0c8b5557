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
#include "tests/lib/json-agree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, size_t size, size_t flags)
{
    json_error_t want_err, got_err;
    memset(&want_err, 0, sizeof(want_err));
    memset(&got_err, 0, sizeof(got_err));
    json_t *want = json_loadb(text, size, flags, &want_err);
    json_t *fast = jsonread_fast(text, size, flags & JSON_ALLOW_NUL);
    if (fast && !json_agree(want, fast))
        abort();
    json_t *got = jsonread(text, size, flags, &got_err);
    if (!json_agree(want, got))
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
