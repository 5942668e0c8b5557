/* SPDX-License-Identifier: MIT */
/* A model's inputs and outputs: mlm:input / mlm:output of every mlm version
 * (older normalisation fields turned into value_scaling) and, when mlm
 * gives none, dlm:inputs with dlm:data and dlm:outputs with its class
 * mappings in all their forms. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "index/detect.h"
#include "index/model-int.h"
#include "src/numfmt.h"

/* ------------------------------------------------------------ inputs */

/* Band (or, mlm v1.5.0 on, datacube variable) references: names as
 * strings (mlm strings or {name} objects), or band indices as integers
 * (dlm selected_bands). */
static json_t *get_bands(struct model_reader *r, const json_t *v,
                         const char *what)
{
    json_t *out;
    const json_t *e, *name;
    size_t i;

    if (!model_is_list(r, v, what))
        return NULL;
    out = json_array();
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        name = json_is_object(e) ? json_object_get(e, "name") : e;
        if (json_is_string(name) || json_is_integer(name))
            json_array_append_new(out, json_copy((json_t *)name));
        else
            model_issue(r, "%s entries should be names; %s ignored", what,
                        model_type_name(e));
    }
    return out;
}

/* The derived entries of an mlm bands or variables list: a Model Band
 * Object that gives an expression ({name, format, expression}, mlm v1.3
 * on) names a band computed from others (NDVI), which the plain list of
 * names cannot say. A new array, or NULL when no entry has one. */
static json_t *get_expressions(struct model_reader *r, const json_t *v,
                               const char *what)
{
    json_t *out = NULL, *o;
    const json_t *e, *name, *expr;
    char sub[160];
    size_t i;

    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        name = json_object_get(e, "name");
        expr = json_object_get(e, "expression");
        if (!json_is_string(name) || !expr || json_is_null(expr))
            continue;
        o = json_object();
        json_object_set_new(o, "name", json_copy((json_t *)name));
        snprintf(sub, sizeof(sub), "%s format", what);
        model_put(o, "format",
                  model_text(r, json_object_get(e, "format"), sub));
        snprintf(sub, sizeof(sub), "%s expression", what);
        model_put(o, "expression", model_copy(r, expr, sub));
        if (!out)
            out = json_array();
        json_array_append_new(out, o);
    }
    return out;
}

/* bands and variables of an mlm input or output into o: the names, and
 * the expressions of those derived from others. */
static void mlm_bands(struct model_reader *r, const json_t *io, json_t *o,
                      const char *what)
{
    static const char *const keys[][2] = {
        {"bands", "band_expressions"},
        {"variables", "variable_expressions"},
    };
    char sub[96];

    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_object_get(io, keys[i][0]);
        snprintf(sub, sizeof(sub), "%s %s", what, keys[i][0]);
        model_put(o, keys[i][0], get_bands(r, v, sub));
        model_put(o, keys[i][1], get_expressions(r, v, sub));
    }
}

/* mlm v1.4+ value_scaling: an array of objects, copied. */
static json_t *copy_scaling(struct model_reader *r, const json_t *v,
                            const char *what)
{
    json_t *out;
    const json_t *e;
    size_t i;

    if (!v || json_is_null(v))
        return NULL;
    if (json_is_object(v)) {
        model_issue(r,
                    "%s should be an array of objects, not an object; read as "
                    "one",
                    what);
        out = json_array();
        json_array_append_new(out, json_deep_copy(v));
        return out;
    }
    if (!model_is_list(r, v, what))
        return NULL;
    out = json_array();
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        if (json_is_object(e))
            json_array_append_new(out, json_deep_copy(e));
        else
            model_issue(r, "%s entries should be objects; %s ignored", what,
                        model_type_name(e));
    }
    return out;
}

/* mlm pre_processing_function / post_processing_function: a Processing
 * Expression object, or (v1.5.0 on) an array of them, kept as given; null
 * is none. */
static json_t *copy_processing(struct model_reader *r, const json_t *v,
                               const char *what)
{
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_object(v) && !json_is_array(v)) {
        model_issue(r,
                    "%s should be an object or an array of objects, not %s; "
                    "ignored",
                    what, model_type_name(v));
        return NULL;
    }
    return model_copy(r, v, what);
}

