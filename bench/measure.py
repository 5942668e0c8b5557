#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run one command of the stacml benchmark and append what it cost to a
JSON-lines file: wall seconds, user and system CPU seconds and peak RSS of
the command, measured by the small C helper runstat (--runstat; see
runstat.c for why not from Python), its exit status, the CPU seconds of the
server process RUNSTAT_SERVER_PID meanwhile and the share of the machine's
cores that was busy, and optional extras:

  --stdout-json     the child's standard output is one JSON object: keep it
                    under "result" (the fetch-ceiling summary)
  --count-lines     count the lines of the child's standard output
  --curl-writeout   the child is curl with -w '%{http_code} %{size_download}\n':
                    keep under "result" the documents it got (status 200),
                    their bytes on the wire and how many failed, as
                    fetch-ceiling does
  --stats DB        afterwards run STACML --db DB stats --format json and
                    keep its last_harvest and record count (needs --stacml)
  --du DIR          afterwards record the disk space DIR takes
  --stderr-tail     keep the last lines of standard error

Usage: measure.py --runstat PATH --out RUNS.jsonl --phase NAME [--rep N]
                  [--set K=V ...] [options] -- COMMAND [ARGS...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile


def curl_result(data):
    """What curl's "%{http_code} %{size_download}" lines add up to."""
    docs = failed = size = 0
    for line in data.decode("ascii", "replace").splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "200" and f[1].isdigit():
            docs += 1
            size += int(f[1])
        else:
            failed += 1
    # size_download counts the body as received, before decoding
    return {"documents": docs, "wire_bytes": size, "failed": failed}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runstat", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--phase", required=True)
    p.add_argument("--rep", type=int, default=1)
    p.add_argument("--set", action="append", default=[],
                   help="extra K=V fields (V parsed as JSON when it can be)")
    p.add_argument("--stdout", help="write the child's stdout here")
    p.add_argument("--stdout-json", action="store_true")
    p.add_argument("--count-lines", action="store_true")
    p.add_argument("--curl-writeout", action="store_true")
    p.add_argument("--stats")
    p.add_argument("--stacml")
    p.add_argument("--du", help="afterwards record the allocated size of DIR")
    p.add_argument("--stderr-tail", type=int, default=5)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        p.error("no command")

    keep_out = a.stdout_json or a.count_lines or a.curl_writeout or a.stdout
    out_f = None
    if a.stdout:
        out_f = open(a.stdout, "wb+")
    elif keep_out:
        out_f = tempfile.TemporaryFile()
    err_f = tempfile.TemporaryFile()
    fd, stat_path = tempfile.mkstemp(prefix="runstat.")
    os.close(fd)
    try:
        subprocess.run([a.runstat, stat_path] + cmd, stdin=subprocess.DEVNULL,
                       stdout=out_f if out_f else subprocess.DEVNULL,
                       stderr=err_f, check=False)
        with open(stat_path) as f:
            fields = f.read().split()
    finally:
        os.unlink(stat_path)
    if len(fields) < 5:
        sys.stderr.write("measure: %s: no figures from runstat\n" % cmd[0])
        return 1
    wall, user, sys_s = (float(x) for x in fields[:3])
    maxrss, code = int(fields[3]), int(fields[4])

    rec = {"phase": a.phase, "rep": a.rep, "wall": round(wall, 6),
           "user": round(user, 4), "sys": round(sys_s, 4),
           "cpu": round(user + sys_s, 4), "maxrss_kb": maxrss, "exit": code}
    if len(fields) >= 7:
        # sampled peaks: heap/stack vs mapped files (the LMDB map)
        rec["rss_anon_kb"], rec["rss_file_kb"] = int(fields[5]), int(fields[6])
    if len(fields) >= 9:
        # the server's CPU seconds meanwhile, and the machine's busy share
        server_cpu, busy = float(fields[7]), float(fields[8])
        if server_cpu >= 0:
            rec["server_cpu"] = round(server_cpu, 3)
        if busy >= 0:
            rec["machine_busy"] = round(busy, 4)
    for kv in a.set:
        k, _, v = kv.partition("=")
        try:
            rec[k] = json.loads(v)
        except ValueError:
            rec[k] = v
    if out_f:
        out_f.seek(0)
        data = out_f.read()
        if a.stdout_json:
            try:
                rec["result"] = json.loads(data.decode() or "null")
            except ValueError:
                rec["result"] = None
        if a.count_lines:
            rec["lines"] = data.count(b"\n")
        if a.curl_writeout:
            rec["result"] = curl_result(data)
        out_f.close()
    err_f.seek(0)
    err = err_f.read().decode("utf-8", "replace").splitlines()
    if a.stderr_tail and err:
        rec["stderr"] = err[-a.stderr_tail:]
    if a.stats:
        try:
            st = json.loads(subprocess.run(
                [a.stacml, "--db", a.stats, "stats", "--format", "json"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                check=False).stdout or b"null")
            lh = (st or {}).get("last_harvest") or {}
            lh.pop("failures", None)
            lh.pop("seeds", None)
            rec["harvest"] = lh
            rec["records"] = (st or {}).get("records")
        except (OSError, ValueError) as e:
            rec["stats_error"] = str(e)
    if a.du:
        total = 0
        for root, _, names in os.walk(a.du):
            for n in names:
                try:
                    total += os.stat(os.path.join(root, n)).st_blocks * 512
                except OSError:
                    pass
        rec["index_bytes"] = total
    with open(a.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    sys.stderr.write("  %-20s #%d  %8.3f s  cpu %7.2f s  rss %6.1f MB  exit %d\n"
                     % (a.phase, a.rep, wall, rec["cpu"], maxrss / 1024.0,
                        code))
    return 0


if __name__ == "__main__":
    sys.exit(main())
