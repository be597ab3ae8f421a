"""Churn: the default httpd (started by /etc/rc) under many short connections,
through slirp's hostfwd, at a size CI affords (full sizes: bench/churn).
One boot: ab -c 32 and -c 128 (a new connection per request) with 0 failed
requests and none slower than 1 s; wrk -c 64 and -c 256 with 0 errors and 0
timeouts; a few hundred idle connections held open, then every one served;
at most 1,024 connections in TIME-WAIT (the oldest freed first, as Linux's
tcp_max_tw_buckets) and the TCP PCBs' peak near that; /proc/meminfo's in-use
memory back to its pre-load level once TIME-WAIT has expired."""
import re
import shutil
import socket
import subprocess
import time

from guest import boot_to_shell, recv_all, sh
from sistest import TestFailure, test

CHURN_PROMPT = r"[#$] $"


def wait_listening(ctx, qm, port, timeout=20):
    rx = rf"^tcp\s+\d+\s+\d+\s+0\.0\.0\.0:{port}\s+0\.0\.0\.0:\*\s+LISTEN\s*$"
    end = time.monotonic() + timeout
    while not re.search(rx, sh(qm, "netstat -tln", prompt=CHURN_PROMPT), re.M):
        if time.monotonic() > end:
            raise TestFailure(f"nothing listens on port {port} after {timeout} s")
        time.sleep(0.1)


def tool(ctx, argv, timeout):
    exe = shutil.which(argv[0])
    if not exe:
        raise TestFailure(f"{argv[0]} is not installed (tools/bootstrap installs it)")
    r = subprocess.run([exe] + argv[1:], capture_output=True, text=True, timeout=timeout)
    ctx.log_write(f"--- {' '.join(argv)} (rc {r.returncode}):\n{r.stdout}{r.stderr}\n")
    return r


def ab(ctx, port, n, c):
    r = tool(ctx, ["ab", "-q", "-n", str(n), "-c", str(c), "-s", "20",
                   f"http://127.0.0.1:{port}/"], timeout=120)
    ctx.check(r.returncode == 0, f"ab -c {c} failed: {r.stderr.strip()[-300:]}")
    done = int(re.search(r"^Complete requests:\s+(\d+)", r.stdout, re.M).group(1))
    failed = int(re.search(r"^Failed requests:\s+(\d+)", r.stdout, re.M).group(1))
    longest = int(re.search(r"^\s*100%\s+(\d+)", r.stdout, re.M).group(1))
    ctx.check(done == n and failed == 0, f"ab -c {c}: {done} complete, {failed} failed")
    ctx.check(longest < 1000, f"ab -c {c}: the longest request took {longest} ms")


def wrk(ctx, port, c, secs):
    r = tool(ctx, ["wrk", "-t2", f"-c{c}", f"-d{secs}s", "--timeout", "2s",
                   f"http://127.0.0.1:{port}/"], timeout=secs + 60)
    ctx.check(r.returncode == 0, f"wrk -c {c} failed: {r.stderr.strip()[-300:]}")
    ctx.check(re.search(r"^\s*\d+ requests in", r.stdout, re.M), f"wrk -c {c}: no summary")
    err = re.search(r"Socket errors: (.*)", r.stdout)
    ctx.check(not err, f"wrk -c {c}: socket errors: {err and err.group(1)}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", r.stdout)
    ctx.check(not bad, f"wrk -c {c}: {bad and bad.group(1)} non-2xx responses")


def idle_then_served(ctx, port, n):
    """Open N connections and leave them idle, then send a request on each:
    every one gets its whole response."""
    conns = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            conns.append(s)
        time.sleep(1)
        for s in conns:
            s.sendall(b"GET / HTTP/1.0\r\nHost: sis\r\n\r\n")
        served = 0
        for s in conns:
            data = recv_all(s)
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"Content-Length: (\d+)", head)
            if head.startswith(b"HTTP/1.1 200") and m and len(body) == int(m.group(1)):
                served += 1
        ctx.check(served == n, f"{n} idle connections: {served} served in full")
    finally:
        for s in conns:
            s.close()


def in_use_kb(ctx, qm):
    """MemTotal - MemAvailable: memory in use apart from allocator caches."""
    text = sh(qm, "cat /proc/meminfo /proc/slabinfo", prompt=CHURN_PROMPT)
    kb = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
    return kb["MemTotal"] - kb["MemAvailable"], kb["Slab"]


def tcp_pcbs(ctx, qm):
    return len(re.findall(r"^tcp\s", sh(qm, "netstat -tan", prompt=CHURN_PROMPT), re.M))


# sock_tcp.c's TCP_MAX_TW: TIME-WAIT connections past it are freed, the oldest first.
TCP_MAX_TW = 1024


