"""Pseudo-terminals and controlling terminals (src/kern/pty.c, tty.c).

pty_calls: user/tests/pty_calls.c, glibc-static, as init on SIS: Unix 98
ptys through glibc (posix_openpt, grantpt, unlockpt, ptsname, TIOCGPTN,
TIOCSPTLCK, TIOCGPTPEER), canonical and raw data both ways with echo and
ONLCR, the window size, the master's EIO and POLLHUP once the slave is
closed, a controlling terminal taken with TIOCSCTTY (/dev/tty, TIOCGSID,
tcsetpgrp), and the hangup when the master closes (SIGHUP for the session
leader, end of file, EIO, the node gone). pty_calls_linux: the same source
built natively passes on this host's Linux, the reference.

dash_no_ctty: Debian's dash as init, as on Linux, has no controlling
terminal (the kernel starts init in session 0): it says "can't access tty;
job control turned off" and exits with the script's status (it used to
take the console as its own, fail to give it back at exit with "Cannot
set tty process group" and exit 2).
"""
import os
import re

from glibc import sis_and_linux
from sistest import TOP, test

sis_and_linux(__name__, "pty_calls", "pty_calls.c", 50)


@test(timeout=300)
def dash_no_ctty(ctx):
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    r = ctx.run_tool([os.path.join(TOP, "tools", "run"), "--no-build", "--net", "none",
                      "--deb", "dash", "--append", "init=/bin/dash", "--timeout", "60"],
                     input="echo dash-$((6 * 7))\nexit 3\n", timeout=200, env=env)
    out = r.stdout.replace("\r", "")
    ctx.check(re.search(r"^(# )?dash-42$", out, re.M), f"dash did not run the input: {out[-300:]}")
    ctx.check("can't access tty; job control turned off" in out,
              "dash found a controlling terminal init does not have")
    ctx.check("Cannot set tty process group" not in out, "dash could not restore the tty")
    ctx.check(r.returncode == 3, f"exit status {r.returncode}, expected 3")
