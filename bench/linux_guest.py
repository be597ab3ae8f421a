"""bench/linux_guest.py: the stock Linux arm64 guest bench/run compares SIS with.

Debian's own arm64 kernel (linux-image-<abi>-arm64, found through the
linux-image-arm64 metapackage) and busybox-static:arm64, fetched with
`apt-get download` through a private apt state (like tools/bootstrap's
fetch_libfdt: the machine's apt configuration is never touched) into
third_party/bench-linux/ (never committed), then a tiny initramfs:

  /init            mounts proc/sys/devtmpfs, insmods the virtio modules the
                   kernel has as modules (Debian's: virtio_mmio, virtio_net and
                   its failover/net_failover dependencies), runs udhcpc (its
                   "lease of ... obtained" line is the lease mark) or, with
                   benchip=ADDR on the kernel command line (the tap arena),
                   sets ADDR/24 itself (and benchip6=ADDR6, ADDR6/64 without
                   DAD); starts SIS's own httpd (build/user/httpd,
                   Linux-ABI: the very binary SIS runs) as /bin/sis-httpd on
                   port 80, busybox httpd on port 8081 (an extra, labelled row),
                   bench/guest/benchd and Debian's iperf3 -s when bench/run
                   added it (bench/debbin.py), prints "BENCH: READY" and leaves a
                   shell on the console;
  /bin/busybox     plus applet links made at boot (busybox --install -s);
  /lib/modules/*.ko, /etc/udhcpc.script, /www/index.html (the same page SIS
                   serves, so both send the same bytes).

The descriptor limit is raised (ulimit -n) so that httpd can hold as many
idle clients as bench/run asks for; SIS's httpd raises its soft limit to
the hard one itself, as it does on SIS.

Python standard library only. `python3 bench/linux_guest.py` fetches and
prints what it has.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(TOP, "third_party", "bench-linux")
MODULES = ["failover", "net_failover", "virtio_mmio", "virtio_net"]  # load order
LEASE_RE = r"udhcpc: lease of \S+ obtained"
READY = "BENCH: READY"
APPEND = "console=ttyAMA0 quiet panic=-1"

INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /var/run
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t sysfs sys /sys
for m in MODULES; do
	[ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
ifconfig lo 127.0.0.1 up
ifconfig eth0 up
if [ -n "$benchip" ]; then
	ifconfig eth0 "$benchip" netmask 255.255.255.0 up
	echo "BENCH: STATIC $benchip"
	if [ -n "$benchip6" ] && [ -d /proc/sys/net/ipv6/conf/eth0 ]; then
		echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad
		ip -6 addr add "$benchip6/64" dev eth0
		echo "BENCH: STATIC6 $benchip6"
	fi
else
	udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 20 -T 1
fi
ulimit -n 65536
if [ -x /bin/sis-httpd ]; then
	/bin/sis-httpd -p 80 -l /tmp/httpd.log /www &
	httpd -p 8081 -h /www
else
	httpd -p 80 -h /www
fi
[ -x /bin/benchd ] && /bin/benchd &
[ -x /usr/bin/iperf3 ] && /usr/bin/iperf3 -s -p 5201 -D
sleep 0.2
echo "BENCH: READY"
exec sh
""".replace("MODULES", " ".join(MODULES))

UDHCPC_SCRIPT = r"""#!/bin/sh
# Minimal udhcpc hook: address, default route, resolv.conf.
case "$1" in
bound|renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
	[ -n "$router" ] && route add default gw "${router%% *}" dev "$interface"
	: > /etc/resolv.conf
	for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
	;;
esac
exit 0
"""


class Unavailable(Exception):
    """The Linux guest cannot be had (message says why)."""


def _apt_opts(state):
    return ["-o", "APT::Architecture=arm64", "-o", "APT::Architectures=arm64",
            "-o", "Dir::Etc::SourceList=/dev/null",
            "-o", "Dir::Etc::SourceParts=" + os.path.join(state, "parts"),
            "-o", "Dir::State::Lists=" + os.path.join(state, "lists"),
            "-o", "Dir::State::status=/dev/null",
            "-o", "Dir::Cache=" + os.path.join(state, "cache"),
            "-o", "Debug::NoLocking=1"]


