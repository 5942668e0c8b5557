/* SPDX-License-Identifier: MIT */
/* The assets of a model document: which one is the model, which ones are
 * artifacts (the model and how to run it, from asset roles, misplaced
 * assets, ml-model image links and dlm archive and runtime fields), and
 * the links to its training, validation and test data. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "index/detect.h"
#include "index/model-int.h"
#include "src/text.h"
#include "src/url.h"
#include "src/xalloc.h"

/* ------------------------------------------------------------ assets */

/* Roles that make an asset a model artifact: the model or how to run it.
 * The mlm roles, the ml-model roles they replace, the generic roles mlm
 * pairs with them, and the role of the dlm example's archive asset. */
static const char *const artifact_roles[] = {
    "mlm:model",
    "mlm:weights",
    "mlm:checkpoint",
    "mlm:compiled",
    "mlm:source_code",
    "mlm:inference-runtime",
    "mlm:training-runtime",
    "mlm:container",
    "mlm:training",
    "mlm:inference",
    "ml-model:checkpoint",
    "ml-model:inference-runtime",
    "ml-model:training-runtime",
    "model",
    "weights",
    "checkpoint",
    "code",
    "runtime",
    "model artefact",
    "model artifact",
};

/* mlm's suggested asset keys, used by some documents as roles. */
static const char *const key_roles[] = {
    "mlm:container",
    "mlm:training",
    "mlm:inference",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

static bool has_role(const json_t *roles, const char *role)
{
    const json_t *e;
    size_t i;

    json_array_foreach (roles, i, e) {
        if (strcmp(json_string_value(e), role) == 0)
            return true;
    }
    return false;
}

/* The roles of an asset (new array), accepting dlm's singular "role" and a
 * lone string. */
static json_t *asset_roles(struct model_reader *r, const char *key,
                           const json_t *asset)
{
    const json_t *v = json_object_get(asset, "roles");
    char what[160];

    snprintf(what, sizeof(what), "asset \"%.*s\" roles", model_quote_len(key),
             key);
    if (!v) {
        v = json_object_get(asset, "role");
        if (v)
            model_issue(r, "asset \"%.*s\": \"role\" read as \"roles\"",
                        model_quote_len(key), key);
    }
    return model_texts(r, v, what, false);
}

typedef void (*asset_fn)(struct model_reader *r, const char *key,
                         const json_t *asset, void *arg);

/* Call fn for each asset: "assets" as an object, or, as in the dlm betas,
 * an array whose elements are assets or wrap one under its key. At most
 * MODEL_MAX_ENTRIES are visited. */
static void for_each_asset(struct model_reader *r, const json_t *assets,
                           asset_fn fn, void *arg)
{
    const char *key;
    const json_t *a, *e;
    size_t i, n = 0;
    char name[32];

    if (!assets || json_is_null(assets))
        return;
    model_check_cap(r, assets, "assets");
    if (json_is_object(assets)) {
        json_object_foreach ((json_t *)assets, key, a) {
            if (n++ >= MODEL_MAX_ENTRIES)
                break;
            if (json_is_object(a))
                fn(r, key, a, arg);
        }
        return;
    }
    if (!json_is_array(assets)) {
        model_issue(r, "assets should be an object, not %s; ignored",
                    model_type_name(assets));
        return;
    }
    model_issue(r,
                "assets should be an object keyed by name, not an array; read "
                "as one");
    json_array_foreach (assets, i, e) {
        if (!json_is_object(e))
            continue;
        if (json_object_get(e, "href")) {
            snprintf(name, sizeof(name), "%zu", i);
            if (n++ >= MODEL_MAX_ENTRIES)
                return;
            fn(r, name, e, arg);
            continue;
        }
        json_object_foreach ((json_t *)e, key, a) {
            if (n++ >= MODEL_MAX_ENTRIES)
                return;
            if (json_is_object(a))
                fn(r, key, a, arg);
        }
    }
}

/* Remember the first asset with the role mlm:model. Its roles are read
 * as asset_roles() reads them for the artifacts (dlm's singular "role", a
 * lone string), so that an asset listed as the model artifact is also
 * the one whose mlm fields count for the model. */
static bool is_model_role(const json_t *roles)
{
    const json_t *e;
    size_t i;

    if (json_is_string(roles))
        return strcmp(json_string_value(roles), "mlm:model") == 0;
    json_array_foreach (roles, i, e) {
        const char *s = json_string_value(e);
        if (s && strcmp(s, "mlm:model") == 0)
            return true;
    }
    return false;
}

/* arg points to whether the asset is an item asset (item_assets). */
static void on_asset_find_model(struct model_reader *r, const char *key,
                                const json_t *asset, void *arg)
{
    const json_t *roles = json_object_get(asset, "roles");

    if (r->model_asset)
        return;
    if (!roles)
        roles = json_object_get(asset, "role");
    if (!is_model_role(roles))
        return;
    r->model_asset = asset;
    /* The artifacts name the asset so (on_asset_artifact()). */
    r->model_asset_label =
        xasprintf("%s \"%.*s\"", *(bool *)arg ? "item asset" : "asset",
                  model_quote_len(key), key);
}

void model_find_model_asset(struct model_reader *r)
{
    for_each_asset(r, json_object_get(r->doc, "assets"), on_asset_find_model,
                   &(bool){false});
    if (!r->model_asset && r->is_collection)
        for_each_asset(r, json_object_get(r->doc, "item_assets"),
                       on_asset_find_model, &(bool){true});
}

/* ------------------------------------------------------------ artifacts */

/* The mlm fields an asset may set for itself (README: asset values
 * override Item values for that asset), as record keys. */
static const struct {
    const char *mlm, *key;
    char kind; /* 's' string, 'b' boolean, 't' tasks, '0' count of at
                  least 0, '1' count of at least 1 (mlm's minimums) */
} asset_overrides[] = {
    {"mlm:architecture", "architecture", 's'},
    {"mlm:tasks", "tasks", 't'},
    {"mlm:framework", "framework", 's'},
    {"mlm:framework_version", "framework_version", 's'},
    {"mlm:accelerator", "accelerator", 's'},
    {"mlm:accelerator_constrained", "accelerator_constrained", 'b'},
    {"mlm:accelerator_summary", "accelerator_summary", 's'},
    {"mlm:accelerator_count", "accelerator_count", '1'},
    {"mlm:batch_size_suggestion", "batch_size_suggestion", '0'},
    {"mlm:pretrained", "pretrained", 'b'},
    {"mlm:pretrained_source", "pretrained_source", 's'},
    {"mlm:total_parameters", "total_parameters", '0'},
    {"mlm:memory_size", "memory_size", '0'},
    /* fields of assets only */
    {"mlm:compile_method", "compile_method", 's'},
    {"mlm:entrypoint", "entrypoint", 's'},
};

/* The artifacts being collected, and the Item's file:size (the record's
 * file_size; borrowed, or NULL), the model file's size unless the model
 * asset gives its own. */
struct artifacts {
    json_t *arr;
    bool full;
    const json_t *model_size;
};

/* Append art (taken) unless the cap is reached. */
static void art_append(struct model_reader *r, struct artifacts *arts,
                       json_t *art)
{
    if (json_array_size(arts->arr) >= MODEL_MAX_ENTRIES) {
        if (!arts->full)
            model_issue(r, "more than %d model artifacts; the rest are ignored",
                        MODEL_MAX_ENTRIES);
        arts->full = true;
        json_decref(art);
        return;
    }
    json_array_append_new(arts->arr, art);
}

/* The asset's title and its size in bytes (file extension, file:size).
 * Its description, prose of any length, stays in "stac". */
static void art_title_size(struct model_reader *r, const char *key,
                           const json_t *asset, json_t *art)
{
    char what[160];

    snprintf(what, sizeof(what), "asset \"%.*s\" title", model_quote_len(key),
             key);
    model_put(art, "title",
              model_text(r, json_object_get(asset, "title"), what));
    snprintf(what, sizeof(what), "asset \"%.*s\" file:size",
             model_quote_len(key), key);
    model_put(art, "file_size",
              model_count(r, json_object_get(asset, "file:size"), what, 0));
}

/* The size of the model asset when it gives none (no file:size, or null):
 * item_size, the Item's file:size. The File extension defines file:size
 * for assets only, and mlm recommends it on the model asset; but the mlm
 * examples up to v1.5.2 give it in the Item properties and on no asset:
 * 43000000 bytes, the order of the ResNet-18 weights file they describe
 * (11.7 million float32 parameters), while the newest example gives it on
 * its weights asset instead. Only the first model asset, the one read as the
 * model, takes it: the older examples also give the role mlm:model to the
 * Python source file beside the weights. */
static void model_asset_size(const json_t *asset, json_t *art,
                             const json_t *item_size)
{
    const json_t *own = json_object_get(asset, "file:size");

    if (item_size && (!own || json_is_null(own)))
        json_object_set_new(art, "file_size", json_copy((json_t *)item_size));
}

/* One artifact from an asset whose roles say it is one. */
static void on_asset_artifact(struct model_reader *r, const char *key,
                              const json_t *asset, void *arg)
{
    struct artifacts *arts = arg;
    json_t *roles = asset_roles(r, key, asset);
    json_t *art, *v;
    const json_t *e;
    char what[160];
    bool is_art = false;
    size_t i;

    json_array_foreach (roles, i, e) {
        const char *s = json_string_value(e);
        if (in_list(s, artifact_roles,
                    sizeof(artifact_roles) / sizeof(artifact_roles[0])))
            is_art = true;
        if (in_list(s, key_roles, sizeof(key_roles) / sizeof(key_roles[0])))
            model_issue(
                r,
                "asset \"%.*s\": \"%s\" is a suggested asset key, not an "
                "mlm role",
                model_quote_len(key), key, s);
    }
    if (!is_art) {
        json_decref(roles);
        return;
    }
    snprintf(what, sizeof(what), "asset \"%.*s\"", model_quote_len(key), key);
    art = json_object();
    json_object_set_new(art, "key", json_string(key));
    model_put(art, "href",
              model_resolve_href(r, json_object_get(asset, "href"), true, true,
                                 what));
    snprintf(what, sizeof(what), "asset \"%.*s\" type", model_quote_len(key),
             key);
    model_put(art, "type", model_text(r, json_object_get(asset, "type"), what));
    json_object_set_new(art, "roles", roles);
    art_title_size(r, key, asset, art);
    if (asset == r->model_asset)
        model_asset_size(asset, art, arts->model_size);
    snprintf(what, sizeof(what), "asset \"%.*s\" mlm:artifact_type",
             model_quote_len(key), key);
    v = model_text(r, json_object_get(asset, "mlm:artifact_type"), what);
    if (!v && has_role(roles, "mlm:model") && (r->declared & EXT_MLM) &&
        r->mlm_version >= 104)
        model_issue(r,
                    "asset \"%.*s\" has the role mlm:model but no "
                    "mlm:artifact_type, required since mlm v1.4.0",
                    model_quote_len(key), key);
    model_put(art, "artifact_type", v);
    for (i = 0; i < sizeof(asset_overrides) / sizeof(asset_overrides[0]); i++) {
        e = json_object_get(asset, asset_overrides[i].mlm);
        if (!e || json_is_null(e))
            continue;
        snprintf(what, sizeof(what), "asset \"%.*s\" %s", model_quote_len(key),
                 key, asset_overrides[i].mlm);
        switch (asset_overrides[i].kind) {
        case 's':
            v = model_text(r, e, what);
            break;
        case '0':
        case '1':
            v = model_count(r, e, what, asset_overrides[i].kind - '0');
            break;
        case 'b':
            v = model_bool(r, e, what);
            break;
        default:
            v = model_task_array(r, e, what, false);
            break;
        }
        model_put(art, asset_overrides[i].key, v);
    }
    /* mlm v1.5.0: an asset with an entrypoint is code */
    if (json_object_get(art, "entrypoint") && !has_role(roles, "code"))
        model_issue(r,
                    "asset \"%.*s\" has mlm:entrypoint but not the role code, "
                    "which mlm requires with it",
                    model_quote_len(key), key);
    art_append(r, arts, art);
}

/* Top-level members that are STAC's own, never misplaced assets. */
static const char *const core_keys[] = {
    "type",    "stac_version", "stac_extensions", "id",         "geometry",
    "bbox",    "properties",   "links",           "assets",     "collection",
    "extent",  "summaries",    "item_assets",     "providers",  "keywords",
    "license", "title",        "description",     "conformsTo",
};

/* An asset written beside "assets" instead of inside it (the mlm datacube
 * example has one): an object member with a string href and an artifact
 * role. Read, with an issue. */
static void misplaced_assets(struct model_reader *r, struct artifacts *arts)
{
    const char *key;
    const json_t *v;
    size_t n = 0;

    if (!r->is_item && !r->is_collection)
        return;
    json_object_foreach ((json_t *)r->doc, key, v) {
        size_t before = json_array_size(arts->arr);

        if (n++ >= MODEL_MAX_ENTRIES)
            break;
        if (!json_is_object(v) || !json_is_string(json_object_get(v, "href")) ||
            in_list(key, core_keys, sizeof(core_keys) / sizeof(core_keys[0])))
            continue;
        on_asset_artifact(r, key, v, arts);
        if (json_array_size(arts->arr) > before)
            model_issue(
                r,
                "\"%.*s\" is an asset written outside \"assets\"; read as "
                "one",
                model_quote_len(key), key);
    }
}

/* An artifact that is no asset of the document (an image link, a dlm
 * runtime field): key, href, roles. An image reference stays as given
 * unless it is an http(s) URL: "thelper-geo:latest" names an image even
 * without a registry host, so it must never be resolved as a path. */
static json_t *art_new(struct model_reader *r, const char *key,
                       const json_t *href, bool image, const char *role)
{
    const char *h = json_string_value(href);
    json_t *art = json_object(), *roles = json_array();

    json_object_set_new(art, "key", json_string(key));
    if (image && !model_is_script_url(h) &&
        !(model_has_scheme(h) && url_scheme_of(h) != URL_SCHEME_OTHER))
        model_put(art, "href", model_text_copy(href));
    else
        model_put(art, "href", model_resolve_href(r, href, true, true, key));
    json_array_append_new(roles, json_string(role));
    json_object_set_new(art, "roles", roles);
    return art;
}

/* dlm: the files of the model archive (dlm:archive) and the runtime's
 * source repository, Dockerfile and image. */
static void dlm_artifacts(struct model_reader *r, struct artifacts *arts)
{
    const json_t *archive = model_field(r, "dlm:archive");
    const json_t *rt = model_object(r, "dlm:runtime");
    const json_t *docker = json_object_get(rt, "docker");
    const json_t *e, *v;
    size_t i;

    if (archive && !json_is_null(archive) && !json_is_array(archive))
        model_issue(r, "dlm:archive should be an array, not %s; ignored",
                    model_type_name(archive));
    json_array_foreach (archive, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        json_t *art, *roles;

        if (!name || !*name) {
            model_issue(r,
                        "dlm:archive entries need a string name; one ignored");
            continue;
        }
        v = json_object_get(e, "role");
        /* The schema makes role one string; the examples use an array. */
        if (json_is_array(v))
            model_issue(r, "dlm:archive role should be a string, not an array; "
                           "read as a list");
        roles = model_texts(r, v, "dlm:archive role", true);
        /* The archive's files have names inside the archive, not hrefs. */
        art = json_object();
        json_object_set_new(art, "key", json_string(name));
        json_object_set_new(art, "roles", roles ? roles : json_array());
        art_append(r, arts, art);
    }
    if (rt && !json_is_object(rt)) {
        model_issue(r, "dlm:runtime should be an object, not %s; ignored",
                    model_type_name(rt));
        return;
    }
    v = json_object_get(rt, "model_src_url");
    if (json_is_string(v) && json_string_length(v)) {
        json_t *art = art_new(r, "dlm:runtime.model_src_url", v, false, "code");
        /* model_handler, the function of that source that runs the model,
         * is what mlm calls the entrypoint of the code asset. */
        model_put(art, "entrypoint",
                  model_text(r, json_object_get(rt, "model_handler"),
                             "dlm:runtime model_handler"));
        art_append(r, arts, art);
    }
    v = json_object_get(docker, "docker_file");
    if (json_is_string(v) && json_string_length(v))
        art_append(
            r, arts,
            art_new(r, "dlm:runtime.docker.docker_file", v, false, "runtime"));
    v = json_object_get(docker, "image_name");
    if (json_is_string(v) && json_string_length(v)) {
        const char *tag = json_string_value(json_object_get(docker, "tag"));
        json_t *img = NULL;

        if (tag && *tag && !strchr(json_string_value(v), ':'))
            img = json_sprintf("%s:%s", json_string_value(v), tag);
        art_append(r, arts,
                   art_new(r, "dlm:runtime.docker.image_name", img ? img : v,
                           true, "runtime"));
        json_decref(img);
    }
}

/* ml-model: the Docker image links, whose hrefs are registry
 * references. */
static void image_links(struct model_reader *r, struct artifacts *arts)
{
    const json_t *links = json_object_get(r->doc, "links");
    const json_t *l;
    size_t i;

    json_array_foreach (links, i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const json_t *href = json_object_get(l, "href");
        json_t *art;

        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (!rel || (strcmp(rel, "ml-model:inferencing-image") != 0 &&
                     strcmp(rel, "ml-model:training-image") != 0))
            continue;
        if (!json_is_string(href) || !json_string_length(href)) {
            model_issue(r, "link \"%s\" needs a string href; ignored", rel);
            continue;
        }
        art = art_new(r, rel, href, true, rel);
        model_put(art, "type",
                  model_text(r, json_object_get(l, "type"), "image link type"));
        art_append(r, arts, art);
    }
}

/* An mlm:entrypoint written on the Item (the mlm example
 * item_pytorch_geo_unet.json has one beside "properties") where mlm allows
 * it only on an asset with the role code: read as the entrypoint of the
 * first source-code artifact (role mlm:source_code) that has none, with an
 * issue; ignored when there is no such artifact. */
static void item_entrypoint(struct model_reader *r, struct artifacts *arts)
{
    const json_t *v = model_scalar(r, "mlm:entrypoint");
    const char *where = r->is_item         ? "Item"
                        : r->is_collection ? "Collection"
                                           : "document";
    const json_t *art;
    json_t *text;
    size_t i;

    if (!v || json_is_null(v))
        return;
    text = model_text(r, v, "mlm:entrypoint");
    if (!text)
        return;
    json_array_foreach (arts->arr, i, art) {
        const char *key = json_string_value(json_object_get(art, "key"));

        if (!has_role(json_object_get(art, "roles"), "mlm:source_code") ||
            json_object_get(art, "entrypoint"))
            continue;
        model_issue(r,
                    "mlm:entrypoint belongs on the asset with the role code, "
                    "not on the %s; read as the entrypoint of \"%.*s\"",
                    where, model_quote_len(key), key);
        json_object_set_new((json_t *)art, "entrypoint", text);
        return;
    }
    model_issue(r,
                "mlm:entrypoint belongs on the asset with the role code, not "
                "on the %s; no source-code asset to read it for, ignored",
                where);
    json_decref(text);
}

void model_read_artifacts(struct model_reader *r, json_t *rec, unsigned exts)
{
    struct artifacts arts = {model_fresh_array(rec, "artifacts"), false, NULL};

    /* rec's file_size, read before the artifacts. A Collection's, maybe
     * one of its Items' (summaries), is not said to be its model asset's;
     * the examples are all Items. */
    if (r->is_item)
        arts.model_size = json_object_get(rec, "file_size");

    for_each_asset(r, json_object_get(r->doc, "assets"), on_asset_artifact,
                   &arts);
    misplaced_assets(r, &arts);
    if (exts & EXT_MLM)
        item_entrypoint(r, &arts);
    image_links(r, &arts);
    if (exts & EXT_DLM)
        dlm_artifacts(r, &arts);
}

/* ------------------------------------------------------------ data links */

/* Which list a derived_from link's ml-aoi:split puts it in: 0 train, 1
 * validation, 2 test. No split means training data (the caller reads
 * models only, and a model's derived_from names what it was made from). */
static int link_split(struct model_reader *r, const json_t *v)
{
    static const char *const canonical[] = {"train", "validate", "test"};
    static const struct {
        const char *name;
        int list;
        bool exact;
    } splits[] = {
        {"train", 0, true},     {"validate", 1, true},    {"test", 2, true},
        {"training", 0, false}, {"validation", 1, false}, {"val", 1, false},
        {"testing", 2, false},
    };
    const char *s = json_string_value(v);

    if (!v || json_is_null(v))
        return 0;
    if (!s) {
        model_issue(r,
                    "link ml-aoi:split should be a string, not %s; read as "
                    "train",
                    model_type_name(v));
        return 0;
    }
    /* "Test" or "VALIDATE" is no other split than test or validate. */
    for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
        if (strcasecmp(s, splits[i].name) == 0) {
            if (!splits[i].exact || strcmp(s, splits[i].name) != 0)
                model_issue(
                    r,
                    "link ml-aoi:split \"%s\" should be train, validate or "
                    "test; read as %s",
                    s, canonical[splits[i].list]);
            return splits[i].list;
        }
    }
    model_issue(r,
                "link ml-aoi:split \"%.*s\" should be train, validate or test; "
                "read as train",
                model_quote_len(s), s);
    return 0;
}

