#!/bin/bash
# SPDX-License-Identifier: MIT
# The interoperability corpus: every real document of ../shared/stac-examples
# given as a seed (file:// URLs, --max-depth 0). Each one that is valid JSON
# and a model record must be indexed; each invalid one must be reported with
# its URL and position; nothing crashes. The expected set comes from the
# hand-written tests/unit/corpus.expected. Each exported record is then
# compared with the document it came from (its "stac" member), and a
# second harvest one level deeper checks the links between models and
# their training data. Hermetic: the hosts the documents name are
# unreachable (lib.sh).
. "$top_srcdir/tests/e2e/lib.sh"
SHARED=${STACML_SHARED:-$top_srcdir/../shared}
EXAMPLES="$SHARED/stac-examples"
[ -f "$EXAMPLES/MANIFEST.md" ] || skip "shared examples not found in $SHARED"
EXAMPLES=$(cd "$EXAMPLES" && pwd -P)
EXPECTED="$top_srcdir/tests/unit/corpus.expected"

# Seeds: every document that is not a JSON schema.
grep -v '^#' "$EXPECTED" | awk 'NF >= 2 && $1 !~ /schema\.json$/ {print $1}' |
    sed "s|^|$EXAMPLES/|" >"$T/seeds"
"$STACML" --db "$T/db" harvest --max-depth 0 --seeds "$T/seeds" \
    >"$T/out" 2>"$T/err"
check_eq "exit status 1 (some documents are invalid)" "$?" 1

grep -v '^#' "$EXPECTED" |
    awk 'NF >= 2 && $1 !~ /schema\.json$/ && $2 ~ /(dlm|ml-model|mlm)/ {print $1}' |
    sed "s|^|file://$EXAMPLES/|" | LC_ALL=C sort >"$T/want"
"$STACML" --db "$T/db" export | jq -r .url | sed 's/%20/ /g' | LC_ALL=C sort >"$T/got"
check_diff "every model record in the corpus is indexed" "$T/got" "$T/want"

grep -v '^#' "$EXPECTED" | awk '$1 !~ /schema\.json$/ && $3 == "invalid" {print $1}' >"$T/invalid"
n_invalid=0
while read -r f; do
    n_invalid=$((n_invalid + 1))
    check "invalid $f reported with position" \
        grep -q "$f: invalid JSON at line [0-9]* column [0-9]*" "$T/err"
done <"$T/invalid"
check "some invalid documents exist in the corpus" test "$n_invalid" -gt 0

# Numeric ids become strings; every record has the required fields.
"$STACML" --db "$T/db" export >"$T/export.jsonl"
check "every record has the contract fields" jq -e -s 'length > 20 and
    all(.[]; (.id|type) == "string" and (.url|startswith("file://")) and
    (.extensions|length) > 0 and (.stac|type) == "object")' "$T/export.jsonl"

# Field by field against the documents themselves (.stac): each mlm
# output keeps the shape, dimension order and data type of its result.
check "mlm outputs: result shape, dim_order and data_type" jq -e -s '
    [.[] | select(.stac.properties["mlm:output"] | type == "array")] |
    length >= 20 and all(.[];
    [.stac.properties["mlm:output"][] | .result | {shape, dim_order,
        data_type}] == [.outputs[] | {shape, dim_order, data_type}])' \
    "$T/export.jsonl"