def _private_sources(state):
    """Binary sources for the private apt state, made from the machine's own
    deb822 / one-line sources (so no mirror address is written anywhere)."""
    parts = os.path.join(state, "parts")
    for d in ("parts", "lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(state, d), exist_ok=True)
    deb822 = []
    for src in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(src) as fh:
            deb822.append(fh.read().strip() + "\n")
    with open(os.path.join(parts, "bench.sources"), "w") as fh:
        fh.write("\n".join(deb822))
    lines = []
    if os.path.exists("/etc/apt/sources.list"):
        with open("/etc/apt/sources.list") as fh:
            lines = [ln for ln in fh if ln.startswith("deb ")]
    with open(os.path.join(parts, "bench-legacy.list"), "w") as fh:
        fh.writelines(lines)


def fetch(log=print):
    """Download and unpack (once) the kernel and busybox; returns DIR."""
    kernel = glob.glob(os.path.join(DIR, "boot", "vmlinuz-*"))
    busybox = os.path.join(DIR, "busybox", "bin", "busybox")
    if kernel and os.path.exists(busybox):
        return DIR
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        raise Unavailable("no apt-get/dpkg-deb to fetch the Linux guest")
    state = os.path.join(DIR, ".apt")
    _private_sources(state)
    o = _apt_opts(state)
    log("linux guest: apt-get update (private arm64 state in third_party/bench-linux/.apt)")
    r = subprocess.run(["apt-get", *o, "update", "-qq"], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        raise Unavailable("apt-get update failed: " + r.stderr.strip()[-200:])
    r = subprocess.run(["apt-cache", *o, "depends", "linux-image-arm64"],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Depends: (linux-image-\S+-arm64)\b", r.stdout)
    if not m:
        raise Unavailable("cannot resolve linux-image-arm64: " + (r.stderr or r.stdout)[-200:])
    pkgs = [m.group(1), "busybox-static"]
    dl = os.path.join(state, "dl")
    os.makedirs(dl, exist_ok=True)
    log(f"linux guest: apt-get download {' '.join(pkgs)}")
    r = subprocess.run(["apt-get", *o, "download", "-qq", *pkgs], cwd=dl,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise Unavailable("apt-get download failed: " + r.stderr.strip()[-200:])
    kdeb = glob.glob(os.path.join(dl, m.group(1) + "_*_arm64.deb"))
    bdeb = glob.glob(os.path.join(dl, "busybox-static_*_arm64.deb"))
    if not kdeb or not bdeb:
        raise Unavailable("apt-get download left no .deb")
    x = os.path.join(state, "x")
    shutil.rmtree(x, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", kdeb[0], x], check=True)
    os.makedirs(os.path.join(DIR, "boot"), exist_ok=True)
    for f in glob.glob(os.path.join(x, "boot", "*")):
        shutil.copy(f, os.path.join(DIR, "boot"))
    mods = os.path.join(DIR, "modules")
    os.makedirs(mods, exist_ok=True)
    for name in MODULES:
        hits = glob.glob(os.path.join(x, "lib", "modules", "*", "kernel", "**", name + ".ko*"),
                         recursive=True)
        if hits:
            shutil.copy(hits[0], mods)
    shutil.rmtree(x)
    subprocess.run(["dpkg-deb", "-x", bdeb[0], os.path.join(DIR, "busybox")], check=True)
    return DIR


def kernel_path():
    k = sorted(glob.glob(os.path.join(DIR, "boot", "vmlinuz-*")))
    if not k:
        raise Unavailable("Linux kernel not fetched")
    return k[-1]


def kernel_version():
    return os.path.basename(kernel_path())[len("vmlinuz-"):]


def builtin_or_module():
    """{module: 'y'|'m'|None} from the kernel's config, for the report."""
    cfg = glob.glob(os.path.join(DIR, "boot", "config-*"))
    keys = {"virtio_mmio": "CONFIG_VIRTIO_MMIO", "virtio_net": "CONFIG_VIRTIO_NET"}
    out = {}
    text = open(cfg[0]).read() if cfg else ""
    for mod, key in keys.items():
        m = re.search(rf"^{key}=(\w)", text, re.M)
        out[mod] = m.group(1) if m else None
    return out


def module_paths():
    mods = os.path.join(DIR, "modules")
    return [p for n in MODULES for p in glob.glob(os.path.join(mods, n + ".ko*"))]


def make_initramfs(out, index_html=None, benchd=None, httpd=None, extra=()):
    """Write the initramfs (newc cpio, via tools/mkcpio.py) to OUT. EXTRA:
    (host path, guest path) files to add (bench/debbin.py's iperf3)."""
    stage = out + ".d"
    shutil.rmtree(stage, ignore_errors=True)
    for d in ("bin", "etc", "www", "lib/modules"):
        os.makedirs(os.path.join(stage, d))
    shutil.copy(os.path.join(DIR, "busybox", "bin", "busybox"), os.path.join(stage, "bin"))
    os.symlink("busybox", os.path.join(stage, "bin", "sh"))
    for p in module_paths():
        shutil.copy(p, os.path.join(stage, "lib", "modules"))
    with open(os.path.join(stage, "init"), "w") as fh:
        fh.write(INIT)
    os.chmod(os.path.join(stage, "init"), 0o755)
    with open(os.path.join(stage, "etc", "udhcpc.script"), "w") as fh:
        fh.write(UDHCPC_SCRIPT)
    os.chmod(os.path.join(stage, "etc", "udhcpc.script"), 0o755)
    if index_html:
        shutil.copy(index_html, os.path.join(stage, "www", "index.html"))
    else:
        with open(os.path.join(stage, "www", "index.html"), "w") as fh:
            fh.write("<html><body>bench</body></html>\n")
    if benchd:
        shutil.copy(benchd, os.path.join(stage, "bin", "benchd"))
    if httpd:
        shutil.copy(httpd, os.path.join(stage, "bin", "sis-httpd"))
    for host, guest in extra:
        dst = os.path.join(stage, guest.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(host, dst)
    specs = [os.path.join(stage, e) + ":/" + e for e in sorted(os.listdir(stage))]
    r = subprocess.run([sys.executable, os.path.join(TOP, "tools", "mkcpio.py"), "-o", out,
                        *specs], capture_output=True, text=True)
    shutil.rmtree(stage, ignore_errors=True)
    if r.returncode != 0:
        raise Unavailable("mkcpio failed: " + r.stderr.strip())
    return out


if __name__ == "__main__":
    try:
        fetch()
    except Unavailable as e:
        sys.exit(f"linux guest: {e}")
    print("kernel:", kernel_path())
    print("modules:", " ".join(os.path.basename(p) for p in module_paths()))
    print("config:", builtin_or_module())
