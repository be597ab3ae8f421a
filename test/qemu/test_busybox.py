"""Debian's busybox-static (third_party/busybox/busybox, fetched by tools/bootstrap)
running its everyday applets on SIS, each of which must succeed:

- applets: a script run by busybox's own sh, so that every applet it names is
  re-executed through /proc/self/exe (FEATURE_SH_STANDALONE): df, ln -s,
  readlink, ls -l of links, chmod, ln (hard), stat, id, ps, top -bn1, mkfifo
  with a writer and a reader meeting in it, touch -d, find, cp -a (links, modes
  and times kept), mv, du, and nslookup of a name served by a real DNS server
  (Debian's dnsmasq on the host, reached through QEMU's slirp at 10.0.2.2: the
  host's own resolver here answers nothing, so QEMU's 10.0.2.3 would only ever
  say NXDOMAIN).
- httpd: busybox httpd in the guest serves a page that curl on the host fetches
  through a hostfwd.
Applets that need threads or netlink (ip) are tested elsewhere (test_netlink)."""
import os
import re
import socket
import struct
import subprocess

from guest import boot_to_shell, sh
from sistest import TOP, TestFailure, test

BUSYBOX = os.path.join(TOP, "third_party/busybox/busybox")

# check NAME WANT CMD...: CMD must exit 0 and print something containing WANT.
SCRIPT = r"""
out() { n=$1; want=$2; shift 2; got=$("$@" 2>&1); s=$?
	case "$got" in *$want*) [ $s = 0 ] && echo "ok $n" && return;; esac
	echo "FAIL $n (status $s): $got"; }
mkdir -p /tmp/bb && cd /tmp/bb
echo hello > file
out reexec /bin/busybox readlink /proc/self/exe
out df "% /" df /
out ln_s "" ln -s /tmp/bb/file link
out readlink /tmp/bb/file readlink link
out ls_link "link -> /tmp/bb/file" ls -l link
out cat_link hello cat link
out chmod "" chmod 640 file
out stat_mode 640 stat -c %a file
out ln_hard "" ln file hard
out stat "regular file 2" stat -c '%F %h' file
out id "uid=0(root) gid=0(root)" id
out ps "sh /tmp/bb.sh" ps
out top "PID" top -bn1
out mkfifo "" mkfifo fifo
(echo via-fifo > fifo) &
out fifo via-fifo cat fifo
wait
out stat_fifo fifo stat -c %F fifo
out touch_d "" touch -d "2021-02-03 04:05:06" file
out mtime 1612325106 stat -c %Y file
out find /tmp/bb/link find /tmp/bb -type l
out cp_a "" cp -a /tmp/bb /tmp/bb2
out cp_a_link /tmp/bb/file readlink /tmp/bb2/link
out cp_a_time 1612325106 stat -c %Y /tmp/bb2/file
out cp_a_mode 640 stat -c %a /tmp/bb2/file
out mv "" mv /tmp/bb2/file /tmp/bb2/moved
out mv_done hello cat /tmp/bb2/moved
out du /tmp/bb du -s /tmp/bb
out rm_link "" rm link
out nslookup "Address: 10.1.2.3" nslookup -type=a sis.test 10.0.2.2:@DNSPORT@
echo "bb: done"
"""
APPLETS = re.findall(r"^out (\w+)", SCRIPT, re.M)


def dns_query(port, name="sis.test"):
    """One A query to 127.0.0.1:PORT: the answer's bytes, or None."""
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    pkt = struct.pack(">HHHHHH", 0x5157, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        try:
            s.sendto(pkt, ("127.0.0.1", port))
            return s.recv(512)
        except OSError:
            return None


def start_dnsmasq(ctx):
    """dnsmasq answering sis.test with 10.1.2.3 on 127.0.0.1 (and nothing
    else): (port, process), once it answers."""
    port = ctx.free_port()
    log = open(os.path.join(ctx.log_dir, f"{ctx.name}.dnsmasq.log"), "w")
    p = subprocess.Popen(["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                          f"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces",
                          "--no-resolv", "--no-hosts", "--address=/sis.test/10.1.2.3",
                          "--log-queries", "--log-facility=-", "--pid-file=", "--user=root"],
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(100):  # each try waits up to 1 s for an answer
        if p.poll() is not None:
            raise TestFailure(f"dnsmasq exited with {p.returncode} (see its log)")
        if dns_query(port):
            return port, p
    p.kill()
    raise TestFailure("dnsmasq never answered")


def rootfs(ctx):
    """/etc/passwd and /etc/group naming root, for id and ps."""
    files = []
    for name, text in (("passwd", "root:x:0:0:root:/root:/bin/sh\n"), ("group", "root:x:0:\n")):
        path = os.path.join(ctx.tmpdir(), name)
        with open(path, "w") as f:
            f.write(text)
        files.append(f"{path}:/etc/{name}")
    return files


@test(timeout=150)
def applets(ctx):
    port, dns = start_dnsmasq(ctx)
    try:
        script = os.path.join(ctx.tmpdir(), "bb.sh")
        with open(script, "w") as f:
            f.write(SCRIPT.replace("@DNSPORT@", str(port)))
        q = ctx.qemu(nets=["user"], add=[f"{BUSYBOX}:/bin/busybox", f"{script}:/tmp/bb.sh",
                                          *rootfs(ctx)])
        boot_to_shell(q)
        out = sh(q, "busybox sh /tmp/bb.sh", timeout=90)
    finally:
        dns.kill()
        dns.wait()
    ok = re.findall(r"^ok (\w+)$", out, re.M)
    failed = re.findall(r"^FAIL .*$", out, re.M)
    ctx.check(not failed and ok == APPLETS and "bb: done" in out,
              "busybox applets failed:\n" + "\n".join(failed or [out[-1500:]]))


@test(timeout=90)
def httpd_curl(ctx):
    host_port, fwd = ctx.hostfwd(8080)
    page = os.path.join(ctx.tmpdir(), "index.html")
    with open(page, "w") as f:
        f.write("<p>served by busybox httpd on SIS</p>\n")
    q = ctx.qemu(nets=["user"], hostfwds=[fwd],
                 add=[f"{BUSYBOX}:/bin/busybox", f"{page}:/tmp/www/index.html"])
    boot_to_shell(q)
    sh(q, "busybox httpd -p 8080 -h /tmp/www")
    # Handshake: the guest itself reaches the server before the host tries.
    sh(q, "busybox sh -c 'i=0; until wget -q -O /dev/null http://127.0.0.1:8080/; do"
          " i=$((i+1)); [ $i -lt 500 ] || exit 1; done'", timeout=40)
    r = ctx.run_tool(["curl", "-sS", "--max-time", "20", "-D", "-",
                      f"http://127.0.0.1:{host_port}/index.html"], timeout=30)
    ctx.check(r.returncode == 0 and "200 OK" in r.stdout and
              "served by busybox httpd on SIS" in r.stdout,
              f"curl: exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-400:]}")
    out = sh(q, "busybox ps")
    ctx.check(re.search(r"busybox httpd -p 8080", out), f"httpd not in ps:\n{out}")