/* Copy the numbers keys[] of from into to. */
static void copy_numbers(const json_t *from, json_t *to,
                         const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(from, keys[i]);
        if (json_is_number(v))
            json_object_set_new(to, keys[i], json_copy((json_t *)v));
    }
}

/* mlm v1.0 to v1.3 normalisation (norm_type, statistics, norm_clip) as
 * v1.4 value_scaling, the form that replaced it (CHANGELOG v1.4.0):
 * min-max and z-score take one object per statistics entry; norm_clip c
 * ("divide by c, then clip to 0..1", README v1.3.0) becomes a processing
 * expression saying exactly that; other norm_type values, which v1.4
 * dropped as ambiguous, are kept as the type. */
static json_t *legacy_scaling(struct model_reader *r, const json_t *in,
                              const char *what)
{
    static const char *const minmax[] = {"minimum", "maximum"};
    static const char *const zscore[] = {"mean", "stddev"};
    const json_t *type = json_object_get(in, "norm_type");
    const json_t *stats = json_object_get(in, "statistics");
    const json_t *clip = json_object_get(in, "norm_clip");
    const char *t = json_string_value(type);
    json_t *out = json_array(), *o;
    const json_t *e;
    char num[64];
    size_t i;

    if (type && !json_is_null(type) && !t)
        model_issue(r, "%s norm_type should be a string, not %s; ignored", what,
                    model_type_name(type));
    if (stats && !json_is_array(stats))
        model_issue(r, "%s statistics should be an array, not %s; ignored",
                    what, model_type_name(stats));
    if (clip && !json_is_array(clip))
        model_issue(r, "%s norm_clip should be an array, not %s; ignored", what,
                    model_type_name(clip));
    if (t && (strcmp(t, "min-max") == 0 || strcmp(t, "z-score") == 0)) {
        bool mm = t[0] == 'm';
        json_array_foreach (stats, i, e) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            o = json_object();
            json_object_set_new(o, "type", json_string(t));
            copy_numbers(e, o, mm ? minmax : zscore, 2);
            json_array_append_new(out, o);
        }
        if (json_array_size(out) == 0) {
            o = json_object();
            json_object_set_new(o, "type", json_string(t));
            json_array_append_new(out, o);
        }
    } else if (json_array_size(clip) > 0) {
        json_array_foreach (clip, i, e) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            if (!json_is_number(e)) {
                model_issue(r, "%s norm_clip should hold numbers; %s ignored",
                            what, model_type_name(e));
                continue;
            }
            numfmt_shortest(json_number_value(e), num, sizeof(num));
            o = json_object();
            json_object_set_new(o, "type", json_string("processing"));
            json_object_set_new(o, "format", json_string("gdal-calc"));
            json_object_set_new(o, "expression",
                                json_sprintf("numpy.clip(A / %s, 0, 1)", num));
            json_array_append_new(out, o);
        }
    } else if (t && *t) {
        o = json_object();
        json_object_set_new(o, "type", json_string(t));
        json_array_append_new(out, o);
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* An mlm shape: the schema's DimensionShape, integers of at least -1, -1
 * meaning any size; 0 is allowed too. */
static json_t *mlm_shape(struct model_reader *r, const json_t *v,
                         const char *what)
{
    return model_shape(r, v, what, -1);
}

/* The Input Structure ("input") of an mlm:input entry, or the Result
 * Structure ("result") of an mlm:output entry, v: its shape, dim_order and
 * data_type into o, named after what ("mlm:input[0] input.shape"). */
static void mlm_structure(struct model_reader *r, const json_t *v,
                          const char *key, const char *what, json_t *o)
{
    const json_t *st = json_object_get(v, key);
    char sub[128];

    if (!json_is_object(st)) {
        model_issue(r, "%s has no %s structure object, which mlm requires",
                    what, key);
        return;
    }
    snprintf(sub, sizeof(sub), "%s %s.shape", what, key);
    model_put(o, "shape", mlm_shape(r, json_object_get(st, "shape"), sub));
    snprintf(sub, sizeof(sub), "%s %s.dim_order", what, key);
    model_put(o, "dim_order",
              model_dim_order(r, json_object_get(st, "dim_order"), sub));
    snprintf(sub, sizeof(sub), "%s %s.data_type", what, key);
    model_put(o, "data_type",
              model_text(r, json_object_get(st, "data_type"), sub));
}

/* The common start of an mlm:input or mlm:output entry: its label
 * ("mlm:input[2]") in what, an issue and NULL when it is not an object,
 * else a new object holding its name (which mlm requires) and
 * description. */
static json_t *mlm_io_begin(struct model_reader *r, const json_t *v,
                            const char *list, size_t idx, char *what,
                            size_t what_size)
{
    char sub[96];
    snprintf(what, what_size, "%s[%zu]", list, idx);
    if (!json_is_object(v)) {
        model_issue(r, "%s should be an object, not %s; ignored", what,
                    model_type_name(v));
        return NULL;
    }
    json_t *o = json_object();
    snprintf(sub, sizeof(sub), "%s name", what);
    model_put(o, "name", model_text(r, json_object_get(v, "name"), sub));
    if (!json_object_get(o, "name"))
        model_issue(r, "%s has no name, which mlm requires", what);
    snprintf(sub, sizeof(sub), "%s description", what);
    model_put(o, "description",
              model_prose(r, json_object_get(v, "description"), sub));
    return o;
}

static json_t *mlm_input(struct model_reader *r, const json_t *in, size_t idx)
{
    static const char *const legacy[] = {"norm_by_channel", "norm_type",
                                         "norm_clip", "statistics"};
    const json_t *vs;
    json_t *o;
    char what[64], sub[96];

    o = mlm_io_begin(r, in, "mlm:input", idx, what, sizeof(what));
    if (!o)
        return NULL;
    mlm_bands(r, in, o, what);
    mlm_structure(r, in, "input", what, o);
    snprintf(sub, sizeof(sub), "%s resize_type", what);
    model_put(o, "resize_type",
              model_text(r, json_object_get(in, "resize_type"), sub));
    snprintf(sub, sizeof(sub), "%s pre_processing_function", what);
    model_put(o, "pre_processing_function",
              copy_processing(r, json_object_get(in, "pre_processing_function"),
                              sub));
    vs = json_object_get(in, "value_scaling");
    snprintf(sub, sizeof(sub), "%s value_scaling", what);
    if (vs)
        model_put(o, "value_scaling", copy_scaling(r, vs, sub));
    else
        model_put(o, "value_scaling", legacy_scaling(r, in, what));
    if (r->mlm_version >= 104) {
        for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
            if (json_object_get(in, legacy[i]))
                model_issue(
                    r, "%s: %s was removed in mlm v1.4.0 (use value_scaling)",
                    what, legacy[i]);
        }
    }
    return o;
}

