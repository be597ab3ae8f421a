"""AF_NETLINK / NETLINK_ROUTE with real clients: glibc's getifaddrs, Debian's
busybox `ip` (third_party/busybox/busybox, fetched by tools/bootstrap) and a
glibc program speaking the protocol (user/tests/netsock_netlink.c).

- protocol: netsock_netlink checks eth0 (dumps, acks and errors, an address
  added and removed by RTM_NEWADDR/DELADDR and seen by getifaddrs and by a
  listener, RTM_GETROUTE lookups, MSG_PEEK/MSG_TRUNC): every check passes.
- getifaddrs: its list matches QEMU's DHCP lease (10.0.2.15/24, broadcast
  10.0.2.255 on eth0) and lo, with an AF_PACKET entry per interface, and
  the IPv6 addresses (::1, eth0's link-local one from its MAC).
- busybox_ip: `ip addr` shows the lease (dynamic, with its lifetime) and
  the IPv6 addresses (::1, eth0's link-local), `ip
  link` the NIC's MAC and state, `ip route` the default route and the
  subnet; `ip addr add/del` of a secondary address; `ip route del default`
  makes the host unreachable (wget fails) and `ip route add default via`
  brings it back (wget reaches a host server again).
- link_flap: a listener joined to RTMGRP_LINK sees eth0 go down and up
  (busybox ip link set).
- lease_notify (root): eth0 on a tap whose DHCP server (dnsmasq) starts only
  once a listener (booted as init) has joined RTMGRP_IPV4_IFADDR and
  _IPV4_ROUTE: it sees the fallback address go (RTM_DELADDR), the lease's
  address come (RTM_NEWADDR) and the default route via the server.
"""
import http.server
import os
import re
import socketserver
import threading

from guest import boot_to_shell, sh, wait_ipv6
from sistest import TOP, test
from glibc import glibc_static

BUSYBOX = os.path.join(TOP, "third_party/busybox/busybox")
LEASE = "10.0.2.15"


def prog(ctx):
    return glibc_static(ctx, "netsock_netlink.c", os.path.join(ctx.tmpdir(), "netsock_netlink"))


def need(ctx, text, pattern, what):
    ctx.check(re.search(pattern, text, re.M), f"{what}: no /{pattern}/ in:\n{text[-1200:]}")


def boot_shell(ctx, hostfwds=()):
    if not os.path.exists(BUSYBOX):
        ctx.fail(f"{BUSYBOX} missing (tools/bootstrap fetches it)")
    exe = prog(ctx)
    q = ctx.qemu(nets=["user"], hostfwds=list(hostfwds),
                 add=[f"{exe}:/bin/netsock_netlink", f"{BUSYBOX}:/bin/busybox"])
    boot_to_shell(q)
    wait_ipv6(q, "fe80::5054:ff:fe12:3456")  # listed as tentative until then
    return q


@test(timeout=120)
def protocol(ctx):
    q = boot_shell(ctx)
    out = sh(q, "/bin/netsock_netlink checks eth0", timeout=60)
    m = re.search(r"^netsock_netlink: (\d+) checks, (\d+) failed$", out, re.M)
    ctx.check(m and int(m.group(1)) > 20 and m.group(2) == "0", f"checks:\n{out[-1500:]}")


