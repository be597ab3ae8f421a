"""IPv6 tests (issue 13) with real peers: QEMU's slirp router, dnsmasq, ping.

- slaac_user: under QEMU user networking every boot line of the IPv4
  reference is still there, and the link-local address (DAD passed), the
  SLAAC address from slirp's fec0::/64 advertisement and the default router
  fe80::2 are logged before NET: CONFIGURED, the SLAAC address within 1.5 s
  of link-up (one second of DAD after the advertisement).
- static_ip6: ip6=ADDR/PLEN,GW gives that address (after DAD), no SLAAC.
- ip6_off: ip6=off: no IPv6 address at all, IPv4 as before; a bad ip6=
  value is refused with a warning.
- tap_ra: a tap in a namespace with a stock dnsmasq sending router
  advertisements (--enable-ra, ra-stateless): the guest forms its SLAAC
  address from dnsmasq's prefix and the namespace reaches it with ping -6.
- inet6_calls[_linux]: user/tests/inet6_calls.c (AF_INET6 TCP/UDP over
  loopback: address checks and errnos, V6ONLY and dual stack with
  v4-mapped peers, names, options, poll/epoll), built against glibc, on SIS
  and, as the reference, on this Linux host. Every check must pass.
- wget_host6: Debian's busybox wget in the guest fetches a file from a host
  HTTP server bound on [::1] only, through slirp's fec0::2.
"""
import os
import re
import shutil
import subprocess

from guest import boot_to_shell, sh
from sistest import TOP, TestFailure, TestSkip, test, wait_for_port

MAC0 = "52:54:00:12:34:56"
LL0 = "fe80::5054:ff:fe12:3456"


def q(line):
    return "^" + re.escape(line) + "$"


def addr_line(addr, origin):
    """The log line of an address becoming usable; groups: ms after link-up."""
    return (r"^\[INFO\] net: IPv6 address " + re.escape(addr) +
            r" \(" + origin + r", (\d+) ms after link-up\)$")


@test(timeout=40)
def slaac_user(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[])
    qm.expect(q("[INFO] NET: DHCP LEASE ACQUIRED"), timeout=30)
    qm.expect(addr_line(LL0 + "/64", "link-local"), timeout=10)
    m = qm.expect(addr_line("fec0::5054:ff:fe12:3456/64", "SLAAC"), timeout=10)
    qm.expect(q("[INFO] net: IPv6 default router fe80::2"), timeout=5)
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=5)
    ms = int(m.group(1))
    ctx.check(ms <= 1500, f"SLAAC address {ms} ms after link-up")
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)


@test(timeout=40)
def static_ip6(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ip6=fec0::99/64,fe80::2")
    qm.expect(addr_line(LL0 + "/64", "link-local"), timeout=30)
    qm.expect(addr_line("fec0::99/64", "static"), timeout=10)
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=10)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)
    ctx.check("(SLAAC" not in qm.output, "SLAAC despite a static ip6=")


@test(timeout=40)
def ip6_off(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ip6=off ip6.eth1=fec0::1/200")
    qm.expect(r"^\[WARN\] cmdline: bad ip6\.eth1=fec0::1/200 \(-22\), ignored$", timeout=20)
    qm.expect(q("[INFO] net: IPv6 off (ip6=off)"), timeout=20)
    qm.expect(q("[INFO] net: IP address set to 10.0.2.15/24"), timeout=20)
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=10)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)
    ctx.check("IPv6 address" not in qm.output, "an IPv6 address despite ip6=off")


# --------------------------------------------------------------------------
# A tap in a namespace, dnsmasq sending router advertisements
# --------------------------------------------------------------------------
PREFIX = "fd00:77::"


def ra_netns(ctx):
    """Namespace with tap0 (192.168.77.1/24, fd00:77::1/64) and dnsmasq
    serving DHCPv4 and router advertisements for fd00:77::/64."""
    ns = ctx.netns()
    ns.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
    ns.add_tap("tap0", "192.168.77.1/24")
    ns.ip("addr", "add", PREFIX + "1/64", "dev", "tap0", "nodad")
    ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99",
               extra=["--no-ping", "--enable-ra", "--dhcp-range=::,constructor:tap0,ra-stateless"])
    return ns


