#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-check of stac-api.py: start a few servers on free loopback ports with
a small world and check every endpoint, paging mode, break mode and fault.
Prints one PASS/FAIL line per check; exit status 1 if any check failed."""

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "stac-api.py")
WORLD = {"title": "selfcheck", "collections": [
    {"id": "plain", "items": 100000, "declares": None},
    {"id": "mlm-declared", "items": 40, "declares": "item_assets"},
    {"id": "ext-declared", "items": 30, "declares": "stac_extensions"},
    {"id": "summaries-declared", "items": 30, "declares": "summaries",
     "model_extension": "ml-model"},
    {"id": "hidden", "items": 500, "declares": None, "models_at": [0, 3, 250]},
    {"id": "deep", "items": 500, "declares": None, "models_at": [499]},
    {"id": "dlm", "items": 3, "declares": "stac_extensions", "model_extension": "dlm"},
    {"id": "coll-model", "items": 5, "declares": None, "collection_is_model": True}],
    "model_items": {"extension": "mlm"}, "training_data": "{{base}}/collections/plain"}
N_MLM = 40 + 30 + 3 + 1
N_MLMODEL = 30
FILTER_MLM = "mlm:name IS NOT NULL"
FILTER_OR = "ml-model:type = 'ml-model' OR \"mlm:name\" IS NOT NULL"
JSON_MLM = {"op": "not", "args": [{"op": "isNull", "args": [{"property": "mlm:name"}]}]}
JSON_MLMODEL = {"op": "=", "args": [{"property": "ml-model:type"}, "ml-model"]}
FAILS = []


def check(name, cond, detail=""):
    print(f"{'PASS' if cond else 'FAIL'}: {name}" + (f" ({detail})" if detail and not cond else ""))
    if not cond:
        FAILS.append(name)


class Server:
    def __init__(self, tmp, name, *args, world=True):
        self.dir = os.path.join(tmp, name)
        os.mkdir(self.dir)
        self.port_file = os.path.join(self.dir, "port")
        self.log_file = os.path.join(self.dir, "log.jsonl")
        cmd = [sys.executable, SERVER, "--port-file", self.port_file,
               "--log", self.log_file, *args]
        if world:
            wpath = os.path.join(self.dir, "world.json")
            with open(wpath, "w") as f:
                json.dump(WORLD, f)
            cmd += ["--world", wpath]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)

    def wait(self):
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() - self.started > 5:
                raise RuntimeError(f"server {self.dir} did not start")
            time.sleep(0.01)
        self.startup = time.monotonic() - self.started
        with open(self.port_file) as f:
            self.port = int(f.read())
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    def stop(self):
        """SIGTERM (a second one is harmless); (exit status, stdout)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        out = self.proc.stdout.read()
        self.proc.stdout.close()
        return rc, out

    def request(self, method, target, body=None, headers=None, timeout=5):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None else None
            hdrs = dict(headers or {})
            if data is not None:
                hdrs["Content-Type"] = "application/json"
            conn.request(method, target, data, hdrs)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def json(self, method, target, body=None, headers=None):
        status, hdrs, data = self.request(method, target, body, headers)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data

    def log(self):
        with open(self.log_file) as f:
            return [json.loads(line) for line in f]


def target_of(href):
    u = urlsplit(href)
    return u.path + (f"?{u.query}" if u.query else "")


def next_link(doc):
    return next((l for l in doc.get("links", []) if l["rel"] == "next"), None)


def follow(srv, link, orig=None, send_headers=True):
    if link.get("method", "GET") == "GET":
        return srv.json("GET", target_of(link["href"]))
    body = {**orig, **link["body"]} if link.get("merge") else dict(link["body"])
    hdrs = link.get("headers", {}) if send_headers else {}
    return srv.json("POST", target_of(link["href"]), body, hdrs)


def walk(srv, method, target, body=None, max_pages=100):
    """All pages of a paginated answer, following next links as told."""
    status, doc = srv.json(method, target, body)
    pages = [doc]
    while status == 200 and next_link(doc) and len(pages) < max_pages:
        status, doc = follow(srv, next_link(doc), body)
        pages.append(doc)
    return status, pages


