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

from sistest import TOP, test

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
