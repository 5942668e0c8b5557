/* SPDX-License-Identifier: MIT */
/* Shared by the files of the model readers only (index/model.c,
 * model-io.c, model-assets.c, model-dataset.c): the state of one read and
 * the helpers that turn document values into record values, reporting
 * every problem as an issue. Nothing outside these files includes it. */
#ifndef INDEX_MODEL_INT_H
#define INDEX_MODEL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Entries kept per array (inputs, outputs, classes, artifacts, bands, ...):
 * far above any published model, low enough to bound hostile input. */
#define MODEL_MAX_ENTRIES 4096
/* Issue lines kept; the others are counted in one closing line. */
#define MODEL_MAX_ISSUES 64
/* Bytes of document text quoted in one issue. */
#define MODEL_QUOTE_MAX 80
/* Nesting kept when copying free-form objects (tdml objects, mlm
 * hyperparameters and processing expressions). */
#define MODEL_MAX_DEPTH 16
/* Bytes of prose (a description) kept in a record: pages of text, far
 * above any published description, while a document may hold up to
 * --max-doc-size (8 MiB) of it; the whole text stays in "stac". */
#define MODEL_MAX_PROSE 16384
/* Longest tdml:image_size string parsed as JSON. */
#define MODEL_MAX_EMBEDDED 4096

/* The state of one read: the document's parts, what it declares, and the
 * issues found so far. Lives on the caller's stack; doc is borrowed. */
struct model_reader {
    const json_t *doc;
    const json_t *props;     /* "properties" (standard on Items only) */
    const json_t *summaries; /* Collection "summaries" */
    const char *url;         /* base URL of hrefs; NULL keeps them as given */
    bool is_item;
    bool is_collection;
    bool used_cprops;          /* read from a Collection "properties" */
    unsigned declared;         /* EXT_* flags named in stac_extensions */
    int mlm_version;           /* highest declared, major*100+minor; or -1 */
    const json_t *model_asset; /* first asset with the role mlm:model */
    char *model_asset_label;   /* 'asset "w"' or 'item asset "w"', new */
    json_t *issues;
    size_t dropped; /* issues past MODEL_MAX_ISSUES */
};

/* An array of unique strings in first-seen order; seen is the set (a JSON
 * object) that keeps the uniqueness check O(1). */
struct model_set {
    json_t *arr;
    json_t *seen;
};

/* ---- the read (model.c) */

/* Start a read of doc (borrowed) with url as the base of hrefs. */
void model_reader_init(struct model_reader *r, const json_t *doc,
                       const char *url);
/* Read the document as the kind record_new() recorded in rec's
 * stac_type, which its caller may know better than the document's keys
 * (a Collection of an API's /collections list may have no type, extent
 * or license): the record and the read then agree. */
