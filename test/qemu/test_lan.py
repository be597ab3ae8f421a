"""A real LAN and a new user's first minutes (issue 16, sections 2-4).

- dhcp_stock_dnsmasq: Debian's dnsmasq run as a user would (ping check on,
  default dhcp.timeout): its OFFER comes ~3.04 s after the DISCOVER, after
  the fallback; the guest ends on the lease address and the namespace pings it.
- dhcp_late_server: no server for the first 10 s: the guest falls back to
  10.0.2.15, keeps discovering, and when dnsmasq starts takes its lease; the
  address, the default route and /etc/resolv.conf change, with a log line.
- console_pipe: `printf 'uname -a\npoweroff\n' | tools/run --no-build` with no
  delay: the bytes arrive before the tty exists; both commands run, exit 0.
- console_raw_typeahead: a command line and the input for the command typed
  in one burst while the shell's editor reads raw: `cat` (canonical) gets the
  line and the ^D typed ahead (into a file: input arriving after the switch
  to canonical is echoed, as on Linux, between cat's output), the shell the
  command after it.
- readme_init_args: README.md's `tools/run --append "-- ..."` examples, run as
  written (single quotes in init arguments): each exits 0, `ls -l /bin` lists.
- job_control: lan_jobctl (as init) sees a background reader stopped by
  SIGTTIN (again after SIGCONT), EIO with SIGTTIN ignored, TOSTOP writes and
  tcsetattr stopped by SIGTTOU; in the shell, `cat &` is stopped instead of
  eating the next line (issue: `kill %1` arrived as `ill %1`), `jobs` says Stopped, $! is its pid and
  `kill %1` (typed in full) ends it.
- pcap_tap: --pcap with two tap NICs: FILE (eth0) and FILE.eth1.pcap hold
  plain Ethernet frames tshark decodes (eth0: the guest's DHCP and ping
  replies; eth1: its DHCP discovers), no virtio-net header in front.
- wget_timeout: `wget -T 2` against a server that accepts and never answers
  says "read timed out" only (no "malformed HTTP response"), exit status 4.
- gdb_attach: gdb-multiarch (installed by tools/bootstrap, as README's --gdb
  needs) attaches to a halted SIS, stops at kmain and shows its frame.
- text_tools: head, tail, grep, wc, sort and cp in the guest give the same
  output and exit status as GNU coreutils/grep on the host (LC_ALL=C) for
  the options a user reaches for; `netstat -a | head` works.
- secondary_address: `ip addr add 192.168.77.30/24 dev eth0` on a tap adds a
  second address (lwIP: a netif of its own, label eth0:1): the namespace
  pings both and fetches httpd's page from the new one, `ip addr` lists it
  as secondary, adding it twice says File exists, `ip addr del` removes it.
- mem_4g: --mem 4G boots (the boot page tables cover all of RAM) and runs a
  program; tools/run refuses more than 4G with a clear message.
"""
import os
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time

from guest import PROMPT, boot_to_shell, sh
from sistest import TOP, TestFailure, TestSkip, test

LEASE_RE = r"\[INFO\] dhcp: lease (192\.168\.77\.\d+)/24 gw (\S+) dns \[([0-9., ]*)\] " \
           r"replaces the static fallback on eth0$"


def ping(ctx, ns, addr, count=5):
    r = ns.run(["ping", "-c", str(count), "-i", "0.2", "-W", "2", addr], timeout=30)
    ctx.log_write(f"--- ping {addr}:\n{r.stdout}{r.stderr}")
    if f"{count} received" not in r.stdout:
        raise TestFailure(f"ping {addr}: {r.stdout.strip()[-200:]}")