/* A dlm number that must be positive, or 0. */
static double positive(struct model_reader *r, const json_t *v,
                       const char *what)
{
    if (!v || json_is_null(v))
        return 0;
    if (json_is_number(v) && json_number_value(v) > 0)
        return json_number_value(v);
    model_issue(r, "%s should be a positive number; ignored", what);
    return 0;
}

/* dlm: scaling_factor s (multiplies the data) and normalization:mean / std
 * (applied after it) as v1.4 value_scaling. Folding s in keeps one object
 * per band: (x*s - m)/d is a z-score with mean m/s and stddev d/s; alone, s
 * is a scale by 1/s (mlm's scale divides). */
static json_t *dlm_scaling(struct model_reader *r, const json_t *in)
{
    const json_t *mean = json_object_get(in, "normalization:mean");
    const json_t *sd = json_object_get(in, "normalization:std");
    double s = positive(r, json_object_get(in, "scaling_factor"),
                        "dlm:inputs scaling_factor");
    size_t n = json_array_size(mean);
    json_t *out = json_array(), *o;

    if ((mean && !json_is_array(mean)) || (sd && !json_is_array(sd)))
        model_issue(r, "dlm:inputs normalization:mean and normalization:std "
                       "should be arrays of numbers; ignored");
    if (json_array_size(sd) != n)
        model_issue(
            r, "dlm:inputs normalization:mean and normalization:std differ "
               "in length; only the common part is read");
    if (json_array_size(sd) < n)
        n = json_array_size(sd);
    if (n > MODEL_MAX_ENTRIES)
        n = MODEL_MAX_ENTRIES;
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(mean, i), *d = json_array_get(sd, i);
        double div = s > 0 ? s : 1;

        if (!json_is_number(m) || !json_is_number(d)) {
            model_issue(r, "dlm:inputs normalization values should be numbers; "
                           "one ignored");
            continue;
        }
        o = json_object();
        json_object_set_new(o, "type", json_string("z-score"));
        json_object_set_new(o, "mean", json_real(json_number_value(m) / div));
        json_object_set_new(o, "stddev", json_real(json_number_value(d) / div));
        json_array_append_new(out, o);
    }
    if (json_array_size(out) == 0 && s > 0) {
        o = json_object();
        json_object_set_new(o, "type", json_string("scale"));
        json_object_set_new(o, "value", json_real(1 / s));
        json_array_append_new(out, o);
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* dlm inputs pre_processing_function, the name of a Python function (dlm
 * schema), as the mlm Processing Expression that names one: {format:
 * "python", expression: name}, the form of the mlm examples
 * ("torchgeo.datamodules.eurosat.EuroSATDataModule.collate_fn"). */
static json_t *dlm_processing(struct model_reader *r, const json_t *v,
                              const char *what)
{
    json_t *name = model_text(r, v, what), *o;

    if (!name)
        return NULL;
    o = json_object();
    json_object_set_new(o, "format", json_string("python"));
    json_object_set_new(o, "expression", name);
    return o;
}

/* The dimension names of dlm input_tensors keys, in mlm's words. */
static const struct {
    const char *key, *alt, *dim;
} dlm_dims[] = {
    {"batch", NULL, "batch"},
    {"dim", "channels", "channel"},
    {"height", NULL, "height"},
    {"width", NULL, "width"},
};

/* The value of dimension i of a dlm input tensor, or NULL when absent. */
static const json_t *dlm_dim(struct model_reader *r, const json_t *t, size_t i)
{
    const json_t *v = json_object_get(t, dlm_dims[i].key);

    if (!v && dlm_dims[i].alt) {
        v = json_object_get(t, dlm_dims[i].alt);
        if (v)
            model_issue(r, "dlm:inputs input_tensors \"%s\" read as \"%s\"",
                        dlm_dims[i].alt, dlm_dims[i].key);
    }
    return json_is_null(v) ? NULL : v;
}

/* Whether v, dimension key of a dlm input tensor, is a size to keep: an
 * integer of at least 1 (the dlm schemas' "minimum": 1, beta2 and beta.3;
 * dlm has no -1 for any size); if not, one issue. */
static bool dlm_size_ok(struct model_reader *r, const json_t *v,
                        const char *key)
{
    char desc[MODEL_QUOTE_MAX + 8];
    json_int_t n;

    if (model_integral(v, &n) && n >= 1)
        return true;
    model_describe(v, desc, sizeof(desc));
    model_issue(r,
                "dlm:inputs input_tensors %s should be %s, not %s; the "
                "shape of that tensor is ignored",
                key, model_integral(v, &n) ? "at least 1" : "an integer size",
                desc);
    return false;
}

/* One dlm input tensor ({batch, dim, height, width}) as shape and
 * dim_order in o: the dimensions present, in that order. A size that
 * cannot be kept would leave the shape describing a tensor other than the
 * document's: the shape is then refused whole (dim_order kept, as for
 * mlm), with one issue. */
static void dlm_tensor(struct model_reader *r, const json_t *t, json_t *o)
{
    enum { N_DIMS = sizeof(dlm_dims) / sizeof(dlm_dims[0]) };
    const json_t *v[N_DIMS];
    json_t *shape = json_array(), *order = json_array();
    char what[64];
    bool ok = true;

    for (size_t i = 0; i < N_DIMS; i++) {
        v[i] = dlm_dim(r, t, i);
        if (!v[i])
            continue;
        json_array_append_new(order, json_string(dlm_dims[i].dim));
        ok = ok && dlm_size_ok(r, v[i], dlm_dims[i].key);
    }
    for (size_t i = 0; i < N_DIMS && ok; i++) {
        snprintf(what, sizeof(what), "dlm:inputs input_tensors %s",
                 dlm_dims[i].key);
        model_append(shape, model_integer(r, v[i], what));
    }
    if (ok)
        json_object_set_new(o, "shape", shape);
    else
        json_decref(shape);
    json_object_set_new(o, "dim_order", order);
}

/* dlm:inputs (with dlm:data for the data type, bands and processing
 * level) as inputs: one per input tensor. */
static void dlm_inputs(struct model_reader *r, json_t *inputs)
{
    const json_t *in = model_object(r, "dlm:inputs");
    const json_t *data = model_object(r, "dlm:data");
    const json_t *tensors, *bands, *v, *t;
    json_t *base, *o;
    size_t i;

    if (in && !json_is_object(in)) {
        model_issue(r, "dlm:inputs should be an object, not %s; ignored",
                    model_type_name(in));
        in = NULL;
    }
    if (data && !json_is_object(data)) {
        model_issue(r, "dlm:data should be an object, not %s; ignored",
                    model_type_name(data));
        data = NULL;
    }
    if (!in && !data)
        return;
    base = json_object();
    model_put(base, "name",
              model_text(r, json_object_get(in, "name"), "dlm:inputs name"));
    bands = json_object_get(in, "selected_bands");
    if (!bands) {
        bands = json_object_get(in, "selected_band");
        if (bands)
            model_issue(r, "dlm:inputs \"selected_band\" read as "
                           "\"selected_bands\"");
    }
    if (bands)
        model_put(base, "bands",
                  get_bands(r, bands, "dlm:inputs selected_bands"));
    else
        model_put(base, "bands",
                  get_bands(r, json_object_get(data, "useful_bands"),
                            "dlm:data useful_bands"));
    v = json_object_get(data, "data_type");
    if (!v) {
        v = json_object_get(data, "dtype");
        if (v)
            model_issue(r,
                        "dlm:data \"dtype\" read as \"data_type\" (renamed in "
                        "dlm v1.0.0-beta.3)");
    }
    model_put(base, "data_type", model_text(r, v, "dlm:data data_type"));
    v = json_object_get(data, "process_level");
    if (!v) {
        v = json_object_get(data, "process_ level");
        if (v)
            model_issue(
                r, "dlm:data \"process_ level\" read as \"process_level\"");
    }
    model_put(base, "process_level",
              model_text(r, v, "dlm:data process_level"));
    if (in)
        model_put(base, "value_scaling", dlm_scaling(r, in));
    model_put(base, "pre_processing_function",
              dlm_processing(r, json_object_get(in, "pre_processing_function"),
                             "dlm:inputs pre_processing_function"));

    tensors = json_object_get(in, "input_tensors");
    if (json_is_object(tensors)) {
        model_issue(r,
                    "dlm:inputs input_tensors should be an array of objects, "
                    "not an object; read as one");
        o = json_deep_copy(base);
        dlm_tensor(r, tensors, o);
        json_array_append_new(inputs, o);
    } else if (json_array_size(tensors) > 0) {
        json_array_foreach (tensors, i, t) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            if (!json_is_object(t)) {
                model_issue(r, "dlm:inputs input_tensors entries should be "
                               "objects; one ignored");
                continue;
            }
            o = json_deep_copy(base);
            dlm_tensor(r, t, o);
            json_array_append_new(inputs, o);
        }
    } else {
        if (tensors && !json_is_array(tensors))
            model_issue(r,
                        "dlm:inputs input_tensors should be an array, not %s; "
                        "ignored",
                        model_type_name(tensors));
        json_array_append_new(inputs, json_incref(base));
    }
    json_decref(base);
}

