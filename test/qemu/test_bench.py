"""A quick smoke run of the benchmark suite (bench/run --smoke): one SIS boot,
small sizes, no Linux guest, slirp only. It checks that the suite runs and
produces its table and chart, and that every measurement the smoke run makes
(lease, HTTP with latency percentiles, churn, bulk TCP both ways, UDP and
ping round trips) produced a positive number: a broken path shows up as
`n/a`. How big the numbers are is not checked here
(the benchmarks are not pass/fail tests)."""
import os
import re

from sistest import TOP, test


@test(timeout=90)  # normally about 6 s
def smoke(ctx):
    out = os.path.join(ctx.tmpdir(), "bench")
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    r = ctx.run_tool([os.path.join(TOP, "bench", "run"), "--smoke", "--no-build",
                      "--out", out], timeout=80, env=env)
    ctx.check(r.returncode == 0, f"bench/run --smoke exited {r.returncode}: "
              f"{r.stderr.strip()[-300:]}")
    lines = r.stdout.splitlines()
    ctx.check("| metric | unit | SIS | bound |" in lines, "no table header in the output")
    rows = {m.group(1): m.group(2) for ln in lines
            for m in [re.match(r"\| ([^|]+?) \| [^|]+ \| ([^|]+?) \|", ln)] if m}
    for label in ("DHCP lease after QEMU start", "HTTP req/s, c=1, new connection each",
                  "TCP host->guest (download), slirp", "QEMU peak RSS", "kernel image size"):
        ctx.check(label in rows, f"no row {label!r} in the table")
    # The lease and the image size need nothing but the kernel: real numbers.
    ctx.check(re.fullmatch(r"\d+\.\d{3}", rows["DHCP lease after QEMU start"]),
              f"lease is {rows['DHCP lease after QEMU start']!r}")
    ctx.check(re.match(r"\d+ ", rows["kernel image size"]), "no image size")
    # What the smoke run measures must be a positive number, not `n/a`.
    measured = [label for label in rows
                if label.startswith(("HTTP req/s", "HTTP keep-alive", "TCP host->guest",
                                     "TCP guest->host", "UDP request/response", "guest ping"))]
    ctx.check(len(measured) >= 21, f"only {len(measured)} HTTP/TCP/UDP/ping rows: {measured}")
    for label in measured:
        v = rows[label]
        # (a note may follow: socket errors of a load on a busy host)
        ctx.check(re.fullmatch(r"\d+(\.\d+)?( \(.*\))?", v) and float(v.split()[0]) > 0,
                  f"row {label!r}: {v!r}")
    # Churn: requests/s and a count of failed requests, both numbers.
    churn = [label for label in rows if label.startswith("churn: ")]
    ctx.check(len(churn) == 4, f"churn rows: {churn}")
    for label in churn:
        ctx.check(re.match(r"\d+( |$)", rows[label]), f"row {label!r}: {rows[label]!r}")
    # The busy case's rises are measured too; a rise may be negative (the
    # busy figure came out lower than the idle one: no rise).
    rises = [label for label in rows if "rise, CPU-bound process running" in label]
    ctx.check(len(rises) == 2, f"busy-case rows: {rises}")
    for label in rises:
        ctx.check(re.match(r"-?\d+\.\d+ \(\d", rows[label]), f"row {label!r}: {rows[label]!r}")
    # Only what the smoke run skips on purpose may say why not.
    for label, v in rows.items():
        if label == "metric" or v.startswith("---") or label in measured or label in rises:
            continue
        ctx.check(re.match(r"\d", v) or v == "n/a: skipped (smoke)", f"row {label!r}: {v!r}")
    for f in ("table.md", "results.json", "chart.png"):
        ctx.check(os.path.exists(os.path.join(out, f)), f"{f} not written")
    with open(os.path.join(out, "chart.png"), "rb") as fh:
        ctx.check(fh.read(8) == b"\x89PNG\r\n\x1a\n", "chart.png is not a PNG")
