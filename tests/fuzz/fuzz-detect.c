/* SPDX-License-Identifier: MIT */
/* Fuzz target for index/detect.c: the raw input as one stac_extensions
 * entry (detect_uri), then the input as a JSON document (detect_document
 * and the name helpers). Inputs above 1 MiB are ignored, as the crawler
 * never hands the index a larger body. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "index/detect.h"

#define FUZZ_DETECT_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *doc, *names;
    char *uri;
    unsigned exts;

    if (size > FUZZ_DETECT_MAX)
        return 0;
    /* detect_uri() takes a C string: copy and terminate (an embedded NUL
     * just ends the URI early, as it would in a jansson string). */
    uri = malloc(size + 1);
    if (!uri)
        return 0;
    memcpy(uri, data, size);
    uri[size] = '\0';
    (void)detect_uri(uri);
    free(uri);

    doc = json_loadb((const char *)data, size, 0, &err);
    if (!doc)
        return 0;
    exts = detect_document(doc);
    names = json_array();
    detect_append_names(exts, names);
    for (unsigned b = 0; b < 4; b++) {
        if (exts & (1u << b))
            (void)detect_name(1u << b);
    }
    json_decref(names);
    json_decref(doc);
    return 0;
}
