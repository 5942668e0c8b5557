#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A static HTTP/1.1 server with a fixed per-response delay, for the latency
mode of the stacml benchmark.

Serves DIR on 127.0.0.1 with keep-alive, gzip for JSON (when the client
accepts it), ETag / If-None-Match, and waits DELAY ms before each response,
so one connection carries at most 1000/DELAY responses a second and a
client with K connections at most K*1000/DELAY. One asyncio process: every
connection is a coroutine, no thread per connection. TCP_NODELAY is set so
small responses are not held back by Nagle's algorithm.

Usage: delay-server.py --root DIR --delay-ms N [--port P] [--port-file F]
Binds 127.0.0.1 only. With --port 0 (the default) the kernel picks the
port, which is written to --port-file (and to standard output).
"""

import argparse
import asyncio
import gzip
import os
import signal
import socket
import sys
import urllib.parse
from collections import OrderedDict

TYPES = {".json": "application/json", ".geojson": "application/geo+json",
         ".txt": "text/plain"}
CACHE_MAX = 50000


class Files:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.cache = OrderedDict()

    def get(self, path):
        """(body, gzipped body or None, type, etag) or None."""
        hit = self.cache.get(path)
        if hit is not None:
            self.cache.move_to_end(path)
            return hit
        full = os.path.realpath(os.path.join(self.root, path.lstrip("/")))
        if full != self.root and not full.startswith(self.root + os.sep):
            return None
        if os.path.isdir(full):
            return None
        try:
            with open(full, "rb") as f:
                st = os.fstat(f.fileno())
                body = f.read()
        except OSError:
            return None
        ext = os.path.splitext(full)[1]
        ctype = TYPES.get(ext, "application/octet-stream")
        gz = None
        if ctype.startswith("application/") and ext in (".json", ".geojson") \
                and len(body) >= 64:
            gz = gzip.compress(body, compresslevel=1, mtime=0)
        etag = '"%x-%x"' % (int(st.st_mtime), st.st_size)
        hit = (body, gz, ctype, etag)
        self.cache[path] = hit
        if len(self.cache) > CACHE_MAX:
            self.cache.popitem(last=False)
        return hit


async def handle(reader, writer, files, delay):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3:
                return
            method, target, version = parts
            hdrs = {}
            for line in lines[1:]:
                k, sep, v = line.partition(":")
                if sep:
                    hdrs[k.strip().lower()] = v.strip()
            length = int(hdrs.get("content-length", "0") or 0)
            if length:
                await reader.readexactly(length)
            keep = version == "HTTP/1.1" and \
                hdrs.get("connection", "").lower() != "close"
            path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
            hit = files.get(path) if method in ("GET", "HEAD") else None
            extra = ""
            if hit is None:
                status, body, ctype = "404 Not Found", b"not found\n", "text/plain"
            else:
                body, gz, ctype, etag = hit
                extra = "ETag: %s\r\n" % etag
                if gz is not None:
                    extra += "Vary: Accept-Encoding\r\n"
                if hdrs.get("if-none-match") == etag:
                    status, body = "304 Not Modified", b""
                else:
                    status = "200 OK"
                    if gz is not None and "gzip" in hdrs.get("accept-encoding", ""):
                        body = gz
                        extra += "Content-Encoding: gzip\r\n"
            if delay > 0:
                await asyncio.sleep(delay)
            out = ("HTTP/1.1 %s\r\nServer: stacml-bench-delay\r\n"
                   "Content-Type: %s\r\nContent-Length: %d\r\n%s"
                   "Connection: %s\r\n\r\n"
                   % (status, ctype, len(body), extra,
                      "keep-alive" if keep else "close")).encode("latin-1")
            writer.write(out if method == "HEAD" or status.startswith("304")
                         else out + body)
            await writer.drain()
            if not keep:
                return
    except ConnectionError:
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main_async(a):
    files = Files(a.root)
    delay = a.delay_ms / 1000.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, files, delay), "127.0.0.1", a.port,
        backlog=1024, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    print(port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    # Do not wait for idle keep-alive connections: asyncio.run() cancels
    # their handlers.
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", required=True)
    p.add_argument("--delay-ms", type=float, default=50)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    a = p.parse_args()
    asyncio.run(main_async(a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
