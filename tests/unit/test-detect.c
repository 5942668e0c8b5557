/* SPDX-License-Identifier: MIT */
/* Unit tests of index/detect.c: every schema identifier form listed in
 * EXTENSIONS.md (sections 1, 3.1, 4.1, 5.1 and 7.9.9) and the near misses
 * that must stay unmatched, then small inline documents that carry a field
 * prefix in exactly one place, then the name helpers. */
#include <config.h>

#include <stdio.h>

#include "index/detect.h"
#include "tests/lib/check.h"

struct uri_case {
    const char *uri;
    unsigned expected;
};

#define SE "https://stac-extensions.github.io/"
#define CRIM "https://crim-ca.github.io/"
#define STACSPEC "https://schemas.stacspec.org/"

static const struct uri_case uri_cases[] = {
    /* ml-model: the only published identifier, and its schema $id. */
    {SE "ml-model/v1.0.0/schema.json", EXT_ML_MODEL},
    {SE "ml-model/v1.0.0/schema.json#", EXT_ML_MODEL},
    {"https://example.com/ml-model/v1.0.0/schema.json", EXT_ML_MODEL},

    /* dlm: short id, the two schemas.stacspec.org beta URIs (README and
     * $id forms), and the gh-pages / README-link forms at a pre-release
     * version. */
    {"dl-model", EXT_DLM},
    {STACSPEC "v1.0.0-beta.2/extensions/dl-model/json-schema/schema.json",
     EXT_DLM},
    {STACSPEC "v1.0.0-beta.2/extensions/dl-model/json-schema/schema.json#",
     EXT_DLM},
    {STACSPEC "v1.0.0-beta.3/extensions/dl-model/json-schema/schema.json",
     EXT_DLM},
    {STACSPEC "v1.0.0-beta.3/extensions/dl-model/json-schema/schema.json#",
     EXT_DLM},
    {CRIM "dlm-extension/v1.0.0-beta2/schema.json", EXT_DLM},
    {CRIM "dlm-extension/v1.0.0-beta.3/schema.json", EXT_DLM},
    {SE "dlm/v1.0.0-beta.3/schema.json", EXT_DLM},
    {SE "dlm/v0.9.0/schema.json", EXT_DLM},
    /* ... but at v1.0.0 the dlm repository already holds mlm v1.0.0 (its
     * published schema's $id is the mlm one, EXTENSIONS.md 3.1): the
     * crim-ca gh-pages copy and the README link target name mlm. */
    {CRIM "dlm-extension/v1.0.0/schema.json", EXT_MLM},
    {CRIM "dlm-extension/v1.0.0/schema.json#", EXT_MLM},
    {SE "dlm/v1.0.0/schema.json", EXT_MLM},
    {SE "dlm/v1.1.0/schema.json", EXT_MLM},
    {SE "dlm/v1/schema.json", EXT_MLM},

    /* mlm: all eight versions at both hosts. v1.4.0+ never existed at
     * crim-ca and v1.0.0-v1.3.0 were copied to stac-extensions, but the
     * rule is a pattern, so every combination matches. */
    {CRIM "mlm-extension/v1.0.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.1.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.2.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.3.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.4.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.5.0/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.5.1/schema.json", EXT_MLM},
    {CRIM "mlm-extension/v1.5.2/schema.json", EXT_MLM},
    {SE "mlm/v1.0.0/schema.json", EXT_MLM},
    {SE "mlm/v1.1.0/schema.json", EXT_MLM},
    {SE "mlm/v1.2.0/schema.json", EXT_MLM},
    {SE "mlm/v1.3.0/schema.json", EXT_MLM},
    {SE "mlm/v1.4.0/schema.json", EXT_MLM},
    {SE "mlm/v1.5.0/schema.json", EXT_MLM},
    {SE "mlm/v1.5.1/schema.json", EXT_MLM},
    {SE "mlm/v1.5.2/schema.json", EXT_MLM},
    {SE "mlm/v1.5.2/schema.json#", EXT_MLM},
    {CRIM "mlm-extension/v1.2.0/schema.json#", EXT_MLM},
    /* The malformed $id / const of the stac-extensions gh-pages copies. */
    {"https://stac-extensions/mlm/v1.0.0/schema.json", EXT_MLM},
    {"https://stac-extensions/mlm/v1.3.0/schema.json#", EXT_MLM},
    /* Any host, and pre-release suffixes. */
    {"https://example.com/mlm/v1.0.0/schema.json", EXT_MLM},
    {"http://mirror.example.org/stac/mlm/v1.5.2/schema.json", EXT_MLM},
    {SE "mlm/v1.0.0-beta.3/schema.json", EXT_MLM},
    {SE "mlm/v2.0.0-rc1/schema.json", EXT_MLM},
    {SE "mlm/v10/schema.json", EXT_MLM},

    /* tdml: the declared (probably unresolvable) identifier. */
    {SE "trainingdml-ai/v1.0.0/schema.json", EXT_TDML},
    {SE "trainingdml-ai/v1.0.0/schema.json#", EXT_TDML},

    /* Near misses: related training-data extensions. */
    {SE "ml-aoi/v0.2.0/schema.json", 0},
    {SE "ml-aoi/v0.1.0/schema.json", 0},
    {SE "ml-aoi/v1.0.0/schema.json", 0},
    {SE "ml-aoi/v1.0.1/schema.json", 0},
    {SE "label/v1.0.1/schema.json", 0},
    {SE "label/v1.0.0/schema.json", 0},
    {"label", 0},
    {STACSPEC "v1.0.0-beta.2/extensions/label/json-schema/schema.json", 0},
    /* Near misses: names that merely start or end like ours. */
    {SE "mlm-foo/v1/schema.json", 0},
    {"https://example.com/mlm-foo/v1/schema.json", 0},
    {SE "ml-model-extra/v1.0.0/schema.json", 0},
    {SE "xml-model/v1.0.0/schema.json", 0},
    {SE "ml/v1.0.0/schema.json", 0},
    {SE "mlmodel/v1.0.0/schema.json", 0},
    {SE "dlm-extension-next/v1.0.0/schema.json", 0},
    {SE "trainingdml/v1.0.0/schema.json", 0},
    {SE "MLM/v1.0.0/schema.json", 0},
    {SE "template/v1.0.0/schema.json", 0},
    {SE "item-assets/v1.0.0/schema.json", 0},
    {SE "eo/v1.1.0/schema.json", 0},
    {"dl-model-extra", 0},
    {"dl-model ", 0},
    {"xdl-model", 0},
    {"ml-model", 0},
    {"mlm", 0},
    {STACSPEC "v1.0.0-beta.3/extensions/dl-model/schema.json", 0},
    {STACSPEC "v1.0.0-beta.3/dl-model/json-schema/schema.json", 0},
    {STACSPEC "v1.0.0-beta.3/ext/dl-model/json-schema/schema.json", 0},
    {"extensions/dl-model/json-schema/schema.json", 0},
    /* Near misses: the version segment and the file name. */
    {SE "mlm/1.0.0/schema.json", 0},
    {SE "mlm/v/schema.json", 0},
    {SE "mlm/v.1/schema.json", 0},
    {SE "mlm/v1./schema.json", 0},
    {SE "mlm/v1..0/schema.json", 0},
    {SE "mlm/v1.0.0-/schema.json", 0},
    {SE "mlm/v1.0.0-beta_3/schema.json", 0},
    {SE "mlm/vx1.0/schema.json", 0},
    {SE "mlm/latest/schema.json", 0},
    {SE "mlm/v1.0.0/extra/schema.json", 0},
    {SE "mlm/v1.0.0/schema.json##", 0},
    {SE "mlm/v1.0.0/schema.json?x=1", 0},
    {SE "mlm/v1.0.0/schema.jsonx", 0},
    {SE "mlm/v1.0.0/Schema.json", 0},
    {SE "mlm/v1.0.0/item.json", 0},
    {SE "mlm/v1.0.0/", 0},
    {SE "mlm/v1.0.0", 0},
    {"mlm/v1.0.0/schema.json", 0},
    {"v1.0.0/schema.json", 0},
    {"/schema.json", 0},
    {"schema.json", 0},
    {"#", 0},
    {"", 0},
};

