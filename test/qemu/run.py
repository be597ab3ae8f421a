#!/usr/bin/env python3
"""test/qemu/run.py: run SIS's QEMU tests (test/qemu/test_*.py).

Usage: python3 test/qemu/run.py [-k PATTERN]... [PATTERN]... [-j N] [--build-dir DIR]
                                [--list] [--no-tail]

Tests whose name contains any PATTERN (substring) run; all run without one.
Tests run in parallel (-j, default 2). One line per test as it finishes:
  PASS name (1.2s)    FAIL name: reason (1.2s)    SKIP name: reason
Serial output of each test goes to <build-dir>/test-logs/<name>.log; the tail of
a failed test's log is printed after the test lines, then every skipped test
with its reason. The last line is exactly `N passed, N failed, N skipped`; the
exit status is 1 if any test failed (or a PATTERN matched nothing), else 0.

A test registered with needs_root=True is skipped without running when not
root. When the environment variable CI is set, a skip is a failure (CI runs
as root with every tool installed, so a skip there hides a test).
"""
import argparse
import glob
import importlib.util
import os
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sistest  # noqa: E402

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


def load_tests():
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        mod = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(mod, path)
        m = importlib.util.module_from_spec(spec)
        sys.modules[mod] = m
        spec.loader.exec_module(m)
    names = [t.name for t in sistest.TESTS]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise SystemExit(f"run.py: duplicate test names: {', '.join(sorted(dups))}")
    return list(sistest.TESTS)


def skip_is_failure():
    return bool(os.environ.get("CI"))


def run_one(case, build_dir, log_dir):
    """Run CASE in its own thread with a watchdog. Returns (status, reason, secs, log)."""
    t0 = time.monotonic()
    ctx = sistest.Ctx(case, build_dir, log_dir)
    if case.needs_root and os.geteuid() != 0:
        ctx.close("SKIP needs root")
        return finish_skip("needs root (network namespaces, taps)", t0, ctx.log_path)
    outcome = {}

    def body():
        try:
            case.fn(ctx)
            outcome["r"] = (PASS, "")
        except sistest.TestSkip as e:
            outcome["r"] = (SKIP, str(e))
        except sistest.TestFailure as e:
            outcome["r"] = (FAIL, str(e))
        except Exception as e:  # a bug in the test is a failure too
            ctx.log_write(traceback.format_exc())
            outcome["r"] = (FAIL, f"{type(e).__name__}: {e}")

    th = threading.Thread(target=body, daemon=True, name=case.name)
    th.start()
    th.join(case.timeout + 5)  # the test's own deadline bounds expect()/wait()
    if th.is_alive():
        ctx.abort()
        th.join(3)
        outcome.setdefault("r", (FAIL, f"test overran its {case.timeout}s timeout"))
    status, reason = outcome.get("r", (FAIL, "test thread did not finish"))
    try:
        ctx.cleanup()
    except Exception as e:
        ctx.log_write(traceback.format_exc())
        if status != FAIL:
            status, reason = FAIL, f"cleanup failed: {type(e).__name__}: {e}"
    problem = ctx.kernel_problem()
    if problem and status != FAIL:
        status, reason = FAIL, problem
    if status == SKIP and skip_is_failure():
        status, reason = FAIL, f"skipped, and a skip is a failure when CI is set: {reason}"
    secs = time.monotonic() - t0
    ctx.close(f"{status} {reason}".strip())
    return status, reason, secs, ctx.log_path


def finish_skip(reason, t0, log):
    if skip_is_failure():
        return FAIL, f"skipped, and a skip is a failure when CI is set: {reason}", 0.0, log
    return SKIP, reason, time.monotonic() - t0, log


def tail(path, n=25):
    try:
        with open(path, errors="replace") as fh:
            return fh.read().splitlines()[-n:]
    except OSError:
        return []


def main(argv=None):
    ap = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("patterns", nargs="*", help="run tests whose name contains one of these")
    ap.add_argument("-k", dest="k", action="append", default=[], metavar="PATTERN",
                    help="same as a positional PATTERN (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="parallel tests (default 2)")
    ap.add_argument("--build-dir", default=sistest.qemu_cmd.DEFAULT_BUILD,
                    help="meson build dir with src/sis.img (default build/)")
    ap.add_argument("--list", action="store_true", help="list the selected tests and exit")
    ap.add_argument("--no-tail", action="store_true",
                    help="do not print the log tail of failed tests")
    a = ap.parse_args(argv)

    cases = load_tests()
    pats = a.patterns + a.k
    if pats:
        cases = [c for c in cases if any(p in c.name for p in pats)]
    if a.list:
        for c in cases:
            print(c.name)
        return 0
    if pats and not cases:
        print(f"run.py: no test matches {' '.join(pats)}", file=sys.stderr)
        print("0 passed, 0 failed, 0 skipped")
        return 1

    build_dir = os.path.abspath(a.build_dir)
    log_dir = os.path.join(build_dir, "test-logs")
    os.makedirs(log_dir, exist_ok=True)
    sistest.cleanup_stale_netns()

    def on_signal(sig, _frame):  # kill QEMUs, delete namespaces, then go
        sistest.cleanup_all()
        print(f"run.py: interrupted by signal {sig}", file=sys.stderr, flush=True)
        os._exit(128 + sig)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    counts = {PASS: 0, FAIL: 0, SKIP: 0}
    failed_logs = []
    skipped = []
    lock = threading.Lock()

    def job(case):
        status, reason, secs, log = run_one(case, build_dir, log_dir)
        with lock:
            counts[status] += 1
            if status == PASS:
                print(f"PASS {case.name} ({secs:.1f}s)", flush=True)
            else:
                print(f"{status} {case.name}: {reason} ({secs:.1f}s)", flush=True)
            if status == FAIL:
                failed_logs.append((case.name, log))
            if status == SKIP:
                skipped.append((case.name, reason))

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for f in [pool.submit(job, c) for c in cases]:
            f.result()

    if not a.no_tail:
        for name, log in failed_logs:
            rel = os.path.relpath(log)
            print(f"--- {name}: last lines of {log if rel.startswith('..') else rel}")
            for line in tail(log):
                print("    " + line)
    for name, reason in skipped:
        print(f"skipped: {name}: {reason}")
    print(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped", flush=True)
    return 1 if counts[FAIL] else 0


if __name__ == "__main__":
    sys.exit(main())