/* Why the crawler will not follow a training link l to href (resolved), or
 * NULL: a media type that is not JSON (a GeoTIFF), a scheme it does not
 * fetch (s3://), a local file named by a document on the web. Such a
 * link stays in the model's data lists, but gets no dataset record. */
static const char *unfollowed(struct model_reader *r, const json_t *l,
                              const char *href)
{
    const json_t *type = json_object_get(l, "type");
    if (type && !json_is_null(type))
        return json_is_string(type)
                   ? text_media_type_problem(json_string_value(type),
                                             json_string_length(type))
                   : "link type is not a string";
    enum url_scheme scheme = url_scheme_of(href);
    if (scheme == URL_SCHEME_HTTP || scheme == URL_SCHEME_HTTPS)
        return NULL;
    if (scheme == URL_SCHEME_FILE)
        return r->url && url_scheme_of(r->url) == URL_SCHEME_FILE
                   ? NULL
                   : "a local file named by a document on the web";
    return "not an http(s) URL";
}

void model_read_data_links(struct model_reader *r, json_t *rec, unsigned exts)
{
    static const char *const keys[3] = {"train_data", "validation_data",
                                        "test_data"};
    const json_t *links = json_object_get(r->doc, "links");
    struct model_set sets[3];
    const json_t *l;
    size_t i;

    for (int k = 0; k < 3; k++)
        model_set_init(&sets[k], model_fresh_array(rec, keys[k]));
    /* Meant for models only; should the reader meet anything else (an
     * inference product whose derived_from names its model), its links
     * are no training data. */
    if (!(exts & EXT_MODEL_MASK))
        links = NULL;
    if (links && !json_is_array(links))
        model_issue(r, "links should be an array, not %s; ignored",
                    model_type_name(links));
    json_array_foreach (links, i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const char *why;
        json_t *href;
        int list;

        if (!rel)
            continue;
        if (strcmp(rel, "ml-model:train-data") == 0)
            list = 0;
        else if (strcmp(rel, "ml-model:test-data") == 0)
            list = 2;
        else if (strcmp(rel, "derived_from") == 0)
            list = link_split(r, json_object_get(l, "ml-aoi:split"));
        else
            continue;
        href = model_resolve_href(r, json_object_get(l, "href"), false, false,
                                  "data link");
        if (href && !model_set_add(&sets[list], json_string_value(href)))
            model_issue(r, "more than %d %s links; the rest are ignored",
                        MODEL_MAX_ENTRIES, keys[list]);
        else if (href && (why = unfollowed(r, l, json_string_value(href))))
            model_issue(r, "training data %.*s is not followed: %s",
                        model_quote_len(json_string_value(href)),
                        json_string_value(href), why);
        json_decref(href);
    }
    for (int k = 0; k < 3; k++)
        model_set_cleanup(&sets[k]);
}