def ids_of(pages):
    return [f["id"] for p in pages for f in p.get("features", [])]


def rels(doc):
    return [l["rel"] for l in doc["links"]]


# ---------------------------------------------------------------- checks

def check_landing(main, rc2):
    """rc2: a server run with --conformance-version v1.0.0-rc.2."""
    st, doc = main.json("GET", "/")
    r = rels(doc)
    check("landing: 200 Catalog with conformsTo", st == 200 and doc["type"] == "Catalog"
          and "https://api.stacspec.org/v1.0.0/core" in doc["conformsTo"])
    want = {"self", "root", "data", "conformance", "service-desc",
            "http://www.opengis.net/def/rel/ogc/1.0/queryables"}
    check("landing: required links", want <= set(r), r)
    methods = sorted(l.get("method") for l in doc["links"] if l["rel"] == "search")
    check("landing: search GET and POST links", methods == ["GET", "POST"], methods)
    check("landing: links absolute", all(l["href"].startswith(main.base) for l in doc["links"]))
    st, conf = main.json("GET", "/conformance")
    check("conformance: same classes, filter present", conf["conformsTo"] == doc["conformsTo"]
          and "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text" in conf["conformsTo"])
    st, doc = rc2.json("GET", "/")
    check("--conformance-version v1.0.0-rc.2",
          "https://api.stacspec.org/v1.0.0-rc.2/item-search" in doc["conformsTo"])
    st, api = main.json("GET", "/api")
    check("service-desc /api is OpenAPI", st == 200 and "openapi" in api)


def check_collections(main):
    st, pages = walk(main, "GET", "/collections")
    ids = [c["id"] for p in pages for c in p["collections"]]
    check("collections: paginated by 3, all in order", len(pages) == 3 and
          ids == [c["id"] for c in WORLD["collections"]], (len(pages), ids))
    check("collections: no type field, numberMatched",
          all("type" not in p and p["numberMatched"] == 8 for p in pages))
    check("collections: prev link from page 2", "prev" in rels(pages[1]))
    st, doc = main.json("GET", "/collections?limit=2&page=2")
    check("collections: limit/page parameters",
          [c["id"] for c in doc["collections"]] == ["ext-declared", "summaries-declared"])
    st, c = main.json("GET", "/collections/mlm-declared")
    check("collection: links", {"self", "root", "parent", "items",
                                "http://www.opengis.net/def/rel/ogc/1.0/queryables"}
          <= set(rels(c)), rels(c))
    check("collection: parent is /", next(l for l in c["links"] if l["rel"] == "parent")
          ["href"] == main.base + "/")
    check("declares item_assets", c["item_assets"]["model"]["roles"][0] == "mlm:model"
          and "summaries" not in c)
    st, c = main.json("GET", "/collections/ext-declared")
    check("declares stac_extensions", any("/mlm/v1.5.2/" in u for u in c["stac_extensions"]))
    st, c = main.json("GET", "/collections/summaries-declared")
    check("declares summaries (ml-model)", "ml-model:architecture" in c["summaries"]
          and not c["stac_extensions"])
    st, c = main.json("GET", "/collections/plain")
    check("plain collection declares nothing", not c["stac_extensions"]
          and "summaries" not in c and "item_assets" not in c)
    st, c = main.json("GET", "/collections/coll-model")
    check("collection_is_model", "mlm:model" in c["assets"]["model"]["roles"]
          and "mlm:architecture" in c["summaries"] and "derived_from" in rels(c))
    st, _ = main.json("GET", "/collections/nope")
    check("unknown collection: 404", st == 404)