/* Reads entry idx of an mlm list; NULL when there is nothing to keep. */
typedef json_t *mlm_entry_fn(struct model_reader *r, const json_t *e,
                             size_t idx);

/* mlm:input or mlm:output (named by field), each entry read by one() into
 * out. A lone object is read as the only entry, with an issue. */
static void read_mlm_list(struct model_reader *r, const char *field,
                          json_t *out, mlm_entry_fn *one)
{
    const json_t *v = model_field(r, field);
    const json_t *e;
    size_t i;

    if (json_is_object(v)) {
        model_issue(r,
                    "%s should be an array of objects, not an object; read as "
                    "one",
                    field);
        model_append(out, one(r, v, 0));
    } else if (v && !json_is_null(v) && !json_is_array(v)) {
        model_issue(r, "%s should be an array, not %s; ignored", field,
                    model_type_name(v));
    }
    model_check_cap(r, v, field);
    json_array_foreach (v, i, e) {
        if (i >= MODEL_MAX_ENTRIES)
            break;
        model_append(out, one(r, e, i));
    }
}

void model_read_inputs(struct model_reader *r, json_t *rec, unsigned exts)
{
    json_t *inputs = model_fresh_array(rec, "inputs");

    if (exts & EXT_MLM)
        read_mlm_list(r, "mlm:input", inputs, mlm_input);
    /* mlm wins: dlm inputs only describe a model mlm leaves without. */
    if (json_array_size(inputs) == 0 && (exts & EXT_DLM))
        dlm_inputs(r, inputs);
}

