"""tools/run --deb (issue 14): Debian's own arm64 packages in the ramdisk.

`--deb dash` fetches dash and its dependency closure (libc6 and the rest)
through the private apt state under build/deb/, unpacks them over the users'
ramdisk, and Debian's dynamically linked /bin/dash runs as init (glibc's
ld.so, PIE, file mappings), here with a script added by --add and named by
init= (the three compose). A second run works from the cache alone: an
apt-get that fails is first on its PATH.
"""
import os
import re
import subprocess
import time

from sistest import TOP, test, wait_for_port

RUN = os.path.join(TOP, "tools", "run")
SCRIPT = """\
echo "dash says $((6 * 7)) from $0"
[ -L /lib/ld-linux-aarch64.so.1 ] && echo "ld.so is Debian's symlink"
exit 7
"""


def run_dash(ctx, env):
    script = os.path.join(ctx.tmpdir(), "deb_test.sh")
    with open(script, "w") as fh:
        fh.write(SCRIPT)
    r = ctx.run_tool([RUN, "--no-build", "--net", "none", "--deb", "dash",
                      "--add", f"{script}:/etc/deb_test.sh", "--print-cmd",
                      "--append", "init=/bin/dash -- /etc/deb_test.sh", "--timeout", "60"],
                     timeout=300, env=env)
    out = r.stdout.replace("\r", "")
    ctx.check(re.search(r"^dash says 42 from /etc/deb_test.sh$", out, re.M),
              f"Debian's dash did not run the script (exit {r.returncode}): "
              f"{r.stderr.strip()[-300:]}")
    ctx.check(re.search(r"^ld\.so is Debian's symlink$", out, re.M),
              "no /lib/ld-linux-aarch64.so.1 symlink from libc6")
    ctx.check(r.returncode == 7, f"tools/run exited {r.returncode}, expected 7 (the script's)")


@test(timeout=400)
def dash(ctx):
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    run_dash(ctx, env)
    # Offline: the set is cached, so apt-get is never run (this one would fail).
    fake = os.path.join(ctx.tmpdir(), "bin")
    os.makedirs(fake, exist_ok=True)
    with open(os.path.join(fake, "apt-get"), "w") as fh:
        fh.write("#!/bin/sh\necho 'apt-get must not run: offline' >&2\nexit 100\n")
    os.chmod(os.path.join(fake, "apt-get"), 0o755)
    env["PATH"] = fake + os.pathsep + env["PATH"]
    run_dash(ctx, env)


# ---- Debian's network programs against real host peers (debnet) ----------

def deb_boot(ctx, pkgs, append, add=(), hostfwds=(), mem="256M", allow_errors=()):
    """Boot SIS with Debian PKGS over the users' ramdisk (what tools/run --deb
    boots), ADD files and user networking; returns the Qemu."""
    import deb  # tools/deb.py
    try:
        initrd = deb.ramdisk(pkgs, ctx.user_initrd, ctx.build_dir, log=_LogFile(ctx))
    except deb.DebError as e:
        ctx.fail(f"--deb {','.join(pkgs)}: {e}")
    return ctx.qemu(initrd=initrd, add=list(add), nets=["user"], hostfwds=list(hostfwds),
                    mem=mem, append=append, allow_errors=allow_errors)


class _LogFile:
    """deb.ramdisk's log: into the test log."""
    def __init__(self, ctx):
        self.ctx = ctx

    def write(self, text):
        self.ctx.log_write(text)


IPERF_SUM = re.compile(r"\[\s*\d+\]\s+0\.00-[\d.]+\s+sec\s+([\d.]+) ([KMG]?)Bytes\s+"
                       r"([\d.]+) ([KMG]?)bits/sec.*\b(sender|receiver)$", re.M)


