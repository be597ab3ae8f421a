"""Network bring-up tests: virtio-net probe, lwIP interface, DHCP, fallback, ping.

- user_{legacy,modern}[_nomrg|_split]: QEMU user networking; every boot log
  line of the reference design's Test 1 and Test 2, in order, with
  10.0.2.15/24, gw 10.0.2.2, DNS 10.0.2.3 (legacy and modern transports; the
  10-byte header without MRG_RXBUF; legacy split-descriptor framing).
- resolv_conf: /etc/resolv.conf names the lease's DNS server (ktest=net_resolv).
- static_ip: ip=ADDR/PREFIX:GW:DNS is applied without DHCP.
- tap_dnsmasq: a tap in a namespace served by a real dnsmasq; the guest takes
  the offered address and DNS server; the namespace pings it 20 times, no loss.
- tap_fallback: the same tap without a DHCP server: the static fallback is
  applied after dhcp.timeout and the namespace (10.0.2.2) pings 10.0.2.15.
- two_nics: two NICs whose taps end up in two namespaces, each with dnsmasq:
  both registered and leased, each answers ping in its namespace.
- malformed[_legacy_nomrg]: thousands of broken frames (truncated, bad checksums, oversize,
  fragments, random bytes) from an AF_PACKET socket on the tap; the guest
  survives, still answers ping, and lwIP's pools are back to their baseline
  (ktest=net_leak exits with the number of pools that differ).
- link_flap: QEMU's set_link off/on reaches the guest (config-change interrupt).
- lease_renewal: a 2-minute dnsmasq lease is renewed at T1 while SIS runs;
  the renewal brings a DNS server and /etc/resolv.conf is rewritten.
- busy_wakeup: with a CPU-bound process running, the guest pings 10.0.2.2
  (each reply's interrupt wakes ping, often while the CPU is switching
  tasks); no exception from user mode may find a reschedule already due
  (/proc/sis_sched late_resched 0): such a wake-up waited for the next tick.
- tcp_user (16 MiB guest), tcp_tap[_nocsum]: ktest=net_tcp moves 32 MiB each way over
  TCP (raw API), every byte checked on both ends; over the tap with the
  device's checksum and large-receive offloads negotiated (every guest TCP
  frame's checksum field checked on the tap), and with QEMU offering none.
"""
import os
import re
import sys
import time

from guest import PROMPT, boot_to_shell, sh
from sistest import TestFailure, register, test

MAC0 = "52:54:00:12:34:56"
IP = r"(\d+\.\d+\.\d+\.\d+)"


def q(line):
    """A regex matching the whole log line LINE (given literally)."""
    return "^" + re.escape(line) + "$"


def test1_lines(mac=MAC0):
    return [q("[INFO] NET: PROBING VIRTIO-NET DEVICES"),
            r"^\[INFO\] virtio-net: Found network device at (0x0a00[0-9a-f]{4})$",
            q(f"[INFO] virtio-net: Registered eth0 (MAC: {mac})"),
            q("[INFO] NET: DRIVER READY"),
            q("[INFO] NET: INIT INTERFACE"),
            q(f"[INFO] net: Initializing interface with MAC {mac}"),
            q("[INFO] NET: INTERFACE READY")]


def test2_lines(addr="10.0.2.15/24", gw="10.0.2.2", dns="10.0.2.3"):
    return [q("[INFO] NET: STARTING DHCP"),
            q("[INFO] dhcp: Starting DHCP discovery..."),
            q("[INFO] dhcp: Lease acquired!"),
            q(f"[INFO] dhcp: IP address: {addr}"),
            q(f"[INFO] dhcp: Gateway: {gw}"),
            q(f"[INFO] dhcp: DNS servers: [{dns}]"),
            q(f"[INFO] net: IP address set to {addr}"),
            q(f"[INFO] net: Default gateway set to {gw}"),
            q("[INFO] NET: DHCP LEASE ACQUIRED"),
            q("[INFO] NET: CONFIGURED")]


def check_reference_log(ctx, qm):
    """Test 1 then Test 2 of the reference design, in order."""
    found = qm.expect_lines(*test1_lines(), timeout=20)
    addr = found[1].group(1)
    if any(a.startswith("bus=virtio-mmio-bus.0") or ",bus=virtio-mmio-bus.0" in a
           for a in qm.argv):
        ctx.check(addr == "0x0a000000", f"NIC pinned to transport 0 but found at {addr}")
    qm.expect_lines(*test2_lines(), timeout=20)
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=20)


