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
"""
import re

from sistest import TestFailure, test

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
