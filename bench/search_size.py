#!/usr/bin/env python3
"""Size of the search index, and bytes a first query downloads.

Generates a site of N briefings with bench/corpus.py, builds it
with the release binary, and reports the size of search/ by kind of file.
Then, for a few typical first queries, works out which index files
static/search.js would fetch (meta.json, the word shards, the filter lists,
and the document chunks of the first 20 results), the same way it does, and
adds up their bytes. Sizes are as written; `gzip` shows what a host that
compresses JSON would send.

Usage: python3 bench/search_size.py [--n 10000] [--keep DIR]
Needs: cargo, python3.
"""
import argparse
import bisect
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata

import common
from common import BRIEF

PAGE = 20            # results on the first page, as in search.js
PREFIX_BYTES = 256 * 1024  # as in search.js


class Index:
    """The built index, read as search.js reads it, counting bytes fetched."""

    def __init__(self, folder):
        self.folder = folder
        self.meta = self.read("meta.json")
        self.stop = set(self.meta["stop_words"])

    def path(self, rel):
        return os.path.join(self.folder, rel)

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return json.loads(f.read())

    def size(self, rel):
        return os.path.getsize(self.path(rel))

    def gz(self, rel):
        with open(self.path(rel), "rb") as f:
            return len(gzip.compress(f.read(), 6))

    # -- as search.js does it

    # Marks search.js drops: accents, Arabic tashkeel, Quranic marks, tatweel.
    MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
    LETTERS = str.maketrans({"\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647"})
    # Scripts written without spaces, cut into pairs of characters.
    UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u3040-\u30ff"
                "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff")
    RUNS = re.compile("[%s]+|[^%s]+" % (UNSPACED, UNSPACED))

    def pieces(self, word):
        out = []
        for run in self.RUNS.findall(word):
            if not re.match("[%s]" % self.UNSPACED, run) or len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        return out

    def words(self, text):
        folded = unicodedata.normalize("NFKD", text.lower())
        folded = self.MARKS.sub("", folded).translate(self.LETTERS)
        raw = [self.pieces(w) for w in re.split(r"[^\w%s]+|_" % self.UNSPACED, folded)]
        words = []
        for w in (p for ps in raw for p in ps):
            if not (len(w) == 1 and ord(w) < 128) and w not in self.stop and w not in words:
                words.append(w)
        last = raw[-1][-1] if raw and raw[-1] else ""
        prefix = last != "" and bool(words) and words[-1] == last
        return words, prefix

    def shard_of(self, word):
        return bisect.bisect_right(self.meta["shards"], word) - 1

    @staticmethod
    def decode(text):
        out, n, last = [], 0, 0
        for ch in text:
            if ch in "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-":
                n = n * 32 + "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-".index(ch)
            else:
                last += n * 32 + "0123456789abcdefghijklmnopqrstuv".index(ch)
                out.append(last)
                n = 0
        return out

    def matches(self, word, prefix, fetched):
        first = self.shard_of(word)
        last = first
        if prefix:
            start = max(first, 0)
            end = self.shard_of(word + "\uffff")
            if start <= end and sum(self.meta["shard_bytes"][start:end + 1]) <= PREFIX_BYTES:
                first, last = start, end
            else:
                prefix = False
        scores = {}
        if first < 0:
            return scores
        for n in range(first, last + 1):
            rel = f"terms/{n}.json"
            fetched.add(rel)
            shard = self.read(rel)
            for term, (strong, weak) in shard.items():
                if term != word and not (prefix and term.startswith(word)):
                    continue
                weight = 2 if term == word else 1
                for ids, score in ((strong, 2 * weight), (weak, weight)):
                    for i in self.decode(ids):
                        if scores.get(i, -1) < score:
                            scores[i] = score
        return scores

    def search(self, text, filters):
        fetched = {"meta.json"}
        words, prefix = self.words(text)
        sets = []
        for kind, value in filters.items():
            if kind == "verdict":
                slug = next(v["slug"] for v in self.meta["verdicts"] if v["id"] == value)
                rel = f"verdicts/{slug}.json"
            else:
                rel = f"{kind}s/{value}.json"
            fetched.add(rel)
            sets.append(set(self.decode(self.read(rel)["docs"])))
        found = [self.matches(w, prefix and i == len(words) - 1, fetched) for i, w in enumerate(words)]
        if found:
            found.sort(key=len)
            results = []
            for i, score in found[0].items():
                total = score
                ok = True
                for other in found[1:]:
                    if i not in other:
                        ok = False
                        break
                    total += other[i]
                if ok and all(i in s for s in sets):
                    results.append((i, total))
        elif sets:
            results = [(i, 0) for i in set.intersection(*sets)]
        else:
            results = []
        results.sort(key=lambda r: (-r[1], r[0]))
        size = self.meta["chunk_docs"]
        for i, _ in results[:PAGE]:
            fetched.add(f"docs/{i // size}.json")
        return len(results), fetched


