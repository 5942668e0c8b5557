#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""STAC API fixture server for the stacml end-to-end tests.

A single-file, standard-library-only (Python >= 3.11) STAC API v1.0.0 that
generates its Items on the fly from a small "world" description, plus fault
injection and an optional static file tree, so that one process can host
both an API and a static catalog. It listens on 127.0.0.1 only by default.

COMMAND LINE
  stac-api.py [--world FILE] --port-file PATH [options]

  --world FILE            world description (below). Without it the API
                          routes are off and only --static/--robots/faults
                          are served (everything else is 404).
  --host ADDR             listen address (default 127.0.0.1)
  --port N                listen port (default 0 = a free port)
  --port-file PATH        write the bound port ("12345\\n") here once the
                          server accepts connections; written to a temp
                          name and renamed, so a reader never sees half.
  --log FILE              append one JSON line per request (LOG FORMAT)
  --arrivals FILE         append "METHOD path" (without query) per request
                          as soon as it has been read, before any delay or
                          fault (not /__stats): a test can act while the
                          answer is held (the LOG line comes after delays)
  --verbose               print "METHOD path status" per request to stdout
                          (otherwise nothing is ever printed to stdout)
  --conformance-version V version segment of https://api.stacspec.org/V/...
                          (default v1.0.0; e.g. v1.0.0-rc.2, v1.0.0-beta.1)
  --no-filter             no Filter conformance classes, no queryables link
                          or endpoint (404), and any `filter` parameter on
                          /search or items -> 400 "filter not supported".
  --ignore-filter         declare the Filter extension and check filters as
                          usual, but answer as if none was given (a server
                          that does not apply them): every item matches
  --cql2 LANG             the filter language declared and taken: text |
                          json | both (default); a filter in the other one
                          -> 400 "<lang> not supported"
  --queryables SET        model fields exposed as queryables and usable in
                          filters: mlm | ml-model | both (default) | none
  --search-paging MODE    next links of /search: get-token (default) |
                          post-body | post-merge | post-header (PAGINATION)
  --break MODE            broken pagination on items pages and /search:
                          next-self | prev-in-next | growing-href |
                          empty-pages | endless | ignored-token (PAGINATION)
  --delay-ms N            sleep N ms before every response (not /__stats)
  --faults FILE           JSON list of fault rules (FAULTS)
  --static DIR            serve files under DIR for paths the API does not
                          handle (STATIC FILES)
  --no-etag               answers carry no ETag: static files are
                          validated by their Last-Modified alone
  --robots FILE           serve FILE as /robots.txt (else DIR/robots.txt of
                          --static if it exists, else 404)
  --child URL             add a `child` link to the landing page; repeatable;
                          "{{port}}" and "{{base}}" are substituted
  --item URL              add an `item` link to the landing page; repeatable;
                          "{{port}}" and "{{base}}" are substituted
  --child-collections     also add a `child` link per collection (so each
                          Collection is reachable both via `data` and `child`)
  --no-conformance        a landing page with neither conformsTo nor a
                          conformance link (a STAC API 0.9 or OGC API
                          Features server's); GET /conformance still answers
  --search-only           an API of core and item search alone: conformsTo
                          without the Collections and Features classes, no
                          data link, /collections and below answer 404
  --search-post-only      item search by POST alone: the landing page's
                          only search link says method POST, and GET /search
                          answers 405; needs a post-* --search-paging (its
                          next links must be POST requests too)
  --collections-page N    default page size of /collections (default 10)
  --max-limit N           largest honoured `limit` (default 10000); a larger
                          limit behaves as N, limit < 1 or non-integer -> 400
  SIGTERM / SIGINT end the server with exit status 0. Bad arguments, world or
  fault files: message on stderr, exit status 2.

WORLD FILE (JSON)
  {"id": "fixture-api", "title": "...", "description": "...",   (optional)
   "training_data": URL,                                          (optional)
   "model_items": {"extension": "mlm"},    default model kind (mlm|ml-model|dlm)
   "collections": [
     {"id": "plain", "items": 100000, "declares": null},
     {"id": "mlm-declared", "items": 40, "declares": "item_assets"},
     {"id": "hidden", "items": 500, "declares": null, "models_at": [0, 3, 250]},
     {"id": "old", "items": 30, "declares": "summaries",
      "model_extension": "ml-model"},
     {"id": "coll-model", "items": 5, "declares": null,
      "collection_is_model": true}]}
  Per collection: "id" ([A-Za-z0-9._-]+, unique), "items" (count >= 0),
  optional "title", "description", "declares", "models_at", "model_extension",
  "collection_is_model", "training_data".
  - Which items are models: "models_at" (indexes, each < items) when given;
    otherwise ALL items when "declares" is not null; otherwise none.
  - "declares" puts exactly one model signal of the collection's extension
    kind on the Collection (and nothing else):
      "item_assets":     item_assets.model.roles = mlm: ["mlm:model",
                         "mlm:weights"]; ml-model: ["ml-model:checkpoint"];
                         dlm: ["model"] (dlm defines no roles: no signal);
                         stac_extensions then lists only the item-assets URI.
      "stac_extensions": stac_extensions lists the extension schema URI.
      "summaries":       summaries has "mlm:architecture" / "ml-model:
                         architecture" / "dlm:architecture" (no URI).
  - "collection_is_model": the Collection itself is a model record: its
    stac_extensions has the URI, summaries carry the model fields (mlm:
    architecture, mlm:tasks, mlm:framework / ml-model:type,
    ml-model:learning_approach, ml-model:prediction_type,
    ml-model:architecture / dlm:architecture) and it has a model asset
    (mlm: roles ["mlm:model"] + mlm:artifact_type; ml-model: roles
    ["ml-model:inference-runtime"]; dlm: roles ["model"]). Its items follow
    the rules above (plain unless models_at/declares say otherwise).
  - "training_data" (world default, per collection override; "{{port}}" and
    "{{base}}" substituted): model Items (and a collection_is_model
    Collection) link to it: mlm `derived_from` with "ml-aoi:split": "train",
    ml-model `ml-model:train-data`; dlm has no such link.
  Items are computed on request, never stored: a 100,000-item collection
  costs nothing. Item i of collection C has id f"{C}-{i:06d}" (i may exceed
  999999 -> more digits) and links self (absolute, /collections/C/items/ID),
  parent and collection (/collections/C), root (/). Content depends only on
  (C, i) and the request's base URL, so pages are byte-for-byte repeatable.
  - plain Item: stac_extensions [eo v1.1.0], datetime = 2020-01-01T00:00:00Z
    + i hours, platform, eo:cloud_cover, asset "visual" (roles ["data"]) at
    {base}/data/C/ID.tif (does not exist: a crawler must not fetch assets).
  - mlm Item: stac_extensions [".../mlm/v1.5.2/schema.json"], datetime null +
    start/end_datetime, mlm:name (= ID), mlm:architecture, mlm:tasks,
    mlm:framework, mlm:input, mlm:output; asset "model" roles ["mlm:model",
    "mlm:weights"], mlm:artifact_type "torch.save", href {base}/models/ID.pt.
  - ml-model Item: ".../ml-model/v1.0.0/schema.json", ml-model:type
    "ml-model", learning_approach, prediction_type, architecture,
    training-processor-type, training-os; assets with roles
    ["ml-model:inference-runtime"] and ["ml-model:checkpoint"]; link
    rel "ml-model:inferencing-image" href "registry.example.com/fixture/
    ID:v1" type "docker-image" (scheme-less, must never be fetched).
  - dlm Item: "https://schemas.stacspec.org/v1.0.0-beta.3/extensions/
    dl-model/json-schema/schema.json", dlm:data, dlm:inputs, dlm:outputs,
    dlm:runtime, dlm:archive, dlm:architecture. No filter can select dlm.

API ENDPOINTS (links are absolute, built from the request's Host header, https
               when X-Forwarded-Proto says so)
  GET /                 landing Catalog: conformsTo; links self, root, data,
                        conformance, search (GET, application/geo+json),
                        search (method POST), service-desc (/api), queryables
                        (rel http://www.opengis.net/def/rel/ogc/1.0/queryables,
                        unless --no-filter), child (--child, --child-collections),
                        item (--item)
  GET /conformance      {"conformsTo": [...]}: core, collections,
                        ogcapi-features, item-search, OGC features core/
                        geojson/oas30; with filter also item-search#filter,
                        ogcapi-features-3 filter + features-filter, cql2-text,
                        cql2-json (those of --cql2), basic-cql2
  GET /api              a minimal OpenAPI 3.0 document
  GET /collections      {"collections", "links", "numberMatched",
                        "numberReturned"}, no "type"; ?limit=N&page=K (K from
                        1), links self, root, prev (K > 1), next (more left)
  GET /collections/C    Collection; links self, root, parent (/), items,
                        queryables (filter on)
  GET /collections/C/items            ItemCollection (below), GET only
  GET /collections/C/items/ID         one Item (application/geo+json)
  GET /queryables, /collections/C/queryables
                        {"$schema", "$id", "type": "object", "title",
                        "properties": {id, collection, datetime + model
                        fields of --queryables}, "additionalProperties":
                        false}; application/schema+json. Model fields: mlm:
                        mlm:name, mlm:architecture, mlm:tasks; ml-model:
                        ml-model:type, ml-model:architecture,
                        ml-model:prediction_type, ml-model:learning_approach.
  GET|POST /search      item search (below)
  GET /robots.txt       see --robots
  GET /__stats          {"requests": N, "max_concurrent": M, "in_flight": K,
                        "by_path": {path: count},
                        "max_concurrent_by_addr": {local address: M}};
                        neither counted nor logged; /__stats?reset=1 returns
                        the numbers then zeroes them. A request counts as in
                        flight from its arrival until just before its answer
                        goes out (never after: the client may then send the
                        next one); by local address, so with --host 0.0.0.0
                        127.0.0.1 and 127.0.0.2 count as two hosts.
  Everything else: --static, else 404. Errors are JSON {"code", "description"}
  (400 BadRequest, 404 NotFound, 405 MethodNotAllowed, 413, 500).
  Every 200 answer to GET carries a strong ETag (unless --no-etag); a
  matching If-None-Match gives 304.

ITEM PAGES (ItemCollection: type FeatureCollection, features, links,
  numberReturned, numberMatched (omitted with --break endless))
  Parameters: limit (default 10, capped at --max-limit), token (from a next
  link), bbox, datetime (syntax-checked, preserved in next links, but they do
  NOT restrict results), ids and collections (/search only), filter and
  filter-lang. Items of a /search come collection by collection in world
  order (or in `collections` order), ascending index. `ids` keeps its order.
  Unknown collection in `collections` -> 400; `intersects` with bbox -> 400.
  Page links: self, root, next (none on the last page).

PAGINATION
  The token is opaque to clients (base64url JSON of offset + normalised
  query). When a request carries a token, the server checks that it follows
  the link it was given, and answers 400 with a message saying what is wrong:
  - GET with token: the other parameters must equal the original query
    (collections, ids, limit, bbox, datetime, filter, filter-lang).
  items pages: next is always GET .../items?limit=N&token=T.
  /search, --search-paging:
  - get-token: next is GET /search?<original params>&token=T, for GET and
    POST searches alike; a POST carrying a token -> 400.
  - post-body: a POST search's next link is {"rel": "next", "method": "POST",
    "href": ".../search", "body": {"token": T}, "merge": false}; the client
    must POST exactly {"token": T} (any other key -> 400).
  - post-merge: {"rel": "next", "method": "POST", "href": ".../search",
    "body": {"token": T}, "merge": true, "headers": {"Search-After": S}}; the
    client must POST its original body with "token" merged in and send header
    Search-After: S (S = id of the page's last item, "after-<offset>" for an
    empty page). A lost or changed collections/ids/limit/bbox/datetime/
    filter/filter-lang (compared after defaults: limit 10) or a missing or
    different header -> 400.
  - post-header: {"rel": "next", "method": "POST", "href": ".../search",
    "merge": true, "headers": {"Search-After": T}}: the token travels in the
    header alone (the STAC API spec's example); the client must POST its
    original body again with the header.
  In post-* modes GET searches still get GET next links
  (the link method follows the request method, as real servers do).
  --break (items pages and /search; these always emit a next link):
  - next-self:    from the 2nd page on, next == the current page's link.
  - prev-in-next: page 2 links back to page 1 (as a token for offset 0,
    so its URL differs from the first request); then 2, 1, 2, 1 ...
  - growing-href: next href gains "pad=" + 100*2^p "x" (p = page number,
    capped at 1 MiB) and never ends; beyond 64 KiB of request line the server
    answers 414.
  - empty-pages:  after the real items, empty pages with next links forever.
  - ignored-token: every page holds the first page's items, its next
    link a token for the page after it, forever (the server ignores the
    token it issued).
  - endless:      after the real items, fresh plain items of the last
    collection in scope (indexes >= its count) forever.

FILTER (CQL2, only these shapes; anything else -> 400 naming the problem)
  cql2-text (GET default; POST when filter is a string):
    ml-model:type = 'ml-model'      <prop> IS NOT NULL      t1 OR t2 OR ...
    (keywords case-insensitive, parentheses allowed, "quoted" property names)
  cql2-json (POST default; GET with filter-lang=cql2-json):
    {"op": "=", "args": [{"property": "ml-model:type"}, "ml-model"]}
    {"op": "not", "args": [{"op": "isNull", "args": [{"property": P}]}]}
    {"op": "or", "args": [...]}
  A property must be a model queryable of --queryables (else 400 "not
  queryable"; id/collection/datetime are queryable but not filterable here).
  mlm:* properties select mlm model Items, ml-model:* ones ml-model Items;
  `ml-model:type = '<other>'` selects nothing. Filtered searches walk only
  the model indexes of each collection, never all items.

FAULTS (--faults FILE: JSON list of rules)
  Each request is checked against the rules in order; the first rule that
  FIRES is applied. A rule matches when "path" (regex, re.search on the path
  without query) and the optional "method" and "query" (regex on the raw
  query string) match. A matching rule fires unless it has fired "times"
  times already; with "every": K it fires on its 1st, K+1th, 2K+1th ...
  match. Actions (combine freely; precedence as listed):
    "after": REGEX         hold the answer until a request whose path
                           matches REGEX has been logged (answered), at most
                           30 s; then go on as "delay_ms" does (first)
    "delay_ms": N          sleep N ms, then go on with the rest/normal answer
    "reset": true          close the connection with a TCP RST, no response
    "redirect": URL        302 (or "status" if 3xx) with Location: URL
                           (may be file:///etc/passwd or a loop)
    "gzip_bomb": N         200, Content-Encoding: gzip (whatever the client
                           accepts), body inflates to exactly N bytes (N >=
                           100) of a valid JSON Catalog with "description"
                           padded with "A"; about N/1000 bytes on the wire;
                           built at start-up (~0.3 s per GiB)
    "huge_json_depth": N   200, a Catalog whose "nest" member is N nested
                           arrays: [[[...]]]
    "many_links": N        200, a valid Catalog with N child links to
                           {base}/many-links/child-0000000.json ... (404s)
    "body": TEXT           send TEXT (UTF-8 with surrogatepass, so "\\ud800"
                           gives invalid UTF-8) with "status" (default 200)
    "body_base64": B64     the same with exact bytes
    "status": N            N with a JSON error body (unless body is given)
    "content_type": T      Content-Type of body/status answers (default JSON)
    "retry_after": S       Retry-After: S (seconds or an HTTP-date;
                           "{{date+N}}" is the HTTP-date N seconds after the
                           answer is sent)
    "headers": {...}       extra headers, also on otherwise normal answers
    "truncate": N          announce the full Content-Length, send N body
                           bytes, close the connection
    "stall_after_bytes": N announce the full Content-Length, send N body
                           bytes, then stall without closing until the client
                           closes (or the server stops)
    "raw": TEXT            send TEXT as the whole reply, status line and
                           headers included, then close the connection (a
                           reply cut in its headers, a lying chunk size...)
    "junk_after": TEXT     send TEXT 200 ms after the answer, on the
                           connection kept alive (bytes past the end of the
                           reply, which the next reply on it starts with)
    "comment": ...         ignored
  A rule with only delay/headers/retry_after/truncate/stall modifies the
  normal answer. "{{port}}" and "{{base}}" are substituted in redirect, body
  and header values. Answers replaced by a fault get no ETag/304 handling.
  Unknown keys are a start-up error. Counters are per server process.

STATIC FILES (--static DIR)
  GET/HEAD of a file under DIR (no directory listings, no ".." escapes).
  .json/.geojson: "{{port}}" is replaced by the server's port and "{{base}}"
  by the request's base URL. Content-Type by suffix (json, geojson, txt,
  html; else application/octet-stream). ETag (hash of the sent body) and
  Last-Modified (file mtime); If-None-Match (wins) or If-Modified-Since give
  304.

LOG FORMAT (--log FILE: one JSON object per line, written and flushed
  BEFORE the response is sent, so a finished client's requests are all in it)
  {"method": "GET", "path": "/search" (without query, as received),
   "query": {"limit": "10", ...} (decoded, last value wins),
   "body": parsed JSON request body or null,
   "headers": {only those present of User-Agent, If-None-Match,
               If-Modified-Since, Authorization, Content-Type,
               Accept-Encoding, Search-After, X-Next, Transfer-Encoding};
               a header sent more than
               once as the list of its values,
   "host": [the Host header values received],
   "status": 200 (0 for a "reset" fault; a "raw" one's from its status
              line, else 0),
   "t": time.monotonic() when the request arrived (the kernel's receive
        time where it has one: a loaded server reading it late does not
        move it, nor bring the next request closer),
   "conn": "CLIENT_IP:CLIENT_PORT>SERVER_IP", the connection it came on,
   "fault": index of the fault rule applied (only when one fired)}
  Requests the HTTP layer rejects before routing (414 line too long, 400
  malformed, 501 unknown method) are logged with what is known (path may be
  null). /__stats is never logged.
"""

import argparse
import base64
import email.utils
import hashlib
import io
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

STAC_VERSION = "1.0.0"
EXT_URI = {
    "mlm": "https://stac-extensions.github.io/mlm/v1.5.2/schema.json",
    "ml-model": "https://stac-extensions.github.io/ml-model/v1.0.0/schema.json",
    "dlm": "https://schemas.stacspec.org/v1.0.0-beta.3/extensions/dl-model/"
           "json-schema/schema.json",
}
EO_URI = "https://stac-extensions.github.io/eo/v1.1.0/schema.json"
ITEM_ASSETS_URI = "https://stac-extensions.github.io/item-assets/v1.0.0/schema.json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
JSON_T = "application/json"
GEOJSON_T = "application/geo+json"
DECLARES = (None, "item_assets", "stac_extensions", "summaries")
BREAKS = ("next-self", "prev-in-next", "growing-href", "empty-pages", "endless",
          "ignored-token")
PAGING = ("get-token", "post-body", "post-merge", "post-header")
SEARCH_KEYS = ("collections", "ids", "limit", "bbox", "datetime", "filter",
               "filter-lang")
LOGGED_HEADERS = ("User-Agent", "If-None-Match", "If-Modified-Since",
                  "Authorization", "Content-Type", "Accept-Encoding",
                  "Search-After", "X-Next", "Transfer-Encoding")
MAX_BODY = 1 << 20
EPOCH_2020 = 1577836800


class ApiError(Exception):
    """An HTTP error answer with a JSON {"code", "description"} body."""

    CODES = {400: "BadRequest", 404: "NotFound", 405: "MethodNotAllowed",
             413: "PayloadTooLarge", 500: "ServerError"}

    def __init__(self, status, description, headers=None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


class Response:
    def __init__(self, status, body=b"", ctype=JSON_T, headers=None):
        self.status = status
        self.body = body
        self.ctype = ctype
        self.headers = dict(headers or {})


def json_response(doc, ctype=JSON_T, status=200):
    body = json.dumps(doc, separators=(",", ":")).encode()
    return Response(status, body, ctype)


def error_response(err):
    code = ApiError.CODES.get(err.status, "Error")
    resp = json_response({"code": code, "description": err.description},
                         status=err.status)
    resp.headers.update(err.headers)
    return resp


def substitute(text, port, base):
    return text.replace("{{port}}", str(port)).replace("{{base}}", base)


# ---------------------------------------------------------------- the world

class Coll:
    """One collection of the world. Items exist only as formulas of (id, i)."""

    def __init__(self, spec, default_ext, default_training):
        if not isinstance(spec, dict):
            raise ValueError("a collection must be an object")
        self.id = spec.get("id")
        if not isinstance(self.id, str) or not re.fullmatch(r"[A-Za-z0-9._-]+", self.id):
            raise ValueError(f"bad collection id {self.id!r}")
        self.n = spec.get("items", 0)
        if not isinstance(self.n, int) or isinstance(self.n, bool) or self.n < 0:
            raise ValueError(f"{self.id}: items must be a count")
        self.declares = spec.get("declares")
        if self.declares not in DECLARES:
            raise ValueError(f"{self.id}: declares must be one of {DECLARES}")
        self.ext = spec.get("model_extension", default_ext)
        if self.ext not in EXT_URI:
            raise ValueError(f"{self.id}: model_extension must be one of {list(EXT_URI)}")
        self.is_model_coll = bool(spec.get("collection_is_model", False))
        self.training = spec.get("training_data", default_training)
        self.title = spec.get("title", f"Fixture collection {self.id}")
        self.description = spec.get("description", f"Generated collection {self.id}")
        self.model_seq = self._model_seq(spec.get("models_at"))

    def _model_seq(self, models_at):
        """Ascending model indexes: a range (all) or a sorted list."""
        self._model_set = set()
        if models_at is None:
            return range(self.n) if self.declares else []
        if not isinstance(models_at, list) or not all(
                isinstance(i, int) and 0 <= i < self.n for i in models_at):
            raise ValueError(f"{self.id}: models_at must list indexes < items")
        self._model_set = set(models_at)
        return sorted(self._model_set)

    def is_model(self, i):
        if isinstance(self.model_seq, range):
            return i in self.model_seq
        return i in self._model_set


class World:
    def __init__(self, doc):
        if not isinstance(doc, dict) or not isinstance(doc.get("collections"), list):
            raise ValueError("the world must be an object with a collections list")
        self.id = doc.get("id", "stacml-fixture-api")
        self.title = doc.get("title", "stacml fixture STAC API")
        self.description = doc.get("description", "Generated STAC API for tests")
        ext = (doc.get("model_items") or {}).get("extension", "mlm")
        self.colls = [Coll(c, ext, doc.get("training_data")) for c in doc["collections"]]
        self.by_id = {c.id: c for c in self.colls}
        if len(self.by_id) != len(self.colls):
            raise ValueError("duplicate collection ids")

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def select(self, ids):
        if ids is None:
            return self.colls
        missing = [i for i in ids if i not in self.by_id]
        if missing:
            raise ApiError(400, f"unknown collection(s): {', '.join(missing)}")
        return [self.by_id[i] for i in ids]

    def parse_item_id(self, item_id):
        """(Coll, index) for an id "C-000123", or None."""
        m = re.fullmatch(r"(.+)-([0-9]{6,})", item_id)
        if not m or m.group(1) not in self.by_id:
            return None
        return self.by_id[m.group(1)], int(m.group(2))


class Listing:
    """A virtual concatenation of (Coll, index sequence) segments.

    Slicing walks the segment lengths only, so a page deep inside a
    100,000-item collection costs the same as the first page."""

    def __init__(self, segments, tail):
        self.segments = [(c, seq) for c, seq in segments if len(seq)]
        self.total = sum(len(seq) for _, seq in self.segments)
        self.tail = tail  # collection that "endless" keeps inventing items for

    def slice(self, offset, limit, endless=False):
        out, start = [], offset
        for coll, seq in self.segments:
            if start >= len(seq):
                start -= len(seq)
                continue
            for i in seq[start:start + limit - len(out)]:
                out.append((coll, i))
            start = 0
            if len(out) >= limit:
                return out
        if endless and self.tail is not None:
            pos = offset + len(out)  # position in the virtual list, >= total
            while len(out) < limit:
                out.append((self.tail, self.tail.n + pos - self.total))
                pos += 1
        return out


# ------------------------------------------------------------ item content

ARCHS = ("ResNet-18", "U-Net", "EfficientNet-B0", "ViT-B/16", "DeepLabV3")
MLM_TASKS = ("classification", "semantic-segmentation", "object-detection",
             "regression", "scene-classification")
MLMODEL_TASKS = ("classification", "segmentation", "object-detection", "regression")


def item_hash(coll_id, i):
    return zlib.crc32(f"{coll_id}/{i}".encode())


def item_geometry(coll_id, i):
    h = item_hash(coll_id, i)
    w = round(-170 + (h % 34000) / 100.0, 2)
    s = round(-80 + ((h >> 16) % 16000) / 100.0, 2)
    e, n = round(w + 0.1, 2), round(s + 0.1, 2)
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return {"type": "Polygon", "coordinates": [ring]}, [w, s, e, n]


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def item_links(base, coll, item_id):
    c = f"{base}/collections/{coll.id}"
    return [
        {"rel": "self", "type": GEOJSON_T, "href": f"{c}/items/{item_id}"},
        {"rel": "parent", "type": JSON_T, "href": c},
        {"rel": "collection", "type": JSON_T, "href": c},
        {"rel": "root", "type": JSON_T, "href": f"{base}/"},
    ]


def make_item(ctx, coll, i):
    item_id = f"{coll.id}-{i:06d}"
    geom, bbox = item_geometry(coll.id, i)
    item = {"type": "Feature", "stac_version": STAC_VERSION,
            "stac_extensions": [], "id": item_id, "collection": coll.id,
            "geometry": geom, "bbox": bbox, "properties": {},
            "links": item_links(ctx.base, coll, item_id), "assets": {}}
    if i < coll.n and coll.is_model(i):
        MODEL_BUILDERS[coll.ext](ctx, coll, i, item)
    else:
        plain_fields(ctx, coll, i, item)
    return item


def plain_fields(ctx, coll, i, item):
    item["stac_extensions"] = [EO_URI]
    item["properties"] = {
        "datetime": iso(EPOCH_2020 + 3600 * i), "platform": "fixturesat-1",
        "eo:cloud_cover": item_hash(coll.id, i) % 101}
    item["assets"]["visual"] = {
        "href": f"{ctx.base}/data/{coll.id}/{item['id']}.tif",
        "type": "image/tiff; application=geotiff; profile=cloud-optimized",
        "roles": ["data"]}


def training_link(ctx, coll, rel):
    href = substitute(coll.training, ctx.port, ctx.base)
    link = {"rel": rel, "type": JSON_T, "href": href, "title": "Training data"}
    if rel == "derived_from":
        link["ml-aoi:split"] = "train"
    return link


def mlm_fields(ctx, coll, i, item):
    task = MLM_TASKS[i % len(MLM_TASKS)]
    item["stac_extensions"] = [EXT_URI["mlm"]]
    item["properties"] = {
        "description": f"Generated mlm model {item['id']}",
        "datetime": None, "start_datetime": "2015-01-01T00:00:00Z",
        "end_datetime": "9999-12-31T23:59:59Z",
        "mlm:name": item["id"], "mlm:architecture": ARCHS[i % len(ARCHS)],
        "mlm:tasks": [task], "mlm:framework": "PyTorch",
        "mlm:framework_version": "2.3.0", "mlm:pretrained": True,
        "mlm:input": [{"name": "RGB chips", "bands": [], "input": {
            "shape": [-1, 3, 224, 224], "dim_order":
            ["batch", "channel", "height", "width"], "data_type": "float32"}}],
        "mlm:output": [{"name": task, "tasks": [task], "result": {
            "shape": [-1, 10], "dim_order": ["batch", "class"],
            "data_type": "float32"}}]}
    item["assets"]["model"] = {
        "href": f"{ctx.base}/models/{item['id']}.pt", "title": "weights",
        "type": "application/octet-stream; framework=pytorch",
        "roles": ["mlm:model", "mlm:weights"], "mlm:artifact_type": "torch.save"}
    if coll.training:
        item["links"].append(training_link(ctx, coll, "derived_from"))


def mlmodel_fields(ctx, coll, i, item):
    item["stac_extensions"] = [EXT_URI["ml-model"]]
    item["properties"] = {
        "datetime": None, "start_datetime": "2020-01-01T00:00:00Z",
        "end_datetime": "2020-12-31T23:59:59Z", "ml-model:type": "ml-model",
        "ml-model:learning_approach": "supervised",
        "ml-model:prediction_type": MLMODEL_TASKS[i % len(MLMODEL_TASKS)],
        "ml-model:architecture": ARCHS[i % len(ARCHS)],
        "ml-model:training-processor-type": "gpu", "ml-model:training-os": "linux"}
    root = f"{ctx.base}/models/{item['id']}"
    item["assets"] = {
        "inference-runtime": {"href": f"{root}/inference.yml",
                              "type": "text/x-yaml; application=compose",
                              "roles": ["ml-model:inference-runtime"]},
        "checkpoint": {"href": f"{root}/model.pth",
                       "type": "application/octet-stream",
                       "roles": ["ml-model:checkpoint"]}}
    item["links"].append({"rel": "ml-model:inferencing-image", "type": "docker-image",
                          "href": f"registry.example.com/fixture/{item['id']}:v1"})
    if coll.training:
        item["links"].append(training_link(ctx, coll, "ml-model:train-data"))


def dlm_fields(ctx, coll, i, item):
    item["stac_extensions"] = [EXT_URI["dlm"], EO_URI]
    item["properties"] = {
        "datetime": iso(EPOCH_2020 + 3600 * i), "title": f"dlm model {item['id']}",
        "dlm:data": {"process_level": "ortho", "data_type": "uint16",
                     "number_of_bands": 4, "class_name_mapping": {"I_0": "background"}},
        "dlm:inputs": {"name": "data", "input_tensors": {
            "batch": 1, "channels": 3, "height": 224, "width": 224},
            "selected_bands": [0, 1, 3]},
        "dlm:outputs": {"task": "semantic segmentation", "number_of_classes": 2,
                        "class_name_mapping": {"I_0": "background", "I_1": "building"}},
        "dlm:runtime": {"framework": "PyTorch", "version": "1.5"},
        "dlm:archive": [{"name": "ckpt.best.pth", "role": ["model weight"]}],
        "dlm:architecture": {"type": ARCHS[i % len(ARCHS)], "pretrained": True}}
    item["assets"]["model"] = {"href": f"{ctx.base}/models/{item['id']}.pth",
                               "type": "application/octet-stream", "roles": ["model"]}


MODEL_BUILDERS = {"mlm": mlm_fields, "ml-model": mlmodel_fields, "dlm": dlm_fields}


# ------------------------------------------------------- collection content

DECLARED_ROLES = {"mlm": ["mlm:model", "mlm:weights"],
                  "ml-model": ["ml-model:checkpoint"], "dlm": ["model"]}
DECLARED_SUMMARY = {"mlm": {"mlm:architecture": ["ResNet-18"]},
                    "ml-model": {"ml-model:architecture": ["U-Net"]},
                    "dlm": {"dlm:architecture": [{"type": "U-Net"}]}}
MODEL_SUMMARIES = {
    "mlm": {"mlm:architecture": ["ResNet-18"], "mlm:tasks": ["classification"],
            "mlm:framework": ["PyTorch"]},
    "ml-model": {"ml-model:type": ["ml-model"], "ml-model:learning_approach":
                 ["supervised"], "ml-model:prediction_type": ["segmentation"],
                 "ml-model:architecture": ["U-Net"]},
    "dlm": {"dlm:architecture": [{"type": "U-Net", "pretrained": True}]}}
MODEL_ASSET = {
    "mlm": {"type": "application/octet-stream; framework=pytorch",
            "roles": ["mlm:model"], "mlm:artifact_type": "torch.save"},
    "ml-model": {"type": "text/x-yaml; application=compose",
                 "roles": ["ml-model:inference-runtime"]},
    "dlm": {"type": "application/octet-stream", "roles": ["model"]}}


def collection_doc(ctx, coll):
    c = f"{ctx.base}/collections/{coll.id}"
    doc = {"type": "Collection", "stac_version": STAC_VERSION,
           "stac_extensions": [], "id": coll.id, "title": coll.title,
           "description": coll.description, "license": "CC-BY-4.0",
           "extent": {"spatial": {"bbox": [[-180, -90, 180, 90]]},
                      "temporal": {"interval": [["2020-01-01T00:00:00Z", None]]}},
           "links": [
               {"rel": "self", "type": JSON_T, "href": c},
               {"rel": "root", "type": JSON_T, "href": f"{ctx.base}/"},
               {"rel": "parent", "type": JSON_T, "href": f"{ctx.base}/"},
               {"rel": "items", "type": GEOJSON_T, "href": f"{c}/items"}]}
    if ctx.opts.filter:
        doc["links"].append({"rel": QUERYABLES_REL, "type": "application/schema+json",
                             "href": f"{c}/queryables"})
    if coll.declares == "item_assets":
        doc["stac_extensions"].append(ITEM_ASSETS_URI)
        doc["item_assets"] = {"model": {"title": "model weights",
                                        "roles": DECLARED_ROLES[coll.ext]}}
    elif coll.declares == "stac_extensions":
        doc["stac_extensions"].append(EXT_URI[coll.ext])
    elif coll.declares == "summaries":
        doc["summaries"] = dict(DECLARED_SUMMARY[coll.ext])
    if coll.is_model_coll:
        model_collection_fields(ctx, coll, doc)
    return doc


def model_collection_fields(ctx, coll, doc):
    if EXT_URI[coll.ext] not in doc["stac_extensions"]:
        doc["stac_extensions"].append(EXT_URI[coll.ext])
    doc.setdefault("summaries", {}).update(MODEL_SUMMARIES[coll.ext])
    asset = dict(MODEL_ASSET[coll.ext])
    asset["href"] = f"{ctx.base}/models/{coll.id}/model.bin"
    doc["assets"] = {"model": asset}
    if coll.training and coll.ext != "dlm":
        rel = "derived_from" if coll.ext == "mlm" else "ml-model:train-data"
        doc["links"].append(training_link(ctx, coll, rel))


# ------------------------------------------------- conformance, queryables

def conformance(opts):
    stac = f"https://api.stacspec.org/{opts.conformance_version}/"
    ogc = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    if opts.search_only:
        classes = [stac + "core", stac + "item-search"]
    else:
        classes = [stac + "core", stac + "collections", stac + "ogcapi-features",
                   stac + "item-search", ogc + "core", ogc + "geojson", ogc + "oas30"]
    if opts.filter:
        f3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
        cql = "http://www.opengis.net/spec/cql2/1.0/conf/"
        classes += [stac + "item-search#filter", f3 + "filter", f3 + "features-filter",
                    cql + "basic-cql2"]
        classes += [cql + "cql2-" + lang for lang in ("text", "json")
                    if opts.cql2 in (lang, "both")]
    return classes


CORE_QUERYABLES = {
    "id": {"title": "Item ID", "type": "string"},
    "collection": {"title": "Collection ID", "type": "string"},
    "datetime": {"title": "Acquired", "type": "string", "format": "date-time"}}
MODEL_QUERYABLES = {
    "mlm": {"mlm:name": {"title": "Model name", "type": "string"},
            "mlm:architecture": {"title": "Architecture", "type": "string"},
            "mlm:tasks": {"title": "Tasks", "type": "array",
                          "items": {"type": "string"}}},
    "ml-model": {"ml-model:type": {"title": "ml-model type", "type": "string",
                                   "enum": ["ml-model"]},
                 "ml-model:architecture": {"title": "Architecture", "type": "string"},
                 "ml-model:prediction_type": {"title": "Prediction type", "type": "string"},
                 "ml-model:learning_approach": {"title": "Learning approach",
                                                "type": "string"}}}
QUERYABLE_SETS = {"mlm": ("mlm",), "ml-model": ("ml-model",),
                  "both": ("mlm", "ml-model"), "none": ()}


def model_queryables(opts):
    """{property: extension} of the model fields usable in filters."""
    return {p: ext for ext in QUERYABLE_SETS[opts.queryables]
            for p in MODEL_QUERYABLES[ext]}


def queryables_doc(ctx, path):
    props = dict(CORE_QUERYABLES)
    for ext in QUERYABLE_SETS[ctx.opts.queryables]:
        props.update(MODEL_QUERYABLES[ext])
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": ctx.base + path, "type": "object",
            "title": "Queryables for the stacml fixture API",
            "properties": props, "additionalProperties": False}


# --------------------------------------------------------------- CQL2 filter

CQL_TOKEN = re.compile(r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<eq>=)
    |(?P<str>'(?:[^']|'')*')|(?P<qid>"[^"]+")|(?P<word>[A-Za-z_][A-Za-z0-9_:.\-]*))""",
                       re.X)
FILTER_HELP = ("supported: ml-model:type = 'ml-model', <prop> IS NOT NULL, "
               "and OR of these")


def cql_tokens(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = CQL_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ApiError(400, f"unsupported filter: cannot parse at "
                                f"{text[pos:pos + 20]!r}; {FILTER_HELP}")
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "str":
            val = val[1:-1].replace("''", "'")
        elif kind == "qid":
            kind, val = "prop", val[1:-1]
        out.append((kind, val))
        pos = m.end()
    return out


def cql_text_to_json(text):
    """Parse the supported cql2-text subset into the cql2-json form."""
    toks = cql_tokens(text)
    node, pos = cql_or(toks, 0)
    if pos != len(toks):
        raise ApiError(400, f"unsupported filter: unexpected {toks[pos][1]!r}; "
                            f"{FILTER_HELP}")
    return node


def cql_word(toks, pos, word):
    return (pos < len(toks) and toks[pos][0] == "word"
            and toks[pos][1].upper() == word)


def cql_or(toks, pos):
    args = []
    node, pos = cql_term(toks, pos)
    args.append(node)
    while cql_word(toks, pos, "OR"):
        node, pos = cql_term(toks, pos + 1)
        args.append(node)
    return (args[0] if len(args) == 1 else {"op": "or", "args": args}), pos


def cql_term(toks, pos):
    bad = ApiError(400, f"unsupported filter near token {pos + 1}; {FILTER_HELP}")
    if pos < len(toks) and toks[pos][0] == "lp":
        node, pos = cql_or(toks, pos + 1)
        if pos >= len(toks) or toks[pos][0] != "rp":
            raise bad
        return node, pos + 1
    if pos >= len(toks) or toks[pos][0] not in ("word", "prop"):
        raise bad
    prop = {"property": toks[pos][1]}
    if pos + 2 < len(toks) and toks[pos + 1][0] == "eq" and toks[pos + 2][0] == "str":
        return {"op": "=", "args": [prop, toks[pos + 2][1]]}, pos + 3
    if all(cql_word(toks, pos + k, w) for k, w in ((1, "IS"), (2, "NOT"), (3, "NULL"))):
        return {"op": "not", "args": [{"op": "isNull", "args": [prop]}]}, pos + 4
    raise bad


def filter_property(node, queryable):
    """The queryable model property a {"property": P} node names."""
    prop = node.get("property") if isinstance(node, dict) else None
    if not isinstance(prop, str) or len(node) != 1:
        raise ApiError(400, f"unsupported filter: expected {{\"property\": ...}}, "
                            f"got {json.dumps(node)[:200]}")
    if prop in CORE_QUERYABLES:
        raise ApiError(400, f"filtering on '{prop}' is not supported by this server; "
                            f"{FILTER_HELP}")
    if prop not in queryable:
        raise ApiError(400, f"property '{prop}' is not queryable (see /queryables)")
    return prop


def filter_exts(node, queryable):
    """Compile a cql2-json node to the set of model kinds it selects."""
    op = node.get("op") if isinstance(node, dict) else None
    args = node.get("args") if isinstance(node, dict) else None
    if op == "or" and isinstance(args, list) and args:
        out = set()
        for arg in args:
            out |= filter_exts(arg, queryable)
        return out
    if op == "=" and isinstance(args, list) and len(args) == 2:
        prop = filter_property(args[0], queryable)
        if prop == "ml-model:type" and isinstance(args[1], str):
            return {"ml-model"} if args[1] == "ml-model" else set()
    if (op == "not" and isinstance(args, list) and len(args) == 1
            and isinstance(args[0], dict) and args[0].get("op") == "isNull"
            and isinstance(args[0].get("args"), list) and len(args[0]["args"]) == 1):
        return {queryable[filter_property(args[0]["args"][0], queryable)]}
    raise ApiError(400, f"unsupported filter {json.dumps(node)[:200]}; {FILTER_HELP}")


def compile_filter(opts, q):
    """None for an unfiltered query, else the set of model kinds selected."""
    if "filter" not in q or opts.ignore_filter:
        return None
    flt = q["filter"]
    lang = "text" if isinstance(flt, str) else "json"
    if opts.cql2 not in (lang, "both"):
        raise ApiError(400, f"cql2-{lang} not supported")
    node = cql_text_to_json(flt) if isinstance(flt, str) else flt
    return filter_exts(node, model_queryables(opts))


# ------------------------------------------------ query normalisation

def parse_limit(value, opts):
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ApiError(400, f"limit must be a positive integer, got {value!r}")
    return min(value, opts.max_limit)  # above the maximum: behave as maximum


def parse_bbox(value):
    if isinstance(value, str):
        value = value.split(",")
    try:
        box = [float(v) for v in value]
    except (TypeError, ValueError):
        box = []
    if len(box) not in (4, 6):
        raise ApiError(400, f"bbox must have 4 or 6 numbers, got {value!r}")
    return box


def parse_filter(flt, lang, opts):
    """(filter, effective filter-lang); the language follows the value type
    when filter-lang is absent so that GET and POST forms compare equal."""
    if not opts.filter:
        raise ApiError(400, "filter not supported by this server")
    if lang is None:
        lang = "cql2-text" if isinstance(flt, str) else "cql2-json"
    if lang not in ("cql2-text", "cql2-json"):
        raise ApiError(400, f"unsupported filter-lang {lang!r}")
    if lang == "cql2-json" and isinstance(flt, str):
        try:
            flt = json.loads(flt)
        except ValueError:
            raise ApiError(400, "filter-lang is cql2-json but filter is not JSON")
    if lang == "cql2-text" and not isinstance(flt, str):
        raise ApiError(400, "filter-lang is cql2-text but filter is not a string")
    if lang == "cql2-json" and not isinstance(flt, dict):
        raise ApiError(400, "a cql2-json filter must be an object")
    return flt, lang


def split_list(value):
    return [v for v in value.split(",") if v] if isinstance(value, str) else value


def normalise_query(src, opts, from_get):
    """The search keys of GET parameters or a POST body, normalised so that
    the same search compares equal whichever way it arrives."""
    q = {"limit": parse_limit(src.get("limit", 10), opts)}
    for key in ("collections", "ids"):
        if key in src:
            val = split_list(src[key]) if from_get else src[key]
            if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
                raise ApiError(400, f"{key} must be an array of strings")
            q[key] = val
    if "bbox" in src:
        if "intersects" in src:
            raise ApiError(400, "bbox and intersects are mutually exclusive")
        q["bbox"] = parse_bbox(src["bbox"])
    if "datetime" in src:
        if not isinstance(src["datetime"], str) or not src["datetime"]:
            raise ApiError(400, "datetime must be a non-empty string")
        q["datetime"] = src["datetime"]
    if "filter" in src:
        q["filter"], q["filter-lang"] = parse_filter(
            src["filter"], src.get("filter-lang"), opts)
    return q


def query_params(q):
    """GET parameters that reproduce the normalised query q."""
    out = []
    for key in ("collections", "ids", "limit", "bbox", "datetime", "filter",
                "filter-lang"):
        if key not in q:
            continue
        val = q[key]
        if isinstance(val, list):
            val = ",".join(repr(v) if isinstance(v, float) else v for v in val)
        elif isinstance(val, dict):
            val = json.dumps(val, separators=(",", ":"))
        out.append((key, str(val)))
    return out


def describe_diff(want, got):
    keys = [k for k in SEARCH_KEYS if want.get(k) != got.get(k)]
    return "; ".join(f"{k}: expected {json.dumps(want.get(k))}, got "
                     f"{json.dumps(got.get(k))}" for k in keys)


# ------------------------------------------------------------------ tokens

def encode_token(cursor):
    raw = json.dumps(cursor, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token, endpoint):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        cur = json.loads(raw)
        ok = (isinstance(cur, dict) and isinstance(cur.get("o"), int)
              and cur["o"] >= 0 and isinstance(cur.get("q"), dict))
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ApiError(400, f"invalid pagination token {token[:40]!r}")
    if cur.get("e") != endpoint:
        raise ApiError(400, f"token was issued by {cur.get('e')}, not {endpoint}")
    return cur


# ------------------------------------------------------- static file tree

STATIC_TYPES = {".json": JSON_T, ".geojson": GEOJSON_T, ".txt": "text/plain",
                ".html": "text/html"}


def static_file(ctx, root, path):
    rel = unquote(path).lstrip("/")
    if not rel or "\0" in rel or ".." in rel.split("/"):
        return None
    full = os.path.realpath(os.path.join(root, rel))
    if not full.startswith(root + os.sep) or not os.path.isfile(full):
        return None
    with open(full, "rb") as f:
        data = f.read()
    suffix = os.path.splitext(full)[1].lower()
    if suffix in (".json", ".geojson"):
        data = substitute(data.decode("utf-8", "surrogateescape"), ctx.port,
                          ctx.base).encode("utf-8", "surrogateescape")
    resp = Response(200, data, STATIC_TYPES.get(suffix, "application/octet-stream"))
    resp.headers["Last-Modified"] = email.utils.formatdate(
        os.stat(full).st_mtime, usegmt=True)
    return resp


def not_modified(headers, resp):
    """RFC 9110 conditional GET: If-None-Match wins over If-Modified-Since."""
    etag = resp.headers.get("ETag")
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return etag is not None and ("*" in tags or etag in tags)
    ims, lm = headers.get("If-Modified-Since"), resp.headers.get("Last-Modified")
    if not ims or not lm:
        return False
    try:
        return (email.utils.parsedate_to_datetime(lm)
                <= email.utils.parsedate_to_datetime(ims))
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------- faults

def http_date_subst(text):
    """{{date+N}} -> the HTTP-date N seconds from now (when answering)."""
    return re.sub(r"\{\{date\+(\d+)\}\}",
                  lambda m: email.utils.formatdate(time.time() + int(m.group(1)),
                                                   usegmt=True), text)


FAULT_KEYS = {"path", "after", "method", "query", "times", "every", "status", "retry_after",
              "delay_ms", "stall_after_bytes", "truncate", "reset", "gzip_bomb",
              "body", "body_base64", "content_type", "huge_json_depth",
              "many_links", "redirect", "headers", "raw", "junk_after",
              "comment"}
BOMB_HEAD = b'{"type":"Catalog","stac_version":"1.0.0","id":"gzip-bomb","description":"'
BOMB_TAIL = b'","links":[]}'


def build_gzip_bomb(n):
    """A gzip member inflating to exactly n bytes of JSON.

    The padding is deflated 1 MiB at a time with Z_FULL_FLUSH, which resets
    the compressor, so every full chunk compresses to the same block: compute
    it once and repeat it. Only the CRC needs a pass over the data (fast)."""
    chunk = b"A" * (1 << 20)
    pad = max(0, n - len(BOMB_HEAD) - len(BOMB_TAIL))
    full, rest = divmod(pad, len(chunk))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff",
             comp.compress(BOMB_HEAD) + comp.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(BOMB_HEAD)
    if full:
        parts.append((comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)) * full)
        for _ in range(full):
            crc = zlib.crc32(chunk, crc)
    tail = chunk[:rest] + BOMB_TAIL
    crc = zlib.crc32(tail, crc)
    parts.append(comp.compress(tail) + comp.flush(zlib.Z_FINISH))
    size = len(BOMB_HEAD) + pad + len(BOMB_TAIL)
    parts.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
    return b"".join(parts)


class Faults:
    """Fault rules with their per-rule match/fire counters."""

    def __init__(self, rules):
        if not isinstance(rules, list):
            raise ValueError("the faults file must hold a JSON list of rules")
        self.rules, self.lock, self.bombs = [], threading.Lock(), {}
        for idx, rule in enumerate(rules):
            if not isinstance(rule, dict) or not isinstance(rule.get("path"), str):
                raise ValueError(f"fault rule {idx}: an object with a path regex")
            unknown = set(rule) - FAULT_KEYS
            if unknown:
                raise ValueError(f"fault rule {idx}: unknown keys {sorted(unknown)}")
            rule = dict(rule, _path=re.compile(rule["path"]), _seen=0, _fired=0,
                        _query=re.compile(rule.get("query", "")))
            if "after" in rule:
                rule["_after"] = re.compile(rule["after"])
            if "gzip_bomb" in rule and rule["gzip_bomb"] not in self.bombs:
                self.bombs[rule["gzip_bomb"]] = build_gzip_bomb(rule["gzip_bomb"])
            self.rules.append(rule)

    @classmethod
    def load(cls, path):
        if not path:
            return cls([])
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def pick(self, method, path, query):
        """(index, rule) of the first rule that fires, or (None, None)."""
        with self.lock:
            for idx, r in enumerate(self.rules):
                if not r["_path"].search(path) or not r["_query"].search(query):
                    continue
                if r.get("method", method).upper() != method:
                    continue
                if "times" in r and r["_fired"] >= r["times"]:
                    continue
                r["_seen"] += 1
                if (r["_seen"] - 1) % r.get("every", 1):
                    continue
                r["_fired"] += 1
                return idx, r
        return None, None

    def answer(self, ctx, rule):
        """The response a rule replaces the normal one with, or None."""
        if "redirect" in rule:
            status = rule.get("status", 302)
            status = status if 300 <= status < 400 else 302
            loc = substitute(rule["redirect"], ctx.port, ctx.base)
            return Response(status, b"", "text/plain", {"Location": loc})
        if "gzip_bomb" in rule:
            return Response(200, self.bombs[rule["gzip_bomb"]], JSON_T,
                            {"Content-Encoding": "gzip"})
        if "huge_json_depth" in rule:
            n = rule["huge_json_depth"]
            body = ('{"type":"Catalog","stac_version":"1.0.0","id":"deep",'
                    '"description":"deep","links":[],"nest":' + "[" * n + "]" * n + "}")
            return Response(200, body.encode())
        if "many_links" in rule:
            return json_response(many_links_catalog(ctx, rule["many_links"]))
        ctype = rule.get("content_type", JSON_T)
        if "body_base64" in rule:
            return Response(rule.get("status", 200),
                            base64.b64decode(rule["body_base64"]), ctype)
        if "body" in rule:
            body = substitute(rule["body"], ctx.port, ctx.base)
            return Response(rule.get("status", 200),
                            body.encode("utf-8", "surrogatepass"), ctype)
        if "status" in rule:
            resp = error_response(ApiError(rule["status"], "injected fault"))
            resp.ctype = ctype
            return resp
        return None


def many_links_catalog(ctx, n):
    links = [{"rel": "self", "type": JSON_T, "href": ctx.base + ctx.path},
             {"rel": "root", "type": JSON_T, "href": ctx.base + ctx.path}]
    links += [{"rel": "child", "type": JSON_T,
               "href": f"{ctx.base}/many-links/child-{k:07d}.json"} for k in range(n)]
    return {"type": "Catalog", "stac_version": STAC_VERSION, "id": "many-links",
            "description": f"A catalog with {n} child links", "links": links}


# ------------------------------------------------------------- bookkeeping

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests, self.in_flight, self.max_concurrent = 0, 0, 0
        self.by_path = {}
        self.in_flight_by, self.max_by = {}, {}

    def enter(self, path, addr):
        with self.lock:
            self.requests += 1
            self.by_path[path] = self.by_path.get(path, 0) + 1
            self.in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self.in_flight)
            n = self.in_flight_by.get(addr, 0) + 1
            self.in_flight_by[addr] = n
            self.max_by[addr] = max(self.max_by.get(addr, 0), n)

    def leave(self, addr):
        with self.lock:
            self.in_flight -= 1
            self.in_flight_by[addr] = self.in_flight_by.get(addr, 0) - 1

    def snapshot(self, reset):
        with self.lock:
            snap = {"requests": self.requests, "max_concurrent": self.max_concurrent,
                    "in_flight": self.in_flight, "by_path": dict(self.by_path),
                    "max_concurrent_by_addr": dict(self.max_by)}
            if reset:
                in_flight, in_flight_by = self.in_flight, self.in_flight_by
                self.reset()
                self.in_flight, self.in_flight_by = in_flight, in_flight_by
            return snap


class RequestLog:
    def __init__(self, path, verbose, arrivals=None):
        self.file = open(path, "a", encoding="utf-8") if path else None
        self.arrivals = open(arrivals, "a", encoding="utf-8") if arrivals else None
        self.verbose = verbose
        self.lock = threading.Lock()
        self.logged = threading.Condition(self.lock)
        self.paths = []  # of the requests logged, for wait_for

    def wait_for(self, regex, timeout):
        """Wait until a request to a path matching regex has been logged."""
        with self.logged:
            self.logged.wait_for(
                lambda: any(regex.search(p) for p in self.paths), timeout)

    def arrived(self, method, path):
        """The --arrivals line of a request read just now."""
        with self.lock:
            if self.arrivals:
                self.arrivals.write(f"{method} {path}\n")
                self.arrivals.flush()

    def write(self, rec):
        with self.lock:
            self.paths.append(rec["path"] or "")
            self.logged.notify_all()
            if self.file:
                self.file.write(json.dumps(rec, separators=(",", ":")) + "\n")
                self.file.flush()
            if self.verbose:
                print(f"{rec['method'] or '-'} {rec['path'] or '-'} {rec['status']}",
                      flush=True)


# --------------------------------------------------------------- the API

class Ctx:
    """What one request's documents depend on."""

    def __init__(self, opts, port, base, path):
        self.opts, self.port, self.base, self.path = opts, port, base, path


class Api:
    def __init__(self, opts, world, port):
        self.opts, self.world, self.port = opts, world, port

    def route(self, ctx, req):
        path = req.path
        if path == "/robots.txt":
            return self.robots(ctx)
        if self.world is not None:
            resp = self.route_api(ctx, req)
            if resp is not None:
                return resp
        if self.opts.static and req.method in ("GET", "HEAD"):
            resp = static_file(ctx, self.opts.static, path)
            if resp is not None:
                return resp
        raise ApiError(404, f"no such resource: {path}")

    def route_api(self, ctx, req):
        path = req.path
        if path == "/search":
            return self.search(ctx, req)
        routes = {"/": self.landing, "/conformance": self.conformance,
                  "/api": self.openapi, "/collections": self.collections,
                  "/queryables": self.queryables}
        m = re.fullmatch(r"/collections/([^/]+)(/items(?:/([^/]+))?|/queryables)?", path)
        if self.opts.search_only and (m or path == "/collections"):
            raise ApiError(404, f"{path}: this API offers item search alone")
        if path not in routes and not m:
            return None
        if req.method not in ("GET", "HEAD"):
            raise ApiError(405, f"{req.method} not allowed on {path}",
                           {"Allow": "GET, HEAD"})
        if path in routes:
            return routes[path](ctx, req)
        coll = self.world.by_id.get(unquote(m.group(1)))
        if coll is None:
            raise ApiError(404, f"no collection {unquote(m.group(1))!r}")
        if m.group(2) is None:
            return json_response(collection_doc(ctx, coll))
        if m.group(2) == "/queryables":
            return self.queryables(ctx, req)
        if m.group(3) is not None:
            return self.one_item(ctx, coll, unquote(m.group(3)))
        return self.items(ctx, req, coll)

    def robots(self, ctx):
        path = self.opts.robots
        if not path and self.opts.static:
            path = os.path.join(self.opts.static, "robots.txt")
        if not path or not os.path.isfile(path):
            raise ApiError(404, "no robots.txt")
        with open(path, "rb") as f:
            return Response(200, f.read(), "text/plain")

    def landing(self, ctx, req):
        b = ctx.base
        links = [{"rel": "self", "type": JSON_T, "href": f"{b}/"},
                 {"rel": "root", "type": JSON_T, "href": f"{b}/"},
                 {"rel": "search", "type": GEOJSON_T, "href": f"{b}/search", "method": "GET"},
                 {"rel": "search", "type": GEOJSON_T, "href": f"{b}/search", "method": "POST"},
                 {"rel": "service-desc", "href": f"{b}/api",
                  "type": "application/vnd.oai.openapi+json;version=3.0"}]
        if self.opts.search_post_only:
            links = [l for l in links if l.get("method") != "GET"]
        if self.opts.conformance:
            links.insert(2, {"rel": "conformance", "type": JSON_T, "href": f"{b}/conformance"})
        if self.opts.data_link and not self.opts.search_only:
            links.append({"rel": "data", "type": JSON_T, "href": f"{b}/collections"})
        if self.opts.filter and self.opts.queryables_link:
            links.append({"rel": QUERYABLES_REL, "type": "application/schema+json",
                          "href": f"{b}/queryables"})
        links += [{"rel": "child", "type": JSON_T, "href": substitute(u, ctx.port, b)}
                  for u in self.opts.child]
        links += [{"rel": "item", "type": GEOJSON_T, "href": substitute(u, ctx.port, b)}
                  for u in self.opts.item]
        if self.opts.child_collections:
            links += [{"rel": "child", "type": JSON_T, "title": c.title,
                       "href": f"{b}/collections/{c.id}"} for c in self.world.colls]
        doc = {"type": "Catalog", "stac_version": STAC_VERSION, "id": self.world.id,
               "title": self.world.title, "description": self.world.description,
               "conformsTo": conformance(self.opts), "links": links}
        if not self.opts.conformance:
            del doc["conformsTo"]
        return json_response(doc)

    def conformance(self, ctx, req):
        return json_response({"conformsTo": conformance(self.opts)})

    def openapi(self, ctx, req):
        doc = {"openapi": "3.0.3", "info": {"title": self.world.title, "version": "1.0.0"},
               "paths": {p: {} for p in ("/", "/conformance", "/collections",
                                         "/collections/{collectionId}",
                                         "/collections/{collectionId}/items", "/search")}}
        return json_response(doc, "application/vnd.oai.openapi+json;version=3.0")

    def queryables(self, ctx, req):
        if not self.opts.filter:
            raise ApiError(404, "queryables not available: filter is off")
        return json_response(queryables_doc(ctx, req.path), "application/schema+json")

    def collections(self, ctx, req):
        p = req.params
        limit = parse_limit(p.get("limit", self.opts.collections_page), self.opts)
        page = p.get("page", "1")
        if not page.isdigit() or int(page) < 1:
            raise ApiError(400, f"page must be a positive integer, got {page!r}")
        page = int(page)
        colls = self.world.colls
        chunk = colls[(page - 1) * limit:page * limit]
        url = f"{ctx.base}/collections?limit={limit}&page="
        links = [{"rel": "self", "type": JSON_T, "href": f"{url}{page}"},
                 {"rel": "root", "type": JSON_T, "href": f"{ctx.base}/"}]
        if page > 1:
            links.append({"rel": "prev", "type": JSON_T, "href": f"{url}{page - 1}"})
        if page * limit < len(colls):
            links.append({"rel": "next", "type": JSON_T, "href": f"{url}{page + 1}"})
        return json_response({"collections": [collection_doc(ctx, c) for c in chunk],
                              "links": links, "numberMatched": len(colls),
                              "numberReturned": len(chunk)})

    def one_item(self, ctx, coll, item_id):
        parsed = self.world.parse_item_id(item_id)
        if parsed is None or parsed[0] is not coll or (
                parsed[1] >= coll.n and self.opts.brk != "endless"):
            raise ApiError(404, f"no item {item_id!r} in {coll.id}")
        return json_response(make_item(ctx, coll, parsed[1]), GEOJSON_T)

    # -- item pages and search

    def items(self, ctx, req, coll):
        params = {k: v for k, v in req.params.items()
                  if k not in ("collections", "ids")}  # /search-only parameters
        q = normalise_query(params, self.opts, from_get=True)
        endpoint = f"items/{coll.id}"
        cursor = None
        if "token" in req.params:
            cursor = decode_token(req.params["token"], endpoint)
            if q != cursor["q"]:
                raise ApiError(400, "token was issued for a different query: "
                                    + describe_diff(cursor["q"], q))
        exts = compile_filter(self.opts, q)
        seq = range(coll.n) if exts is None else (
            coll.model_seq if coll.ext in exts else [])
        listing = Listing([(coll, seq)], coll)
        return self.page(ctx, req, listing, q, cursor, endpoint)

    def search(self, ctx, req):
        if req.method in ("GET", "HEAD") and self.opts.search_post_only:
            raise ApiError(405, "GET not allowed on /search: POST only",
                           {"Allow": "POST"})
        if req.method == "GET" or req.method == "HEAD":
            src, token = req.params, req.params.get("token")
        elif req.method == "POST":
            if not isinstance(req.body, dict):
                raise ApiError(400, "POST /search needs a JSON object body")
            src, token = req.body, req.body.get("token")
            if self.opts.search_paging == "post-header":
                token = req.headers.get("Search-After")
        else:
            raise ApiError(405, f"{req.method} not allowed on /search",
                           {"Allow": "GET, HEAD, POST"})
        q = normalise_query(src, self.opts, from_get=req.method != "POST")
        cursor = None
        if token is not None:
            if not isinstance(token, str):
                raise ApiError(400, "token must be a string")
            cursor = decode_token(token, "search")
            self.check_continuation(req, q, cursor)
            q = cursor["q"]
        exts = compile_filter(self.opts, q)
        return self.page(ctx, req, self.search_listing(q, exts), q, cursor, "search")

    def check_continuation(self, req, q, cursor):
        """400 unless the request follows the next link it was given."""
        mode = self.opts.search_paging
        if req.method != "POST":
            if q != cursor["q"]:
                raise ApiError(400, "token was issued for a different query: "
                                    + describe_diff(cursor["q"], q))
        elif mode == "get-token":
            raise ApiError(400, "this server's next links are GET requests; "
                                "POST with a token is not expected")
        elif mode == "post-header":
            diff = describe_diff(cursor["q"], q)
            if diff:
                raise ApiError(400, "next link has merge=true: the merged body must "
                                    f"keep the original search; {diff}")
        elif mode == "post-body":
            extra = sorted(set(req.body) - {"token"})
            if extra:
                raise ApiError(400, "next link has merge=false: send exactly its "
                                    f"body, without {', '.join(extra)}")
        else:
            diff = describe_diff(cursor["q"], q)
            if diff:
                raise ApiError(400, "next link has merge=true: the merged body must "
                                    f"keep the original search; {diff}")
            got = req.headers.get("Search-After")
            if got != cursor["sa"]:
                raise ApiError(400, "next link headers not sent: expected "
                                    f"Search-After: {cursor['sa']}, got {got!r}")

    def search_listing(self, q, exts):
        colls = self.world.select(q.get("collections"))
        tail = colls[-1] if colls else None
        if "ids" not in q:
            segs = [(c, range(c.n) if exts is None else
                     (c.model_seq if c.ext in exts else [])) for c in colls]
            return Listing(segs, tail)
        scope = {c.id for c in colls}
        segs = []
        for item_id in q["ids"]:
            parsed = self.world.parse_item_id(item_id)
            if parsed is None or parsed[0].id not in scope or parsed[1] >= parsed[0].n:
                continue
            c, i = parsed
            if exts is None or (c.ext in exts and c.is_model(i)):
                segs.append((c, [i]))
        return Listing(segs, tail)

    def page(self, ctx, req, listing, q, cursor, endpoint):
        limit = q["limit"]
        offset = cursor["o"] if cursor else 0
        brk = self.opts.brk
        pairs = listing.slice(0 if brk == "ignored-token" else offset, limit,
                              endless=brk == "endless")
        feats = [make_item(ctx, c, i) for c, i in pairs]
        links = [{"rel": "self", "type": GEOJSON_T, "href": self.self_href(ctx, req)},
                 {"rel": "root", "type": JSON_T, "href": f"{ctx.base}/"}]
        nxt = self.next_cursor(listing.total, q, cursor, offset, limit, feats, endpoint)
        if nxt is not None:
            links.append(self.next_link(ctx, req, nxt, endpoint))
        doc = {"type": "FeatureCollection", "features": feats, "links": links,
               "numberReturned": len(feats)}
        if brk != "endless":
            doc["numberMatched"] = listing.total
        return json_response(doc, GEOJSON_T)

    def self_href(self, ctx, req):
        if req.method == "POST":
            return f"{ctx.base}{req.path}"
        return f"{ctx.base}{req.target}"

    def next_cursor(self, total, q, cursor, offset, limit, feats, endpoint):
        """The cursor the next link points at, or None on the last page."""
        brk = self.opts.brk
        if brk == "next-self" and cursor is not None:
            return cursor
        if brk is None and offset + limit >= total:
            return None
        nxt = offset + limit
        if brk == "prev-in-next" and offset == limit:
            nxt = 0  # page 2 links back to page 1
        sa = feats[-1]["id"] if feats else f"after-{offset}"
        return {"e": endpoint, "o": nxt, "q": q, "sa": sa}

    def next_link(self, ctx, req, cur, endpoint):
        token = encode_token(cur)
        pad = []
        if self.opts.brk == "growing-href":
            page_no = cur["o"] // cur["q"]["limit"] + 1
            pad = [("pad", "x" * min(1 << 20, 100 << min(page_no, 20)))]
        link = {"rel": "next", "type": GEOJSON_T}
        mode = self.opts.search_paging
        if endpoint != "search" or req.method != "POST" or mode == "get-token":
            params = query_params(cur["q"]) + [("token", token)] + pad
            path = req.path if endpoint != "search" else "/search"
            link["href"] = f"{ctx.base}{path}?{urlencode(params, quote_via=quote, safe=',:')}"
            link["method"] = "GET"
            return self.add_next_headers(link)
        link["href"] = f"{ctx.base}/search" + (f"?{urlencode(pad)}" if pad else "")
        if mode == "post-header":
            # The spec's own example: the token in a header alone, the
            # body the original one (merge), the URL the same.
            link.update(method="POST", merge=True, headers={"Search-After": token})
            return self.add_next_headers(link)
        link.update(method="POST", body={"token": token}, merge=mode == "post-merge")
        if mode == "post-merge":
            link["headers"] = {"Search-After": cur["sa"]}
        return self.add_next_headers(link)

    def add_next_headers(self, link):
        """--next-headers: extra headers in every next link (GET or POST),
        e.g. ones a client must not let a server set."""
        if self.opts.next_headers:
            link.setdefault("headers", {}).update(self.opts.next_headers)
        return link


# ------------------------------------------------------------ HTTP layer

class Request:
    def __init__(self, method, target, headers, body):
        split = urlsplit(target)
        self.method, self.target = method, target
        self.path, self.query = split.path, split.query
        self.params = dict(parse_qsl(split.query, keep_blank_values=True))
        self.headers, self.body = headers, body


# Linux's, not in Python's socket module: the kernel's receive time of
# the bytes each recvmsg() returns.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("@ll")


class StampedReader(io.RawIOBase):
    """A connection's reads, keeping when the kernel received the bytes
    read last (None without SO_TIMESTAMPNS)."""

    def __init__(self, sock):
        super().__init__()
        self.sock, self.arrived = sock, None

    def readable(self):
        return True

    def readinto(self, b):
        n, anc, _, _ = self.sock.recvmsg_into([b], socket.CMSG_SPACE(TIMESPEC.size))
        self.arrived = None
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = TIMESPEC.unpack(data[:TIMESPEC.size])
                self.arrived = sec + nsec / 1e9
        return n


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"       # keep-alive; every answer has a length
    disable_nagle_algorithm = True      # else ~40 ms delayed-ACK stalls
    server_version = "stacml-fixture/1"

    def setup(self):
        super().setup()
        self.rfile.close()
        self.stamps = StampedReader(self.connection)
        self.rfile = io.BufferedReader(self.stamps)

    def arrival(self):
        """time.monotonic() when the request read last arrived."""
        mono, wall = time.monotonic(), time.time()
        if self.stamps.arrived is None:
            return mono
        return mono - max(0.0, wall - self.stamps.arrived)

    def do_GET(self):
        self.dispatch()

    do_POST = do_HEAD = do_GET

    def log_message(self, fmt, *args):
        pass  # the JSON request log replaces http.server's stderr lines

    def send_error(self, code, message=None, explain=None):
        """Errors raised by http.server itself (414, 400, 501): log them too."""
        path = getattr(self, "path", None)
        app = self.server.app
        app.log.write({"method": getattr(self, "command", None) or None,
                       "path": urlsplit(path).path if path else None, "query": {},
                       "body": None, "headers": {}, "status": code,
                       "t": time.monotonic()})
        super().send_error(code, message, explain)

    def dispatch(self):
        t = self.arrival()
        path = urlsplit(self.path).path
        app = self.server.app
        if path == "/__stats":
            reset = "reset=1" in urlsplit(self.path).query
            return self.send(json_response(app.stats.snapshot(reset)))
        app.log.arrived(self.command, path)
        self.counted = self.connection.getsockname()[0]
        app.stats.enter(path, self.counted)
        try:
            self.serve(app, t)
        finally:
            self.uncount(app)

    def uncount(self, app):
        """Leave the in-flight count before the answer goes out: once the
        client has the answer it may send its next request, and a handler
        still counted then would make a client that keeps to N in flight
        look like N + 1."""
        if self.counted:
            app.stats.leave(self.counted)
            self.counted = None

    def read_body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise ApiError(400, "chunked request bodies are not supported")
        if not length:
            return None, None
        if not length.isdigit() or int(length) > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, f"request body larger than {MAX_BODY} bytes")
        raw = self.rfile.read(int(length))
        try:
            return raw, json.loads(raw)
        except ValueError:
            return raw, None

    def base_url(self, app):
        host = self.headers.get("Host", "")
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?", host):
            host = f"127.0.0.1:{app.port}"
        # Behind a proxy that speaks TLS to the client (https.sh's nginx),
        # the links are the client's: https.
        proto = self.headers.get("X-Forwarded-Proto")
        return f"{'https' if proto == 'https' else 'http'}://{host}"

    def serve(self, app, t):
        body_err, body = None, None
        try:
            _, body = self.read_body()
        except ApiError as err:
            body_err = err
        headers = {h: self.headers[h] for h in LOGGED_HEADERS if h in self.headers}
        # A header sent twice is logged as the list of its values.
        logged = {h: (v if len(v) > 1 else v[0])
                  for h in headers for v in [self.headers.get_all(h)]}
        req = Request(self.command, self.path, headers, body)
        ctx = Ctx(app.opts, app.port, self.base_url(app), req.path)
        if app.opts.delay_ms:
            time.sleep(app.opts.delay_ms / 1000.0)
        idx, rule = app.faults.pick(req.method, req.path, req.query)
        rec = {"method": req.method, "path": req.path, "query": req.params,
               "body": body, "headers": logged, "status": None, "t": t,
               "host": self.headers.get_all("Host") or [],
               "conn": "%s:%d>%s" % (self.client_address[0], self.client_address[1],
                                     self.connection.getsockname()[0])}
        if idx is not None:
            rec["fault"] = idx
            if "_after" in rule:
                app.log.wait_for(rule["_after"], 30)
            if rule.get("delay_ms"):
                time.sleep(rule["delay_ms"] / 1000.0)
            if rule.get("reset"):
                rec["status"] = 0
                app.log.write(rec)
                self.uncount(app)
                return self.reset()
            if "raw" in rule:
                return self.send_raw(app, ctx, rec, rule["raw"])
        resp = self.answer(app, ctx, req, rule, body_err)
        rec["status"] = resp.status
        app.log.write(rec)
        self.uncount(app)
        self.send(resp, rule or {})

    def answer(self, app, ctx, req, rule, body_err):
        resp = app.faults.answer(ctx, rule) if rule else None
        if resp is None:
            try:
                if body_err is not None:
                    raise body_err
                resp = app.api.route(ctx, req)
            except ApiError as err:
                resp = error_response(err)
            except Exception as err:  # a bug here must not kill the test run
                print(f"stac-api.py: {req.method} {req.target}: {err!r}", file=sys.stderr)
                resp = error_response(ApiError(500, f"internal error: {err!r}"))
            if resp.status == 200 and req.method in ("GET", "HEAD"):
                if app.opts.etag:
                    resp.headers.setdefault(
                        "ETag", '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"')
                if not_modified(self.headers, resp):
                    resp = Response(304, b"", resp.ctype, {
                        k: v for k, v in resp.headers.items()
                        if k in ("ETag", "Last-Modified")})
        if rule:
            if "retry_after" in rule:
                resp.headers["Retry-After"] = http_date_subst(str(rule["retry_after"]))
            for k, v in (rule.get("headers") or {}).items():
                resp.headers[k] = substitute(str(v), ctx.port, ctx.base)
        return resp

    def send(self, resp, rule=None):
        rule = rule or {}
        try:
            self.send_response(resp.status)
            if resp.status != 304:  # a 304 has neither type nor length
                self.send_header("Content-Type", resp.ctype)
                self.send_header("Content-Length", str(len(resp.body)))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "HEAD" or resp.status == 304:
                return
            cut = rule.get("truncate", rule.get("stall_after_bytes"))
            self.wfile.write(resp.body if cut is None else resp.body[:cut])
            if "truncate" in rule:
                self.close_connection = True
            elif "stall_after_bytes" in rule:
                self.stall()
            elif "junk_after" in rule:
                time.sleep(0.2)
                self.wfile.write(rule["junk_after"].encode())
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def send_raw(self, app, ctx, rec, text):
        """The "raw" fault: TEXT as the whole reply, then close."""
        data = substitute(text, ctx.port, ctx.base).encode("utf-8", "surrogatepass")
        m = re.match(rb"HTTP/[0-9.]+ ([0-9]{3})", data)
        rec["status"] = int(m.group(1)) if m else 0
        app.log.write(rec)
        self.uncount(app)
        self.close_connection = True
        try:
            self.wfile.write(data)
        except (ConnectionError, TimeoutError):
            pass

    def stall(self):
        """Hold the connection open, sending nothing, until the client closes
        it or the server stops; whatever the client sends is discarded."""
        self.close_connection = True
        sock = self.connection
        while not self.server.stopping:
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                try:
                    if not sock.recv(65536):
                        return
                except OSError:
                    return

    def reset(self):
        """Abort the connection: SO_LINGER 0 makes close() send a TCP RST."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()


class FixtureServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # concurrency tests open many connections at once
    stopping = False

    def server_bind(self):
        # Inherited by the connections accepted: see StampedReader.
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass
        super().server_bind()

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class App:
    def __init__(self, opts, world, faults, port):
        self.opts, self.port, self.faults = opts, port, faults
        self.api = Api(opts, world, port)
        self.stats = Stats()
        self.log = RequestLog(opts.log, opts.verbose, opts.arrivals)


# ------------------------------------------------------------------ main

def parse_args(argv):
    ap = argparse.ArgumentParser(description="STAC API fixture server (see the "
                                             "module docstring)")
    ap.add_argument("--world")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--arrivals")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--conformance-version", default="v1.0.0")
    ap.add_argument("--no-filter", dest="filter", action="store_false")
    ap.add_argument("--ignore-filter", action="store_true")
    ap.add_argument("--cql2", choices=("text", "json", "both"), default="both")
    ap.add_argument("--queryables", choices=sorted(QUERYABLE_SETS), default="both")
    ap.add_argument("--search-paging", choices=PAGING, default="get-token")
    ap.add_argument("--break", dest="brk", choices=BREAKS)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--faults")
    ap.add_argument("--static")
    ap.add_argument("--robots")
    ap.add_argument("--no-etag", dest="etag", action="store_false")
    ap.add_argument("--child", action="append", default=[])
    ap.add_argument("--item", action="append", default=[])
    ap.add_argument("--child-collections", action="store_true")
    ap.add_argument("--no-queryables-link", dest="queryables_link",
                    action="store_false",
                    help="leave the landing page's queryables link out")
    ap.add_argument("--no-data-link", dest="data_link", action="store_false",
                    help="leave the landing page's data link out")
    ap.add_argument("--no-conformance", dest="conformance", action="store_false",
                    help="no conformsTo and no conformance link on the landing page")
    ap.add_argument("--search-only", action="store_true",
                    help="an API of core and item search alone: no data "
                         "link, no Collections or Features class, "
                         "/collections* answer 404")
    ap.add_argument("--search-post-only", action="store_true",
                    help="only a POST search link; GET /search answers 405")
    ap.add_argument("--collections-page", type=int, default=10)
    ap.add_argument("--max-limit", type=int, default=10000)
    ap.add_argument("--next-headers", type=json.loads, default=None,
                    help="JSON object of headers added to every next link")
    opts = ap.parse_args(argv)
    if not re.fullmatch(r"v[0-9][0-9A-Za-z.\-]*", opts.conformance_version):
        ap.error("--conformance-version must look like v1.0.0 or v1.0.0-rc.2")
    if opts.collections_page < 1 or opts.max_limit < 1 or opts.delay_ms < 0:
        ap.error("page sizes must be >= 1 and --delay-ms >= 0")
    if opts.search_post_only and opts.search_paging == "get-token":
        ap.error("--search-post-only needs a post-* --search-paging")
    if opts.static:
        opts.static = os.path.realpath(opts.static)
    return opts


def write_port_file(path, port):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)  # atomic: readers see no file or the whole file


def on_signal(signum, frame):
    # A second signal (e.g. kill + kill) must not interrupt the clean exit.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)  # unwinds serve_forever() in the main thread


def main(argv=None):
    opts = parse_args(argv)
    try:
        world = World.load(opts.world) if opts.world else None
        faults = Faults.load(opts.faults)
    except (OSError, ValueError, re.error) as err:
        print(f"stac-api.py: {err}", file=sys.stderr)
        return 2
    server = FixtureServer((opts.host, opts.port), Handler)
    port = server.server_address[1]
    server.app = App(opts, world, faults, port)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if opts.port_file:
        write_port_file(opts.port_file, port)
    try:
        server.serve_forever(poll_interval=0.1)
    except SystemExit:
        pass
    finally:
        server.stopping = True
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
