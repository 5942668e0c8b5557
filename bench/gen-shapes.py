#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a catalog of one irregular shape for bench/shapes.sh.

    gen-shapes.py SHAPE N OUT

wide-item  one Catalog with N item links
wide-child one Catalog with N child Catalogs, each with one item
deep       a chain of N Catalogs (child -> child -> ...), each with one item
pages      an ItemCollection chain of N pages (items, then next links) of 10
dup        N items, each listed by 8 catalogs (through "../" and "./"
           paths that normalise to one URL) in catalogs linked in cycles
tree       a fan-out 4 tree of N Catalogs (rounded down to a full level)
api        a world file for tests/server/stac-api.py: N collections of 20
           plain items (OUT is the file)
Every link is relative; the root is OUT/catalog.json.
"""

import json
import os
import sys


def main():
    shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if shape == "api":
        colls = [{"id": "c%d" % i, "items": 20, "declares": None}
                 for i in range(n)]
        with open(out, "w") as f:
            json.dump({"id": "shapes", "collections": colls}, f)
        return

    def write(path, doc):
        p = os.path.join(out, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            json.dump(doc, f, separators=(",", ":"))

    def link(rel, href):
        return {"rel": rel, "href": href, "type": "application/json"}

    def catalog(links):
        return {"type": "Catalog", "stac_version": "1.0.0", "id": "c",
                "description": "d", "links": links}

    def item(id_, links=()):
        return {"type": "Feature", "stac_version": "1.0.0", "id": id_,
                "geometry": None,
                "properties": {"datetime": "2020-01-01T00:00:00Z"},
                "links": list(links), "assets": {}}

    if shape == "wide-item":
        write("catalog.json", catalog(
            [link("item", "i/%07d.json" % k) for k in range(n)]))
        for k in range(n):
            write("i/%07d.json" % k, item("i%d" % k))
    elif shape == "wide-child":
        write("catalog.json", catalog(
            [link("child", "c/%07d/catalog.json" % k) for k in range(n)]))
        for k in range(n):
            write("c/%07d/catalog.json" % k, catalog([link("item", "i.json")]))
            write("c/%07d/i.json" % k, item("i%d" % k))
    elif shape == "deep":
        write("catalog.json", catalog([link("child", "d/0000000.json")]))
        for k in range(n):
            links = [link("item", "../i/%07d.json" % k)]
            if k + 1 < n:
                links.append(link("child", "%07d.json" % (k + 1)))
            write("d/%07d.json" % k, catalog(links))
            write("i/%07d.json" % k, item("i%d" % k))
    elif shape == "pages":
        write("catalog.json", catalog([link("items", "p/0000000.json")]))
        for k in range(n):
            feats = [item("f%d_%d" % (k, j),
                          [link("self", "../f/f%d_%d.json" % (k, j))])
                     for j in range(10)]
            links = [link("next", "%07d.json" % (k + 1))] if k + 1 < n else []
            write("p/%07d.json" % k, {"type": "FeatureCollection",
                                      "features": feats, "links": links})
    elif shape == "dup":
        m, per = 8, 200
        write("catalog.json", catalog(
            [link("child", "c%d/catalog.json" % c) for c in range(m)]))
        for c in range(m):
            subs = []
            for j in range(n // per):
                subs.append(link("child", "s%d/catalog.json" % j))
                links = [link("child", "../../c%d/s%d/catalog.json"
                              % ((c + 1) % m, j)),
                         link("child", "./catalog.json")]
                for k in range(j * per, (j + 1) * per):
                    href = ("../../x/./y/../../i/%07d.json" if c % 2
                            else "../../i/%07d.json") % k
                    links.append(link("item", href))
                write("c%d/s%d/catalog.json" % (c, j), catalog(links))
            write("c%d/catalog.json" % c,
                  catalog(subs + [link("child", "../catalog.json")]))
        for k in range(n):
            write("i/%07d.json" % k, item("i%d" % k))
    elif shape == "tree":
        levels, total = 0, 1
        while total * 4 + 1 <= n:
            total, levels = total * 4 + 1, levels + 1

        def build(path, d):
            links = [link("item", "i.json")]
            if d < levels:
                links += [link("child", "%d/catalog.json" % k)
                          for k in range(4)]
            write(path + "catalog.json", catalog(links))
            write(path + "i.json", item("i"))
            if d < levels:
                for k in range(4):
                    build(path + "%d/" % k, d + 1)
        build("", 0)
    else:
        sys.exit("gen-shapes.py: unknown shape " + shape)


if __name__ == "__main__":
    main()