def human(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def report_sizes(index):
    kinds = {}
    for dirpath, _, names in os.walk(index.folder):
        for name in names:
            rel = os.path.relpath(os.path.join(dirpath, name), index.folder)
            if not rel.endswith(".json"):
                continue
            kind = rel.split(os.sep)[0] if os.sep in rel else rel
            k = kinds.setdefault(kind, [0, 0, 0])
            k[0] += 1
            k[1] += index.size(rel)
            k[2] += index.gz(rel)
    total = [sum(k[i] for k in kinds.values()) for i in range(3)]
    print(f"\nsearch/ index: {total[0]} files, {human(total[1])} (gzip {human(total[2])})")
    for kind in sorted(kinds):
        files, size, gz = kinds[kind]
        print(f"  {kind:<12} {files:>6} files  {human(size):>10}  (gzip {human(gz)})")


def report_queries(index):
    meta = index.meta
    speaker = max(meta["speakers"], key=lambda s: s["claims"])
    # Words bench/corpus.py writes: "figures" in every body, "fuel bills" a subject.
    common = "figures"
    queries = [
        (f"a speaker's name ({speaker['name']})", speaker["name"], {}),
        (f"a common word ({common})", common, {}),
        ("a word still being typed (fig)", "fig", {}),
        ("two words (fuel bills)", "fuel bills", {}),
        ("two words, the last being typed (fuel bi)", "fuel bi", {}),
        ("a filter only (verdict: false)", "", {"verdict": "false"}),
        (f"a speaker filter and a word", "budget", {"speaker": speaker["id"]}),
    ]
    print(f"\nFirst query: bytes fetched (meta.json, shards, filter lists, chunks of the first {PAGE} results)")
    for label, text, filters in queries:
        count, fetched = index.search(text, filters)
        size = sum(index.size(rel) for rel in fetched)
        gz = sum(index.gz(rel) for rel in fetched)
        kinds = {}
        for rel in fetched:
            kinds[rel.split("/")[0]] = kinds.get(rel.split("/")[0], 0) + 1
        files = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        print(f"  {label:<44} {count:>7} results  {human(size):>9} (gzip {human(gz):>8})  [{files}]")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000, help="briefings in the generated site")
    parser.add_argument("--keep", help="generate the site here and keep it")
    args = parser.parse_args()

    common.build_release()
    root = args.keep or tempfile.mkdtemp(prefix="brief-search-")
    try:
        common.generate(root, args.n)
        shutil.rmtree(os.path.join(root, "public"), ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([BRIEF, "build", "--root", root, "--quiet"], check=True)
        print(f"brief build, {args.n} briefings: {time.perf_counter() - start:.1f} s")
        index = Index(os.path.join(root, "public", "search"))
        print(f"{index.meta['docs']} documents, {len(index.meta['shards'])} shards, "
              f"{len(index.meta['speakers'])} speakers, {len(index.meta['tags'])} tags; "
              f"meta.json {human(index.size('meta.json'))}")
        report_sizes(index)
        report_queries(index)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