def user_boot(modern, extra=()):
    def run(ctx):
        qm = ctx.qemu(nets=["user"], hostfwds=[], modern=modern, extra=list(extra))
        check_reference_log(ctx, qm)
    return run


NOMRG = ["-global", "virtio-net-device.mrg_rxbuf=off"]
SPLIT = NOMRG + ["-global", "virtio-net-device.any_layout=off"]
register("user_legacy", user_boot(False), timeout=40)
register("user_modern", user_boot(True), timeout=40)
register("user_legacy_nomrg", user_boot(False, NOMRG), timeout=40)
register("user_modern_nomrg", user_boot(True, NOMRG), timeout=40)
register("user_legacy_split", user_boot(False, SPLIT), timeout=40)


@test(timeout=40)
def resolv_conf(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ktest=net_resolv")
    qm.expect(r"ktest: net_resolv: /etc/resolv.conf:", timeout=30)
    qm.expect(q("nameserver 10.0.2.3"))
    qm.expect_exit(0)


@test(timeout=40)
def static_ip(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ip=10.0.2.16/24:10.0.2.2:10.0.2.3 "
                  "ktest=net_stats")
    qm.expect_lines(q("[INFO] net: IP address set to 10.0.2.16/24"),
                    q("[INFO] net: Default gateway set to 10.0.2.2"),
                    q("[INFO] NET: CONFIGURED"), timeout=30)
    qm.expect_exit(0)
    ctx.check("NET: STARTING DHCP" not in qm.output, "DHCP ran despite a static ip=")


@test(timeout=90)
def busy_wakeup(ctx):
    qm = ctx.qemu(nets=["user"], hostfwds=[])
    boot_to_shell(qm)
    qm.sendline("/bin/proc_spin &")
    qm.expect(PROMPT, timeout=10, prompt=True)
    out = sh(qm, "ping -c 30 -i 0.2 10.0.2.2", timeout=60)
    ctx.check(re.search(r"^30 packets transmitted, 30 received", out, re.M),
              f"ping lost replies:\n{out[-300:]}")
    late = sh(qm, "cat /proc/sis_sched")
    m = re.search(r"^late_resched (\d+)$", late, re.M)
    ctx.check(m and int(m.group(1)) == 0,
              f"user mode entered with a reschedule due: {late.strip()}")


# --------------------------------------------------------------------------
# Taps in namespaces
# --------------------------------------------------------------------------
def ping(ctx, ns, addr, count=20, interval="0.2"):
    """ping ADDR from NS: COUNT replies and 0% loss, or fail."""
    r = ns.run(["ping", "-c", str(count), "-i", interval, "-W", "2", addr],
               timeout=count * float(interval) + 15)
    ctx.log_write(f"--- ping {addr} in {ns.name}:\n{r.stdout}{r.stderr}")
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    if not m or int(m.group(2)) != count or " 0% packet loss" not in r.stdout:
        raise TestFailure(f"ping {addr}: {m.group(0) if m else r.stdout.strip()[-200:]}")


def lease_lines(qm, suffix=""):
    """Wait for one lease report; returns (addr, prefix, gw, dns)."""
    s = re.escape(suffix)
    qm.expect(r"^\[INFO\] dhcp: Lease acquired!" + s + "$", timeout=30)
    a = qm.expect(rf"^\[INFO\] dhcp: IP address: {IP}/(\d+){s}$")
    g = qm.expect(rf"^\[INFO\] dhcp: Gateway: {IP}{s}$")
    d = qm.expect(rf"^\[INFO\] dhcp: DNS servers: \[([0-9., ]*)\]{s}$")
    qm.expect(r"^\[INFO\] NET: DHCP LEASE ACQUIRED" + s + "$")
    return a.group(1), int(a.group(2)), g.group(1), d.group(1)


@test(timeout=60, needs_root=True)
def tap_dnsmasq(ctx):
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99",
               extra=["--dhcp-option=option:dns-server,192.168.77.1"])
    # dnsmasq pings an address before offering it (about 3 s): wait longer.
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="dhcp.timeout=15000")
    qm.expect_lines(*test1_lines(), timeout=20)
    addr, prefix, gw, dns = lease_lines(qm)
    ctx.check(re.fullmatch(r"192\.168\.77\.([5-9]\d)", addr) and prefix == 24,
              f"leased {addr}/{prefix}, not from 192.168.77.50-99/24")
    ctx.check(gw == "192.168.77.1" and dns == "192.168.77.1", f"gw {gw}, dns [{dns}]")
    qm.expect(r"^\[INFO\] SIS: boot complete", timeout=10)
    ping(ctx, ns, addr)


