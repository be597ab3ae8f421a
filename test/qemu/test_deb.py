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
    r = subprocess.run(argv, capture_output=True, text=True, timeout=min(30, ctx.remaining()))
    ctx.log_write(f"--- {' '.join(argv)}: exit {r.returncode}\n{r.stdout[-1500:]}\n")
    ctx.check(r.returncode == 0, f"host iperf3 {'-R ' if reverse else ''}failed: "
              f"{(r.stderr or r.stdout).strip()[-300:]}")
    end = json.loads(r.stdout)["end"]["sum_received"]
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
        q.expect(r"Server listening on 5201")
        for reverse in (False, True):
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