def check_items(main):
    st, h1, b1 = main.request("GET", "/collections/plain/items")
    st2, h2, b2 = main.request("GET", "/collections/plain/items")
    doc = json.loads(b1)
    check("items: first page of 10, geo+json", st == 200 and len(doc["features"]) == 10
          and h1["Content-Type"] == "application/geo+json"
          and doc["features"][0]["id"] == "plain-000000")
    check("items: deterministic bytes and ETag", b1 == b2 and h1["ETag"] == h2["ETag"])
    check("items: numberMatched/numberReturned",
          doc["numberMatched"] == 100000 and doc["numberReturned"] == 10)
    st, _, _ = main.request("GET", "/collections/plain/items",
                            headers={"If-None-Match": h1["ETag"]})
    check("items: If-None-Match -> 304", st == 304)
    f = doc["features"][0]
    check("item: links self/parent/collection/root", rels(f) ==
          ["self", "parent", "collection", "root"] and f["links"][0]["href"].startswith("http"))
    st, one = main.json("GET", target_of(f["links"][0]["href"]))
    check("item: self link serves the same item", st == 200 and one == f)
    st, _ = main.json("GET", "/collections/plain/items/plain-100000")
    check("item: beyond the count is 404", st == 404)
    st, pages = walk(main, "GET", "/collections/mlm-declared/items?limit=15")
    ids = ids_of(pages)
    check("items: pages cover the collection once", len(pages) == 3 and len(ids) == 40
          and len(set(ids)) == 40, len(ids))
    check("items: declared items are mlm Items", all(
        "mlm:name" in f["properties"] and "mlm:model" in f["assets"]["model"]["roles"]
        for p in pages for f in p["features"]))
    check_deep_page(main)
    st, doc = main.json("GET", "/collections/plain/items?limit=1000")
    check("items: limit above --max-limit behaves as the maximum", len(doc["features"]) == 50)
    st, _ = main.json("GET", "/collections/plain/items?limit=0")
    check("items: limit=0 -> 400", st == 400)
    st, doc = main.json("GET", f"/collections/hidden/items?filter={FILTER_MLM.replace(' ', '%20')}")
    check("items: filter on an undeclared collection", ids_of([doc]) ==
          ["hidden-000000", "hidden-000003", "hidden-000250"], ids_of([doc]))


def check_deep_page(main):
    """White box: forge a token for offset 99990 and check it is cheap."""
    cur = {"e": "items/plain", "o": 99990, "q": {"limit": 10}, "sa": "x"}
    raw = json.dumps(cur, sort_keys=True, separators=(",", ":")).encode()
    tok = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    t = time.monotonic()
    st, doc = main.json("GET", f"/collections/plain/items?limit=10&token={tok}")
    dt = time.monotonic() - t
    check("items: last page of 100,000 is cheap and ends", st == 200 and dt < 0.5
          and ids_of([doc])[-1] == "plain-099999" and next_link(doc) is None, dt)


def check_models(main):
    st, doc = main.json("GET", "/collections/summaries-declared/items?limit=1")
    p = doc["features"][0]["properties"]
    check("ml-model item", p["ml-model:type"] == "ml-model" and "ml-model:train-data"
          in rels(doc["features"][0]) and "ml-model:inferencing-image" in rels(doc["features"][0]))
    st, doc = main.json("GET", "/collections/dlm/items?limit=1")
    f = doc["features"][0]
    check("dlm item", "dlm:inputs" in f["properties"] and "dl-model" in f["stac_extensions"][0])
    st, doc = main.json("GET", "/collections/mlm-declared/items?limit=1")
    f = doc["features"][0]
    check("mlm item: required fields + derived_from", all(
        k in f["properties"] for k in ("mlm:name", "mlm:architecture", "mlm:tasks",
                                       "mlm:input", "mlm:output"))
          and f["links"][-1]["href"] == main.base + "/collections/plain")


