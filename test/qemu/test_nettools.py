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
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

from sistest import TOP, TestFailure, TestSkip, test

PROMPT = r"sis:[^#\n]*# "
HOST_ADDR = "192.168.77.1"
GUEST_MAC = "52:54:00:12:34:56"
GUEST_ADDR = "192.168.77.50"
INDEX_TEXT = "Hello from SIS"


# --------------------------------------------------------------------------
# Talking to the SIS shell
# --------------------------------------------------------------------------
def boot_to_shell(qm, timeout=60):
    """Wait until /etc/rc ran (it starts httpd) and the shell prompts."""
    qm.expect(r"rc: SIS user space up", timeout=timeout)
    qm.expect(PROMPT, timeout=timeout, prompt=True)


def sh(ctx, qm, cmd, timeout=30, status=0):
    """Type CMD at the prompt; return its output (lines between two markers).
    Fails unless its exit status is STATUS (None: any)."""
    qm.sendline(f"echo @@begin; {cmd}; echo @@rc=$?")
    m = qm.expect(r"^@@rc=(\d+)$", timeout=timeout)
    out = qm.output
    start = out.rfind("\n@@begin\n")
    end = out.rfind("\n@@rc=")
    text = out[start + len("\n@@begin\n"):end] if 0 <= start < end else ""
    qm.expect(PROMPT, timeout=timeout, prompt=True)
    got = int(m.group(1))
    if status is not None and got != status:
        raise TestFailure(f"`{cmd}` exited with {got}, expected {status}:\n{text[-600:]}")
    return text


def need(ctx, text, pattern, what):
    """PATTERN (a regex, multiline) must occur in TEXT."""
    m = re.search(pattern, text, re.M)
    if not m:
        raise TestFailure(f"{what}: /{pattern}/ not in:\n{text[-800:]}")
    return m


def http_get(port, path="/", host="127.0.0.1", deadline=30.0):
    """GET http://HOST:PORT/PATH with urllib, retrying until the server answers."""
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=5) as r:
                return r.status, dict(r.headers), r.read()
        except OSError as e:
            if time.monotonic() > end:
                raise TestFailure(f"GET http://{host}:{port}{path}: {e}") from None
            time.sleep(0.5)


# --------------------------------------------------------------------------
# QEMU user networking
# --------------------------------------------------------------------------
@test(timeout=90)
def user_httpd(ctx):
    port, fwd = ctx.hostfwd(80)
    qm = ctx.qemu(nets=["user"], hostfwds=[fwd])
    qm.expect(r"SIS: boot complete", timeout=40)
    # curl, as a user would, as soon as the guest is up
    end = time.monotonic() + 40
    while True:
        r = subprocess.run(["curl", "-s", "-i", "--max-time", "5", f"http://127.0.0.1:{port}/"],
                           capture_output=True, text=True)
        if r.returncode == 0 and INDEX_TEXT in r.stdout:
            break
        if time.monotonic() > end:
            ctx.fail(f"curl never got the index page: rc={r.returncode} {r.stdout[-300:]}")
        time.sleep(0.5)
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
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        ctx.check(data.endswith(page) and data.startswith(b"HTTP/1.1 200 OK"),
                  "a concurrent client got a wrong answer")


