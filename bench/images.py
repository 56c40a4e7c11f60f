#!/usr/bin/env python3
"""Image encoding in `brief build`: a site of N bundles with one photo each,
built cold (no `.brief-cache/images/`) and again with the cache kept.

Each photo (2400×1600 JPEG by default, written by `examples/photos.rs`)
becomes 6 files with the default settings: 480, 960 and 1600 pixels wide,
each as JPEG and WebP. A cold build encodes all of them; a cached build
(a fresh output folder, the cache kept) encodes none and copies them from
the cache. Both are timed `--runs` times, alternating, and their medians
printed with images encoded per second.

Usage: python3 bench/images.py [--n 50] [--runs 3] [--size 2400x1600] [--keep DIR]
Needs: cargo, python3.
"""
import argparse
import os
import shutil
import subprocess
import tempfile

import common
from common import BRIEF, REPO, median

PHOTOS = os.path.join(REPO, "target", "release", "examples", "photos")

BRIEFING = """---
title: Photo {i}
date: 2024-10-31
summary: A briefing with a photo.
speakers:
  kim:
    name: Kim Song
sources:
  charter:
    title: Charter of the United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: first
    speaker: kim
    text: Any deployment would comply with international law.
    verdict: unverified
    explanation: The record does not settle it.
    sources: [charter]
---
Body text.
"""


def write_site(root, n, size):
    """N bundles under root, each with its index.md and photo.jpg."""
    width, height = size.split("x")
    photos = os.path.join(root, "photos")
    subprocess.run([PHOTOS, photos, str(n), width, height], check=True)
    for i in range(n):
        bundle = os.path.join(root, "content", "briefings", f"photo-{i}")
        os.makedirs(bundle, exist_ok=True)
        with open(os.path.join(bundle, "index.md"), "w") as f:
            f.write(BRIEFING.format(i=i))
        os.replace(os.path.join(photos, f"photo-{i}.jpg"), os.path.join(bundle, "photo.jpg"))
    shutil.rmtree(photos)


def counts(site, out):
    """The summary line of one build (to show what it encoded)."""
    result = subprocess.run([BRIEF, "build", "--root", site, "--output", out],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50, help="number of bundles, one photo each")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind")
    parser.add_argument("--size", default="2400x1600", help="each photo's WIDTHxHEIGHT")
    parser.add_argument("--keep", help="write the site here and keep it")
    args = parser.parse_args()

    common.build_release()
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--example", "photos"],
                   cwd=REPO, check=True)
    root = args.keep or tempfile.mkdtemp(prefix="brief-image-bench-")
    site = os.path.join(root, "site")
    out = os.path.join(root, "out")
    cache = os.path.join(site, ".brief-cache", "images")
    try:
        if not os.path.isdir(os.path.join(site, "content")):
            write_site(site, args.n, args.size)
        cold, cached = [], []
        for i in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            cold.append(common.run([BRIEF, "build", "--root", site, "--output", out, "--quiet"]))
            shutil.rmtree(out, ignore_errors=True)
            cached.append(common.run([BRIEF, "build", "--root", site, "--output", out, "--quiet"]))
            print(f"  run {i + 1}: cold {cold[-1].wall:.2f} s ({cold[-1].user:.2f} s user),"
                  f" cached {cached[-1].wall:.2f} s ({cached[-1].user:.2f} s user)", flush=True)
        shutil.rmtree(out, ignore_errors=True)
        print(f"  cached build says: {counts(site, out)}")
        encoded = args.n * 6
        cold_wall = median([u.wall for u in cold])
        print()
        print("| photos | size | files encoded | cold build | cold user CPU | images / s (cold) |"
              " cached build | cached user CPU | cold / cached |")
        print("| --- " * 9 + "|")
        print(f"| {args.n} | {args.size} | {encoded} | {cold_wall:.2f} s |"
              f" {median([u.user for u in cold]):.2f} s | {encoded / cold_wall:.1f} |"
              f" {median([u.wall for u in cached]):.2f} s | {median([u.user for u in cached]):.2f} s |"
              f" {cold_wall / median([u.wall for u in cached]):.1f}× |")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
