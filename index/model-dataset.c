/* SPDX-License-Identifier: MIT */
/* The dataset record: TrainingDML-AI (tdml) fields wherever a document puts
 * them, with the label, ml-aoi and sci fields tdml relies on, the spellings
 * of tdml's schema and examples read as its README's. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "index/detect.h"
#include "index/model-int.h"
#include "index/model.h"

/* ------------------------------------------------------------ datasets */

/* Key spellings of tdml's schema and examples, read as its README's. */
static const struct model_rename tdml_renames[] = {
    {"levelDescription", "level_description"},
    {"evaluationMethod", "evaluation_method"},
    {"labeler_name", "labeler_names"},
    {"algroithm", "algorithm"},
    {"algotithm", "algorithm"},
};

/* A copy of a free-form tdml value with the keys above renamed (each
 * rename reported), arrays and objects capped, nesting cut at
 * MODEL_MAX_DEPTH. */
static json_t *copy_renamed(struct model_reader *r, const json_t *v,
                            const char *what, int depth)
{
    static const struct model_copy_opts tdml = {
        tdml_renames, sizeof(tdml_renames) / sizeof(tdml_renames[0]), false};
    return model_copy_tree(r, v, what, depth, &tdml);
}

/* obj[key], when a lone string, as a one-element array (tdml provenance
 * lists). */
static void string_to_list(struct model_reader *r, json_t *obj, const char *key,
                           const char *what)
{
    json_t *v = json_object_get(obj, key), *a;

    if (!json_is_string(v))
        return;
    model_issue(
        r, "%s %s should be an array of strings, not a string; read as one",
        what, key);
    a = json_array();
    json_array_append(a, v);
    json_object_set_new(obj, key, a);
}

/* A tdml object field (scope, quality, provenance), copied with renames.
 * From summaries, the first value listed, or one object as given. */
static json_t *tdml_object(struct model_reader *r, const char *key)
{
    const json_t *v = model_object(r, key);

    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_object(v)) {
        model_issue(r, "%s should be an object, not %s; ignored", key,
                    model_type_name(v));
        return NULL;
    }
    return copy_renamed(r, v, key, 0);
}

/* tdml:metrics_in_LIT as [{doi, algorithm, metrics: [{name, value}]}]:
 * a lone object is read as a list of one (the list, or an entry's
 * metrics), string values as numbers. */
static json_t *tdml_metrics(struct model_reader *r)
{
    const json_t *v = model_field(r, "tdml:metrics_in_LIT");
    json_t *list, *out;
    json_t *e, *m, *val;
    size_t i, j;
    double d;

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_object(v)) {
        model_issue(r, "tdml:metrics_in_LIT should be an array, not an object; "
                       "read as one");
        list = json_array();
        json_array_append_new(list,
                              copy_renamed(r, v, "tdml:metrics_in_LIT", 1));
    } else if (json_is_array(v)) {
        list = copy_renamed(r, v, "tdml:metrics_in_LIT", 0);
    } else {
        model_issue(r,
                    "tdml:metrics_in_LIT should be an array, not %s; ignored",
                    model_type_name(v));
        return NULL;
    }
    out = json_array();
    json_array_foreach (list, i, e) {
        if (!json_is_object(e)) {
            model_issue(r, "tdml:metrics_in_LIT entries should be objects; one "
                           "ignored");
            continue;
        }
        m = json_object_get(e, "metrics");
        if (json_is_object(m)) {
            model_issue(r, "tdml:metrics_in_LIT metrics should be an array, "
                           "not an object; read as one");
            json_object_set_new(e, "metrics", json_pack("[O]", m));
        }
        json_array_foreach (json_object_get(e, "metrics"), j, m) {
            val = json_object_get(m, "value");
            if (json_is_string(val) &&
                model_parse_number(json_string_value(val), &d)) {
                model_issue(r, "tdml:metrics_in_LIT metric values should be "
                               "numbers, not strings; read as numbers");
                json_object_set_new(m, "value", json_real(d));
            }
        }
        json_array_append(out, e);
    }
    json_decref(list);
    return out;
}

/* tdml:image_sizes, or the schema's tdml:image_size, which the examples
 * give as a string of JSON ("[[32508], [15354]]"). */