/* ------------------------------------------------------------ outputs */

/* "I_3" or "3" as 3; false for anything else. */
static bool class_index(const char *key, json_int_t *out)
{
    char *end;
    long long n;

    if (key[0] == 'I' && key[1] == '_')
        key += 2;
    if (!(*key >= '0' && *key <= '9'))
        return false;
    n = strtoll(key, &end, 10);
    if (*end)
        return false;
    *out = (json_int_t)n;
    return true;
}

/* Append {value, name} to classes (value omitted when NULL; both taken),
 * up to the cap, which model_check_cap() reported before the loop. */
static void add_class(json_t *classes, json_t *value, json_t *name)
{
    json_t *c;

    if (json_array_size(classes) >= MODEL_MAX_ENTRIES) {
        json_decref(value);
        json_decref(name);
        return;
    }
    c = json_object();
    model_put(c, "value", value);
    model_put(c, "name", name);
    json_array_append_new(classes, c);
}

/* dlm class_name_mapping entries of the object form ({"I_0": "name"} or
 * {"0": "name"}) into classes. */
static void dlm_mapping(struct model_reader *r, const json_t *map,
                        json_t *classes)
{
    const char *key;
    const json_t *v;
    json_int_t idx;

    json_object_foreach ((json_t *)map, key, v) {
        if (!json_is_string(v)) {
            model_issue(r, "dlm:outputs class_name_mapping names should be "
                           "strings; one ignored");
            continue;
        }
        if (!class_index(key, &idx)) {
            model_issue(r,
                        "dlm:outputs class_name_mapping key \"%.*s\" is not a "
                        "class index (I_<n>); its value is left out",
                        model_quote_len(key), key);
            add_class(classes, NULL, model_text_copy(v));
            continue;
        }
        add_class(classes, json_integer(idx), model_text_copy(v));
        if (json_array_size(classes) >= MODEL_MAX_ENTRIES)
            return;
    }
}