@test(timeout=60, needs_root=True)
def tap_fallback(ctx):
    ns = ctx.netns()
    ns.add_tap("tap0", "10.0.2.2/24")
    t0 = time.monotonic()
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], append="dhcp.timeout=1000")
    qm.expect(q("[INFO] dhcp: Starting DHCP discovery..."), timeout=20)
    qm.expect(r"^\[WARN\] dhcp: no lease within 1000 ms; using static fallback "
              r"10\.0\.2\.15/24 gw 10\.0\.2\.2 dns 10\.0\.2\.3$", timeout=10)
    waited = time.monotonic() - t0
    ctx.check(1.0 <= waited <= 8.0, f"fallback after {waited:.2f} s, dhcp.timeout=1000")
    qm.expect_lines(q("[INFO] net: IP address set to 10.0.2.15/24"),
                    q("[INFO] net: Default gateway set to 10.0.2.2"),
                    q("[INFO] NET: CONFIGURED"), timeout=5)
    ctx.check("NET: DHCP LEASE ACQUIRED" not in qm.output, "a lease without a server?")
    ping(ctx, ns, "10.0.2.15")


@test(timeout=90, needs_root=True)
def two_nics(ctx):
    """QEMU opens both taps in namespace A; tap1 then moves to namespace B
    (an open tap keeps working), where a second dnsmasq serves it."""
    a, b = ctx.netns(), ctx.netns()
    a.add_tap("tap0", "192.168.77.1/24")
    a.ip("tuntap", "add", "dev", "tap1", "mode", "tap")
    a.dnsmasq("tap0", "192.168.77.50", "192.168.77.99", extra=["--no-ping"])
    qm = ctx.qemu(netns=a, nets=["tap:tap0", "tap:tap1"], append="dhcp.timeout=20000")
    qm.expect(r"^\[INFO\] SIS \S+ booting", timeout=20)  # QEMU has both taps open
    a.ip("link", "set", "tap1", "netns", b.name)
    b.ip("addr", "add", "192.168.78.1/24", "dev", "tap1")
    b.ip("link", "set", "tap1", "up")
    b.dnsmasq("tap1", "192.168.78.50", "192.168.78.99", extra=["--no-ping"])
    qm.expect(r"^\[INFO\] virtio-net: Registered eth0 \(MAC: ([0-9a-f:]+)\)$")
    qm.expect(r"^\[INFO\] virtio-net: Registered eth1 \(MAC: ([0-9a-f:]+)\)$")
    qm.expect(q("[INFO] NET: CONFIGURED"), timeout=40)
    leases = re.findall(r"^\[INFO\] dhcp: IP address: (\S+)/24(?: \((eth\d)\))?$",
                        qm.output, re.M)
    got = sorted(addr for addr, _ in leases)
    ctx.check(len(got) == 2 and got[0].startswith("192.168.77.") and
              got[1].startswith("192.168.78."), f"leases: {leases}")
    ping(ctx, a, got[0])
    ping(ctx, b, got[1])