def check_search(main):
    st, doc = main.json("GET", "/search?collections=hidden,deep&limit=3")
    check("search GET: collections scope", doc["numberMatched"] == 1000
          and ids_of([doc])[0] == "hidden-000000")
    st, doc = main.json("GET", "/search")
    check("search GET: all items", doc["numberMatched"] == 100000 + 40 + 30 + 30 + 1000 + 3 + 5)
    st, doc = main.json("GET", "/search?ids=deep-000499,plain-000007,nope-1")
    check("search GET: ids", ids_of([doc]) == ["deep-000499", "plain-000007"], ids_of([doc]))
    q = FILTER_MLM.replace(" ", "%20")
    st, pages = walk(main, "GET", f"/search?filter={q}&limit=20")
    ids = ids_of(pages)
    check("filter text mlm:name IS NOT NULL: all mlm models, paged",
          len(ids) == N_MLM and len(set(ids)) == N_MLM and "deep-000499" in ids
          and "hidden-000250" in ids, len(ids))
    st, doc = main.json("GET", "/search?filter=ml-model:type%3D'ml-model'")
    check("filter text ml-model:type = 'ml-model'", doc["numberMatched"] == N_MLMODEL)
    st, pages = walk(main, "POST", "/search", {"filter": {"op": "or", "args": [
        JSON_MLM, JSON_MLMODEL]}, "limit": 7})
    ids = ids_of(pages)
    check("filter json OR over POST, paged", len(ids) == N_MLM + N_MLMODEL
          and len(set(ids)) == len(ids), len(ids))
    st, doc = main.json("POST", "/search", {"filter": FILTER_OR})
    check("filter text in POST body", doc["numberMatched"] == N_MLM + N_MLMODEL)
    for bad in ("mlm:name IS NULL", "a = 1 AND b = 2", "mlm:name = 'x'",
                "datetime IS NOT NULL", "foo:bar IS NOT NULL"):
        st, doc = main.json("POST", "/search", {"filter": bad})
        check(f"unsupported filter -> 400: {bad}", st == 400 and doc["description"], doc)
    st, doc = main.json("POST", "/search", {"filter": {"op": "like", "args": []}})
    check("unsupported json filter -> 400", st == 400)
    st, doc = main.json("GET", "/search?collections=nope")
    check("unknown collection in search -> 400", st == 400)
    st, q = main.json("GET", "/queryables")
    check("queryables: both sets, closed schema", {"mlm:name", "ml-model:type"}
          <= set(q["properties"]) and q["additionalProperties"] is False)
    st, q = main.json("GET", "/collections/plain/queryables")
    check("collection queryables", st == 200 and "mlm:tasks" in q["properties"])


def check_filter_switches(qnone, nofilter):
    st, q = qnone.json("GET", "/queryables")
    check("--queryables none: no model fields", st == 200 and
          not any(":" in p for p in q["properties"]))
    st, doc = qnone.json("GET", f"/search?filter={FILTER_MLM.replace(' ', '%20')}")
    check("--queryables none: model filter -> 400", st == 400 and "queryable" in doc["description"])
    st, conf = nofilter.json("GET", "/conformance")
    check("--no-filter: no filter classes", not any(
        "filter" in c or "cql2" in c for c in conf["conformsTo"]))
    st, doc = nofilter.json("GET", "/")
    check("--no-filter: no queryables link", not any("queryables" in r for r in rels(doc)))
    st, _ = nofilter.json("GET", "/queryables")
    check("--no-filter: /queryables 404", st == 404)
    st, doc = nofilter.json("POST", "/search", {"filter": JSON_MLM})
    check("--no-filter: filter -> 400", st == 400 and "filter not supported" in doc["description"])


