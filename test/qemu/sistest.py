"""sistest.py: the library behind SIS's QEMU tests (Python standard library only).

A test is a function in test/qemu/test_*.py registered with @test. It gets a
Ctx, boots SIS with ctx.qemu(...), and talks to the serial console:

    from sistest import test

    @test(timeout=30)
    def boot_128m(ctx):
        q = ctx.qemu(mem="128M", nets=["none"])
        q.expect(r"SIS: boot complete")

    @test(timeout=30)
    def ktest_sleep(ctx):
        ctx.qemu(append="ktest=sleep").expect_exit(0)

Rules the library enforces:
  - every QEMU runs with a deadline (the test's timeout); expect()/wait() fail
    when it passes, and the runner kills whatever is left;
  - each expect() waits at most DEFAULT_EXPECT_TIMEOUT (30 s) unless given
    timeout=: a slowdown fails instead of using up the test's budget (the
    test log records how long every expect took);
  - any `KERNEL PANIC` line on the serial console fails the test (unless the
    QEMU was started with allow_panic=True), even if the test never looked;
  - so does any `[ERROR] ` kernel log line, unless it matches one of the
    regexes the test declared with ctx.qemu(allow_errors=[...]) or
    q.allow_error(regex) (the errors it provokes on purpose);
  - the serial output of every QEMU goes to build/test-logs/<test>.log;
  - network namespaces made with ctx.netns() are deleted when the test ends,
    pass or fail (and at interpreter exit / SIGTERM); tests only ever use
    loopback, QEMU user networking, or addresses inside their own namespaces.

Failing: raise TestFailure (ctx.fail(msg), ctx.check(cond, msg)) or any
exception. Skipping (e.g. not root): raise TestSkip.
"""
import atexit
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tools"))
import qemu as qemu_cmd  # noqa: E402  (tools/qemu.py: the shared QEMU command line)
from fdt import Fdt  # noqa: E402,F401  (re-exported for tests)

PANIC_RE = re.compile(r"KERNEL PANIC")
ERROR_RE = re.compile(r"\[ERROR\] ")   # log_err(); it may follow an unfinished line
DEFAULT_TIMEOUT = 60
# What one expect() waits by default: a few times what a boot line or a test
# program's result normally takes (1-5 s) on a loaded host, so a 10x slowdown
# fails instead of hiding in the test's whole budget. Waits that are longer
# by design say so with timeout=.
DEFAULT_EXPECT_TIMEOUT = 30


class TestFailure(Exception):
    pass


class TestSkip(Exception):
    pass


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------
TESTS = []  # list of TestCase, in registration order


class TestCase:
    def __init__(self, name, fn, timeout, needs_root):
        self.name, self.fn, self.timeout, self.needs_root = name, fn, timeout, needs_root


def test(fn=None, *, name=None, timeout=DEFAULT_TIMEOUT, needs_root=False):
    """Register a test. Its name is <module without test_>.<function name>
    (or <module>.<name>), e.g. boot.complete_128m."""
    def reg(f):
        mod = f.__module__.rsplit(".", 1)[-1]
        mod = mod[5:] if mod.startswith("test_") else mod
        TESTS.append(TestCase(f"{mod}.{name or f.__name__}", f, timeout, needs_root))
        return f
    return reg(fn) if fn is not None else reg


def register(name, fn, *, timeout=DEFAULT_TIMEOUT, needs_root=False):
    """Register FN (a function of ctx) under NAME: for parametrised tests."""
    mod = fn.__module__.rsplit(".", 1)[-1]
    mod = mod[5:] if mod.startswith("test_") else mod
    TESTS.append(TestCase(f"{mod}.{name}", fn, timeout, needs_root))


# --------------------------------------------------------------------------
# Cleanup of everything tests start, whatever happens
# --------------------------------------------------------------------------
_live_lock = threading.Lock()
_live_procs = set()    # Popen objects still to kill
_live_netns = set()    # namespace names still to delete


def _kill_proc(p, grace=2.0):
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        p.terminate()
    try:
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            p.kill()
        p.wait()