# --------------------------------------------------------------------------
# Malformed frames
# --------------------------------------------------------------------------
FLOOD = r'''
import os, random, socket, struct, sys
ifname, dmac, dip, sip, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
rnd = random.Random(1234)
dmac = bytes.fromhex(dmac.replace(":", ""))
smac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip().replace(":", ""))
dip, sip = socket.inet_aton(dip), socket.inet_aton(sip)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))

def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack(f"!{len(b)//2}H", b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff

def eth(payload, etype=0x0800, dst=None):
    return (dst or dmac) + smac + struct.pack("!H", etype) + payload

def ip(proto, payload, src=None, ihl=5, tot=None, frag=0, ident=None, bad=False, opts=b""):
    tot = 4 * ihl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot & 0xffff,
                    rnd.getrandbits(16) if ident is None else ident, frag, 64, proto, 0,
                    src or sip, dip) + opts
    c = csum(h[:20 + len(opts)])
    if bad: c ^= 0x1234
    return h[:10] + struct.pack("!H", c) + h[12:] + payload

def l4(proto, hdr, data, bad):
    ph = sip + dip + struct.pack("!BBH", 0, proto, len(hdr) + len(data))
    c = csum(ph + hdr + data)
    if bad: c ^= 0x4321
    return c

def udp(bad=False, ulen=None, port=None):
    data = rnd.randbytes(rnd.randrange(0, 200))
    h = struct.pack("!HHHH", rnd.randrange(1, 65536), port or rnd.randrange(1, 65536),
                    ulen if ulen is not None else 8 + len(data), 0)
    c = l4(17, h, data, bad)
    return h[:6] + struct.pack("!H", c) + data

def tcp(bad=False):
    off = rnd.choice([5, 5, 5, 0, 3, 15])
    data = rnd.randbytes(rnd.randrange(0, 100))
    opts = rnd.randbytes(max(0, 4 * off - 20)) if off > 5 else b""
    h = struct.pack("!HHIIBBHHH", rnd.randrange(1, 65536), rnd.choice([22, 80, 7, rnd.randrange(1, 65536)]),
                    rnd.getrandbits(32), rnd.getrandbits(32), off << 4, rnd.getrandbits(8),
                    rnd.getrandbits(16), 0, 0) + opts
    c = l4(6, h, data, bad)
    return h[:16] + struct.pack("!H", c) + h[18:] + data

def icmp(bad=False):
    t = rnd.choice([8, 0, 3, 5, 11, 13, rnd.randrange(256)])
    body = struct.pack("!BBHHH", t, rnd.randrange(4), 0, rnd.getrandbits(16), 1) + rnd.randbytes(rnd.randrange(0, 100))
    c = csum(body) ^ (0x1111 if bad else 0)
    return body[:2] + struct.pack("!H", c) + body[4:]

def arp(valid):
    hl, pl, op = (6, 4, rnd.choice([1, 2])) if valid else (rnd.randrange(256), rnd.randrange(256), rnd.randrange(65536))
    src_ip = bytes([10, 0, 2, rnd.randrange(3, 250)]) if valid else rnd.randbytes(4)
    return struct.pack("!HHBBH", 1, 0x0800, hl, pl, op) + smac + src_ip + b"\0" * 6 + dip + rnd.randbytes(rnd.randrange(0, 20))

gens = [
    lambda: rnd.randbytes(rnd.randrange(1, 1600)),                       # random bytes
    lambda: rnd.randbytes(rnd.randrange(1, 14)),                         # truncated Ethernet
    lambda: eth(ip(17, udp())[:rnd.randrange(0, 20)]),                   # truncated IP header
    lambda: eth(ip(17, udp(), bad=True)),                                # bad IP checksum
    lambda: eth(ip(17, udp(), ihl=rnd.choice([0, 1, 4, 6, 15]))),        # bad IHL
    lambda: eth(ip(17, udp(), tot=rnd.choice([0, 10, 19, 1500, 65535]))),  # bad total length
    lambda: eth(ip(17, udp(bad=True))),                                  # bad UDP checksum
    lambda: eth(ip(17, udp(ulen=rnd.choice([0, 7, 9, 2000])))),          # bad UDP length
    lambda: eth(ip(6, tcp(bad=rnd.random() < 0.5))),                     # TCP junk
    lambda: eth(ip(1, icmp(bad=rnd.random() < 0.5))),                    # ICMP junk
    lambda: eth(ip(rnd.randrange(256), rnd.randbytes(rnd.randrange(0, 300)))),  # any protocol
    lambda: eth(ip(17, rnd.randbytes(rnd.randrange(8, 1400)), ident=rnd.randrange(8),
                   frag=rnd.choice([0x2000, 0]) | rnd.randrange(0, 8192))),  # fragments
    lambda: eth(ip(17, udp(), ihl=15, opts=rnd.randbytes(40))),          # IP options
    lambda: eth(arp(rnd.random() < 0.5), etype=0x0806, dst=b"\xff" * 6),  # ARP
    lambda: eth(rnd.randbytes(rnd.randrange(0, 1500)), etype=rnd.choice([0x86dd, 0x8100, 0x88cc, rnd.randrange(65536)])),
    lambda: eth(ip(17, udp()) + rnd.randbytes(rnd.randrange(1500, 8000))),  # oversize
    lambda: eth(ip(17, udp(), src=bytes([rnd.randrange(224, 256), 0, 0, 1]))),  # multicast source
]
sent = failed = 0
for i in range(count):
    frame = gens[i % len(gens)]()
    try:
        s.send(frame)
        sent += 1
    except OSError:
        failed += 1
print(f"flood: sent {sent}, refused by the host {failed}")
'''


