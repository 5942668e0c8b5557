#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a deterministic static STAC catalog for the stacml benchmark.

Layout (depth D, fan-out F, N items):

    catalog.json                         root Catalog (level 0)
    c07/catalog.json                     sub-catalogs (levels 1 .. D-2)
    c07/c13/collection.json              leaf Collections (level D-1)
    c07/c13/items/<id>.json              the N items, spread evenly

Depth 1 puts the items straight under the root catalog. Every link is
relative (child, item, parent, root, collection); no document carries a
self link, so the tree can be served from any address. A fraction P of
the items are model records, split evenly across ml-model v1.0.0, dlm
(short id "dl-model") and mlm v1.5.2; the rest are small EO scene items.

Also writes urls.txt (every document's path relative to the root, one a
line, root first) and meta.json (parameters and counts). Output is a
function of the parameters only (and of this file's GENERATOR_VERSION).
"""

import argparse
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = 1

MLM_EXT = "https://stac-extensions.github.io/mlm/v1.5.2/schema.json"
ML_MODEL_EXT = "https://stac-extensions.github.io/ml-model/v1.0.0/schema.json"
EO_EXT = "https://stac-extensions.github.io/eo/v1.1.0/schema.json"
PROJ_EXT = "https://stac-extensions.github.io/projection/v1.1.0/schema.json"
FILE_EXT = "https://stac-extensions.github.io/file/v2.1.0/schema.json"

# (mlm task, ml-model prediction_type, dlm task, output name)
TASKS = [
    ("semantic-segmentation", "segmentation", "semantic segmentation", "mask"),
    ("object-detection", "object-detection", "object detection", "boxes"),
    ("scene-classification", "classification", "classification", "scores"),
    ("regression", "regression", "regression", "value"),
    ("instance-segmentation", "segmentation", "object segmentation", "masks"),
    ("super-resolution", "regression", "super resolution", "image"),
]
# architecture, parameter count, usual tasks (indices into TASKS)
ARCHS = [
    ("U-Net", 31_000_000, (0, 4)),
    ("UNet++", 36_000_000, (0,)),
    ("DeepLabV3+", 41_000_000, (0,)),
    ("ResNet-50", 25_600_000, (2, 3)),
    ("ResNet-18", 11_700_000, (2, 3)),
    ("EfficientNet-B0", 5_300_000, (2,)),
    ("Vision Transformer (ViT-B/16)", 86_000_000, (2, 0)),
    ("Swin Transformer", 88_000_000, (0, 2)),
    ("YOLOv8", 43_700_000, (1,)),
    ("Faster R-CNN", 41_800_000, (1,)),
    ("Mask R-CNN", 44_400_000, (4, 1)),
    ("SRCNN", 57_000, (5,)),
    ("Random Forest", 0, (2, 3)),
    ("LightGBM", 0, (3,)),
]
# (mlm framework, dlm framework, version, artifact type, media type)
FRAMEWORKS = [
    ("pytorch", "PyTorch", "2.1.2", "torch.save", "application/octet-stream; framework=pytorch"),
    ("pytorch", "PyTorch", "1.13.1", "torch.jit.script", "application/octet-stream; framework=pytorch"),
    ("tensorflow", "TensorFlow", "2.15.0", "tf.keras.Model.save", "application/x-hdf5"),
    ("ONNX", "ONNX", "1.15.0", "onnx", "application/octet-stream; framework=onnx"),
    ("scikit-learn", "scikit-learn", "1.4.0", "joblib", "application/octet-stream"),
    ("JAX", "JAX", "0.4.23", "orbax", "application/octet-stream"),
]
BANDS = [("B01", "coastal"), ("B02", "blue"), ("B03", "green"), ("B04", "red"),
         ("B05", "rededge"), ("B06", "rededge"), ("B07", "rededge"),
         ("B08", "nir"), ("B8A", "nir08"), ("B09", "nir09"),
         ("B11", "swir16"), ("B12", "swir22")]
PLATFORMS = ["sentinel-2a", "sentinel-2b", "landsat-8", "landsat-9"]
THEMES = ["land cover", "buildings", "roads", "crops", "clouds", "water",
          "wildfire", "flood", "forest", "ships", "solar panels", "snow"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--depth", type=int, default=3,
                   help="catalog levels including the root (>= 1)")
    p.add_argument("--fanout", type=int, default=20,
                   help="children of each non-leaf catalog")
    p.add_argument("--model-fraction", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--indent", type=int, default=None,
                   help="pretty-print documents (default: compact)")
    p.add_argument("--cache", action="store_true",
                   help="reuse DIR when its meta.json has the same parameters")
    a = p.parse_args(argv)
    if a.items < 0 or a.depth < 1 or a.fanout < 1:
        p.error("--items >= 0, --depth >= 1, --fanout >= 1")
    if not 0.0 <= a.model_fraction <= 1.0:
        p.error("--model-fraction must be within 0..1")
    return a


def params_of(a):
    return {"generator_version": GENERATOR_VERSION, "items": a.items,
            "depth": a.depth, "fanout": a.fanout,
            "model_fraction": a.model_fraction, "seed": a.seed,
            "indent": a.indent}


def bbox_geom(rng):
    w = round(rng.uniform(-179.0, 178.0), 4)
    s = round(rng.uniform(-80.0, 79.0), 4)
    dx = round(rng.uniform(0.1, 1.0), 4)
    dy = round(rng.uniform(0.1, 1.0), 4)
    e, n = round(w + dx, 4), round(s + dy, 4)
    geom = {"type": "Polygon",
            "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    return [w, s, e, n], geom


def when(rng):
    day = rng.randrange(0, 6 * 365)
    y, d = 2018 + day // 365, day % 365
    m, dd = 1 + d // 31 % 12, 1 + d % 28
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        y, m, dd, rng.randrange(24), rng.randrange(60), rng.randrange(60))


def item_links(up):
    # up: "../" repeated to reach the root from the items/ directory
    return [
        {"rel": "root", "href": up + "catalog.json", "type": "application/json"},
        {"rel": "parent", "href": "../collection.json", "type": "application/json"},
        {"rel": "collection", "href": "../collection.json", "type": "application/json"},
    ]


def scene_item(rng, iid, coll, up):
    bbox, geom = bbox_geom(rng)
    dt = when(rng)
    plat = rng.choice(PLATFORMS)
    tile = "T%02d%s%s%s" % (rng.randrange(1, 61), chr(67 + rng.randrange(20)),
                           chr(65 + rng.randrange(26)), chr(65 + rng.randrange(26)))
    base = "https://data.example.invalid/%s/%s/%s" % (coll, tile, iid)
    assets = {}
    for b, common in (BANDS[1], BANDS[2], BANDS[3], BANDS[7]):
        assets[b] = {
            "href": "%s/%s.tif" % (base, b),
            "type": "image/tiff; application=geotiff; profile=cloud-optimized",
            "title": "Band %s (%s)" % (b, common),
            "roles": ["data"],
            "eo:bands": [{"name": b, "common_name": common}],
        }
    assets["thumbnail"] = {"href": base + "/preview.jpg", "type": "image/jpeg",
                           "roles": ["thumbnail"]}
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [EO_EXT, PROJ_EXT],
        "id": iid,
        "collection": coll,
        "geometry": geom,
        "bbox": bbox,
        "properties": {
            "datetime": dt,
            "platform": plat,
            "instruments": ["msi" if plat.startswith("sentinel") else "oli"],
            "constellation": plat.rsplit("-", 1)[0],
            "gsd": 10 if plat.startswith("sentinel") else 30,
            "eo:cloud_cover": round(rng.uniform(0, 100), 2),
            "proj:epsg": 32600 + rng.randrange(1, 61),
            "s2:mgrs_tile": tile[1:],
        },
        "links": item_links(up),
        "assets": assets,
    }


def pick_model(rng):
    arch, params, tasks = rng.choice(ARCHS)
    task = TASKS[rng.choice(tasks)]
    if arch in ("Random Forest", "LightGBM"):
        fw = FRAMEWORKS[4]
    else:
        fw = FRAMEWORKS[rng.choice((0, 0, 1, 2, 3, 5))]
    theme = rng.choice(THEMES)
    nb = rng.choice((3, 4, 10, 12))
    size = rng.choice((64, 128, 256, 512))
    return arch, params, task, fw, theme, nb, size


def mlm_item(rng, iid, coll, up):
    bbox, geom = bbox_geom(rng)
    arch, params, task, fw, theme, nb, size = pick_model(rng)
    bands = [b for b, _ in BANDS[:nb]]
    classes = 2 if task[0] != "regression" else 1
    title = "%s %s %s" % (arch, theme, task[0].replace("-", " "))
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [MLM_EXT, FILE_EXT],
        "id": iid,
        "collection": coll,
        "geometry": geom,
        "bbox": bbox,
        "properties": {
            "datetime": None,
            "start_datetime": "2018-01-01T00:00:00Z",
            "end_datetime": when(rng),
            "title": title,
            "description": "A %s model for %s trained on Sentinel-2 L2A."
                           % (arch, theme),
            "keywords": [theme, task[0], "sentinel-2"],
            "mlm:name": "%s-%s" % (arch.lower().replace(" ", "-"), iid),
            "mlm:architecture": arch,
            "mlm:tasks": [task[0]],
            "mlm:framework": fw[0],
            "mlm:framework_version": fw[2],
            "mlm:accelerator": rng.choice(("cuda", "amd64", "cuda")),
            "mlm:accelerator_constrained": False,
            "mlm:pretrained": rng.random() < 0.5,
            "mlm:total_parameters": params,
            "mlm:batch_size_suggestion": rng.choice((1, 8, 16, 32)),
            "mlm:input": [{
                "name": "%d-band Sentinel-2 L2A" % nb,
                "bands": bands,
                "input": {"shape": [-1, nb, size, size],
                          "dim_order": ["batch", "channel", "height", "width"],
                          "data_type": "float32"},
                "value_scaling": [{"type": "scale", "value": 10000}],
                "pre_processing_function": None,
            }],
            "mlm:output": [{
                "name": task[3],
                "tasks": [task[0]],
                "result": {"shape": [-1, classes, size, size],
                           "dim_order": ["batch", "channel", "height", "width"],
                           "data_type": "float32"},
                "classification:classes": [
                    {"value": 0, "name": "background"},
                    {"value": 1, "name": theme}] if classes == 2 else [],
                "post_processing_function": None,
            }],
        },
        "links": item_links(up),
        "assets": {
            "weights": {
                "href": "https://models.example.invalid/%s/%s.pt" % (coll, iid),
                "type": fw[4],
                "title": "model weights",
                "roles": ["mlm:model", "mlm:weights"],
                "mlm:artifact_type": fw[3],
                "file:size": 4 * max(params, 1000),
            },
            "source_code": {
                "href": "https://git.example.invalid/models/%s" % iid,
                "type": "text/html",
                "roles": ["mlm:source_code", "code"],
            },
        },
    }


def ml_model_item(rng, iid, coll, up):
    bbox, geom = bbox_geom(rng)
    arch, params, task, fw, theme, nb, size = pick_model(rng)
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [ML_MODEL_EXT],
        "id": iid,
        "collection": coll,
        "geometry": geom,
        "bbox": bbox,
        "properties": {
            "datetime": when(rng),
            "title": "%s %s model" % (arch, theme),
            "description": "%s for %s (%s)." % (arch, theme, task[1]),
            "ml-model:type": "ml-model",
            "ml-model:learning_approach": rng.choice(
                ("supervised", "supervised", "semi-supervised")),
            "ml-model:prediction_type": task[1],
            "ml-model:architecture": arch,
        },
        "links": item_links(up) + [
            {"rel": "ml-model:inferencing-image",
             "href": "docker.io/example/%s:v1" % iid,
             "type": "docker-image", "title": "inference image"},
            {"rel": "ml-model:training-image",
             "href": "docker.io/example/%s-train:v1" % iid,
             "type": "docker-image"},
        ],
        "assets": {
            "model": {
                "href": "https://models.example.invalid/%s/%s.%s"
                        % (coll, iid, "onnx" if fw[0] == "ONNX" else "pt"),
                "type": "application/octet-stream",
                "title": "checkpoint",
                "roles": ["ml-model:checkpoint"],
            },
        },
    }


def dlm_item(rng, iid, coll, up):
    bbox, geom = bbox_geom(rng)
    arch, params, task, fw, theme, nb, size = pick_model(rng)
    bands = list(range(1, nb + 1))
    return {
        "type": "Feature",
        "stac_version": "1.0.0-beta.2",
        "stac_extensions": ["dl-model", "eo"],
        "id": iid,
        "collection": coll,
        "geometry": geom,
        "bbox": bbox,
        "properties": {
            "datetime": when(rng),
            "title": "%s %s" % (arch, theme),
            "dlm:data": {"process_level": "ortho", "data_type": "uint16",
                         "number_of_bands": nb, "useful_bands": bands},
            "dlm:inputs": {
                "name": "%d-band image" % nb,
                "input_tensors": [{"batch": 1, "dim": nb,
                                   "height": size, "width": size}],
                "scaling_factor": 0.0001,
                "normalization:mean": [0.45] * min(nb, 4),
                "normalization:std": [0.22] * min(nb, 4),
                "selected_bands": bands,
                "pre_processing_function": "normalize_s2",
            },
            "dlm:outputs": {
                "task": task[2],
                "number_of_classes": 2,
                "dont_care_index": 0,
                "final_layer_size": [1, 2, size, size],
                "class_name_mapping": {"0": "background", "1": theme},
                "post_processing_function": None,
            },
            "dlm:runtime": {
                "framework": fw[1],
                "version": fw[2],
                "model_handler": "inference.predict",
                "model_src_url": "https://git.example.invalid/dlm/%s" % iid,
                "model_commit_hash": "%040x" % rng.getrandbits(160),
                "requirement_file": "requirements.txt",
                "docker": {"docker_file": "Dockerfile",
                           "image_name": "example/%s:latest" % iid,
                           "tag": "latest", "working_dir": "/app",
                           "run": "python predict.py", "gpu": True},
            },
            "dlm:architecture": {
                "total_nb_parameters": params,
                "estimated_total_size_mb": round(params * 4 / 1048576, 2),
                "type": arch,
                "pretrained": rng.choice(("imagenet", "none")),
            },
            "dlm:archive": [{"name": "weights.pth", "role": "model weights",
                             "href": "https://models.example.invalid/%s/%s.pth"
                                     % (coll, iid)}],
        },
        "links": item_links(up),
        "assets": {},
    }


MAKERS = (ml_model_item, dlm_item, mlm_item)
KIND = ("ml-model", "dlm", "mlm")


def catalog_tree(depth, fanout):
    """Every catalog (dir, level, index path), root first, breadth first."""
    level = [("", ())]
    out = [("", 0, ())]
    for d in range(1, depth):
        nxt = []
        for path, idx in level:
            for k in range(fanout):
                nxt.append(("%sc%02d/" % (path, k), idx + (k,)))
        out.extend((p, d, i) for p, i in nxt)
        level = nxt
    return out


def main(argv):
    a = parse_args(argv)
    params = params_of(a)
    meta_path = os.path.join(a.out, "meta.json")
    if a.cache and os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                old = json.load(f)
            if old.get("params") == params:
                print("gen-catalog: reusing %s (%d documents)"
                      % (a.out, old["documents"]), file=sys.stderr)
                return 0
        except (OSError, ValueError, KeyError):
            pass
    if os.path.exists(a.out):
        # Replace only what looks like an earlier tree of ours.
        if os.listdir(a.out) and not (
                os.path.exists(os.path.join(a.out, "urls.txt")) or
                os.path.exists(meta_path)):
            print("gen-catalog: %s exists and is not a generated catalog; "
                  "not replacing it" % a.out, file=sys.stderr)
            return 1
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    rng = random.Random(a.seed)
    if a.indent is None:
        dump = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    else:
        dump = json.JSONEncoder(indent=a.indent, ensure_ascii=False).encode

    cats = catalog_tree(a.depth, a.fanout)
    leaves = [c for c in cats if c[1] == a.depth - 1]
    nleaf = len(leaves)
    counts = {"ml-model": 0, "dlm": 0, "mlm": 0, "plain": 0}
    total_bytes = 0
    children = {}
    for path, level, idx in cats:
        if level > 0:
            parent = path[:-4]  # strip "cNN/"
            children.setdefault(parent, []).append(path)
    # Items first, leaf by leaf (ids are global, so unique across leaves);
    # the catalogs and leaf collections after, once their links are known.
    docs = {}
    for li, (path, level, idx) in enumerate(leaves):
        lo = a.items * li // nleaf
        hi = a.items * (li + 1) // nleaf
        up = "../" * (level + 1)
        coll = "coll-" + ("-".join("%02d" % k for k in idx) or "root")
        os.makedirs(os.path.join(a.out, path, "items"), exist_ok=True)
        item_hrefs = []
        for n in range(lo, hi):
            if rng.random() < a.model_fraction:
                k = rng.randrange(3)
                iid = "model-%07d" % n
                obj = MAKERS[k](rng, iid, coll, up)
                counts[KIND[k]] += 1
            else:
                iid = "scene-%07d" % n
                obj = scene_item(rng, iid, coll, up)
                counts["plain"] += 1
            if level == 0:
                obj.pop("collection")
                obj["links"] = [l for l in obj["links"]
                                if l["rel"] != "collection"]
                for l in obj["links"]:
                    if l["rel"] == "parent":
                        l["href"] = "../catalog.json"
            rel = "items/%s.json" % iid
            text = dump(obj) + "\n"
            with open(os.path.join(a.out, path, rel), "w",
                      encoding="utf-8") as f:
                f.write(text)
            total_bytes += len(text.encode("utf-8"))
            item_hrefs.append("./" + rel)
            docs.setdefault(path, []).append(path + rel)
        leaves[li] = (path, level, idx, coll, item_hrefs)

    leaf_info = {p: (coll, hrefs) for p, _, _, coll, hrefs in leaves}
    # Write catalogs; collect URLs breadth first (root, level 1, ...),
    # then the items of each leaf in leaf order.
    cat_urls = []
    for path, level, idx in cats:
        up = "../" * level
        is_leaf = level == a.depth - 1
        name = "collection.json" if is_leaf and level > 0 else "catalog.json"
        links = [{"rel": "root", "href": (up or "./") + "catalog.json",
                  "type": "application/json"}]
        if level > 0:
            pname = "catalog.json" if level - 1 < a.depth - 1 else "collection.json"
            links.append({"rel": "parent", "href": "../" + pname,
                          "type": "application/json"})
        label = "-".join("%02d" % k for k in idx)
        if is_leaf:
            coll, hrefs = leaf_info[path]
            links.extend({"rel": "item", "href": h,
                          "type": "application/geo+json"} for h in hrefs)
        else:
            child_is_leaf = level + 1 == a.depth - 1
            cname = "collection.json" if child_is_leaf else "catalog.json"
            links.extend({"rel": "child", "href": "./%s%s" % (c[len(path):], cname),
                          "type": "application/json"}
                         for c in children[path])
        if level == 0:
            obj = {"type": "Catalog", "stac_version": "1.0.0",
                   "id": "bench-root",
                   "title": "stacml benchmark catalog",
                   "description": "Synthetic catalog: %d items, depth %d, "
                                  "fan-out %d, model fraction %g, seed %d."
                                  % (a.items, a.depth, a.fanout,
                                     a.model_fraction, a.seed),
                   "links": links}
        elif is_leaf:
            obj = {"type": "Collection", "stac_version": "1.0.0",
                   "stac_extensions": [EO_EXT],
                   "id": coll,
                   "title": "Scenes and models %s" % label,
                   "description": "Leaf collection %s of the benchmark." % label,
                   "license": "CC-BY-4.0",
                   "extent": {"spatial": {"bbox": [[-180, -90, 180, 90]]},
                              "temporal": {"interval": [["2018-01-01T00:00:00Z",
                                                         None]]}},
                   "links": links}
        else:
            obj = {"type": "Catalog", "stac_version": "1.0.0",
                   "id": "cat-" + label,
                   "description": "Sub-catalog %s of the benchmark." % label,
                   "links": links}
        rel = path + name
        text = dump(obj) + "\n"
        with open(os.path.join(a.out, rel), "w", encoding="utf-8") as f:
            f.write(text)
        total_bytes += len(text.encode("utf-8"))
        cat_urls.append(rel)
    item_urls = []
    for path, level, idx in cats:
        item_urls.extend(docs.get(path, ()))
    urls = cat_urls + item_urls
    with open(os.path.join(a.out, "urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")
    models = counts["ml-model"] + counts["dlm"] + counts["mlm"]
    meta = {"params": params, "documents": len(urls),
            "catalogs": len(cat_urls), "items": len(item_urls),
            "models": models, "by_extension": counts, "bytes": total_bytes}
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(meta_path + ".tmp", meta_path)  # last: marks the tree complete
    print("gen-catalog: %s: %d documents (%d models), %.1f MB"
          % (a.out, len(urls), models, total_bytes / 1e6), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