# No published shape falls foul of the size rules (mlm: at least -1; dlm:
# at least 1): every input shape is kept as given, and the dlm Item's
# tensor and final layer size too.
check "mlm and dlm shapes kept as the documents give them" jq -e -s '
    ([.[] | select(.stac.properties["mlm:input"] | type == "array")] |
     length >= 20 and all(.[];
     [.stac.properties["mlm:input"][] | .input.shape] ==
     [.inputs[] | .shape])) and
    ([.[] | select(.stac.properties["dlm:inputs"] != null and
        .stac.properties["mlm:input"] == null)] | length >= 1 and all(.[];
     .stac.properties["dlm:inputs"].input_tensors as $t |
     .inputs[0].shape == [$t.batch, ($t.dim // $t.channels), $t.height,
        $t.width] and
     .outputs[0].shape == .stac.properties["dlm:outputs"].final_layer_size))' \
    "$T/export.jsonl"
# Each mlm input lists its band names, and says how the derived ones
# (a Model Band Object with an expression, as NDVI) are computed.
check "mlm inputs: band names and band expressions" jq -e -s '
    [.[] | select(.stac.properties["mlm:input"] | type == "array")] |
    length >= 20 and all(.[];
    [.stac.properties["mlm:input"][] | [(.bands // [])[] |
        if type == "object" then .name else . end]] ==
        [.inputs[] | .bands // []] and
    [.stac.properties["mlm:input"][] | [(.bands // [])[] | objects |
        select(.expression) | {name, format, expression}]] ==
        [.inputs[] | .band_expressions // []]) and
    any(.[]; .inputs[].band_expressions)' "$T/export.jsonl"
check "mlm inputs and outputs keep their descriptions" jq -e -s '
    [.[] | select(.stac.properties["mlm:input"] | type == "array")] |
    all(.[]; [.stac.properties["mlm:input"][].description] ==
        [.inputs[].description] and
        [.stac.properties["mlm:output"][].description] ==
        [.outputs[].description]) and
    any(.[]; .inputs[].description)' "$T/export.jsonl"

# The single-valued fields of every model Item, as its properties give
# them (mlm, ml-model and core names; a null gives no field).
check "model Items: scalar fields as the documents give them" jq -e -s '
    {"mlm:name": "name", "mlm:architecture": "architecture",
     "mlm:framework": "framework", "mlm:framework_version":
     "framework_version", "mlm:accelerator": "accelerator",
     "mlm:accelerator_constrained": "accelerator_constrained",
     "mlm:accelerator_summary": "accelerator_summary",
     "mlm:batch_size_suggestion": "batch_size_suggestion",
     "mlm:pretrained": "pretrained", "mlm:pretrained_source":
     "pretrained_source", "mlm:total_parameters": "total_parameters",
     "mlm:memory_size": "memory_size", "ml-model:architecture":
     "architecture", "ml-model:learning_approach": "learning_approach",
     "ml-model:training-processor-type": "training_processor_type",
     "ml-model:training-os": "training_os", "license": "license",
     "description": "description",
     "start_datetime": "start_datetime", "end_datetime": "end_datetime",
     "datetime": "datetime"} as $m |
    [.[] | select(.stac_type == "Item")] | length >= 20 and all(.[];
    . as $r | all(.stac.properties | to_entries[] |
        select($m[.key] and .value != null);
        $r[$m[.key]] == .value) and .bbox == .stac.bbox)' "$T/export.jsonl"
check "model Items: tasks and training data links as the documents say" \
    jq -e -s '[.[] | select(.stac_type == "Item")] | all(.[];
    .tasks == (.stac.properties | if .["mlm:tasks"] then .["mlm:tasks"]
        elif .["ml-model:prediction_type"] then [.["ml-model:prediction_type"]]
        else [.["dlm:outputs"].task | gsub(" "; "-")] end) and
    .train_data == [.stac.links[] | select(.rel == "derived_from" or
        .rel == "ml-model:train-data") | .href] and
    .test_data == [.stac.links[] | select(.rel == "ml-model:test-data") |
        .href])' "$T/export.jsonl"
check "mlm model assets: artifacts with their artifact type" jq -e -s '
    [.[] | select(.stac.assets | type == "object")] | all(.[];
    . as $r | all(.stac.assets | to_entries[] |
        select(.value.roles | index("mlm:model"));
        .key as $k | .value["mlm:artifact_type"] as $t |
        any($r.artifacts[]; .key == $k and .artifact_type == $t)))' \
    "$T/export.jsonl"

# Datasets: every tdml document of the corpus is one.
"$STACML" --db "$T/db" export --datasets >"$T/datasets.jsonl"
check "tdml documents are dataset records" jq -e -s '
    [.[] | select(.tdml)] | length == 4 and all(.[]; .reachable and
    (.url | test("trainingdml-ai-extension/examples/")) and
    .version == .stac.properties.version)' "$T/datasets.jsonl"

# How to cite and credit a model or dataset, and what an artifact costs
# to download, as the documents give them.
check "models keep doi, citation, providers and artifact sizes" jq -e -s '
    ([.[] | select(.stac.properties["sci:doi"] != null)] | length > 0 and
     all(.[]; .doi == .stac.properties["sci:doi"] and
         .citation == .stac.properties["sci:citation"])) and
    ([.[] | select(.stac.properties.providers != null)] | length > 0 and
     all(.[]; [.providers[].name] == [.stac.properties.providers[].name])) and
    ([.[] | .stac.assets as $a | .artifacts[] | .key as $k |
      select(($a | type) == "object" and $a[$k]["file:size"] != null) |
      .file_size == $a[$k]["file:size"] and .title == $a[$k].title] |
     length > 0 and all)' "$T/export.jsonl"
# Publications beside the main DOI (the ml-model example writes
# "sci:citation" inside an entry), and the model file size that the mlm
# examples give in the Item properties.
check "models keep sci:publications and the Item file:size" jq -e -s '
    ([.[] | select(.stac.properties["sci:publications"] != null)] |
     length >= 3 and all(.[]; .publications ==
        [.stac.properties["sci:publications"][] |
         {doi: (.doi // .["sci:doi"]), citation: (.citation //
          .["sci:citation"])} | with_entries(select(.value != null))])) and
    ([.[] | select(.stac.properties["file:size"] != null)] |
     length >= 10 and all(.[]; .file_size ==
        .stac.properties["file:size"])) and
    all(.[]; (.stac.properties["file:size"] == null) == (.file_size == null))' \
    "$T/export.jsonl"
# The Item's file:size is the size of its model file: the first asset with
# the role mlm:model takes it when it gives none; no other asset does.
# (Artifacts keep the document's order of assets; .stac may not.)
check "the Item file:size is the model artifact's, and only its" jq -e -s '
    [.[] | select(.stac.properties["file:size"] != null)] |
    length >= 10 and all(.[]; .stac.assets as $a | .file_size as $s |
    ([.artifacts[] | select(.roles | index("mlm:model"))][0].key) as $m |
    all(.artifacts[] | select($a[.key] != null);
        .file_size == ($a[.key]["file:size"] //
            (if .key == $m then $s else null end))))' "$T/export.jsonl"
# A dataset's versions: the extensions whose fields it reads, verbatim, in
# document order (the WHU Collection declares eo for its eo:bands).
check "datasets list the extensions of their fields in versions" jq -e -s '
    any(.[]; .versions | any(test("/eo/v"))) and all(.[]; .versions ==
    [.stac.stac_extensions[] |
     select(test("/(trainingdml-ai|label|ml-aoi|scientific|eo|version)/v"))])' \
    "$T/datasets.jsonl"
check "datasets keep providers and eo:bands" jq -e -s '
    [.[] | select(.stac.properties["eo:bands"] != null)] | length > 0 and
    all(.[]; [.bands[].name] == [.stac.properties["eo:bands"][].name] and
        [.providers[].name] == [.stac.providers[].name])' "$T/datasets.jsonl"

# One level further, the training links of the models are followed (the
# hosts they name are all off this machine: unreachable, see lib.sh),
# and each dataset lists back the models trained on it.
"$STACML" --db "$T/db1" -v harvest --max-depth 1 --retries 0 \
    --seeds "$T/seeds" >/dev/null 2>"$T/err1"
# Container images named by scheme-less hrefs (EXTENSIONS.md 7.9.1) are
# recorded as given and never fetched, not even as relative paths.
check "docker image references are never fetched" \
    bash -c '! grep -E "inferencing-model|training-model|torchgeo:1|thelper-geo" "$1"' \
    _ "$T/err1"
"$STACML" --db "$T/db1" export >"$T/export1.jsonl"
"$STACML" --db "$T/db1" export --datasets >"$T/datasets1.jsonl"
check "docker image references recorded verbatim" jq -e -s '
    [.[].artifacts[] | select(.roles[0] | test("image|runtime")) | .href] |
    index("registry.hub.docker.com/my-user/my-inferencing-model:v1") and
    index("docker.io/radiantearth/cyclone-model-torchgeo:1") and
    index("thelper-geo:latest")' "$T/export1.jsonl"
check "each dataset lists the models trained on it" jq -e -s '
    ($m | map(select(.datasets | length > 0))) as $models |
    length > 4 and all(.[]; .url as $u | (.models | map(.url) | sort) ==
        ([$models[] | select(any(.datasets[]; .url == $u)) | .url] |
        sort)) and any(.[]; (.models | length) == 15)' \
    --slurpfile m "$T/export1.jsonl" "$T/datasets1.jsonl"
check "an unreachable training link is an issue of each of its models" \
    jq -e -s '[.[] | select(.reachable == false)] | length > 0 and
    all(.[]; .url as $u | all($m[] | select(any(.datasets[]; .url == $u));
        any(.issues[]; startswith("training data \($u) is unreachable"))))' \
    --slurpfile m "$T/export1.jsonl" "$T/datasets1.jsonl"

# A label document becomes a dataset as the training data of a model: a
# model Item trained on the ml-aoi EuroSAT Item, harvested one level deep.
# Its source links are kept with their label:assets and ml-aoi:role.
EUROSAT="$EXAMPLES/stac-extensions__ml-aoi/examples/item_EuroSAT-subset-train-sample-42-class-Residential.geojson"
cat >"$T/eurosat-model.json" <<EOF
{"type": "Feature", "stac_version": "1.0.0", "id": "eurosat-model",
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": "2024-01-01T00:00:00Z",
  "mlm:name": "m", "mlm:architecture": "ResNet", "mlm:tasks": ["classification"],
  "mlm:input": [], "mlm:output": []},
 "links": [{"rel": "derived_from", "href": "file://$EUROSAT"}],
 "assets": {"model": {"href": "m.pt", "roles": ["mlm:model"],
  "mlm:artifact_type": "torch.save"}}}
EOF
"$STACML" --db "$T/db3" -q harvest --max-depth 1 "$T/eurosat-model.json" \
    2>/dev/null
"$STACML" --db "$T/db3" export --datasets >"$T/datasets3.jsonl"
check "label datasets keep source links with label:assets and ml-aoi:role" \
    jq -e -s 'length == 1 and .[0].label_sources[0].role == "label" and
    all(.[]; .label_sources == [.stac.links[] | select(.rel == "source") |
     {url: .href, assets: .["label:assets"], role: .["ml-aoi:role"]} |
     with_entries(select(.value != null))])' "$T/datasets3.jsonl"

# A Collection whose absolute self is stale (example.com) and whose item
# link is relative (EXTENSIONS.md 7.9.2): the item is found next to the
# Collection as fetched, not at example.com.
CYCLONE="$EXAMPLES/stac-extensions__ml-model/examples/cyclone-wind-speed"
"$STACML" --db "$T/db2" -q harvest --max-depth 1 "$CYCLONE/collection.json" \
    2>/dev/null
check_eq "stale self: the item is read next to its Collection" \
    "$("$STACML" --db "$T/db2" export | jq -r '.url' | sed "s|^file://$EXAMPLES/||" | sort | tr '\n' ' ')" \
    "stac-extensions__ml-model/examples/cyclone-wind-speed/collection.json stac-extensions__ml-model/examples/cyclone-wind-speed/item.json "

e2e_finish