def check_paging_modes(main, pbody, pmerge):
    body = {"collections": ["mlm-declared", "summaries-declared"], "limit": 15,
            "filter": FILTER_OR}
    st, pages = walk(main, "POST", "/search", body)
    link = next_link(pages[0])
    check("get-token: POST search pages with GET links", link["method"] == "GET"
          and len(ids_of(pages)) == 70 and len(set(ids_of(pages))) == 70)
    st, doc = main.json("POST", "/search", {"token": urlsplit(link["href"]).query.split(
        "token=")[1].split("&")[0]})
    check("get-token: POST with a token -> 400", st == 400)
    st, pages = walk(pbody, "POST", "/search", body)
    link = next_link(pages[0])
    check("post-body: POST next link, merge false, all pages", link["method"] == "POST"
          and link["merge"] is False and set(link["body"]) == {"token"}
          and len(set(ids_of(pages))) == 70, link)
    st, doc = pbody.json("POST", "/search", {**body, **link["body"]})
    check("post-body: merged body -> 400", st == 400 and "merge=false" in doc["description"])
    st, pages = walk(pbody, "GET", "/search?collections=mlm-declared&limit=15")
    check("post-body: GET search keeps GET links", next_link(pages[0])["method"] == "GET"
          and len(ids_of(pages)) == 40)
    st, pages = walk(pmerge, "POST", "/search", body)
    link = next_link(pages[0])
    check("post-merge: merge true + Search-After header, all pages", link["merge"] is True
          and link["headers"]["Search-After"] == ids_of(pages[:1])[-1]
          and len(set(ids_of(pages))) == 70 and st == 200, (st, link))
    st, doc = follow(pmerge, link, body, send_headers=False)
    check("post-merge: missing header -> 400", st == 400 and "Search-After" in doc["description"])
    st, doc = pmerge.json("POST", "/search", link["body"], link["headers"])
    check("post-merge: unmerged body -> 400", st == 400 and "merge=true" in doc["description"])
    st, doc = follow(pmerge, link, {**body, "limit": 10})
    check("post-merge: changed limit -> 400", st == 400 and "limit" in doc["description"])


def check_breaks(srv):
    t1 = "/collections/mlm-declared/items?limit=15"
    _, p1 = srv["next-self"].json("GET", t1)
    h2 = next_link(p1)["href"]
    _, p2 = srv["next-self"].json("GET", target_of(h2))
    check("break next-self: page 2 links to itself", next_link(p2)["href"] == h2)
    _, s1 = srv["next-self"].json("POST", "/search", {"collections": ["ext-declared"]})
    _, s2 = follow(srv["next-self"], next_link(s1))
    check("break next-self: search too", next_link(s2)["href"] == next_link(s1)["href"])
    _, p1 = srv["prev-in-next"].json("GET", t1)
    h2 = next_link(p1)["href"]
    _, p2 = srv["prev-in-next"].json("GET", target_of(h2))
    h1b = next_link(p2)["href"]
    _, p1b = srv["prev-in-next"].json("GET", target_of(h1b))
    check("break prev-in-next: 2 -> 1 -> 2 cycle", ids_of([p1b]) == ids_of([p1])
          and next_link(p1b)["href"] == h2 and target_of(h1b) != t1)
    _, pages = walk(srv["growing-href"], "GET", t1, max_pages=6)
    lens = [len(next_link(p)["href"]) for p in pages]
    check("break growing-href: hrefs keep growing past the end",
          len(pages) == 6 and all(a < b for a, b in zip(lens, lens[1:])), lens)
    _, pages = walk(srv["empty-pages"], "GET", t1, max_pages=6)
    check("break empty-pages: empty pages with next links", len(pages) == 6
          and len(ids_of(pages)) == 40 and not pages[5]["features"] and next_link(pages[5]))
    _, pages = walk(srv["endless"], "GET", t1, max_pages=6)
    ids = ids_of(pages)
    check("break endless: fresh ids forever", len(ids) == 90 and len(set(ids)) == 90
          and "mlm-declared-000089" in ids and "numberMatched" not in pages[0])
    _, pages = walk(srv["endless"], "POST", "/search", {"collections": ["dlm"]}, max_pages=3)
    check("break endless: search", len(set(ids_of(pages))) == 30)


