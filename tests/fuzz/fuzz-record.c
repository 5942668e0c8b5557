/* SPDX-License-Identifier: MIT */
/* Fuzz target for index/record.c: any JSON document makes a record whose
 * encoding is exactly jansson's (compact and indented) where it holds no
 * real (reals are written shorter), decodes to an equal record and
 * re-encodes to the same bytes. */
#include <config.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/record.h"

#define FUZZ_MAX_INPUT (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nesting depth of j (a scalar is 0). */
static int depth(const json_t *j)
{
    int max = 0, d;

    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++) {
            d = depth(json_array_get(j, i));
            max = d > max ? d : max;
        }
        return max + 1;
    }
    if (json_is_object(j)) {
        for (void *it = json_object_iter((json_t *)j); it;
             it = json_object_iter_next((json_t *)j, it)) {
            d = depth(json_object_iter_value(it));
            max = d > max ? d : max;
        }
        return max + 1;
    }
    return 0;
}

/* Whether j holds a real anywhere. */
static int has_real(const json_t *j)
{
    if (json_is_real(j))
        return 1;
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (has_real(json_array_get(j, i)))
                return 1;
    }
    if (json_is_object(j)) {
        for (void *it = json_object_iter((json_t *)j); it;
             it = json_object_iter_next((json_t *)j, it))
            if (has_real(json_object_iter_value(it)))
                return 1;
    }
    return 0;
}

/* record_encode() and record_encode_pretty() are their own writers of
 * what jansson writes, reals aside. */
static void same_as_jansson(const json_t *rec, const char *enc, size_t len)
{
    if (has_real(rec))
        return;
    char *ref = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    if (!ref || strlen(ref) != len || memcmp(ref, enc, len) != 0)
        abort();
    free(ref);
    size_t plen = 0;
    char *pretty = record_encode_pretty(rec, &plen);
    ref = json_dumps(rec, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!ref || !pretty || strlen(ref) != plen || memcmp(ref, pretty, plen))
        abort();
    free(ref);
    free(pretty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    size_t len = 0, len2 = 0;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    json_t *doc = json_loadb((const char *)data, size,
                             JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!doc)
        return 0;
    json_t *rec = record_new(doc, "https://x/y.json", "https://x/", 7);
    char *enc = record_encode(rec, &len);
    if (!enc)
        abort();
    same_as_jansson(rec, enc, len);
    json_t *back = record_decode(enc, len);
    if (!back) {
        /* The record nests the document one level deeper, so a document
         * at jansson's parse limit cannot come back; nothing else may. */
        if (depth(doc) + 1 <= JSON_PARSER_MAX_DEPTH)
            abort();
    } else {
        if (!json_equal(back, rec))
            abort();
        char *enc2 = record_encode(back, &len2);
        if (!enc2 || len2 != len || memcmp(enc, enc2, len) != 0)
            abort();
        free(enc2);
    }
    json_decref(back);
    free(enc);
    json_decref(rec);
    json_decref(doc);
    return 0;
}