def serve_host_dir(ctx, directory):
    """python3 -m http.server on 127.0.0.1 (the guest sees it as 10.0.2.2); returns the port."""
    port = ctx.free_port()
    p = subprocess.Popen(["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1",
                          "--directory", directory], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        http_get(port, "/", deadline=10)
    except TestFailure:
        p.kill()
        raise
    return port, p


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

        out = sh(ctx, qm, f"wget -O - http://10.0.2.2:{hport}/note.txt")
        need(ctx, out, r"^a note from the host$", "wget to the host")
        out = sh(ctx, qm, f"wget -O /tmp/n.txt http://10.0.2.2:{hport}/note.txt && cat /tmp/n.txt")
        need(ctx, out, r"'/tmp/n\.txt' saved \[21\]", "wget saved message")
        need(ctx, out, r"^a note from the host$", "saved file")
        sh(ctx, qm, f"wget -q -O - http://10.0.2.2:{hport}/missing", status=8)

        # nc -l: a host client sends a line through the hostfwd, then closes.
        qm.sendline("echo @@begin; nc -l 7000; echo @@rc=$?")
        qm.expect(r"^@@begin$")
        end = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", nc_port), timeout=5) as s:
                    s.sendall(b"hello over nc\n")
                    s.shutdown(socket.SHUT_WR)
                    s.settimeout(10)
                    while s.recv(4096):
                        pass
                break
            except OSError:
                if time.monotonic() > end:
                    ctx.fail("could not reach nc -l through the hostfwd")
                time.sleep(0.5)
        qm.expect(r"^hello over nc$", timeout=20)
        qm.expect(r"^@@rc=0$", timeout=20)
        qm.expect(PROMPT, prompt=True)

        # nc -u -l: a datagram from the host; -w 2 ends it after two quiet seconds.
        qm.sendline("echo @@begin; nc -u -l -w 2 7001; echo @@rc=$?")
        qm.expect(r"^@@begin$")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _ in range(10):   # until nc is bound (early datagrams are dropped)
                s.sendto(b"a datagram\n", ("127.0.0.1", udp_port))
                try:
                    qm.expect(r"^a datagram$", timeout=1)
                    break
                except TestFailure:
                    continue
            else:
                ctx.fail("nc -u -l never printed the datagram")
        qm.expect(r"^@@rc=0$", timeout=20)
        qm.expect(PROMPT, prompt=True)

        # A second httpd serving the whole ramdisk: big binary files, many clients at once.
        sh(ctx, qm, "httpd -p 8081 -l /tmp/httpd2.log / & true")
        with open(os.path.join(ctx.build_dir, "user", "wget"), "rb") as f:
            wget_elf = f.read()
        http_get(big_port, "/etc/hosts", deadline=20)
        results = [None] * 8

        def fetch(i):
            try:
                results[i] = http_get(big_port, "/bin/wget", deadline=20)
            except Exception as e:  # reported below
                results[i] = e
        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(results))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for r in results:
            ctx.check(isinstance(r, tuple) and r[0] == 200 and r[2] == wget_elf,
                      f"concurrent GET /bin/wget: {r if not isinstance(r, tuple) else r[:2]}")
        ctx.check(results[0][1].get("Content-Length") == str(len(wget_elf)), "Content-Length")

        check_proc(ctx, qm)
    finally:
        server.terminate()
        server.wait()