def _delete_netns(name):
    r = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
    for pid in r.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    for _ in range(50):
        if subprocess.run(["ip", "netns", "del", name], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    with _live_lock:
        _live_netns.discard(name)


def cleanup_all():
    with _live_lock:
        procs, nss = list(_live_procs), list(_live_netns)
    for p in procs:
        _kill_proc(p, grace=1.0)
    for ns in nss:
        _delete_netns(ns)


atexit.register(cleanup_all)

NETNS_PREFIX = "sist-"


def cleanup_stale_netns():
    """Delete namespaces left by an earlier runner that died (name carries its pid)."""
    if not shutil.which("ip"):
        return
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        m = re.match(rf"({NETNS_PREFIX}(\d+)-\d+)\b", line)
        if m and not os.path.exists(f"/proc/{m.group(2)}"):
            _delete_netns(m.group(1))


# --------------------------------------------------------------------------
# One QEMU
# --------------------------------------------------------------------------
class Qemu:
    """A running QEMU whose serial console is on a pipe."""

    def __init__(self, ctx, argv, label, allow_panic=False, allow_errors=()):
        self.ctx, self.argv, self.label = ctx, argv, label
        self.allow_panic = allow_panic
        self.errors = []         # every [ERROR] line seen
        self._allowed = []       # regexes of expected [ERROR] lines
        for rx in ([] if allow_errors is True else allow_errors):
            self.allow_error(rx)
        self._any_error_ok = allow_errors is True
        self.lines = []          # complete serial lines, '\r' stripped
        self.partial = ""        # the last, unterminated line
        self.panic = None        # first KERNEL PANIC line seen
        self.status = None       # exit status once QEMU is gone
        self._cursor = 0         # lines before this were consumed by expect()
        self._partial_used = 0   # chars of .partial consumed by a prompt expect()
        self._cond = threading.Condition()
        ctx.log_write(f"--- {label}: {' '.join(argv)}\n")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        with _live_lock:
            _live_procs.add(self.proc)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        prefix = "" if self.label == "qemu1" else f"[{self.label}] "
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            *done, rest = buf.split(b"\n")
            buf = rest
            with self._cond:
                for raw in done:
                    line = raw.decode("utf-8", "replace").replace("\r", "")
                    self.lines.append(line)
                    self.ctx.log_write(prefix + line + "\n")
                    self._note(line)
                self.partial = buf.decode("utf-8", "replace").replace("\r", "")
                if done:
                    self._partial_used = 0
                self._cond.notify_all()
        status = self.proc.wait()
        with self._cond:
            if buf:
                line = buf.decode("utf-8", "replace").replace("\r", "")
                self.lines.append(line)
                self.ctx.log_write(prefix + line + "\n")
                self._note(line)
                self.partial = ""
            self.status = status
            self.ctx.log_write(f"--- {self.label} exited with status {status}\n")
            self._cond.notify_all()
        with _live_lock:
            _live_procs.discard(self.proc)

    def _note(self, line):
        if self.panic is None and PANIC_RE.search(line):
            self.panic = line
        if ERROR_RE.search(line):
            self.errors.append(line)

    # --- kernel errors ------------------------------------------------------
    def allow_error(self, pattern):
        """Expect [ERROR] lines matching regex PATTERN (re.search): they do not
        fail the test. Lines seen before the call count too."""
        self._allowed.append(re.compile(pattern))

    def unexpected_error(self):
        """The first [ERROR] line no allowed pattern matches, or None."""
        if self._any_error_ok:
            return None
        with self._cond:
            errors = list(self.errors)
        return next((e for e in errors if not any(rx.search(e) for rx in self._allowed)),
                    None)

    # --- output -----------------------------------------------------------
    @property
    def output(self):
        with self._cond:
            return "\n".join(self.lines + ([self.partial] if self.partial else []))

    def _check_panic(self):
        if self.panic is not None and not self.allow_panic:
            raise TestFailure(f"kernel panic: {self.panic.strip()}")
        bad = self.unexpected_error() if self.errors else None
        if bad is not None:
            raise TestFailure(f"kernel error: {bad.strip()}")

    def _timeout(self, timeout):
        t = self.ctx.remaining() if timeout is None else min(timeout, self.ctx.remaining())
        return max(t, 0.0)

    def expect(self, pattern, timeout=DEFAULT_EXPECT_TIMEOUT, prompt=False):
        """Wait for a serial line matching regex PATTERN (re.search) after the
        last matched line; return the match. prompt=True also matches the
        current unterminated line (e.g. a shell prompt). Fails after TIMEOUT
        seconds (DEFAULT_EXPECT_TIMEOUT; None: the test's whole budget), on a
        kernel panic, or if QEMU exits first."""
        start = time.monotonic()
        try:
            return self._expect(pattern, timeout, prompt)
        finally:
            self.ctx.log_write(f"--- expect /{pattern}/: {time.monotonic() - start:.1f} s "
                               f"(limit {timeout if timeout is not None else 'budget'})\n")

    def _expect(self, pattern, timeout, prompt):
        rx = re.compile(pattern)
        deadline = time.monotonic() + self._timeout(timeout)
        with self._cond:
            while True:
                self._check_panic()
                while self._cursor < len(self.lines):
                    line = self.lines[self._cursor]
                    self._cursor += 1
                    if PANIC_RE.search(line) and not self.allow_panic:
                        raise TestFailure(f"kernel panic: {line.strip()}")
                    m = rx.search(line)
                    if m:
                        return m
                if prompt:
                    m = rx.search(self.partial, self._partial_used)
                    if m:
                        self._partial_used = m.end()
                        return m
                if self.status is not None:
                    raise TestFailure(f"QEMU exited (status {self.status}) before "
                                      f"/{pattern}/ appeared{self._last()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TestFailure(f"timed out waiting for /{pattern}/{self._last()}")
                self._cond.wait(min(left, 0.5))

    def wait_line(self, pattern, timeout=None):
        """Wait for a serial line matching regex PATTERN anywhere in the output
        so far or to come, whatever was matched before; the cursor of expect()
        does not move. For lines that come asynchronously (an IPv6 address
        once DAD is done) in no fixed order with the others."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + self._timeout(timeout)
        seen = 0
        with self._cond:
            while True:
                self._check_panic()
                while seen < len(self.lines):
                    m = rx.search(self.lines[seen])
                    seen += 1
                    if m:
                        return m
                if self.status is not None:
                    raise TestFailure(f"QEMU exited (status {self.status}) before "
                                      f"/{pattern}/ appeared{self._last()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TestFailure(f"timed out waiting for /{pattern}/{self._last()}")
                self._cond.wait(min(left, 0.5))

    def _last(self):
        last = self.partial or next((ln for ln in reversed(self.lines) if ln.strip()), "")
        return f" (last output: {last.strip()[:120]!r})" if last.strip() else " (no output)"

    def expect_lines(self, *patterns, timeout=DEFAULT_EXPECT_TIMEOUT):
        return [self.expect(p, timeout) for p in patterns]

    def send(self, text):
        """Type TEXT (str or bytes) on the serial console."""
        data = text.encode() if isinstance(text, str) else text
        self.ctx.log_write(f"--- {self.label} <<< {data!r}\n")
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise TestFailure(f"cannot send to QEMU (exited?): {e}") from None

    def sendline(self, text):
        self.send(text + "\n")

    # --- exit -------------------------------------------------------------
    def wait(self, timeout=None):
        """Wait for QEMU to exit; return its status (the guest's semihosting
        exit status). Fails on timeout or kernel panic."""
        deadline = time.monotonic() + self._timeout(timeout)
        with self._cond:
            while self.status is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._check_panic()
                    raise TestFailure(f"timed out waiting for QEMU to exit{self._last()}")
                self._cond.wait(min(left, 0.5))
        self._check_panic()
        return self.status

    def expect_exit(self, status=0, timeout=None):
        got = self.wait(timeout)
        if got != status:
            raise TestFailure(f"exit status {got}, expected {status}{self._last()}")
        return got

    def kill(self):
        _kill_proc(self.proc)
        self._reader.join(5)


# --------------------------------------------------------------------------
# Network namespaces (root only)
# --------------------------------------------------------------------------
_ns_counter = 0
_ns_counter_lock = threading.Lock()


class Netns:
    """A network namespace owned by one test; deleted when the test ends."""

    def __init__(self, ctx):
        global _ns_counter
        if os.geteuid() != 0:
            raise TestSkip("needs root for network namespaces")
        if not shutil.which("ip"):
            raise TestSkip("needs iproute2 (ip)")
        with _ns_counter_lock:
            _ns_counter += 1
            self.name = f"{NETNS_PREFIX}{os.getpid()}-{_ns_counter}"
        self.ctx = ctx
        self.procs = []
        with _live_lock:
            _live_netns.add(self.name)
        self._ip("netns", "add", self.name)
        self.ip("link", "set", "lo", "up")
        ctx.log_write(f"--- netns {self.name} created\n")

    def _ip(self, *args):
        r = subprocess.run(["ip", *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise TestFailure(f"ip {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def ip(self, *args):
        """Run `ip ARGS` inside the namespace."""
        return self._ip("-n", self.name, *args)

    def exec_argv(self, argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def add_tap(self, ifname="tap0", addr="192.168.100.1/24"):
        """Create tap IFNAME in the namespace, give the host side ADDR, bring it up."""
        self.ip("tuntap", "add", "dev", ifname, "mode", "tap")
        if addr:
            self.ip("addr", "add", addr, "dev", ifname)
        self.ip("link", "set", ifname, "up")
        return ifname

    def run(self, argv, timeout=None, **kw):
        """subprocess.run ARGV inside the namespace (bounded by the test deadline)."""
        t = self.ctx.remaining() if timeout is None else min(timeout, self.ctx.remaining())
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        try:
            return subprocess.run(self.exec_argv(argv), timeout=max(t, 0.1), **kw)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"timed out: {' '.join(argv)}") from None

    def popen(self, argv, **kw):
        """Start a background process inside the namespace; killed at cleanup."""
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.STDOUT)
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(self.exec_argv(argv), start_new_session=True, **kw)
        with _live_lock:
            _live_procs.add(p)
        self.procs.append(p)
        return p

    def dnsmasq(self, ifname="tap0", first="192.168.100.50", last="192.168.100.99",
                netmask="255.255.255.0", lease="1h", extra=(), leases=None):
        """Serve DHCP (no DNS) on IFNAME with Debian's dnsmasq. Returns once it
        has said its DHCP socket is up. Each instance of a test logs to its own
        file in the test log dir, <test>.dnsmasq.log for the first, then
        <test>.dnsmasq2.log, ...; the Popen's .log_path names it. Each has
        its own lease database unless LEASES names one (.lease_path: give a
        restarted server its predecessor's, as a real restart keeps it)."""
        exe = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        if not os.path.exists(exe):
            raise TestSkip("needs dnsmasq (package dnsmasq-base)")
        self.ctx.dnsmasq_count += 1
        n = self.ctx.dnsmasq_count
        tag = "" if n == 1 else str(n)
        d = self.ctx.tmpdir()
        path = os.path.join(self.ctx.log_dir, f"{self.ctx.name}.dnsmasq{tag}.log")
        log = open(path, "wb")  # noqa: SIM115
        leases = leases or os.path.join(d, f"dnsmasq{tag}.leases")
        argv = [exe, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--port=0", f"--interface={ifname}", "--bind-interfaces",
                "--except-interface=lo", f"--dhcp-range={first},{last},{netmask},{lease}",
                f"--dhcp-leasefile={leases}",
                f"--pid-file={os.path.join(d, f'dnsmasq{tag}.pid')}", "--log-dhcp",
                "--log-facility=-", *extra]
        p = self.popen(argv, stdout=log, stderr=subprocess.STDOUT)
        p.log_path = path
        p.lease_path = leases
        wait_for_file_line(self.ctx, p, path, r"DHCP, IP range ", "dnsmasq")
        return p

    def delete(self):
        for p in self.procs:
            _kill_proc(p, grace=1.0)
        _delete_netns(self.name)
        self.ctx.log_write(f"--- netns {self.name} deleted\n")


def wait_for_file_line(ctx, proc, path, pattern, what, timeout=10.0):
    """Wait until PROC (a Popen) has written a line matching regex PATTERN to
    PATH: a server's own word that it is ready, instead of a guessed sleep.
    Fails if PROC exits first or TIMEOUT seconds pass."""
    rx = re.compile(pattern, re.M)
    end = time.monotonic() + min(timeout, max(ctx.remaining(), 0.1))
    while True:
        try:
            with open(path, errors="replace") as fh:
                if rx.search(fh.read()):
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise TestFailure(f"{what} exited with {proc.returncode} before it was ready "
                              f"(see {os.path.basename(path)})")
        if time.monotonic() > end:
            raise TestFailure(f"{what} not ready after {timeout:.0f} s: no /{pattern}/ in "
                              f"{os.path.basename(path)}")
        time.sleep(0.02)


def wait_for_port(ctx, host, port, timeout=10.0, proc=None, netns=None):
    """Poll until a TCP connection to HOST:PORT succeeds (the server is
    listening), from inside NETNS if given; fails after TIMEOUT seconds or
    when PROC (the server's Popen) exits first."""
    end = time.monotonic() + min(timeout, max(ctx.remaining(), 0.1))
    probe = ("import socket,sys\n"
             "try: socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()\n"
             "except OSError: sys.exit(1)\n")
    while True:
        if netns is not None:
            ok = subprocess.run(netns.exec_argv([sys.executable, "-c", probe, host, str(port)]),
                                capture_output=True).returncode == 0
        else:
            try:
                socket.create_connection((host, port), timeout=1).close()
                ok = True
            except OSError:
                ok = False
        if ok:
            return
        if proc is not None and proc.poll() is not None:
            raise TestFailure(f"server for {host}:{port} exited with {proc.returncode}")
        if time.monotonic() > end:
            raise TestFailure(f"nothing listening on {host}:{port} after {timeout:.0f} s")
        time.sleep(0.05)


# --------------------------------------------------------------------------
# What a test function gets
# --------------------------------------------------------------------------
class Ctx:
    def __init__(self, case, build_dir, log_dir):
        self.case = case
        self.name = case.name
        self.build_dir = build_dir
        self.log_dir = log_dir
        self.kernel = qemu_cmd.kernel_path(build_dir)
        base = qemu_cmd.test_initrd_path(build_dir)
        self.base_initrd = base if os.path.exists(base) else None
        user = qemu_cmd.initrd_path(build_dir)
        self.user_initrd = user if os.path.exists(user) else None  # what tools/run boots
        self.deadline = time.monotonic() + case.timeout
        self.log_path = os.path.join(log_dir, case.name + ".log")
        for old in glob.glob(os.path.join(log_dir, glob.escape(case.name) + ".*.log")):
            os.unlink(old)  # side logs (dnsmasq, ...) of an earlier run
        self._log = open(self.log_path, "w", buffering=1, errors="replace")
        self._log_lock = threading.Lock()
        self._qemus = []
        self._netns = []
        self._tmp = None
        self.aborted = False
        self.dnsmasq_count = 0   # instances started by Netns.dnsmasq (log file names)

    # --- bookkeeping ------------------------------------------------------
    def remaining(self):
        return self.deadline - time.monotonic()

    def log_write(self, text):
        with self._log_lock:
            if not self._log.closed:
                self._log.write(text)

    def tmpdir(self):
        if self._tmp is None:
            self._tmp = os.path.join(self.log_dir, "tmp", self.name)
            shutil.rmtree(self._tmp, ignore_errors=True)
            os.makedirs(self._tmp)
        return self._tmp

    def fail(self, msg):
        raise TestFailure(msg)

    def check(self, cond, msg):
        if not cond:
            raise TestFailure(msg)

    def free_port(self):
        return qemu_cmd.free_port()

    def hostfwd(self, guest_port, proto="tcp"):
        """(host_port, spec): a free 127.0.0.1 port forwarded to GUEST_PORT."""
        port = qemu_cmd.free_port()
        return port, f"{proto}:127.0.0.1:{port}-:{guest_port}"

    # --- starting things ---------------------------------------------------
    def make_initrd(self, add, base="default"):
        """A cpio = BASE (default: build/user/initramfs-test.cpio if it exists) plus
        ADD, a list of 'HOST[:GUEST]' specs (see tools/mkcpio.py)."""
        base = self.base_initrd if base == "default" else base
        out = os.path.join(self.tmpdir(), f"initramfs{len(self._qemus) + 1}.cpio")
        cmd = [sys.executable, os.path.join(TOP, "tools", "mkcpio.py"), "-o", out]
        if base:
            cmd += ["--base", base]
        r = subprocess.run(cmd + list(add), capture_output=True, text=True)
        if r.returncode != 0:
            raise TestFailure(f"mkcpio failed: {r.stderr.strip()}")
        return out

    def argv(self, *, mem=qemu_cmd.DEFAULT_MEM, append="", nets=("none",), hostfwds=(),
             modern=True, initrd="default", add=(), pcap=None, machine_opts=(),
             extra=()):
        if initrd == "default":
            initrd = self.make_initrd(add) if add else self.base_initrd
        elif add:
            initrd = self.make_initrd(add, base=initrd)
        return qemu_cmd.build_argv(self.kernel, mem=mem, append=append, initrd=initrd,
                                   nets=list(nets), hostfwds=list(hostfwds), modern=modern,
                                   pcap=pcap, machine_opts=machine_opts, console="raw",
                                   extra=extra, workdir=self.tmpdir())

    def qemu(self, *, netns=None, allow_panic=False, allow_errors=(), **opts):
        """Boot SIS. opts: mem, append, nets (['none'] by default; 'user',
        'tap:IF'), hostfwds (list of 'tcp:HOSTPORT-:GUESTPORT'), modern,
        initrd (path, None, or 'default' = the meson-built one), add (list of
        'HOST[:GUEST]' files for the ramdisk), pcap, machine_opts, extra.
        netns: a Netns to run QEMU in (for tap NICs). allow_errors: regexes
        of the [ERROR] kernel lines this boot provokes on purpose (True: any)."""
        if not os.path.exists(self.kernel):
            raise TestFailure(f"{self.kernel} not built")
        try:
            argv = self.argv(**opts)
        except qemu_cmd.ConfigError as e:
            raise TestFailure(str(e)) from None
        if netns is not None:
            argv = netns.exec_argv(argv)
        q = Qemu(self, argv, f"qemu{len(self._qemus) + 1}", allow_panic=allow_panic,
                 allow_errors=allow_errors)
        self._qemus.append(q)
        return q

    def dumpdtb(self, **opts):
        """The device tree QEMU gives the guest for these same options."""
        path = os.path.join(self.tmpdir(), "virt.dtb")
        opts["machine_opts"] = list(opts.get("machine_opts", ())) + [f"dumpdtb={path}"]
        argv = self.argv(**opts)
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=max(self.remaining(), 1))
        if r.returncode != 0 or not os.path.exists(path):
            raise TestFailure(f"dumpdtb failed ({r.returncode}): {r.stdout}{r.stderr}")
        return Fdt.from_file(path)

    def netns(self):
        ns = Netns(self)
        self._netns.append(ns)
        return ns

    def run_tool(self, argv, timeout=None, input=None, env=None, allow_errors=()):
        """Run a host command (e.g. tools/run) bounded by the test deadline;
        its output goes to the test log. Returns CompletedProcess (text).
        A KERNEL PANIC or [ERROR] line (not matching ALLOW_ERRORS) in its
        output fails the test."""
        t = self.remaining() if timeout is None else min(timeout, self.remaining())
        self.log_write(f"--- run: {' '.join(argv)}\n")
        p = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else
                             subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, errors="replace",
                             start_new_session=True, cwd=TOP, env=env)
        with _live_lock:
            _live_procs.add(p)
        try:
            out, err = p.communicate(input, timeout=max(t, 0.1))
        except subprocess.TimeoutExpired:
            _kill_proc(p)
            raise TestFailure(f"timed out: {' '.join(argv)}") from None
        finally:
            with _live_lock:
                _live_procs.discard(p)
        self.log_write(out + (f"--- stderr:\n{err}" if err else "") +
                       f"--- exit status {p.returncode}\n")
        if PANIC_RE.search(out):
            raise TestFailure("kernel panic: " + next(
                ln for ln in out.splitlines() if PANIC_RE.search(ln)).strip())
        if allow_errors is not True:
            bad = next((ln for ln in out.splitlines() if ERROR_RE.search(ln) and
                        not any(re.search(rx, ln) for rx in allow_errors)), None)
            if bad is not None:
                raise TestFailure(f"kernel error: {bad.strip()}")
        return subprocess.CompletedProcess(argv, p.returncode, out, err)

    # --- the end -----------------------------------------------------------
    def abort(self):
        """Called by the runner when the test overran: kill everything it started."""
        self.aborted = True
        self.deadline = time.monotonic()
        for q in self._qemus:
            _kill_proc(q.proc, grace=0.5)

    def cleanup(self):
        """Kill QEMUs, delete namespaces. Returns the first kernel panic line
        seen by a QEMU that did not allow one, or None."""
        for q in self._qemus:
            q.kill()
        for ns in self._netns:
            ns.delete()
        panic = next((q.panic for q in self._qemus if q.panic and not q.allow_panic), None)
        return panic

    def kernel_problem(self):
        """Why the kernel output fails the test whatever the test checked: the
        first unexpected KERNEL PANIC or [ERROR] line of any QEMU, or None."""
        for q in self._qemus:
            if q.panic and not q.allow_panic:
                return f"kernel panic: {q.panic.strip()}"
        for q in self._qemus:
            bad = q.unexpected_error()
            if bad:
                return f"kernel error: {bad.strip()}"
        return None

    def close(self, result_line):
        self.log_write(f"--- {result_line}\n")
        with self._log_lock:
            self._log.close()
