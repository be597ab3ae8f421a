"""Multicast tests (issue 13): IGMP and MLD with real peers.

- mcast_calls[_linux]: user/tests/mcast_calls.c, a glibc program, on SIS
  (as init, no NIC) and, as the reference, on this Linux host (a namespace
  with only lo): IP_ADD/DROP_MEMBERSHIP with ip_mreq and ip_mreqn,
  MCAST_JOIN/LEAVE_GROUP at SOL_IP and SOL_IPV6, IPV6_JOIN/LEAVE_GROUP,
  IP_MULTICAST_TTL/LOOP/IF and IPV6_MULTICAST_HOPS/LOOP/IF with their
  defaults, lengths and errnos (EINVAL, ENODEV, EADDRINUSE, EADDRNOTAVAIL,
  ENOBUFS past 20 IPv4 groups, EPROTO on TCP), the groups in /proc/net/igmp
  and /proc/net/igmp6 (and gone on close), a datagram to a group joined on
  lo reaching the sockets bound to its port and not after the leave. On SIS
  also: 200 rounds of joining six groups and closing without leaving leave
  no lwIP group, socket or heap byte behind (/proc/net/sis_pools).
- tap_mcast: a tap in a namespace. For IPv4 (239.7.7.x) and IPv6
  (ff02::1:7x, link scope): a host socket joins a group on tap0 and gets the
  datagrams the guest sends to it; the guest joins a group on eth0 and gets
  what a host socket sends to it. The capture shows the guest's IGMPv2
  membership report and leave, and its MLD report and done.
"""
import os
import re
import time

from glibc import glibc_static, sis_and_linux
from guest import boot_to_shell, sh, wait_ipv6
from sistest import test

LL0 = "fe80::5054:ff:fe12:3456"

sis_and_linux(__name__, "mcast_calls", "mcast_calls.c", 100)


# The host side: a receiver that joins GROUP on tap0 and prints the first
# datagram, or a sender that sends to GROUP out of tap0 every 100 ms.
HOST = r'''
import socket, struct, sys, time
mode, group, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
idx = socket.if_nametoindex("tap0")
v6 = ":" in group
fam = socket.AF_INET6 if v6 else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
if mode == "recv":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    if v6:
        mr = socket.inet_pton(fam, group) + struct.pack("@I", idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mr)
    else:
        mr = socket.inet_aton(group) + socket.inet_aton("0.0.0.0") + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mr)
    print("ready", flush=True)
    s.settimeout(20)
    data, peer = s.recvfrom(512)
    print("got", data.decode(), "from", peer[0], flush=True)
else:
    if v6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        dest = (group, port, 0, idx)
    else:
        mr = socket.inet_aton("0.0.0.0") * 2 + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mr)
        dest = (group, port)
    for i in range(200):
        s.sendto(b"from-host %d" % i, dest)
        time.sleep(0.1)
'''


def host_recv(ctx, ns, group, port):
    """Start the host receiver; returns (process, output path) once it joined."""
    out = os.path.join(ctx.tmpdir(), f"host-recv-{port}.txt")
    f = open(out, "w")
    p = ns.popen(["python3", "-c", HOST, "recv", group, str(port)], stdout=f)
    end = time.monotonic() + 10
    while "ready" not in open(out).read() and time.monotonic() < end and p.poll() is None:
        time.sleep(0.05)
    return p, out


@test(timeout=120, needs_root=True)
def tap_mcast(ctx):
    ns = ctx.netns()
    ns.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
    ns.add_tap("tap0", "192.168.77.1/24")
    pcap = os.path.join(ctx.tmpdir(), "mcast.pcap")
    exe = glibc_static(ctx, "mcast_calls.c", os.path.join(ctx.tmpdir(), "mcast_calls"))
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"], pcap=pcap, add=[f"{exe}:/bin/mcast_calls"],
                  append="ip=192.168.77.20/24:192.168.77.1")
    boot_to_shell(qm)
    wait_ipv6(qm, LL0)
    for group, port in (("239.7.7.1", 7001), ("ff02::1:71", 7002)):
        # Guest to host: the host joined, the guest sends out of eth0 (index 2).
        p, out = host_recv(ctx, ns, group, port)
        sent = sh(qm, f"mcast_calls send {group} {port} 2 20")
        p.wait(timeout=20)
        got = open(out).read()
        ctx.log_write(f"--- host receiver {group}: {got}\n")
        ctx.check("sent 20" in sent and re.search(r"^got sis-mcast \d+ from (192\.168\.77\.20|"
                                                  + LL0 + r"(%tap0)?)$", got, re.M),
                  f"host in {group}: guest said {sent!r}, host got {got!r}")
    for group, port in (("239.7.7.2", 7003), ("ff02::1:72", 7004)):
        # Host to guest: the guest joins on eth0, the host sends out of tap0.
        sender = ns.popen(["python3", "-c", HOST, "send", group, str(port)])
        got = sh(qm, f"mcast_calls recv {group} {port} 2", timeout=30)
        sender.kill()
        ctx.check(re.search(r"^got from-host \d+ from (192\.168\.77\.1|fe80::\S+)$", got, re.M),
                  f"guest in {group}: {got!r}")
    qm.sendline("poweroff")
    qm.expect_exit(0, timeout=30)
    # What the guest told the network about its groups (IGMPv2, MLDv1).
    r = ctx.run_tool(["tshark", "-r", pcap, "-T", "fields", "-e", "eth.src", "-e", "igmp.type",
                      "-e", "igmp.maddr", "-e", "icmpv6.type", "-e", "icmpv6.mld.multicast_address",
                      "-Y", "igmp || icmpv6.type == 131 || icmpv6.type == 132"])
    seen = r.stdout
    for want in (r"0x16\t239\.7\.7\.2", r"0x17\t239\.7\.7\.2", r"\t131\tff02::1:72",
                 r"\t132\tff02::1:72"):
        ctx.check(re.search(r"^52:54:00:12:34:56\t.*" + want, seen, re.M),
                  f"no {want!r} from the guest in the capture:\n{seen}")
