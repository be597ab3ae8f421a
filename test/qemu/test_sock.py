"""Socket layer tests: guest programs (user/tests/sock_*.c, in the ramdisk as
/bin/sock_*, or built with tools/cc) run as init; real clients and servers on
the host (curl, Python sockets, Python's http.server) reach the guest through
QEMU user networking (hostfwd) and are reached by it at 10.0.2.2.

- ref3, ref4: the reference design's Test 3 and Test 4 programs, built with
  tools/cc unchanged (Test 4 with only its destination pointed at a web
  server on the host); Test 4 prints that server's real response.
- http_1mib, http_200_sequential, http_32_concurrent, bulk_16mib, udp_echo_in:
  /bin/sock_srv in the guest (poll() over non-blocking sockets) served to
  curl and Python through hostfwd: a 1 MiB body compared byte for byte, 200
  requests one after another, 32 clients at once, 16 MiB each way with CRCs,
  UDP datagrams echoed; then GET /quit and a clean exit.
- udp_echo_out, nbconnect_host, refused_host, ping_host: /bin/sock_cli
  against servers on the host (UDP echo, TCP, a closed port, slirp's ICMP
  echo for 10.0.2.2); ping_loopback: ping and raw ICMP sockets to 127.0.0.1.
- loop_<name>: /bin/sock_loop between guest processes (loopback TCP/UDP,
  non-blocking connect, backlog, RST/EPIPE/SIGPIPE, half-close, MSG_PEEK/
  MSG_WAITALL/MSG_DONTWAIT/FIONREAD, SO_SNDBUF limits and POLLOUT, SO_RCVBUF windows, AF_UNIX
  (pairs, abstract names, names by path: bind/connect/getpeername/EADDRINUSE/
  ENOENT/EPROTOTYPE, datagrams by path),
  timeouts, EINTR, SA_RESTART (socket and pipe reads, waitpid; EINTR with
  SO_RCVTIMEO), SCM_RIGHTS (pipes and sockets passed, MSG_CTRUNC,
  MSG_CMSG_CLOEXEC, files closed with plain reads and with the socket),
  sockets closed by exit, fork/dup/fcntl/fstat, SO_REUSEADDR over TIME-WAIT
  and never over a listener, TIME-WAIT's cap with 300 connections open:
  a few looks at lwIP's lists for 1,200 closes, not one per softirq run).
- napi_poll64: /bin/sock_napi, a poll() over 64 idle sockets runs the network
  softirq at most once (/proc/softirqs NET_TX).
- errno: /bin/sock_errno, one check per bad input, Linux's errno each.
- fuzz, fuzz_16m: /bin/sock_fuzz (user/tests/sys_fuzz*.c in socket mode),
  48,000 (12,000 on 16 MiB) typed calls on live listening, connected and
  accepted TCP, bound UDP and AF_UNIX sockets: addresses that bind and
  connect, msghdrs with SCM_RIGHTS and random iovecs, every sockopt with a
  value of its shape, read/write/close/ioctl/fcntl/poll/epoll on them, and
  children blocked on sockets woken by a close; a fresh seed every run. No
  crash, and heap bytes, free pages, sockets and lwIP pools come back.
- linux_reference: sock_errno.c and sock_loop.c built natively and run on
  this Linux host (in a private network namespace when root), so the
  expectations in those programs are Linux's real behaviour.
- leak: 1000 connect/transfer/close cycles against a host server plus a
  child that dies with sockets open; /proc/net/sis_pools (lwIP pools,
  sockets, free pages) must come back to its starting values.
  leak_active_close: the same with the guest closing first, so it holds
  TIME_WAIT; the counters come back once TIME_WAIT (2 * TCP_MSL) expired.
- keepalive_timeout: over a tap in a namespace, a connection with keepalive
  (1 s idle, 1 s apart, 2 probes) to a server that sends nothing survives
  while the link is up; once the tap goes down, the guest's blocked read
  fails with ETIMEDOUT. user_timeout: the same with TCP_USER_TIMEOUT 2 s and
  a writer: ACKed writes go on, unacknowledged ones end in ETIMEDOUT.
"""
import http.server
import os
import random
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import zlib