def iperf_host_client(ctx, port, reverse):
    """Host iperf3 client to the guest's server: (bytes received, bits/s)."""
    import json
    argv = ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", "1", "-J"] + \
        (["-R"] if reverse else [])
    for attempt in range(3):
        # Between two tests the server closes its control connection and
        # listener and makes new ones: a client that comes just then is
        # refused (Linux guests do the same; bench/debbin.py retries too).
        if attempt:
            time.sleep(2)
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=min(30, ctx.remaining()))
        ctx.log_write(f"--- {' '.join(argv)}: exit {r.returncode}\n{r.stdout[-1500:]}\n")
        try:
            res = json.loads(r.stdout)
        except ValueError:
            res = {"error": (r.stderr or r.stdout).strip()[-300:]}
        if "error" not in res:
            break
    ctx.check("error" not in res and r.returncode == 0,
              f"host iperf3 {'-R ' if reverse else ''}failed: {res.get('error')}")
    end = res["end"]["sum_received"]
    return end["bytes"], end["bits_per_second"]


@test(timeout=240)
def iperf3(ctx):
    """Debian's iperf3: the guest's server with the host's client, both ways
    (-R: the guest sends), then the guest's client against a host server."""
    srv_port = ctx.free_port()
    host_srv = subprocess.Popen(["iperf3", "-s", "-p", str(srv_port)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for_port(ctx, "127.0.0.1", srv_port, proc=host_srv)
        script = os.path.join(ctx.tmpdir(), "iperf.sh")
        with open(script, "w") as fh:
            fh.write(f"PATH=/usr/bin:/bin\n"
                     f"iperf3 -c 10.0.2.2 -p {srv_port} -t 1 && "
                     f"iperf3 -c 10.0.2.2 -p {srv_port} -t 1 -R && echo iperf3-client-done\n"
                     "exec iperf3 -s -p 5201\n")
        hport, fwd = ctx.hostfwd(5201)
        q = deb_boot(ctx, ["iperf3", "dash"], "init=/bin/dash -- /etc/iperf.sh",
                     add=[f"{script}:/etc/iperf.sh"], hostfwds=[fwd])
        q.expect(r"iperf3-client-done", timeout=60)
        sums = IPERF_SUM.findall(q.output)
        ctx.check(len(sums) >= 4, f"guest iperf3 client printed {len(sums)} summary lines")
        for amount, unit, rate, runit, role in sums:
            ctx.check(float(amount) > 0 and float(rate) > 0,
                      f"guest client: {amount} {unit}Bytes at {rate} {runit}bits/s ({role})")
        for n, reverse in ((1, False), (2, True)):
            # iperf3 -s listens anew for each test: a client that comes
            # before the line finds no listener (slirp then closes it)
            q.expect(rf"Server listening on 5201 \(test #{n}\)")
            nbytes, bps = iperf_host_client(ctx, hport, reverse)
            ctx.check(nbytes > 0 and bps > 0,
                      f"host client {'-R' if reverse else ''}: {nbytes} bytes, {bps} bit/s")
        q.kill()
    finally:
        host_srv.kill()
        host_srv.wait()


USER_PROG = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <math.h>
#include <sys/auxv.h>
static void *thread(void *arg) { return (char *)arg + 1; }
int main(int argc, char **argv)
{
	pthread_t t;
	void *r;
	char *heap = malloc(1 << 20);
	if (!heap || pthread_create(&t, NULL, thread, heap) || pthread_join(t, &r) ||
	    r != heap + 1)
		return 1;
	memset(heap, 'x', 1 << 20);
	printf("user dynamic: %s argc=%d sqrt=%.3f base=%s\n", argv[0], argc, sqrt(argc + 1.0),
	       getauxval(AT_BASE) ? "ld.so" : "none");
	free(heap);
	return 5;
}
"""


@test(timeout=300)
def user_dynamic(ctx):
    """A program of the user's own, built with aarch64-linux-gnu-gcc as a
    dynamic PIE, runs with Debian's libc6 (--deb libc6 --add, init=): the
    README's command once failed with ENOEXEC."""
    src = os.path.join(ctx.tmpdir(), "hello.c")
    exe = os.path.join(ctx.tmpdir(), "hello")
    with open(src, "w") as fh:
        fh.write(USER_PROG)
    r = subprocess.run(["aarch64-linux-gnu-gcc", "-O2", "-o", exe, src, "-lm", "-pthread"],
                       capture_output=True, text=True)
    ctx.check(r.returncode == 0, f"aarch64-linux-gnu-gcc: {r.stderr.strip()[-300:]}")
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    r = ctx.run_tool([RUN, "--no-build", "--net", "none", "--deb", "libc6",
                      "--add", f"{exe}:/bin/hello", "--append", "init=/bin/hello -- a b",
                      "--timeout", "60"], timeout=200, env=env)
    out = r.stdout.replace("\r", "")
    ctx.check(re.search(r"^user dynamic: /bin/hello argc=3 sqrt=2\.000 base=ld\.so$", out, re.M),
              f"the user's dynamic program did not run (exit {r.returncode}): "
              f"{out.strip()[-300:]}")
    ctx.check(r.returncode == 5, f"tools/run exited {r.returncode}, expected 5")


def make_tls_certs(ctx, d, ip):
    """A CA (ca.pem), a second unrelated CA (other-ca.pem) and a server key
    and certificate for IP signed by the first (srv.key, srv.pem), in D."""
    def ossl(*args):
        r = subprocess.run(["openssl"] + list(args), cwd=d, capture_output=True, text=True,
                           timeout=60)
        ctx.check(r.returncode == 0, f"openssl {args[0]}: {r.stderr.strip()[-300:]}")
    for name in ("ca", "other-ca"):
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
             "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN=SIS {name}")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
         "-subj", f"/CN={ip}")
    with open(os.path.join(d, "ext.cnf"), "w") as fh:
        fh.write(f"subjectAltName=IP:{ip}\nbasicConstraints=CA:FALSE\n")
    ossl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")