def stock_dnsmasq(ctx, ns, extra=()):
    """dnsmasq exactly as the issue runs it, plus a private lease file (no
    host state shared between runs) and its log on stderr for the test log."""
    exe = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    if not os.path.exists(exe):
        raise TestSkip("needs dnsmasq (package dnsmasq-base)")
    leases = os.path.join(ctx.tmpdir(), "dnsmasq.leases")
    log = open(os.path.join(ctx.log_dir, f"{ctx.name}.dnsmasq.log"), "ab")  # noqa: SIM115
    argv = [exe, "--no-daemon", "--port=0", "--interface=tap0", "--bind-interfaces",
            "--dhcp-range=192.168.77.50,192.168.77.60,255.255.255.0,1h",
            f"--dhcp-leasefile={leases}", "--log-dhcp", "--log-facility=-", *extra]
    p = ns.popen(argv, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(0.2)
    if p.poll() is not None:
        raise TestFailure(f"dnsmasq exited with {p.returncode} (see its log)")
    return p


def guest_addr(qm):
    text = sh(qm, "ip addr show eth0")
    m = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/(\d+)", text)
    return m.group(1) if m else None


@test(timeout=90, needs_root=True)
def dhcp_stock_dnsmasq(ctx):
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    stock_dnsmasq(ctx, ns)
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"])
    boot_to_shell(qm)
    end = time.monotonic() + 20
    while True:
        addr = guest_addr(qm)
        if addr and addr.startswith("192.168.77."):
            break
        if time.monotonic() > end:
            raise TestFailure(f"eth0 still on {addr} 20 s after boot")
        time.sleep(1)
    ctx.check(re.fullmatch(r"192\.168\.77\.(5\d|60)", addr), f"leased {addr}")
    ping(ctx, ns, addr)


# Accepts one connection on 10.0.2.2:7000 and reports what happens to it.
HOLD_SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.2.2", 7000))
s.listen(1)
c, _ = s.accept()
print("accepted", flush=True)
try:
    data = c.recv(100)
    print("eof" if not data else "data", flush=True)
except OSError as e:
    print("error", e.errno, flush=True)
"""


# What Linux answers on sockets bound to an address that is replaced (the
# calls user/tests/lan_gone.c makes on SIS, in the same order and format),
# run on the host in a namespace of the test's own.
GONE_LINUX = r"""
import errno, socket, subprocess
def sh(c): subprocess.run(c, shell=True, check=True)
sh("ip link set lo up; ip tuntap add tapg mode tap; ip link set tapg up; "
   "ip addr add 10.0.2.15/24 dev tapg; ip route add default via 10.0.2.2")
def name(f):
    try:
        f(); return "ok"
    except OSError as x:
        return errno.errorcode[x.errno]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.0.2.15", 5000))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.bind(("10.0.2.15", 5001))
c.connect(("10.0.2.2", 9))
t = socket.socket(); t.bind(("10.0.2.15", 0)); t.setblocking(False)
sh("ip addr del 10.0.2.15/24 dev tapg; ip addr add 192.168.77.58/24 dev tapg; "
   "ip route add default via 192.168.77.1")
print("udp_sendto", name(lambda: u.sendto(b"x", ("192.168.77.1", 9))))
print("udp_send_connected", name(lambda: c.send(b"x")))
print("udp_connect", name(lambda: u.connect(("192.168.77.1", 9))))
print("tcp_connect", name(lambda: t.connect(("192.168.77.1", 9))))
print("bind", name(lambda: socket.socket().bind(("10.0.2.15", 0))))
"""


def gone_on_linux(ctx):
    r = ctx.netns().run(["python3", "-c", GONE_LINUX], timeout=30)
    ctx.log_write(f"--- Linux, sockets on a replaced address:\n{r.stdout}{r.stderr}")
    if r.returncode != 0:
        raise TestFailure(f"the Linux reference failed: {r.stderr.strip()[-300:]}")
    return r.stdout.split("\n")


@test(timeout=150, needs_root=True)
def dhcp_late_server(ctx):
    """Also: a TCP connection made from the fallback address is not reset
    when the lease replaces the address (Linux keeps it; its segments can no
    longer be sent, so it ends by timeout), and netstat still lists it;
    sockets bound to the fallback address get Linux's errors afterwards
    (lan_gone, compared with the host's Linux)."""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    ns.ip("addr", "add", "10.0.2.2/24", "dev", "tap0")
    hold_log = os.path.join(ctx.log_dir, f"{ctx.name}.hold.log")
    ns.popen(["python3", "-c", HOLD_SERVER], stdout=open(hold_log, "w"),  # noqa: SIM115
             stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"])
    qm.expect(r"^\[WARN\] dhcp: no lease within 3000 ms; using static fallback", timeout=30)
    boot_to_shell(qm)
    ctx.check(guest_addr(qm) == "10.0.2.15", "not on the fallback address")
    ctx.check("nameserver 10.0.2.3" in sh(qm, "cat /etc/resolv.conf"), "fallback resolv.conf")
    qm.sendline("sleep 1000 | nc 10.0.2.2 7000 &")
    qm.expect(PROMPT, timeout=10, prompt=True)
    qm.sendline("lan_gone 10.0.2.15 10.0.2.2 192.168.77.1 > /tmp/gone &")
    qm.expect(PROMPT, timeout=10, prompt=True)
    end = time.monotonic() + 10
    while "accepted" not in open(hold_log).read():
        if time.monotonic() > end:
            raise TestFailure("the guest's connection from 10.0.2.15 never arrived")
        time.sleep(0.2)
    time.sleep(max(0.0, 10.0 - (time.monotonic() - t0)))
    stock_dnsmasq(ctx, ns, extra=["--dhcp-option=option:dns-server,192.168.77.53"])
    # lwIP's back-off: a DISCOVER at most 60 s apart (32 s at this point).
    m = qm.expect(LEASE_RE, timeout=70)
    addr, gw, dns = m.groups()
    ctx.check(gw == "192.168.77.1" and dns == "192.168.77.53", f"gw {gw} dns [{dns}]")
    qm.expect(r"net: /etc/resolv\.conf rewritten", timeout=10)
    ctx.check(guest_addr(qm) == addr, "eth0 not on the lease address")
    route = sh(qm, "ip route")
    ctx.check(re.search(r"^default via 192\.168\.77\.1 dev eth0", route, re.M),
              f"routes: {route}")
    ctx.check("10.0.2." not in route, f"fallback route left: {route}")
    resolv = sh(qm, "cat /etc/resolv.conf")
    ctx.check(resolv.strip() == "nameserver 192.168.77.53", f"resolv.conf: {resolv!r}")
    ping(ctx, ns, addr)
    held = open(hold_log).read()
    ctx.check(held.strip() == "accepted", f"connection from the fallback address: {held!r}")
    net = sh(qm, "netstat -t")
    ctx.check(re.search(r"10\.0\.2\.15:\d+\s+10\.0\.2\.2:7000\s+ESTABLISHED", net),
              f"connection gone from netstat: {net}")
    end = time.monotonic() + 20
    while "lan_gone: done" not in (gone := sh(qm, "cat /tmp/gone")):
        if time.monotonic() > end or "FAIL" in gone:
            raise TestFailure(f"lan_gone: {gone!r}")
        time.sleep(0.5)
    got = [ln for ln in gone.splitlines() if not ln.startswith("lan_gone:")]
    want = [ln for ln in gone_on_linux(ctx) if ln]
    ctx.check(got == want, f"sockets on the replaced address: SIS {got}, Linux {want}")


def run_env(ctx):
    return dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)


@test(timeout=60)
def console_pipe(ctx):
    # The command; the default forward of host port 8080 may be taken
    # on a shared machine, so a free port is forwarded instead.
    _, fwd = ctx.hostfwd(80)
    r = ctx.run_tool([os.path.join(TOP, "tools", "run"), "--no-build", "--timeout", "30",
                      "--hostfwd", fwd.replace("127.0.0.1:", "")],
                     input="uname -a\npoweroff\n", env=run_env(ctx))
    ctx.check(r.returncode == 0, f"tools/run exited {r.returncode}: {r.stdout.strip()[-300:]}")
    ctx.check(re.search(r"^SIS sis \S+ .* aarch64\r?$", r.stdout, re.M),
              "no uname -a output")
    ctx.check("power off requested" in r.stdout, "poweroff did not run")
    # A longer script (3.4 KB, within the tty's 4 KB of typeahead): every
    # byte arrives, none lost to the UART's set-up or the editor's modes.
    # (The commands write a file: their output would mix with the echo of
    # input still arriving during boot.)
    n = 120
    script = "".join(f"echo line-{i:03d}-ok >> /tmp/t\n" for i in range(n))
    r = ctx.run_tool([os.path.join(TOP, "tools", "run"), "--no-build", "--timeout", "60",
                      "--net", "none"], input=script + "cat /tmp/t\npoweroff\n",
                     env=run_env(ctx))
    got = re.findall(r"^line-(\d{3})-ok\r?$", r.stdout, re.M)
    ctx.check(r.returncode == 0 and got == [f"{i:03d}" for i in range(n)],
              f"exit {r.returncode}, {len(got)} of {n} lines ran")


@test(timeout=60)
def console_raw_typeahead(ctx):
    qm = ctx.qemu()
    boot_to_shell(qm)
    # cat writes to a file: on a loaded host the burst reaches the UART over
    # some milliseconds, and what comes after the shell went canonical is
    # echoed by the tty as it arrives (as on Linux), in the middle of cat's
    # output. The file holds exactly what cat read.
    qm.send("cat > /tmp/ta\nhello typed ahead\n\x04echo after-cat $?\n")
    qm.expect(r"^after-cat 0$", timeout=10)
    got = sh(qm, "cat /tmp/ta")
    ctx.check(got == "hello typed ahead", f"cat read {got!r} of the typeahead")
    qm.sendline("poweroff")
    qm.expect_exit(0, timeout=20)


@test(timeout=90)
def mem_4g(ctx):
    # QEMU allocates guest RAM lazily: the host pays for what SIS touches.
    qm = ctx.qemu(mem="4G", append="init=/bin/true")
    qm.expect(r"^\[INFO\] mm: RAM 0x40000000-0x140000000, ", timeout=60)
    qm.expect(r"init: running /bin/true as pid 1", timeout=60)
    qm.expect_exit(0, timeout=60)
    r = ctx.run_tool([os.path.join(TOP, "tools", "run"), "--no-build", "--mem", "5G"],
                     env=run_env(ctx))
    ctx.check(r.returncode == 2 and "at most 4G" in r.stderr, f"--mem 5G: {r.stderr!r}")


@test(timeout=120)
def readme_init_args(ctx):
    with open(os.path.join(TOP, "README.md")) as fh:
        readme = fh.read()
    examples = re.findall(r"`(tools/run [^`]*--append \"-- [^`]*)`", readme)
    ctx.check(examples, "README.md has no tools/run --append \"-- ...\" example")
    for ex in examples:
        argv = shlex.split(ex)
        argv[0:1] = [os.path.join(TOP, "tools", "run"), "--no-build", "--net", "none",
                     "--timeout", "40"]
        r = ctx.run_tool(argv, env=run_env(ctx))
        ctx.check(r.returncode == 0 and "unterminated" not in r.stdout,
                  f"{ex}: exit {r.returncode}: {r.stdout.strip()[-300:]}")
        if "ls -l /bin" in ex:
            ctx.check(re.search(r"^-rwx\S+\s+\d+\s+\d+ uname\r?$", r.stdout, re.M),
                      f"{ex}: no listing of /bin")


@test(timeout=90)
def job_control(ctx):
    qm = ctx.qemu(append="init=/bin/lan_jobctl")
    qm.expect(r"^lan_jobctl: ok$", timeout=30)
    qm.expect_exit(0, timeout=10)

    qm = ctx.qemu()
    boot_to_shell(qm)
    qm.sendline("cat &")
    m = qm.expect(r"^\[1\] (\d+)$", timeout=10)
    pid = m.group(1)
    qm.expect(PROMPT, timeout=10, prompt=True)
    time.sleep(1)  # cat has tried to read the terminal by now
    ctx.check(f"bg={pid}" in sh(qm, "echo bg=$!"), "$! is not the job's pid")
    jobs = sh(qm, "jobs")
    ctx.check(re.search(r"^\[1\] Stopped\s+cat$", jobs, re.M), f"jobs: {jobs!r}")
    sh(qm, "kill %1")
    out = sh(qm, "jobs; ps")
    ctx.check(not re.search(rf"^\s*{pid}\b", out, re.M), f"cat still there after kill %1: {out!r}")
    sh(qm, "kill %1", status=1)  # no such job now


def tshark(ctx, path, display_filter, fields):
    exe = shutil.which("tshark")
    if not exe:
        raise TestSkip("needs tshark")
    r = subprocess.run([exe, "-r", path, "-Y", display_filter, "-T", "fields",
                        *sum((["-e", f] for f in fields), [])],
                       capture_output=True, text=True, timeout=60)
    ctx.log_write(f"--- tshark {path} {display_filter}:\n{r.stdout}{r.stderr}")
    return r.stdout


@test(timeout=120, needs_root=True)
def pcap_tap(ctx):
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    ns.add_tap("tap1", "192.168.78.1/24")
    stock_dnsmasq(ctx, ns, extra=["--no-ping"])
    pcap = os.path.join(ctx.tmpdir(), "cap.pcap")
    qm = ctx.qemu(netns=ns, nets=["tap:tap0", "tap:tap1"], pcap=pcap,
                  append="dhcp.timeout=1000")
    boot_to_shell(qm)
    addr = guest_addr(qm)
    ctx.check(addr and addr.startswith("192.168.77."), f"eth0 on {addr}")
    ping(ctx, ns, addr, count=3)
    qm.sendline("poweroff")
    qm.expect_exit(0, timeout=30)
    eth1 = pcap + ".eth1.pcap"
    ctx.check(os.path.exists(eth1), f"no {eth1}: {os.listdir(os.path.dirname(pcap))}")
    replies = tshark(ctx, pcap, "icmp.type == 0", ["ip.src", "eth.src"])
    ctx.check(f"{addr}\t52:54:00:12:34:56" in replies, f"no ping reply from {addr} in {pcap}")
    offers = tshark(ctx, pcap, "dhcp.option.dhcp == 1", ["eth.src"])
    ctx.check("52:54:00:12:34:56" in offers, "no DHCP discover in eth0's capture")
    discovers = tshark(ctx, eth1, "dhcp.option.dhcp == 1", ["eth.src"])
    ctx.check("52:54:00:12:34:57" in discovers, "no DHCP discover from eth1 in its capture")
    bad = tshark(ctx, pcap, "_ws.malformed || _ws.expert.severity >= error", ["frame.number"])
    ctx.check(not bad.strip(), f"frames tshark cannot decode: {bad.split()[:10]}")


@test(timeout=90)
def wget_timeout(ctx):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    held = []
    threading.Thread(target=lambda: held.append(srv.accept()), daemon=True).start()
    try:
        qm = ctx.qemu(nets=["user"], hostfwds=[])
        boot_to_shell(qm)
        out = sh(qm, f"wget -T 2 -O /tmp/x http://10.0.2.2:{port}/ 2>&1", status=4)
        ctx.check("read timed out" in out and "malformed" not in out, f"wget said: {out!r}")
    finally:
        srv.close()


@test(timeout=90)
def gdb_attach(ctx):
    gdb = shutil.which("gdb-multiarch")
    ctx.check(gdb, "gdb-multiarch missing: tools/bootstrap installs it")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # tools/run --gdb is QEMU's -s -S (port 1234); a free port here.
    qm = ctx.qemu(extra=["-gdb", f"tcp:127.0.0.1:{port}", "-S"])
    time.sleep(0.5)
    elf = os.path.join(ctx.build_dir, "src", "sis.elf")
    r = ctx.run_tool([gdb, "-nx", "-batch", elf, "-ex", f"target remote 127.0.0.1:{port}",
                      "-ex", "break kmain", "-ex", "continue", "-ex", "bt 1",
                      "-ex", "kill"], timeout=60)
    # kmain's argument is the DTB address the Image was handed in x0.
    ctx.check(re.search(r"Breakpoint 1, kmain \(dtb_pa=\d+\)", r.stdout) and
              re.search(r"^#0 +kmain \(dtb_pa=\S+\) at .*main\.c:\d+", r.stdout, re.M),
              f"gdb did not stop in kmain: {r.stdout[-400:]}{r.stderr[-300:]}")
    qm.kill()


FRUITS = "".join(f"{w}\n" for w in [
    "apple", "banana", "cherry", "Apple pie", "kiwi", "an orange", "grape", "banana split",
    "coconut", "date", "fig", "xx marks", "a.b literal", "lemon", "mango", "nectarine",
    "APPLE", "plum", "cantaloupe", "an"])
TEXT_CASES = [
    "head f1", "head -n 3 f1", "head -3 f1", "head -c 7 f1", "head -n 2 f1 f2", "head -n 0 f1",
    "cat f1 | head -n 4", "head nofile",
    "tail f1", "tail -n 3 f1", "tail -n +17 f1", "tail -3 f1", "tail -c 9 f1",
    "tail -n 2 f1 f2", "tail -n 2 nonl", "tail -n 1 nonl", "cat f1 | tail -n 2",
    "grep apple f1", "grep -v apple f1", "grep -i APPLE f1", "grep -c an f1", "grep -n an f1",
    "grep -q kiwi f1", "grep zzz f1", "grep -E 'ap+le|kiwi' f1", "grep 'b[a-z]*a' f1",
    "grep '^c' f1", "grep 'x\\{2\\}' f1", "grep an f1 f2", "grep -l an f1 f2",
    "grep -h an f1 f2", "grep -w an f1", "grep -x kiwi f1", "grep -F 'a.b' f1",
    "grep 'a.b' f1", "grep -e apple -e kiwi f1", "grep -c zz f1 f2", "grep -vc a f1",
    "grep -in 'APPLE' f1 f2", "grep an nofile", "cat f1 | grep -n e",
    "wc f1", "wc -l f1", "wc -w f1 f2", "wc -c f1", "wc -l < f1", "cat f1 | wc",
    "wc f1 f2 nonl", "wc -lw nonl",
    "sort f1", "sort -r f1", "sort -n nums", "sort -n -r nums", "sort -u dup", "sort -nu nums",
    "sort -f f1", "sort f1 f2", "sort -r dup", "cat nums | sort -n",
    "cp f1 c1 && cat c1", "cp f1 f2 d && cat d/f1 d/f2", "cp -r d d2 && cat d2/a d2/sub/b",
    "cp d d3", "cp -r d d/inner", "cp nofile x", "cp f1", "cp -R d/sub s2 && cat s2/b",
]


def text_inputs(dirpath):
    files = {f"cases/{i}.sh": case + "\n" for i, case in enumerate(TEXT_CASES)}
    files |= {"f1": FRUITS, "f2": "cherry\nan apple\nzebra\n", "nonl": "one\ntwo two\nthree",
             "nums": "10\n9\n-3\n2.5\n100\nx\n9\n007\n", "dup": "b\na\nb\nc\na\n",
             "d/a": "file a\n", "d/sub/b": "file b\n"}
    for name, text in files.items():
        path = os.path.join(dirpath, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    return files


def sh_status(qm, cmd, timeout=30):
    """CMD's output (stdout and stderr) and exit status at the prompt."""
    qm.sendline(f"echo @@begin; {cmd}; echo @@rc=$?")
    m = qm.expect(r"@@rc=(\d+)$", timeout=timeout)  # output may lack its last newline
    out = qm.output
    start = out.rfind("\n@@begin\n")
    end = out.rfind("@@rc=")
    qm.expect(PROMPT, timeout=timeout, prompt=True)
    text = out[start + len("\n@@begin\n"):end] if 0 <= start < end else ""
    return text.removesuffix("\n"), int(m.group(1))


@test(timeout=240)
def text_tools(ctx):
    src = ctx.tmpdir()
    files = text_inputs(src)
    adds = [f"{os.path.join(src, n)}:/tmp/t/{n}" for n in files]
    qm = ctx.qemu(add=adds)
    boot_to_shell(qm)
    sh(qm, "cd /tmp/t")
    host = ctx.tmpdir()
    text_inputs(host)
    env = dict(os.environ, LC_ALL="C")
    bad = []
    for i, case in enumerate(TEXT_CASES):
        cmd = f"sh cases/{i}.sh 2>&1"
        want = subprocess.run(["sh", "-c", cmd], cwd=host, env=env, capture_output=True,
                              text=True, timeout=30)
        got, st = sh_status(qm, cmd)
        w = want.stdout.removesuffix("\n")
        if case.startswith("wc"):
            same = got.split() == w.split()
        else:
            same = got == w
        same = same and st == want.returncode
        if not same:
            bad.append(f"{case}: guest rc={st} {got!r}; GNU rc={want.returncode} {w!r}")
    ctx.check(not bad, "differs from GNU:\n" + "\n".join(bad[:12]))
    out = sh(qm, "netstat -a | head -n 3")
    ctx.check(len(out.splitlines()) == 3 and "0.0.0.0:80" in out + sh(qm, "netstat -a | grep :80"),
              f"netstat -a | head: {out!r}")


@test(timeout=120, needs_root=True)
def secondary_address(ctx):
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="ip=192.168.77.20/24:192.168.77.1")
    boot_to_shell(qm)
    sh(qm, "ip addr add 192.168.77.30/24 dev eth0")
    out = sh(qm, "ip addr show eth0")
    ctx.check(re.search(r"inet 192\.168\.77\.20/24 brd \S+ scope global eth0$", out, re.M) and
              re.search(r"inet 192\.168\.77\.30/24 brd 192\.168\.77\.255 scope global "
                        r"secondary eth0:1$", out, re.M), f"ip addr: {out!r}")
    ctx.check("File exists" in sh(qm, "ip addr add 192.168.77.30/24 dev eth0 2>&1", status=2),
              "adding the address twice")
    ping(ctx, ns, "192.168.77.30")
    ping(ctx, ns, "192.168.77.20")
    r = ns.run(["curl", "-s", "--max-time", "10", "http://192.168.77.30/"])
    ctx.check(r.returncode == 0 and "Hello from SIS" in r.stdout,
              f"curl to the secondary address: {r.returncode} {r.stdout[-200:]}")
    arp = ns.run(["ip", "neigh", "show", "192.168.77.30"]).stdout
    ctx.check("52:54:00:12:34:56" in arp, f"ARP for the secondary address: {arp!r}")
    sh(qm, "ip addr del 192.168.77.30/24 dev eth0")
    ctx.check("192.168.77.30" not in sh(qm, "ip addr show eth0"), "still listed after del")
    r = ns.run(["ping", "-c", "2", "-i", "0.2", "-W", "1", "192.168.77.30"], timeout=20)
    ctx.check(" 0 received" in r.stdout, f"the removed address still answers: {r.stdout}")
    ping(ctx, ns, "192.168.77.20")


# Sends N SYNs to the guest from an address no host socket owns
# (192.168.77.99, answering the guest's ARP for it itself), so nothing
# completes the handshakes, and counts the SYN-ACKs: handshakes in progress.
SYN_PROBE = r"""
import socket, struct, sys, time
GUEST, FAKE, MAC = sys.argv[1], "192.168.77.99", bytes.fromhex("020000000099")
port, n = int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("tap0", 0))
s.settimeout(0.1)
def csum(b):
    b += b"\0" * (len(b) & 1)
    t = sum(struct.unpack(f"!{len(b) // 2}H", b))
    t = (t >> 16) + (t & 0xffff)
    return ~(t + (t >> 16)) & 0xffff
g, f = socket.inet_aton(GUEST), socket.inet_aton(FAKE)
gmac = None
def handle(fr):
    global gmac
    if fr[12:14] == b"\x08\x06" and fr[20:22] == b"\x00\x01" and fr[38:42] == f:
        gmac = fr[22:28]
        s.send(gmac + MAC + b"\x08\x06" + bytes.fromhex("0001080006040002") + MAC + f + gmac + fr[28:32])
    elif fr[12:14] == b"\x08\x00" and fr[23] == 6 and fr[30:34] == f:
        if fr[14 + 33] & 0x12 == 0x12:
            synacks.add(struct.unpack("!H", fr[36:38])[0])
synacks = set()
# The guest's MAC: from its reply to an ARP request for GUEST.
arp = b"\xff" * 6 + MAC + b"\x08\x06" + bytes.fromhex("0001080006040001") + MAC + f + b"\0" * 6 + g
end = time.monotonic() + 10
while gmac is None and time.monotonic() < end:
    s.send(arp)
    try:
        fr = s.recv(2048)
        if fr[12:14] == b"\x08\x06" and fr[20:22] == b"\x00\x02" and fr[28:32] == g:
            gmac = fr[6:12]
    except socket.timeout:
        pass
for i in range(n):
    sport = 40000 + i
    tcp = struct.pack("!HHIIBBHHH", sport, port, 1000 + i, 0, 5 << 4, 0x02, 64240, 0, 0)
    c = csum(f + g + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i, 0, 64, 6, 0, f, g)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(gmac + MAC + b"\x08\x00" + ip + tcp)
end = time.monotonic() + 2
while time.monotonic() < end:
    try:
        handle(s.recv(2048))
    except socket.timeout:
        pass
print("synacks", len(synacks))
"""


@test(timeout=60, needs_root=True)
def listen_backlog(ctx):
    """listen(fd, 1) and no accept(): 12 SYNs at once are all answered (Linux
    counts established connections against the backlog, not handshakes in
    progress; its SYN queue and cookies take the rest). SIS had lwIP count
    each connection from its SYN: 2 SYN-ACKs, the other SYNs waited for the
    client's retransmission, which made Debian's busybox httpd (listen(fd, 9))
    fall from 600 to 80 req/s at ab -c 16, its slowest request 6 s."""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="ip=192.168.77.20/24:192.168.77.1")
    boot_to_shell(qm)
    qm.sendline("lan_backlog 7100 1 30000 1 &")
    qm.expect(r"lan_backlog: ready$", timeout=10)
    r = ns.run(["python3", "-c", SYN_PROBE, "192.168.77.20", "7100", "12"], timeout=30)
    ctx.log_write(f"--- SYN probe:\n{r.stdout}{r.stderr}")
    m = re.search(r"^synacks (\d+)$", r.stdout, re.M)
    ctx.check(m and int(m.group(1)) == 12, f"SYN-ACKs for 12 SYNs to a listen(fd, 1) "
              f"socket with nothing accepted: {m and m.group(1)} ({r.stderr.strip()[-200:]})")
    listen = sh(qm, "netstat -tln")
    ctx.check(re.search(r"^tcp\s+0\s+1\s+0\.0\.0\.0:7100\s", listen, re.M),
              f"netstat's Recv-Q/Send-Q for the listener: {listen}")
