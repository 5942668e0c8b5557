/* SPDX-License-Identifier: MIT */
/* Unit tests of index/model.c: the normalised model and dataset records of
 * every parseable example of the shared corpus that carries ml-model, dlm,
 * mlm (v1.0.0, v1.3.0, v1.5.2) or tdml, checked field by field against
 * values read off each file by hand; then hand-written cases for each
 * quirk the readers accept, and model_task_name().
 *
 * Expected records are written as JSON with single quotes (turned into
 * double quotes before parsing, so no expected text may hold an
 * apostrophe) and compared as a subset: only the keys given are checked.
 * Two markers help: the string '$absent' requires the key to be missing,
 * and an array ending in the string '...N' checks the elements before it
 * and that the actual array has N elements. */
#include <config.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/detect.h"
#include "index/model.h"
#include "tests/lib/check.h"

#define BASE "https://x.test/a/b.json"

enum kind { MODEL, DATASET };

/* ------------------------------------------------------------ helpers */

/* Parse JSON written with single quotes. */
static json_t *sq(const char *text)
{
    char *s = strdup(text);
    json_error_t err;
    json_t *v;

    for (char *p = s; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    v = json_loads(s, JSON_DECODE_ANY, &err);
    if (!v)
        fprintf(stderr, "bad test JSON (%s at %d:%d): %s\n", err.text, err.line,
                err.column, s);
    free(s);
    return v;
}

static bool is_marker(const json_t *v, const char *m)
{
    const char *s = json_string_value(v);
    return s && strcmp(s, m) == 0;
}

/* The N of a trailing '...N' marker, or -1. */
static long prefix_len(const json_t *arr)
{
    size_t n = json_array_size(arr);
    const char *s = n ? json_string_value(json_array_get(arr, n - 1)) : NULL;

    if (!s || strncmp(s, "...", 3) != 0)
        return -1;
    return strtol(s + 3, NULL, 10);
}

/* Whether actual matches expected (see the file comment); a mismatch is
 * printed with its path. */
static bool match(const json_t *exp, const json_t *act, const char *path)
{
    char sub[512];

    if (json_is_object(exp)) {
        const char *key;
        json_t *v;
        bool ok = true;

        if (!json_is_object(act)) {
            fprintf(stderr, "  %s: expected an object\n", path);
            return false;
        }
        json_object_foreach ((json_t *)exp, key, v) {
            json_t *a = json_object_get(act, key);
            snprintf(sub, sizeof(sub), "%s.%s", path, key);
            if (is_marker(v, "$absent")) {
                if (a) {
                    char *t = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
                    fprintf(stderr, "  %s: expected absent, got %s\n", sub, t);
                    free(t);
                    ok = false;
                }
                continue;
            }
            if (!a) {
                fprintf(stderr, "  %s: missing\n", sub);
                ok = false;
                continue;
            }
            ok &= match(v, a, sub);
        }
        return ok;
    }
    if (json_is_array(exp)) {
        long want = prefix_len(exp);
        size_t n = json_array_size(exp) - (want >= 0 ? 1 : 0);
        bool ok = true;

        if (!json_is_array(act)) {
            fprintf(stderr, "  %s: expected an array\n", path);
            return false;
        }
        if (want < 0)
            want = (long)n;
        if ((long)json_array_size(act) != want) {
            fprintf(stderr, "  %s: %zu elements, expected %ld\n", path,
                    json_array_size(act), want);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            ok &= match(json_array_get(exp, i), json_array_get(act, i), sub);
        }
        return ok;
    }
    if (json_is_real(exp) && json_is_real(act)) {
        double a = json_real_value(act), e = json_real_value(exp);
        double d = a > e ? a - e : e - a, m = e < 0 ? -e : e;
        if (d <= 1e-9 * (m > 1 ? m : 1))
            return true;
    } else if (json_equal(exp, act)) {
        return true;
    }
    {
        char *te = json_dumps(exp, JSON_ENCODE_ANY | JSON_COMPACT);
        char *ta = json_dumps(act, JSON_ENCODE_ANY | JSON_COMPACT);
        fprintf(stderr, "  %s: expected %s, got %s\n", path, te, ta);
        free(te);
        free(ta);
    }
    return false;
}

/* Whether some issue contains text. */
static bool has_issue(const json_t *rec, const char *text)
{
    const json_t *v;
    size_t i;

    json_array_foreach (json_object_get(rec, "issues"), i, v) {
        if (strstr(json_string_value(v), text))
            return true;
    }
    return false;
}

static void dump_issues(const json_t *rec)
{
    const json_t *v;
    size_t i;

    json_array_foreach (json_object_get(rec, "issues"), i, v)
        fprintf(stderr, "    issue: %s\n", json_string_value(v));
}

/* One case: a document (inline text or a corpus file), what to read it
 * as, the expected record subset, the exact number of issues (-1: not
 * checked) and texts that must each appear in some issue. */
struct model_case {
    const char *name;
    enum kind kind;
    const char *doc;  /* single-quoted JSON, or NULL for file */
    const char *file; /* path under stac-examples/ */
    long exts;        /* EXT_* flags, or -1 for detect_document() */
    const char *expect;
    int n_issues;
    const char *issues[8];
};

/* Read doc as the case says and check the record. */
static void run_case(const struct model_case *c, json_t *doc, const char *url)
{
    unsigned exts = c->exts < 0 ? detect_document(doc) : (unsigned)c->exts;
    json_t *rec = json_object(), *exp = sq(c->expect);
    bool ok;

    if (c->kind == MODEL)
        model_read(doc, url, exts, rec);
    else
        model_read_dataset(doc, url, rec);
    ok = exp && match(exp, rec, "rec");
    if (c->n_issues >= 0 &&
        (long)json_array_size(json_object_get(rec, "issues")) != c->n_issues) {
        fprintf(stderr, "  %zu issues, expected %d\n",
                json_array_size(json_object_get(rec, "issues")), c->n_issues);
        ok = false;
    }
    for (size_t i = 0; i < 8 && c->issues[i]; i++) {
        if (!has_issue(rec, c->issues[i])) {
            fprintf(stderr, "  no issue mentions \"%s\"\n", c->issues[i]);
            ok = false;
        }
    }
    if (!ok)
        dump_issues(rec);
    CHECK_CASE(c->name, ok);
    json_decref(exp);
    json_decref(rec);
}

/* ------------------------------------------------------------ corpus */

/* Files that cannot be read at all (invalid JSON, see stac-examples/
 * MANIFEST.md), so no record exists for them: crim-ca__dlm-extension/
 * examples/collection.json (trailing comma), crim-ca__dlm-extension__
 * v1.0.0-beta2/examples/item.json (starts with // comments; its numeric
 * id is covered inline below), openrsgis__trainingdml-ai-extension/
 * examples/DOTA-1.5_Dataset/collection.json (unclosed array; its tdml
 * fields are covered inline below). The test checks they indeed fail. */
static const char *const invalid_files[] = {
    "crim-ca__dlm-extension/examples/collection.json",
    "crim-ca__dlm-extension__v1.0.0-beta2/examples/item.json",
    ("openrsgis__trainingdml-ai-extension/examples/DOTA-1.5_Dataset/"
     "collection.json"),
};

#define MLM152 "https://stac-extensions.github.io/mlm/v1.5.2/schema.json"
#define MLM130 "https://crim-ca.github.io/mlm-extension/v1.3.0/schema.json"
#define MLM100 "https://crim-ca.github.io/mlm-extension/v1.0.0/schema.json"
#define MLMODEL "https://stac-extensions.github.io/ml-model/v1.0.0/schema.json"
#define TDML                                                                   \
    "https://stac-extensions.github.io/trainingdml-ai/v1.0.0/schema.json"
#define LABEL "https://stac-extensions.github.io/label/v1.0.1/schema.json"
#define MLAOI "https://stac-extensions.github.io/ml-aoi/v1.0.1/schema.json"
#define EO110 "https://stac-extensions.github.io/eo/v1.1.0/schema.json"
#define VERSION100                                                             \
    "https://stac-extensions.github.io/version/v1.0.0/schema.json"

#define EU_BBOX                                                                \
    "[-7.882190080512502,37.13739173208318,27.911651652899923,"                \
    "58.21798141355221]"
#define OPEN_SPAN                                                              \
    "'datetime':'$absent','start_datetime':'1900-01-01T00:00:00Z',"            \
    "'end_datetime':'9999-12-31T23:59:59Z'"
#define TORCHGEO_DESC                                                          \
    "'description':'Sourced from torchgeo python library, identifier is "      \
    "ResNet18_Weights.SENTINEL2_ALL_MOCO'"
/* The scalars of the torchgeo ResNet-18 examples, every version. */
#define RESNET                                                                 \
    "'name':'Resnet-18 Sentinel-2 ALL MOCO','title':'$absent',"                \
    "'license':'$absent','keywords':'$absent','version':'$absent',"            \
    "'architecture':'ResNet','tasks':['classification'],"                      \
    "'framework':'pytorch','framework_version':'2.1.2+cu121',"                 \
    "'accelerator':'cuda','total_parameters':11700000,'memory_size':1,"        \
    "'pretrained':'$absent','learning_approach':'$absent','bbox':" EU_BBOX     \
    "," OPEN_SPAN "," TORCHGEO_DESC "," TORCHGEO_MORE
/* The mlm fields of the torchgeo examples besides the core ones. */
#define TORCHGEO_MORE                                                          \
    "'pretrained_source':'EuroSat Sentinel-2',"                                \
    "'accelerator_constrained':false,'accelerator_summary':'Unknown',"         \
    "'accelerator_count':'$absent','batch_size_suggestion':256,"               \
    "'hyperparameters':'$absent','training_processor_type':'$absent',"         \
    "'training_os':'$absent','file_size':43000000,'publications':'$absent'"
#define S2_BANDS                                                               \
    "['B01','B02','B03','B04','B05','B06','B07','B08','B8A','B09','B10',"      \
    "'B11','B12']"
#define DIMS_BANDS "['batch','bands','height','width']"
#define DIMS_CHANNEL "['batch','channel','height','width']"
#define ZSCORE13                                                               \
    "[{'type':'z-score','mean':1354.40546513,'stddev':245.71762908},"          \
    "{'type':'z-score','mean':1118.24399958,'stddev':333.00778264},'...13']"
#define S2_INPUT(dims, vs)                                                     \
    "{'name':'13 Band Sentinel-2 Batch','bands':" S2_BANDS                     \
    ",'band_expressions':'$absent','shape':[-1,13,64,64],'dim_order':" dims    \
    ",'data_type':'float32',"                                                  \
    "'value_scaling':" vs ",'resize_type':'$absent',"                          \
    "'pre_processing_function':{'format':'python','expression':"               \
    "'torchgeo.datamodules.eurosat.EuroSATDataModule.collate_fn'}}"
#define EUROSAT_CLASSES                                                        \
    "[{'value':0,'name':'Annual Crop'},{'value':1,'name':'Forest'},"           \
    "{'value':2,'name':'Herbaceous Vegetation'},"                              \
    "{'value':3,'name':'Highway'},{'value':4,'name':'Industrial Buildings'},"  \
    "{'value':5,'name':'Pasture'},{'value':6,'name':'Permanent Crop'},"        \
    "{'value':7,'name':'Residential Buildings'},{'value':8,'name':'River'},"   \
    "{'value':9,'name':'SeaLake'}]"
#define CLASSIF_OUT                                                            \
    "{'name':'classification','tasks':['classification'],'shape':[-1,10],"     \
    "'dim_order':['batch','class'],'data_type':'float32','bands':'$absent',"   \
    "'classes':" EUROSAT_CLASSES ",'post_processing_function':'$absent'}"
#define RESNET18_HREF                                                          \
    "https://huggingface.co/torchgeo/resnet18_sentinel2_all_moco/resolve/"     \
    "main/resnet18_sentinel2_all_moco-59bfdff9.pth"
#define PYTORCH_TYPE "application/octet-stream; application=pytorch"
/* The model file, whose size these examples give as the Item's
 * file:size. */
#define WEIGHTS(href, atype)                                                   \
    "{'key':'weights','href':'" href "','type':'" PYTORCH_TYPE "',"            \
    "'roles':['mlm:model','mlm:weights'],'artifact_type':" atype               \
    ",'file_size':43000000}"
#define SOURCE(roles)                                                          \
    "{'key':'source_code','href':'https://github.com/microsoft/torchgeo/"      \
    "blob/61efd2e2c4df7ebe3bd03002ebbaeaa3cfe9885a/torchgeo/models/"           \
    "resnet.py#L207','type':'text/x-python','roles':" roles                    \
    ",'artifact_type':'$absent','file_size':'$absent'}"
#define S2L2A                                                                  \
    "'train_data':['https://earth-search.aws.element84.com/v1/collections/"    \
    "sentinel-2-l2a'],'validation_data':[],'test_data':[]"
#define NO_DATA "'train_data':[],'validation_data':[],'test_data':[]"
#define VEG_CLASSES                                                            \
    "[{'value':0,'name':'NON_VEGETATION'},{'value':1,'name':'VEGETATION'}]"
#define MULTI_OUTPUTS                                                          \
    "[{'name':'vegetation-segmentation','tasks':['semantic-segmentation'],"    \
    "'shape':[-1,1],'dim_order':['batch','class'],'data_type':'uint8',"        \
    "'classes':" VEG_CLASSES ",'post_processing_function':'$absent'},"         \
    "{'name':'inverse-mask','tasks':['semantic-segmentation'],'shape':[-1,1]," \
    "'dim_order':['batch','class'],'data_type':'uint8','classes':" VEG_CLASSES \
    ",'post_processing_function':{'format':'gdal-calc',"                       \
    "'expression':'logical_not(A)'}}]"
#define RESNET50_HREF                                                          \
    "https://huggingface.co/torchgeo/resnet50_sentinel2_rgb_moco/blob/main/"   \
    "resnet50_sentinel2_rgb_moco.pth"
#define BASIC(atype, ver)                                                      \
    "{'name':'example-model','title':'$absent','description':'Basic STAC "     \
    "Item with only the MLM extension and no other extension "                 \
    "cross-references.','bbox':" EU_BBOX "," OPEN_SPAN ","                     \
    "'architecture':'ResNet','tasks':['classification'],"                      \
    "'framework':'$absent','total_parameters':'$absent',"                      \
    "'inputs':[{'name':'Model with RGB input that does not refer to any "      \
    "band.','bands':[],'shape':[-1,3,64,64],'dim_order':" DIMS_CHANNEL         \
    ",'data_type':'float32','value_scaling':'$absent'}],"                      \
    "'outputs':[{'name':'classification','tasks':['classification'],"          \
    "'shape':[-1,1],'dim_order':['batch','class'],'data_type':'uint8',"        \
    "'classes':[{'value':0,'name':'BACKGROUND'},"                              \
    "{'value':1,'name':'CITY'}]}],'artifacts':[{'key':'model','href':"         \
    "'https://huggingface.co/example/model-card','type':'text/html',"          \
    "'roles':['mlm:model'],'artifact_type':" atype "}]," NO_DATA               \
    ",'versions':['" ver "']}"
#define EXAMPLES_COLLECTION                                                    \
    "{'name':'Machine Learning Model examples','title':'Machine Learning "     \
    "Model examples','description':'Collection of items contained in the "     \
    "Machine Learning Model examples.','license':'Apache-2.0','bbox':" EU_BBOX \
    ",'datetime':'$absent','start_datetime':"                                  \
    "'1900-01-01T00:00:00Z','end_datetime':'9999-12-31T23:59:59Z',"            \
    "'architecture':'$absent','tasks':[],'inputs':[],'outputs':[],"            \
    "'artifacts':[]," NO_DATA ",'versions':[]}"
#define CLASSES_KEY "read as \"classification:classes\""

static const struct model_case corpus_cases[] = {
    /* ---- ml-model v1.0.0 */
    {"ml-model dummy item",
     MODEL,
     NULL,
     "stac-extensions__ml-model/examples/dummy/item.json",
     -1,
     "{'name':'model-item','title':'$absent','license':'MIT',"
     "'bbox':[34.18,0.47,34.37,0.71],'datetime':'$absent',"
     "'start_datetime':'2020-01-01T00:00:00Z',"
     "'end_datetime':'2020-12-12T23:59:59Z','architecture':'RCNN',"
     "'tasks':['object-detection'],'learning_approach':'supervised',"
     "'training_processor_type':'gpu','training_os':'linux',"
     "'accelerator':'$absent','accelerator_constrained':'$absent',"
     "'framework':'$absent','inputs':[],'outputs':[],"
     "'artifacts':[{'key':'model','href':'https://examples.test/"
     "stac-extensions__ml-model/examples/dummy/inferencing.yml',"
     "'type':'text/x-yaml; application=compose',"
     "'roles':['ml-model:inference-runtime']},"
     "{'key':'ml-model:inferencing-image','href':'registry.hub.docker.com/"
     "my-user/my-inferencing-model:v1','type':'docker-image',"
     "'roles':['ml-model:inferencing-image']},"
     "{'key':'ml-model:training-image','href':'registry.hub.docker.com/"
     "my-user/my-training-model:v1','type':'docker-image',"
     "'roles':['ml-model:training-image']}],"
     "'train_data':['https://some-domain.com/training-data/collection.json'],"
     "'validation_data':[],"
     "'test_data':['https://some-domain.com/test-data/collection.json'],"
     "'versions':['" MLMODEL "']}",
     0,
     {NULL}},
    {"ml-model dummy collection",
     MODEL,
     NULL,
     "stac-extensions__ml-model/examples/dummy/collection.json",
     -1,
     "{'name':'Containing Collection','title':'Containing Collection',"
     "'description':'A description','license':'MIT',"
     "'bbox':[34.18,0.47,34.37,0.71],"
     "'start_datetime':'2020-12-11T22:38:32Z',"
     "'end_datetime':'2020-12-11T22:38:32Z','architecture':'RCNN',"
     "'tasks':['object-detection'],'learning_approach':'supervised',"
     "'training_processor_type':'$absent','training_os':'$absent',"
     "'artifacts':[]," NO_DATA ",'versions':['" MLMODEL "']}",
     0,
     {NULL}},
    {"ml-model cyclone item",
     MODEL,
     NULL,
     "stac-extensions__ml-model/examples/cyclone-wind-speed/item.json",
     -1,
     "{'name':'model-cyclone-wind-estimation-torchgeo','license':'MIT',"
     "'bbox':[-179.999,-89.999,179.999,89.999],"
     "'start_datetime':'2000-01-01T00:00:00Z',"
     "'end_datetime':'2019-12-12T23:59:59Z','architecture':'resnet18',"
     "'tasks':['regression'],'learning_approach':'supervised',"
     "'artifacts':[{'key':'inferencing-compose','href':"
     "'https://raw.githubusercontent.com/RadiantMLHub/"
     "cyclone-model-torchgeo/main/inferencing.yml',"
     "'type':'text/x-yaml; application=compose',"
     "'title':'Model inferencing runtime',"
     "'roles':['ml-model:inference-runtime']},"
     "{'key':'inferencing-checkpoint','href':'https://zenodo.org/record/"
     "5773331/files/last.ckpt?download=1','type':"
     "'application/octet-stream','title':'Final model checkpoint',"
     "'file_size':'$absent','roles':['ml-model:checkpoint']},"
     "{'key':'ml-model:inferencing-image','href':'docker.io/radiantearth/"
     "cyclone-model-torchgeo:1','type':'docker-image',"
     "'roles':['ml-model:inferencing-image']}],"
     "'train_data':['https://api.radiant.earth/mlhub/v1/collections/"
     "nasa_tropical_storm_competition_train_source'],"
     "'validation_data':[],'test_data':[],'versions':['" MLMODEL "'],"
     "'doi':'10.5281/zenodo.5773331','citation':'Caleb Robinson. (2021). "
     "Tropical Cyclone Wind Estimation model (2.0). Zenodo. "
     "https://doi.org/10.5281/zenodo.5773331.',"
     "'providers':[{'name':'Microsoft AI for Good Research Lab (Caleb "
     "Robinson)','roles':['producer'],'url':'https://www.microsoft.com/"
     "en-us/ai/ai-for-good','email':'$absent'}],'file_size':'$absent',"
     "'publications':[{'doi':'$absent','citation':'Stewart, A., Robinson, "
     "C. and Corley, I., 2021. TorchGeo: deep learning with geospatial "
     "data. arXiv preprint arXiv:2111.08872, [online] (11). Available at: "
     "<https://arxiv.org/abs/2111.08872> [Date Accessed].'}]}",
     1,
     {"sci:publications entry: \"sci:citation\" read as \"citation\""}},
    {"ml-model cyclone collection",
     MODEL,
     NULL,
     "stac-extensions__ml-model/examples/cyclone-wind-speed/collection.json",
     -1,
     "{'name':'Tropical Cyclone Wind Speed Estimation Model',"
     "'title':'Tropical Cyclone Wind Speed Estimation Model',"
     "'license':'MIT','bbox':[-179.999,-89.999,179.999,89.999],"
     "'start_datetime':'2000-01-01T00:00:00Z',"
     "'end_datetime':'2019-12-12T23:59:59Z','architecture':'resnet18',"
     "'tasks':['regression'],'learning_approach':'supervised',"
     "'doi':'$absent','citation':'$absent','providers':'$absent',"
     "'artifacts':[]," NO_DATA ",'versions':['" MLMODEL "']}",
     0,
     {NULL}},

    /* ---- dlm v1.0.0-beta.3 */
    {"dlm beta.3 item",
     MODEL,
     NULL,
     "crim-ca__dlm-extension/examples/item.json",
     -1,
     "{'name':'resnet18+unet_scse','title':'resnet18+unet_scse',"
     "'description':'UNet architecture with a resnet18 backbone and a SCSE "
     "layer fine-tuned on Pleiade imagery','license':'MIT',"
     "'providers':[{'name':'Effigis Inc.','roles':['image licensor'],"
     "'url':'https://effigis.com/en/'},{'name':'Airbus Inc.',"
     "'roles':['image provider'],"
     "'url':'https://www.intelligence-airbusds.com/'}],'doi':'$absent',"
     "'publications':[{'doi':'10.1007/978-3-030-00928-1_48',"
     "'citation':'Abhijit Guha Roy and Nassir Navab and Christian "
     "Wachinger (2018). Concurrent Spatial and Channel Squeeze & "
     "Excitation in Fully Convolutional Networks, arXiv 1803.02579'}],"
     "'bbox':[-180,-90,180,90],'datetime':'2016-05-03T13:22:30Z',"
     "'architecture':'unet-resnet-18-scse',"
     "'tasks':['semantic-segmentation'],'framework':'PyTorch',"
     "'framework_version':'1.5','pretrained':true,"
     "'total_parameters':42813873,'memory_size':192644383,"
     "'accelerator':'$absent','learning_approach':'$absent',"
     "'hyperparameters':'$absent','pretrained_source':'$absent',"
     "'inputs':[{'name':'data','bands':[0,1,3],'shape':[1,3,224,224],"
     "'pre_processing_function':'$absent',"
     "'dim_order':['batch','channel','height','width'],"
     "'data_type':'uint16','process_level':'ortho','value_scaling':["
     "{'type':'z-score','mean':62.47499406487557,"
     "'stddev':25.499997577500235},"
     "{'type':'z-score','mean':86.69999176350079,"
     "'stddev':25.499997577500235},"
     "{'type':'z-score','mean':170.84998376925157,"
     "'stddev':50.99999515500047}]}],"
     "'outputs':[{'name':'$absent','tasks':['semantic-segmentation'],"
     "'shape':[1,5,64,64],'post_processing_function':'$absent',"
     "'classes':[{'value':0,'name':'dontcare'},"
     "{'value':1,'name':'Bare Exposed Rock'},"
     "{'value':2,'name':'High density Residential'},"
     "{'value':3,'name':'Cropland'},{'value':4,'name':'Mixed Forest Land'},"
     "{'value':5,'name':'Lake'}]}],"
     "'artifacts':[{'key':'model_archive','href':'https://drive.google.com/"
     "file/d/1PYyZVgH95454sb9LYHSfchbg8GuT__fR/view?usp=sharing',"
     "'type':'application/zip','title':'model archive',"
     "'description':'$absent','roles':['model artefact']},"
     "{'key':'config.yml','href':'$absent','roles':['config file']},"
     "{'key':'./test_pleiade/256/input_test.tif','roles':['test set']},"
     "{'key':'ckpt.best.pth','roles':['model weight']},"
     "{'key':'dlm:runtime.model_src_url',"
     "'href':'https://github.com/crim-ca/gin-model-repo','roles':['code'],"
     "'entrypoint':'thelper.cli.inference_session'},"
     "{'key':'dlm:runtime.docker.docker_file','href':'https://github.com/"
     "crim-ca/CCCOT03/blob/main/docker/thelper-geo.dockerfile',"
     "'roles':['runtime']},"
     "{'key':'dlm:runtime.docker.image_name','href':'thelper-geo:latest',"
     "'roles':['runtime']}]," NO_DATA ","
     "'versions':['https://schemas.stacspec.org/v1.0.0-beta.3/extensions/"
     "dl-model/json-schema/schema.json']}",
     7,
     {"dlm:runtime version should be a string, not a number",
      "assets should be an object keyed by name, not an array",
      "\"role\" read as \"roles\"", "\"dtype\" read as \"data_type\"",
      "input_tensors should be an array of objects, not an object",
      "\"channels\" read as \"dim\"",
      "dlm:archive role should be a string, not an array"}},
    /* The beta2 tag's collection is the extension template: no model. */
    {"dlm beta2 collection (template, no model fields)",
     MODEL,
     NULL,
     "crim-ca__dlm-extension__v1.0.0-beta2/examples/collection.json",
     -1,
     "{'name':'A title','title':'A title','description':'A description',"
     "'license':'Apache-2.0','bbox':[172.9,1.3,173,1.4],"
     "'start_datetime':'2015-06-23T00:00:00Z','end_datetime':'$absent',"
     "'tasks':[],'inputs':[],'outputs':[],'artifacts':[]," NO_DATA
     ",'versions':[]}",
     0,
     {NULL}},

    /* ---- mlm v1.5.2 (stac-extensions/mlm main) */
    {"mlm 1.5.2 item_basic",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_basic.json",
     -1,
     BASIC("'torch.save'", MLM152),
     1,
     {CLASSES_KEY}},
    {"mlm 1.5.2 item_eo_bands",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_eo_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_BANDS,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'torch.save'") "," SOURCE("['mlm:source_code',"
                                                  "'code','metadata']") "]"
                                                                        "," S2L2A
                                                                        ",'"
                                                                        "versio"
                                                                        "ns':["
                                                                        "'" MLM152
                                                                        "']}",
     2,
     {CLASSES_KEY, "norm_by_channel was removed in mlm v1.4.0"}},
    {"mlm 1.5.2 item_eo_and_raster_bands",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_eo_and_raster_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_BANDS,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'torch.save'") "," SOURCE("['code','metadata']") "]"
                                                                         "," S2L2A
                                                                         ",'"
                                                                         "versi"
                                                                         "ons':"
                                                                         "["
                                                                         "'" MLM152
                                                                         "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.5.2 item_eo_bands_summarized",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_eo_bands_summarized.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_BANDS,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'torch.save'") "," SOURCE("['code','metadata']") "]"
                                                                         "," S2L2A
                                                                         ",'"
                                                                         "versi"
                                                                         "ons':"
                                                                         "["
                                                                         "'" MLM152
                                                                         "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.5.2 item_raster_bands",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_raster_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_BANDS,
         "'$absent'") "],"
                      "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                          RESNET18_HREF,
                          "'torch.save'") "," SOURCE("['mlm:"
                                                     "source_"
                                                     "code',"
                                                     "'code','"
                                                     "metadata'"
                                                     "]") "]"
                                                          "," S2L2A ",'"
                                                          "versi"
                                                          "ons':"
                                                          "["
                                                          "'" MLM152 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.5.2 item_bands_expression",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_bands_expression.json",
     -1,
     "{" RESNET ",'inputs':[{'name':'RBG+NDVI Bands Sentinel-2 Batch',"
     "'bands':['B04','B03','B02','NDVI'],'band_expressions':[{'name':'NDVI',"
     "'format':'rio-calc','expression':'(B08 - B04) / (B08 + "
     "B04)'}],'shape':[-1,4,64,64],"
     "'dim_order':" DIMS_BANDS ",'data_type':'float32',"
     "'value_scaling':'$absent'}],'outputs':[{'name':'classification',"
     "'tasks':['segmentation','semantic-segmentation'],'shape':[-1,2],"
     "'dim_order':['batch','class'],'data_type':'float32',"
     "'classes':[{'value':1,'name':'vegetation'},"
     "{'value':0,'name':'background'}]}],'artifacts':[" WEIGHTS(
         "https://example.com/model-rgb-ndvi.pth",
         "'torch.save'") "]," S2L2A ",'versions':['" MLM152 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.5.2 item_multi_io",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_multi_io.json",
     -1,
     "{'name':'Resnet-18 Sentinel-2 ALL MOCO','architecture':'ResNet',"
     "'tasks':['classification'],'framework':'pytorch'," TORCHGEO_MORE ","
     "'inputs':[{'name':'RGB','bands':['B04','B03','B02'],"
     "'shape':[-1,3,64,64],'dim_order':" DIMS_BANDS ","
     "'data_type':'uint16','value_scaling':'$absent',"
     "'resize_type':'$absent','pre_processing_function':'$absent'},"
     "{'name':'NDVI','bands':['B04','B08'],'shape':[-1,1,64,64],"
     "'dim_order':" DIMS_BANDS ",'data_type':'uint16',"
     "'pre_processing_function':{'format':'gdal-calc',"
     "'expression':'(A - B) / (A + B)'}},"
     "{'name':'DEM','bands':[],'shape':[-1,1,64,64],"
     "'dim_order':['batch','h','y','x'],'data_type':'float32'}],"
     "'outputs':" MULTI_OUTPUTS ",'artifacts':[" WEIGHTS(
         RESNET50_HREF, "'torch.save'") "]," S2L2A ","
                                        "'versions':['" MLM152 "']}",
     2,
     {"mlm:output[0]: \"classification_classes\"",
      "mlm:output[1]: \"classification_classes\""}},
    {"mlm 1.5.2 item_datacube_variables",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_datacube_variables.json",
     -1,
     "{'name':'UNet ClimateDiffuse ERA5 Downscaling','architecture':'U-Net',"
     "'file_size':'$absent','publications':[{'doi':"
     "'10.48550/arXiv.2404.17752','citation':'Robbie A. Watt, Laura A. "
     "Mansfield, Generative Diffusion-based Downscaling for Climate'}],"
     "'tasks':['regression','downscaling'],'framework':'pytorch',"
     "'framework_version':'2.1.2+cu118','accelerator':'cuda',"
     "'accelerator_constrained':false,'accelerator_summary':'$absent',"
     "'pretrained_source':'$absent','batch_size_suggestion':'$absent',"
     "'total_parameters':'$absent','memory_size':'$absent',"
     "'bbox':[233.6,54.2,297.5,22.6],'datetime':'$absent',"
     "'start_datetime':'1940-01-01T00:00:00Z',"
     "'end_datetime':'2100-12-31T23:59:59Z',"
     "'inputs':[{'bands':'$absent','variables':['land_sea_mask',"
     "'geopotential','temperature_2m','10m_u_component_of_wind',"
     "'10m_v_component_of_wind'],'shape':[-1,5,128,256],"
     "'dim_order':['time','variables','lat','lon'],'data_type':'float32',"
     "'value_scaling':'$absent','resize_type':'$absent',"
     "'pre_processing_function':{'description':'Script that performs the "
     "relevant normalization and concatenation of variables for model "
     "input.','format':'uri','expression':{'href':'https://"
     "raw.githubusercontent.com/robbiewatt1/ClimateDiffuse/refs/heads/main/"
     "src/DatasetUS.py','type':'text/x-python'}}}],"
     "'outputs':[{'tasks':['regression','downscaling'],"
     "'variables':['temperature_2m','10m_u_component_of_wind',"
     "'10m_v_component_of_wind'],"
     "'shape':[-1,3,128,256],'dim_order':['time','variables','lat','lon'],"
     "'data_type':'float32','bands':'$absent','classes':'$absent'}],"
     "'artifacts':[{'key':'weights','href':'https://github.com/"
     "robbiewatt1/ClimateDiffuse/raw/refs/heads/main/Model_chpt/unet.pt',"
     "'type':'" PYTORCH_TYPE "','roles':['mlm:model','mlm:weights'],"
     "'artifact_type':'torch.save',"
     "'title':'U-Net Pytorch weights checkpoint','file_size':389657415},"
     "{'key':'model','href':'https://raw.githubusercontent.com/robbiewatt1/"
     "ClimateDiffuse/refs/heads/main/src/Network.py','type':'text/x-python',"
     "'roles':['mlm:source_code','code','metadata'],'entrypoint':'$absent'},"
     "{'key':'train-script','href':'https://raw.githubusercontent.com/"
     "robbiewatt1/ClimateDiffuse/refs/heads/main/src/TrainUnet.py',"
     "'roles':['mlm:training','code','metadata']},"
     "{'key':'inference-script','href':'https://raw.githubusercontent.com/"
     "robbiewatt1/ClimateDiffuse/refs/heads/main/src/Inference.py',"
     "'type':'text/"
     "x-python','roles':['mlm:inference','code','metadata']}]," NO_DATA
     ",'versions':['" MLM152 "']}",
     4,
     {"norm_by_channel was removed in mlm v1.4.0",
      "\"mlm:training\" is a suggested asset key",
      "\"mlm:inference\" is a suggested asset key",
      "\"inference-script\" is an asset written outside \"assets\""}},
    {"mlm 1.5.2 item_pytorch_geo_unet",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/item_pytorch_geo_unet.json",
     -1,
     "{'name':'U-Net_efficientnet-b3','architecture':"
     "'segmentation_models_pytorch.decoders.unet.model.Unet',"
     "'tasks':['semantic-segmentation'],"
     "'framework':'segmentation_models_pytorch.decoders.unet.model',"
     "'framework_version':'$absent','accelerator':'$absent',"
     "'total_parameters':13160978,'pretrained':true,'memory_size':'$absent',"
     "'accelerator_constrained':false,'pretrained_source':'$absent',"
     "'bbox':[-7.88,37.13,27.91,58.21],'datetime':'$absent',"
     "'start_datetime':'2015-06-23T00:00:00Z',"
     "'end_datetime':'2024-08-27T23:59:59Z',"
     "'inputs':[{'name':'model_input',"
     "'bands':['B4','B3','B2','B8','B4','B3','B2','B8'],"
     "'shape':[-1,8,3,3],'dim_order':" DIMS_BANDS ",'data_type':'float32',"
     "'value_scaling':[{'type':'z-score','mean':0,'stddev':3000}],"
     "'pre_processing_function':'$absent'}],"
     "'outputs':[{'name':'model_output','tasks':['semantic-segmentation'],"
     "'shape':[-1,2],'dim_order':['batch','classes'],'data_type':'float32',"
     "'bands':[],'variables':[],'classes':[{'value':0,'name':'class_0'},"
     "{'value':1,'name':'class_1'}],'post_processing_function':'$absent'}],"
     "'artifacts':[{'key':'model','href':'https://huggingface.co/torchgeo/"
     "ftw/resolve/d2fdab6ea9d9cd38b491292cc9a5c8642533cef5/noncommercial/"
     "2-class/sentinel2_unet_effb3-bf010a31.pth','type':'" PYTORCH_TYPE "',"
     "'roles':['mlm:model','mlm:weights','data'],"
     "'artifact_type':'torch.save'},"
     "{'key':'source_code','href':'https://github.com/qubvel-org/"
     "segmentation_models.pytorch','type':'text/html',"
     "'roles':['mlm:source_code','code'],'entrypoint':"
     "'segmentation_models_pytorch.decoders.unet.model.Unet'}]," NO_DATA ","
     "'versions':['" MLM152 "']}",
     /* mlm:entrypoint sits beside "properties", not on the asset */
     1,
     {"mlm:entrypoint belongs on the asset with the role code, not on the "
      "Item; read as the entrypoint of \"source_code\""}},
    {"mlm 1.5.2 collection",
     MODEL,
     NULL,
     "stac-extensions__mlm/examples/collection.json",
     -1,
     EXAMPLES_COLLECTION,
     1,
     {"uses the mlm extension without declaring it"}},

    /* ---- mlm v1.3.0 (crim-ca/mlm-extension) */
    {"mlm 1.3.0 item_basic",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_basic.json",
     -1,
     BASIC("'$absent'", MLM130),
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_eo_bands (norm_type, statistics)",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_eo_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'$absent'") "," SOURCE("['mlm:source_"
                                               "code',"
                                               "'code','metadata'"
                                               "]") "]," S2L2A ",'versions':"
                                                    "['" MLM130 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_eo_and_raster_bands",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_eo_and_raster_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'$absent'") "," SOURCE("['mlm:model','code',"
                                               "'metadata']") "]," S2L2A
                                                              ",'versions':["
                                                              "'" MLM130 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_eo_bands_summarized",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_eo_bands_summarized.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'$absent'") "," SOURCE("['mlm:model','code',"
                                               "'metadata']") "]," S2L2A
                                                              ",'versions':["
                                                              "'" MLM130 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_raster_bands",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_raster_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         "'$absent'") "],"
                      "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                          RESNET18_HREF,
                          "'$absent'") "," SOURCE("['mlm:source_code',"
                                                  "'code','metadata']") "]"
                                                                        "," S2L2A
                                                                        ",'"
                                                                        "versio"
                                                                        "ns':["
                                                                        "'" MLM130
                                                                        "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_bands_expression",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_bands_expression.json",
     -1,
     "{" RESNET ",'inputs':[{'name':'RBG+NDVI Bands Sentinel-2 Batch',"
     "'bands':['B04','B03','B02','NDVI'],'band_expressions':[{'name':'NDVI',"
     "'format':'rio-calc','expression':'(B08 - B04) / (B08 + "
     "B04)'}],'shape':[-1,13,64,64],"
     "'dim_order':" DIMS_CHANNEL ",'data_type':'float32',"
     "'value_scaling':'$absent'}],'outputs':[{'name':'classification',"
     "'tasks':['segmentation','semantic-segmentation'],'shape':[-1,10],"
     "'dim_order':['batch','class'],'data_type':'float32',"
     "'classes':[{'value':1,'name':'vegetation'},"
     "{'value':0,'name':'background'}]}],'artifacts':[" WEIGHTS(
         "https://example.com/model-rgb-ndvi.pth",
         "'$absent'") "]," S2L2A ",'versions':['" MLM130 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.3.0 item_multi_io",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/item_multi_io.json",
     -1,
     "{'name':'Resnet-18 Sentinel-2 ALL MOCO'," TORCHGEO_MORE ","
     "'inputs':[{'name':'RGB','bands':['B04','B03','B02'],"
     "'shape':[-1,3,64,64],'dim_order':" DIMS_CHANNEL ","
     "'data_type':'uint16','value_scaling':'$absent'},"
     "{'name':'NDVI','bands':['B04','B08'],'shape':[-1,1,64,64],"
     "'dim_order':['batch','ndvi','height','width'],'data_type':'uint16'},"
     "{'name':'DEM','bands':[],'shape':[-1,1,64,64],"
     "'dim_order':['batch','ndvi','height','width'],"
     "'data_type':'float32'}],"
     "'outputs':" MULTI_OUTPUTS ",'artifacts':[" WEIGHTS(
         RESNET50_HREF, "'$absent'") "]," S2L2A ","
                                     "'versions':['" MLM130 "']}",
     2,
     {CLASSES_KEY}},
    {"mlm 1.3.0 collection",
     MODEL,
     NULL,
     "crim-ca__mlm-extension/examples/collection.json",
     -1,
     EXAMPLES_COLLECTION,
     1,
     {"uses the mlm extension without declaring it"}},

    /* ---- mlm v1.0.0 (stac-extensions/mlm tag v1.0.0) */
    {"mlm 1.0.0 item_basic",
     MODEL,
     NULL,
     "stac-extensions__mlm__v1.0.0/examples/item_basic.json",
     -1,
     BASIC("'$absent'", MLM100),
     1,
     {CLASSES_KEY}},
    {"mlm 1.0.0 item_eo_bands (norm_type, statistics)",
     MODEL,
     NULL,
     "stac-extensions__mlm__v1.0.0/examples/item_eo_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         ZSCORE13) "],"
                   "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                       RESNET18_HREF,
                       "'$absent'") "," SOURCE("['mlm:model','code',"
                                               "'metadata']") "]," S2L2A
                                                              ",'versions':["
                                                              "'" MLM100 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.0.0 item_raster_bands",
     MODEL,
     NULL,
     "stac-extensions__mlm__v1.0.0/examples/item_raster_bands.json",
     -1,
     "{" RESNET ",'inputs':[" S2_INPUT(
         DIMS_CHANNEL,
         "'$absent'") "],"
                      "'outputs':[" CLASSIF_OUT "],'artifacts':[" WEIGHTS(
                          RESNET18_HREF,
                          "'$absent'") "," SOURCE("['mlm:model','code',"
                                                  "'metadata']") "]," S2L2A
                                                                 ",'versions':["
                                                                 "'" MLM100
                                                                 "']}",
     1,
     {CLASSES_KEY}},
    {"mlm 1.0.0 item_multi_io",
     MODEL,
     NULL,
     "stac-extensions__mlm__v1.0.0/examples/item_multi_io.json",
     -1,
     "{" RESNET ",'inputs':[{'name':'RGB','bands':['B04','B03','B02'],"
     "'shape':[-1,3,64,64],'dim_order':" DIMS_CHANNEL ","
     "'data_type':'uint16','value_scaling':'$absent'},"
     "{'name':'NDVI','bands':['B04','B08'],'shape':[-1,1,64,64],"
     "'dim_order':['batch','ndvi','height','width'],'data_type':'uint16'}],"
     "'outputs':" MULTI_OUTPUTS ",'artifacts':[" WEIGHTS(
         RESNET50_HREF, "'$absent'") "]," S2L2A ","
                                     "'versions':['" MLM100 "']}",
     2,
     {CLASSES_KEY}},
    {"mlm 1.0.0 collection",
     MODEL,
     NULL,
     "stac-extensions__mlm__v1.0.0/examples/collection.json",
     -1,
     EXAMPLES_COLLECTION,
     1,
     {"uses the mlm extension without declaring it"}},

    /* ---- tdml v1.0.0 and the label / ml-aoi / sci fields it relies on */
    {"tdml WHU collection",
     DATASET,
     NULL,
     "openrsgis__trainingdml-ai-extension/examples/WHU-building_Dataset/"
     "collection.json",
     -1,
     "{'tdml':true,'title':'WHU-Building Dataset-Building Change Detection "
     "Dataset','license':'CC BY-SA 4.0',"
     "'keywords':['rebuilt buildings','aerial images'],"
     "'bbox':[1560160,5176338.4,1566661.4,5179409.2],"
     "'start_datetime':'2011-02-01T00:00:00Z',"
     "'end_datetime':'2016-01-01T00:00:00Z','amount_of_training_data':1,"
     "'classification_schema':'$absent','image_sizes':[[32508],[15354]],"
     "'data_sources':['quickbird','wordlview series','ikonos','zy-3'],"
     "'scope':'$absent','provenance':'$absent','metrics':'$absent',"
     "'quality':{'type':'DataQuality','scope':{'level':'dataset',"
     "'level_description':{'dataset':'whu_building'}},'report':["
     "{'type':'FormatConsistency','measure':'Percentage of training "
     "samples with inconsistent image format','evaluation_method':'Full "
     "test method to calculate the percentage of training samples with "
     "inconsistent format','result':'0'},"
     "{'type':'CompletenessOmission','evaluation_method':'Full test method "
     "to calculate the percentage of training samples with missing "
     "labels'},{'type':'ThematicClassificationCorrectness'}]},"
     "'label_classes':[{'name':'building','classes':[1]}],"
     "'label_tasks':['change detection'],'split':'$absent',"
     "'doi':'10.1109/TGRS.2018.2858817.','version':'1.0',"
     "'bands':[{'name':'band1','common_name':'red',"
     "'center_wavelength':'$absent'},{'name':'band2','common_name':"
     "'green'},{'name':'band3','common_name':'blue'}],"
     "'label_type':'$absent','label_methods':'$absent',"
     "'label_overviews':'$absent',"
     "'providers':[{'name':'Wuhan University','roles':['licensor',"
     "'producer'],'url':'http://gpcv.whu.edu.cn/data/'}],"
     "'citation':'$absent',"
     "'versions':['" TDML "','" LABEL "','" EO110 "']}",
     8,
     {"extent.spatial.bbox[0] is not in degrees of longitude and latitude",
      "\"tdml:image_size\" read as \"tdml:image_sizes\"",
      "tdml:image_sizes should be an array, not a string holding one",
      "\"levelDescription\" read as \"level_description\"",
      "\"evaluationMethod\" read as \"evaluation_method\"",
      "label:classes classes should be an array, not a number",
      "label:tasks should be an array of strings, not a string",
      "\"properties\" object of a Collection"}},
    {"tdml WHU item",
     DATASET,
     NULL,
     "openrsgis__trainingdml-ai-extension/examples/WHU-building_Dataset/"
     "item.json",
     -1,
     "{'tdml':true,'title':'$absent','version':'$absent',"
     "'bbox':[1560160,5176338.4,1566661.4,5179409.2],"
     "'start_datetime':'2012-01-01T00:00:00.000Z',"
     "'end_datetime':'2016-01-01T00:00:00.000Z',"
     "'amount_of_training_data':'$absent',"
     "'label_classes':[{'name':'building','classes':[1]}],"
     "'label_tasks':['change detection'],'split':'train','doi':'$absent',"
     "'versions':['" TDML "','" MLAOI "','" LABEL "']}",
     4,
     {"bbox is not in degrees of longitude and latitude",
      "\"end_datatime\" read as \"end_datetime\"",
      "label:classes classes should be an array, not a number",
      "label:tasks should be an array of strings, not a string"}},
    {"tdml DOTA item 0000",
     DATASET,
     NULL,
     "openrsgis__trainingdml-ai-extension/examples/DOTA-1.5_Dataset/"
     "dota_1.5_trainingdata_0000.json",
     -1,
     "{'tdml':true,'bbox':[-180.0,-90.0,180.0,90.0],"
     "'start_datetime':'2019-01-01T00:00:00.000Z',"
     "'end_datetime':'2019-01-01T00:00:00.000Z',"
     "'label_classes':[{'name':'Small Vehicle','classes':[1]},"
     "{'name':'Large Vehicle','classes':[2]},"
     "{'name':'Plane','classes':[3]}],'label_tasks':['object-detection'],"
     "'split':'train','versions':['" TDML "','" MLAOI "']}",
     4,
     {"\"label:class\" read as \"label:classes\"",
      "\"class\" read as \"classes\"",
      "label:classes classes should be an array, not a number",
      "label:tasks should be an array of strings, not a string"}},
    {"tdml DOTA item 1228",
     DATASET,
     NULL,
     "openrsgis__trainingdml-ai-extension/examples/DOTA-1.5_Dataset/"
     "dota_1.5_trainingdata_1228.json",
     -1,
     "{'tdml':true,'label_classes':[{'name':'Ship','classes':[5]},"
     "{'name':'Bridge','classes':[14]},"
     "{'name':'container-crane','classes':[16]}],"
     "'label_tasks':['object-detection'],'split':'train',"
     "'versions':['" TDML "','" MLAOI "','" LABEL "']}",
     4,
     {"\"label:class\" read as \"label:classes\""}},
    /* Training data without tdml: still a dataset, tdml false. */
    {"ml-aoi EuroSAT train collection",
     DATASET,
     NULL,
     "stac-extensions__ml-aoi/examples/collection_EuroSAT-subset-train.json",
     -1,
     "{'tdml':false,'title':'EuroSAT subset train','license':'MIT',"
     "'bbox':" EU_BBOX ",'start_datetime':'2015-06-27T10:25:31.456Z',"
     "'end_datetime':'2017-06-14T00:00:00Z','split':'train',"
     "'doi':'10.1109/JSTARS.2019.2918242','label_classes':[],"
     "'citation':'Eurosat: A novel dataset and deep learning benchmark for "
     "land use and land cover classification. Patrick Helber, Benjamin "
     "Bischke, Andreas Dengel, Damian Borth. IEEE Journal of Selected Topics "
     "in Applied Earth Observations and Remote Sensing, 2019.',"
     "'providers':'$absent','label_properties':'$absent',"
     "'label_sources':'$absent','publications':[{'doi':"
     "'10.1109/IGARSS.2018.8519248','citation':'Introducing EuroSAT: A "
     "Novel Dataset and Deep Learning Benchmark for Land Use and Land Cover "
     "Classification. Patrick Helber, Benjamin Bischke, Andreas Dengel. "
     "2018 IEEE International Geoscience and Remote Sensing Symposium, "
     "2018.'}],"
     "'bands':[{'name':'B01','common_name':'coastal','center_wavelength':"
     "0.4439,'full_width_half_max':'$absent'},{'name':'B02',"
     "'common_name':'blue','center_wavelength':0.4966},'...13'],"
     "'label_tasks':[],'versions':['" EO110 "',"
     "'https://stac-extensions.github.io/ml-aoi/v0.2.0/schema.json',"
     "'https://stac-extensions.github.io/scientific/v1.0.0/schema.json',"
     "'" VERSION100 "']}",
     0,
     {NULL}},
    {"ml-aoi EuroSAT sample item",
     DATASET,
     NULL,
     "stac-extensions__ml-aoi/examples/"
     "item_EuroSAT-subset-train-sample-42-class-Residential.geojson",
     -1,
     "{'tdml':false,'title':'EuroSAT subset train sample 42 class "
     "Residential','license':'MIT',"
     "'start_datetime':'2023-12-19T16:11:19.208953+00:00',"
     "'end_datetime':'2023-12-19T16:11:19.208953+00:00',"
     "'label_classes':[{'name':'class','classes':['Residential','7']}],"
     "'label_tasks':['segmentation','classification'],'split':'train',"
     "'label_type':'vector','label_methods':['manual'],"
     "'label_description':'Land-cover area classification on Sentinel-2 "
     "image.','label_properties':['class'],'label_sources':[{'url':"
     "'https://raw.githubusercontent.com/ai-extensions/stac-data-loader/"
     "0.5.0/data/EuroSAT/data/subset/ds/images/remote_sensing/"
     "otherDatasets/sentinel_2/tif/Residential/Residential_1331.tif',"
     "'assets':['labels','raster'],'role':'label'}],"
     "'label_overviews':[{'property_key':'class','counts':["
     "{'name':'Residential','count':1}],'statistics':'$absent'}],"
     "'bands':[{'name':'B01','common_name':'coastal','center_wavelength':"
     "0.4439,'full_width_half_max':'$absent'},{'name':'B02',"
     "'common_name':'blue','center_wavelength':0.4966},'...13'],"
     "'versions':['" EO110 "','" LABEL "',"
     "'https://stac-extensions.github.io/ml-aoi/v0.2.0/"
     "schema.json','" VERSION100 "']}",
     0,
     {NULL}},
    {"label zanzibar item",
     DATASET,
     NULL,
     "stac-extensions__label/examples/multidataset/zanzibar/znz001.json",
     -1,
     "{'tdml':false,'license':'CC-BY-4.0','version':'1',"
     "'label_type':'vector','label_methods':['manual'],"
     "'label_description':'building footprints manually  labeled and "
     "classified according to building completion status',"
     "'label_overviews':[{'property_key':'building','counts':[{'name':"
     "'yes','count':4440}]}],'bands':'$absent',"
     "'label_properties':['building','condition'],'label_sources':[{"
     "'url':'https://oin-hotosm.s3.amazonaws.com/5afeda152b6a08001185f11a/"
     "0/5afeda152b6a08001185f11b.tif','assets':['building'],"
     "'role':'$absent'}],"
     "'start_datetime':'2019-04-23T00:00:00Z',"
     "'label_classes':[{'name':'building','classes':['yes']},"
     "{'name':'condition','classes':['Complete','Incomplete',"
     "'Foundation']}],'label_tasks':['segmentation'],'split':'$absent',"
     "'versions':['" LABEL "','" VERSION100 "']}",
     0,
     {NULL}},
};

