"""The network tools at the SIS shell (user/net): resolver, nslookup, wget,
ping, httpd, nc, netstat, ifconfig/ip, /proc/net, and a pcap read by tshark.

- user_httpd: QEMU user networking with hostfwd; right after boot the host's
  HTTP clients (curl, then Python's http.client on one keep-alive
  connection) get /srv/www/index.html from the httpd that /etc/rc started,
  and byte ranges of it (curl -r; suffix, open-ended, 416 past the end,
  the whole page for multiple ranges or other units).
- user_tools: nc -l (TCP and UDP) receives what a host client sends through a hostfwd; wget
  fetches a page from a server on the host's loopback (10.0.2.2 under slirp);
  a second httpd serves /bin/wget to 8 host clients at once, byte for byte;
  /proc/net/{dev,snmp,tcp,route}, /proc/meminfo, /proc/uptime,
  /proc/interrupts and netstat -s,
  ifconfig, ip route show sensible values.
- pcap_tshark: tools/run's --pcap capture of a boot plus one HTTP request is
  read by tshark, which finds the DHCP exchange and the GET.
- tap_*: a tap in a namespace with a real dnsmasq serving DHCP and DNS
  (host.sis.test, www.sis.test as a CNAME) and python3 -m http.server:
  the guest resolves names and fetches pages by name with wget, pings the host
  side without loss (and stops on Ctrl-C with a summary), nslookup of an
  unknown name fails cleanly, netstat lists the listening httpd, the
  namespace fetches the guest's page, and a static address set with ifconfig
  at run time works for both directions. tap_resolver_retry: a server that
  ignores each first query is answered on the resolver's retry (after its
  5 s timeout); with no server at all the lookup fails cleanly after the
  last try. tap_resolver_tcp: a server whose UDP answers are truncated (TC,
  no records) is asked again over TCP, which has the address.
"""
import http.client
import http.server
import os
import re
import shutil
import socket
import socketserver
import subprocess
import threading
import time
import urllib.request

from guest import PROMPT, boot_to_shell, recv_all, serve_host_dir, sh
from sistest import (TOP, TestFailure, TestSkip, register, test, wait_for_file_line,
                     wait_for_port)

HOST_ADDR = "192.168.77.1"
GUEST_MAC = "52:54:00:12:34:56"
GUEST_ADDR = "192.168.77.50"
INDEX_TEXT = "Hello from SIS"


# --------------------------------------------------------------------------
# Talking to the SIS shell
# --------------------------------------------------------------------------
def need(ctx, text, pattern, what):
    """PATTERN (a regex, multiline) must occur in TEXT."""
    m = re.search(pattern, text, re.M)
    if not m:
        raise TestFailure(f"{what}: /{pattern}/ not in:\n{text[-800:]}")
    return m