/* dlm class_name_mapping in any of its forms: an object mapping indices
 * to names, or (deprecated) an array of such objects or of
 * {index, class_name}. */
static json_t *dlm_classes(struct model_reader *r, const json_t *map)
{
    json_t *classes;
    const json_t *e;
    size_t i;

    if (!map || json_is_null(map))
        return NULL;
    model_check_cap(r, map, "dlm:outputs class_name_mapping");
    classes = json_array();
    if (json_is_object(map)) {
        dlm_mapping(r, map, classes);
        return classes;
    }
    if (!json_is_array(map)) {
        model_issue(
            r,
            "dlm:outputs class_name_mapping should be an object, not %s; "
            "ignored",
            model_type_name(map));
        json_decref(classes);
        return NULL;
    }
    json_array_foreach (map, i, e) {
        if (json_array_size(classes) >= MODEL_MAX_ENTRIES)
            break;
        if (!json_is_object(e)) {
            model_issue(r, "dlm:outputs class_name_mapping entries should be "
                           "objects; one ignored");
        } else if (json_object_get(e, "class_name") ||
                   json_object_get(e, "index")) {
            add_class(classes,
                      model_integer(r, json_object_get(e, "index"),
                                    "dlm:outputs class_name_mapping index"),
                      model_text(r, json_object_get(e, "class_name"),
                                 "dlm:outputs class_name_mapping class_name"));
        } else {
            dlm_mapping(r, e, classes);
        }
    }
    return classes;
}