@test(timeout=300)
def curl_tls(ctx):
    """Debian's curl (libcurl, OpenSSL 3) fetches https://10.0.2.2:PORT/ from a
    host openssl s_server with a CA the test made: the certificate is
    verified (the same fetch with another CA fails with curl's 60), the page
    arrives whole. OpenSSL seeds itself from getrandom and /dev/urandom."""
    d = ctx.tmpdir()
    make_tls_certs(ctx, d, "10.0.2.2")
    token = os.urandom(12).hex()
    with open(os.path.join(d, "page.txt"), "w") as fh:
        fh.write(f"tls page {token}\n")
    port = ctx.free_port()
    srv = subprocess.Popen(["openssl", "s_server", "-WWW", "-accept", f"127.0.0.1:{port}",
                            "-cert", "srv.pem", "-key", "srv.key", "-quiet"], cwd=d,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(ctx, "127.0.0.1", port, proc=srv)
        url = f"https://10.0.2.2:{port}/page.txt"
        script = os.path.join(d, "tls.sh")
        with open(script, "w") as fh:
            fh.write(f"/usr/bin/curl -sS --cacert /etc/ca.pem {url}\n"
                     "echo good-ca-exit=$?\n"
                     f"/usr/bin/curl -sS --cacert /etc/other-ca.pem {url}\n"
                     "echo other-ca-exit=$?\n")
        q = deb_boot(ctx, ["curl", "dash"], "init=/bin/dash -- /etc/tls.sh",
                     add=[f"{script}:/etc/tls.sh", f"{d}/ca.pem:/etc/ca.pem",
                          f"{d}/other-ca.pem:/etc/other-ca.pem"])
        q.expect(rf"^tls page {token}$", timeout=60)
        q.expect(r"^good-ca-exit=0$")
        q.expect(r"^other-ca-exit=60$")
        q.expect_exit(0)
    finally:
        srv.kill()
        srv.wait()


def ssh_guest_files(ctx, d):
    """The files dropbear needs that a postinst or an admin would make: root
    in /etc/passwd, the test's public key in root's authorized_keys, an
    /etc/dropbear directory for the host key it generates (-R)."""
    r = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sis-test",
                        "-f", os.path.join(d, "id")], capture_output=True, text=True, timeout=30)
    ctx.check(r.returncode == 0, f"ssh-keygen: {r.stderr.strip()}")
    files = {"passwd": "root:x:0:0:root:/root:/bin/sh\n", "group": "root:x:0:\n", "keep": ""}
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as fh:
            fh.write(text)
    return [f"{d}/passwd:/etc/passwd", f"{d}/group:/etc/group", f"{d}/keep:/etc/dropbear/.keep",
            f"{d}/id.pub:/root/.ssh/authorized_keys"]