static json_t *tdml_image_sizes(struct model_reader *r)
{
    const json_t *v = model_field(r, "tdml:image_sizes");
    json_t *parsed, *out;
    json_error_t err;

    if (!v) {
        v = model_field(r, "tdml:image_size");
        if (v)
            model_issue(r, "\"tdml:image_size\" read as \"tdml:image_sizes\"");
    }
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        parsed = json_string_length(v) <= MODEL_MAX_EMBEDDED
                     ? json_loadb(json_string_value(v), json_string_length(v),
                                  0, &err)
                     : NULL;
        if (!json_is_array(parsed)) {
            model_issue(r, "tdml:image_sizes should be an array, not a string; "
                           "ignored");
            json_decref(parsed);
            return NULL;
        }
        model_issue(r,
                    "tdml:image_sizes should be an array, not a string holding "
                    "one; read as one");
        out = copy_renamed(r, parsed, "tdml:image_sizes", 0);
        json_decref(parsed);
        return out;
    }
    if (json_is_number(v)) {
        model_issue(r,
                    "tdml:image_sizes should be an array, not a number; read "
                    "as one");
        out = json_array();
        json_array_append_new(out, json_copy((json_t *)v));
        return out;
    }
    if (!json_is_array(v)) {
        model_issue(r, "tdml:image_sizes should be an array, not %s; ignored",
                    model_type_name(v));
        return NULL;
    }
    return copy_renamed(r, v, "tdml:image_sizes", 0);
}

/* label:classes (or the misspelt label:class) as [{name, classes}]. */
static void label_classes(struct model_reader *r, json_t *out)
{
    const json_t *v = model_field(r, "label:classes");
    const json_t *e, *cls;
    size_t i;

    if (!v) {
        v = model_field(r, "label:class");
        if (v)
            model_issue(r, "\"label:class\" read as \"label:classes\"");
    }
    if (!model_is_list(r, v, "label:classes"))
        return;
    json_array_foreach (v, i, e) {
        json_t *o, *list;

        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (!json_is_object(e)) {
            model_issue(r,
                        "label:classes entries should be objects; %s ignored",
                        model_type_name(e));
            continue;
        }
        o = json_object();
        model_put(
            o, "name",
            model_text(r, json_object_get(e, "name"), "label:classes name"));
        cls = json_object_get(e, "classes");
        if (!cls) {
            cls = json_object_get(e, "class");
            if (cls)
                model_issue(r, "label:classes entry: \"class\" read as "
                               "\"classes\"");
        }
        if (json_is_array(cls)) {
            list = copy_renamed(r, cls, "label:classes classes", 1);
        } else if (json_is_string(cls) || json_is_number(cls)) {
            model_issue(
                r,
                "label:classes classes should be an array, not %s; read "
                "as one",
                model_type_name(cls));
            list = json_array();
            json_array_append_new(list, json_copy((json_t *)cls));
        } else {
            if (cls && !json_is_null(cls))
                model_issue(r,
                            "label:classes classes should be an array, not %s; "
                            "ignored",
                            model_type_name(cls));
            list = json_array();
        }
        json_object_set_new(o, "classes", list);
        json_array_append_new(out, o);
    }
}

/* An array of objects of the label extension (label:overviews counts
 * and statistics): each entry {name, <val>}, val read by read_val. */
typedef json_t *value_fn(struct model_reader *r, const json_t *v,
                         const char *what);

/* What named_values() reads in each entry. */
struct named {
    const char *val;        /* the value's key */
    value_fn *read_val;     /* how */
    char sub[96], name[96]; /* the labels of the value and of "name" */
};

static json_t *named_value(struct model_reader *r, const json_t *e, void *ctx)
{
    const struct named *n = ctx;
    json_t *o = json_object();

    model_put(o, "name", model_text(r, json_object_get(e, "name"), n->name));
    model_put(o, n->val, n->read_val(r, json_object_get(e, n->val), n->sub));
    return o;
}

static json_t *named_values(struct model_reader *r, const json_t *v,
                            const char *what, const char *val,
                            value_fn *read_val)
{
    struct named n = {val, read_val, "", ""};

    snprintf(n.sub, sizeof(n.sub), "%s %s", what, val);
    snprintf(n.name, sizeof(n.name), "%s name", what);
    return model_objects(r, v, what, named_value, &n);
}

static json_t *count_of(struct model_reader *r, const json_t *v,
                        const char *what)
{
    return model_count(r, v, what, 0);
}

/* One label:overviews entry as {property_key, counts, statistics}. */
static json_t *label_overview(struct model_reader *r, const json_t *e,
                              void *ctx)
{
    json_t *o = json_object();

    (void)ctx;
    model_put(o, "property_key",
              model_text(r, json_object_get(e, "property_key"),
                         "label:overviews property_key"));
    model_put(o, "counts",
              named_values(r, json_object_get(e, "counts"),
                           "label:overviews counts", "count", count_of));
    model_put(o, "statistics",
              named_values(r, json_object_get(e, "statistics"),
                           "label:overviews statistics", "value",
                           model_number));
    return o;
}