void model_reader_take_type(struct model_reader *r, const json_t *rec);
/* The issues (new reference), closed by a count of those past the cap. */
json_t *model_reader_finish(struct model_reader *r);
/* Record one problem in plain words, once. */
void model_issue(struct model_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* How many bytes of s an issue quotes ("%.*s"). */
int model_quote_len(const char *s);
/* "a string", "an array", ... for issues. */
const char *model_type_name(const json_t *v);

/* A field wherever documents put it (borrowed, or NULL): Item properties
 * then top level; Collection top level, "properties", summaries. */
const json_t *model_field(struct model_reader *r, const char *key);
/* The same for a single-valued field: from summaries, the first value. */
const json_t *model_scalar(struct model_reader *r, const char *key);
/* The same for an object-valued field: from summaries, the first value of
 * an array (a lone object as given); NULL for null. */
const json_t *model_object(struct model_reader *r, const char *key);

/* ---- values: each returns a new reference for the record, or NULL (with
 * an issue naming what when v has a type that cannot be read). */

json_t *model_text_copy(const json_t *v); /* a non-empty string, or NULL */
json_t *model_text(struct model_reader *r, const json_t *v, const char *what);
/* Prose read as model_text(), cut at MODEL_MAX_PROSE bytes (reported). */
json_t *model_prose(struct model_reader *r, const json_t *v, const char *what);
json_t *model_integer(struct model_reader *r, const json_t *v,
                      const char *what);
/* An integer of at least min (smaller: reported, NULL). */
json_t *model_count(struct model_reader *r, const json_t *v, const char *what,
                    json_int_t min);
json_t *model_number(struct model_reader *r, const json_t *v, const char *what);
json_t *model_bool(struct model_reader *r, const json_t *v, const char *what);
/* An array of strings; a lone string is one (with an issue unless
 * one_ok). */
json_t *model_texts(struct model_reader *r, const json_t *v, const char *what,
                    bool one_ok);
/* A shape: an array of sizes, integers of at least min read as
 * model_integer() reads each. An entry that is none names no dimension,
 * and dropping it alone would shift the other sizes against the dimension
 * names: the whole shape is refused, with one issue naming the entry. */
json_t *model_shape(struct model_reader *r, const json_t *v, const char *what,
                    json_int_t min);
/* A dim_order: the names of a shape's dimensions, in its order, read as
 * model_texts() reads them. For the same reason as a shape, an entry that
 * is no name (not a string, or empty) refuses the whole dim_order, with
 * one issue naming the entry. */
json_t *model_dim_order(struct model_reader *r, const json_t *v,
                        const char *what);
/* Whether model_integer() reads v, and as what (*out); quiet. */
bool model_integral(const json_t *v, json_int_t *out);
/* v as issues name it: a number as written, a string quoted (cut at
 * MODEL_QUOTE_MAX bytes), else its type; n of MODEL_QUOTE_MAX + 8 holds
 * any. */
void model_describe(const json_t *v, char *buf, size_t n);
/* The whole of s as a finite number. */
bool model_parse_number(const char *s, double *out);
/* Report an array or object longer than MODEL_MAX_ENTRIES before reading
 * it. */
void model_check_cap(struct model_reader *r, const json_t *v, const char *what);
/* Whether v is an array to read, entries past MODEL_MAX_ENTRIES reported
 * (model_check_cap()): not when it is absent or null, nor when it is no
 * array ("<what> should be an array, not <type>; ignored"). */
bool model_is_list(struct model_reader *r, const json_t *v, const char *what);
/* Reads one object entry of a list (never NULL, always an object); the
 * record's value, or NULL for none (read_one reports why). */
typedef json_t *model_object_fn(struct model_reader *r, const json_t *e,
                                void *ctx);
/* A list of objects (model_is_list(); NULL when it is none), each read by
 * read_one, in order, up to MODEL_MAX_ENTRIES; an entry that is no object
 * is left out ("<what> should hold objects only; <type> ignored"). */
json_t *model_objects(struct model_reader *r, const json_t *v, const char *what,
                      model_object_fn *read_one, void *ctx);

/* How model_copy_tree() copies: object keys renamed (from -> to, each
 * rename reported; the right spelling, when also there, wins), and
 * whether an array or object cut at MODEL_MAX_ENTRIES is reported. */
struct model_rename {
    const char *from, *to;
};
struct model_copy_opts {
    const struct model_rename *renames;
    size_t n_renames;
    bool report_cuts;
};
/* A copy of a free-form value, kept as given but bounded: each array or
 * object cut at MODEL_MAX_ENTRIES, nesting cut at MODEL_MAX_DEPTH (depth
 * is where v sits; reported), keys renamed as o says. */
json_t *model_copy_tree(struct model_reader *r, const json_t *v,
                        const char *what, int depth,
                        const struct model_copy_opts *o);
/* A copy of a free-form value kept as given (null gives NULL), bounded:
 * arrays and objects cut at MODEL_MAX_ENTRIES, nesting at MODEL_MAX_DEPTH,
 * each cut reported. */
json_t *model_copy(struct model_reader *r, const json_t *v, const char *what);

/* obj[key] = v, arr += v, when v is not NULL (taking the reference). */
void model_put(json_t *obj, const char *key, json_t *v);
void model_append(json_t *arr, json_t *v);
/* rec[key] = the first non-NULL of cand[0..n) (all taken), or no key. */
void model_put_first(json_t *rec, const char *key, json_t **cand, size_t n);
/* rec[key] = a new empty array, returned borrowed. */
json_t *model_fresh_array(json_t *rec, const char *key);

/* ---- hrefs */

bool model_has_scheme(const char *s);
/* javascript:, vbscript:, data: */
bool model_is_script_url(const char *href);
/* The record form of an href: registry references (when registry) and
 * other schemes as given, the rest resolved against the document URL. */
json_t *model_resolve_href(struct model_reader *r, const json_t *v,
                           bool registry, bool keep_fragment, const char *what);

/* ---- unique lists and tasks */

void model_set_init(struct model_set *s, json_t *arr);
void model_set_cleanup(struct model_set *s);
/* Add a copy of text; false when the list is full. */
bool model_set_add(struct model_set *s, const char *text);
/* Add the canonical names of the tasks in v (strings; one string when
 * one_ok) to s. */
void model_add_tasks(struct model_reader *r, struct model_set *s,
                     const json_t *v, const char *what, bool one_ok);
/* A new array of the canonical task names in v. */
json_t *model_task_array(struct model_reader *r, const json_t *v,
                         const char *what, bool one_ok);

/* The core fields of every record; dataset: no datetime, an Item's
 * datetime is both ends of its span. */
void model_read_common(struct model_reader *r, json_t *rec, bool dataset);
/* How to cite and credit the document, models and datasets alike: doi
 * (sci:doi), citation (sci:citation), publications (sci:publications),
 * providers (STAC core). */
void model_read_credits(struct model_reader *r, json_t *rec);

/* ---- model-io.c */

void model_read_inputs(struct model_reader *r, json_t *rec, unsigned exts);
void model_read_outputs(struct model_reader *r, json_t *rec, unsigned exts);

/* ---- model-assets.c */

/* Set r->model_asset: the first asset (for a Collection, else item asset)
 * with the role mlm:model. */
void model_find_model_asset(struct model_reader *r);
void model_read_artifacts(struct model_reader *r, json_t *rec, unsigned exts);
/* train_data, validation_data, test_data; empty unless exts names a model
 * extension. */
void model_read_data_links(struct model_reader *r, json_t *rec, unsigned exts);

#endif