def pools(ctx, qm):
    """/proc/net/sis_pools: {'TCP_PCB': (used, max), ..., 'tcp_time_wait': n, ...}."""
    text = sh(qm, "cat /proc/net/sis_pools", prompt=CHURN_PROMPT)
    got = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"^pool (\S+) (\d+) (\d+)", text, re.M)}
    got.update({m[0]: int(m[1]) for m in re.findall(r"^(\w+) (\d+)$", text, re.M)})
    return got


def check_time_wait(ctx, qm, what):
    p = pools(ctx, qm)
    ctx.log_write(f"--- after {what}: TIME-WAIT {p['tcp_time_wait']}, freed early "
                  f"{p['tcp_tw_overflow']}, TCP PCBs (used, max) {p['TCP_PCB']}\n")
    ctx.check(p["tcp_time_wait"] <= TCP_MAX_TW,
              f"after {what}: {p['tcp_time_wait']} connections in TIME-WAIT")
    return p


def kill_httpd(ctx, qm):
    pid = re.search(r"^\s*(\d+)\s.*\shttpd$", sh(qm, "ps", prompt=CHURN_PROMPT), re.M)
    ctx.check(pid, "no httpd in ps")
    sh(qm, f"kill {pid.group(1)}; sleep 1", prompt=CHURN_PROMPT)


@test(timeout=300)
def churn_httpd(ctx):
    port, fwd = ctx.hostfwd(80)
    qm = ctx.qemu(nets=["user"], hostfwds=[fwd], mem="128M")
    qm.expect(r"SIS: boot complete", timeout=40)
    boot_to_shell(qm, prompt=CHURN_PROMPT)
    wait_listening(ctx, qm, 80)
    # The baseline: no server. httpd's own memory (its malloc keeps what it
    # had at its peak, as a Linux process's RSS does) is measured out by
    # killing it again at the end.
    kill_httpd(ctx, qm)
    sh(qm, "rm /tmp/httpd.log", prompt=CHURN_PROMPT)
    before = in_use_kb(ctx, qm)
    sh(qm, "httpd -p 80 -l /tmp/httpd.log /srv/www & true", prompt=CHURN_PROMPT)
    wait_listening(ctx, qm, 80)
    ab(ctx, port, 2000, 32)
    ab(ctx, port, 2000, 128)
    # 4,000 connections closed within a few seconds (TIME-WAIT: 4 s): at most
    # TCP_MAX_TW of them wait, and the PCBs in the heap stay near that.
    check_time_wait(ctx, qm, "ab")
    wrk(ctx, port, 64, 8)
    wrk(ctx, port, 256, 8)
    idle_then_served(ctx, port, 300)
    # httpd's access log rotates (LOGFILE.1) instead of filling RAM.
    out = sh(qm, "ls -l /tmp", prompt=CHURN_PROMPT)
    sizes = {m.group(2): int(m.group(1)) for m in
             re.finditer(r"\s(\d+)\s+(httpd\.log(?:\.1)?)$", out, re.M)}
    ctx.check(set(sizes) == {"httpd.log", "httpd.log.1"} and
              max(sizes.values()) <= 128 * 1024 + 200, f"httpd's logs in /tmp: {sizes}")
    # TIME-WAIT lasts 2 MSL (4 s here, src/net/lwipopts.h): wait for it to end.
    end = time.monotonic() + 30
    while tcp_pcbs(ctx, qm) > 1 and time.monotonic() < end:
        time.sleep(1)
    ctx.check(tcp_pcbs(ctx, qm) <= 1, "TCP connections left 30 s after the load")
    peak = check_time_wait(ctx, qm, "the load")["TCP_PCB"][1]
    ctx.check(peak <= TCP_MAX_TW + 512, f"{peak} TCP PCBs at the peak (TIME-WAIT capped at "
              f"{TCP_MAX_TW}, at most 300 connections open at once)")
    kill_httpd(ctx, qm)
    after = in_use_kb(ctx, qm)
    logs_kb = 2 * sum(sizes.values()) // 1024  # ramfs may hold twice a file's size
    ctx.log_write(f"--- in use, Slab: {before} kB before, {after} kB after; logs {logs_kb} kB\n")
    ctx.check(after[1] <= before[1] + logs_kb + 64, f"kernel heap in use (Slab) {before[1]} kB "
              f"before the load, {after[1]} kB after (the logs: up to {logs_kb} kB)")
    ctx.check(after[0] <= before[0] + logs_kb + 128, f"memory in use {before[0]} kB before the "
              f"load, {after[0]} kB after (the logs: up to {logs_kb} kB)")
