"""What every benchmark needs: the release binaries, a generated corpus, and
a child process timed the way the kernel accounts for it.

Times come from the child's rusage (wall clock beside user and system CPU,
and its peak resident memory), because on a shared machine CPU seconds are
steadier than wall time; read ratios within one run, not absolute times.
"""
import collections
import os
import statistics
import subprocess
import sys
import time

import corpus

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(REPO, "target", "release", "brief")
WRITE_FLOOR = os.path.join(REPO, "target", "release", "examples", "write_floor")

Usage = collections.namedtuple("Usage", "wall user system rss_mib")


def build_release():
    """Builds brief and the write floor in release mode; cargo makes this a
    no-op when they are current. The first build takes several minutes."""
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--bin", "brief",
                    "--example", "write_floor"], cwd=REPO, check=True)


def generate(out, n, fmt="brief", seed=7):
    """The site of n briefings in out, written unless the same corpus is
    already there (so --keep folders are reused across runs)."""
    if corpus.read_stamp(out) != corpus.stamp(n, fmt, seed):
        start = time.perf_counter()
        try:
            corpus.write_site(n, out, fmt, seed)
        except ValueError as err:
            sys.exit(str(err))
        print(f"generated {n:,} briefings ({fmt}) in {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)
    return out


def run(argv, **kwargs):
    """Runs a command to completion, its output discarded; returns its Usage.
    Exits, with the command's errors, if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    # Read stderr while waiting: a chatty child must not block on a full pipe.
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    return Usage(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)


def median(values):
    return statistics.median(values)


def quartiles(values):
    """(first, third) quartile; both the value itself when there is one."""
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]