def malformed(modern, extra=()):
    return lambda ctx: run_malformed(ctx, modern, extra)


def run_malformed(ctx, modern, extra):
    ns = ctx.netns()
    ns.add_tap("tap0", "10.0.2.2/24")
    ns.ip("link", "set", "tap0", "mtu", "9000")  # lets oversize frames through
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], modern=modern, extra=list(extra),
                  append="ip=10.0.2.15/24:10.0.2.2:10.0.2.3 ktest=net_leak")
    qm.expect(r"^\[INFO\] ktest: net_leak: baseline taken", timeout=30)
    ping(ctx, ns, "10.0.2.15", count=5)
    r = ns.run([sys.executable, "-c", FLOOD, "tap0", MAC0, "10.0.2.15", "10.0.2.2", "4000"],
               timeout=60)
    ctx.log_write(r.stdout + r.stderr)
    ctx.check(r.returncode == 0 and "flood: sent" in r.stdout, f"flood failed: {r.stderr[-300:]}")
    m = re.search(r"sent (\d+)", r.stdout)
    ctx.check(int(m.group(1)) >= 3000, r.stdout.strip())
    time.sleep(1)
    ping(ctx, ns, "10.0.2.15")
    ns.run([sys.executable, "-c", "import socket; socket.socket(socket.AF_INET, "
            "socket.SOCK_DGRAM).sendto(b'done', ('10.0.2.15', 7777))"])
    status = qm.wait(timeout=60)
    ctx.check(status == 0, f"net_leak: {status} pool(s) differ from the baseline "
              "(see the log)")


register("malformed", malformed(True), timeout=120, needs_root=True)
register("malformed_legacy_nomrg", malformed(False, NOMRG), timeout=120, needs_root=True)


# --------------------------------------------------------------------------
# Link state and lease renewal
# --------------------------------------------------------------------------
class Monitor:
    """QEMU's human monitor on a unix socket (the console owns stdio)."""

    def __init__(self, path):
        import socket
        self.path = path
        self.sock = None
        for _ in range(100):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                self.sock = None
                time.sleep(0.05)
        if self.sock is None:
            raise TestFailure(f"no QEMU monitor at {path}")
        self.sock.settimeout(5)
        self._read_prompt()

    def _read_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise TestFailure("QEMU monitor closed")
            buf += chunk
        return buf

    def command(self, cmd):
        self.sock.sendall(cmd.encode() + b"\n")
        return self._read_prompt()

    def close(self):
        self.sock.close()


def count_acks(path, addr):
    with open(path, errors="replace") as fh:
        return len(re.findall(rf"DHCPACK\(tap0\) {re.escape(addr)} ", fh.read()))


def wait_acks(ctx, path, addr, want, secs):
    """Wait until dnsmasq's log at PATH shows WANT DHCPACKs of ADDR; returns the count."""
    deadline = time.monotonic() + secs
    while True:
        n = count_acks(path, addr)
        if n >= want or time.monotonic() > deadline:
            return n
        time.sleep(0.2)


