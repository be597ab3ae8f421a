"""IPv6 tests (issue 13) with real peers: QEMU's slirp router, dnsmasq, ping.

- slaac_user: under QEMU user networking the boot does not wait for IPv6:
  NET: CONFIGURED comes before the SLAAC address is ready; then, within
  bounded time, the link-local address (DAD passed), the SLAAC address from
  slirp's fec0::/64 advertisement and the default router fe80::2 are
  logged, the SLAAC address within 1.5 s of link-up (one second of DAD after
  the advertisement). Tests that use an IPv6 address after boot wait for
  its line (guest.wait_ipv6).
- static_ip6: ip6=ADDR/PLEN,GW gives that address (after DAD), no SLAAC.
- ip6_off: ip6=off: no IPv6 address at all, IPv4 as before; a bad ip6=
  value is refused with a warning.
- tap_ra: a tap in a namespace with a stock dnsmasq sending router
  advertisements (--enable-ra, ra-stateless): the guest forms its SLAAC
  address from dnsmasq's prefix and the namespace reaches it with ping -6
  and with curl http://[addr]:80/ (the guest's httpd listens on [::]:80);
  dnsmasq's DNS server, which stateless DHCPv6 (the RA's O flag) gives, is
  in /etc/resolv.conf; ip addr and
  netstat show the IPv6 address and the tcp6 listener.
- dns6: SIS's resolver with a real dnsmasq in the namespace answering A and
  AAAA (www6: AAAA only, dual: both) on 192.168.77.1 and fd00:77::53:
  nslookup asks the IPv6 server and prints the AAAA records; SIS's wget
  fetches http://[fd00:77::1]:8080/ and http://dual.sis.test:8080/ from a
  server listening on IPv6 only, trying IPv6 first (the guest has a global
  SLAAC address); an IPv6 line added to /etc/hosts is used; nc reaches a
  name with only an AAAA record.
- gai_order: getaddrinfo's AF_UNSPEC order without a global IPv6 address
  (ip6=off): a name with an IPv4 and an IPv6 line in /etc/hosts resolves
  IPv4 first (SIS's wget prints the order), and wget fetches over IPv4.
- inet6_calls[_linux]: user/tests/inet6_calls.c (AF_INET6 TCP/UDP over
  loopback: address checks and errnos, V6ONLY and dual stack with
  v4-mapped peers, names, options, poll/epoll), built against glibc, on SIS
  and, as the reference, on this Linux host. Every check must pass.
- wget_host6: Debian's busybox wget in the guest fetches a file from a host
  HTTP server bound on [::1] only, through slirp's fec0::2; busybox ping -6
  (a raw ICMPv6 socket) and SIS's ping -6 / ping6 (an ICMPv6 ping socket)
  reach ::1, fec0::2 and fe80::2%eth0; busybox ip -6 route (an rtnetlink
  dump) lists slirp's prefix, fe80::/64, ::1 and the default router, and
  netstat -r -A inet6 the same from /proc/net/ipv6_route;
  /proc/net/if_inet6 lists the three addresses as Linux would.
- malformed6: thousands of broken IPv6/ICMPv6 frames from an AF_PACKET
  socket (truncated and lying headers, extension header chains with bad
  lengths, fragments at random offsets, RA/NS/NA/RS/redirects with bad
  option lengths, bad checksums, oversize): the guest survives, still
  answers ping -6, and lwIP's pools are back to their baseline (net_leak).
"""
import os
import re
import subprocess
import sys
import time

from guest import boot_to_shell, serve_host_dir, sh, wait_ipv6
from glibc import sis_and_linux
from sistest import TOP, TestFailure, test

MAC0 = "52:54:00:12:34:56"
LL0 = "fe80::5054:ff:fe12:3456"


def q(line):
    return "^" + re.escape(line) + "$"


