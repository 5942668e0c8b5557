/* SPDX-License-Identifier: MIT */
/* The exported model record: built from a STAC document, encoded as one
 * compact JSON line. Pure functions over jansson. */
#ifndef INDEX_RECORD_H
#define INDEX_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Build the record of a model document. doc is borrowed; url is the
 * canonical absolute URL of the document, source the seed whose crawl found
 * it, exts the detect_document() flags. The record holds at least:
 *   url, id (a string even when the document has a number), stac_type
 *   ("Item", "Collection" or "Catalog"), extensions (sorted model extension
 *   names), source, stac (the document as fetched).
 * Returns a new reference (caller json_decref()s it). */
json_t *record_new(const json_t *doc, const char *url, const char *source,
                   unsigned exts);

/* Build the record of a dataset document (a training-data link target or
 * a tdml document): url, id, stac_type, source, stac, reachable (true).
 * The caller adds the dataset fields (model_read_dataset()). New
 * reference. */
json_t *record_new_dataset(const json_t *doc, const char *url,
                           const char *source);

/* The record of a dataset link target that could not be read: url, source,
 * reachable (false), reason, http_status (when there was a response). New
 * reference. */
json_t *record_new_unreachable(const char *url, const char *source,
                               const char *reason, long http_status);

/* The secondary keys under which a record is indexed, derived from its
 * normalised fields ("id=", "extension=", "task=", "framework=",
 * "architecture=", "source=", "trained_on=", "train=", "validation=",
 * "test=", and coarse "cell=" / "year=" keys for bbox and time, "*" for
 * records too wide to place). Values other than URLs and ids are folded
 * with text_fold(). Appends new strings to *keys (an array grown with
 * realloc; *n is its length). */
void record_keys(const json_t *rec, char ***keys, size_t *n);

/* Free an array filled by record_keys(). */
void record_keys_free(char **keys, size_t n);

/* The grid cell keys of a bbox query or record: the 10-degree cells that
 * [w, s, e, n] covers ("cell=<col>,<row>"), or none when it covers more
 * than RECORD_CELLS_MAX cells or is not in degrees (the caller then uses
 * "cell=*"). A box with w > e crosses the antimeridian and covers the
 * cells on both sides of it. Returns the number appended, or -1 for "too
 * wide/unknown". */
#define RECORD_CELLS_MAX 64
int record_cells(double w, double s, double e, double n, char ***keys,
                 size_t *nkeys);

/* The year keys of a time interval [t0, t1] (Unix seconds), "year=<y>",
 * or -1 when it spans more than RECORD_YEARS_MAX years. */
#define RECORD_YEARS_MAX 50
int record_years(int64_t t0, int64_t t1, char ***keys, size_t *nkeys);

/* The time interval of a record (datetime, or start/end_datetime; a
 * missing end is open): returns 0 and fills t0/t1 (INT64_MIN/INT64_MAX for
 * open ends), or SM_E_NOTFOUND when the record has no usable time. */
int record_interval(const json_t *rec, int64_t *t0, int64_t *t1);

/* The bbox of a record as w, s, e, n (2D or 3D bbox arrays): 0 or
 * SM_E_NOTFOUND. */
int record_bbox(const json_t *rec, double box[4]);

/* Whether boxes a and b, each w, s, e, n, intersect (touching edges
 * count). A box with w > e crosses the antimeridian (RFC 7946 section 5.2)
 * and covers the longitudes [w, 180] and [-180, e]. */
bool record_bbox_intersects(const double a[4], const double b[4]);

/* Encode a record as compact JSON with sorted keys, no trailing newline.
 * Returns new memory (caller frees with free()) and sets *len. */
char *record_encode(const json_t *rec, size_t *len);

/* The same, indented by two spaces as json_dumps(JSON_INDENT(2) |
 * JSON_SORT_KEYS) writes (reals as record_encode() writes them): what
 * show, stats, runs and sources print as JSON. */
char *record_encode_pretty(const json_t *v, size_t *len);

/* Decode an encoded record. Returns a new reference or NULL when the bytes
 * are not a JSON object. */
json_t *record_decode(const char *data, size_t len);

#endif