/* mlm classification classes: {value, name} of each Class Object. */
static json_t *mlm_classes(struct model_reader *r, const json_t *v,
                           const char *what)
{
    json_t *classes;
    const json_t *e;
    char sub[128];
    size_t i;

    if (!json_is_array(v)) {
        model_issue(r,
                    "%s classification:classes should be an array, not %s; "
                    "ignored",
                    what, model_type_name(v));
        return NULL;
    }
    snprintf(sub, sizeof(sub), "%s classification:classes", what);
    model_check_cap(r, v, sub);
    classes = json_array();
    snprintf(sub, sizeof(sub), "%s class", what);
    json_array_foreach (v, i, e) {
        if (!json_is_object(e)) {
            model_issue(r, "%s classes should be objects; %s ignored", what,
                        model_type_name(e));
            continue;
        }
        add_class(classes, model_number(r, json_object_get(e, "value"), sub),
                  model_text(r, json_object_get(e, "name"), sub));
        if (json_array_size(classes) >= MODEL_MAX_ENTRIES)
            break;
    }
    return classes;
}

static json_t *mlm_output(struct model_reader *r, const json_t *out, size_t idx)
{
    const json_t *cls;
    json_t *o;
    char what[64], sub[96];

    o = mlm_io_begin(r, out, "mlm:output", idx, what, sizeof(what));
    if (!o)
        return NULL;
    snprintf(sub, sizeof(sub), "%s tasks", what);
    if (!json_object_get(out, "tasks"))
        model_issue(r, "%s has no tasks, which mlm requires", what);
    json_object_set_new(
        o, "tasks",
        model_task_array(r, json_object_get(out, "tasks"), sub, false));
    mlm_bands(r, out, o, what);
    mlm_structure(r, out, "result", what, o);
    cls = json_object_get(out, "classification:classes");
    if (!cls) {
        cls = json_object_get(out, "classification_classes");
        if (cls)
            model_issue(r,
                        "%s: \"classification_classes\" read as "
                        "\"classification:classes\"",
                        what);
    }
    if (cls && !json_is_null(cls))
        model_put(o, "classes", mlm_classes(r, cls, what));
    snprintf(sub, sizeof(sub), "%s post_processing_function", what);
    model_put(o, "post_processing_function",
              copy_processing(
                  r, json_object_get(out, "post_processing_function"), sub));
    return o;
}

/* One dlm:outputs object: no name; the task, the final layer size and the
 * class mapping. */
static json_t *dlm_output(struct model_reader *r, const json_t *out)
{
    json_t *o = json_object();

    json_object_set_new(o, "tasks",
                        model_task_array(r, json_object_get(out, "task"),
                                         "dlm:outputs task", true));
    /* sizes > 0: the dlm schemas' "exclusiveMinimum": 0 */
    model_put(o, "shape",
              model_shape(r, json_object_get(out, "final_layer_size"),
                          "dlm:outputs final_layer_size", 1));
    model_put(o, "classes",
              dlm_classes(r, json_object_get(out, "class_name_mapping")));
    return o;
}

void model_read_outputs(struct model_reader *r, json_t *rec, unsigned exts)
{
    json_t *outputs = model_fresh_array(rec, "outputs");
    const json_t *v, *e;
    size_t i;

    if (exts & EXT_MLM)
        read_mlm_list(r, "mlm:output", outputs, mlm_output);
    if (json_array_size(outputs) > 0 || !(exts & EXT_DLM))
        return;
    v = model_field(r, "dlm:outputs");
    if (json_is_object(v)) {
        json_array_append_new(outputs, dlm_output(r, v));
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, e) {
            if (i >= MODEL_MAX_ENTRIES)
                break;
            if (json_is_object(e))
                json_array_append_new(outputs, dlm_output(r, e));
        }
    } else if (v && !json_is_null(v)) {
        model_issue(r, "dlm:outputs should be an object, not %s; ignored",
                    model_type_name(v));
    }
}
