#!/usr/bin/env python3
"""Where one `brief build` spends its CPU time, and what its heap holds at
its peak, by brief's own functions.

  python3 bench/profile.py time --n 10000
  python3 bench/profile.py heap --n 1000

`time` samples the build with `perf record -e cpu-clock`: a software clock,
so it works on a machine without hardware counters, as this one is. It
counts time, not instructions, and the two rank things differently: at
10,000 briefings syntect's highlighting was 6.6% of the CPU time (8.9% of
the instructions at 1,000), and the kernel, writing the site, a sixth to a
quarter of it. It prints the inclusive share of the parts of a build
(stage by stage, overlapping where one is inside another), the kernel's
and the allocator's share, and the functions that take the most time
themselves. Needs `perf` (Debian: linux-perf).

`heap` runs the build under `valgrind --tool=dhat` and prints, at the
moment the heap was largest, its bytes and blocks by the first of brief's
functions in each allocation's stack (its allocation site in brief). It
builds brief without LTO and with the system allocator (into
target/profile-heap), which valgrind sees into; that build takes a few
minutes the first time. Under valgrind the build runs on one thread and
some fifty times slower: 1,000 briefings take about two minutes, 10,000
about twenty. Needs valgrind.

The output goes to /dev/shm when there is one, so the disk's swings do not
show; the corpus is made with bench/corpus.py (kept in --corpus DIR).
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import common

# The parts of a build, by the function that does each: (label, a pattern
# of the names perf gives it, inlined or not; the largest share among the
# names it matches is the part's). Inclusive shares overlap where one part
# runs inside another (highlighting is inside Markdown, inside parsing).
PARTS = [
    ("reading content files", r"^brief::load::read$"),
    ("parsing briefings", r"^brief::parse::briefing_with$"),
    ("  front matter (serde_yaml, libyaml)", r"^from_str<brief::parse::RawBriefing> \(inlined\)$"),
    ("  Markdown bodies", r"^brief::parse::markdown::render$"),
    ("    highlighting (syntect)", r"brief::parse::highlight::code_block"),
    ("resolving the site", r"^brief::resolve::(index|resolve)$"),
    ("briefings' views", r"^brief::render::views::briefing_views$"),
    ("claims' rows for list pages", r"Plan>::make_rows"),
    ("cards and source cards", r"^brief::render::fragments::<impl brief::render::Plan>::cards$"),
    ("pages' contexts (Plan::fill)", r"^brief::render::Plan::fill$"),
    ("Tera rendering (pages, cards, rows)", r"^tera::tera::Tera::render_to$"),
    ("writing files (Staging::put)", r"^brief::write::Staging::put$"),
    ("  making folders", r"^brief::write::Staging::make_folder$"),
    ("search index", r"^brief::render::search::post$"),
    ("data files (claims.json, feeds, sitemaps)", r"Plan>::data_files"),
]


def corpus_dir(args):
    return common.generate(args.corpus or f"/tmp/brief-profile-{args.n}", args.n)


def output_dir():
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return tempfile.mkdtemp(prefix="brief-profile-out-", dir=base)


def need(tool, hint):
    if shutil.which(tool) is None:
        sys.exit(f"bench/profile.py needs `{tool}` ({hint})")


def perf_report(data, *argv):
    return subprocess.run(["perf", "report", "-i", data, "--stdio", *argv],
                          capture_output=True, text=True, check=True).stdout


def shares(report):
    """symbol -> (children %, self %) from `perf report --children`, or
    symbol -> (self %,) from `--no-children`."""
    found = {}
    for line in report.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(?:([\d.]+)%\s+)?(?:\[[.k]\]\s+)?(\S.*?)\s*$", line)
        if m and m.group(3) not in found:
            found[m.group(3)] = tuple(float(g) for g in m.groups()[:2] if g is not None)
    return found


def profile_time(args):
    need("perf", "apt-get install linux-perf")
    common.build_release()
    site = corpus_dir(args)
    out = output_dir()
    data = os.path.join(out + ".perf")
    try:
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(args.frequency),
                        "--call-graph", "dwarf,16384", "-o", data, common.BRIEF, "build",
                        "--quiet", "--root", site, "--output", os.path.join(out, "site")],
                       check=True, stdout=subprocess.DEVNULL)
        children = shares(perf_report(data, "--children", "--sort", "sym", "-g", "none"))
        by_dso = shares(perf_report(data, "--no-children", "--sort", "dso", "-g", "none"))
        flat = perf_report(data, "--no-children", "--sort", "sym", "-g", "none")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if os.path.exists(data):
            os.remove(data)
    print(f"CPU time of `brief build` of {args.n:,} briefings, by part (inclusive)\n")
    print("| part | share of CPU time |\n| --- | --- |")
    for label, pattern in PARTS:
        found = [s[0] for name, s in children.items() if re.search(pattern, name)]
        print(f"| {label} | {max(found):.1f}% |" if found else f"| {label} | (not seen) |")
    kernel = by_dso.get("[kernel.kallsyms]", (0.0,))[0]
    selfs = shares(flat)
    allocator = sum(s[0] for name, s in selfs.items() if re.match(r"_?mi_|__rust_(de)?alloc", name))
    print(f"| the kernel (files, folders, page faults) | {kernel:.1f}% |")
    print(f"| the allocator (mimalloc), itself | {allocator:.1f}% |")
    print(f"\nFunctions taking the most time themselves\n")
    print("| self | function |\n| --- | --- |")
    for name, (share,) in list(selfs.items())[:args.top]:
        print(f"| {share:.2f}% | `{name[:110]}` |")


def profile_heap(args):
    need("valgrind", "apt-get install valgrind")
    target = os.path.join(common.REPO, "target", "profile-heap")
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_PROFILE_RELEASE_LTO="false",
               CARGO_PROFILE_RELEASE_CODEGEN_UNITS="16")
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--bin", "brief",
                    "--no-default-features"], cwd=common.REPO, env=env, check=True)
    site = corpus_dir(args)
    out = output_dir()
    dhat = out + ".dhat.json"
    try:
        subprocess.run(["valgrind", "--tool=dhat", f"--dhat-out-file={dhat}",
                        os.path.join(target, "release", "brief"), "build", "--quiet", "--root",
                        site, "--output", os.path.join(out, "site")],
                       env=dict(os.environ, RAYON_NUM_THREADS="1"), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(dhat) as f:
            profile = json.load(f)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if os.path.exists(dhat):
            os.remove(dhat)
    frames = profile["ftbl"]
    # A frame of brief's, or of a generic function brief called with one of
    # its own types or closures.
    ours = re.compile("brief::|" + re.escape(os.path.join(common.REPO, "src") + os.sep))
    sites = collections.defaultdict(lambda: [0, 0])
    for point in profile["pps"]:
        size, blocks = point.get("gb", 0), point.get("gbk", 0)
        if not size:
            continue
        where = next((frames[f] for f in point["fs"] if ours.search(frames[f])), None)
        where = re.sub(r"^0x[0-9A-Fa-f]+: ", "", where) if where else "(outside brief)"
        sites[where][0] += size
        sites[where][1] += blocks
    total = sum(s[0] for s in sites.values())
    count = sum(s[1] for s in sites.values())
    print(f"The heap of `brief build` of {args.n:,} briefings at its peak: "
          f"{total / 1e6:.1f} MB in {count:,} blocks, by allocation site in brief\n")
    print("| MB | blocks | site |\n| --- | --- | --- |")
    for where, (size, blocks) in sorted(sites.items(), key=lambda s: -s[1][0])[:args.top]:
        print(f"| {size / 1e6:.2f} | {blocks:,} | `{where[:120]}` |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["time", "heap"])
    parser.add_argument("--n", type=int, default=1000, help="briefings in the corpus")
    parser.add_argument("--corpus", help="where the corpus is kept (made if missing)")
    parser.add_argument("--top", type=int, default=30, help="how many rows of the detail")
    parser.add_argument("--frequency", type=int, default=499, help="perf samples per second")
    args = parser.parse_args()
    profile_time(args) if args.what == "time" else profile_heap(args)


if __name__ == "__main__":
    main()
