"""bench/debbin.py: Debian's iperf3 as the same binary on both guests.

bench/run's standard throughput figure (iperf_down, iperf_up) is Debian's
own arm64 iperf3 server in the guest with the host's iperf3 client: the
unmodified dynamically linked program (glibc's ld.so, libiperf, OpenSSL)
runs on SIS and on the Linux guest, so the ratio measures the kernels.

files(build_dir) fetches the package through tools/deb.py's cache (private
apt state under build/deb/, offline once cached) and returns the ELF
closure of /usr/bin/iperf3 in it: the program, the interpreter and every
DT_NEEDED library found in the tree, as (host path, guest path) pairs with
links resolved (libraries go to /lib/aarch64-linux-gnu/, where Debian's
ld.so looks without an ld.so.cache). Not the whole dependency set: that is
~100 MB (perl, dpkg, adduser) and the Linux guest's initramfs is unpacked
into its RAM.

measure(port, secs, reverse) runs the host client (`-R`: the guest sends)
and returns a Value in MB/s (10^6 bytes, what the receiver counted) or NA.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
from peer import NA, Value  # noqa: E402

GUEST_IPERF = 5201
PROGRAM = "/usr/bin/iperf3"
INTERP = "/lib/ld-linux-aarch64.so.1"
LIBDIR = "/lib/aarch64-linux-gnu"
# Where ld.so looks, in order (Debian's multiarch system directories).
SEARCH = ["/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"]


def _needed(path):
    r = subprocess.run(["readelf", "-dW", path], capture_output=True, text=True)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", r.stdout)


def _find(root, soname):
    for d in SEARCH:
        p = os.path.join(root, d.lstrip("/"), soname)
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


def files(build_dir, log=sys.stderr):
    """[(host path, guest path)] for iperf3 and its libraries; raises
    RuntimeError (message for the table) when it cannot be had."""
    import deb  # tools/deb.py
    if not shutil.which("readelf"):
        raise RuntimeError("readelf not installed")
    try:
        root = deb.tree(["iperf3"], build_dir, log=log)
    except deb.DebError as e:
        raise RuntimeError(f"Debian iperf3: {str(e)[:60]}") from None
    prog = os.path.realpath(os.path.join(root, PROGRAM.lstrip("/")))
    interp = os.path.realpath(os.path.join(root, INTERP.lstrip("/")))
    if not os.path.exists(prog) or not os.path.exists(interp):
        raise RuntimeError("no iperf3 or ld.so in the Debian tree")
    out = [(prog, PROGRAM), (interp, INTERP)]
    todo, seen = [prog], set()
    while todo:
        for soname in _needed(todo.pop()):
            if soname in seen:
                continue
            seen.add(soname)
            p = _find(root, soname)
            if not p:
                raise RuntimeError(f"{soname} not in the Debian tree")
            out.append((p, f"{LIBDIR}/{soname}"))
            todo.append(p)
    return out


def measure(port, secs, reverse, timeout=60):
    """The host's iperf3 client against the guest's server on 127.0.0.1:PORT."""
    if not shutil.which("iperf3"):
        return NA("host iperf3 not installed (tools/bootstrap installs it)")
    argv = ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(secs), "-J"]
    if reverse:
        argv.append("-R")
    for attempt in range(3):
        # The server takes one test at a time and may still be closing the
        # last one (or starting): it refuses the control connection then.
        if attempt:
            time.sleep(2)
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + secs)
        except subprocess.TimeoutExpired:
            return NA("iperf3 timed out")
        try:
            res = json.loads(r.stdout)
        except ValueError:
            res = {"error": f"exited {r.returncode}: {(r.stderr or r.stdout).strip()[-60:]}"}
        if "error" not in res:
            break
    if "error" in res:
        return NA(f"iperf3: {res['error'][:60]}")
    got = res.get("end", {}).get("sum_received", {})
    if not got.get("bytes"):
        return NA("iperf3 moved no data")
    v = Value(got["bits_per_second"] / 8e6)
    retr = res["end"].get("sum_sent", {}).get("retransmits")
    if retr:
        v.note = f"{retr} retransmits"
    return v