def addr_line(addr, origin):
    """The log line of an address becoming usable; groups: ms after link-up.
    Not anchored at the start: it may come after a shell prompt on the same
    console line (the boot does not wait for DAD)."""
    return (r"\[INFO\] net: IPv6 address " + re.escape(addr) +
            r" \(" + origin + r", (\d+) ms after link-up\)$")


@test(timeout=40)
def slaac_user(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[])
    qm.expect(q("[INFO] NET: DHCP LEASE ACQUIRED"), timeout=30)
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=5)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)
    qm.wait_line(addr_line(LL0 + "/64", "link-local"), timeout=10)
    m = qm.wait_line(addr_line("fec0::5054:ff:fe12:3456/64", "SLAAC"), timeout=10)
    qm.wait_line(re.escape("[INFO] net: IPv6 default router fe80::2") + "$", timeout=5)
    ms = int(m.group(1))
    ctx.check(ms <= 1500, f"SLAAC address {ms} ms after link-up")
    # slirp's DHCP answers at once; DAD takes a second: a boot that waited
    # for IPv6 would log the SLAAC address first.
    lines = qm.output.split("\n")
    conf = lines.index("[INFO] NET: CONFIGURED")
    slaac = next(i for i, ln in enumerate(lines) if re.search(addr_line(
        "fec0::5054:ff:fe12:3456/64", "SLAAC"), ln))
    ctx.check(conf < slaac, "NET: CONFIGURED waited for the SLAAC address")


@test(timeout=40)
def static_ip6(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ip6=fec0::99/64,fe80::2")
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=30)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)
    qm.wait_line(addr_line(LL0 + "/64", "link-local"), timeout=10)
    qm.wait_line(addr_line("fec0::99/64", "static"), timeout=10)
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
               extra=["--no-ping", "--enable-ra", "--dhcp-range=::,constructor:tap0,ra-stateless",
                      "--dhcp-option=option6:dns-server,[fd00:77::53]"])
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
    boot_to_shell(qm)
    qm.wait_line(addr_line(LL0 + "/64", "link-local"), timeout=15)
    qm.wait_line(addr_line(PREFIX + "5054:ff:fe12:3456/64", "SLAAC"), timeout=15)
    qm.wait_line(r"\[INFO\] net: IPv6 default router fe80::", timeout=5)
    # DHCPv6 may answer before or after boot; resolvd then rewrites the file.
    end = time.monotonic() + 15
    while True:
        resolv = sh(qm, "cat /etc/resolv.conf")
        if re.search(r"^nameserver fd00:77::53$", resolv, re.M) or time.monotonic() > end:
            break
        time.sleep(0.2)
    ctx.check(resolv.strip() == "nameserver fd00:77::53",
              f"resolv.conf: {resolv!r}")
    out = sh(qm, "ip addr; netstat -tln")
    ctx.check(re.search(r"^    inet6 fd00:77::5054:ff:fe12:3456/64 scope global$", out, re.M) and
              re.search(r"^tcp6 +0 +\d+ :::80 +:::\* +LISTEN", out, re.M), f"ip addr/netstat: {out!r}")
    ping6(ctx, ns, PREFIX + "5054:ff:fe12:3456")
    ping6(ctx, ns, LL0 + "%tap0", count=3)
    # The guest's httpd (/etc/rc starts it on [::]:80) answers curl over IPv6.
    r = ns.run(["curl", "-sS", "-g", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}",
                f"http://[{PREFIX}5054:ff:fe12:3456]:80/"], timeout=20)
    ctx.log_write(f"--- curl over IPv6: {r.stdout} {r.stderr}\n")
    ctx.check(r.stdout.strip() == "200", f"curl http://[{PREFIX}...]:80/: {r.stdout} {r.stderr}")


DNS6 = PREFIX + "53"
WWW6 = PREFIX + "1"


