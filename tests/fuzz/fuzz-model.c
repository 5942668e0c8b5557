/* SPDX-License-Identifier: MIT */
/* Fuzz target for index/model.c: any JSON document read as a model (with
 * every model extension flag) and as a dataset gives records that encode,
 * keep their always-present arrays, cap their issues, and come out the
 * same when read twice. Inputs above 1 MiB are ignored, as the crawler
 * never hands the index a larger body. */
#include <config.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/detect.h"
#include "index/model.h"

#define FUZZ_MODEL_MAX (1u << 20)
#define FUZZ_URL "https://x.test/a/b.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The compact encoding of one read (new memory); aborts on a broken
 * record. */
static char *read_once(const json_t *doc, int dataset)
{
    static const char *const model_arrays[] = {
        "tasks",           "inputs",    "outputs",  "artifacts", "train_data",
        "validation_data", "test_data", "versions", "issues"};
    static const char *const dataset_arrays[] = {"label_classes", "label_tasks",
                                                 "versions", "issues"};
    json_t *rec = json_object();
    const char *const *keys = dataset ? dataset_arrays : model_arrays;
    size_t n = dataset ? 4 : 9;
    char *s;

    if (dataset)
        model_read_dataset(doc, FUZZ_URL, rec);
    else
        model_read(doc, FUZZ_URL, EXT_MODEL_MASK, rec);
    for (size_t i = 0; i < n; i++) {
        if (!json_is_array(json_object_get(rec, keys[i])))
            abort();
    }
    /* 64 issues and one line counting the rest */
    if (json_array_size(json_object_get(rec, "issues")) > 65)
        abort();
    if (dataset && !json_is_boolean(json_object_get(rec, "tdml")))
        abort();
    s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    if (!s)
        abort();
    json_decref(rec);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *doc;

    if (size > FUZZ_MODEL_MAX)
        return 0;
    doc = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                     &err);
    if (!doc)
        return 0;
    for (int dataset = 0; dataset < 2; dataset++) {
        char *a = read_once(doc, dataset), *b = read_once(doc, dataset);
        if (strcmp(a, b) != 0)
            abort();
        free(a);
        free(b);
    }
    json_decref(doc);
    return 0;
}