static void test_uris(void)
{
    size_t i;
    for (i = 0; i < sizeof(uri_cases) / sizeof(uri_cases[0]); i++) {
        unsigned got = detect_uri(uri_cases[i].uri);
        if (got != uri_cases[i].expected)
            fprintf(stderr, "detect_uri(\"%s\") = %#x, expected %#x\n",
                    uri_cases[i].uri, got, uri_cases[i].expected);
        CHECK_CASE(uri_cases[i].uri, got == uri_cases[i].expected);
    }
    CHECK_INT_EQ(detect_uri(NULL), 0);
}

struct doc_case {
    const char *name;
    const char *json;
    unsigned expected;
};

static const struct doc_case doc_cases[] = {
    /* One field prefix, one place each. */
    {"properties", "{\"type\":\"Feature\",\"properties\":{\"mlm:name\":\"x\"}}",
     EXT_MLM},
    {"properties ml-model:type",
     "{\"properties\":{\"ml-model:type\":\"ml-model\"}}", EXT_ML_MODEL},
    {"properties dlm object", "{\"properties\":{\"dlm:runtime\":{}}}", EXT_DLM},
    {"properties tdml", "{\"properties\":{\"tdml:data_sources\":[]}}",
     EXT_TDML},
    {"top level",
     "{\"type\":\"Collection\",\"tdml:amount_of_training_data\":1}", EXT_TDML},
    {"top level mlm", "{\"mlm:entrypoint\":\"pkg.mod:fn\"}", EXT_MLM},
    {"summaries",
     "{\"type\":\"Collection\",\"summaries\":"
     "{\"ml-model:architecture\":[\"resnet18\"]}}",
     EXT_ML_MODEL},
    {"summaries mlm", "{\"summaries\":{\"mlm:framework\":[\"PyTorch\"]}}",
     EXT_MLM},
    {"assets object",
     "{\"assets\":{\"model\":{\"href\":\"m.pt\","
     "\"mlm:artifact_type\":\"torch.save\"}}}",
     EXT_MLM},
    {"assets array", "{\"assets\":[{\"href\":\"m.pt\",\"dlm:archive\":[]}]}",
     EXT_DLM},
    {"assets array wrapper (dlm beta)",
     "{\"assets\":[{\"model_archive\":{\"href\":\"a.zip\","
     "\"dlm:data\":{}}}]}",
     EXT_DLM},
    {"item_assets",
     "{\"item_assets\":{\"weights\":{\"mlm:artifact_type\":\"torch.save\"}}}",
     EXT_MLM},
    /* Asset roles (a detect.c rule beyond detect.h). */
    {"asset role mlm:model",
     "{\"assets\":{\"w\":{\"href\":\"w.pt\",\"roles\":[\"data\","
     "\"mlm:model\"]}}}",
     EXT_MLM},
    {"item_assets role mlm:model",
     "{\"item_assets\":{\"weights\":{\"roles\":[\"mlm:model\","
     "\"mlm:weights\"]}}}",
     EXT_MLM},
    {"asset role ml-model",
     "{\"assets\":{\"c\":{\"href\":\"c.yml\","
     "\"roles\":[\"ml-model:inference-runtime\"]}}}",
     EXT_ML_MODEL},
    {"asset array singular role string",
     "{\"assets\":[{\"href\":\"w.pt\",\"role\":\"mlm:weights\"}]}", EXT_MLM},
    {"asset array wrapper role",
     "{\"assets\":[{\"w\":{\"href\":\"w.pt\",\"role\":[\"mlm:model\"]}}]}",
     EXT_MLM},
    {"dlm-style role is not a signal",
     "{\"assets\":[{\"m\":{\"href\":\"a.zip\",\"role\":[\"model "
     "artefact\"]}}]}",
     0},
    {"dlm: and tdml: roles are not signals",
     "{\"assets\":{\"a\":{\"href\":\"a\",\"roles\":[\"dlm:model\","
     "\"tdml:data\"]}}}",
     0},
    {"role not a string", "{\"assets\":{\"a\":{\"roles\":[1,null,{}]}}}", 0},
    /* Inference products (EXTENSIONS.md 4.4) name their model on the
     * output asset (mlm:name, processing:expression "stac-mlm") and link
     * derived_from to it: they are no model. */
    {"inference product: mlm:name on a data asset",
     "{\"type\":\"Feature\",\"stac_extensions\":[\"https://"
     "stac-extensions.github.io/processing/v1.2.0/schema.json\"],"
     "\"properties\":{\"processing:level\":\"L4\"},\"links\":[{\"rel\":"
     "\"derived_from\",\"href\":\"m.json\",\"mlm:name\":\"seg\"}],"
     "\"assets\":{\"seg\":{\"href\":\"p.tif\",\"roles\":[\"data\"],"
     "\"mlm:name\":\"seg\",\"processing:expression\":{\"format\":"
     "\"stac-mlm\",\"expression\":\"m.json\"}}}}",
     0},
    {"inference product: mlm:name alone",
     "{\"assets\":{\"p\":{\"href\":\"p.tif\",\"mlm:name\":\"seg\"}}}", 0},
    {"asset fields mlm forbids on assets",
     "{\"assets\":{\"p\":{\"href\":\"p.tif\",\"mlm:name\":\"s\","
     "\"mlm:input\":[],\"mlm:output\":[],\"mlm:hyperparameters\":{}}}}",
     0},
    {"inference product: stac-mlm expression with model fields",
     "{\"assets\":{\"p\":{\"href\":\"p.tif\",\"roles\":[\"data\"],"
     "\"mlm:architecture\":\"U-Net\",\"mlm:tasks\":[\"segmentation\"],"
     "\"processing:expression\":{\"format\":\"stac-mlm\","
     "\"expression\":\"m.json\"}}}}",
     0},
    {"inference product: stac-mlm expressions as an array",
     "{\"assets\":{\"p\":{\"href\":\"p.tif\",\"mlm:framework\":\"x\","
     "\"processing:expression\":[{\"format\":\"gdal-calc\"},"
     "{\"format\":\"stac-mlm\",\"expression\":\"m.json\"}]}}}",
     0},
    {"inference products in item_assets",
     "{\"item_assets\":{\"p\":{\"roles\":[\"data\"],"
     "\"mlm:name\":\"seg\"}}}",
     0},
    {"inference product that declares mlm",
     "{\"stac_extensions\":[\"" SE "mlm/v1.5.2/schema.json\"],"
     "\"assets\":{\"p\":{\"href\":\"p.tif\",\"mlm:name\":\"s\"}}}",
     EXT_MLM},
    {"mlm:name beside the mlm:model role",
     "{\"assets\":{\"w\":{\"href\":\"w.pt\",\"roles\":[\"mlm:model\"],"
     "\"mlm:name\":\"s\"}}}",
     EXT_MLM},
    {"other expression format: still a model asset",
     "{\"assets\":{\"w\":{\"href\":\"w.pt\",\"mlm:architecture\":"
     "\"U-Net\",\"processing:expression\":{\"format\":\"python\"}}}}",
     EXT_MLM},
    {"model fields on the model asset only",
     "{\"type\":\"Feature\",\"properties\":{},\"assets\":{\"w\":"
     "{\"href\":\"w.pt\",\"roles\":[\"model\"],\"mlm:architecture\":"
     "\"U-Net\",\"mlm:tasks\":[\"segmentation\"]}}}",
     EXT_MLM},
    /* Asset keys are names, not fields. */
    {"asset key only",
     "{\"assets\":{\"mlm:model\":{\"href\":\"m.pt\",\"roles\":[\"data\"]}}}",
     0},
    {"item_assets key only",
     "{\"item_assets\":{\"mlm:model\":{\"title\":\"weights\"}}}", 0},
    {"wrapper key only", "{\"assets\":[{\"mlm:model\":{\"href\":\"m.pt\"}}]}",
     0},
    /* Fields in places that are not looked at. */
    {"nested in a property value",
     "{\"properties\":{\"meta\":{\"mlm:name\":\"x\"}}}", 0},
    {"link rel",
     "{\"links\":[{\"rel\":\"ml-model:train-data\",\"href\":\"d\"}]}", 0},
    {"link field", "{\"links\":[{\"rel\":\"x\",\"mlm:name\":\"m\"}]}", 0},
    {"feature of an ItemCollection",
     "{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":"
     "{\"mlm:name\":\"x\"}}]}",
     0},
    {"string value", "{\"description\":\"mlm:name\"}", 0},
    {"properties as array", "{\"properties\":[\"mlm:name\"]}", 0},
    {"assets as string", "{\"assets\":\"mlm:model\"}", 0},
    {"asset as array", "{\"assets\":{\"a\":[\"mlm:model\"]}}", 0},
    /* Prefixes must match exactly, colon included. */
    {"near prefixes",
     "{\"properties\":{\"MLM:name\":1,\"mlmx:name\":1,\"ml-model\":1,"
     "\"ml-aoi:split\":\"train\",\"label:tasks\":[],\"dlm\":1,\"tdml\":1,"
     "\"xmlm:name\":1,\" mlm:name\":1}}",
     0},
    {"empty name after prefix", "{\"properties\":{\"mlm:\":1}}", EXT_MLM},
    /* stac_extensions in every shape. */
    {"declared", "{\"stac_extensions\":[\"" SE "mlm/v1.5.2/schema.json\"]}",
     EXT_MLM},
    {"declared several",
     "{\"stac_extensions\":[\"" SE "eo/v1.1.0/schema.json\",\"" SE
     "ml-model/v1.0.0/schema.json\",\"" CRIM
     "mlm-extension/v1.2.0/schema.json\",\"dl-model\"]}",
     EXT_ML_MODEL | EXT_MLM | EXT_DLM},
    {"stac_extensions not an array",
     "{\"stac_extensions\":\"" SE "mlm/v1.5.2/schema.json\"}", 0},
    {"stac_extensions object",
     "{\"stac_extensions\":{\"mlm\":\"" SE "mlm/v1.5.2/schema.json\"}}", 0},
    {"stac_extensions non-strings",
     "{\"stac_extensions\":[1,null,true,{\"href\":\"" SE
     "mlm/v1.5.2/schema.json\"},[\"dl-model\"]]}",
     0},
    {"stac_extensions mixed",
     "{\"stac_extensions\":[null,2.5,\"" SE "trainingdml-ai/v1.0.0/"
     "schema.json\",{}]}",
     EXT_TDML},
    {"stac_extensions empty", "{\"stac_extensions\":[]}", 0},
    /* Declared and carried together. */
    {"uri and fields",
     "{\"stac_extensions\":[\"" SE "ml-model/v1.0.0/schema.json\"],"
     "\"properties\":{\"mlm:name\":\"m\"}}",
     EXT_ML_MODEL | EXT_MLM},
    {"tdml collection with properties",
     "{\"type\":\"Collection\",\"properties\":"
     "{\"tdml:amount_of_training_data\":1,\"label:tasks\":\"x\"}}",
     EXT_TDML},
    {"plain item",
     "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"properties\":"
     "{\"datetime\":null},\"assets\":{\"data\":{\"href\":\"x.tif\","
     "\"roles\":[\"data\"]}}}",
     0},
    {"empty object", "{}", 0},
    /* Non-objects. */
    {"array", "[{\"properties\":{\"mlm:name\":\"x\"}}]", 0},
    {"string", "\"mlm:name\"", 0},
    {"number", "42", 0},
    {"null", "null", 0},
    {"true", "true", 0},
};