@test(timeout=120, needs_root=True)
def dns6(ctx):
    ns = ctx.netns()
    ns.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
    ns.add_tap("tap0", "192.168.77.1/24")
    ns.ip("addr", "add", PREFIX + "1/64", "dev", "tap0", "nodad")
    ns.ip("addr", "add", DNS6 + "/64", "dev", "tap0", "nodad")
    ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99",
               extra=["--no-ping", "--enable-ra", "--dhcp-range=::,constructor:tap0,ra-stateless",
                      f"--dhcp-option=option6:dns-server,[{DNS6}]"])
    # A second dnsmasq, DNS only, on the IPv6 address DHCPv6 names (the first
    # one serves no DNS: the guest's only name server is IPv6).
    log = open(os.path.join(ctx.log_dir, f"{ctx.name}.dns.log"), "wb")  # noqa: SIM115
    ns.popen(["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
              "--no-hosts", f"--listen-address={DNS6}", "--bind-interfaces",
              f"--pid-file={os.path.join(ctx.tmpdir(), 'dns.pid')}",
              "--local=/sis.test/", f"--host-record=www6.sis.test,{WWW6}",
              f"--host-record=dual.sis.test,192.168.77.1,{WWW6}", "--local-ttl=2",
              "--log-queries", "--log-facility=-"], stdout=log, stderr=subprocess.STDOUT)
    end = time.monotonic() + 15
    while f"[{DNS6}]:53" not in ns.run(["ss", "-Huln"], timeout=5).stdout:
        if time.monotonic() > end:
            raise TestFailure("the namespace's DNS server did not come up")
        time.sleep(0.1)
    d = ctx.tmpdir()
    with open(os.path.join(d, "f6.txt"), "w") as f:
        f.write("served over IPv6 only\n")
    ns.popen(["python3", "-m", "http.server", "8080", "--bind", WWW6, "--directory", d])
    end = time.monotonic() + 15
    while ns.run(["curl", "-sg", "-m", "2", "-o", "/dev/null", f"http://[{WWW6}]:8080/f6.txt"],
                 timeout=5).returncode != 0:
        if time.monotonic() > end:
            raise TestFailure("the namespace's HTTP server did not come up")
        time.sleep(0.2)
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="dhcp.timeout=15000")
    boot_to_shell(qm)
    wait_ipv6(qm, PREFIX + "5054:ff:fe12:3456")
    end = time.monotonic() + 15   # DHCPv6 may answer after boot (see tap_ra)
    while f"nameserver {DNS6}" not in sh(qm, "cat /etc/resolv.conf"):
        if time.monotonic() > end:
            raise TestFailure("no IPv6 name server in /etc/resolv.conf")
        time.sleep(0.2)
    out = sh(qm, f"nslookup www6.sis.test {DNS6}")
    ctx.check(f"Server:\t\t{DNS6}" in out and
              re.search(rf"^Name:\twww6\.sis\.test\nAddress: {re.escape(WWW6)}$", out, re.M),
              f"nslookup www6 over IPv6: {out!r}")
    out = sh(qm, f"nslookup dual.sis.test {DNS6}")
    ctx.check("Address: 192.168.77.1" in out and f"Address: {WWW6}" in out,
              f"nslookup dual: {out!r}")
    out = sh(qm, f"wget -O - http://[{WWW6}]:8080/f6.txt")
    ctx.check("served over IPv6 only" in out, f"wget [v6]: {out!r}")
    out = sh(qm, "wget -O - http://dual.sis.test:8080/f6.txt")
    first = re.search(r"Connecting to dual\.sis\.test\|(\S+)\|:8080", out)
    ctx.check(first and first.group(1) == f"[{WWW6}]" and "served over IPv6 only" in out,
              f"wget dual (IPv6 first): {out!r}")
    out = sh(qm, "wget -O - http://www6.sis.test:8080/f6.txt")
    ctx.check("served over IPv6 only" in out, f"wget www6 (AAAA only): {out!r}")
    sh(qm, f"echo '{WWW6} hosts6.sis.test' >> /etc/hosts")
    out = sh(qm, "wget -O - http://hosts6.sis.test:8080/f6.txt")
    ctx.check(f"Resolving dual.sis.test... {WWW6}, 192.168.77.1" in
              sh(qm, "wget -O /dev/null http://dual.sis.test:8080/f6.txt"), "dual: IPv6 first")
    ctx.check(f"Resolving hosts6.sis.test... {WWW6}" in out and "served over IPv6 only" in out,
              f"wget via /etc/hosts: {out!r}")
    out = sh(qm, "echo hi | nc -v www6.sis.test 8080")
    ctx.check(f"Connection to www6.sis.test ({WWW6}) 8080 port [tcp] succeeded!" in out and
              "Error code: 400" in out, f"nc www6: {out!r}")


