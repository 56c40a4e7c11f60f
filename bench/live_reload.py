#!/usr/bin/env python3
"""Live-edit latency of `brief serve`: from saving a briefing to (a) its page
updated in the output folder and (b) the reload message sent to open pages.

Generates a site of N briefings with bench/corpus.py (realistic claims,
sources and a ~1,000-word body with a code block), starts the release
binary's `brief serve` on a free port, listens on its event stream like an
open page does, then edits one briefing at a time and times each edit. Each
edit waits for the whole rebuild to finish before the next.

Two kinds of edit are measured:
  body     a sentence added to the analysis: only the briefing's page changes
  verdict  a claim's verdict changed: the briefing, the index, its speaker's
           and the verdict pages change (the reload for the briefing's page
           is sent before the index pages are rendered)

Usage: python3 bench/live_reload.py [--n 1000] [--edits 20] [--keep DIR]
                                    [--baseline BIN] [--rounds R]
With --baseline, another brief binary (an older commit's release build) is
measured the same way in turn with this one, R rounds of each, on fresh
copies of the same site, so the two are compared within one run.
Needs: cargo, python3. Prints medians and quartiles in milliseconds.
"""
import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time

import common
from common import BRIEF


class Server:
    """`brief serve` with its stdout lines and event stream read on threads."""

    def __init__(self, root, binary=BRIEF):
        self.proc = subprocess.Popen([binary, "serve", "--root", root, "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        deadline = time.monotonic() + 600
        self.port = None
        while self.port is None:
            line = self.lines.get(timeout=max(1, deadline - time.monotonic()))[1]
            m = re.search(r"Serving the site at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
        self.events = queue.Queue()
        threading.Thread(target=self._read_events, daemon=True).start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line))

    def _read_events(self):
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(b"GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        buf = b""
        event = None
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return
            now = time.perf_counter()
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "built":
                    self.events.put((now, json.loads(line[6:])))

    def wait_rebuilt(self, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            _, line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith("Rebuilt in"):
                return int(re.search(r"Rebuilt in (\d+) ms", line).group(1))
            if "did not build" in line:
                raise RuntimeError("an edit did not build")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def drain(q):
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return


def watch_file(path, needle, result):
    """Polls the output page until it holds `needle`; records when."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if needle in f.read():
                    result.append(time.perf_counter())
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.001)


RUN = f"{os.getpid()}-{int(time.time())}"


def edit_body(text, i):
    marker = f"Benchmark edit {RUN}-{i}."
    return text.rstrip("\n") + f"\n\n{marker}\n", marker.encode()


VERDICTS = ["true", "mostly-true", "misleading", "false", "unverified"]


def edit_verdict(text, i):
    current = re.search(r"\n    verdict: ([a-z-]+)", text).group(1)
    new = next(v for v in VERDICTS[i % len(VERDICTS):] + VERDICTS if v != current)
    text = re.sub(r"(\n    verdict: )[a-z-]+", lambda m: m.group(1) + new, text, count=1)
    return text, None


def measure(server, root, kind, edits):
    briefings = sorted(os.listdir(os.path.join(root, "content", "briefings")))[:5]
    to_file, to_event, server_ms = [], [], []
    for i in range(edits):
        name = briefings[i % len(briefings)]
        slug = name[:-3]
        src = os.path.join(root, "content", "briefings", name)
        page = os.path.join(root, "public", "briefings", slug, "index.html")
        url = f"/briefings/{slug}/"
        with open(src, encoding="utf-8") as f:
            original = f.read()
        text, needle = (edit_body if kind == "body" else edit_verdict)(original, i)
        if needle is None:
            needle = b'class="verdict'  # any write of the page counts
        drain(server.events)
        seen = []
        poller = None
        if kind == "body":
            poller = threading.Thread(target=watch_file, args=(page, needle, seen))
            poller.start()
        mtime_before = os.stat(page).st_mtime_ns
        start = time.perf_counter()
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        # (b) the first event naming the page
        deadline = time.monotonic() + 60
        event_at = None
        while event_at is None and time.monotonic() < deadline:
            try:
                at, change = server.events.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if url in change.get("pages", []):
                event_at = at
        if event_at is None:
            raise RuntimeError(f"{kind} edit {i}: no reload event for {url}")
        server_ms.append(server.wait_rebuilt())
        if poller:
            poller.join()
            file_at = seen[0] if seen else None
        else:
            file_at = None
            if os.stat(page).st_mtime_ns != mtime_before:
                file_at = event_at  # written before the event was sent
        if event_at is None:
            raise RuntimeError(f"no reload event for {url}")
        to_event.append((event_at - start) * 1000)
        if file_at is not None:
            to_file.append((file_at - start) * 1000)
        time.sleep(0.05)
    return to_file, to_event, server_ms


def summary(label, values):
    if not values:
        return f"{label:<34} n/a"
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (f"{label:<34} median {statistics.median(values):7.1f} ms"
            f"   (quartiles {q[0]:.1f}–{q[2]:.1f}, n={len(values)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="briefings in the generated site")
    parser.add_argument("--edits", type=int, default=20, help="edits per kind (at least 20)")
    parser.add_argument("--keep", help="generate the site here and keep it")
    parser.add_argument("--baseline", help="another brief binary to measure in turn with this one")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each binary (with --baseline)")
    args = parser.parse_args()

    common.build_release()
    binaries = [("this build", BRIEF)]
    if args.baseline:
        binaries.append(("baseline " + args.baseline, os.path.abspath(args.baseline)))
    root = args.keep or tempfile.mkdtemp(prefix="brief-bench-")
    try:
        common.generate(root, args.n)
        for round_ in range(args.rounds if args.baseline else 1):
            for label, binary in binaries:
                if args.baseline:
                    print(f"\n== round {round_ + 1}, {label}")
                # Each binary starts from the generated site, not from
                # the other's edits and output.
                site = tempfile.mkdtemp(prefix="brief-live-")
                try:
                    shutil.copytree(root, site, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("public"))
                    run_server(site, binary, args)
                finally:
                    shutil.rmtree(site, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def run_server(root, binary, args):
    t = time.perf_counter()
    server = Server(root, binary)
    print(f"brief serve, {args.n} briefings: first build and start {time.perf_counter() - t:.1f} s")
    try:
        for kind in ("body", "verdict"):
            to_file, to_event, server_ms = measure(server, root, kind, args.edits)
            print(f"\n{kind} edits ({args.edits}):")
            if kind == "body":
                print(summary("(a) save -> page updated on disk", to_file))
            print(summary("(b) save -> reload message sent", to_event))
            print(summary("    whole rebuild (server's own)", server_ms))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