def http_get(port, path="/", host="127.0.0.1", timeout=10.0):
    """GET http://HOST:PORT/PATH with urllib, once: the caller made sure the
    server listens (wait_listening), so any error is a failure."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except OSError as e:
        raise TestFailure(f"GET http://{host}:{port}{path}: {e}") from None


def get_concurrently(port, path, n, join_timeout):
    """N host clients GET PATH at once; returns each one's http_get result
    (status, headers, body) or the exception it ended with."""
    results = [None] * n

    def fetch(i):
        try:
            results[i] = http_get(port, path, timeout=30)
        except Exception as e:  # reported by the caller
            results[i] = e
    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(join_timeout)
    return results


def wait_listening(ctx, qm, port, proto="tcp", timeout=20):
    """Poll `netstat -tln` (-uln) at the guest's shell until something
    listens on PORT: the readiness handshake before a host client connects
    (through a hostfwd, a host connect succeeds even with no guest server)."""
    flag, state = ("-tln", r"\s+LISTEN") if proto == "tcp" else ("-uln", "")
    rx = rf"^{proto}\s+\d+\s+\d+\s+0\.0\.0\.0:{port}\s+0\.0\.0\.0:\*{state}\s*$"
    end = time.monotonic() + timeout
    while True:
        if re.search(rx, sh(qm, f"netstat {flag}"), re.M):
            return
        if time.monotonic() > end:
            raise TestFailure(f"nothing listens on {proto} port {port} in the guest "
                              f"after {timeout} s")
        time.sleep(0.1)


# --------------------------------------------------------------------------
# QEMU user networking
# --------------------------------------------------------------------------
@test(timeout=90)
def user_httpd(ctx):
    port, fwd = ctx.hostfwd(80)
    qm = ctx.qemu(nets=["user"], hostfwds=[fwd])
    qm.expect(r"SIS: boot complete", timeout=40)
    boot_to_shell(qm)
    wait_listening(ctx, qm, 80)
    # curl, as a user would, once: from here on every error counts
    r = subprocess.run(["curl", "-s", "-i", "--max-time", "10", f"http://127.0.0.1:{port}/"],
                       capture_output=True, text=True)
    ctx.check(r.returncode == 0 and INDEX_TEXT in r.stdout,
              f"curl did not get the index page: rc={r.returncode} {r.stdout[-300:]}")
    ctx.log_write(f"--- curl -i:\n{r.stdout}\n")
    head, _, body = r.stdout.replace("\r\n", "\n").partition("\n\n")
    need(ctx, head, r"^HTTP/1\.1 200 OK$", "status line")
    need(ctx, head, r"^Content-Type: text/html$", "content type")
    length = int(need(ctx, head, r"^Content-Length: (\d+)$", "length").group(1))
    with open(os.path.join(TOP, "user", "net", "www", "index.html"), "rb") as f:
        page = f.read()
    ctx.check(length == len(page) and body.encode() == page,
              f"body ({len(body)} bytes, Content-Length {length}) is not index.html ({len(page)})")

    # Keep-alive: several requests, one connection; then a 404 and a HEAD.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(3):
        conn.request("GET", "/")
        resp = conn.getresponse()
        ctx.check(resp.status == 200 and resp.read() == page, "keep-alive GET / differs")
        ctx.check(resp.getheader("Connection") == "keep-alive", "connection not kept alive")
    conn.request("GET", "/no/such/page")
    resp = conn.getresponse()
    resp.read()
    ctx.check(resp.status == 404, f"missing page gave {resp.status}")
    conn.request("HEAD", "/index.html")
    resp = conn.getresponse()
    ctx.check(resp.status == 200 and resp.getheader("Content-Length") == str(len(page)),
              "HEAD /index.html: wrong status or length")
    ctx.check(resp.read() == b"", "HEAD response had a body")
    # Byte ranges: curl -r as a user would, then the edge cases.
    r = subprocess.run(["curl", "-s", "-i", "--max-time", "5", "-r", "0-9",
                        f"http://127.0.0.1:{port}/index.html"], capture_output=True)
    head, _, body = r.stdout.replace(b"\r\n", b"\n").partition(b"\n\n")
    ctx.check(head.startswith(b"HTTP/1.1 206 Partial Content") and body == page[:10] and
              f"Content-Range: bytes 0-9/{len(page)}".encode() in head,
              f"curl -r 0-9: {head[:200]!r} {body[:20]!r}")
    for rng, want_status, want in (("bytes=-7", 206, page[-7:]), ("bytes=5-", 206, page[5:]),
                                   (f"bytes={len(page)}-", 416, None),
                                   ("bytes=0-1,4-5", 200, page), ("items=0-3", 200, page)):
        conn.request("GET", "/index.html", headers={"Range": rng})
        resp = conn.getresponse()
        data = resp.read()
        ctx.check(resp.status == want_status and (want is None or data == want),
                  f"Range {rng}: {resp.status}, {len(data)} bytes")
        if want_status == 416:
            ctx.check(resp.getheader("Content-Range") == f"bytes */{len(page)}",
                      "416 without Content-Range */size")
    conn.close()

    # Many clients at once.
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(16)]
    for s in socks:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    for s in socks:
        data = recv_all(s)
        s.close()
        ctx.check(data.endswith(page) and data.startswith(b"HTTP/1.1 200 OK"),
                  "a concurrent client got a wrong answer")


@test(timeout=120)
def user_tools(ctx):
    d = os.path.join(ctx.tmpdir(), "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "note.txt"), "w") as f:
        f.write("a note from the host\n")
    hport, server = serve_host_dir(ctx, d)
    try:
        nc_port, nc_fwd = ctx.hostfwd(7000)
        udp_port, udp_fwd = ctx.hostfwd(7001, proto="udp")
        big_port, big_fwd = ctx.hostfwd(8081)
        qm = ctx.qemu(nets=["user"], hostfwds=[nc_fwd, udp_fwd, big_fwd])
        boot_to_shell(qm)

        out = sh(qm, f"wget -O - http://10.0.2.2:{hport}/note.txt")
        need(ctx, out, r"^a note from the host$", "wget to the host")
        out = sh(qm, f"wget -O /tmp/n.txt http://10.0.2.2:{hport}/note.txt && cat /tmp/n.txt")
        need(ctx, out, r"'/tmp/n\.txt' saved \[21\]", "wget saved message")
        need(ctx, out, r"^a note from the host$", "saved file")
        sh(qm, f"wget -q -O - http://10.0.2.2:{hport}/missing", status=8)

        # nc -l in the background; once netstat shows it listening, a host
        # client sends a line through the hostfwd (one try), then closes.
        sh(qm, "nc -l 7000 < /dev/null > /tmp/nc.out & true")
        wait_listening(ctx, qm, 7000)
        with socket.create_connection(("127.0.0.1", nc_port), timeout=10) as s:
            s.sendall(b"hello over nc\n")
            s.shutdown(socket.SHUT_WR)
            s.settimeout(10)
            while s.recv(4096):
                pass
        out = sh(qm, "wait; cat /tmp/nc.out")
        need(ctx, out, r"^hello over nc$", "nc -l output")

        # nc -u -l: one datagram from the host once it is bound; -w 2 ends it
        # after two quiet seconds.
        sh(qm, "nc -u -l -w 2 7001 < /dev/null > /tmp/ncu.out & true")
        wait_listening(ctx, qm, 7001, proto="udp")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"a datagram\n", ("127.0.0.1", udp_port))
        out = sh(qm, "wait; cat /tmp/ncu.out", timeout=20)
        need(ctx, out, r"^a datagram$", "nc -u -l output")

        # nc HOST PORT: the guest's client to a server on the host.
        nc_srv = socket.create_server(("127.0.0.1", 0))
        got = []

        def serve_one():
            c, _ = nc_srv.accept()
            with c:
                c.settimeout(10)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = c.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                got.append(data)
                c.sendall(b"hello guest\n")
        th = threading.Thread(target=serve_one, daemon=True)
        th.start()
        out = sh(qm, f"echo hi from nc | nc 10.0.2.2 {nc_srv.getsockname()[1]}")
        th.join(10)
        nc_srv.close()
        ctx.check(got == [b"hi from nc\n"], f"the host server got {got}")
        need(ctx, out, r"^hello guest$", "nc HOST PORT output")

        # A second httpd serving the whole ramdisk: big binary files, many clients at once.
        sh(qm, "httpd -p 8081 -l /tmp/httpd2.log / & true")
        with open(os.path.join(ctx.build_dir, "user", "wget"), "rb") as f:
            wget_elf = f.read()
        wait_listening(ctx, qm, 8081)
        http_get(big_port, "/etc/hosts")
        results = get_concurrently(big_port, "/bin/wget", 8, 60)
        for r in results:
            ctx.check(isinstance(r, tuple) and r[0] == 200 and r[2] == wget_elf,
                      f"concurrent GET /bin/wget: {r if not isinstance(r, tuple) else r[:2]}")
        ctx.check(results[0][1].get("Content-Length") == str(len(wget_elf)), "Content-Length")

        check_proc(ctx, qm)
    finally:
        server.terminate()
        server.wait()


class _ClaimsHandler(http.server.BaseHTTPRequestHandler):
    """/note.txt: a line; /redir: a 302 to /note.txt; /slow: headers never come."""
    protocol_version = "HTTP/1.1"
    seen = []

    def do_GET(self):
        self.seen.append(self.path)
        if self.path == "/slow":
            time.sleep(15)
            return
        if self.path == "/redir":
            self.send_response(302)
            self.send_header("Location", "/note.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"a note from the host\n"
        self.send_response(200 if self.path == "/note.txt" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class _ThreadingHTTP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@test(timeout=90)
def user_claims(ctx):
    """README claims under user networking: getaddrinfo through /etc/hosts
    (a name only the ramdisk's hosts file knows), wget following a redirect
    and giving up after -T seconds, ping -s/-q/-W, netstat -a with a listening
    and an established socket, netstat -u, nc -v, ip link, ifconfig down/up."""
    hosts = os.path.join(ctx.tmpdir(), "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost\n10.0.2.2 hostside.test\n")
    _ClaimsHandler.seen = []
    srv = _ThreadingHTTP(("127.0.0.1", 0), _ClaimsHandler)
    hport = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        nc_port, nc_fwd = ctx.hostfwd(7002)
        qm = ctx.qemu(nets=["user"], hostfwds=[nc_fwd], add=[f"{hosts}:/etc/hosts"])
        boot_to_shell(qm)

        out = sh(qm, f"wget -O - http://hostside.test:{hport}/note.txt")
        need(ctx, out, r"^Resolving hostside\.test\.\.\. 10\.0\.2\.2$", "name from /etc/hosts")
        need(ctx, out, r"^a note from the host$", "body by an /etc/hosts name")
        out = sh(qm, f"wget -O - http://hostside.test:{hport}/redir")
        need(ctx, out, r"^Location: /note\.txt \[following\]$", "redirect followed")
        need(ctx, out, r"^a note from the host$", "body after the redirect")
        ctx.check(_ClaimsHandler.seen[-2:] == ["/redir", "/note.txt"],
                  f"requests the server saw: {_ClaimsHandler.seen}")
        t0 = time.monotonic()
        out = sh(qm, f"wget -T 2 -O - http://10.0.2.2:{hport}/slow", status=4)
        took = time.monotonic() - t0
        ctx.check(1.8 <= took <= 8, f"wget -T 2 gave up after {took:.1f} s")

        out = sh(qm, "ping -c 2 -i 0.2 -s 1000 10.0.2.2", timeout=20)
        need(ctx, out, r"^PING 10\.0\.2\.2 \(10\.0\.2\.2\) 1000\(1028\) bytes of data\.$",
             "ping -s header")
        need(ctx, out, r"^1008 bytes from 10\.0\.2\.2: icmp_seq=2 ", "ping -s reply size")
        out = sh(qm, "ping -q -c 3 -i 0.2 10.0.2.2", timeout=20)
        ctx.check("bytes from" not in out, f"ping -q printed replies:\n{out}")
        need(ctx, out, r"^3 packets transmitted, 3 received, 0% packet loss", "ping -q summary")
        t0 = time.monotonic()
        out = sh(qm, "ping -c 1 -W 1 10.0.2.99", timeout=20, status=1)
        took = time.monotonic() - t0
        need(ctx, out, r"^1 packets transmitted, 0 received, 100% packet loss", "ping -W summary")
        ctx.check(took <= 6, f"ping -W 1 took {took:.1f} s")

        # netstat -a: httpd listening, and an established connection to nc.
        # (nc's input stays open while sleep runs: the connection stays established)
        sh(qm, "sleep 4 | nc -l 7002 > /dev/null & true")
        wait_listening(ctx, qm, 7002)
        with socket.create_connection(("127.0.0.1", nc_port), timeout=10):
            deadline = time.monotonic() + 10
            while True:
                out = sh(qm, "netstat -a")
                if re.search(r"^tcp\s+\d+\s+\d+\s+10\.0\.2\.15:7002\s+10\.0\.2\.2:\d+\s+"
                             r"ESTABLISHED$", out, re.M) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            need(ctx, out, r"^Active Internet connections \(servers and established\)$",
                 "netstat -a header")
            need(ctx, out, r"^tcp\s+0\s+\d+\s+0\.0\.0\.0:80\s+0\.0\.0\.0:\*\s+LISTEN$",
                 "netstat -a: httpd")
            need(ctx, out, r"^tcp\s+\d+\s+\d+\s+10\.0\.2\.15:7002\s+10\.0\.2\.2:\d+\s+"
                 r"ESTABLISHED$", "netstat -a: the connection to nc")
        sh(qm, "wait")
        out = sh(qm, "netstat -u -a")
        ctx.check(not re.search(r"^tcp", out, re.M), f"netstat -u lists TCP:\n{out}")
        need(ctx, out, r"^Proto Recv-Q Send-Q Local Address", "netstat -u header")
        need(ctx, out, r"^udp\s+0\s+0\s+0\.0\.0\.0:68\s", "netstat -u -a: the DHCP client")

        # nc -v says what it connected to; ifconfig down/up takes eth0 away and back.
        out = sh(qm, f"echo x | nc -v 10.0.2.2 {hport} > /dev/null")
        need(ctx, out, rf"^Connection to 10\.0\.2\.2 \(10\.0\.2\.2\) {hport} port \[tcp\] "
             r"succeeded!$", "nc -v")
        out = sh(qm, "ip link")
        need(ctx, out, r"eth0: <[^>]*\bUP\b[^>]*>", "ip link: eth0 up")
        sh(qm, "ifconfig eth0 down")
        out = sh(qm, "ifconfig eth0")
        need(ctx, out, r"^eth0: flags=\d+<(?![^>]*\bUP\b)[^>]*>", "ifconfig eth0 down")
        sh(qm, "ping -c 1 -W 1 10.0.2.2", status=1)
        sh(qm, "ifconfig eth0 up")
        out = sh(qm, "ping -c 2 -i 0.2 -W 2 10.0.2.2", timeout=20)
        need(ctx, out, r"2 received, 0% packet loss", "ping after ifconfig eth0 up")
    finally:
        srv.shutdown()
        srv.server_close()


@test(timeout=60)
def ip_off(ctx):
    """ip=off leaves eth0 unconfigured: no DHCP, no address, no default route;
    a packet out has nowhere to go."""
    qm = ctx.qemu(nets=["user"], hostfwds=[], append="ip=off")
    qm.expect(r"^\[INFO\] net: eth0 left unconfigured \(ip=off\)$", timeout=30)
    boot_to_shell(qm)
    ctx.check("STARTING DHCP" not in qm.output, "DHCP ran with ip=off")
    out = sh(qm, "ifconfig eth0")
    need(ctx, out, r"^eth0: flags=", "ifconfig eth0")
    ctx.check(not re.search(r"^\s+inet ", out, re.M), f"eth0 has an address:\n{out}")
    out = sh(qm, "ip route")
    ctx.check("default" not in out and "eth0" not in out, f"routes with ip=off:\n{out}")
    out = sh(qm, "ping -c 1 -W 1 10.0.2.2", status=None)
    need(ctx, out, r"[Nn]etwork is unreachable|100% packet loss", "ping with no address")


@test(timeout=60)
def per_nic_config(ctx):
    """Three NICs: ip= makes eth0 static, ip.eth1= makes eth1 static, eth2 is
    left to DHCP, which runs in the background (the boot does not wait for
    it) and leases eth2 an address."""
    qm = ctx.qemu(nets=["user", "user", "user"], hostfwds=[],
                  append="ip=10.0.2.16/24:10.0.2.2:10.0.2.3 ip.eth1=192.168.60.5/24")
    qm.expect(r"^\[INFO\] virtio-net: Registered eth2 ", timeout=30)
    qm.expect(r"^\[INFO\] dhcp: Lease acquired! \(eth2\)$", timeout=30)
    m = qm.expect(r"^\[INFO\] dhcp: IP address: (10\.0\.2\.\d+)/24 \(eth2\)$", timeout=5)
    boot_to_shell(qm)
    out = sh(qm, "ip addr")
    need(ctx, out, r"inet 10\.0\.2\.16/24 brd 10\.0\.2\.255 scope global eth0$", "eth0 static")
    need(ctx, out, r"inet 192\.168\.60\.5/24 brd 192\.168\.60\.255 scope global eth1$",
         "eth1 static (ip.eth1=)")
    need(ctx, out, rf"inet {re.escape(m.group(1))}/24 brd 10\.0\.2\.255 scope global eth2$",
         "eth2 leased")
    lease_lines = [ln for ln in qm.output.splitlines() if "Lease acquired" in ln]
    ctx.check(lease_lines == ["[INFO] dhcp: Lease acquired! (eth2)"],
              f"DHCP ran on a static interface: {lease_lines}")
    out = sh(qm, "ip route")
    need(ctx, out, r"^default via 10\.0\.2\.2 dev eth0$", "default route from ip=")


def serve_small(mem, big):
    """The README's smallest machines still serve: curl gets the index page,
    then eight clients at once get it again; with BIG a second httpd (at
    6 MiB there is no room to exec one: "Not enough space") serves /bin/wget
    to four clients at once, byte for byte."""
    def run(ctx):
        port, fwd = ctx.hostfwd(80)
        big_port, big_fwd = ctx.hostfwd(8081)
        qm = ctx.qemu(mem=mem, nets=["user"], hostfwds=[fwd, big_fwd], initrd=ctx.user_initrd)
        boot_to_shell(qm)
        wait_listening(ctx, qm, 80)
        r = subprocess.run(["curl", "-sS", "--max-time", "10", f"http://127.0.0.1:{port}/"],
                           capture_output=True, text=True)
        ctx.check(r.returncode == 0 and INDEX_TEXT in r.stdout,
                  f"curl at {mem}: {r.returncode} {r.stderr.strip()}")
        pages = [None] * 8

        def get_index(i):
            try:
                pages[i] = http_get(port, "/", timeout=30)
            except Exception as e:  # reported below
                pages[i] = e
        threads = [threading.Thread(target=get_index, args=(i,)) for i in range(len(pages))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        for r in pages:
            ctx.check(isinstance(r, tuple) and r[0] == 200 and INDEX_TEXT.encode() in r[2],
                      f"GET / at {mem}: {r if not isinstance(r, tuple) else r[:2]}")
        if not big:
            return
        sh(qm, "httpd -p 8081 -l /tmp/h2.log / & true")
        wait_listening(ctx, qm, 8081)
        with open(os.path.join(ctx.build_dir, "user", "wget"), "rb") as f:
            want = f.read()
        results = get_concurrently(big_port, "/bin/wget", 4, 40)
        for r in results:
            ctx.check(isinstance(r, tuple) and r[0] == 200 and r[2] == want,
                      f"GET /bin/wget at {mem}: {r if not isinstance(r, tuple) else r[:2]}")
    return run


register("serve_16m", serve_small("16M", True), timeout=60)
register("serve_6m", serve_small("6M", False), timeout=60)


def check_proc(ctx, qm):
    """The /proc files and the tools that read them, under user networking."""
    out = sh(qm, "cat /proc/net/dev")
    m = need(ctx, out, r"^\s*eth0:\s*(\d+)\s+(\d+)\s+\d+\s+\d+(?:\s+\d+){4}\s+(\d+)\s+(\d+)",
             "/proc/net/dev eth0")
    ctx.check(int(m.group(2)) > 0 and int(m.group(4)) > 0, "eth0 counted no packets")
    need(ctx, out, r"^\s*lo:", "/proc/net/dev lo")
    out = sh(qm, "cat /proc/net/snmp")
    need(ctx, out, r"^Ip: Forwarding DefaultTTL InReceives", "snmp Ip header")
    m = need(ctx, out, r"^Tcp: RtoAlgorithm.*\nTcp: ([\d -]+)$", "snmp Tcp values")
    need(ctx, out, r"^Udp: InDatagrams NoPorts InErrors OutDatagrams", "snmp Udp header")
    out = sh(qm, "cat /proc/net/tcp")
    need(ctx, out, r"^\s*\d+: 00000000:0050 00000000:0000 0A ", "httpd's listener in /proc/net/tcp")
    out = sh(qm, "cat /proc/net/route")
    need(ctx, out, r"^eth0\t00000000\t0202000A\t0003\t", "default route via 10.0.2.2")
    out = sh(qm, "cat /proc/meminfo")
    total = int(need(ctx, out, r"^MemTotal:\s+(\d+) kB$", "MemTotal").group(1))
    free = int(need(ctx, out, r"^MemFree:\s+(\d+) kB$", "MemFree").group(1))
    ctx.check(100000 < total <= 131072 and 0 < free < total, f"meminfo {total} {free}")
    out = sh(qm, "cat /proc/uptime")
    up, idle = map(float, need(ctx, out, r"^(\d+\.\d\d) (\d+\.\d\d)$", "uptime").groups())
    ctx.check(0 < up < 300 and 0 <= idle <= up, f"uptime {up} idle {idle}")
    out = sh(qm, "cat /proc/interrupts")
    need(ctx, out, r"^\s+CPU0$", "/proc/interrupts header")
    ticks = int(need(ctx, out, r"^\s*27:\s+(\d+)\s+GICv2\s+27 Level\s+timer_irq$",
                     "timer in /proc/interrupts").group(1))
    nic = int(need(ctx, out, r"^\s*48:\s+(\d+)\s+GICv2\s+48 Level\s+virtio_net_irq$",
                   "eth0 (virtio-mmio 0, SPI 16) in /proc/interrupts").group(1))
    ctx.check(ticks >= 10 and nic >= 1, f"/proc/interrupts counts: timer {ticks}, eth0 {nic}")
    out = sh(qm, "netstat -i")
    need(ctx, out, r"^eth0\s+1500\s+[1-9]\d*\s+0\s+0\s+0\s+[1-9]\d*\s+0\s+0\s+0\s+BRU$",
         "netstat -i eth0")
    need(ctx, out, r"^lo\s+65536\s.*\sLRU$", "netstat -i lo")
    out = sh(qm, "netstat -s")
    need(ctx, out, r"^Tcp:\n(    \w+: -?\d+\n)+", "netstat -s")
    out = sh(qm, "ifconfig")
    need(ctx, out, r"^eth0: flags=\d+<UP,BROADCAST,RUNNING>  mtu 1500$", "ifconfig eth0 flags")
    need(ctx, out, r"^\s+inet 10\.0\.2\.15  netmask 255\.255\.255\.0  broadcast 10\.0\.2\.255$",
         "ifconfig eth0 address")
    need(ctx, out, rf"^\s+ether {GUEST_MAC}  \(Ethernet\)$", "ifconfig MAC")
    need(ctx, out, r"^lo: flags=\d+<UP,LOOPBACK,RUNNING>", "ifconfig lo")
    need(ctx, out, r"^default gateway 10\.0\.2\.2 dev eth0$", "ifconfig gateway")
    need(ctx, out, r"^nameserver 10\.0\.2\.3$", "ifconfig DNS")
    out = sh(qm, "ip route")
    need(ctx, out, r"^default via 10\.0\.2\.2 dev eth0$", "ip route default")
    need(ctx, out, r"^10\.0\.2\.0/24 dev eth0 scope link src 10\.0\.2\.15$", "ip route subnet")
    out = sh(qm, "ip addr show eth0")
    need(ctx, out, r"^\s+inet 10\.0\.2\.15/24 brd 10\.0\.2\.255 scope global eth0$", "ip addr")


@test(timeout=90)
def pcap_tshark(ctx):
    tshark = shutil.which("tshark")
    if not tshark:
        ctx.fail("tshark is not installed (tools/bootstrap installs it)")
    pcap = os.path.join(ctx.tmpdir(), "eth0.pcap")
    port, fwd = ctx.hostfwd(80)
    qm = ctx.qemu(nets=["user"], hostfwds=[fwd], pcap=pcap)
    qm.expect(r"SIS: boot complete", timeout=40)
    boot_to_shell(qm)
    wait_listening(ctx, qm, 80)
    status, _, body = http_get(port, "/index.html")
    ctx.check(status == 200 and INDEX_TEXT.encode() in body, "GET /index.html failed")
    qm.kill()
    r = subprocess.run([tshark, "-r", pcap, "-Y", "dhcp || http"], capture_output=True,
                       text=True, timeout=60)
    ctx.log_write(f"--- tshark:\n{r.stdout}{r.stderr}\n")
    ctx.check(r.returncode == 0, f"tshark -r failed: {r.stderr.strip()[-300:]}")
    need(ctx, r.stdout, r"DHCP.*Discover", "DHCP Discover in the capture")
    need(ctx, r.stdout, r"DHCP.*ACK", "DHCP ACK in the capture")
    need(ctx, r.stdout, r"HTTP.*GET /index\.html HTTP/1\.1", "the HTTP request in the capture")
    need(ctx, r.stdout, r"HTTP.*HTTP/1\.1 200 OK", "the HTTP response in the capture")


# --------------------------------------------------------------------------
# A tap in a namespace with dnsmasq (DHCP + DNS) and a web server
# --------------------------------------------------------------------------
def start_dnsmasq(ctx, ns):
    """dnsmasq on tap0 serving DHCP (GUEST_ADDR for the guest's MAC) and DNS for
    sis.test: host.sis.test, www.sis.test (a CNAME of it), guest.sis.test,
    answered with a TTL of 2 s; other names in sis.test are NXDOMAIN. (sistest's ns.dnsmasq() runs DHCP only.)"""
    exe = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    if not os.path.exists(exe):
        raise TestSkip("needs dnsmasq (package dnsmasq-base)")
    d = ctx.tmpdir()
    log = open(os.path.join(ctx.log_dir, f"{ctx.name}.dnsmasq.log"), "ab")  # noqa: SIM115
    argv = [exe, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--interface=tap0", "--bind-interfaces", "--except-interface=lo",
            "--dhcp-range=192.168.77.50,192.168.77.99,255.255.255.0,1h",
            f"--dhcp-host={GUEST_MAC},{GUEST_ADDR}", "--domain=sis.test", "--local=/sis.test/",
            f"--host-record=host.sis.test,{HOST_ADDR}", "--cname=www.sis.test,host.sis.test",
            f"--host-record=guest.sis.test,{GUEST_ADDR}", "--local-ttl=2",
            f"--dhcp-leasefile={os.path.join(d, 'dnsmasq.leases')}",
            f"--pid-file={os.path.join(d, 'dnsmasq.pid')}", "--log-queries", "--log-dhcp",
            "--log-facility=-"]
    p = ns.popen(argv, stdout=log, stderr=subprocess.STDOUT)
    wait_for_file_line(ctx, p, log.name, r"DHCP, IP range ", "dnsmasq")


def tap_setup(ctx):
    """Namespace, tap, dnsmasq and a web server; returns (ns, qemu) at the shell prompt."""
    if not shutil.which("curl"):
        raise TestSkip("needs curl")
    ns = ctx.netns()
    ns.add_tap("tap0", f"{HOST_ADDR}/24")
    start_dnsmasq(ctx, ns)
    d = os.path.join(ctx.tmpdir(), "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write("hello from the namespace\n")
    with open(os.path.join(d, "big.bin"), "wb") as f:
        f.write(bytes(range(256)) * 1200)   # 307200 bytes: wget shows a progress bar
    web = ns.popen(["python3", "-m", "http.server", "8000", "--bind", HOST_ADDR,
                    "--directory", d])
    wait_for_port(ctx, HOST_ADDR, 8000, proc=web, netns=ns)
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"])
    qm.expect(rf"dhcp: IP address: {re.escape(GUEST_ADDR)}/24", timeout=40)
    boot_to_shell(qm)
    return ns, qm


@test(timeout=150, needs_root=True)
def tap_dns_wget_ping(ctx):
    ns, qm = tap_setup(ctx)
    out = sh(qm, "cat /etc/resolv.conf")
    need(ctx, out, rf"^nameserver {re.escape(HOST_ADDR)}$", "resolv.conf from DHCP")

    out = sh(qm, "nslookup host.sis.test")
    need(ctx, out, rf"^Server:\s+{re.escape(HOST_ADDR)}$", "nslookup server")
    need(ctx, out, r"^Name:\s+host\.sis\.test\nAddress: 192\.168\.77\.1$", "nslookup answer")
    out = sh(qm, "nslookup www.sis.test")
    need(ctx, out, r"^www\.sis\.test\s+canonical name = host\.sis\.test\.$", "nslookup CNAME")
    out = sh(qm, f"nslookup {GUEST_ADDR}")
    need(ctx, out, r"^50\.77\.168\.192\.in-addr\.arpa\s+name = guest\.sis\.test\.$", "PTR")
    out = sh(qm, "nslookup nosuch.sis.test", status=1)
    need(ctx, out, r"^\*\* server can't find nosuch\.sis\.test: NXDOMAIN$", "nslookup NXDOMAIN")

    # getaddrinfo through wget: by name, through a CNAME, and an unknown name.
    out = sh(qm, "wget -O - http://www.sis.test:8000/hello.txt")
    need(ctx, out, r"^Resolving www\.sis\.test\.\.\. 192\.168\.77\.1$", "wget resolving")
    need(ctx, out, r"^hello from the namespace$", "wget body by name")
    out = sh(qm, "wget -O /tmp/big.bin http://host.sis.test:8000/big.bin", timeout=60)
    need(ctx, out, r"'/tmp/big\.bin' saved \[307200\]", "big download")
    need(ctx, out, r"100%\[=+\]", "progress bar")
    out = sh(qm, "wget -O - http://nosuch.sis.test:8000/", status=4)
    need(ctx, out, r"wget: nosuch\.sis\.test: Name or service not known", "wget unknown name")

    out = sh(qm, "ping -c 5 -i 0.2 host.sis.test", timeout=30)
    need(ctx, out, r"^PING host\.sis\.test \(192\.168\.77\.1\) 56\(84\) bytes of data\.$", "ping")
    need(ctx, out, r"^64 bytes from host\.sis\.test \(192\.168\.77\.1\): icmp_seq=1 ttl=64 "
         r"time=\d+(\.\d+)? ms$", "ping reply line")
    need(ctx, out, r"^5 packets transmitted, 5 received, 0% packet loss, time \d+ms$",
         "ping summary")
    need(ctx, out, r"^rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms$", "ping rtt")

    # Ctrl-C ends an endless ping with the summary.
    qm.sendline("echo @@begin; ping -i 0.2 192.168.77.1; echo @@rc=$?")
    qm.expect(r"icmp_seq=3 ", timeout=20)
    qm.send("\x03")
    qm.expect(r"^--- 192\.168\.77\.1 ping statistics ---$", timeout=10)
    qm.expect(r"^\d+ packets transmitted, \d+ received, 0% packet loss", timeout=10)
    qm.expect(r"^@@rc=0$", timeout=10)
    qm.expect(PROMPT, prompt=True)

    out = sh(qm, "netstat -tln")
    need(ctx, out, r"^tcp\s+0\s+\d+\s+0\.0\.0\.0:80\s+0\.0\.0\.0:\*\s+LISTEN$", "netstat httpd")

    # The namespace (the "host side") fetches the guest's page and pings it.
    r = ns.run(["curl", "-s", "--max-time", "10", f"http://{GUEST_ADDR}/"])
    ctx.check(r.returncode == 0 and INDEX_TEXT in r.stdout, f"curl to the guest: {r.stdout}")
    out = sh(qm, "cat /tmp/httpd.log")
    need(ctx, out, r"^httpd: serving /srv/www on port 80$", "httpd's first log line")
    need(ctx, out, rf'^{re.escape(HOST_ADDR)} - - \[\+[\d.]+\] "GET / HTTP/1\.1" 200 \d+$',
         "httpd access log")
    r = ns.run(["ping", "-c", "5", "-i", "0.2", "-W", "2", GUEST_ADDR], timeout=20)
    ctx.check(" 0% packet loss" in r.stdout, f"namespace ping of the guest: {r.stdout}")


@test(timeout=120, needs_root=True)
def tap_static_address(ctx):
    ns, qm = tap_setup(ctx)
    sh(qm, "ifconfig eth0 192.168.77.60 netmask 255.255.255.0")
    out = sh(qm, "ifconfig eth0")
    need(ctx, out, r"^\s+inet 192\.168\.77\.60  netmask 255\.255\.255\.0  "
         r"broadcast 192\.168\.77\.255$", "the new address")
    r = ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", "192.168.77.60"], timeout=20)
    ctx.check(" 0% packet loss" in r.stdout, f"namespace ping of the new address: {r.stdout}")
    r = ns.run(["curl", "-s", "--max-time", "10", "http://192.168.77.60/"])
    ctx.check(INDEX_TEXT in r.stdout, "curl to the new address")
    sh(qm, "ip route del default")
    out = sh(qm, "ip route")
    ctx.check("default" not in out, f"default route still there: {out}")
    sh(qm, "ip route add default via 192.168.77.1")
    out = sh(qm, "ip route")
    need(ctx, out, r"^default via 192\.168\.77\.1 dev eth0$", "default route back")
    out = sh(qm, "ping -c 3 -i 0.2 192.168.77.1", timeout=20)
    need(ctx, out, r"3 received, 0% packet loss", "ping from the new address")
    sh(qm, "ip addr add 192.168.77.61/24 dev eth0")
    out = sh(qm, "ip addr show eth0")
    need(ctx, out, r"inet 192\.168\.77\.61/24 brd 192\.168\.77\.255 scope global "
         r"secondary eth0:1", "ip addr add (a secondary address, lan.secondary_address)")
    out = sh(qm, "ifconfig eth9", status=1)
    need(ctx, out, r"ifconfig: error fetching interface information: eth9: Device not found",
         "unknown interface")


# A DNS forwarder for the namespace that ignores every other query (the first
# try of each lookup), so the resolver must send it again.
DROPPING_PROXY = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
up.settimeout(5)
print("ready", flush=True)
n = 0
while True:
    query, peer = s.recvfrom(4096)
    n += 1
    if n % 2:
        continue
    up.sendto(query, (sys.argv[2], 53))
    s.sendto(up.recvfrom(4096)[0], peer)
"""


@test(timeout=120, needs_root=True)
def tap_resolver_retry(ctx):
    ns, qm = tap_setup(ctx)
    ns.ip("addr", "add", "192.168.77.2/24", "dev", "tap0")
    log = os.path.join(ctx.log_dir, f"{ctx.name}.proxy.log")
    with open(log, "wb") as fh:
        p = ns.popen(["python3", "-c", DROPPING_PROXY, "192.168.77.2", HOST_ADDR], stdout=fh)
    wait_for_file_line(ctx, p, log, r"^ready$", "the dropping DNS proxy")
    t0 = time.monotonic()
    out = sh(qm, "nslookup host.sis.test 192.168.77.2", timeout=30)
    need(ctx, out, r"^Server:\s+192\.168\.77\.2$", "answer through the dropping proxy")
    need(ctx, out, r"^Address: 192\.168\.77\.1$", "address through the dropping proxy")
    ctx.check(time.monotonic() - t0 >= 4.5, "the answer came before the 5 s retry")
    # No server at all: two rounds of 5 s, then a clean failure.
    out = sh(qm, "nslookup host.sis.test 192.168.77.3", timeout=40, status=1)
    need(ctx, out, r"^;; connection timed out; no servers could be reached$", "timeout message")


# A DNS server in front of dnsmasq whose UDP answers are cut to the header
# and question with TC set; over TCP it answers in full (and says so).
TRUNCATING_PROXY = r"""
import socket, struct, sys, threading
addr, upstream = sys.argv[1], sys.argv[2]

def ask(query):
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.settimeout(5)
    up.sendto(query, (upstream, 53))
    return up.recvfrom(65535)[0]

def recvall(c, n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b

def udp(s):
    while True:
        query, peer = s.recvfrom(4096)
        reply = bytearray(ask(query))
        end = 12
        while reply[end]:
            end += reply[end] + 1
        end += 5
        reply[2] |= 0x02                 # TC
        reply[6:12] = bytes(6)           # no answer, authority or additional records
        s.sendto(bytes(reply[:end]), peer)

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((addr, 53))
threading.Thread(target=udp, args=(u,), daemon=True).start()
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, 53))
t.listen(4)
print("ready", flush=True)
while True:
    c, _ = t.accept()
    query = recvall(c, struct.unpack("!H", recvall(c, 2))[0])
    reply = ask(query)
    c.sendall(struct.pack("!H", len(reply)) + reply)
    c.close()
    print("tcp query answered", flush=True)
"""


@test(timeout=120, needs_root=True)
def tap_resolver_tcp(ctx):
    ns, qm = tap_setup(ctx)
    ns.ip("addr", "add", "192.168.77.4/24", "dev", "tap0")
    log = os.path.join(ctx.log_dir, f"{ctx.name}.proxy.log")
    with open(log, "wb") as fh:
        p = ns.popen(["python3", "-c", TRUNCATING_PROXY, "192.168.77.4", HOST_ADDR], stdout=fh)
    wait_for_file_line(ctx, p, log, r"^ready$", "the truncating DNS proxy")
    out = sh(qm, "nslookup host.sis.test 192.168.77.4", timeout=30)
    need(ctx, out, r"^Address: 192\.168\.77\.1$", "the address, over TCP after a truncated answer")
    with open(log) as fh:
        ctx.check("tcp query answered" in fh.read(), "the proxy was asked over TCP")


# A web server for the namespace: /redir answers 302 to /hello.txt on the
# same host name at once, /slowredir after 3 s (longer than the 2 s TTL).
REDIRECT_SERVER = r"""
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path in ("/redir", "/slowredir"):
            if self.path == "/slowredir":
                time.sleep(3)
            self.send_response(302)
            self.send_header("Location", "http://host.sis.test:8001/hello.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"hello after a redirect\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer((sys.argv[1], 8001), H)
print("ready", flush=True)
srv.serve_forever()
"""


def count_queries(ctx, name, at_least=0):
    """A queries for NAME from the guest in dnsmasq's log; waits up to 2 s for
    AT_LEAST of them (the log is written by another process)."""
    end = time.monotonic() + 2
    while True:
        with open(os.path.join(ctx.log_dir, f"{ctx.name}.dnsmasq.log"), errors="replace") as fh:
            n = len(re.findall(rf"query\[A\] {re.escape(name)} from {re.escape(GUEST_ADDR)}$",
                               fh.read(), re.M))
        if n >= at_least or time.monotonic() > end:
            return n
        time.sleep(0.05)


@test(timeout=120, needs_root=True)
def tap_resolver_cache(ctx):
    """getaddrinfo's per-process TTL cache, seen from the DNS server's query
    log: a redirect to the same name within the TTL (2 s) asks once; after
    the TTL (a redirect sent 3 s late) it asks again; a new process asks again."""
    ns, qm = tap_setup(ctx)
    log = os.path.join(ctx.log_dir, f"{ctx.name}.redirect.log")
    with open(log, "wb") as fh:
        p = ns.popen(["python3", "-c", REDIRECT_SERVER, HOST_ADDR], stdout=fh)
    wait_for_file_line(ctx, p, log, r"^ready$", "the redirecting web server")
    before = count_queries(ctx, "host.sis.test")
    out = sh(qm, "wget -O - http://host.sis.test:8001/redir")
    need(ctx, out, r"^hello after a redirect$", "body after the redirect")
    need(ctx, out, r"\[following\]$", "the redirect")
    n = count_queries(ctx, "host.sis.test", before + 1) - before
    ctx.check(n == 1, f"{n} queries for two lookups within the TTL, want 1")
    out = sh(qm, "wget -O - http://host.sis.test:8001/slowredir", timeout=30)
    need(ctx, out, r"^hello after a redirect$", "body after the slow redirect")
    n = count_queries(ctx, "host.sis.test", before + 3) - before
    ctx.check(n == 3, f"{n} queries in all, want 3 (a new process, and a second lookup "
                      "after the TTL)")