@test(timeout=60)
def gai_order(ctx):
    d = os.path.join(ctx.tmpdir(), "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f4.txt"), "w") as f:
        f.write("served over IPv4\n")
    port, server = serve_host_dir(ctx, d)
    try:
        qm = ctx.qemu(nets=["user"], append="ip6=off")
        boot_to_shell(qm)
        sh(qm, "echo 'fec0::2 dual' >> /etc/hosts; echo '10.0.2.2 dual' >> /etc/hosts")
        out = sh(qm, f"wget -O - http://dual:{port}/f4.txt")
        ctx.check("Resolving dual... 10.0.2.2, fec0::2" in out and
                  re.search(rf"^Connecting to dual\|10\.0\.2\.2\|:{port}\.\.\. connected",
                            out, re.M) and "served over IPv4" in out,
                  f"wget dual without global IPv6: {out!r}")
    finally:
        server.kill()
        server.wait()


# --------------------------------------------------------------------------
# AF_INET6 sockets
# --------------------------------------------------------------------------
sis_and_linux(__name__, "inet6_calls", "inet6_calls.c", 100)


BUSYBOX = os.path.join(TOP, "third_party/busybox/busybox")


@test(timeout=90)
def wget_host6(ctx):
    d = os.path.join(ctx.tmpdir(), "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "note6.txt"), "w") as f:
        f.write("a note over IPv6\n")
    port, server = serve_host_dir(ctx, d, bind="::1")
    try:
        qm = ctx.qemu(nets=["user"], add=[f"{BUSYBOX}:/bin/busybox"])
        boot_to_shell(qm)
        wait_ipv6(qm, "fec0::5054:ff:fe12:3456")
        wait_ipv6(qm, LL0)
        out = sh(qm, f"busybox wget -O - http://[fec0::2]:{port}/note6.txt")
        ctx.check(re.search(r"^a note over IPv6$", out, re.M), f"wget [fec0::2]: {out!r}")
        for dest in ("::1", "fec0::2", "fe80::2%eth0"):
            out = sh(qm, f"busybox ping -6 -c 2 {dest}")
            ctx.check("2 packets transmitted, 2 packets received" in out, f"ping -6 {dest}: {out!r}")
        # SIS's own ping -6 / ping6 (an ICMPv6 ping socket).
        for cmd in ("ping -6 -c 2 -i 0.2 ::1", "ping6 -c 2 -i 0.2 fec0::2",
                    "ping -c 2 -i 0.2 fe80::2%eth0"):
            out = sh(qm, cmd)
            ctx.check(re.search(r"^64 bytes from \S+: icmp_seq=2 time=[\d.]+ ms$", out, re.M) and
                      "2 packets transmitted, 2 received, 0% packet loss" in out, f"{cmd}: {out!r}")
        out = sh(qm, "ping6 -c 1 fe80::2%eth9", status=2)
        ctx.check("ping6: eth9: unknown interface" in out, f"ping6 %eth9: {out!r}")
        # ip -6 route (rtnetlink): slirp's advertised prefix with its
        # lifetime, the link-local one, ::1 on lo, the advertising router.
        out = sh(qm, "busybox ip -6 route")
        ctx.check(re.search(r"^::1 dev lo +metric 256 *$", out, re.M) and
                  re.search(r"^fec0::/64 dev eth0 +metric 256 +expires \d+sec *$", out, re.M) and
                  re.search(r"^fe80::/64 dev eth0 +metric 256 *$", out, re.M) and
                  re.search(r"^default via fe80::2 dev eth0 +metric 1024 +expires \d+sec *$",
                            out, re.M), f"ip -6 route: {out!r}")
        # The same table in /proc/net/ipv6_route, as net-tools' netstat -r -A inet6 shows it.
        out = sh(qm, "netstat -rn -A inet6; netstat -r")
        ctx.check(re.search(r"^::/0 +fe80::2 +UGDAe +1024 +1 +0 eth0$", out, re.M) and
                  re.search(r"^fec0::/64 +:: +UAe +256 +1 +0 eth0$", out, re.M) and
                  re.search(r"^::1/128 +:: +U +256 +1 +0 lo$", out, re.M) and
                  re.search(r"^0\.0\.0\.0 +10\.0\.2\.2 +0\.0\.0\.0 +UG ", out, re.M),
                  f"netstat -r: {out!r}")
        # nc -6 -l: an IPv6-only listener on [::] (IPv4 clients are refused);
        # nc -6 / -4 pick the family of the peer's addresses.
        sh(qm, "nc -6 -l -v 7100 > /tmp/nc6.out 2> /tmp/nc6.err & true")
        deadline = time.monotonic() + 20
        while ":::7100" not in sh(qm, "netstat -an") and time.monotonic() < deadline:
            time.sleep(0.2)
        out = sh(qm, "echo no | nc 127.0.0.1 7100", status=1)
        ctx.check("Connection refused" in out, f"nc 127.0.0.1 to a -6 listener: {out!r}")
        out = sh(qm, "echo no | nc -4 ::1 7100", status=1)
        ctx.check("Address family not supported" in out, f"nc -4 ::1: {out!r}")
        sh(qm, "echo over-v6 | nc -6 localhost 7100; wait")
        out = sh(qm, "cat /tmp/nc6.out /tmp/nc6.err")
        ctx.check(re.search(r"^over-v6$", out, re.M) and
                  re.search(r"^Listening on :: 7100$", out, re.M) and
                  re.search(r"^Connection received on ::1 \d+$", out, re.M), f"nc -6 -l: {out!r}")
        out = sh(qm, "cat /proc/net/if_inet6")
        ctx.check(re.search(r"^fec0000000000000505400fffe123456 02 40 40 00 +eth0$", out, re.M) and
                  re.search(r"^fe80000000000000505400fffe123456 02 40 20 80 +eth0$", out, re.M) and
                  re.search(r"^0{31}1 01 80 10 80 +lo$", out, re.M), f"if_inet6: {out!r}")
    finally:
        server.kill()
        server.wait()


# --------------------------------------------------------------------------
# Malformed IPv6 / ICMPv6 frames
# --------------------------------------------------------------------------
FLOOD6 = r'''
import random, socket, struct, sys
ifname, dmac, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(4321)
dmac = bytes.fromhex(dmac.replace(":", ""))
smac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip().replace(":", ""))
dst_ll = socket.inet_pton(socket.AF_INET6, "fe80::5054:ff:fe12:3456")
dst_gl = socket.inet_pton(socket.AF_INET6, "fd00:77::15")
allnodes = socket.inet_pton(socket.AF_INET6, "ff02::1")
src_ll = socket.inet_pton(socket.AF_INET6, "fe80::1")
src_gl = socket.inet_pton(socket.AF_INET6, "fd00:77::1")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))

def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack(f"!{len(b)//2}H", b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff

def eth(payload, dst=None):
    return (dst or dmac) + smac + struct.pack("!H", 0x86dd) + payload

def ip6(nh, payload, src=src_ll, dst=dst_ll, hl=255, plen=None, ver=6):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB", ver << 28, plen & 0xffff, nh, hl) + src + dst + payload

def l4sum(proto, body, src=src_ll, dst=dst_ll, bad=False):
    c = csum(src + dst + struct.pack("!IxxxB", len(body), proto) + body)
    return c ^ (0x5a5a if bad else 0)

def icmp6(t, code, rest, src=src_ll, dst=dst_ll, bad=False):
    body = struct.pack("!BBH", t, code, 0) + rest
    c = l4sum(58, body, src, dst, bad)
    return body[:2] + struct.pack("!H", c) + body[4:]

def opt(t, data, length=None):
    # an ND option; LENGTH (in 8-byte units) may lie
    raw = struct.pack("!BB", t, 0) + data
    raw += b"\0" * (-len(raw) % 8)
    return raw[:1] + struct.pack("!B", (len(raw) // 8 if length is None else length) & 0xff) + raw[2:]

def bad_opts():
    out = b""
    for _ in range(rnd.randrange(1, 4)):
        t = rnd.choice([1, 2, 3, 5, 25, rnd.randrange(256)])
        data = rnd.randbytes(rnd.randrange(0, 40))
        if t == 3:  # prefix information: never its real length (4), no address from it
            out += opt(3, data[:rnd.randrange(0, 24)], rnd.choice([0, 1, 2, 3, 5, 255]))
        else:
            out += opt(t, data, rnd.choice([None, 0, 1, 255, rnd.randrange(256)]))
    return out

def ra():
    # router lifetime 0..2 s: the fake routers are gone before net_leak compares
    rest = struct.pack("!BBHII", rnd.randrange(256), rnd.getrandbits(8), rnd.randrange(3),
                       rnd.getrandbits(32), rnd.getrandbits(32)) + bad_opts()
    return eth(ip6(58, icmp6(134, 0, rest, dst=allnodes), dst=allnodes), dst=b"\x33\x33\0\0\0\1")

def nd(t):
    target = rnd.choice([dst_ll, dst_gl, rnd.randbytes(16)])
    rest = struct.pack("!I", rnd.getrandbits(32)) + target + bad_opts()
    return eth(ip6(58, icmp6(t, rnd.choice([0, 0, 1]), rest)))

def ext(nh_chain, final_nh, final):
    # extension headers with random (sometimes lying) lengths, then FINAL
    data = final
    nh = final_nh
    for h in reversed(nh_chain):
        hlen = rnd.choice([0, 0, 1, 2, 255])
        body = bytes([nh, hlen]) + rnd.randbytes(6 + 8 * hlen)
        if rnd.random() < 0.3:
            body = body[:rnd.randrange(1, len(body))]
        data, nh = body + data, h
    return nh, data

def exthdrs():
    chain = [rnd.choice([0, 43, 60, 44, 51, 135]) for _ in range(rnd.randrange(1, 12))]
    nh, data = ext(chain, 58, icmp6(128, 0, rnd.randbytes(rnd.randrange(4, 60))))
    return eth(ip6(nh, data, hl=64))

def frag():
    ident = rnd.randrange(4)
    off = rnd.choice([0, 1, 8, 100, 8191, rnd.randrange(8192)])
    more = rnd.choice([0, 1])
    data = rnd.randbytes(rnd.choice([0, 1, 7, 8, 64, 1232]))
    fh = struct.pack("!BBHI", rnd.choice([58, 17, 6, 44, 0]), 0, (off << 3) | more, ident)
    return eth(ip6(44, fh + data, src=rnd.choice([src_ll, src_gl]), dst=rnd.choice([dst_ll, dst_gl]), hl=64))

def udp6(bad):
    data = rnd.randbytes(rnd.randrange(0, 200))
    h = struct.pack("!HHHH", rnd.randrange(1, 65536), rnd.randrange(1, 65536),
                    rnd.choice([8 + len(data), 0, 7, 2000]), 0)
    c = l4sum(17, h + data, bad=bad)
    return eth(ip6(17, h[:6] + struct.pack("!H", c) + data, hl=64))

def tcp6():
    h = struct.pack("!HHIIBBHHH", rnd.randrange(1, 65536), rnd.choice([80, 22, rnd.randrange(65536)]),
                    rnd.getrandbits(32), rnd.getrandbits(32), rnd.choice([5, 0, 15]) << 4,
                    rnd.getrandbits(8), rnd.getrandbits(16), 0, 0) + rnd.randbytes(rnd.randrange(0, 60))
    return eth(ip6(6, h, hl=64))

def icmp_junk():
    t = rnd.choice([1, 2, 3, 4, 128, 129, 130, 131, 132, 137, 143, rnd.randrange(256)])
    return eth(ip6(58, icmp6(t, rnd.randrange(4), rnd.randbytes(rnd.randrange(0, 120)),
                             bad=rnd.random() < 0.3), hl=rnd.choice([255, 1, 64])))

gens = [
    lambda: eth(rnd.randbytes(rnd.randrange(0, 39))),                         # truncated header
    lambda: eth(ip6(58, icmp6(128, 0, b"abcd"), ver=rnd.choice([4, 0, 15]))),  # wrong version
    lambda: eth(ip6(58, icmp6(128, 0, b"abcd"), plen=rnd.choice([0, 1, 3, 1500, 65535]))),  # payload length
    ra, ra,
    lambda: nd(135), lambda: nd(136), lambda: nd(133), lambda: nd(137),
    exthdrs, exthdrs, frag, frag, frag,
    lambda: udp6(rnd.random() < 0.5), tcp6, icmp_junk,
    lambda: eth(ip6(58, icmp6(128, 0, rnd.randbytes(64), dst=allnodes), dst=allnodes), dst=b"\x33\x33\0\0\0\1"),
    lambda: eth(ip6(rnd.randrange(256), rnd.randbytes(rnd.randrange(0, 300)), hl=64)),  # any next header
    lambda: eth(ip6(58, icmp6(128, 0, rnd.randbytes(rnd.randrange(1500, 8000))), hl=64)),  # oversize
]
sent = failed = 0
for i in range(count):
    try:
        s.send(gens[i % len(gens)]())
        sent += 1
    except OSError:
        failed += 1
print(f"flood: sent {sent}, refused by the host {failed}")
'''


@test(timeout=150, needs_root=True)
def malformed6(ctx):
    ns = ctx.netns()
    ns.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
    ns.add_tap("tap0", "10.0.2.2/24")
    ns.ip("addr", "add", "fd00:77::1/64", "dev", "tap0", "nodad")
    ns.ip("link", "set", "tap0", "mtu", "9000")  # lets oversize frames through
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"],
                  append="ip=10.0.2.15/24:10.0.2.2:10.0.2.3 ip6=fd00:77::15/64 ktest=net_leak")
    qm.expect(r"^\[INFO\] ktest: net_leak: baseline taken", timeout=30)
    qm.wait_line(addr_line("fd00:77::15/64", "static"), timeout=15)
    ping6(ctx, ns, "fd00:77::15", count=5)
    r = ns.run([sys.executable, "-c", FLOOD6, "tap0", MAC0, "4000"], timeout=60)
    ctx.log_write(r.stdout + r.stderr)
    ctx.check(r.returncode == 0 and "flood: sent" in r.stdout, f"flood failed: {r.stderr[-300:]}")
    m = re.search(r"sent (\d+)", r.stdout)
    ctx.check(m and int(m.group(1)) >= 3000, r.stdout.strip())
    ping6(ctx, ns, "fd00:77::15")
    ping6(ctx, ns, LL0 + "%tap0", count=3)
    ns.run([sys.executable, "-c", "import socket; socket.socket(socket.AF_INET, "
            "socket.SOCK_DGRAM).sendto(b'done', ('10.0.2.15', 7777))"])
    status = qm.wait(timeout=60)
    ctx.check(status == 0, f"net_leak: {status} pool(s) differ from the baseline (see the log)")