from sistest import TOP, TestSkip, register, test, wait_for_file_line

HOST = "10.0.2.2"  # the host, as QEMU user networking shows it to the guest
LOOP_SUBTESTS = ["tcp", "udp", "nbconnect", "backlog", "rst", "halfclose", "flags", "sndbuf",
                 "rcvbuf", "unix", "unixpath", "timeout", "eintr", "restart", "scm_rights",
                 "exitclose", "inherit", "reuseaddr", "tw_open"]


def boot(ctx, prog, *args, hostfwds=(), add=(), mem="128M"):
    """Boot SIS with PROG as init (arguments after --) on user networking."""
    append = f"init={prog}"
    if args:
        append += " -- " + " ".join(str(a) for a in args)
    return ctx.qemu(mem=mem, nets=["user"], hostfwds=list(hostfwds), add=list(add),
                    append=append)


def pattern(n, off=0):
    """The guest's test byte stream (sock_util.h pattern_byte)."""
    return bytes(((i * 7 + (i >> 12)) & 0xff) for i in range(off, off + n))


# ---------------------------------------------------------------------------
# Host-side servers (threads of this process, on 127.0.0.1)
# ---------------------------------------------------------------------------
class _Server:
    """A threaded TCP or UDP server on a free 127.0.0.1 port; stop() ends it."""

    def __init__(self, server):
        self.server = server
        self.port = server.server_address[1]
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def tcp_server(handle):
    """handle(sock): serve one connection; the server closes it afterwards."""
    class H(socketserver.BaseRequestHandler):
        def handle(self):
            handle(self.request)
    return _Server(_ThreadingTCP(("127.0.0.1", 0), H))


