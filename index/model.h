/* SPDX-License-Identifier: MIT */
/* Readers of the model extensions (ml-model, dlm, mlm in every version) and
 * of training datasets (tdml, with the label / ml-aoi / sci fields it
 * relies on) into one normalised record. Lenient: wrong types and
 * misspellings seen in real catalogs are accepted where the meaning is clear
 * and reported in "issues"; a problem never drops a record. Pure functions
 * over jansson; the field names are documented in docs/record.md. */
#ifndef INDEX_MODEL_H
#define INDEX_MODEL_H

#include <jansson.h>

/* Add the normalised model fields of doc to rec (a JSON object, modified in
 * place; existing keys with these names are replaced):
 *   name, title, description, keywords, license, version, bbox, datetime,
 *   start_datetime, end_datetime, architecture, tasks, framework,
 *   framework_version, accelerator, accelerator_constrained,
 *   accelerator_summary, accelerator_count, batch_size_suggestion,
 *   learning_approach, training_processor_type, training_os, pretrained,
 *   pretrained_source, total_parameters, memory_size, hyperparameters,
 *   inputs, outputs, artifacts, train_data, validation_data, test_data,
 *   doi, citation, publications, providers, file_size, versions, issues.
 * A field that no extension gives is omitted, except the arrays tasks,
 * inputs, outputs, artifacts, train_data, validation_data, test_data,
 * versions and issues, which are always present (possibly empty).
 * url is the canonical absolute URL of doc, the base against which asset
 * hrefs and data links are resolved; exts the detect_document() flags.
 * mlm wins where extensions overlap. Call it for model documents only: a
 * derived_from link is then read as the model's training data (validation
 * or test data by its ml-aoi:split); when exts names no model extension,
 * the data lists stay empty. */
void model_read(const json_t *doc, const char *url, unsigned exts, json_t *rec);

/* Add the normalised dataset fields of doc to rec (modified in place):
 *   tdml (true when the document declares tdml or carries tdml: fields),
 *   title, description, license, keywords, version, bbox, start_datetime,
 *   end_datetime, amount_of_training_data, classification_schema,
 *   image_sizes, data_sources, scope, quality, provenance, metrics,
 *   changesets,
 *   label_classes [{name, classes}], label_tasks [string], split, doi,
 *   citation, publications, providers, label_type, label_methods,
 *   label_description, label_properties, label_sources, label_overviews,
 *   bands, versions, issues.
 * tdml, label, ml-aoi, sci and eo fields are read wherever they sit: Collection
 * top level, a non-standard Collection "properties" object, summaries,
 * Item properties. Fields absent from the document are omitted, except
 * tdml, label_classes, label_tasks, versions and issues. */
void model_read_dataset(const json_t *doc, const char *url, json_t *rec);

/* The canonical mlm task name for a task string of any extension. Known
 * names (mlm's task vocabulary) match after lower-casing and turning runs
 * of blanks, underscores and hyphens into one hyphen ("semantic
 * segmentation" -> "semantic-segmentation", "Object Detection" ->
 * "object-detection", "segmentation" stays), and dlm's "object
 * segmentation" means "instance-segmentation"; unknown values are
 * returned lower-cased (ASCII) only, otherwise as given ("Change
 * Detection" -> "change detection"). Returns a new string (caller frees
 * with free()), or NULL when task is NULL. */
char *model_task_name(const char *task);

#endif