/* Whether an object is one label overview: it has one of its keys. */
static bool is_overview(const json_t *v)
{
    return json_object_get(v, "property_key") || json_object_get(v, "counts") ||
           json_object_get(v, "statistics");
}

/* label:overviews: per property, the count of each class or statistics
 * of the values, as [{property_key, counts, statistics}]. One overview
 * object instead of a list (the tdml DOTA example) is read as a list of
 * one; another object is no overview and is ignored. */
static json_t *label_overviews(struct model_reader *r)
{
    const json_t *v = model_field(r, "label:overviews");
    json_t *one, *out;

    if (!json_is_object(v) || !is_overview(v))
        return model_objects(r, v, "label:overviews", label_overview, NULL);
    model_issue(r, "label:overviews should be an array, not an object; read "
                   "as one");
    one = json_pack("[O]", v);
    out = model_objects(r, one, "label:overviews", label_overview, NULL);
    json_decref(one);
    return out;
}

/* The ml-aoi:role of a link (label or feature: EXTENSIONS.md §6, the
 * ml-aoi schema's enum), kept as given, other text reported. */
static json_t *link_role(struct model_reader *r, const json_t *link)
{
    json_t *role = model_text(r, json_object_get(link, "ml-aoi:role"),
                              "source link ml-aoi:role");
    const char *s = json_string_value(role);

    if (s && strcmp(s, "label") != 0 && strcmp(s, "feature") != 0)
        model_issue(r,
                    "source link ml-aoi:role \"%.*s\" should be label or "
                    "feature; kept as given",
                    model_quote_len(s), s);
    return role;
}

/* The links of a label document to the imagery its labels were made
 * from (rel "source"), as [{url, assets, role}]: assets the keys its
 * label:assets names, as given; role its ml-aoi:role (the ml-aoi EuroSAT
 * example gives one). */
