/* SPDX-License-Identifier: MIT */
/* Discovery across a registry: which sources to survey this run (never
 * surveyed, surveyed longer ago than --survey-every, left "incomplete" by a
 * survey cut off by its budget, or "skipped" before and no longer skipped
 * because this run has credentials for their host, or "unreachable" while
 * the index holds live records of theirs), which to harvest in full (those
 * that hold or declare models, and those whose records in the index are not
 * all gone, until they are), and the verdict of a survey from what it found
 * per source. Lists are JSON arrays of URLs. */
#ifndef SRC_DISCOVER_H
#define SRC_DISCOVER_H

#include <stdint.h>
#include <jansson.h>

#include "index/index.h"
#include "src/sources.h"

/* Sort the sources of l into survey (due for a survey) and harvest (to
 * harvest in full on their stored verdict); skipped entries get their
 * verdict stored at once, replacing one made in a run that had
 * credentials for them. */
void discover_plan(struct index *ix, const struct source_list *l, int64_t now,
                   int64_t survey_every, json_t *survey, json_t *harvest);

/* After the survey run: store each surveyed source's verdict, made from
 * counters (source -> {documents, models, model_items, failed, reasons,
 * where, seed_failed, budget}) and the API reports of the run (kind, and a
 * registry's wrong isApi). A survey whose budget ran out before it found a
 * model is stored as "incomplete" with a reason, and warned about; it is
 * not a verdict, so discover_plan() makes it due again on the next run.
 * Appends to harvest the sources that hold or declare models, and those
 * surveyed as "none" or "incomplete" that have live records in the index
 * (with a reason saying so). */
void discover_verdicts(struct index *ix, const struct source_list *l,
                       const json_t *survey, const json_t *counters,
                       const json_t *apis, int64_t now, json_t *harvest);

/* After the full harvest: stamp harvested_at and the counts. */
void discover_harvested(struct index *ix, const json_t *harvest,
                        const json_t *counters, int64_t now);

#endif
