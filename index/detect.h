/* SPDX-License-Identifier: MIT */
/* Recognition of the ML-model extensions (ml-model, dlm, mlm) and of the
 * TrainingDML-AI dataset extension (tdml) in a STAC document, by every
 * identifier form seen in the wild (EXTENSIONS.md sections 1 and 4.1) and by
 * field prefix. Pure functions over jansson. */
#ifndef INDEX_DETECT_H
#define INDEX_DETECT_H

#include <jansson.h>

enum ext_flag {
    EXT_ML_MODEL = 1u << 0,
    EXT_DLM = 1u << 1,
    EXT_MLM = 1u << 2,
    EXT_TDML = 1u << 3,
};

#define EXT_MODEL_MASK (EXT_ML_MODEL | EXT_DLM | EXT_MLM)

/* The extension one stac_extensions entry names, 0 when none of ours.
 * Matches by pattern, case-sensitively, after stripping one trailing '#':
 *   ml-model: .../ml-model/v<ver>/schema.json
 *   dlm:      the short id "dl-model", .../extensions/dl-model/json-schema/
 *             schema.json, .../dlm-extension/v<ver>/schema.json and
 *             .../dlm/v<ver>/schema.json with <ver> below v1.0.0
 *             (v0.*, v1.0.0-beta.3, ...)
 *   mlm:      .../mlm/v<ver>/schema.json (any host, including the malformed
 *             "https://stac-extensions/mlm/..."), .../mlm-extension/v<ver>/
 *             schema.json, and .../dlm-extension/v<ver>/schema.json and
 *             .../dlm/v<ver>/schema.json from v1.0.0 on (the dlm repository
 *             holds mlm v1.0.0 at that tag, EXTENSIONS.md 3.1)
 *   tdml:     .../trainingdml-ai/v<ver>/schema.json
 * where <ver> is digits and dots with an optional -suffix. */
unsigned detect_uri(const char *uri);

/* Every extension the document uses: the union of detect_uri() over its
 * stac_extensions strings and of field prefixes ("ml-model:", "dlm:",
 * "mlm:", "tdml:") found as keys of: the top level, properties, summaries,
 * each asset (assets as an object or, as in dlm betas, an array), each
 * item_assets entry; and of the asset roles "mlm:*" and "ml-model:*".
 * On an asset, the mlm fields of an inference product do not count: all
 * of them on an asset whose processing:expression has the format
 * "stac-mlm", and everywhere mlm:name, mlm:input, mlm:output and
 * mlm:hyperparameters, which mlm forbids on assets (EXTENSIONS.md 4.2,
 * 4.4). Non-objects yield 0. */
unsigned detect_document(const json_t *doc);

/* Append the names of the model extensions in exts ("dlm", "ml-model",
 * "mlm", in that sorted order) to the JSON array arr. */
void detect_append_names(unsigned exts, json_t *arr);

/* The name of one flag ("ml-model", "dlm", "mlm", "tdml"), or NULL. */
const char *detect_name(unsigned flag);

#endif