static json_t *label_sources(struct model_reader *r)
{
    const json_t *links = json_object_get(r->doc, "links");
    const json_t *l;
    json_t *out = json_array();
    size_t i;

    json_array_foreach (links, i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        json_t *o, *url;

        if (!rel || strcmp(rel, "source") != 0)
            continue;
        if (json_array_size(out) >= MODEL_MAX_ENTRIES) {
            model_issue(r, "more than %d source links; the rest are ignored",
                        MODEL_MAX_ENTRIES);
            break;
        }
        url = model_resolve_href(r, json_object_get(l, "href"), false, false,
                                 "source link");
        if (!url)
            continue;
        o = json_object();
        json_object_set_new(o, "url", url);
        model_put(o, "assets",
                  model_texts(r, json_object_get(l, "label:assets"),
                              "source link label:assets", false));
        model_put(o, "role", link_role(r, l));
        json_array_append_new(out, o);
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Whether the record has label fields (classes, tasks, or those of
 * label_fields()). */
static bool has_label_fields(const json_t *rec)
{
    static const char *const keys[] = {"label_type", "label_methods",
                                       "label_description", "label_overviews",
                                       "label_properties"};

    if (json_array_size(json_object_get(rec, "label_classes")) ||
        json_array_size(json_object_get(rec, "label_tasks")))
        return true;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (json_object_get(rec, keys[i]))
            return true;
    }
    return false;
}

/* The label fields beside classes and tasks: type (vector or raster),
 * properties, methods, description, overviews; and, for a document that
 * declares label or has label fields, its source links. */
static void label_fields(struct model_reader *r, json_t *rec, bool declared)
{
    json_t *c[1];
    const char *s;

    c[0] = model_text(r, model_scalar(r, "label:type"), "label:type");
    s = json_string_value(c[0]);
    if (s && strcmp(s, "vector") != 0 && strcmp(s, "raster") != 0)
        model_issue(r,
                    "label:type \"%.*s\" should be vector or raster; kept as "
                    "given",
                    model_quote_len(s), s);
    model_put_first(rec, "label_type", c, 1);
    c[0] =
        model_texts(r, model_field(r, "label:methods"), "label:methods", false);
    model_put_first(rec, "label_methods", c, 1);
    c[0] = model_prose(r, model_scalar(r, "label:description"),
                       "label:description");
    model_put_first(rec, "label_description", c, 1);
    c[0] = label_overviews(r);
    model_put_first(rec, "label_overviews", c, 1);
    /* [string] or null (raster labels of no property) */
    c[0] = model_texts(r, model_field(r, "label:properties"),
                       "label:properties", false);
    model_put_first(rec, "label_properties", c, 1);
    c[0] = declared || has_label_fields(rec) ? label_sources(r) : NULL;
    model_put_first(rec, "label_sources", c, 1);
}

/* Which list of bands is read, and the prefix of its entries' keys. */
struct bands {
    const char *what, *prefix;
};

/* One band as {name, common_name, center_wavelength}: eo:bands entries
 * name those common_name and center_wavelength, STAC 1.1 "bands" entries
 * eo:common_name and eo:center_wavelength. NULL when it gives none. */
static json_t *read_band(struct model_reader *r, const json_t *e, void *ctx)
{
    const struct bands *bs = ctx;
    const char *what = bs->what, *prefix = bs->prefix;
    char key[40], sub[96];
    json_t *b;

    b = json_object();
    snprintf(sub, sizeof(sub), "%s name", what);
    model_put(b, "name", model_text(r, json_object_get(e, "name"), sub));
    snprintf(key, sizeof(key), "%scommon_name", prefix);
    snprintf(sub, sizeof(sub), "%s %s", what, key);
    model_put(b, "common_name", model_text(r, json_object_get(e, key), sub));
    snprintf(key, sizeof(key), "%scenter_wavelength", prefix);
    snprintf(sub, sizeof(sub), "%s %s", what, key);
    model_put(b, "center_wavelength",
              model_number(r, json_object_get(e, key), sub));
    if (json_object_size(b) == 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}

/* The spectral bands of the data: eo:bands (eo extension, STAC <= 1.0),
 * else STAC 1.1 "bands". */
static json_t *dataset_bands(struct model_reader *r)
{
    struct bands bs = {"eo:bands", ""};
    const json_t *v = model_field(r, bs.what);

    if (!v || json_is_null(v)) {
        bs.what = "bands";
        bs.prefix = "eo:";
        v = model_field(r, bs.what);
    }
    return model_objects(r, v, bs.what, read_band, &bs);
}

/* A changeset link's href, resolved, added to s (what names it in an
 * issue). */
static void changeset_href(struct model_reader *r, struct model_set *s,
                           const json_t *href, const char *what)
{
    json_t *url = model_resolve_href(r, href, false, false, what);
    if (url)
        model_set_add(s, json_string_value(url));
    json_decref(url);
}

/* One tdml:changeset entry, a Link Object (the schema's): its href
 * resolved, added to s. */
static void changeset_link(struct model_reader *r, struct model_set *s,
                           const json_t *e)
{
    if (!json_is_object(e) || !json_object_get(e, "href")) {
        model_issue(r,
                    "tdml:changeset entries should be link objects with an "
                    "href; %s ignored",
                    model_type_name(e));
        return;
    }
    changeset_href(r, s, json_object_get(e, "href"), "tdml:changeset link");
}

/* The changeset documents of a tdml dataset (add, modify, delete of its
 * samples, by version; EXTENSIONS.md 5.3): the links with rel
 * version-history (README), then the links of tdml:changeset (schema),
 * resolved, unique. NULL when there is none. Never fetched. */
static json_t *changesets(struct model_reader *r)
{
    const json_t *v = model_field(r, "tdml:changeset"), *l;
    json_t *out = json_array();
    struct model_set s;
    size_t i;

    model_set_init(&s, out);
    json_array_foreach (json_object_get(r->doc, "links"), i, l) {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        if (rel && strcmp(rel, "version-history") == 0)
            changeset_href(r, &s, json_object_get(l, "href"),
                           "version-history link");
    }
    if (json_is_object(v)) {
        model_issue(r, "tdml:changeset should be an array of links, not an "
                       "object; read as one");
        changeset_link(r, &s, v);
    } else if (model_is_list(r, v, "tdml:changeset")) {
        json_array_foreach (v, i, l) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            changeset_link(r, &s, l);
        }
    }
    model_set_cleanup(&s);
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Whether an object has a "tdml:" key. */
static bool has_tdml_key(const json_t *obj)
{
    const char *key;
    const json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        if (strncmp(key, "tdml:", 5) == 0)
            return true;
    }
    return false;
}

/* Whether uri names the extension name: its pre-1.0 short id, or a
 * "/<name>/v<version>/" path segment. */
static bool names_extension(const char *uri, const char *name)
{
    char seg[32];

    snprintf(seg, sizeof(seg), "/%s/v", name);
    return strcmp(uri, name) == 0 || strstr(uri, seg) != NULL;
}

static bool label_uri(const char *uri)
{
    return names_extension(uri, "label");
}

/* The extensions whose fields the dataset record reads: tdml, label,
 * ml-aoi, scientific (doi, citation, publications), eo (bands) and
 * version (version). The others a document declares (file, raster,
 * view, ...) give no field of the record. */
static bool dataset_uri(const char *uri)
{
    static const char *const names[] = {"label", "ml-aoi", "scientific", "eo",
                                        "version"};

    if (detect_uri(uri) & EXT_TDML)
        return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names_extension(uri, names[i]))
            return true;
    }
    return false;
}

