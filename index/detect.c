/* SPDX-License-Identifier: MIT */
/* Recognition of the ML-model extensions (ml-model, dlm, mlm) and of the
 * TrainingDML-AI dataset extension (tdml): schema URIs are matched by hand,
 * segment by segment from the end, and documents are scanned for field
 * prefixes in the few places the specifications (and their examples) put
 * them, leaving out the mlm fields by which an inference product names its
 * model (see scan_asset_keys()). Nothing here allocates except
 * detect_append_names(), and nothing reads deeper than assets inside a
 * document, so untrusted documents are safe. */
#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "index/detect.h"

/* A segment of a URI, borrowed from the string being matched. */
struct seg {
    const char *p;
    size_t n;
};

static bool seg_is(struct seg s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A version segment: "v", then digits separated by single dots, then an
 * optional "-suffix" of letters, digits and dots ("v1.0.0-beta.3"). Empty
 * components ("v1..0", "v1.") and empty suffixes are rejected so that only
 * what a release process would publish matches. */
static bool seg_is_version(struct seg s)
{
    size_t i = 1;
    if (s.n < 2 || s.p[0] != 'v')
        return false;
    for (;;) {
        if (i >= s.n || !is_digit(s.p[i]))
            return false;
        while (i < s.n && is_digit(s.p[i]))
            i++;
        if (i < s.n && s.p[i] == '.') {
            i++;
            continue;
        }
        break;
    }
    if (i == s.n)
        return true;
    if (s.p[i] != '-' || i + 1 == s.n)
        return false;
    for (i++; i < s.n; i++) {
        if (!is_alnum(s.p[i]) && s.p[i] != '.')
            return false;
    }
    return true;
}

/* Take the last '/'-separated segment of uri[0..*len) and shorten *len to
 * the position of its '/'. Returns false when no '/' precedes it, i.e. the
 * segment would be the start of the string rather than a path component. */
static bool seg_pop(const char *uri, size_t *len, struct seg *out)
{
    size_t end = *len, i = end;
    while (i > 0 && uri[i - 1] != '/')
        i--;
    if (i == 0)
        return false;
    out->p = uri + i;
    out->n = end - i;
    *len = i - 1;
    return true;
}

/* Whether a version segment (already checked by seg_is_version()) is
 * below v1.0.0: major 0, or 1.0.0 with a pre-release suffix
 * ("v1.0.0-beta.3"). Missing components count as 0 ("v1" is v1.0.0). */
static bool version_before_1(struct seg s)
{
    unsigned long part[3] = {0, 0, 0};
    size_t i = 1, k = 0;

    while (i < s.n && s.p[i] != '-') {
        if (s.p[i] == '.') {
            k++;
        } else if (k < 3 && part[k] < 10) {
            /* only whether a part is 0 or 1 matters: saturate */
            part[k] = part[k] * 10 + (unsigned long)(s.p[i] - '0');
        }
        i++;
    }
    if (part[0] != 1)
        return part[0] == 0;
    return part[1] == 0 && part[2] == 0 && i < s.n;
}

/* The extension named by a "<name>/v<ver>/schema.json" path ending. */
static unsigned name_flag(struct seg name, struct seg ver)
{
    if (seg_is(name, "ml-model"))
        return EXT_ML_MODEL;
    /* dlm-extension/v1.0.0 is the crim-ca gh-pages copy, dlm/v1.0.0 the
     * link target of its README. The repository's content at v1.0.0 is
     * already mlm v1.0.0 (the schema published there has the mlm $id,
     * EXTENSIONS.md 3.1), so only the earlier versions name dlm. */
    if (seg_is(name, "dlm-extension") || seg_is(name, "dlm"))
        return version_before_1(ver) ? EXT_DLM : EXT_MLM;
    /* Any host: the malformed "https://stac-extensions/mlm/..." of the
     * stac-extensions gh-pages copies must match, and so does a mirror. */
    if (seg_is(name, "mlm") || seg_is(name, "mlm-extension"))
        return EXT_MLM;
    if (seg_is(name, "trainingdml-ai"))
        return EXT_TDML;
    return 0;
}

unsigned detect_uri(const char *uri)
{
    static const char suffix[] = "/schema.json";
    const size_t slen = sizeof(suffix) - 1;
    struct seg s1, s2, s3;
    size_t len;

    if (!uri)
        return 0;
    len = strlen(uri);
    /* Schema $id values carry a trailing '#'; compare without one. */
    if (len > 0 && uri[len - 1] == '#')
        len--;
    /* The pre-1.0 short identifier of the dl-model proposal. */
    if (len == 8 && memcmp(uri, "dl-model", 8) == 0)
        return EXT_DLM;
    if (len <= slen || memcmp(uri + len - slen, suffix, slen) != 0)
        return 0;
    len -= slen;
    if (!seg_pop(uri, &len, &s1) || !seg_pop(uri, &len, &s2))
        return 0;
    if (seg_is(s1, "json-schema")) {
        /* schemas.stacspec.org/v1.0.0-beta.{2,3}/extensions/dl-model/... */
        if (!seg_is(s2, "dl-model") || !seg_pop(uri, &len, &s3) ||
            !seg_is(s3, "extensions"))
            return 0;
        return EXT_DLM;
    }
    if (!seg_is_version(s1))
        return 0;
    return name_flag(s2, s1);
}

/* The extension whose field prefix starts key, 0 when none of ours. */
static unsigned key_flag(const char *key)
{
    if (strncmp(key, "ml-model:", 9) == 0)
        return EXT_ML_MODEL;
    if (strncmp(key, "dlm:", 4) == 0)
        return EXT_DLM;
    if (strncmp(key, "mlm:", 4) == 0)
        return EXT_MLM;
    if (strncmp(key, "tdml:", 5) == 0)
        return EXT_TDML;
    return 0;
}

/* The union of key_flag() over the keys of obj (0 for a non-object). */
static unsigned scan_keys(const json_t *obj)
{
    void *it;
    unsigned exts = 0;

    if (!json_is_object(obj))
        return 0;
    /* The iterator API needs a non-const object; it does not modify it. */
    for (it = json_object_iter((json_t *)obj); it;
         it = json_object_iter_next((json_t *)obj, it))
        exts |= key_flag(json_object_iter_key(it));
    return exts;
}

/* The mlm fields that mlm forbids on assets (Item properties only, schema
 * "mlmAssetFields"). On an asset, mlm:name is how an inference product
 * names the model that made it (EXTENSIONS.md 4.4), so these say nothing
 * about the asset being a model. */
static bool is_mlm_item_only(const char *key)
{
    return strcmp(key, "mlm:name") == 0 || strcmp(key, "mlm:input") == 0 ||
           strcmp(key, "mlm:output") == 0 ||
           strcmp(key, "mlm:hyperparameters") == 0;
}

/* Whether a processing:expression (one object or an array of them) has
 * the format "stac-mlm": the asset was produced by running a model. */
static bool is_mlm_product(const json_t *expr)
{
    const json_t *e;
    size_t i;

    if (json_is_object(expr))
        return json_is_string(json_object_get(expr, "format")) &&
               strcmp(json_string_value(json_object_get(expr, "format")),
                      "stac-mlm") == 0;
    json_array_foreach (expr, i, e) {
        if (json_is_object(e) && is_mlm_product(e))
            return true;
    }
    return false;
}

/* The field prefixes of one asset. Its mlm fields describe a model
 * artifact (mlm:architecture, mlm:artifact_type, ...) unless the asset
 * is an inference product, whose mlm fields name the model behind it
 * (EXTENSIONS.md 4.4): an asset marked by a "stac-mlm" processing
 * expression, or one whose only mlm fields are those mlm allows in Item
 * properties alone. A real model is still found by its declared schema
 * or its mlm:model role. */
static unsigned scan_asset_keys(const json_t *asset)
{
    void *it;
    unsigned exts = 0;
    bool product =
        is_mlm_product(json_object_get(asset, "processing:expression"));

    for (it = json_object_iter((json_t *)asset); it;
         it = json_object_iter_next((json_t *)asset, it)) {
        const char *key = json_object_iter_key(it);
        unsigned flag = key_flag(key);

        if (flag == EXT_MLM && (product || is_mlm_item_only(key)))
            continue;
        exts |= flag;
    }
    return exts;
}

/* Asset roles are values, not keys, but "mlm:model" is REQUIRED on an mlm
 * Item's model asset and the only mlm marker of the mlm example Collection
 * (item_assets), and ml-model defines "ml-model:inference-runtime" etc.
 * Only the two extensions that define roles count; the dlm betas spell the
 * member "role", so both spellings are read, as an array or one string. */
static unsigned role_flag(const json_t *role)
{
    const char *s = json_string_value(role);
    if (!s)
        return 0;
    if (strncmp(s, "mlm:", 4) == 0)
        return EXT_MLM;
    if (strncmp(s, "ml-model:", 9) == 0)
        return EXT_ML_MODEL;
    return 0;
}

static unsigned scan_roles(const json_t *roles)
{
    size_t i;
    unsigned exts = 0;

    if (json_is_string(roles))
        return role_flag(roles);
    for (i = 0; i < json_array_size(roles); i++)
        exts |= role_flag(json_array_get(roles, i));
    return exts;
}

/* One asset (or item_assets entry): its field keys and its roles. */
static unsigned scan_asset(const json_t *asset)
{
    if (!json_is_object(asset))
        return 0;
    return scan_asset_keys(asset) |
           scan_roles(json_object_get(asset, "roles")) |
           scan_roles(json_object_get(asset, "role"));
}

/* The assets of an object-valued container (assets, item_assets). Asset
 * keys are names chosen by the publisher ("mlm:model" is only a suggested
 * key), so they are not fields and are not scanned. */
static unsigned scan_asset_map(const json_t *map)
{
    void *it;
    unsigned exts = 0;

    if (!json_is_object(map))
        return 0;
    for (it = json_object_iter((json_t *)map); it;
         it = json_object_iter_next((json_t *)map, it))
        exts |= scan_asset(json_object_iter_value(it));
    return exts;
}

/* "assets" as an object, or as the array of the dlm beta examples, whose
 * elements are either assets or one-member wrappers {"<name>": asset}. An
 * element with an href is an asset; anything else is taken as a wrapper,
 * whose keys are again names and not fields. */
static unsigned scan_assets(const json_t *assets)
{
    size_t i;
    unsigned exts = 0;

    if (!json_is_array(assets))
        return scan_asset_map(assets);
    for (i = 0; i < json_array_size(assets); i++) {
        const json_t *elem = json_array_get(assets, i);
        if (json_object_get(elem, "href"))
            exts |= scan_asset(elem);
        else
            exts |= scan_asset_map(elem);
    }
    return exts;
}

unsigned detect_document(const json_t *doc)
{
    const json_t *uris;
    size_t i;
    unsigned exts = 0;

    if (!json_is_object(doc))
        return 0;
    /* json_array_size() is 0 for a non-array, json_string_value() NULL for
     * a non-string, and detect_uri(NULL) is 0: no type checks needed. */
    uris = json_object_get(doc, "stac_extensions");
    for (i = 0; i < json_array_size(uris); i++)
        exts |= detect_uri(json_string_value(json_array_get(uris, i)));
    /* Collections carry fields at the top level; tdml Collections also in
     * a non-standard "properties" object, which the Item rule covers. */
    exts |= scan_keys(doc);
    exts |= scan_keys(json_object_get(doc, "properties"));
    exts |= scan_keys(json_object_get(doc, "summaries"));
    exts |= scan_assets(json_object_get(doc, "assets"));
    exts |= scan_asset_map(json_object_get(doc, "item_assets"));
    return exts;
}

void detect_append_names(unsigned exts, json_t *arr)
{
    /* Sorted by name: '-' sorts before 'm', so "ml-model" < "mlm". */
    static const unsigned order[] = {EXT_DLM, EXT_ML_MODEL, EXT_MLM};
    size_t i;

    if (!json_is_array(arr))
        return;
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (exts & order[i])
            json_array_append_new(arr, json_string(detect_name(order[i])));
    }
}

const char *detect_name(unsigned flag)
{
    switch (flag) {
    case EXT_ML_MODEL:
        return "ml-model";
    case EXT_DLM:
        return "dlm";
    case EXT_MLM:
        return "mlm";
    case EXT_TDML:
        return "tdml";
    default:
        return NULL;
    }
}