static void test_documents(void)
{
    size_t i;
    for (i = 0; i < sizeof(doc_cases) / sizeof(doc_cases[0]); i++) {
        json_error_t err;
        json_t *doc = json_loads(doc_cases[i].json, JSON_DECODE_ANY, &err);
        CHECK_CASE(doc_cases[i].name, doc != NULL);
        if (!doc) {
            fprintf(stderr, "%s: %s\n", doc_cases[i].name, err.text);
            continue;
        }
        unsigned got = detect_document(doc);
        if (got != doc_cases[i].expected)
            fprintf(stderr,
                    "case \"%s\": detect_document = %#x, expected %#x\n",
                    doc_cases[i].name, got, doc_cases[i].expected);
        CHECK_CASE(doc_cases[i].name, got == doc_cases[i].expected);
        json_decref(doc);
    }
    CHECK_INT_EQ(detect_document(NULL), 0);
}

/* Render detect_append_names(exts) as "a,b,c" for comparison. */
static void names_of(unsigned exts, char *out, size_t len)
{
    json_t *arr = json_array();
    size_t i, used = 0;

    out[0] = '\0';
    detect_append_names(exts, arr);
    for (i = 0; i < json_array_size(arr); i++) {
        int n = snprintf(out + used, len - used, "%s%s", i ? "," : "",
                         json_string_value(json_array_get(arr, i)));
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    json_decref(arr);
}

static void test_names(void)
{
    char buf[64];
    json_t *arr, *obj;

    CHECK_STR_EQ(detect_name(EXT_ML_MODEL), "ml-model");
    CHECK_STR_EQ(detect_name(EXT_DLM), "dlm");
    CHECK_STR_EQ(detect_name(EXT_MLM), "mlm");
    CHECK_STR_EQ(detect_name(EXT_TDML), "tdml");
    CHECK(detect_name(0) == NULL);
    CHECK(detect_name(EXT_MLM | EXT_DLM) == NULL);
    CHECK(detect_name(1u << 4) == NULL);

    names_of(0, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "");
    names_of(EXT_TDML, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "");
    names_of(EXT_MLM, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "mlm");
    names_of(EXT_MLM | EXT_ML_MODEL, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "ml-model,mlm");
    names_of(EXT_MODEL_MASK | EXT_TDML, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "dlm,ml-model,mlm");
    names_of(~0u, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "dlm,ml-model,mlm");

    /* Appends after what is there; ignores a non-array or NULL. */
    arr = json_pack("[s]", "first");
    detect_append_names(EXT_DLM, arr);
    CHECK_INT_EQ(json_array_size(arr), 2);
    CHECK_STR_EQ(json_string_value(json_array_get(arr, 0)), "first");
    CHECK_STR_EQ(json_string_value(json_array_get(arr, 1)), "dlm");
    json_decref(arr);
    obj = json_object();
    detect_append_names(EXT_MODEL_MASK, obj);
    CHECK_INT_EQ(json_object_size(obj), 0);
    json_decref(obj);
    detect_append_names(EXT_MODEL_MASK, NULL);
}

int main(void)
{
    test_uris();
    test_documents();
    test_names();
    return check_exit("test-detect");
}