void model_read_dataset(const json_t *doc, const char *url, json_t *rec)
{
    const json_t *list = json_object_get(doc, "stac_extensions");
    struct model_reader r;
    struct model_set s;
    const json_t *e, *v;
    json_t *c[1];
    bool is_tdml, label = false;
    size_t i;

    if (!json_is_object(rec))
        return;
    model_reader_init(&r, doc, url);
    model_reader_take_type(&r, rec);
    model_set_init(&s, model_fresh_array(rec, "versions"));
    json_array_foreach (list, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (json_is_string(e) && dataset_uri(json_string_value(e)))
            model_set_add(&s, json_string_value(e));
        if (json_is_string(e) && label_uri(json_string_value(e)))
            label = true;
    }
    model_set_cleanup(&s);
    is_tdml = (r.declared & EXT_TDML) || has_tdml_key(doc) ||
              (r.props && has_tdml_key(r.props)) ||
              (r.summaries && has_tdml_key(r.summaries));
    json_object_set_new(rec, "tdml", json_boolean(is_tdml));

    model_read_common(&r, rec, true);
    /* The dataset's own version (Version extension; the tdml examples
     * give one), which tdml changesets are identified by. */
    c[0] = model_text(&r, model_scalar(&r, "version"), "version");
    model_put_first(rec, "version", c, 1);
    c[0] = model_count(&r, model_scalar(&r, "tdml:amount_of_training_data"),
                       "tdml:amount_of_training_data", 0);
    if (!c[0] && (r.declared & EXT_TDML) && r.is_collection)
        model_issue(&r, "tdml:amount_of_training_data is required by tdml but "
                        "missing");
    model_put_first(rec, "amount_of_training_data", c, 1);
    c[0] = model_text(&r, model_scalar(&r, "tdml:classification_schema"),
                      "tdml:classification_schema");
    model_put_first(rec, "classification_schema", c, 1);
    c[0] = tdml_image_sizes(&r);
    model_put_first(rec, "image_sizes", c, 1);
    c[0] = model_texts(&r, model_field(&r, "tdml:data_sources"),
                       "tdml:data_sources", false);
    model_put_first(rec, "data_sources", c, 1);
    c[0] = tdml_object(&r, "tdml:scope");
    model_put_first(rec, "scope", c, 1);
    c[0] = tdml_object(&r, "tdml:quality");
    model_put_first(rec, "quality", c, 1);
    c[0] = tdml_object(&r, "tdml:provenance");
    if (c[0]) {
        string_to_list(&r, c[0], "labeling_methods", "tdml:provenance");
        string_to_list(&r, c[0], "labeling_tools", "tdml:provenance");
        string_to_list(&r, c[0], "labeler_names", "tdml:provenance");
    }
    model_put_first(rec, "provenance", c, 1);
    c[0] = tdml_metrics(&r);
    model_put_first(rec, "metrics", c, 1);
    c[0] = is_tdml ? changesets(&r) : NULL;
    model_put_first(rec, "changesets", c, 1);

    label_classes(&r, model_fresh_array(rec, "label_classes"));
    model_set_init(&s, model_fresh_array(rec, "label_tasks"));
    v = model_field(&r, "label:tasks");
    model_add_tasks(&r, &s, v, "label:tasks", false);
    model_set_cleanup(&s);
    c[0] = model_text(&r, model_scalar(&r, "ml-aoi:split"), "ml-aoi:split");
    model_put_first(rec, "split", c, 1);
    model_read_credits(&r, rec);
    label_fields(&r, rec, label);
    c[0] = dataset_bands(&r);
    model_put_first(rec, "bands", c, 1);
    json_object_set_new(rec, "issues", model_reader_finish(&r));
}