def ping6(ctx, ns, addr, count=10):
    r = ns.run(["ping", "-6", "-c", str(count), "-i", "0.2", "-W", "2", addr],
               timeout=count * 0.2 + 15)
    ctx.log_write(f"--- ping -6 {addr} in {ns.name}:\n{r.stdout}{r.stderr}")
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    if not m or int(m.group(2)) != count:
        raise TestFailure(f"ping -6 {addr}: {m.group(0) if m else r.stdout.strip()[-200:]}")


@test(timeout=60, needs_root=True)
def tap_ra(ctx):
    ns = ra_netns(ctx)
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="dhcp.timeout=15000")
    qm.expect(addr_line(LL0 + "/64", "link-local"), timeout=30)
    qm.expect(addr_line(PREFIX + "5054:ff:fe12:3456/64", "SLAAC"), timeout=30)
    qm.expect(r"^\[INFO\] net: IPv6 default router fe80::", timeout=5)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=30)
    ping6(ctx, ns, PREFIX + "5054:ff:fe12:3456")
    ping6(ctx, ns, LL0 + "%tap0", count=3)


# --------------------------------------------------------------------------
# AF_INET6 sockets
# --------------------------------------------------------------------------
def glibc_static(ctx, src, out, *defines):
    """Build user/tests/SRC as a static glibc aarch64 program at OUT."""
    r = ctx.run_tool(["aarch64-linux-gnu-gcc", "-static", "-O1", "-Wall", "-Werror", *defines,
                      "-o", out, os.path.join(TOP, "user/tests", src)])
    ctx.check(r.returncode == 0, f"aarch64-linux-gnu-gcc {src}: {r.stderr.strip()}")
    return out


def native(ctx, src, out):
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        raise TestSkip("needs a native C compiler")
    r = ctx.run_tool([gcc, "-O1", "-Wall", "-o", out, os.path.join(TOP, "user/tests", src)])
    ctx.check(r.returncode == 0, f"native build of {src}: {r.stderr.strip()}")
    return out


def run_on_linux(ctx, exe, timeout=60):
    """Run EXE on this host: in a private network namespace (loopback only) when root."""
    argv = [exe]
    if os.geteuid() == 0 and shutil.which("unshare"):
        argv = ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {exe}"]
    return ctx.run_tool(argv, timeout=timeout, env=dict(os.environ, TMPDIR=ctx.tmpdir()))


CALLS = r"^inet6_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def inet6_calls(ctx):
    exe = glibc_static(ctx, "inet6_calls.c", os.path.join(ctx.tmpdir(), "inet6_calls"),
                       "-DON_SIS")
    qm = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/inet6_calls"], append="init=/bin/inet6_calls")
    m = qm.expect(CALLS, timeout=90)
    ctx.check(int(m.group(1)) > 100 and m.group(2) == "0", f"on SIS: {m.group(0)}")
    qm.expect_exit(0)


@test(timeout=120)
def inet6_calls_linux(ctx):
    exe = native(ctx, "inet6_calls.c", os.path.join(ctx.tmpdir(), "inet6_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(CALLS, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-600:]}")


BUSYBOX = os.path.join(TOP, "third_party/busybox/busybox")


def serve_host6(ctx, directory):
    """python3 -m http.server on [::1] only; returns (port, process)."""
    port = ctx.free_port()
    p = subprocess.Popen(["python3", "-m", "http.server", str(port), "--bind", "::1",
                          "--directory", directory], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(ctx, "::1", port, proc=p)
    except TestFailure:
        p.kill()
        raise
    return port, p


@test(timeout=90)
def wget_host6(ctx):
    d = os.path.join(ctx.tmpdir(), "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "note6.txt"), "w") as f:
        f.write("a note over IPv6\n")
    port, server = serve_host6(ctx, d)
    try:
        qm = ctx.qemu(nets=["user"], add=[f"{BUSYBOX}:/bin/busybox"])
        boot_to_shell(qm)
        out = sh(qm, f"busybox wget -O - http://[fec0::2]:{port}/note6.txt")
        ctx.check(re.search(r"^a note over IPv6$", out, re.M), f"wget [fec0::2]: {out!r}")
    finally:
        server.kill()
        server.wait()