@test(timeout=120)
def getifaddrs(ctx):
    q = boot_shell(ctx)
    out = sh(q, "/bin/netsock_netlink ifaddrs")
    need(ctx, out, r"^ifa lo packet flags 0x10049$", "lo as AF_PACKET (UP|LOOPBACK|RUNNING|LOWER_UP)")
    need(ctx, out, r"^ifa eth0 packet flags 0x11043$", "eth0 as AF_PACKET")
    need(ctx, out, r"^ifa lo inet 127\.0\.0\.1/8 flags 0x10049$", "lo's address")
    need(ctx, out, rf"^ifa eth0 inet {re.escape(LEASE)}/24 brd 10\.0\.2\.255 flags 0x11043$",
         "eth0's leased address")
    need(ctx, out, r"^ifa lo inet6 ::1/128$", "lo's IPv6 address")
    need(ctx, out, r"^ifa eth0 inet6 fe80::5054:ff:fe12:3456/64$", "eth0's link-local address")
    ctx.check(len(re.findall(r"^ifa \S+ (inet|packet) ", out, re.M)) == 4,
              f"IPv4 and AF_PACKET entries other than those:\n{out}")


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello through the default route\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@test(timeout=150)
def busybox_ip(ctx):
    srv = socketserver.TCPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    try:
        q = boot_shell(ctx)
        out = sh(q, "busybox ip addr")
        need(ctx, out, r"^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ", "lo's link line")
        need(ctx, out, r"^\s+inet 127\.0\.0\.1/8 scope host lo$", "lo's address")
        need(ctx, out, r"^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ", "eth0's link line")
        need(ctx, out, r"^\s+link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff$", "eth0's MAC")
        need(ctx, out, rf"^\s+inet {re.escape(LEASE)}/24 brd 10\.0\.2\.255 scope global "
             r"dynamic eth0$", "the lease")
        need(ctx, out, r"^\s+valid_lft \d+sec preferred_lft \d+sec$", "the lease's lifetime")
        need(ctx, out, r"^\s+inet6 ::1/128 scope host $", "lo's IPv6 address")
        need(ctx, out, r"^\s+inet6 fe80::5054:ff:fe12:3456/64 scope link $", "eth0's link-local")
        out = sh(q, "busybox ip link")
        need(ctx, out, r"^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast "
             r"qlen 1000$", "ip link eth0")
        out = sh(q, "busybox ip route")
        need(ctx, out, r"^default via 10\.0\.2\.2 dev eth0", "default route")
        need(ctx, out, rf"^10\.0\.2\.0/24 dev eth0 .*scope link\s+src {re.escape(LEASE)}",
             "the subnet's route")

        sh(q, "busybox ip addr add 10.0.2.77/24 dev eth0")
        out = sh(q, "busybox ip addr show dev eth0")
        need(ctx, out, r"^\s+inet 10\.0\.2\.77/24 brd 10\.0\.2\.255 scope global secondary "
             r"eth0:1$", "the secondary address")
        out = sh(q, "busybox ip addr add 10.0.2.77/24 dev eth0", status=None)
        need(ctx, out, r"RTNETLINK answers: File exists", "adding it twice")
        sh(q, "busybox ip addr del 10.0.2.77/24 dev eth0")
        out = sh(q, "busybox ip addr show dev eth0")
        ctx.check("10.0.2.77" not in out, f"10.0.2.77 still there:\n{out}")

        url = f"http://10.0.2.2:{port}/"
        out = sh(q, f"busybox wget -q -O - {url}")
        need(ctx, out, r"^hello through the default route$", "wget before")
        sh(q, "busybox ip route del default")
        out = sh(q, "busybox ip route")
        ctx.check("default" not in out, f"default route still listed:\n{out}")
        out = sh(q, f"busybox wget -q -T 5 -O - http://10.0.3.2:{port}/", status=None)
        ctx.check("hello" not in out, "reached a host off the subnet without a default route")
        sh(q, "busybox ip route add default via 10.0.2.2")
        out = sh(q, "busybox ip route")
        need(ctx, out, r"^default via 10\.0\.2\.2 dev eth0", "default route back")
        out = sh(q, f"busybox wget -q -O - {url}")
        need(ctx, out, r"^hello through the default route$", "wget after")
    finally:
        srv.shutdown()
        srv.server_close()


@test(timeout=120)
def link_flap(ctx):
    q = boot_shell(ctx)
    script = ("/bin/netsock_netlink listen 2 1 > /tmp/nl.out & "
              "while ! busybox grep -q listening /tmp/nl.out; do busybox usleep 20000; done; "
              "busybox ip link set eth0 down; busybox ip link set eth0 up; wait; cat /tmp/nl.out")
    out = sh(q, f"busybox sh -c '{script}'", timeout=60)
    need(ctx, out, r"^notify NEWLINK eth0 down\nnotify NEWLINK eth0 up$", "down then up")
    out = sh(q, "busybox ip link show eth0")
    need(ctx, out, r"<BROADCAST,MULTICAST,UP,LOWER_UP>", "eth0 up again")


@test(timeout=150, needs_root=True)
def lease_notify(ctx):
    if not os.path.exists(BUSYBOX):
        ctx.fail(f"{BUSYBOX} missing")
    exe = prog(ctx)
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.100.1/24")
    q = ctx.qemu(netns=ns, nets=["tap:tap0"], add=[f"{exe}:/bin/netsock_netlink"],
                 append="dhcp.timeout=500 init=/bin/netsock_netlink -- listen 100")
    q.expect(r"^netlink: listening$", timeout=60)
    ns.dnsmasq(extra=["--no-ping"])  # only now can a lease come
    q.expect(r"^notify DELADDR eth0 10\.0\.2\.15/24$", timeout=90)
    q.expect(r"^notify NEWADDR eth0 192\.168\.100\.\d+/24$", timeout=30)
    q.expect(r"^notify NEWROUTE default via 192\.168\.100\.1 dev 2$", timeout=30)