def udp_echo_server():
    class H(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            sock.sendto(data, self.client_address)
    return _Server(socketserver.ThreadingUDPServer(("127.0.0.1", 0), H))


def closed_port():
    """A 127.0.0.1 port nobody listens on (bound and released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_line(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data


# ---------------------------------------------------------------------------
# The reference programs
# ---------------------------------------------------------------------------
def tools_cc(ctx, src, out):
    cc = os.path.join(TOP, "tools", "cc")
    if not os.path.exists(cc):
        ctx.fail("tools/cc does not exist")
    r = ctx.run_tool([cc, "-o", out, src], env=dict(os.environ, SIS_BUILD_DIR=ctx.build_dir))
    ctx.check(r.returncode == 0, f"tools/cc {os.path.basename(src)} failed: {r.stderr.strip()}")
    return out


@test(timeout=60)
def ref3(ctx):
    exe = tools_cc(ctx, os.path.join(TOP, "user/tests/sock_ref3.c"),
                   os.path.join(ctx.tmpdir(), "ref3"))
    q = boot(ctx, "/bin/ref3", add=[f"{exe}:/bin/ref3"])
    q.expect(r"^Socket created: fd=3$")  # after stdin, stdout, stderr
    q.expect_exit(0)


@test(timeout=60)
def ref4(ctx):
    body = b"<html><body>SIS reference test 4 says hello</body></html>\n"

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):
            # One write: the program makes one recv() call.
            head = (f"HTTP/1.0 200 OK\r\nServer: sis-test\r\nContent-Type: text/html\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            self.wfile.write(head + body)

        def log_message(self, *a):
            pass
    srv = _Server(http.server.ThreadingHTTPServer(("127.0.0.1", 0), H))
    try:
        src = open(os.path.join(TOP, "user/tests/sock_ref4.c")).read()
        for old, new in (('inet_addr("93.184.216.34")', f'inet_addr("{HOST}")'),
                         ("htons(80)", f"htons({srv.port})")):
            ctx.check(src.count(old) == 1, f"sock_ref4.c: expected one {old}")
            src = src.replace(old, new)
        path = os.path.join(ctx.tmpdir(), "ref4.c")
        with open(path, "w") as fh:
            fh.write(src)
        exe = tools_cc(ctx, path, os.path.join(ctx.tmpdir(), "ref4"))
        q = boot(ctx, "/bin/ref4", add=[f"{exe}:/bin/ref4"])
        q.expect(r"HTTP/1\.0 200 OK")
        q.expect(r"SIS reference test 4 says hello")
        q.expect_exit(0)
    finally:
        srv.stop()


# ---------------------------------------------------------------------------
# A guest server (sock_srv) and host clients
# ---------------------------------------------------------------------------
def start_srv(ctx):
    tport, tfwd = ctx.hostfwd(8080)
    uport, ufwd = ctx.hostfwd(7007, proto="udp")
    q = boot(ctx, "/bin/sock_srv", 8080, 7007, hostfwds=[tfwd, ufwd])
    q.expect(r"^sock_srv: ready", timeout=30)
    return q, tport, uport


def curl(ctx, *args, timeout=None, binary=False):
    if not shutil.which("curl"):
        raise TestSkip("needs curl")
    argv = ["curl", "-sS", "--max-time", str(int(timeout or ctx.remaining())), *args]
    ctx.log_write(f"--- {' '.join(argv)}\n")
    try:
        r = subprocess.run(argv, capture_output=True, timeout=max(ctx.remaining(), 1))
    except subprocess.TimeoutExpired:
        ctx.fail("curl did not finish in time")
    ctx.check(r.returncode == 0, f"curl failed ({r.returncode}): {r.stderr.decode().strip()}")
    return r.stdout if binary else r.stdout.decode()


def stop_srv(ctx, q, tport):
    ctx.check(curl(ctx, f"http://127.0.0.1:{tport}/quit") == "bye\n", "GET /quit")
    q.expect(r"^sock_srv: bye")
    q.expect_exit(0)


@test(timeout=90)
def http_1mib(ctx):
    q, tport, _ = start_srv(ctx)
    got = curl(ctx, f"http://127.0.0.1:{tport}/bytes/1048576", binary=True)
    want = pattern(1 << 20)
    ctx.check(len(got) == len(want), f"got {len(got)} bytes, want {len(want)}")
    ctx.check(got == want, "1 MiB body differs from the pattern")
    stop_srv(ctx, q, tport)


@test(timeout=120)
def http_200_sequential(ctx):
    q, tport, _ = start_srv(ctx)
    args = []
    for i in range(200):
        args += ["-o", "/dev/null", f"http://127.0.0.1:{tport}/bytes/{1000 + i}"]
    out = curl(ctx, "-w", "%{http_code} %{size_download}\\n", *args)
    lines = out.split()
    ctx.check(len(lines) == 400, f"{len(lines) // 2} responses of 200")
    for i in range(200):
        ctx.check(lines[2 * i] == "200" and lines[2 * i + 1] == str(1000 + i),
                  f"request {i}: {lines[2 * i:2 * i + 2]}")
    stop_srv(ctx, q, tport)


@test(timeout=120)
def http_32_concurrent(ctx):
    q, tport, _ = start_srv(ctx)
    results = [None] * 32

    def client(i):
        try:
            results[i] = curl(ctx, f"http://127.0.0.1:{tport}/bytes/{200000 + i}", binary=True)
        except Exception as e:  # noqa: BLE001  (reported below)
            results[i] = e
    threads = [threading.Thread(target=client, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, r in enumerate(results):
        ctx.check(isinstance(r, bytes), f"client {i}: {r}")
        ctx.check(r == pattern(200000 + i), f"client {i}: wrong body ({len(r)} bytes)")
    stop_srv(ctx, q, tport)


@test(timeout=60)  # normally about 5 s
def bulk_16mib(ctx):
    q, tport, _ = start_srv(ctx)
    n = 16 << 20
    # Guest to host.
    got = curl(ctx, f"http://127.0.0.1:{tport}/bytes/{n}", binary=True)
    ctx.check(len(got) == n, f"download: {len(got)} bytes, want {n}")
    want_crc = zlib.crc32(pattern(n))
    ctx.check(zlib.crc32(got) == want_crc,
              f"download CRC {zlib.crc32(got):08x}, want {want_crc:08x}")
    # Host to guest.
    up = os.path.join(ctx.tmpdir(), "upload.bin")
    data = random.Random(1).randbytes(n)
    with open(up, "wb") as fh:
        fh.write(data)
    reply = curl(ctx, "--data-binary", f"@{up}", "-H", "Content-Type: application/octet-stream",
                 f"http://127.0.0.1:{tport}/sink").split()
    ctx.check(reply == [str(n), f"{zlib.crc32(data):08x}"],
              f"upload: guest says {reply}, host sent {n} {zlib.crc32(data):08x}")
    stop_srv(ctx, q, tport)


@test(timeout=60)
def udp_echo_in(ctx):
    q, tport, uport = start_srv(ctx)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        for i in range(50):
            msg = random.Random(i).randbytes(1 + (i * 131) % 1400)
            s.sendto(msg, ("127.0.0.1", uport))
            data, _ = s.recvfrom(65536)
            ctx.check(data == msg, f"datagram {i}: {len(data)} bytes back, sent {len(msg)}")
    finally:
        s.close()
    stop_srv(ctx, q, tport)


# ---------------------------------------------------------------------------
# Guest clients (sock_cli) and host servers
# ---------------------------------------------------------------------------
def run_cli(ctx, *args, timeout=None):
    q = boot(ctx, "/bin/sock_cli", *args)
    q.expect(rf"^PASS {args[0]}$", timeout=timeout)
    q.expect_exit(0)
    return q


@test(timeout=60)
def udp_echo_out(ctx):
    srv = udp_echo_server()
    try:
        run_cli(ctx, "udp", HOST, srv.port, 50)
    finally:
        srv.stop()


@test(timeout=60)
def nbconnect_host(ctx):
    def pong(sock):
        if read_line(sock) == b"ping\n":
            sock.sendall(b"pong from the host\n")
    srv = tcp_server(pong)
    try:
        q = run_cli(ctx, "nbconnect", HOST, srv.port)
        ctx.check("nbconnect: reply pong from the host" in q.output, "no reply line")
    finally:
        srv.stop()


@test(timeout=60)
def refused_host(ctx):
    run_cli(ctx, "refused", HOST, closed_port())


def ping_test(host):
    def run(ctx):
        q = run_cli(ctx, "ping", host, 3)
        ctx.check(f"ping {host}: ping socket 3/3, raw socket 3/3" in q.output, "lost echoes")
    return run


register("ping_host", ping_test(HOST), timeout=60)      # slirp answers for 10.0.2.2
register("ping_loopback", ping_test("127.0.0.1"), timeout=60)


@test(timeout=60)
def leak(ctx):
    def reply(sock):
        read_line(sock)
        sock.sendall(b"r" * 1000)  # then the server closes first
    srv = tcp_server(reply)
    try:
        q = run_cli(ctx, "leak", HOST, srv.port, 1000, timeout=40)
        ctx.check("leak: after" in q.output, "no counters printed")
    finally:
        srv.stop()


BULK_MIB = 16


def bulk_server(ctx):
    """The host end of `sock_cli bulk`: on "get", send BULK_MIB MiB of the
    pattern and close; on "put", check every byte the guest sends until its
    FIN and answer with a verdict."""
    period = pattern(1 << 20)   # the pattern repeats every MiB (see pattern())
    total = BULK_MIB << 20

    def handle(sock):
        sock.settimeout(30)
        if read_line(sock) == b"get\n":
            for _ in range(BULK_MIB):
                sock.sendall(period)
            return
        got, bad = 0, None
        while True:
            b = sock.recv(1 << 16)
            if not b:
                break
            pos = 0
            while bad is None and pos < len(b):  # a piece per period boundary
                start = (got + pos) % len(period)
                n = min(len(b) - pos, len(period) - start)
                if b[pos:pos + n] != period[start:start + n]:
                    bad = got + pos
                pos += n
            got += len(b)
        ctx.log_write(f"--- bulk server: got {got} bytes, first bad chunk at {bad}\n")
        verdict = "intact" if bad is None and got == total else f"bad at {bad}, {got} bytes"
        sock.sendall(f"host: {got} bytes {verdict}\n".encode())
    return tcp_server(handle)


@test(timeout=45)
def bulk_16mib_sockets(ctx):
    """16 MiB each way over TCP between a guest user program
    (socket calls) in 16 MiB of RAM and a host server, every byte compared on
    both ends: the socket-layer twin of net.tcp_user (a raw-lwIP ktest).
    Normally a few seconds each way: 30 s is the bound."""
    srv = bulk_server(ctx)
    try:
        q = boot(ctx, "/bin/sock_cli", "bulk", HOST, srv.port, BULK_MIB, mem="16M")
        q.expect(rf"^bulk: received {BULK_MIB << 20} bytes in [\d.]+ s$", timeout=40)
        q.expect(rf"^bulk: sent {BULK_MIB << 20} bytes in [\d.]+ s; "
                 rf"host: {BULK_MIB << 20} bytes intact$", timeout=30)
        q.expect(r"^PASS bulk$", timeout=5)
        q.expect_exit(0, timeout=10)
    finally:
        srv.stop()


@test(timeout=60)
def leak_active_close(ctx):
    """The guest closes first (the server sends 1000 bytes and waits for the
    guest's FIN), so the guest holds TIME_WAIT for each of 1000 connections;
    once it has expired the pool counters are back where they started."""
    def reply_then_wait(sock):
        read_line(sock)
        sock.sendall(b"r" * 1000)
        sock.settimeout(30)
        while sock.recv(4096):  # until the guest's FIN
            pass
    srv = tcp_server(reply_then_wait)
    try:
        q = run_cli(ctx, "leakactive", HOST, srv.port, 1000, timeout=45)
        m = re.search(r"^leak: (\d+) connections in TIME_WAIT after the cycles$", q.output, re.M)
        ctx.check(m and int(m.group(1)) > 0, "the guest held no TIME_WAIT")
    finally:
        srv.stop()


# ---------------------------------------------------------------------------
# Between guest processes, and bad input
# ---------------------------------------------------------------------------
def loop_test(name):
    def run(ctx):
        q = boot(ctx, "/bin/sock_loop", name)
        q.expect(rf"^PASS {name}$")
        q.expect_exit(0)
    return run


for _name in LOOP_SUBTESTS:
    register(f"loop_{_name}", loop_test(_name), timeout=90)


@test(timeout=60)
def napi_poll64(ctx):
    """poll() over 64 idle sockets runs the network stack at most once."""
    q = boot(ctx, "/bin/sock_napi")
    q.expect(r"^PASS napi_poll64$")
    q.expect_exit(0)


@test(timeout=60)
def errno(ctx):
    q = boot(ctx, "/bin/sock_errno")
    q.expect(r"^sock_errno: \d+ checks, 0 failed$")
    q.expect_exit(0)


def fuzz_test(rounds, calls, mem):
    def run(ctx):
        q = boot(ctx, "/bin/sock_fuzz", rounds, calls, mem=mem)
        q.expect(r"^sock_fuzz: \d+ rounds of \d+ calls, seed [0-9a-f]+", timeout=30)
        q.expect(r"^sock_fuzz: PASS$", timeout=150)
        q.expect_exit(0)
    return run


# A fresh seed each run (printed with the command line that replays it).
register("fuzz", fuzz_test(120, 400, "128M"), timeout=200)
register("fuzz_16m", fuzz_test(30, 400, "16M"), timeout=120)


@test(timeout=120)
def linux_reference(ctx):
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        raise TestSkip("needs a native C compiler")
    runs = [("sock_errno.c", [], r"^sock_errno: [1-9]\d* checks, 0 failed$"),
            ("sock_loop.c", [], r"^sock_loop: 0 failed$")]
    for src, args, want in runs:
        exe = os.path.join(ctx.tmpdir(), src[:-2])
        r = ctx.run_tool([gcc, "-O1", "-o", exe, os.path.join(TOP, "user/tests", src)])
        ctx.check(r.returncode == 0, f"native build of {src}: {r.stderr.strip()}")
        argv = [exe, *args]
        if os.geteuid() == 0 and shutil.which("unshare"):
            # A private network namespace: loopback only, ping sockets allowed.
            argv = ["unshare", "-n", "sh", "-c",
                    "ip link set lo up && sysctl -qw net.ipv4.ping_group_range='0 2147483647'"
                    f" && exec {exe}"]
        r = ctx.run_tool(argv, timeout=90)
        ctx.check(r.returncode == 0 and re.search(want, r.stdout, re.M),
                  f"{src} on Linux: exit {r.returncode}: {r.stdout[-400:]}")


# A server that accepts one connection and keeps it open, saying nothing.
HOLD_SERVER = r"""
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); print("listening", flush=True)
c, _ = s.accept(); print("accepted", flush=True); time.sleep(120)
"""


def cut_peer(ctx, mode, failure):
    """Boot `sock_cli MODE` against HOLD_SERVER over a tap in a namespace; once
    connected, 4 s with the link up must not produce FAILURE (the timer
    under test is shorter, so a live peer has to keep the connection), then
    the tap goes down. Returns (the QEMU, the monotonic time the link went down)."""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.100.1/24")
    log = os.path.join(ctx.log_dir, f"{ctx.name}.server.log")
    with open(log, "wb") as fh:
        srv = ns.popen([sys.executable, "-c", HOLD_SERVER, "192.168.100.1", "7000"], stdout=fh)
    wait_for_file_line(ctx, srv, log, r"^listening$", "the holding server")
    q = ctx.qemu(netns=ns, nets=["tap:tap0"],
                 append="ip=192.168.100.2/24:192.168.100.1 "
                        f"init=/bin/sock_cli -- {mode} 192.168.100.1 7000")
    q.expect(rf"^{mode}: connected$", timeout=30)
    time.sleep(4)
    ctx.check(failure not in q.output, f"{mode} dropped a live connection")
    ns.ip("link", "set", "tap0", "down")
    return q, time.monotonic()


# Seconds from the link going down to the error, at most: keepalive (1 s idle,
# 2 probes 1 s apart) and TCP_USER_TIMEOUT (2 s, checked each second) both
# fail in about 3 s; a loaded host may add a few.
CUT_BOUND = 10


@test(timeout=60, needs_root=True)
def keepalive_timeout(ctx):
    q, down = cut_peer(ctx, "keepalive", "read failed")
    q.expect(r"^keepalive: read failed after [\d.]+ s$", timeout=CUT_BOUND + 5)
    took = time.monotonic() - down
    ctx.check(took <= CUT_BOUND, f"ETIMEDOUT {took:.1f} s after the link went down, "
                                 f"want <= {CUT_BOUND} s")
    q.expect(r"^PASS keepalive$", timeout=5)
    q.expect_exit(0, timeout=10)


@test(timeout=60, needs_root=True)
def user_timeout(ctx):
    q, down = cut_peer(ctx, "usertimeout", "write failed")
    m = q.expect(r"^usertimeout: write failed after ([\d.]+) s", timeout=CUT_BOUND + 5)
    took = time.monotonic() - down
    ctx.check(float(m.group(1)) >= 4, f"failed after {m.group(1)} s, before the link went down")
    ctx.check(took <= CUT_BOUND, f"ETIMEDOUT {took:.1f} s after the link went down, "
                                 f"want <= {CUT_BOUND} s")
    q.expect(r"^PASS usertimeout$", timeout=5)
    q.expect_exit(0, timeout=10)
