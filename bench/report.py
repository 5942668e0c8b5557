#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarise one run of the stacml benchmark: read the raw runs (JSON lines
written by measure.py) and the run's context, compute medians, ratios and
the figures of the targets, print a table and write one JSON file.

Usage: report.py --runs RUNS.jsonl --context CONTEXT.json --out RESULT.json
"""

import argparse
import json
import statistics
import sys

MB = 1e6

# The targets of the benchmark issue.
RATIO_MAX = 1.25          # harvest wall / ceiling wall
RSS_MAX_MB = 64           # peak RSS of a harvest of 100k items
SEARCH_MAX_MS = 20        # a filtered search over 100,000 model records
EXPORT_MIN_RPS = 100_000  # export, records per second
LATENCY_MIN_FRACTION = 0.90  # of connections / latency


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rnd(x, n=3):
    return None if x is None else round(x, n)


def docs_of(r):
    """Documents fetched by a run (fetcher result or harvest stats)."""
    if "result" in r and r["result"]:
        return r["result"].get("documents")
    if "harvest" in r and r["harvest"]:
        return r["harvest"].get("fetched")
    return None


def bytes_of(r):
    if "result" in r and r["result"]:
        return r["result"].get("bytes")
    if "harvest" in r and r["harvest"]:
        return r["harvest"].get("bytes")
    return None


def fetch_summary(runs):
    """Medians of a fetching phase (ceiling or harvest)."""
    if not runs:
        return None
    walls = [r["wall"] for r in runs]
    docs = median([docs_of(r) for r in runs])
    byts = median([bytes_of(r) for r in runs])
    wall = median(walls)
    cpu = median([r["cpu"] for r in runs])
    s = {
        "reps": len(runs),
        "wall_s": rnd(wall),
        "wall_s_all": [rnd(w) for w in walls],
        "documents": docs,
        "bytes": byts,
        "docs_per_s": rnd(docs / wall, 1) if docs and wall else None,
        "mb_per_s": rnd(byts / MB / wall, 2) if byts and wall else None,
        "cpu_s": rnd(cpu),
        "cpu_s_per_1000_docs": rnd(cpu / docs * 1000, 4) if docs else None,
        "peak_rss_mb": rnd(max(r["maxrss_kb"] for r in runs) / 1024, 1),
        "median_rss_mb": rnd(median([r["maxrss_kb"] for r in runs]) / 1024, 1),
        # sampled every 5 ms by runstat: heap/stack vs mapped files (LMDB)
        "peak_rss_anon_mb": rnd(max(r.get("rss_anon_kb", 0) for r in runs)
                                / 1024, 1),
        "peak_rss_file_mb": rnd(max(r.get("rss_file_kb", 0) for r in runs)
                                / 1024, 1),
        "exit_statuses": sorted({r["exit"] for r in runs}),
        # the server's CPU seconds during the run and the share of all
        # cores that was busy: a slow client, a busy server, idle cores
        "server_cpu_s": rnd(median([r.get("server_cpu") for r in runs])),
        "machine_busy": rnd(median([r.get("machine_busy") for r in runs])),
    }
    wires = [r["result"].get("wire_bytes") for r in runs
             if r.get("result")]
    if wires and wall:
        s["wire_mb_per_s"] = rnd(median(wires) / MB / wall, 2)
    idx = [r["index_bytes"] for r in runs if r.get("index_bytes")]
    if idx:
        s["index_mb"] = rnd(median(idx) / MB, 1)
    recs = [r.get("records") for r in runs if r.get("records") is not None]
    if recs:
        s["records"] = median(recs)
    failed = [r["harvest"].get("failed") for r in runs if r.get("harvest")]
    failed += [r["result"].get("failed") for r in runs if r.get("result")]
    if failed:
        s["failed_max"] = max(f or 0 for f in failed)
    return s


def query_summary(runs, records=None):
    if not runs:
        return None
    wall = median([r["wall"] for r in runs])
    s = {"reps": len(runs), "median_ms": rnd(wall * 1000, 2),
         "all_ms": [rnd(r["wall"] * 1000, 2) for r in runs],
         "cpu_ms": rnd(median([r["cpu"] for r in runs]) * 1000, 1),
         "peak_rss_mb": rnd(max(r["maxrss_kb"] for r in runs) / 1024, 1),
         "peak_rss_anon_mb": rnd(max(r.get("rss_anon_kb", 0) for r in runs)
                                 / 1024, 1),
         "exit_statuses": sorted({r["exit"] for r in runs})}
    lines = [r.get("lines") for r in runs if r.get("lines") is not None]
    if lines:
        s["results"] = median(lines)
    if records:
        s["records"] = records
        s["records_per_s"] = rnd(records / wall, 0) if wall else None
    return s


def paired(ph, ceiling):
    """Each harvest's wall time over that of the same rep of ceiling."""
    cw = {r["rep"]: r["wall"] for r in ph.get(ceiling) or []}
    return [r["wall"] / cw[r["rep"]] for r in ph.get("harvest") or []
            if cw.get(r["rep"])]