def check_proc(ctx, qm):
    """The /proc files and the tools that read them, under user networking."""
    out = sh(ctx, qm, "cat /proc/net/dev")
    m = need(ctx, out, r"^\s*eth0:\s*(\d+)\s+(\d+)\s+\d+\s+\d+(?:\s+\d+){4}\s+(\d+)\s+(\d+)",
             "/proc/net/dev eth0")
    ctx.check(int(m.group(2)) > 0 and int(m.group(4)) > 0, "eth0 counted no packets")
    need(ctx, out, r"^\s*lo:", "/proc/net/dev lo")
    out = sh(ctx, qm, "cat /proc/net/snmp")
    need(ctx, out, r"^Ip: Forwarding DefaultTTL InReceives", "snmp Ip header")
    m = need(ctx, out, r"^Tcp: RtoAlgorithm.*\nTcp: ([\d -]+)$", "snmp Tcp values")
    need(ctx, out, r"^Udp: InDatagrams NoPorts InErrors OutDatagrams", "snmp Udp header")
    out = sh(ctx, qm, "cat /proc/net/tcp")
    need(ctx, out, r"^\s*\d+: 00000000:0050 00000000:0000 0A ", "httpd's listener in /proc/net/tcp")
    out = sh(ctx, qm, "cat /proc/net/route")
    need(ctx, out, r"^eth0\t00000000\t0202000A\t0003\t", "default route via 10.0.2.2")
    out = sh(ctx, qm, "cat /proc/meminfo")
    total = int(need(ctx, out, r"^MemTotal:\s+(\d+) kB$", "MemTotal").group(1))
    free = int(need(ctx, out, r"^MemFree:\s+(\d+) kB$", "MemFree").group(1))
    ctx.check(100000 < total <= 131072 and 0 < free < total, f"meminfo {total} {free}")
    out = sh(ctx, qm, "cat /proc/uptime")
    up, idle = map(float, need(ctx, out, r"^(\d+\.\d\d) (\d+\.\d\d)$", "uptime").groups())
    ctx.check(0 < up < 300 and 0 <= idle <= up, f"uptime {up} idle {idle}")
    out = sh(ctx, qm, "cat /proc/interrupts")
    need(ctx, out, r"^\s+CPU0$", "/proc/interrupts header")
    ticks = int(need(ctx, out, r"^\s*27:\s+(\d+)\s+GICv2\s+27 Level\s+timer_irq$",
                     "timer in /proc/interrupts").group(1))
    nic = int(need(ctx, out, r"^\s*48:\s+(\d+)\s+GICv2\s+48 Level\s+vnet_irq$",
                   "eth0 (virtio-mmio 0, SPI 16) in /proc/interrupts").group(1))
    ctx.check(ticks >= 10 and nic >= 1, f"/proc/interrupts counts: timer {ticks}, eth0 {nic}")
    out = sh(ctx, qm, "netstat -i")
    need(ctx, out, r"^eth0\s+1500\s+[1-9]\d*\s+0\s+0\s+0\s+[1-9]\d*\s+0\s+0\s+0\s+BRU$",
         "netstat -i eth0")
    need(ctx, out, r"^lo\s+65536\s.*\sLRU$", "netstat -i lo")
    out = sh(ctx, qm, "netstat -s")
    need(ctx, out, r"^Tcp:\n(    \w+: -?\d+\n)+", "netstat -s")
    out = sh(ctx, qm, "ifconfig")
    need(ctx, out, r"^eth0: flags=\d+<UP,BROADCAST,RUNNING>  mtu 1500$", "ifconfig eth0 flags")
    need(ctx, out, r"^\s+inet 10\.0\.2\.15  netmask 255\.255\.255\.0  broadcast 10\.0\.2\.255$",
         "ifconfig eth0 address")
    need(ctx, out, rf"^\s+ether {GUEST_MAC}  \(Ethernet\)$", "ifconfig MAC")
    need(ctx, out, r"^lo: flags=\d+<UP,LOOPBACK,RUNNING>", "ifconfig lo")
    need(ctx, out, r"^default gateway 10\.0\.2\.2 dev eth0$", "ifconfig gateway")
    need(ctx, out, r"^nameserver 10\.0\.2\.3$", "ifconfig DNS")
    out = sh(ctx, qm, "ip route")
    need(ctx, out, r"^default via 10\.0\.2\.2 dev eth0$", "ip route default")
    need(ctx, out, r"^10\.0\.2\.0/24 dev eth0 scope link src 10\.0\.2\.15$", "ip route subnet")
    out = sh(ctx, qm, "ip addr show eth0")
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
    status, _, body = http_get(port, "/index.html", deadline=40)
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
    sis.test: host.sis.test, www.sis.test (a CNAME of it), guest.sis.test;
    other names in sis.test are NXDOMAIN. (sistest's ns.dnsmasq() runs DHCP only.)"""
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
            f"--host-record=guest.sis.test,{GUEST_ADDR}",
            f"--dhcp-leasefile={os.path.join(d, 'dnsmasq.leases')}",
            f"--pid-file={os.path.join(d, 'dnsmasq.pid')}", "--log-queries", "--log-dhcp",
            "--log-facility=-"]
    p = ns.popen(argv, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(0.3)
    if p.poll() is not None:
        raise TestFailure(f"dnsmasq exited with {p.returncode} (see its log)")


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
    ns.popen(["python3", "-m", "http.server", "8000", "--bind", HOST_ADDR, "--directory", d])
    qm = ctx.qemu(netns=ns, nets=["tap:tap0"])
    qm.expect(rf"dhcp: IP address: {re.escape(GUEST_ADDR)}/24", timeout=40)
    boot_to_shell(qm)
    return ns, qm


@test(timeout=150, needs_root=True)
def tap_dns_wget_ping(ctx):
    ns, qm = tap_setup(ctx)
    out = sh(ctx, qm, "cat /etc/resolv.conf")
    need(ctx, out, rf"^nameserver {re.escape(HOST_ADDR)}$", "resolv.conf from DHCP")

    out = sh(ctx, qm, "nslookup host.sis.test")
    need(ctx, out, rf"^Server:\s+{re.escape(HOST_ADDR)}$", "nslookup server")
    need(ctx, out, r"^Name:\s+host\.sis\.test\nAddress: 192\.168\.77\.1$", "nslookup answer")
    out = sh(ctx, qm, "nslookup www.sis.test")
    need(ctx, out, r"^www\.sis\.test\s+canonical name = host\.sis\.test\.$", "nslookup CNAME")
    out = sh(ctx, qm, f"nslookup {GUEST_ADDR}")
    need(ctx, out, r"^50\.77\.168\.192\.in-addr\.arpa\s+name = guest\.sis\.test\.$", "PTR")
    out = sh(ctx, qm, "nslookup nosuch.sis.test", status=1)
    need(ctx, out, r"^\*\* server can't find nosuch\.sis\.test: NXDOMAIN$", "nslookup NXDOMAIN")

    # getaddrinfo through wget: by name, through a CNAME, and an unknown name.
    out = sh(ctx, qm, "wget -O - http://www.sis.test:8000/hello.txt")
    need(ctx, out, r"^Resolving www\.sis\.test\.\.\. 192\.168\.77\.1$", "wget resolving")
    need(ctx, out, r"^hello from the namespace$", "wget body by name")
    out = sh(ctx, qm, "wget -O /tmp/big.bin http://host.sis.test:8000/big.bin", timeout=60)
    need(ctx, out, r"'/tmp/big\.bin' saved \[307200\]", "big download")
    need(ctx, out, r"100%\[=+\]", "progress bar")
    out = sh(ctx, qm, "wget -O - http://nosuch.sis.test:8000/", status=4)
    need(ctx, out, r"wget: nosuch\.sis\.test: Name or service not known", "wget unknown name")

    out = sh(ctx, qm, "ping -c 5 -i 0.2 host.sis.test", timeout=30)
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

    out = sh(ctx, qm, "netstat -tln")
    need(ctx, out, r"^tcp\s+0\s+\d+\s+0\.0\.0\.0:80\s+0\.0\.0\.0:\*\s+LISTEN$", "netstat httpd")

    # The namespace (the "host side") fetches the guest's page and pings it.
    r = ns.run(["curl", "-s", "--max-time", "10", f"http://{GUEST_ADDR}/"])
    ctx.check(r.returncode == 0 and INDEX_TEXT in r.stdout, f"curl to the guest: {r.stdout}")
    out = sh(ctx, qm, "cat /tmp/httpd.log")
    need(ctx, out, r"^httpd: serving /srv/www on port 80$", "httpd's first log line")
    need(ctx, out, rf'^{re.escape(HOST_ADDR)} - - \[\+[\d.]+\] "GET / HTTP/1\.1" 200 \d+$',
         "httpd access log")
    r = ns.run(["ping", "-c", "5", "-i", "0.2", "-W", "2", GUEST_ADDR], timeout=20)
    ctx.check(" 0% packet loss" in r.stdout, f"namespace ping of the guest: {r.stdout}")


@test(timeout=120, needs_root=True)
def tap_static_address(ctx):
    ns, qm = tap_setup(ctx)
    sh(ctx, qm, "ifconfig eth0 192.168.77.60 netmask 255.255.255.0")
    out = sh(ctx, qm, "ifconfig eth0")
    need(ctx, out, r"^\s+inet 192\.168\.77\.60  netmask 255\.255\.255\.0  "
         r"broadcast 192\.168\.77\.255$", "the new address")
    r = ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", "192.168.77.60"], timeout=20)
    ctx.check(" 0% packet loss" in r.stdout, f"namespace ping of the new address: {r.stdout}")
    r = ns.run(["curl", "-s", "--max-time", "10", "http://192.168.77.60/"])
    ctx.check(INDEX_TEXT in r.stdout, "curl to the new address")
    sh(ctx, qm, "ip route del default")
    out = sh(ctx, qm, "ip route")
    ctx.check("default" not in out, f"default route still there: {out}")
    sh(ctx, qm, "ip route add default via 192.168.77.1")
    out = sh(ctx, qm, "ip route")
    need(ctx, out, r"^default via 192\.168\.77\.1 dev eth0$", "default route back")
    out = sh(ctx, qm, "ping -c 3 -i 0.2 192.168.77.1", timeout=20)
    need(ctx, out, r"3 received, 0% packet loss", "ping from the new address")
    sh(ctx, qm, "ip addr add 192.168.77.61/24 dev eth0")
    out = sh(ctx, qm, "ip addr show eth0")
    need(ctx, out, r"inet 192\.168\.77\.61/24 brd 192\.168\.77\.255 scope global "
         r"secondary eth0:1", "ip addr add (a secondary address, lan.secondary_address)")
    out = sh(ctx, qm, "ifconfig eth9", status=1)
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
    ns.popen(["python3", "-c", DROPPING_PROXY, "192.168.77.2", HOST_ADDR])
    time.sleep(0.5)
    t0 = time.monotonic()
    out = sh(ctx, qm, "nslookup host.sis.test 192.168.77.2", timeout=30)
    need(ctx, out, r"^Server:\s+192\.168\.77\.2$", "answer through the dropping proxy")
    need(ctx, out, r"^Address: 192\.168\.77\.1$", "address through the dropping proxy")
    ctx.check(time.monotonic() - t0 >= 4.5, "the answer came before the 5 s retry")
    # No server at all: two rounds of 5 s, then a clean failure.
    out = sh(ctx, qm, "nslookup host.sis.test 192.168.77.3", timeout=40, status=1)
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

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
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

threading.Thread(target=udp, daemon=True).start()
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, 53))
t.listen(4)
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
    with open(log, "ab") as fh:
        ns.popen(["python3", "-c", TRUNCATING_PROXY, "192.168.77.4", HOST_ADDR], stdout=fh)
    time.sleep(0.5)
    out = sh(ctx, qm, "nslookup host.sis.test 192.168.77.4", timeout=30)
    need(ctx, out, r"^Address: 192\.168\.77\.1$", "the address, over TCP after a truncated answer")
    with open(log) as fh:
        ctx.check("tcp query answered" in fh.read(), "the proxy was asked over TCP")