def ssh_argv(d, port, *extra):
    return ["ssh", "-F", "/dev/null", "-i", os.path.join(d, "id"), "-p", str(port),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={d}/known_hosts", "-o", "ConnectTimeout=20"] + \
        list(extra) + ["root@127.0.0.1"]


@test(timeout=300)
def ssh(ctx):
    """Debian's dropbear accepts the host's ssh through hostfwd with a key the
    test made (public-key login, host key generated in the guest from
    getrandom), runs a command with the remote dash, passes stdin through and
    returns its exit status; then a session with a pty (ssh_pty_session)."""
    d = ctx.tmpdir()
    add = ssh_guest_files(ctx, d)
    port, fwd = ctx.hostfwd(22)
    q = deb_boot(ctx, ["dropbear-bin", "dash"], "init=/usr/sbin/dropbear -- -F -E -R -s -p 22",
                 add=add, hostfwds=[fwd])
    q.expect(r"Not backgrounding", timeout=60)
    cmd = 'echo "ssh says $((6 * 7)) from $0"; read line; echo "got: $line"; exit 7'
    argv = ssh_argv(d, port) + [cmd]
    r = subprocess.run(argv, input="a line through ssh\n", capture_output=True, text=True,
                       timeout=min(60, ctx.remaining()))
    ctx.log_write(f"--- {' '.join(argv)}: exit {r.returncode}\n{r.stdout}{r.stderr}\n")
    ctx.check("ssh says 42 from sh\n" in r.stdout,
              f"no command output over ssh (exit {r.returncode}): {r.stderr.strip()[-300:]}")
    ctx.check("got: a line through ssh\n" in r.stdout, "stdin did not reach the remote command")
    ctx.check(r.returncode == 7, f"ssh exited {r.returncode}, expected the command's 7")
    with open(os.path.join(d, "known_hosts")) as fh:
        ctx.check("ssh-ed25519" in fh.read(), "no ed25519 host key in known_hosts")
    q.wait_line(r"Pubkey auth succeeded for 'root'")
    ssh_pty_session(ctx, d, port)
    q.kill()


class _Reader:
    """Collects a process's output in a thread; wait() for a regex in it."""
    def __init__(self, ctx, proc):
        import threading
        self.ctx, self.proc, self.text = ctx, proc, ""
        self.cond = threading.Condition()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            with self.cond:
                if not chunk:
                    self.proc.wait()
                    self.cond.notify_all()
                    return
                self.text += chunk.decode("utf-8", "replace")
                self.cond.notify_all()

    def wait(self, pattern, timeout=30):
        end = time.monotonic() + min(timeout, max(self.ctx.remaining(), 0.1))
        with self.cond:
            while not re.search(pattern, self.text, re.M):
                left = end - time.monotonic()
                if left <= 0 or self.proc.returncode is not None:
                    self.ctx.fail(f"no /{pattern}/ from ssh -tt: {self.text[-400:]!r}")
                self.cond.wait(min(left, 0.5))


def ssh_pty_session(ctx, d, port):
    """ssh -tt: dropbear gives the login shell a pty (openpty, TIOCSCTTY):
    dash runs interactive with job control, its stdin is a terminal, the
    pty echoes with CR LF, Ctrl-C interrupts the foreground job and not
    the shell, and the session's exit status comes back."""
    p = subprocess.Popen(ssh_argv(d, port, "-tt"), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    rd = _Reader(ctx, p)

    def send(text):
        p.stdin.write(text.encode())
        p.stdin.flush()
    try:
        send("[ -t 0 ] && echo tty-$((6 * 7))\n")
        rd.wait(r"tty-42\r$")
        send("echo sleeping-$((1 + 1)); sleep 30; echo slept-$?\n")
        rd.wait(r"sleeping-2\r$")
        time.sleep(0.5)   # the shell forks sleep; ^C before that ends the list too
        send("\x03")
        send("echo after-$((40 + 2))\n")
        rd.wait(r"after-42\r$", timeout=60)
        ctx.check(not re.search(r"slept-\d", rd.text),
                  f"Ctrl-C did not interrupt sleep: {rd.text[-300:]!r}")
        ctx.check("job control turned off" not in rd.text, "the pty shell has no job control")
        send("exit 9\n")
        p.wait(timeout=min(30, ctx.remaining()))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        ctx.log_write(f"--- ssh -tt session:\n{rd.text}\n")
    ctx.check(p.returncode == 9, f"ssh -tt exited {p.returncode}, expected 9")