def by_phase(runs):
    out = {}
    for r in runs:
        out.setdefault(r["phase"], []).append(r)
    return out


def fmt(x, spec="%.3f", none="-"):
    return none if x is None else spec % x


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", required=True)
    p.add_argument("--context", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(a.context) as f:
        ctx = json.load(f)
    runs = []
    with open(a.runs) as f:
        for line in f:
            if line.strip():
                runs.append(json.loads(line))
    ph = by_phase(runs)
    params = ctx.get("params", {})
    summary = {}
    expected_docs = (ctx.get("catalog") or {}).get("documents")

    ceil = fetch_summary(ph.get("ceiling"))
    ceil_curl = fetch_summary(ph.get("ceiling-curl"))
    harv = fetch_summary(ph.get("harvest"))
    reh = fetch_summary(ph.get("reharvest"))
    summary["ceiling"] = ceil
    summary["ceiling_curl"] = ceil_curl
    summary["harvest"] = harv
    summary["reharvest"] = reh
    notes = []
    for name, s in (("harvest", harv), ("reharvest", reh)):
        if s and ceil and ceil["wall_s"]:
            s["ratio_to_ceiling"] = rnd(s["wall_s"] / ceil["wall_s"])
            s["cpu_ratio_to_ceiling"] = rnd(s["cpu_s"] / ceil["cpu_s"], 2) \
                if ceil["cpu_s"] else None
            if s["server_cpu_s"] and ceil["server_cpu_s"]:
                s["server_cpu_ratio_to_ceiling"] = rnd(
                    s["server_cpu_s"] / ceil["server_cpu_s"], 2)
        if s and ceil_curl and ceil_curl["wall_s"]:
            s["ratio_to_curl_ceiling"] = rnd(s["wall_s"] / ceil_curl["wall_s"])
        if s and expected_docs and s["documents"] != expected_docs:
            notes.append("%s fetched %s documents, the catalog has %s"
                         % (name, s["documents"], expected_docs))
    # Paired ratios: harvest rep i against ceiling rep i, run back to back.
    pairs = paired(ph, "ceiling")
    if pairs and harv:
        harv["ratio_paired"] = [rnd(x) for x in pairs]
        harv["ratio_paired_median"] = rnd(median(pairs))
    pairs = paired(ph, "ceiling-curl")
    if pairs and harv:
        harv["ratio_paired_curl"] = [rnd(x) for x in pairs]
    for name, s in (("ceiling", ceil), ("curl --parallel", ceil_curl)):
        if s and expected_docs and s["documents"] != expected_docs:
            notes.append("%s fetched %s documents, the catalog has %s"
                         % (name, s["documents"], expected_docs))

    for r in runs:
        if r.get("exit"):
            why = " (killed by signal %d)" % (r["exit"] - 128) \
                if r["exit"] > 128 else ""
            tail = "; ".join(r.get("stderr") or [])
            notes.append("%s #%d exited with status %d%s%s"
                         % (r["phase"], r["rep"], r["exit"], why,
                            ": " + tail if tail else ""))

    recs_main = harv.get("records") if harv else None
    summary["search_task"] = query_summary(ph.get("search-task"))
    summary["search_arch"] = query_summary(ph.get("search-arch"))
    summary["export"] = query_summary(ph.get("export"), recs_main)

    mh = fetch_summary(ph.get("models-harvest"))
    recs_models = mh.get("records") if mh else None
    summary["models"] = None
    if mh:
        summary["models"] = {
            "harvest": mh,
            "search_task": query_summary(ph.get("models-search-task")),
            "search_arch": query_summary(ph.get("models-search-arch")),
            "search_task_arch_fw": query_summary(ph.get("models-search-3")),
            "export": query_summary(ph.get("models-export"), recs_models),
        }

    lat = []
    delay = params.get("latency_ms") or 0
    for r in runs:
        if r["phase"] not in ("latency-ceiling", "latency-harvest"):
            continue
        d = docs_of(r)
        ph_host = r.get("per_host")
        theo = ph_host * 1000.0 / delay if delay and ph_host else None
        dps = d / r["wall"] if d and r["wall"] else None
        lat.append({"what": r["phase"].split("-", 1)[1], "per_host": ph_host,
                    "rep": r["rep"], "documents": d, "wall_s": rnd(r["wall"]),
                    "docs_per_s": rnd(dps, 1), "theoretical_docs_per_s": theo,
                    "fraction_of_theoretical": rnd(dps / theo) if dps and theo
                    else None, "exit": r["exit"]})
    summary["latency"] = {"delay_ms": delay, "runs": lat} if lat else None

    # Targets.
    targets = []

    def target(name, value, limit, ok, unit=""):
        targets.append({"target": name, "value": value, "limit": limit,
                        "unit": unit,
                        "pass": None if value is None else bool(ok(value))})

    if harv and ceil:
        target("harvest time / ceiling time", harv.get("ratio_to_ceiling"),
               RATIO_MAX, lambda v: v <= RATIO_MAX)
    if harv and ceil_curl:
        target("harvest time / curl --parallel time",
               harv.get("ratio_to_curl_ceiling"), RATIO_MAX,
               lambda v: v <= RATIO_MAX)
    if harv:
        target("peak RSS of a harvest of %d items" % params.get("items", 0),
               harv["peak_rss_mb"], RSS_MAX_MB, lambda v: v <= RSS_MAX_MB, "MB")
    m = summary["models"]
    if m:
        n = recs_models or 0
        for key, label in (("search_task", "--task"), ("search_arch",
                                                       "--architecture"),
                           ("search_task_arch_fw", "--task --architecture "
                                                   "--framework")):
            if m.get(key):
                target("search %s over %d model records" % (label, n),
                       m[key]["median_ms"], SEARCH_MAX_MS,
                       lambda v: v < SEARCH_MAX_MS, "ms")
        if m.get("export"):
            target("export of %d model records" % n,
                   m["export"].get("records_per_s"), EXPORT_MIN_RPS,
                   lambda v: v >= EXPORT_MIN_RPS, "records/s")
    if lat:
        want = params.get("per_host")
        for x in lat:
            if x["what"] == "harvest" and x["per_host"] == want:
                target("harvest at %g ms latency, %d per host: fraction of %g "
                       "docs/s" % (delay, want, x["theoretical_docs_per_s"]),
                       x["fraction_of_theoretical"], LATENCY_MIN_FRACTION,
                       lambda v: v >= LATENCY_MIN_FRACTION)

    result = dict(ctx)
    result["summary"] = summary
    result["targets"] = targets
    result["notes"] = notes
    result["runs"] = runs
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    # ------------------------------------------------------------ table
    w = sys.stdout.write
    mach = ctx.get("machine", {})
    w("\nstacml benchmark: %s items, depth %s, fan-out %s, concurrency %s, "
      "per host %s, %s rep(s)\n" % (params.get("items"), params.get("depth"),
                                    params.get("fanout"),
                                    params.get("concurrency"),
                                    params.get("per_host"),
                                    params.get("repeat")))
    w("machine: %s, %s cores, %s\n" % (mach.get("cpu"), mach.get("nproc"),
                                        ctx.get("versions", {}).get("stacml")))
    w("\n%-22s %8s %7s %7s %6s %9s %7s %7s %7s %6s %7s\n" % (
        "phase (medians)", "wall s", "docs", "docs/s", "MB/s", "cpu s/1k",
        "RSS MB", "anon MB", "index MB", "ratio", "/curl"))
    rows = [("ceiling (curl multi)", ceil), ("curl --parallel", ceil_curl),
            ("harvest (fresh index)", harv), ("reharvest (unchanged)", reh)]
    if m:
        rows.append(("harvest, models only", m["harvest"]))
    for label, s in rows:
        if not s:
            continue
        w("%-22s %8s %7s %7s %6s %9s %7s %7s %7s %6s %7s\n" % (
            label, fmt(s["wall_s"], "%.2f"), fmt(s["documents"], "%d"),
            fmt(s["docs_per_s"], "%.0f"), fmt(s["mb_per_s"], "%.1f"),
            fmt(s["cpu_s_per_1000_docs"], "%.4f"), fmt(s["peak_rss_mb"], "%.1f"),
            fmt(s["peak_rss_anon_mb"], "%.1f"), fmt(s.get("index_mb"), "%.1f"),
            fmt(s.get("ratio_to_ceiling"), "%.2f"),
            fmt(s.get("ratio_to_curl_ceiling"), "%.2f")))
    w("\n%-22s %8s %12s %12s\n" % ("where the time went", "cpu s",
                                     "server cpu s", "cores busy"))
    for label, s in rows:
        if s:
            w("%-22s %8s %12s %12s\n" % (
                label, fmt(s["cpu_s"], "%.2f"), fmt(s["server_cpu_s"], "%.2f"),
                fmt(s["machine_busy"] and 100 * s["machine_busy"], "%.0f%%")))
    w("\n%-44s %9s %9s %9s %12s\n" % ("query (medians)", "ms", "cpu ms",
                                        "results", "records/s"))
    qrows = [("search --task (main index)", summary["search_task"]),
             ("search --architecture (main index)", summary["search_arch"]),
             ("export (main index)", summary["export"])]
    if m:
        qrows += [("search --task (%s models)" % recs_models, m["search_task"]),
                  ("search --architecture (%s models)" % recs_models,
                   m["search_arch"]),
                  ("search 3 filters (%s models)" % recs_models,
                   m["search_task_arch_fw"]),
                  ("export (%s models)" % recs_models, m["export"])]
    for label, s in qrows:
        if not s:
            continue
        w("%-44s %9s %9s %9s %12s\n" % (label, fmt(s["median_ms"], "%.2f"),
                                        fmt(s["cpu_ms"], "%.1f"),
                                        fmt(s.get("results"), "%d"),
                                    fmt(s.get("records_per_s"), "%.0f")))
    if lat:
        w("\nlatency mode: %g ms per response\n" % delay)
        w("%-10s %9s %9s %9s %11s %9s\n" % ("what", "per host", "docs",
                                           "docs/s", "theoretical", "fraction"))
        for x in lat:
            w("%-10s %9s %9s %9s %11s %9s\n" % (
                x["what"], x["per_host"], fmt(x["documents"], "%d"),
                fmt(x["docs_per_s"], "%.1f"),
                fmt(x["theoretical_docs_per_s"], "%.0f"),
                fmt(x["fraction_of_theoretical"], "%.2f")))
    w("\ntargets:\n")
    for t in targets:
        mark = {True: "pass", False: "FAIL", None: "n/a"}[t["pass"]]
        w("  %-4s  %-62s %s (limit %s%s)\n" % (
            mark, t["target"], fmt(t["value"], "%g"), t["limit"],
            " " + t["unit"] if t["unit"] else ""))
    for n in notes:
        w("note: %s\n" % n)
    w("\nwritten: %s\n" % a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