static void test_corpus(void)
{
    const char *shared = check_shared_dir();
    char path[8192], url[8192]; /* shared is up to 4096 bytes */
    size_t n = sizeof(corpus_cases) / sizeof(corpus_cases[0]);

    if (!shared) {
        fprintf(stderr,
                "test-model: shared examples not found; %zu corpus "
                "cases skipped (inline cases still run)\n",
                n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct model_case *c = &corpus_cases[i];
        json_error_t err;
        json_t *doc;
        size_t len;
        char *text;

        snprintf(path, sizeof(path), "%s/stac-examples/%s", shared, c->file);
        snprintf(url, sizeof(url), "https://examples.test/%s", c->file);
        text = check_read_file(path, &len);
        CHECK_CASE(c->name, text != NULL);
        doc = text ? json_loadb(text, len, 0, &err) : NULL;
        CHECK_CASE(c->name, doc != NULL);
        if (doc)
            run_case(c, doc, url);
        json_decref(doc);
        free(text);
    }
    for (size_t i = 0; i < sizeof(invalid_files) / sizeof(invalid_files[0]);
         i++) {
        json_error_t err;
        size_t len;
        char *text;
        json_t *doc;

        snprintf(path, sizeof(path), "%s/stac-examples/%s", shared,
                 invalid_files[i]);
        text = check_read_file(path, &len);
        doc = text ? json_loadb(text, len, 0, &err) : NULL;
        CHECK_CASE(invalid_files[i], text && !doc);
        json_decref(doc);
        free(text);
    }
    fprintf(stderr, "test-model: %zu example files checked field by field\n",
            n);
}

/* ------------------------------------------------------------ inline */

#define MLM14 "'https://stac-extensions.github.io/mlm/v1.4.0/schema.json'"
#define MLM12 "'https://crim-ca.github.io/mlm-extension/v1.2.0/schema.json'"
#define DLM3                                                                   \
    "'https://schemas.stacspec.org/v1.0.0-beta.3/extensions/dl-model/"         \
    "json-schema/schema.json'"
#define ITEM(exts, props, rest)                                                \
    "{'type':'Feature','stac_version':'1.0.0','id':'m','stac_extensions':"     \
    "[" exts "],'properties':{" props "}" rest "}"
/* A complete mlm v1.4 Item but for what a case adds. */
#define MLM_OK                                                                 \
    "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['classification'],"    \
    "'mlm:input':[],'mlm:output':[]"
#define MODEL_ASSET                                                            \
    "'model':{'href':'m.pt','roles':['mlm:model'],"                            \
    "'mlm:artifact_type':'torch.save'}"

static const struct model_case inline_cases[] = {
    {"numeric id (dlm beta2) becomes the name",
     MODEL,
     "{'type':'Feature','id':11234,'stac_extensions':['dl-model'],"
     "'properties':{'dlm:outputs':{'task':'semantic segmentation'}}}",
     NULL,
     -1,
     "{'name':'11234','tasks':['semantic-segmentation'],"
     "'versions':['dl-model']}",
     4,
     {"dlm:inputs is required by dlm but missing"}},
    {"id of another type: reported, and no name made of it",
     MODEL,
     "{'type':'Feature','stac_version':'1.0.0','id':{'a':1},"
     "'stac_extensions':[" MLM14 "],'properties':{" MLM_OK "},"
     "'assets':{" MODEL_ASSET "}}",
     NULL,
     -1,
     "{'name':'n'}",
     1,
     {"id should be a string, not an object; ignored"}},
    {"empty id: reported",
     MODEL,
     "{'type':'Feature','stac_version':'1.0.0','id':'',"
     "'stac_extensions':[" MLM14 "],'properties':{" MLM_OK "},"
     "'assets':{" MODEL_ASSET "}}",
     NULL,
     -1,
     "{'name':'n'}",
     1,
     {"id is empty, where STAC requires one"}},
    {"no id: reported",
     MODEL,
     "{'type':'Feature','stac_version':'1.0.0',"
     "'stac_extensions':[" MLM14 "],'properties':{" MLM_OK "},"
     "'assets':{" MODEL_ASSET "}}",
     NULL,
     -1,
     "{'name':'n'}",
     1,
     {"no id, where STAC requires one"}},
    {"dataset without an id: reported",
     DATASET,
     "{'type':'Collection','title':'t'}",
     NULL,
     -1,
     "{'title':'t'}",
     1,
     {"no id, where STAC requires one"}},
    {"dataset id of another type: reported",
     DATASET,
     "{'type':'Collection','id':['c'],'title':'t'}",
     NULL,
     -1,
     "{'title':'t'}",
     1,
     {"id should be a string, not an array; ignored"}},
    {"real id as shortest text",
     MODEL,
     "{'id':1.5}",
     NULL,
     EXT_MLM,
     "{'name':'1.5'}",
     -1,
     {NULL}},
    {"mlm:name wins over title and id",
     MODEL,
     ITEM(MLM14, MLM_OK ",'title':'T'", ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'name':'n','title':'T'}",
     0,
     {NULL}},
    {"artifact title and file:size",
     MODEL,
     ITEM(MLM14, MLM_OK,
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','title':'Weights',"
          "'description':'Long prose about the weights','file:size':1024},"
          "'code':{'href':'c.py','roles':['mlm:source_code'],"
          "'title':'   ','file:size':'2048'}}"),
     NULL,
     -1,
     "{'artifacts':[{'key':'model','title':'Weights','file_size':1024,"
     "'description':'$absent'},{'key':'code','title':'   ',"
     "'file_size':2048}]}",
     1,
     {"asset \"code\" file:size should be an integer, not a string; read "
      "as one"}},
    {"artifact title and file:size of wrong types",
     MODEL,
     ITEM(MLM14, MLM_OK,
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','title':['W'],'file:size':-5},"
          "'code':{'href':'c.py','roles':['mlm:source_code'],'title':7,"
          "'file:size':{'bytes':1}},"
          "'more':{'href':'d.py','roles':['mlm:source_code'],"
          "'file:size':1.5,'title':null}}"),
     NULL,
     -1,
     "{'artifacts':[{'key':'model','title':'$absent','file_size':'$absent'},"
     "{'key':'code','title':'7','file_size':'$absent'},"
     "{'key':'more','title':'$absent','file_size':'$absent'}]}",
     5,
     {"asset \"model\" title should be a string, not an array; ignored",
      "asset \"model\" file:size should be at least 0, not -5; ignored",
      "asset \"code\" title should be a string, not a number; read as text",
      "asset \"code\" file:size should be an integer, not an object; "
      "ignored",
      "asset \"more\" file:size should be an integer, not a number; "
      "ignored"}},
    {"doi, citation and providers of a model Item",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'sci:doi':'10.1/x','sci:citation':'A. Author (2024).',"
                 "'providers':[{'name':'Lab','roles':['producer','host'],"
                 "'url':'https://lab.test/','description':'prose',"
                 "'email':'a@lab.test'}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'doi':'10.1/x','citation':'A. Author (2024).',"
     "'providers':[{'name':'Lab','roles':['producer','host'],"
     "'url':'https://lab.test/','description':'$absent',"
     "'email':'$absent'}]}",
     0,
     {NULL}},
    {"doi, citation and providers of wrong types",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'sci:doi':1234,'sci:citation':['A.'],"
                 "'providers':['Lab',{'roles':['producer']},{'name':null},"
                 "{'name':'Org','roles':'host','url':5}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'doi':'1234','citation':'$absent',"
     "'providers':[{'name':'Org','roles':['host'],'url':'5'}]}",
     6, /* the two entries without a name give one line */
     {"sci:doi should be a string, not a number; read as text",
      "sci:citation should be a string, not an array; ignored",
      "providers should hold objects only; a string ignored",
      "providers entries need a name; one ignored",
      "providers roles should be an array of strings, not a string; read "
      "as one",
      "providers url should be a string, not a number; read as text"}},
    {"providers as a lone object, and not a list at all",
     MODEL,
     ITEM(MLM14, MLM_OK ",'providers':{'name':'Lab'}",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'providers':[{'name':'Lab','roles':'$absent','url':'$absent'}]}",
     1,
     {"providers should be an array, not an object; read as one"}},
    {"providers of a Collection and sci fields in its summaries",
     DATASET,
     "{'type':'Collection','id':'d','providers':'Lab',"
     "'summaries':{'sci:doi':['10.2/y'],'sci:citation':['B. Author.']}}",
     NULL,
     -1,
     "{'doi':'10.2/y','citation':'B. Author.','providers':'$absent'}",
     1,
     {"providers should be an array, not a string; ignored"}},
    {"sci:publications and file:size of a model Item",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'file:size':'4096','sci:publications':[{'doi':'10.3/z',"
                 "'citation':'C. Author.'},{'sci:doi':'10.4/w'},{},7]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'file_size':4096,'publications':[{'doi':'10.3/z','citation':"
     "'C. Author.'},{'doi':'10.4/w','citation':'$absent'}],"
     "'artifacts':[{'key':'model','file_size':4096}]}",
     4,
     {"file:size should be an integer, not a string; read as one",
      "sci:publications entry: \"sci:doi\" read as \"doi\"",
      "sci:publications entries need a doi or a citation; one ignored",
      "sci:publications should hold objects only; a number ignored"}},
    {"the Item file:size is the size of the first mlm:model asset only",
     MODEL,
     ITEM(MLM14, MLM_OK ",'file:size':4096",
          ",'assets':{'code':{'href':'c.py','roles':['code']},"
          "'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save'},"
          "'model2':{'href':'n.py','roles':['mlm:model','code'],"
          "'mlm:artifact_type':'torch.save'}}"),
     NULL,
     -1,
     "{'file_size':4096,'artifacts':[{'key':'code','file_size':'$absent'},"
     "{'key':'model','file_size':4096},{'key':'model2','file_size':'$absent'}]"
     "}",
     0,
     {NULL}},
    {"the model asset's own file:size wins over the Item's, even a bad one",
     MODEL,
     ITEM(MLM14, MLM_OK ",'file:size':4096",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','file:size':10}}"),
     NULL,
     -1,
     "{'file_size':4096,'artifacts':[{'key':'model','file_size':10}]}",
     0,
     {NULL}},
    {"a bad file:size of the model asset is not replaced by the Item's",
     MODEL,
     ITEM(MLM14, MLM_OK ",'file:size':4096",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','file:size':-5}}"),
     NULL,
     -1,
     "{'file_size':4096,'artifacts':[{'key':'model','file_size':'$absent'}]}",
     1,
     {"asset \"model\" file:size should be at least 0, not -5; ignored"}},
    {"a Collection's file:size is not given to its model asset",
     MODEL,
     "{'type':'Collection','stac_version':'1.0.0','id':'c','stac_extensions':"
     "[" MLM14 "],'description':'d','license':'MIT','extent':{},"
     "'file:size':4096," MLM_OK ",'assets':{" MODEL_ASSET "}}",
     NULL,
     -1,
     "{'file_size':4096,'artifacts':[{'key':'model','file_size':'$absent'}]}",
     -1,
     {NULL}},
    {"sci:publications as a lone object; a negative file:size",
     MODEL,
     ITEM(MLM14, MLM_OK ",'file:size':-1,'sci:publications':{'citation':'D.'}",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'file_size':'$absent','publications':[{'citation':'D.'}]}",
     2,
     {"file:size should be at least 0, not -1; ignored",
      "sci:publications should be an array, not an object; read as one"}},
    {"sci:publications of a dataset Collection, from summaries",
     DATASET,
     "{'type':'Collection','id':'d','summaries':{'sci:publications':["
     "{'doi':'10.5/a'},{'doi':'10.6/b','citation':'E.'}]}}",
     NULL,
     -1,
     "{'publications':[{'doi':'10.5/a'},{'doi':'10.6/b','citation':'E.'}],"
     "'file_size':'$absent'}",
     0,
     {NULL}},
    {"label properties and source links",
     DATASET,
     "{'type':'Feature','id':'l','stac_extensions':['" LABEL "'],"
     "'properties':{'label:properties':['road_type','paved']},"
     "'links':[{'rel':'source','href':'../img/s.json','label:assets':"
     "['labels']},{'rel':'source','href':'t.json'},"
     "{'rel':'derived_from','href':'u.json'}]}",
     NULL,
     -1,
     "{'label_properties':['road_type','paved'],'label_sources':["
     "{'url':'https://x.test/img/s.json','assets':['labels']},"
     "{'url':'https://x.test/a/t.json','assets':'$absent'}]}",
     0,
     {NULL}},
    {"ml-aoi:role of source links: label, feature, other text, wrong type",
     DATASET,
     "{'type':'Feature','id':'l','stac_extensions':['" LABEL "'],"
     "'properties':{'label:properties':['class']},"
     "'links':[{'rel':'source','href':'a.tif','ml-aoi:role':'label'},"
     "{'rel':'source','href':'b.tif','ml-aoi:role':'feature'},"
     "{'rel':'source','href':'c.tif','ml-aoi:role':'Label'},"
     "{'rel':'source','href':'d.tif','ml-aoi:role':['label']},"
     "{'rel':'source','href':'e.tif','ml-aoi:role':null},"
     "{'rel':'derived_from','href':'f.tif','ml-aoi:role':'feature'}]}",
     NULL,
     -1,
     "{'label_sources':[{'url':'https://x.test/a/a.tif','role':'label'},"
     "{'url':'https://x.test/a/b.tif','role':'feature'},"
     "{'url':'https://x.test/a/c.tif','role':'Label'},"
     "{'url':'https://x.test/a/d.tif','role':'$absent'},"
     "{'url':'https://x.test/a/e.tif','role':'$absent'},'...5']}",
     2,
     {"source link ml-aoi:role \"Label\" should be label or feature; kept "
      "as given",
      "source link ml-aoi:role should be a string, not an array; ignored"}},
    {"label properties null; label:assets of a wrong type",
     DATASET,
     "{'type':'Feature','id':'l','properties':{'label:properties':null,"
     "'label:type':'raster'},'links':[{'rel':'source','href':'s.json',"
     "'label:assets':'labels'}]}",
     NULL,
     -1,
     "{'label_properties':'$absent','label_sources':[{'url':"
     "'https://x.test/a/s.json','assets':['labels']}]}",
     1,
     {"source link label:assets should be an array of strings, not a "
      "string; read as one"}},
    {"label:properties as a lone string",
     DATASET,
     "{'type':'Feature','id':'d','properties':{'label:properties':"
     "'class'},'links':[{'rel':'source','href':'s.json'}]}",
     NULL,
     -1,
     "{'label_properties':['class'],'label_sources':[{'url':"
     "'https://x.test/a/s.json'}]}",
     1,
     {"label:properties should be an array of strings, not a string; "
      "read as one"}},
    {"a dataset without label: no label_sources",
     DATASET,
     "{'type':'Feature','id':'d','properties':{'ml-aoi:split':'train'},"
     "'links':[{'rel':'source','href':'s.json'}]}",
     NULL,
     -1,
     "{'label_properties':'$absent','label_sources':'$absent'}",
     0,
     {NULL}},
    {"dataset versions: the extensions of its fields, not file or raster",
     DATASET,
     "{'type':'Feature','id':'d','stac_extensions':['eo','file',"
     "'https://stac-extensions.github.io/file/v2.1.0/schema.json',"
     "'https://stac-extensions.github.io/raster/v1.1.0/schema.json',"
     "'https://x.test/geo/v1.0.0/schema.json','version','scientific',"
     "'https://stac-extensions.github.io/eo/v2.0.0/schema.json'],"
     "'properties':{}}",
     NULL,
     -1,
     "{'versions':['eo','version','scientific',"
     "'https://stac-extensions.github.io/eo/v2.0.0/schema.json']}",
     0,
     {NULL}},
    {"label type, methods, description and overviews",
     DATASET,
     "{'type':'Feature','id':'l','properties':{'label:type':'raster',"
     "'label:methods':['manual','automated'],'label:description':'roads',"
     "'label:overviews':[{'property_key':'kind','counts':["
     "{'name':'a','count':3},{'name':'b','count':0}]},"
     "{'property_key':'height','statistics':[{'name':'mean',"
     "'value':2.5}]}]}}",
     NULL,
     -1,
     "{'label_type':'raster','label_methods':['manual','automated'],"
     "'label_description':'roads','label_overviews':["
     "{'property_key':'kind','counts':[{'name':'a','count':3},"
     "{'name':'b','count':0}],'statistics':'$absent'},"
     "{'property_key':'height','counts':'$absent','statistics':["
     "{'name':'mean','value':2.5}]}]}",
     0,
     {NULL}},
    {"label fields of wrong types",
     DATASET,
     "{'type':'Feature','id':'l','properties':{'label:type':'polygon',"
     "'label:methods':'manual','label:description':7,"
     "'label:overviews':[3,{'property_key':1,'counts':[{'name':'a',"
     "'count':'5'},{'name':'b','count':-1},'c'],'statistics':{'mean':1}},"
     "{'statistics':[{'name':'max','value':'x'}]}]}}",
     NULL,
     -1,
     "{'label_type':'polygon','label_methods':['manual'],"
     "'label_description':'7','label_overviews':["
     "{'property_key':'1','counts':[{'name':'a','count':5},{'name':'b'}],"
     "'statistics':'$absent'},{'statistics':[{'name':'max'}]}]}",
     10,
     {"label:type \"polygon\" should be vector or raster; kept as given",
      "label:methods should be an array of strings, not a string; read as "
      "one",
      "label:description should be a string, not a number; read as text",
      "label:overviews should hold objects only; a number ignored",
      "label:overviews property_key should be a string, not a number",
      "label:overviews counts count should be an integer, not a string; "
      "read as one",
      "label:overviews counts count should be at least 0, not -1",
      "label:overviews counts should hold objects only; a string ignored"}},
    {"label:overviews and eo:bands that are no arrays",
     DATASET,
     "{'type':'Feature','id':'l','properties':{'label:overviews':{'a':1},"
     "'eo:bands':'B01'}}",
     NULL,
     -1,
     "{'label_overviews':'$absent','bands':'$absent'}",
     2,
     {"label:overviews should be an array, not an object; ignored",
      "eo:bands should be an array, not a string; ignored"}},
    /* The DOTA-1.5 tdml Collection gives its counts as one overview
     * object, not a list of them (and with no property_key). */
    {"label:overviews as one overview object (tdml DOTA example)",
     DATASET,
     "{'type':'Collection','id':'dota','properties':{'label:overviews':"
     "{'counts':[{'name':'harbor','count':8118},{'name':'bridge',"
     "'count':2541}]}}}",
     NULL,
     -1,
     "{'label_overviews':[{'property_key':'$absent','counts':["
     "{'name':'harbor','count':8118},{'name':'bridge','count':2541}]}]}",
     2,
     {"label:overviews should be an array, not an object; read as one",
      "\"properties\" object of a Collection"}},
    /* Summaries hold a field's values as a list; an object-valued field
     * given as one object there is read as given, as dlm's are. */
    {"tdml objects in summaries, listed or as one object",
     DATASET,
     "{'type':'Collection','id':'s','summaries':{'tdml:scope':{'level':"
     "'dataset','levelDescription':{'dataset':'s'}},'tdml:quality':[{"
     "'type':'DataQuality','scope':{'level':'dataset'}}],"
     "'tdml:provenance':{'labeler_names':['n'],'scope':{'level':"
     "'dataset'}}}}",
     NULL,
     -1,
     "{'tdml':true,'scope':{'level':'dataset','level_description':"
     "{'dataset':'s'}},'quality':{'type':'DataQuality','scope':{'level':"
     "'dataset'}},'provenance':{'labeler_names':['n'],'scope':{'level':"
     "'dataset'}}}",
     1,
     {"tdml:scope: \"levelDescription\" read as \"level_description\""}},
    {"STAC 1.1 bands of a dataset, and bad band entries",
     DATASET,
     "{'type':'Feature','id':'l','properties':{'bands':[{'name':'B04',"
     "'eo:common_name':'red','eo:center_wavelength':0.665},'B05',{},"
     "{'name':'B08','eo:center_wavelength':'0.842','common_name':'x'}]}}",
     NULL,
     -1,
     "{'bands':[{'name':'B04','common_name':'red',"
     "'center_wavelength':0.665},{'name':'B08','common_name':'$absent',"
     "'center_wavelength':0.842}]}",
     2,
     {"bands should hold objects only; a string ignored",
      "bands eo:center_wavelength should be a number, not a string; read "
      "as one"}},
    {"title when no mlm:name",
     MODEL,
     ITEM("", "'title':'T'", ""),
     NULL,
     EXT_MLM,
     "{'name':'T'}",
     -1,
     {NULL}},
    {"classification:classes and classification_classes",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['c'],"
          "'mlm:input':[],'mlm:output':["
          "{'name':'a','tasks':['classification'],'result':{'shape':[1]},"
          "'classification:classes':[{'value':1,'name':'x'}]},"
          "{'name':'b','tasks':['classification'],'result':{'shape':[2]},"
          "'classification_classes':[{'value':2,'name':'y'}]}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'outputs':[{'name':'a','shape':[1],'classes':[{'value':1,'name':'x'}]},"
     "{'name':'b','shape':[2],'classes':[{'value':2,'name':'y'}]}]}",
     1,
     {"mlm:output[1]: \"classification_classes\" read as"}},
    {"dlm class_name_mapping as an object",
     MODEL,
     ITEM(DLM3,
          "'dlm:outputs':{'task':'object segmentation',"
          "'class_name_mapping':{'I_0':'bg','I_1':'house','x':'odd'}}",
          ""),
     NULL,
     EXT_DLM,
     "{'tasks':['instance-segmentation'],'outputs':[{'tasks':"
     "['instance-segmentation'],'classes':[{'value':0,'name':'bg'},"
     "{'value':1,'name':'house'},{'value':'$absent','name':'odd'}]}]}",
     -1,
     {"key \"x\" is not a class index"}},
    {"dlm class_name_mapping as a list of {index, class_name}",
     MODEL,
     ITEM(DLM3,
          "'dlm:outputs':{'task':'classification','class_name_mapping':["
          "{'index':0,'class_name':'a'},{'index':1,'class_name':'b'}]}",
          ""),
     NULL,
     EXT_DLM,
     "{'outputs':[{'classes':[{'value':0,'name':'a'},"
     "{'value':1,'name':'b'}]}]}",
     -1,
     {NULL}},
    {"dlm class_name_mapping as a list of maps",
     MODEL,
     ITEM(DLM3,
          "'dlm:outputs':{'task':'classification','class_name_mapping':["
          "{'0':'a'},{'I_1':'b'}]}",
          ""),
     NULL,
     EXT_DLM,
     "{'outputs':[{'classes':[{'value':0,'name':'a'},"
     "{'value':1,'name':'b'}]}]}",
     -1,
     {NULL}},
    {"mlm shapes: -1 and 0 kept, a size below -1 refuses the shape",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['regression'],"
          "'mlm:input':[{'name':'i','input':{'shape':[-1,0,64],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}},"
          "{'name':'j','input':{'shape':[-1,-3,64],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}}],"
          "'mlm:output':[{'name':'o','tasks':['regression'],"
          "'result':{'shape':[-2,1],'dim_order':['batch','value'],"
          "'data_type':'float32'}}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'i','shape':[-1,0,64]},"
     "{'name':'j','shape':'$absent','dim_order':['batch','bands','width']}],"
     "'outputs':[{'name':'o','shape':'$absent','data_type':'float32'}]}",
     2,
     {"mlm:input[1] input.shape should hold sizes of at least -1 (any "
      "size), not -3; ignored",
      "mlm:output[0] result.shape should hold sizes of at least -1 (any "
      "size), not -2; ignored"}},
    {"mlm shapes: a size below -1 given as text gives one issue",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['regression'],"
          "'mlm:input':[{'name':'i','input':{'shape':['-2',1.0],"
          "'dim_order':['batch','bands'],'data_type':'uint8'}}],"
          "'mlm:output':[]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'i','shape':'$absent'}]}",
     1,
     {"mlm:input[0] input.shape should hold sizes of at least -1 (any "
      "size), not \"-2\"; ignored"}},
    {"mlm shapes: an entry that is no integer refuses the whole shape",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['regression'],"
          "'mlm:input':[{'name':'i','input':{'shape':[-1,'x',64],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}},"
          "{'name':'j','input':{'shape':[-1,2.5,64],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}},"
          "{'name':'k','input':{'shape':['4',2.0,null],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}},"
          "{'name':'l','input':{'shape':['4',2.0,8],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}}],"
          "'mlm:output':[{'name':'o','tasks':['regression'],"
          "'result':{'shape':[1,{'n':1}],'dim_order':['batch','value'],"
          "'data_type':'float32'}}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'i','shape':'$absent',"
     "'dim_order':['batch','bands','width']},"
     "{'name':'j','shape':'$absent'},{'name':'k','shape':'$absent'},"
     "{'name':'l','shape':[4,2,8]}],"
     "'outputs':[{'name':'o','shape':'$absent','data_type':'float32'}]}",
     6,
     {"mlm:input[0] input.shape should hold integer sizes, not \"x\"; "
      "ignored",
      "mlm:input[1] input.shape should hold integer sizes, not 2.5; ignored",
      "mlm:input[2] input.shape should hold integer sizes, not null; ignored",
      "mlm:input[3] input.shape should be an integer, not a string; read",
      "mlm:input[3] input.shape should be an integer; read 2 as one",
      "mlm:output[0] result.shape should hold integer sizes, not an object; "
      "ignored"}},
    {"mlm dim_order: an entry that is no name refuses the whole dim_order",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['regression'],"
          "'mlm:input':[{'name':'i','input':{'shape':[-1,3,64],"
          "'dim_order':['batch',3,'width'],'data_type':'uint8'}},"
          "{'name':'j','input':{'shape':[-1,3,64],"
          "'dim_order':['batch','','width'],'data_type':'uint8'}},"
          "{'name':'k','input':{'shape':[-1,3,64],"
          "'dim_order':['batch',null,7],'data_type':'uint8'}},"
          "{'name':'l','input':{'shape':[-1,3,64],"
          "'dim_order':['batch','bands','width'],'data_type':'uint8'}}],"
          "'mlm:output':[{'name':'o','tasks':['regression'],"
          "'result':{'shape':[1,1],'dim_order':[{'n':1},'value'],"
          "'data_type':'float32'}}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'i','shape':[-1,3,64],'dim_order':'$absent'},"
     "{'name':'j','shape':[-1,3,64],'dim_order':'$absent'},"
     "{'name':'k','shape':[-1,3,64],'dim_order':'$absent'},"
     "{'name':'l','dim_order':['batch','bands','width']}],"
     "'outputs':[{'name':'o','shape':[1,1],'dim_order':'$absent'}]}",
     4,
     {"mlm:input[0] input.dim_order should hold dimension names, not 3; "
      "ignored",
      "mlm:input[1] input.dim_order should hold dimension names, not \"\"; "
      "ignored",
      "mlm:input[2] input.dim_order should hold dimension names, not null; "
      "ignored",
      "mlm:output[0] result.dim_order should hold dimension names, not an "
      "object; ignored"}},
    {"mlm 1.2 norm_type min-max with statistics",
     MODEL,
     ITEM(MLM12,
          "'mlm:input':[{'name':'i','bands':['r','g'],"
          "'input':{'shape':[1,2],'dim_order':['batch','bands'],"
          "'data_type':'uint8'},'norm_by_channel':true,"
          "'norm_type':'min-max','statistics':[{'minimum':0,'maximum':255},"
          "{'minimum':1,'maximum':4095}]}]",
          ""),
     NULL,
     EXT_MLM,
     "{'inputs':[{'value_scaling':[{'type':'min-max','minimum':0,"
     "'maximum':255},{'type':'min-max','minimum':1,'maximum':4095}]}]}",
     -1,
     {NULL}},
    {"mlm 1.2 norm_clip as a processing expression",
     MODEL,
     ITEM(MLM12,
          "'mlm:input':[{'name':'i','bands':[],'input':{},"
          "'norm_type':'clip','norm_clip':[3000,0.5]}]",
          ""),
     NULL,
     EXT_MLM,
     "{'inputs':[{'value_scaling':[{'type':'processing','format':"
     "'gdal-calc','expression':'numpy.clip(A / 3000, 0, 1)'},"
     "{'type':'processing','format':'gdal-calc',"
     "'expression':'numpy.clip(A / 0.5, 0, 1)'}]}]}",
     -1,
     {NULL}},
    {"mlm 1.2 other norm_type kept as the type",
     MODEL,
     ITEM(MLM12, "'mlm:input':[{'name':'i','input':{},'norm_type':'l2'}]", ""),
     NULL,
     EXT_MLM,
     "{'inputs':[{'value_scaling':[{'type':'l2'}]}]}",
     -1,
     {NULL}},
    {"mlm 1.4 with removed norm fields: value_scaling wins, reported",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:input':[{'name':'i','input':{},"
                 "'norm_type':'z-score','statistics':[{'mean':1,"
                 "'stddev':2}],'value_scaling':[{'type':'scale',"
                 "'value':255}]}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'value_scaling':[{'type':'scale','value':255}]}]}",
     2,
     {"norm_type was removed in mlm v1.4.0",
      "statistics was removed in mlm v1.4.0"}},
    {"asset-level values override the Item for that asset",
     MODEL,
     ITEM(MLM14, MLM_OK ",'mlm:framework':'PyTorch','mlm:accelerator':'cuda'",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save'},'onnx':{'href':'m.onnx',"
          "'roles':['mlm:model'],'mlm:artifact_type':'onnx',"
          "'mlm:framework':'ONNX','mlm:accelerator':'amd64',"
          "'mlm:tasks':['object detection']}}"),
     NULL,
     -1,
     "{'framework':'PyTorch','accelerator':'cuda','artifacts':["
     "{'key':'model','framework':'$absent','accelerator':'$absent'},"
     "{'key':'onnx','href':'https://x.test/a/m.onnx','artifact_type':'onnx',"
     "'framework':'ONNX','accelerator':'amd64',"
     "'tasks':['object-detection']}]}",
     0,
     {NULL}},
    {"model asset values fill what the Item lacks",
     MODEL,
     ITEM(MLM14, "'mlm:name':'n','mlm:input':[],'mlm:output':[]",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'UNet',"
          "'mlm:tasks':['segmentation'],'mlm:total_parameters':7}}"),
     NULL,
     -1,
     "{'architecture':'UNet','tasks':['segmentation'],'total_parameters':7}",
     0,
     {NULL}},
    {"an Item value refused falls back to the model asset's",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:input':[],'mlm:output':[],"
          "'mlm:architecture':['UNet'],'mlm:tasks':7,'mlm:framework':{},"
          "'mlm:total_parameters':-3,'mlm:accelerator_constrained':'yes',"
          "'mlm:accelerator_count':0",
          ",'assets':{'w':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'UNet',"
          "'mlm:tasks':['segmentation'],'mlm:framework':'PyTorch',"
          "'mlm:total_parameters':7,'mlm:accelerator_constrained':true,"
          "'mlm:accelerator_count':2}}"),
     NULL,
     -1,
     "{'architecture':'UNet','tasks':['segmentation'],'framework':'PyTorch',"
     "'total_parameters':7,'accelerator_constrained':true,"
     "'accelerator_count':2}",
     6,
     {"mlm:architecture should be a string, not an array; ignored",
      "mlm:tasks should be an array of strings, not a number; ignored",
      "mlm:framework should be a string, not an object; ignored",
      "mlm:total_parameters should be at least 0, not -3; ignored",
      "mlm:accelerator_constrained should be a boolean, not a string; "
      "ignored",
      "mlm:accelerator_count should be at least 1, not 0; ignored"}},
    {"an Item value refused, no asset value: no field",
     MODEL,
     ITEM(MLM14, MLM_OK ",'mlm:memory_size':-1", ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'memory_size':'$absent','architecture':'a'}",
     -1,
     {"mlm:memory_size should be at least 0, not -1; ignored"}},
    {"a model asset value of the wrong type is reported once, on the asset",
     MODEL,
     ITEM(MLM14, "'mlm:name':'n','mlm:input':[],'mlm:output':[]",
          ",'assets':{'w':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'UNet',"
          "'mlm:tasks':'segmentation','mlm:accelerator_count':'2',"
          "'mlm:memory_size':-1}}"),
     NULL,
     -1,
     "{'architecture':'UNet','tasks':['segmentation'],'accelerator_count':2,"
     "'memory_size':'$absent','artifacts':[{'key':'w','accelerator_count':2,"
     "'tasks':['segmentation']}]}",
     3,
     {"asset \"w\" mlm:tasks should be an array of strings, not a string; "
      "read as one",
      "asset \"w\" mlm:accelerator_count should be an integer, not a "
      "string; read as one",
      "asset \"w\" mlm:memory_size should be at least 0, not -1; ignored"}},
    {"an output's tasks of the wrong type are reported once",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:input':[],"
          "'mlm:output':[{'name':'o','result':{},'tasks':'segmentation'}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'tasks':['segmentation'],'outputs':[{'tasks':['segmentation']}]}",
     2,
     {"mlm:tasks is required by mlm but missing",
      "mlm:output[0] tasks should be an array of strings, not a string; "
      "read as one"}},
    {"a Collection's item_assets value is reported as an item asset's",
     MODEL,
     "{'id': 'x', 'type':'Collection','stac_extensions':[" MLM14 "],"
     "'item_assets':{'w':{'roles':['mlm:model'],'mlm:total_parameters':'7'}}}",
     NULL,
     -1,
     "{'total_parameters':7}",
     1,
     {"item asset \"w\" mlm:total_parameters should be an integer, not a "
      "string; read as one"}},
    {"hrefs: registry reference verbatim, relative resolved, others kept",
     MODEL,
     ITEM(MLM14, MLM_OK,
          ",'assets':{" MODEL_ASSET ",'container':{'href':"
          "'docker.io/org/image:tag','type':"
          "'application/vnd.oci.image.index.v1+json','roles':['runtime']},"
          "'code':{'href':'../src/x.py#L7','roles':['mlm:source_code']},"
          "'s3':{'href':'s3://bucket/w.pt','roles':['mlm:weights']},"
          "'up':{'href':'HTTPS://Example.COM/a/../w.pt','roles':['weights']},"
          "'thumb':{'href':'t.png','roles':['thumbnail']}}"),
     NULL,
     -1,
     "{'artifacts':[{'key':'model','href':'https://x.test/a/m.pt'},"
     "{'key':'container','href':'docker.io/org/image:tag'},"
     "{'key':'code','href':'https://x.test/src/x.py#L7'},"
     "{'key':'s3','href':'s3://bucket/w.pt'},"
     "{'key':'up','href':'https://example.com/w.pt'}]}",
     0,
     {NULL}},
    {"no base URL keeps relative hrefs as given",
     MODEL,
     "{'type':'Feature','assets':{'m':{'href':'m.pt','roles':['mlm:model']}}}",
     NULL,
     EXT_MLM,
     "{'artifacts':[{'key':'m','href':'m.pt'}]}",
     -1,
     {NULL}},
    {"derived_from: no split is training, splits sorted, unique",
     MODEL,
     ITEM(MLM14, MLM_OK,
          ",'assets':{" MODEL_ASSET "},'links':["
          "{'rel':'derived_from','href':'train.json'},"
          "{'rel':'derived_from','href':'v.json','ml-aoi:split':'validate'},"
          "{'rel':'derived_from','href':'t.json','ml-aoi:split':'test'},"
          "{'rel':'derived_from','href':'v2.json',"
          "'ml-aoi:split':'validation'},"
          "{'rel':'derived_from','href':'./train.json#x'},"
          "{'rel':'derived_from','href':'w.json','ml-aoi:split':'weird'},"
          "{'rel':'derived_from','href':'n.json','ml-aoi:split':3},"
          "{'rel':'derived_from','href':'T2.json','ml-aoi:split':'Test'},"
          "{'rel':'derived_from','href':'V3.json','ml-aoi:split':'VALIDATION'},"
          "{'rel':'ml-model:train-data','href':'/d/c.json'},"
          "{'rel':'related','href':'r.json'}]"),
     NULL,
     -1,
     "{'train_data':['https://x.test/a/train.json','https://x.test/a/w.json',"
     "'https://x.test/a/n.json','https://x.test/d/c.json'],"
     "'validation_data':['https://x.test/a/v.json','https://x.test/a/v2.json',"
     "'https://x.test/a/V3.json'],"
     "'test_data':['https://x.test/a/t.json','https://x.test/a/T2.json']}",
     5,
     {"\"validation\" should be train, validate or test; read as validate",
      "\"weird\" should be train, validate or test; read as train",
      "ml-aoi:split should be a string, not a number",
      "\"Test\" should be train, validate or test; read as test",
      "\"VALIDATION\" should be train, validate or test; read as validate"}},
    {"training links the crawler does not follow say so, and stay listed",
     MODEL,
     ITEM(MLM14, MLM_OK,
          ",'assets':{" MODEL_ASSET "},'links':["
          "{'rel':'derived_from','href':'labels.tif',"
          "'type':'image/tiff; application=geotiff'},"
          "{'rel':'derived_from','href':'s3://bucket/train/'},"
          "{'rel':'ml-model:test-data','href':'file:///data/t.json'},"
          "{'rel':'ml-model:test-data','href':'m.json',"
          "'type':'application/vnd.oci.image.manifest.v1+json'},"
          "{'rel':'derived_from','href':'ok.json','type':'application/json'},"
          "{'rel':'derived_from','href':'n.json','type':7}]"),
     NULL,
     -1,
     "{'train_data':['https://x.test/a/labels.tif','s3://bucket/train/',"
     "'https://x.test/a/ok.json','https://x.test/a/n.json'],"
     "'test_data':['file:///data/t.json','https://x.test/a/m.json']}",
     5,
     {"training data https://x.test/a/labels.tif is not followed: link type "
      "is not JSON",
      "training data s3://bucket/train/ is not followed: not an http(s) URL",
      "training data file:///data/t.json is not followed: a local file named "
      "by a document on the web",
      "training data https://x.test/a/m.json is not followed: link type is a "
      "container image",
      "training data https://x.test/a/n.json is not followed: link type is "
      "not a string"}},
    {"a flat extent (one bbox, one interval) is read as the one",
     DATASET,
     "{'type':'Collection','id':'c','extent':{'spatial':{'bbox':[1,2,3,4]},"
     "'temporal':{'interval':['2020-01-01T00:00:00Z',null]}}}",
     NULL,
     -1,
     "{'bbox':[1,2,3,4],'start_datetime':'2020-01-01T00:00:00Z',"
     "'end_datetime':'$absent'}",
     2,
     {"extent.spatial.bbox should be a list of bboxes; read as one",
      "extent.temporal.interval should be a list of intervals; read as one"}},
    {"a nested extent is read without an issue",
     DATASET,
     "{'type':'Collection','id':'c','extent':{'spatial':{'bbox':[[1,2,3,4]]},"
     "'temporal':{'interval':[[null,'2021-01-01T00:00:00Z']]}}}",
     NULL,
     -1,
     "{'bbox':[1,2,3,4],'start_datetime':'$absent',"
     "'end_datetime':'2021-01-01T00:00:00Z'}",
     0,
     {NULL}},
    {"derived_from of a document that is no model is ignored",
     MODEL,
     "{'type':'Feature','id':'product','properties':{},'links':["
     "{'rel':'derived_from','href':'https://m.test/model.json'}]}",
     NULL,
     0,
     "{'train_data':[],'validation_data':[],'test_data':[]}",
     0,
     {NULL}},
    {"wrong types are read where the meaning is clear",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':7,'mlm:architecture':'a','mlm:tasks':'Object Detection',"
          "'mlm:input':[],'mlm:output':[],'mlm:total_parameters':'11700000',"
          "'mlm:memory_size':1.0,'mlm:pretrained':'true',"
          "'mlm:framework':['x']",
          ",'bbox':[1,2,3],'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'name':'7','tasks':['object-detection'],'total_parameters':11700000,"
     "'memory_size':1,'pretrained':true,'framework':'$absent',"
     "'bbox':'$absent'}",
     7,
     {"mlm:name should be a string, not a number",
      "mlm:tasks should be an array of strings, not a string",
      "mlm:total_parameters should be an integer, not a string",
      "mlm:memory_size should be an integer; read 1 as one",
      "mlm:pretrained should be a boolean, not a string",
      "mlm:framework should be a string, not an array",
      "bbox should be an array of 4 or 6 numbers"}},
    {"mlm wins over ml-model; ml-model still gives learning_approach",
     MODEL,
     ITEM(MLM14 ","
                "'" MLMODEL "'",
          MLM_OK ",'ml-model:type':'ml-model',"
                 "'ml-model:learning_approach':'supervised',"
                 "'ml-model:prediction_type':'regression',"
                 "'ml-model:architecture':'RCNN'",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'architecture':'a','tasks':['classification'],"
     "'learning_approach':'supervised','versions':["
     "'https://stac-extensions.github.io/mlm/v1.4.0/schema.json','" MLMODEL
     "']}",
     0,
     {NULL}},
    {"missing required fields, undeclared extension",
     MODEL,
     ITEM(MLM14 ",'" MLMODEL "'", "'ml-model:type':'ml-model'",
          ",'assets':{'m':{'href':'m.pt','roles':['mlm:model']}}"),
     NULL,
     -1,
     "{}",
     -1,
     {"mlm:name is required by mlm but missing",
      "mlm:input is required by mlm but missing",
      "ml-model:architecture is required by ml-model but missing",
      "asset \"m\" has the role mlm:model but no mlm:artifact_type"}},
    {"extension used without being declared",
     MODEL,
     "{'id': 'x', 'type':'Feature','properties':{'mlm:name':'x'}}",
     NULL,
     -1,
     "{}",
     1,
     {"uses the mlm extension without declaring it"}},
    {"no mlm:model asset",
     MODEL,
     ITEM(MLM14, MLM_OK, ""),
     NULL,
     -1,
     "{}",
     1,
     {"no asset has the role mlm:model"}},
    {"dlm misspelt keys: selected_band, process_ level, dtype, channels",
     MODEL,
     ITEM(DLM3,
          "'dlm:inputs':{'name':'x','selected_band':[2,1],"
          "'input_tensors':[{'batch':1,'channels':3,'height':8,'width':8},"
          "{'batch':1,'dim':1,'height':4,'width':4}],"
          "'scaling_factor':0.5},"
          "'dlm:data':{'process_ level':'L2','dtype':'uint8'},"
          "'dlm:runtime':{'framework':'PyTorch','framework_version':'2.0',"
          "'version':'1.0','docker':{'image_name':'img','tag':'v1'}},"
          "'dlm:architecture':{'type':'unet','pretrained':'none',"
          "'total_nb_parameters':5,'estimated_total_size_mb':1},"
          "'dlm:archive':[{'name':'w.pth','role':'model weight'}],"
          "'dlm:outputs':{'task':'regression'}",
          ""),
     NULL,
     -1,
     "{'inputs':[{'name':'x','bands':[2,1],'shape':[1,3,8,8],"
     "'dim_order':['batch','channel','height','width'],"
     "'data_type':'uint8','process_level':'L2',"
     "'value_scaling':[{'type':'scale','value':2.0}]},"
     "{'name':'x','shape':[1,1,4,4]}],'framework':'PyTorch',"
     "'framework_version':'2.0','architecture':'unet','pretrained':false,"
     "'total_parameters':5,'memory_size':1048576,'tasks':['regression'],"
     "'artifacts':[{'key':'w.pth','roles':['model weight']},"
     "{'key':'dlm:runtime.docker.image_name','href':'img:v1',"
     "'roles':['runtime']}]}",
     4,
     {"\"selected_band\" read as \"selected_bands\"",
      "\"process_ level\" read as \"process_level\"",
      "\"dtype\" read as \"data_type\"", "\"channels\" read as \"dim\""}},
    {"dlm shapes: a dimension that is no integer refuses the whole shape",
     MODEL,
     ITEM(DLM3,
          "'dlm:inputs':{'name':'x','input_tensors':["
          "{'batch':1,'dim':'x','height':8,'width':8},"
          "{'batch':1,'dim':3,'height':null,'width':8},"
          "{'batch':1,'dim':'3','width':8}]},"
          "'dlm:outputs':[{'task':'classification',"
          "'final_layer_size':[1,'x',64]},{'task':'classification',"
          "'final_layer_size':[1,null]},{'task':'classification',"
          "'final_layer_size':[1,'5']}],"
          "'dlm:runtime':{},'dlm:archive':[],'dlm:data':{}",
          ""),
     NULL,
     EXT_DLM,
     "{'inputs':[{'name':'x','shape':'$absent',"
     "'dim_order':['batch','channel','height','width']},"
     "{'name':'x','shape':[1,3,8],"
     "'dim_order':['batch','channel','width']},"
     "{'name':'x','shape':[1,3,8],"
     "'dim_order':['batch','channel','width']}],"
     "'outputs':[{'shape':'$absent'},{'shape':'$absent'},"
     "{'shape':[1,5]}]}",
     5,
     {"dlm:inputs input_tensors dim should be an integer size, not \"x\"; "
      "the shape of that tensor is ignored",
      "dlm:inputs input_tensors dim should be an integer, not a string; read",
      "dlm:outputs final_layer_size should hold integer sizes, not \"x\"; "
      "ignored",
      "dlm:outputs final_layer_size should hold integer sizes, not null; "
      "ignored",
      "dlm:outputs final_layer_size should be an integer, not a string; "
      "read"}},
    {"dlm shapes: sizes below 1 refuse the whole shape (dlm schema)",
     MODEL,
     ITEM(DLM3,
          "'dlm:inputs':{'name':'x','input_tensors':["
          "{'batch':-1,'dim':3,'height':8,'width':8},"
          "{'batch':1,'dim':3,'height':0,'width':8},"
          "{'batch':1,'dim':'0','height':8,'width':8},"
          "{'batch':1,'dim':3,'height':8,'width':8}]},"
          "'dlm:outputs':[{'task':'classification',"
          "'final_layer_size':[1,0,64]},{'task':'classification',"
          "'final_layer_size':[-1,5]},{'task':'classification',"
          "'final_layer_size':[1,5]}],"
          "'dlm:runtime':{},'dlm:archive':[],'dlm:data':{}",
          ""),
     NULL,
     EXT_DLM,
     "{'inputs':[{'shape':'$absent',"
     "'dim_order':['batch','channel','height','width']},"
     "{'shape':'$absent'},{'shape':'$absent'},{'shape':[1,3,8,8]}],"
     "'outputs':[{'shape':'$absent'},{'shape':'$absent'},"
     "{'shape':[1,5]}]}",
     5,
     {"dlm:inputs input_tensors batch should be at least 1, not -1; the "
      "shape of that tensor is ignored",
      "dlm:inputs input_tensors height should be at least 1, not 0; the "
      "shape of that tensor is ignored",
      "dlm:inputs input_tensors dim should be at least 1, not \"0\"; the "
      "shape of that tensor is ignored",
      "dlm:outputs final_layer_size should hold sizes of at least 1, not 0; "
      "ignored",
      "dlm:outputs final_layer_size should hold sizes of at least 1, not -1; "
      "ignored"}},
    {"dlm inputs yield to mlm inputs",
     MODEL,
     ITEM(MLM14 "," DLM3,
          MLM_OK ",'mlm:input':[{'name':'m','input':{}}],"
                 "'dlm:inputs':{'name':'d'},'dlm:outputs':{'task':'x'},"
                 "'dlm:runtime':{},'dlm:archive':[],'dlm:data':{}",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'m'}],'tasks':['classification']}",
     0,
     {NULL}},
    {"mlm hyperparameters, batch size, accelerator and pretraining fields",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:hyperparameters':{'learning_rate':0.001,"
                 "'optimizer':{'name':'adam','betas':[0.9,0.999]},"
                 "'epochs':50,'augment':null},"
                 "'mlm:batch_size_suggestion':32,'mlm:accelerator':'cuda',"
                 "'mlm:accelerator_constrained':true,"
                 "'mlm:accelerator_summary':'NVIDIA A100 40GB',"
                 "'mlm:accelerator_count':4,'mlm:pretrained':true,"
                 "'mlm:pretrained_source':'ImageNet'",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'hyperparameters':{'learning_rate':0.001,'optimizer':{'name':'adam',"
     "'betas':[0.9,0.999]},'epochs':50,'augment':null},"
     "'batch_size_suggestion':32,'accelerator':'cuda',"
     "'accelerator_constrained':true,'accelerator_summary':'NVIDIA A100 40GB',"
     "'accelerator_count':4,'pretrained':true,'pretrained_source':'ImageNet',"
     "'artifacts':[{'key':'model','accelerator_count':'$absent',"
     "'compile_method':'$absent','entrypoint':'$absent'}]}",
     0,
     {NULL}},
    {"mlm new fields absent or null",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:hyperparameters':null,'mlm:pretrained':false,"
                 "'mlm:pretrained_source':null,'mlm:accelerator_count':null",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'hyperparameters':'$absent','pretrained':false,"
     "'pretrained_source':'$absent','batch_size_suggestion':'$absent',"
     "'accelerator_constrained':'$absent','accelerator_summary':'$absent',"
     "'accelerator_count':'$absent','training_processor_type':'$absent',"
     "'training_os':'$absent'}",
     0,
     {NULL}},
    {"mlm new fields of the wrong type",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:hyperparameters':'lr=0.1',"
                 "'mlm:batch_size_suggestion':'16',"
                 "'mlm:accelerator_constrained':'yes',"
                 "'mlm:accelerator_summary':7,'mlm:accelerator_count':1.5,"
                 "'mlm:pretrained_source':['ImageNet']",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'hyperparameters':'$absent','batch_size_suggestion':16,"
     "'accelerator_constrained':'$absent','accelerator_summary':'7',"
     "'accelerator_count':'$absent','pretrained_source':'$absent'}",
     6,
     {"mlm:hyperparameters should be an object, not a string; ignored",
      "mlm:batch_size_suggestion should be an integer, not a string; read as "
      "one",
      "mlm:accelerator_constrained should be a boolean, not a string; "
      "ignored",
      "mlm:accelerator_summary should be a string, not a number; read as "
      "text",
      "mlm:accelerator_count should be an integer, not a number; ignored",
      "mlm:pretrained_source should be a string, not an array; ignored"}},
    {"mlm counts below the schema minimum are ignored",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:memory_size':-1,'mlm:total_parameters':-42,"
                 "'mlm:batch_size_suggestion':0,'mlm:accelerator_count':0",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:memory_size':-8,"
          "'mlm:accelerator_count':2,'mlm:batch_size_suggestion':'-3'}}"),
     NULL,
     -1,
     "{'memory_size':'$absent','total_parameters':'$absent',"
     "'batch_size_suggestion':0,'accelerator_count':2,"
     "'artifacts':[{'key':'model','memory_size':'$absent',"
     "'accelerator_count':2,'batch_size_suggestion':'$absent'}]}",
     6,
     {"mlm:memory_size should be at least 0, not -1; ignored",
      "mlm:total_parameters should be at least 0, not -42; ignored",
      "mlm:accelerator_count should be at least 1, not 0; ignored",
      "asset \"model\" mlm:memory_size should be at least 0, not -8; "
      "ignored",
      "asset \"model\" mlm:batch_size_suggestion should be at least 0, not "
      "-3; ignored"}},
    {"dlm total_nb_parameters below zero is ignored",
     MODEL,
     "{'type':'Feature','stac_extensions':[" DLM3 "],'properties':{"
     "'dlm:architecture':{'total_nb_parameters':-1,'type':'unet'}}}",
     NULL,
     -1,
     "{'architecture':'unet','total_parameters':'$absent'}",
     -1,
     {"dlm:architecture total_nb_parameters should be at least 0, not -1; "
      "ignored"}},
    {"mlm fields from the model asset, and asset-only fields",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:accelerator_summary':'item summary',"
                 "'mlm:pretrained_source':null",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.export.save',"
          "'mlm:compile_method':'aot','mlm:batch_size_suggestion':8,"
          "'mlm:accelerator_constrained':false,"
          "'mlm:accelerator_summary':'asset summary',"
          "'mlm:accelerator_count':2,'mlm:pretrained_source':'EuroSAT',"
          "'mlm:hyperparameters':{'lr':1}},"
          "'code':{'href':'inference.py','roles':['mlm:source_code','code'],"
          "'mlm:entrypoint':'pkg.infer:run'},"
          "'script':{'href':'s.py','roles':['mlm:training-runtime'],"
          "'mlm:entrypoint':'train.py','mlm:compile_method':3}}"),
     NULL,
     -1,
     "{'batch_size_suggestion':8,'accelerator_constrained':false,"
     "'accelerator_summary':'item summary','accelerator_count':2,"
     "'pretrained_source':'EuroSAT','hyperparameters':'$absent',"
     "'compile_method':'$absent','entrypoint':'$absent',"
     "'artifacts':[{'key':'model','artifact_type':'torch.export.save',"
     "'compile_method':'aot','batch_size_suggestion':8,"
     "'accelerator_constrained':false,'accelerator_summary':'asset summary',"
     "'accelerator_count':2,'pretrained_source':'EuroSAT',"
     "'hyperparameters':'$absent','entrypoint':'$absent'},"
     "{'key':'code','entrypoint':'pkg.infer:run',"
     "'compile_method':'$absent'},"
     "{'key':'script','entrypoint':'train.py','compile_method':'3'}]}",
     2,
     {"asset \"script\" has mlm:entrypoint but not the role code",
      "asset \"script\" mlm:compile_method should be a string, not a number; "
      "read as text"}},
    {"mlm new fields in Collection summaries: the first value",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':[" MLM14 "],"
     "'summaries':{'mlm:accelerator_summary':['A100','V100'],"
     "'mlm:accelerator_count':[2,4],'mlm:accelerator_constrained':[true],"
     "'mlm:batch_size_suggestion':{'minimum':8,'maximum':64},"
     "'mlm:pretrained_source':['ImageNet','EuroSAT'],"
     "'mlm:hyperparameters':[{'lr':0.1},{'lr':0.2}]}}",
     NULL,
     -1,
     "{'accelerator_summary':'A100','accelerator_count':2,"
     "'accelerator_constrained':true,'batch_size_suggestion':'$absent',"
     "'pretrained_source':'ImageNet','hyperparameters':{'lr':0.1}}",
     0,
     {NULL}},
    {"mlm hyperparameters nested too deep",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'mlm:hyperparameters':{'a':{'a':{'a':{'a':{'a':{'a':{'a':"
                 "{'a':{'a':{'a':{'a':{'a':{'a':{'a':{'a':{'a':{'a':{'a':1,"
                 "'b':2}}}}}}}}}}}}}}}}},'top':1}",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'hyperparameters':{'top':1}}",
     1,
     {"mlm:hyperparameters nests deeper than 16 levels"}},
    {"mlm input resize_type, processing functions and descriptions",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['c'],"
          "'mlm:input':[{'name':'a','input':{},'resize_type':'crop',"
          "'description':'RGB at 10 m',"
          "'pre_processing_function':[{'format':'python',"
          "'expression':'m:f'},{'format':'gdal-calc','expression':'A*2'}]},"
          "{'name':'b','input':{},'resize_type':null,'description':null,"
          "'pre_processing_function':null},"
          "{'name':'c','input':{},'resize_type':['pad'],"
          "'pre_processing_function':'m.f'}],"
          "'mlm:output':[{'name':'o','tasks':['classification'],"
          "'result':{},'post_processing_function':{'format':'python',"
          "'expression':'m:g','description':'argmax'},"
          "'description':'class scores'},"
          "{'name':'p','tasks':['classification'],'result':{},"
          "'description':['x'],"
          "'post_processing_function':3}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'a','resize_type':'crop','description':'RGB at 10 m',"
     "'pre_processing_function':[{'format':'python','expression':'m:f'},"
     "{'format':'gdal-calc','expression':'A*2'}]},"
     "{'name':'b','resize_type':'$absent','description':'$absent',"
     "'pre_processing_function':'$absent'},"
     "{'name':'c','resize_type':'$absent',"
     "'pre_processing_function':'$absent'}],"
     "'outputs':[{'name':'o','post_processing_function':{'format':'python',"
     "'expression':'m:g','description':'argmax'},"
     "'description':'class scores'},"
     "{'name':'p','post_processing_function':'$absent',"
     "'description':'$absent'}]}",
     4,
     {"mlm:input[2] resize_type should be a string, not an array; ignored",
      "mlm:input[2] pre_processing_function should be an object or an array "
      "of objects, not a string; ignored",
      "mlm:output[1] post_processing_function should be an object or an "
      "array of objects, not a number; ignored",
      "mlm:output[1] description should be a string, not an array; "
      "ignored"}},
    {"mlm band and variable expressions (Model Band Objects)",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':'a','mlm:tasks':['c'],"
          "'mlm:input':[{'name':'a','input':{},'bands':['B04',{'name':'B08'},"
          "{'name':'NDVI','format':'rio-calc','expression':'(B08-B04)'},"
          "{'name':'X','format':'python','expression':{'f':'m:g'}},"
          "{'name':'Y','format':3,'expression':'y'},"
          "{'name':'Z','format':'python','expression':null}],"
          "'variables':[{'name':'t2m','format':'uri','expression':'u'}]}],"
          "'mlm:output':[{'name':'o','tasks':['classification'],"
          "'result':{},'bands':[{'name':'M','format':'gdal-calc',"
          "'expression':'A>0'}]},{'name':'p','tasks':['classification'],"
          "'result':{},'bands':['B01']}]",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'inputs':[{'name':'a','bands':['B04','B08','NDVI','X','Y','Z'],"
     "'band_expressions':[{'name':'NDVI','format':'rio-calc',"
     "'expression':'(B08-B04)'},{'name':'X','format':'python',"
     "'expression':{'f':'m:g'}},{'name':'Y','format':'3',"
     "'expression':'y'}],'variables':['t2m'],"
     "'variable_expressions':[{'name':'t2m','format':'uri',"
     "'expression':'u'}]}],"
     "'outputs':[{'name':'o','bands':['M'],'band_expressions':[{'name':'M',"
     "'format':'gdal-calc','expression':'A>0'}]},"
     "{'name':'p','bands':['B01'],'band_expressions':'$absent',"
     "'variable_expressions':'$absent'}]}",
     1,
     {"mlm:input[0] bands format should be a string, not a number; "
      "read as text"}},
    {"mlm:entrypoint on the Item with no source-code asset",
     MODEL,
     ITEM(MLM14, MLM_OK ",'mlm:entrypoint':'pkg:run'",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'entrypoint':'$absent','artifacts':[{'key':'model',"
     "'entrypoint':'$absent'}]}",
     1,
     {"mlm:entrypoint belongs on the asset with the role code, not on the "
      "Item; no source-code asset to read it for, ignored"}},
    {"ml-model training processor and OS",
     MODEL,
     ITEM("'" MLMODEL "'",
          "'ml-model:type':'ml-model','ml-model:learning_approach':'x',"
          "'ml-model:prediction_type':'regression',"
          "'ml-model:architecture':'a',"
          "'ml-model:training-processor-type':'cpu',"
          "'ml-model:training-os':'win32'",
          ""),
     NULL,
     -1,
     "{'training_processor_type':'cpu','training_os':'win32'}",
     0,
     {NULL}},
    {"ml-model training fields: summaries and wrong types",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':['" MLMODEL "'],"
     "'summaries':{'ml-model:architecture':['a'],"
     "'ml-model:training-processor-type':['gpu','cpu'],"
     "'ml-model:training-os':[{'os':'linux'}]}}",
     NULL,
     -1,
     "{'training_processor_type':'gpu','training_os':'$absent'}",
     1,
     {"ml-model:training-os should be a string, not an object; ignored"}},
    {"ml-model training fields only for ml-model documents",
     MODEL,
     ITEM(MLM14,
          MLM_OK ",'ml-model:training-os':'linux',"
                 "'mlm:batch_size_suggestion':4",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     EXT_MLM,
     "{'training_os':'$absent','batch_size_suggestion':4}",
     -1,
     {NULL}},
    {"dlm pre_processing_function and model_handler",
     MODEL,
     ITEM(DLM3,
          "'dlm:inputs':{'name':'x','pre_processing_function':"
          "'pkg.data.to_tensor'},'dlm:runtime':{'framework':'PyTorch',"
          "'model_handler':'pkg.cli.infer',"
          "'model_src_url':'https://git.test/repo'},"
          "'dlm:outputs':{'task':'classification','number_of_classes':3,"
          "'dont_care_index':0,'post_processing_function':'post.py'}",
          ""),
     NULL,
     EXT_DLM,
     "{'inputs':[{'name':'x','pre_processing_function':{'format':'python',"
     "'expression':'pkg.data.to_tensor'}}],"
     "'outputs':[{'tasks':['classification'],"
     "'post_processing_function':'$absent','number_of_classes':'$absent'}],"
     "'artifacts':[{'key':'dlm:runtime.model_src_url',"
     "'href':'https://git.test/repo','roles':['code'],"
     "'entrypoint':'pkg.cli.infer'}]}",
     -1,
     {NULL}},
    {"dlm model_handler and pre_processing_function of the wrong type",
     MODEL,
     ITEM(DLM3,
          "'dlm:inputs':{'name':'x','pre_processing_function':{'f':1}},"
          "'dlm:runtime':{'model_handler':['a'],"
          "'model_src_url':'https://git.test/repo'}",
          ""),
     NULL,
     EXT_DLM,
     "{'inputs':[{'name':'x','pre_processing_function':'$absent'}],"
     "'artifacts':[{'key':'dlm:runtime.model_src_url',"
     "'entrypoint':'$absent'}]}",
     -1,
     {"dlm:inputs pre_processing_function should be a string, not an "
      "object; ignored",
      "dlm:runtime model_handler should be a string, not an array; ignored"}},
    {"mlm fields in Collection summaries",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':[" MLM14 "],"
     "'summaries':{'mlm:architecture':['UNet','ResNet'],"
     "'mlm:tasks':['semantic segmentation','classification'],"
     "'mlm:total_parameters':{'minimum':1,'maximum':9}},"
     "'assets':{'w':{'href':'w.pt','roles':['mlm:model'],"
     "'mlm:artifact_type':'torch.save'}}}",
     NULL,
     -1,
     "{'name':'c','architecture':'UNet','tasks':['semantic-segmentation',"
     "'classification'],'total_parameters':'$absent','artifacts':["
     "{'key':'w','href':'https://x.test/a/w.pt'}]}",
     0,
     {NULL}},
    {"dlm objects in Collection summaries: the first value",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':[" DLM3 "],"
     "'summaries':{'dlm:architecture':[{'type':'x',"
     "'total_nb_parameters':5},{'type':'y'}],"
     "'dlm:runtime':[{'framework':'PyTorch','docker':{'image_name':'i:1'}}],"
     "'dlm:inputs':[{'name':'in'}],'dlm:data':[{'data_type':'uint8'}],"
     "'dlm:outputs':[{'task':'classification'}]}}",
     NULL,
     -1,
     "{'architecture':'x','total_parameters':5,'framework':'PyTorch',"
     "'inputs':[{'name':'in','data_type':'uint8'}],"
     "'tasks':['classification'],'artifacts':[{'key':"
     "'dlm:runtime.docker.image_name','href':'i:1','roles':['runtime']}]}",
     0,
     {NULL}},
    {"dlm objects in summaries: a lone object is still read",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':[" DLM3 "],"
     "'summaries':{'dlm:architecture':{'type':'x'},'dlm:runtime':[],"
     "'dlm:inputs':[]}}",
     NULL,
     -1,
     "{'architecture':'x','framework':'$absent','inputs':[]}",
     0,
     {NULL}},
    {"dlm-extension v1.0.0 is mlm v1.0.0",
     MODEL,
     ITEM("'https://crim-ca.github.io/dlm-extension/v1.0.0/schema.json'",
          MLM_OK, ",'assets':{'w':{'href':'w.pt','roles':['mlm:model']}}"),
     NULL,
     -1,
     "{'name':'n','architecture':'a','tasks':['classification'],"
     "'versions':['https://crim-ca.github.io/dlm-extension/v1.0.0/"
     "schema.json']}",
     0,
     {NULL}},
    {"dlm/v1.0.0 (the dlm README link) is mlm v1.0.0",
     MODEL,
     ITEM("'https://stac-extensions.github.io/dlm/v1.0.0/schema.json'", MLM_OK,
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'name':'n','architecture':'a'}",
     0,
     {NULL}},
    {"dlm-extension before v1.0.0 stays dlm",
     MODEL,
     ITEM("'https://crim-ca.github.io/dlm-extension/v1.0.0-beta.3/"
          "schema.json'",
          "'dlm:architecture':{'type':'unet'}", ""),
     NULL,
     -1,
     "{'architecture':'unet'}",
     5,
     {"dlm:inputs is required by dlm but missing",
      "dlm:data is required by dlm but missing"}},
    {"mlm required fields null",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':null,'mlm:architecture':null,'mlm:tasks':null,"
          "'mlm:input':null,'mlm:output':null",
          ",'assets':{" MODEL_ASSET "}"),
     NULL,
     -1,
     "{'name':'m','architecture':'$absent','tasks':[],'inputs':[],"
     "'outputs':[]}",
     5,
     {"mlm:name is required by mlm but missing",
      "mlm:architecture is required by mlm but missing",
      "mlm:tasks is required by mlm but missing",
      "mlm:input is required by mlm but missing",
      "mlm:output is required by mlm but missing"}},
    {"mlm null in properties, set on the model asset",
     MODEL,
     ITEM(MLM14,
          "'mlm:name':'n','mlm:architecture':null,'mlm:tasks':null,"
          "'mlm:input':[],'mlm:output':[],'mlm:framework':null",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'U-Net',"
          "'mlm:tasks':['segmentation'],'mlm:framework':'PyTorch'}}"),
     NULL,
     -1,
     "{'architecture':'U-Net','tasks':['segmentation'],"
     "'framework':'PyTorch'}",
     0,
     {NULL}},
    {"model asset roles as a lone string: still the model asset",
     MODEL,
     ITEM(MLM14, "'mlm:name':'n','mlm:input':[],'mlm:output':[]",
          ",'assets':{'model':{'href':'m.pt','roles':'mlm:model',"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'U-Net',"
          "'mlm:tasks':['segmentation'],'mlm:framework':'PyTorch'}}"),
     NULL,
     -1,
     "{'architecture':'U-Net','tasks':['segmentation'],"
     "'framework':'PyTorch','artifacts':[{'key':'model',"
     "'roles':['mlm:model']}]}",
     1,
     {"roles should be an array of strings, not a string"}},
    {"model asset with the dlm spelling role: still the model asset",
     MODEL,
     ITEM(MLM14, "'mlm:name':'n','mlm:input':[],'mlm:output':[]",
          ",'assets':{'model':{'href':'m.pt','role':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':'U-Net',"
          "'mlm:tasks':['segmentation']}}"),
     NULL,
     -1,
     "{'architecture':'U-Net','tasks':['segmentation']}",
     1,
     {"\"role\" read as \"roles\""}},
    {"mlm null in properties and on the model asset",
     MODEL,
     ITEM(MLM14, "'mlm:name':'n','mlm:input':[],'mlm:output':[]",
          ",'assets':{'model':{'href':'m.pt','roles':['mlm:model'],"
          "'mlm:artifact_type':'torch.save','mlm:architecture':null,"
          "'mlm:tasks':null}}"),
     NULL,
     -1,
     "{'architecture':'$absent','tasks':[]}",
     2,
     {"mlm:architecture is required by mlm but missing",
      "mlm:tasks is required by mlm but missing"}},
    {"dlm and ml-model required fields null",
     MODEL,
     ITEM(DLM3 ",'" MLMODEL "'",
          "'dlm:inputs':null,'dlm:outputs':null,'dlm:runtime':null,"
          "'dlm:archive':null,'dlm:data':null,'ml-model:type':null,"
          "'ml-model:learning_approach':null,'ml-model:prediction_type':null,"
          "'ml-model:architecture':null",
          ""),
     NULL,
     -1,
     "{'architecture':'$absent'}",
     9,
     {"dlm:inputs is required by dlm but missing",
      "dlm:archive is required by dlm but missing",
      "ml-model:type is required by ml-model but missing",
      "ml-model:architecture is required by ml-model but missing"}},
    {"ml-model Collection with null summaries",
     MODEL,
     "{'type':'Collection','id':'c','stac_extensions':['" MLMODEL "'],"
     "'summaries':{'ml-model:architecture':null,"
     "'ml-model:prediction_type':null,'ml-model:learning_approach':null}}",
     NULL,
     -1,
     "{'architecture':'$absent'}",
     1,
     {"an ml-model Collection needs"}},
    {"stale keys of an earlier read are replaced",
     MODEL,
     "{'type':'Feature','id':'z'}",
     NULL,
     EXT_MLM,
     "{'framework':'$absent','architecture':'$absent','name':'z',"
     "'tasks':[],'inputs':[],'outputs':[],'artifacts':[],'issues':[]}",
     0,
     {NULL}},
    {"not an object",
     MODEL,
     "[1,2,3]",
     NULL,
     EXT_MODEL_MASK,
     "{'tasks':[],'inputs':[],'outputs':[],'artifacts':[],'train_data':[],"
     "'validation_data':[],'test_data':[],'versions':[],'issues':[]}",
     0,
     {NULL}},
    {"assets given as an array of assets",
     MODEL,
     "{'id': 'x', "
     "'type':'Feature','assets':[{'href':'a.pt','roles':['mlm:model']},"
     "7,{'k':{'href':'b.pt','role':'mlm:weights'}}]}",
     NULL,
     EXT_MLM,
     "{'artifacts':[{'key':'0','href':'https://x.test/a/a.pt'},"
     "{'key':'k','href':'https://x.test/a/b.pt','roles':['mlm:weights']}]}",
     4,
     {"not an array", "\"role\" read as \"roles\"",
      "roles should be an array of strings, not a string",
      "uses the mlm extension without declaring it"}},

    /* ---- datasets */
    {"tdml DOTA collection fields (the file itself is invalid JSON)",
     DATASET,
     "{'type':'Collection','id':'dota','stac_extensions':['" TDML "'],"
     "'properties':{'version':'1.5','label:tasks':'Object Detection',"
     "'label:classes':[{'name':'plane','classes':3}],"
     "'sci:doi':'10.1109/TPAMI.2021.3117983',"
     "'tdml:scope':{'level':'dataset','levelDescription':"
     "{'dataset':'DOTA_v1.5'}},"
     "'tdml:classification_schema':'luojiaSET classification schema',"
     "'tdml:amount_of_training_data':1869,"
     "'tdml:data_sources':['gf-2','jinlin-1'],"
     "'tdml:image_size':[[800,800],[4000,4000]],"
     "'tdml:metrics_in_LIT':{'doi':'10.5281/zenodo.3983579',"
     "'algotithm':'YOLOV5','metrics':[{'name':'AP50','value':'66.1'},"
     "{'name':'AR1','value':'39.4'}]},"
     "'tdml:provenance':{'labeling_tools':'ArcGIS 10.1',"
     "'labeling_methods':'manual','labeler_name':'demo_name',"
     "'scope':{'level':'dataset'}}}}",
     NULL,
     -1,
     "{'tdml':true,'amount_of_training_data':1869,"
     "'classification_schema':'luojiaSET classification schema',"
     "'data_sources':['gf-2','jinlin-1'],"
     "'image_sizes':[[800,800],[4000,4000]],"
     "'scope':{'level':'dataset','level_description':"
     "{'dataset':'DOTA_v1.5'}},"
     "'metrics':[{'doi':'10.5281/zenodo.3983579','algorithm':'YOLOV5',"
     "'metrics':[{'name':'AP50','value':66.1},{'name':'AR1','value':39.4}]}],"
     "'provenance':{'labeling_tools':['ArcGIS 10.1'],"
     "'labeling_methods':['manual'],'labeler_names':['demo_name'],"
     "'scope':{'level':'dataset'}},"
     "'label_classes':[{'name':'plane','classes':[3]}],"
     "'label_tasks':['object-detection'],"
     "'doi':'10.1109/TPAMI.2021.3117983','version':'1.5',"
     "'versions':['" TDML "']}",
     12,
     {"tdml:metrics_in_LIT should be an array, not an object",
      "\"algotithm\" read as \"algorithm\"",
      "metric values should be numbers, not strings",
      "\"labeler_name\" read as \"labeler_names\"",
      "labeling_tools should be an array of strings",
      "\"tdml:image_size\" read as \"tdml:image_sizes\"",
      "\"levelDescription\" read as \"level_description\"",
      "\"properties\" object of a Collection"}},
    {"tdml at the Collection top level and in summaries",
     DATASET,
     "{'id': 'x', 'type':'Collection','tdml:amount_of_training_data':'12',"
     "'summaries':{'tdml:classification_schema':['s1','s2'],"
     "'ml-aoi:split':['test'],'sci:doi':['10.1/x']}}",
     NULL,
     -1,
     "{'tdml':true,'amount_of_training_data':12,'version':'$absent',"
     "'classification_schema':'s1','split':'test','doi':'10.1/x',"
     "'versions':[]}",
     1,
     {"tdml:amount_of_training_data should be an integer, not a string"}},
    {"tdml declared, required field missing, tdml in Item properties",
     DATASET,
     "{'id': 'x', 'type':'Collection','stac_extensions':['" TDML "']}",
     NULL,
     -1,
     "{'tdml':true,'amount_of_training_data':'$absent'}",
     1,
     {"tdml:amount_of_training_data is required"}},
    {"tdml amount_of_training_data below zero is ignored",
     DATASET,
     "{'id': 'x', "
     "'type':'Feature','properties':{'tdml:amount_of_training_data':-3}}",
     NULL,
     -1,
     "{'tdml':true,'amount_of_training_data':'$absent'}",
     1,
     {"tdml:amount_of_training_data should be at least 0, not -3; ignored"}},
    {"tdml only in Item properties",
     DATASET,
     "{'id': 'x', 'type':'Feature','properties':{'tdml:data_sources':'gf-2',"
     "'version':2}}",
     NULL,
     -1,
     "{'tdml':true,'data_sources':['gf-2'],'version':'2'}",
     2,
     {"tdml:data_sources should be an array of strings",
      "version should be a string, not a number; read as text"}},
    {"no tdml: still a dataset",
     DATASET,
     "{'id': 'x', 'type':'Collection','title':'t','summaries':{'label:classes':"
     "[{'name':null,'classes':['a','b']}],'label:tasks':['detection']}}",
     NULL,
     -1,
     "{'tdml':false,'title':'t','label_classes':[{'name':'$absent',"
     "'classes':['a','b']}],'label_tasks':['detection'],'split':'$absent',"
     "'issues':[]}",
     0,
     {NULL}},
    /* tdml changesets: the version-history link its README recommends
     * (the DOTA example's), and the schema's tdml:changeset links. */
    {"tdml changesets from version-history links and tdml:changeset",
     DATASET,
     "{'type':'Collection','id':'dota','stac_extensions':['" TDML "'],"
     "'tdml:amount_of_training_data':1,"
     "'tdml:changeset':[{'rel':'version-history','href':'./c2.json'},"
     "{'href':'http://oge.whu.edu.cn/dataset/DOTA-v1.5/"
     "dota_v1.5_changeset_TDML.json#x'},{'title':'no href'},7],"
     "'links':[{'rel':'version-history','title':'changeset',"
     "'href':'http://oge.whu.edu.cn/dataset/DOTA-v1.5/"
     "dota_v1.5_changeset_TDML.json','type':'application/json'},"
     "{'rel':'item','href':'./i.json'}]}",
     NULL,
     -1,
     "{'tdml':true,'changesets':['http://oge.whu.edu.cn/dataset/DOTA-v1.5/"
     "dota_v1.5_changeset_TDML.json','https://x.test/a/c2.json']}",
     2,
     {"tdml:changeset entries should be link objects with an href; an "
      "object ignored",
      "tdml:changeset entries should be link objects with an href; a number "
      "ignored"}},
    {"tdml changeset: one link object, and no tdml: no changesets",
     DATASET,
     "{'id': 'x', "
     "'type':'Feature','properties':{'tdml:changeset':{'href':'c.json'}},"
     "'links':[{'rel':'version-history','href':'h.json'}]}",
     NULL,
     -1,
     "{'tdml':true,'changesets':['https://x.test/a/h.json',"
     "'https://x.test/a/c.json']}",
     1,
     {"tdml:changeset should be an array of links, not an object; read as "
      "one"}},
    {"version-history of a dataset without tdml is not a changeset",
     DATASET,
     "{'id': 'x', 'type':'Collection','links':[{'rel':'version-history',"
     "'href':'h.json'}]}",
     NULL,
     -1,
     "{'tdml':false,'changesets':'$absent'}",
     0,
     {NULL}},
    {"metrics_in_LIT entry whose metrics is one object",
     DATASET,
     "{'id': 'x', "
     "'type':'Feature','properties':{'tdml:metrics_in_LIT':[{'doi':'d',"
     "'algorithm':'a','metrics':{'name':'AP50','value':'66.1'}}]}}",
     NULL,
     -1,
     "{'metrics':[{'doi':'d','algorithm':'a','metrics':[{'name':'AP50',"
     "'value':66.1}]}]}",
     2,
     {"tdml:metrics_in_LIT metrics should be an array, not an object; read "
      "as one",
      "metric values should be numbers, not strings"}},
    {"image_size string that is no JSON array",
     DATASET,
     "{'id': 'x', 'type':'Feature','properties':{'tdml:image_size':'800x800'}}",
     NULL,
     -1,
     "{'image_sizes':'$absent'}",
     2,
     {"tdml:image_sizes should be an array, not a string; ignored"}},
    {"metrics_in_LIT with the schema misspelling algroithm",
     DATASET,
     "{'id': 'x', "
     "'type':'Feature','properties':{'tdml:metrics_in_LIT':[{'doi':'d',"
     "'algroithm':'a','algorithm':'b','metrics':[{'name':'m','value':1}]}]}}",
     NULL,
     -1,
     "{'metrics':[{'doi':'d','algorithm':'b','metrics':[{'name':'m',"
     "'value':1}]}]}",
     0,
     {NULL}},
    {"dataset not an object",
     DATASET,
     "\"x\"",
     NULL,
     -1,
     "{'tdml':false,'label_classes':[],'label_tasks':[],'versions':[],"
     "'issues':[]}",
     0,
     {NULL}},
};

static void test_inline(void)
{
    for (size_t i = 0; i < sizeof(inline_cases) / sizeof(inline_cases[0]);
         i++) {
        const struct model_case *c = &inline_cases[i];
        json_t *doc = sq(c->doc);
        const char *url = strstr(c->name, "no base URL") ? NULL : BASE;

        CHECK_CASE(c->name, doc != NULL);
        if (doc)
            run_case(c, doc, url);
        json_decref(doc);
    }
}

/* ------------------------------------------------------------ bounds */

/* More issues than the cap: the list ends with a count of the rest. */
static void test_issue_cap(void)
{
    json_t *doc = json_object(), *props = json_object(), *in = json_array();
    json_t *rec = json_object(), *issues, *last;

    for (int i = 0; i < 100; i++)
        json_array_append_new(in, json_integer(i));
    json_object_set_new(props, "mlm:input", in);
    json_object_set_new(doc, "type", json_string("Feature"));
    json_object_set_new(doc, "properties", props);
    model_read(doc, BASE, EXT_MLM, rec);
    issues = json_object_get(rec, "issues");
    CHECK_INT_EQ(json_array_size(issues), 65);
    last = json_array_get(issues, 64);
    CHECK(last && strstr(json_string_value(last), "more problems not listed"));
    json_decref(rec);
    json_decref(doc);
}

/* Arrays past MODEL_MAX_ENTRIES (4096) are cut, and the cut is reported. */
static void test_entry_cap(void)
{
    json_t *doc = json_object(), *props = json_object(), *in = json_array();
    json_t *out = json_array(), *o = json_object(), *cls = json_array();
    json_t *rec = json_object();

    for (int i = 0; i < 5000; i++) {
        json_t *e = json_object(), *c = json_object();
        json_object_set_new(e, "name", json_sprintf("i%d", i));
        json_object_set_new(e, "input", json_object());
        json_array_append_new(in, e);
        json_object_set_new(c, "value", json_integer(i));
        json_array_append_new(cls, c);
    }
    json_object_set_new(o, "name", json_string("o"));
    json_object_set_new(o, "classification:classes", cls);
    json_array_append_new(out, o);
    json_object_set_new(props, "mlm:input", in);
    json_object_set_new(props, "mlm:output", out);
    json_object_set_new(doc, "type", json_string("Feature"));
    json_object_set_new(doc, "properties", props);
    model_read(doc, BASE, EXT_MLM, rec);
    CHECK_INT_EQ(json_array_size(json_object_get(rec, "inputs")), 4096);
    CHECK_INT_EQ(
        json_array_size(json_object_get(
            json_array_get(json_object_get(rec, "outputs"), 0), "classes")),
        4096);
    CHECK(has_issue(rec, "mlm:input has more than 4096 entries"));
    CHECK(has_issue(rec, "mlm:output[0] classification:classes has more "
                         "than 4096 entries"));
    json_decref(rec);
    json_decref(doc);
}

/* A string of n bytes: 'a', then "\xc3\xa9" (e acute) repeated, so that
 * a cut at an even length falls inside a two-byte sequence. */
static json_t *long_text(size_t n)
{
    char *buf = malloc(n + 1);
    json_t *v;

    buf[0] = 'a';
    for (size_t i = 1; i + 1 < n; i += 2) {
        buf[i] = (char)0xc3;
        buf[i + 1] = (char)0xa9;
    }
    buf[n - 1] = n % 2 ? (char)0xa9 : 'z';
    buf[n] = '\0';
    v = json_stringn(buf, n);
    free(buf);
    return v;
}

/* Prose past MODEL_MAX_PROSE (16384 bytes) is cut before the UTF-8
 * sequence it would split, and the cut reported; prose of exactly the
 * bound is kept whole. */
static void test_prose_cap(void)
{
    json_t *doc = json_object(), *props = json_object(), *in = json_array();
    json_t *e = json_object(), *rec = json_object(), *ds = json_object();
    json_t *full = long_text(2000001);
    const json_t *d;

    json_object_set(props, "description", full);
    json_object_set(props, "label:description", full);
    json_object_set_new(e, "name", json_string("i"));
    json_object_set_new(e, "description", long_text(16384));
    json_array_append_new(in, e);
    json_object_set_new(props, "mlm:input", in);
    json_object_set_new(doc, "type", json_string("Feature"));
    json_object_set_new(doc, "properties", props);
    model_read(doc, BASE, EXT_MLM, rec);
    d = json_object_get(rec, "description");
    CHECK_INT_EQ(json_string_length(d), 16383);
    CHECK(d &&
          memcmp(json_string_value(d), json_string_value(full), 16383) == 0);
    CHECK(has_issue(rec, "description is 2000001 bytes long; cut at 16383 "
                         "bytes (the whole text stays in stac)"));
    d = json_object_get(json_array_get(json_object_get(rec, "inputs"), 0),
                        "description");
    CHECK_INT_EQ(json_string_length(d), 16384);
    CHECK(!has_issue(rec, "mlm:input[0] description is"));

    model_read_dataset(doc, BASE, ds);
    CHECK_INT_EQ(json_string_length(json_object_get(ds, "description")), 16383);
    CHECK_INT_EQ(json_string_length(json_object_get(ds, "label_description")),
                 16383);
    CHECK(has_issue(ds, "label:description is 2000001 bytes long"));
    json_decref(full);
    json_decref(ds);
    json_decref(rec);
    json_decref(doc);
}

/* ------------------------------------------------------------ tasks */

static const struct {
    const char *in, *out;
} task_cases[] = {
    {"semantic segmentation", "semantic-segmentation"},
    {"Object Detection", "object-detection"},
    {"object_detection", "object-detection"},
    {"  Instance   Segmentation ", "instance-segmentation"},
    {"object segmentation", "instance-segmentation"},
    {"segmentation", "segmentation"},
    {"SCENE-CLASSIFICATION", "scene-classification"},
    {"super resolution", "super-resolution"},
    {"image_captioning", "image-captioning"},
    {"similarity search", "similarity-search"},
    {"downscaling", "downscaling"},
    {"regression", "regression"},
    {"detection", "detection"},
    {"panoptic-segmentation", "panoptic-segmentation"},
    {"generative", "generative"},
    /* unknown: lower-cased only */
    {"Change Detection", "change detection"},
    {"Multi_Modal", "multi_modal"},
    {"", ""},
    {"Été", "Été"},
};

static void test_task_names(void)
{
    for (size_t i = 0; i < sizeof(task_cases) / sizeof(task_cases[0]); i++) {
        char *s = model_task_name(task_cases[i].in);
        CHECK_STR_EQ(s, task_cases[i].out);
        free(s);
    }
    CHECK(model_task_name(NULL) == NULL);
}

int main(void)
{
    test_task_names();
    test_inline();
    test_issue_cap();
    test_entry_cap();
    test_prose_cap();
    test_corpus();
    return check_exit("test-model");
}