@test(timeout=90, needs_root=True)
def link_flap(ctx):
    """set_link off/on over a tap with dnsmasq: the config-change interrupt
    reaches lwIP (link down: the guest stops answering), and after link up
    DHCP re-binds (a new DHCPREQUEST/ACK for the same address) and the guest
    answers ping and HTTP again."""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    srv = ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99", extra=["--no-ping"])
    mon = os.path.join(ctx.tmpdir(), "monitor.sock")
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"],
                  extra=["-monitor", f"unix:{mon},server=on,wait=off"])
    addr, _, _, _ = lease_lines(qm)
    qm.expect(r"^rc: SIS user space up$", timeout=30)
    ping(ctx, ns, addr, count=3)
    ctx.check(wait_acks(ctx, srv.log_path, addr, 1, 5) == 1, "no DHCPACK for the first lease")
    m = Monitor(mon)
    try:
        m.command("set_link n0 off")
        qm.expect(r"\[INFO\] net: eth0 link down$", timeout=10)
        r = ns.run(["ping", "-c", "2", "-i", "0.2", "-W", "1", addr], timeout=10)
        ctx.check(" 0 received" in r.stdout, f"the guest answered with its link down: {r.stdout}")
        m.command("set_link n0 on")
        qm.expect(r"\[INFO\] net: eth0 link up$", timeout=10)
    finally:
        m.close()
    acks = wait_acks(ctx, srv.log_path, addr, 2, 15)
    ctx.check(acks == 2, f"{acks} DHCPACKs of {addr}: no re-bind after link up")
    ping(ctx, ns, addr, count=5)
    r = ns.run(["curl", "-sS", "--max-time", "10", f"http://{addr}/"], timeout=15)
    ctx.check(r.returncode == 0 and "Hello from SIS" in r.stdout,
              f"HTTP to the guest after link up: {r.returncode} {r.stderr.strip()}")


@test(timeout=150, needs_root=True)
def lease_renewal(ctx):
    """A 2-minute lease (dnsmasq's minimum) is renewed at T1 (60 s) while SIS
    idles: dnsmasq sees a second DHCPREQUEST/DHCPACK for the same address.
    The server is restarted in between with a DNS server to hand out: the
    renewal's ACK brings it, and /etc/resolv.conf is rewritten to name it."""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.77.1/24")
    first = ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99", lease="2m",
                       extra=["--no-ping"])
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"])
    addr, _, _, _ = lease_lines(qm)
    ctx.check(count_acks(first.log_path, addr) == 1, "the first server's ACK is not logged")
    first.terminate()
    first.wait(5)
    t0 = time.monotonic()
    second = ns.dnsmasq("tap0", "192.168.77.50", "192.168.77.99", lease="2m",
                        extra=["--no-ping", "--dhcp-option=6,192.168.77.53"],
                        leases=first.lease_path)
    # The renewal is due 60 s after the first ACK: the second server (its own
    # log) must ACK it by then plus a margin, and not much earlier.
    acks = wait_acks(ctx, second.log_path, addr, 1, 85)
    ctx.check(acks == 1, f"lease of {addr} not renewed by the second server ({acks} ACK)")
    ctx.check(time.monotonic() - t0 > 30, "renewed long before T1 (60 s)")
    ping(ctx, ns, addr, count=5)
    ctx.check("address released" not in qm.output, "lease lost")
    qm.expect(r"net: /etc/resolv\.conf rewritten", timeout=10)
    qm.sendline("cat /etc/resolv.conf")
    qm.expect(r"^nameserver 192\.168\.77\.53$", timeout=10)


# --------------------------------------------------------------------------
# Bulk TCP (ktest=net_tcp: raw-API sink on 5001, source on 5002)
# --------------------------------------------------------------------------
TCP_BYTES = 32 << 20
PERIOD = 251 * 256  # the guest's pattern (i + i // 251) & 0xff repeats every 64256 bytes