def check_concurrency(delay):
    results = []
    delay.json("GET", "/__stats?reset=1")

    def get():
        results.append(delay.request("GET", "/conformance")[0])
    t = time.monotonic()
    threads = [threading.Thread(target=get) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    dt = time.monotonic() - t
    st, stats = delay.json("GET", "/__stats?reset=1")
    check("--delay-ms and max_concurrent", results == [200] * 4 and dt >= 0.1
          and stats["max_concurrent"] >= 3 and stats["requests"] == 4, (dt, stats))
    st, stats = delay.json("GET", "/__stats")
    check("__stats: reset, not counted", stats["requests"] == 0 and not stats["by_path"])


def check_keepalive(main):
    conn = http.client.HTTPConnection("127.0.0.1", main.port, timeout=5)
    t = time.monotonic()
    socks = set()
    for _ in range(50):
        conn.request("GET", "/conformance")
        conn.getresponse().read()
        socks.add(id(conn.sock))
    conn.request("POST", "/search", json.dumps({"limit": 1}), {"Content-Type": "application/json"})
    ok = conn.getresponse().status == 200
    dt = time.monotonic() - t
    conn.close()
    check("keep-alive, no Nagle stalls (50 GETs + POST on one connection)",
          ok and len(socks) == 1 and dt < 1.0, dt)


def make_faults(tmp):
    static = os.path.join(tmp, "static")
    os.makedirs(os.path.join(static, "sub"))
    for name in ("flaky.json", "every.json", "trunc.json", "hdr.json", "slow.json"):
        with open(os.path.join(static, name), "w") as f:
            json.dump({"type": "Catalog", "id": name, "padding": "p" * 100}, f)
    with open(os.path.join(static, "sub", "catalog.json"), "w") as f:
        f.write('{"type":"Catalog","links":[{"rel":"self",'
                '"href":"http://127.0.0.1:{{port}}/sub/catalog.json"}]}')
    robots = os.path.join(tmp, "robots.txt")
    with open(robots, "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n")
    rules = [
        {"path": r"^/flaky\.json$", "status": 503, "retry_after": "2", "times": 1},
        {"path": r"^/every\.json$", "every": 2, "status": 500},
        {"path": r"^/trunc\.json$", "truncate": 10},
        {"path": r"^/reset$", "reset": True},
        {"path": r"^/stall$", "stall_after_bytes": 5, "body": '{"padding": "......"}'},
        {"path": r"^/bomb$", "gzip_bomb": 10_000_000},
        {"path": r"^/badjson$", "body": '{"type": "Catalog",}'},
        {"path": r"^/badutf8$", "body": '{"id": "\ud800"}'},
        {"path": r"^/deep$", "huge_json_depth": 5000},
        {"path": r"^/many$", "many_links": 1000},
        {"path": r"^/sneaky$", "redirect": "file:///etc/passwd"},
        {"path": r"^/loop$", "redirect": "{{base}}/loop"},
        {"path": r"^/hdr\.json$", "headers": {"X-Test": "yes"}},
        {"path": r"^/slow\.json$", "delay_ms": 200},
        {"path": r"^/collections$", "method": "GET", "status": 503, "times": 1},
        {"path": r"^/held$", "after": r"^/go$", "body": "{}"}]
    fpath = os.path.join(tmp, "faults.json")
    with open(fpath, "w") as f:
        json.dump(rules, f)
    return ["--faults", fpath, "--static", static, "--robots", robots,
            "--arrivals", os.path.join(tmp, "arrivals")]


def check_faults(fs):
    r = [fs.request("GET", "/flaky.json") for _ in range(2)]
    check("fault status + Retry-After, times 1", r[0][0] == 503 and
          r[0][1].get("Retry-After") == "2" and r[1][0] == 200)
    check("fault every 2", [fs.request("GET", "/every.json")[0] for _ in range(4)]
          == [500, 200, 500, 200])
    try:
        fs.request("GET", "/trunc.json")
        check("fault truncate", False)
    except http.client.IncompleteRead as e:
        check("fault truncate", len(e.partial) == 10)
    try:
        fs.request("GET", "/reset")
        check("fault reset", False)
    except (ConnectionError, http.client.RemoteDisconnected):
        check("fault reset", True)
    check_stall(fs)
    st, hdrs, data = fs.request("GET", "/bomb")
    d = zlib.decompressobj(31)
    n, head = 0, b""
    for i in range(0, len(data), 1000):
        out = d.decompress(data[i:i + 1000])
        head = head or out[:20]
        n += len(out)
    check("fault gzip_bomb: small on the wire, exact size", hdrs["Content-Encoding"] == "gzip"
          and len(data) < 20000 and n == 10_000_000 and head.startswith(b'{"type"')
          and d.eof, (len(data), n))
    check("fault body (invalid JSON)", fs.request("GET", "/badjson")[2] == b'{"type": "Catalog",}')
    try:
        fs.request("GET", "/badutf8")[2].decode()
        check("fault body (invalid UTF-8)", False)
    except UnicodeDecodeError:
        check("fault body (invalid UTF-8)", True)
    st, _, data = fs.request("GET", "/deep")
    check("fault huge_json_depth", b"[" * 5000 + b"]" * 5000 + b"}" in data
          and data.startswith(b'{"type":"Catalog"'))
    st, doc = fs.json("GET", "/many")
    hrefs = {l["href"] for l in doc["links"] if l["rel"] == "child"}
    check("fault many_links", len(hrefs) == 1000 and doc["type"] == "Catalog")
    st, hdrs, _ = fs.request("GET", "/sneaky")
    check("fault redirect to file://", st == 302 and hdrs["Location"] == "file:///etc/passwd")
    st, hdrs, _ = fs.request("GET", "/loop")
    check("fault redirect loop", st == 302 and hdrs["Location"] == fs.base + "/loop")
    st, hdrs, _ = fs.request("GET", "/hdr.json")
    check("fault headers on a normal answer", st == 200 and hdrs.get("X-Test") == "yes")
    t = time.monotonic()
    st, _, _ = fs.request("GET", "/slow.json")
    check("fault delay_ms", st == 200 and time.monotonic() - t >= 0.2)
    check("fault on an API path, then normal", [fs.request("GET", "/collections")[0]
                                                for _ in range(2)] == [503, 200])


def check_stall(fs):
    sock = socket.create_connection(("127.0.0.1", fs.port))
    sock.sendall(b"GET /stall HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(0.3)
    got = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    body = got.split(b"\r\n\r\n", 1)[-1]
    check("fault stall_after_bytes: N bytes, then silence, no close",
          body == b'{"pad' and b"Content-Length: 21" in got, got)
    sock.close()
    for _ in range(50):  # the server notices within its 0.2 s poll
        st, stats = fs.json("GET", "/__stats")
        if stats["in_flight"] == 0:
            break
        time.sleep(0.02)
    check("stall ends when the client closes", stats["in_flight"] == 0, stats)


def check_static(fs, main):
    st, hdrs, data = fs.request("GET", "/sub/catalog.json")
    check("static: {{port}} replaced", st == 200 and f":{fs.port}/".encode() in data)
    st2, _, _ = fs.request("GET", "/sub/catalog.json", headers={"If-None-Match": hdrs["ETag"]})
    st3, _, _ = fs.request("GET", "/sub/catalog.json",
                           headers={"If-Modified-Since": hdrs["Last-Modified"]})
    check("static: If-None-Match and If-Modified-Since -> 304", st2 == 304 and st3 == 304)
    st, _, _ = fs.request("GET", "/sub/../../selfcheck.py")
    check("static: no escape from the tree", st == 404)
    st, _, data = fs.request("GET", "/robots.txt")
    check("robots from --robots", st == 200 and b"Disallow: /private/" in data)
    check("robots 404 without", main.request("GET", "/robots.txt")[0] == 404)
    st, doc = fs.json("GET", "/")
    check("API and static on one server", st == 200 and doc["type"] == "Catalog")


def check_log(main, fs):
    log = main.log()
    check("log: one JSON line per request with all keys", all(
        {"method", "path", "query", "body", "headers", "status", "t"} <= set(r) for r in log)
          and not any(r["path"] == "/__stats" for r in log))
    posts = [r for r in log if r["method"] == "POST" and r["path"] == "/search"]
    check("log: POST body parsed, headers kept", posts and isinstance(posts[0]["body"], dict)
          and posts[0]["headers"].get("Content-Type") == "application/json")
    check("log: query decoded", any(r["query"].get("filter") == FILTER_MLM for r in log))
    flog = fs.log()
    resets = [r for r in flog if r["path"] == "/reset"]
    check("log: reset fault logged with status 0 and rule index",
          resets and resets[0]["status"] == 0 and resets[0]["fault"] == 3)


def check_hold(fs, arrivals):
    """"after" holds an answer until the request it waits for is logged;
    --arrivals lists a request when it is read, before it is answered."""
    got = []
    th = threading.Thread(target=lambda: got.append(fs.request("GET", "/held")[0]))
    th.start()
    deadline = time.monotonic() + 5
    while "GET /held\n" not in open(arrivals).read() and time.monotonic() < deadline:
        time.sleep(0.01)
    check("--arrivals: a held request is listed", "GET /held\n" in open(arrivals).read())
    time.sleep(0.2)
    held = th.is_alive() and not any(r["path"] == "/held" for r in fs.log())
    fs.request("GET", "/go")
    th.join(5)
    order = [r["path"] for r in fs.log() if r["path"] in ("/held", "/go")]
    check("fault after: held until the request it waits for is answered",
          held and got == [200] and order == ["/go", "/held"], (held, got, order))


def check_arrival(main):
    """A request's "t" is when it arrived, not when a server slow to get
    to it (stopped here, descheduled on a loaded machine) read it."""
    conn = http.client.HTTPConnection("127.0.0.1", main.port, timeout=5)
    try:
        conn.request("GET", "/")  # its thread now waits for the next one
        conn.getresponse().read()
        main.proc.send_signal(signal.SIGSTOP)
        try:
            sent = time.monotonic()
            conn.request("GET", "/?arrival=1")
            time.sleep(0.3)
        finally:
            main.proc.send_signal(signal.SIGCONT)
        conn.getresponse().read()
    finally:
        conn.close()
    t = [r["t"] for r in main.log() if r["query"].get("arrival") == "1"]
    check("log: t is when the request arrived, not when it was read",
          len(t) == 1 and sent - 0.01 <= t[0] < sent + 0.15, t and t[0] - sent)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        fault_args = make_faults(tmp)
        # Started alone, to time a start-up that includes a 100,000-item world.
        srv = {"main": Server(tmp, "main", "--collections-page", "3",
                              "--max-limit", "50").wait()}
        check("start-up with a 100,000-item collection is fast", srv["main"].startup < 1,
              srv["main"].startup)
        # Fewer processes is faster on small CI machines: features that do not
        # interfere share a server.
        srv.update({
               "nofilter": Server(tmp, "nofilter", "--no-filter",
                                  "--conformance-version", "v1.0.0-rc.2"),
               "post-body": Server(tmp, "post-body", "--search-paging", "post-body"),
               "post-merge": Server(tmp, "post-merge", "--search-paging", "post-merge"),
               "faults": Server(tmp, "faults", *fault_args),
               "delay": Server(tmp, "delay", "--delay-ms", "100", "--queryables", "none")})
        for mode in ("next-self", "prev-in-next", "growing-href", "empty-pages", "endless"):
            srv[mode] = Server(tmp, mode, "--break", mode)
        for s in srv.values():
            s.wait()
        try:
            check_landing(srv["main"], srv["nofilter"])
            check_collections(srv["main"])
            check_items(srv["main"])
            check_models(srv["main"])
            check_search(srv["main"])
            check_filter_switches(srv["delay"], srv["nofilter"])
            check_paging_modes(srv["main"], srv["post-body"], srv["post-merge"])
            check_breaks(srv)
            check_concurrency(srv["delay"])
            check_keepalive(srv["main"])
            check_faults(srv["faults"])
            check_static(srv["faults"], srv["main"])
            check_log(srv["main"], srv["faults"])
            check_arrival(srv["main"])
            check_hold(srv["faults"], os.path.join(tmp, "arrivals"))
        finally:
            for s in srv.values():
                s.proc.send_signal(signal.SIGTERM)  # all at once: faster
            stops = {name: s.stop() for name, s in srv.items()}
        check("SIGTERM: exit 0, nothing on stdout",
              all(rc == 0 and out == b"" for rc, out in stops.values()), stops)
    print(f"{'FAIL' if FAILS else 'PASS'}: selfcheck, {len(FAILS)} failure(s)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