def pattern_block():
    one = bytes((i + i // 251) & 0xff for i in range(PERIOD))
    return one * 2


def tcp_both_ways(ctx, qm, host, sink_port, source_port):
    """Receive the guest's 32 MiB and check it, send it 32 MiB; returns Mbit/s both ways."""
    import socket
    qm.expect(r"^\[INFO\] ktest: net_tcp: listening", timeout=30)
    block = pattern_block()
    t0 = time.monotonic()
    got = 0
    with socket.create_connection((host, source_port), timeout=30) as s:
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            off = got % PERIOD
            for i in range(0, len(b), PERIOD):  # compare against the pattern, a period at a time
                piece = b[i:i + PERIOD]
                if piece != block[off:off + len(piece)]:
                    raise TestFailure(f"guest->host stream corrupt near byte {got + i}")
            got += len(b)
    rx = got * 8 / (time.monotonic() - t0) / 1e6
    ctx.check(got == TCP_BYTES, f"guest sent {got} bytes, expected {TCP_BYTES}")
    data = (block[:PERIOD] * (TCP_BYTES // PERIOD + 1))[:TCP_BYTES]
    t0 = time.monotonic()
    with socket.create_connection((host, sink_port), timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(60)
        while s.recv(4096):
            pass
    tx = TCP_BYTES * 8 / (time.monotonic() - t0) / 1e6
    status = qm.wait(timeout=60)
    ctx.log_write(f"--- host measured: guest->host {rx:.1f} Mbit/s, host->guest {tx:.1f} Mbit/s\n")
    ctx.check(status == 0, f"ktest net_tcp exit status {status} (1: sink, 2: source)")
    return rx, tx


@test(timeout=45)  # normally a few seconds
def tcp_user(ctx):
    """Through slirp and hostfwd, in 16 MiB of guest RAM."""
    sink_port, sink_fwd = ctx.hostfwd(5001)
    source_port, source_fwd = ctx.hostfwd(5002)
    qm = ctx.qemu(nets=["user"], hostfwds=[sink_fwd, source_fwd], append="ktest=net_tcp",
                  mem="16M")
    tcp_both_ways(ctx, qm, "127.0.0.1", sink_port, source_port)


# Sniffs guest->host TCP frames on the tap (AF_PACKET, inside the namespace)
# and checks each one's checksum field: either a complete, correct checksum,
# or (TX checksum offload: the guest left NEEDS_CSUM to the device, and the
# host's stack never completes it for a local receiver) exactly the folded
# pseudo-header sum (virtio 1.2, 5.1.6.2); frames past one MTU are large
# sends the host had the device cut (HOST_TSO4/6), counted apart. IPv4, or
# IPv6 with "6" as the fourth argument.
# Prints "sniff: full F partial P bad B large L".
SNIFF = r"""
import socket, struct, sys, time
ifname, want, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
v6 = sys.argv[4:] == ["6"]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd if v6 else 0x0800))
s.bind((ifname, 0))
s.settimeout(0.5)
print("sniff: ready", flush=True)
def fold(t):
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return t
def words(b):
    if len(b) % 2: b += b"\0"
    return sum(struct.unpack(f"!{len(b)//2}H", b))
full = partial = bad = large = 0
end = time.monotonic() + secs
while full + partial + bad < want and time.monotonic() < end:
    try:
        f, addr = s.recvfrom(65536)
    except socket.timeout:
        continue
    if addr[2] == socket.PACKET_OUTGOING or len(f) < 54 or f[20 if v6 else 23] != 6:
        continue
    if v6:
        seg = f[54:54 + struct.unpack("!H", f[18:20])[0]]
        pseudo = words(f[22:54]) + 6 + len(seg)
    else:
        ihl = (f[14] & 15) * 4
        seg = f[14 + ihl:14 + struct.unpack("!H", f[16:18])[0]]
        pseudo = words(f[26:34]) + 6 + len(seg)
    field = struct.unpack("!H", seg[16:18])[0]
    large += len(f) > 1514
    if fold(pseudo + words(seg)) == 0xffff:
        full += 1
    elif field == fold(pseudo):
        partial += 1
    else:
        bad += 1
print(f"sniff: full {full} partial {partial} bad {bad} large {large}", flush=True)
"""


def tcp_tap_run(ctx, offload, v6=False):
    """ktest=net_tcp over a tap: the namespace talks to 10.0.2.15 directly
    (no slirp), 32 MiB each way, every byte checked on both ends. With the
    device's offloads (CSUM, GUEST_CSUM, GUEST_TSO4/6, HOST_TSO4/6: QEMU offers
    them on a tap with a vnet header) or with QEMU told not to offer them; the
    guest's TCP frames seen on the tap carry partial checksums and some are
    large sends, and the host's come as large segments, in the first case
    only; no checksum field is ever wrong. V6: the same over IPv6 (fd00:77::2),
    where large segments both ways need the IPv6 offloads (GUEST_TSO6,
    HOST_TSO6): without them the download ran at a tenth of IPv4's."""
    ns = ctx.netns()
    ns.add_tap("tap0", "10.0.2.2/24")
    append = "ip=10.0.2.15/24:10.0.2.2 ktest=net_tcp loglevel=3"
    if v6:
        ns.ip("addr", "add", "fd00:77::1/64", "dev", "tap0", "nodad")
        append += " ip6=fd00:77::2/64"
    extra = [] if offload else ["-global", "virtio-net-device.csum=off",
                                "-global", "virtio-net-device.guest_csum=off",
                                "-global", "virtio-net-device.guest_tso4=off",
                                "-global", "virtio-net-device.guest_tso6=off",
                                "-global", "virtio-net-device.host_tso4=off",
                                "-global", "virtio-net-device.host_tso6=off"]
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], extra=extra, append=append)
    feats = qm.expect(r"^\[DEBUG\] virtio-net: eth0: .*transport.*$", timeout=30).group(0)
    offered = "TX checksum offload, RX checksum offload, large receive, large send" in feats
    ctx.check(offered == offload, f"offloads {'not ' if offload else ''}negotiated: {feats}")
    ctx.check(offload or "offload" not in feats, f"offloads negotiated: {feats}")
    if v6 and offload:
        ctx.check(feats.endswith(", IPv6 large receive, IPv6 large send"),
                  f"IPv6 large receive/send not negotiated: {feats}")
    sniff_log = os.path.join(ctx.tmpdir(), "sniff.out")
    with open(sniff_log, "w") as out:
        sniffer = ns.popen([sys.executable, "-c", SNIFF, "tap0", "1000", "40"] + (["6"] if v6 else []),
                           stdout=out)
    end = time.monotonic() + 10
    while "sniff: ready" not in open(sniff_log).read():
        ctx.check(sniffer.poll() is None and time.monotonic() < end, "the sniffer did not start")
        time.sleep(0.05)
    script = (
        "import sys; sys.path.insert(0, %r); import test_net as t\n"
        "class C:\n"
        "    def check(self, c, m):\n"
        "        if not c: raise SystemExit(m)\n"
        "    def log_write(self, s): pass\n"
        "class Q:\n"
        "    def expect(self, *a, **k): pass\n"
        "    def wait(self, timeout=None): return 0\n"
        "print(t.tcp_both_ways(C(), Q(), %r, 5001, 5002))\n"
    ) % (os.path.dirname(os.path.abspath(__file__)), "fd00:77::2" if v6 else "10.0.2.15")
    qm.expect(r"^\[INFO\] ktest: net_tcp: listening", timeout=30)
    r = ns.run([sys.executable, "-c", script], timeout=35)
    ctx.log_write(f"--- host side in {ns.name}:\n{r.stdout}{r.stderr}")
    ctx.check(r.returncode == 0, f"host side failed: {(r.stderr or r.stdout).strip()[-300:]}")
    ctx.check(qm.wait(timeout=60) == 0, "ktest net_tcp failed (see the log)")
    sniffer.wait(timeout=45)
    text = open(sniff_log).read()
    ctx.log_write(f"--- {text}")
    m = re.search(r"sniff: full (\d+) partial (\d+) bad (\d+) large (\d+)", text)
    ctx.check(m, f"sniffer said: {text.strip()[-200:]!r}")
    full, partial, bad, large = map(int, m.groups())
    ctx.check(bad == 0, f"{bad} guest TCP frames with a wrong checksum field ({text.strip()})")
    ctx.check(full + partial >= 300, f"only {full + partial} guest TCP frames seen")
    if offload:
        ctx.check(partial > 0, f"no frame left its checksum to the device: {text.strip()}")
        ctx.check(large > 0, f"no large send: {text.strip()}")
        # The host's 32 MiB came (at least partly) as large segments.
        ctx.check(re.search(r"^\[DEBUG\] virtio-net: eth0: first large %sreceive segment, "
                            r"\d+ bytes$" % ("IPv6 " if v6 else ""), qm.output, re.M),
                  "no large receive segment")
    else:
        ctx.check(partial == 0 and large == 0,
                  f"partial checksums or large frames without offloads: {text.strip()}")


register("tcp_tap", lambda ctx: tcp_tap_run(ctx, True), timeout=60, needs_root=True)
register("tcp_tap_nocsum", lambda ctx: tcp_tap_run(ctx, False), timeout=60, needs_root=True)
register("tcp_tap6", lambda ctx: tcp_tap_run(ctx, True, v6=True), timeout=60, needs_root=True)
