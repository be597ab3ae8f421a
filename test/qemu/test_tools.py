"""Tests of the developer tools themselves: tools/mkcpio.py (checked against GNU
cpio) and tools/run (exit status, --timeout, --add), so the interfaces other
tests and people script against keep working."""
import os
import re
import subprocess
import sys
import time

from sistest import TOP, test

MKCPIO = os.path.join(TOP, "tools", "mkcpio.py")
RUN = os.path.join(TOP, "tools", "run")


def sh(ctx, argv, **kw):
    r = subprocess.run(argv, capture_output=True, **kw)
    ctx.log_write(f"--- {' '.join(argv)} -> {r.returncode}\n")
    if r.returncode != 0:
        ctx.fail(f"{' '.join(argv)} failed: {r.stderr.decode(errors='replace').strip()}")
    return r


@test(timeout=30)
def mkcpio_roundtrip(ctx):
    d = ctx.tmpdir()
    src = os.path.join(d, "src")
    os.makedirs(os.path.join(src, "tree", "sub"), exist_ok=True)
    files = {"prog": (b"\x7fELF fake\n", 0o755), "motd": (b"hello\n", 0o600),
             "tree/sub/x": (b"x" * 1001, 0o644)}
    for rel, (data, mode) in files.items():
        p = os.path.join(src, rel)
        with open(p, "wb") as fh:
            fh.write(data)
        os.chmod(p, mode)
    a1, a2, a3 = (os.path.join(d, f"a{i}.cpio") for i in (1, 2, 3))
    specs = [os.path.join(src, "prog"), os.path.join(src, "motd") + ":/etc/motd",
             os.path.join(src, "tree") + ":/usr/share/tree"]
    sh(ctx, [sys.executable, MKCPIO, "-o", a1, *specs])
    sh(ctx, [sys.executable, MKCPIO, "-o", a2, *specs])
    ctx.check(open(a1, "rb").read() == open(a2, "rb").read(), "output is not deterministic")

    # Extend: add one file to the first archive, replace another.
    new = os.path.join(src, "new")
    with open(new, "wb") as fh:
        fh.write(b"new\n")
    sh(ctx, [sys.executable, MKCPIO, "-o", a3, "--base", a1, new + ":/etc/motd",
             os.path.join(src, "prog") + ":/sbin/init"])

    listing = sh(ctx, ["cpio", "-itv", "--quiet"], stdin=open(a3, "rb")).stdout.decode()
    got = {}
    for line in listing.splitlines():
        parts = line.split()
        got[parts[-1]] = parts[0]
    want = {"bin": "drwxr-xr-x", "bin/prog": "-rwxr-xr-x", "etc": "drwxr-xr-x",
            "etc/motd": "-rw-r--r--", "sbin": "drwxr-xr-x", "sbin/init": "-rwxr-xr-x",
            "usr": "drwxr-xr-x", "usr/share": "drwxr-xr-x", "usr/share/tree": "drwxr-xr-x",
            "usr/share/tree/sub": "drwxr-xr-x", "usr/share/tree/sub/x": "-rw-r--r--"}
    ctx.check(got == want, f"cpio -t lists {got}, expected {want}")

    out = os.path.join(d, "x")
    os.makedirs(out, exist_ok=True)
    sh(ctx, ["cpio", "-id", "--quiet", "-D", out], stdin=open(a3, "rb"))
    for rel, data in (("bin/prog", files["prog"][0]), ("etc/motd", b"new\n"),
                      ("sbin/init", files["prog"][0]), ("usr/share/tree/sub/x", b"x" * 1001)):
        with open(os.path.join(out, rel), "rb") as fh:
            ctx.check(fh.read() == data, f"{rel}: contents differ after extraction")

    # And GNU cpio's own newc output is accepted as a base.
    gnu = os.path.join(d, "gnu.cpio")
    with open(gnu, "wb") as fh:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=src, stdout=fh,
                       input=b"motd\ntree\ntree/sub\ntree/sub/x\n", check=True)
    sh(ctx, [sys.executable, MKCPIO, "-o", a2, "--base", gnu, new + ":/bin/new"])
    names = sh(ctx, [sys.executable, MKCPIO, "--list", a2]).stdout.decode().split()
    ctx.check("/tree/sub/x" in names and "/bin/new" in names, f"bad listing {names}")


def run_env(ctx):
    return dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)


@test(timeout=60)
def run_exit_status(ctx):
    """tools/run returns the guest's status (ktest=sleep passes -> 0), also with --add."""
    ctx.check(os.path.exists(ctx.kernel), f"{ctx.kernel} not built")
    r = ctx.run_tool([RUN, "--no-build", "--net", "none", "--append", "ktest=sleep",
                      "--timeout", "30"], timeout=40, env=run_env(ctx))
    ctx.check(r.returncode == 0, f"tools/run exited {r.returncode}, expected 0")
    ctx.check("SIS: boot complete" in r.stdout, "no boot complete line on stdout")
    r = ctx.run_tool([RUN, "--no-build", "--net", "none", "--append", "ktest=sleep",
                      "--add", MKCPIO + ":/bin/mkcpio", "--timeout", "30"], timeout=40, env=run_env(ctx))
    ctx.check(r.returncode == 0, f"tools/run --add exited {r.returncode}, expected 0")


@test(timeout=30)
def run_timeout(ctx):
    """--timeout kills QEMU and exits 124 (the CPU is held stopped with QEMU's -S)."""
    ctx.check(os.path.exists(ctx.kernel), f"{ctx.kernel} not built")
    r = ctx.run_tool([RUN, "--no-build", "--net", "none", "--timeout", "1", "--", "-S"],
                     timeout=20, env=run_env(ctx))
    ctx.check(r.returncode == 124, f"tools/run exited {r.returncode}, expected 124")


@test(timeout=20)
def run_bad_options(ctx):
    for args in (["--net", "bogus"], ["--net", "none", "--net", "user"],
                 ["--hostfwd", "tcp:0.0.0.0:80-:80"], ["--timeout", "x"], ["--frob"]):
        r = ctx.run_tool([RUN, "--no-build", *args], timeout=10, env=run_env(ctx))
        ctx.check(r.returncode == 2, f"tools/run {' '.join(args)} exited {r.returncode}, "
                                     f"expected 2 (usage error)")


def pcap_has_dhcp(path):
    """True if the capture at PATH (libpcap format) holds a DHCP message (the
    BOOTP magic cookie 99.130.83.99 after the 236-byte BOOTP header)."""
    with open(path, "rb") as fh:
        data = fh.read()
    return data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4") and b"\x63\x82\x53\x63" in data


@test(timeout=90)
def run_options(ctx):
    """tools/run as the README describes it: --legacy, --mem, --pcap and
    --print-cmd, with the guest's console on a pipe (stdin not a terminal).
    The commands piped in run in the shell (init=/bin/sh: see the report on
    /etc/rc), the exit status is the shell's, the guest sees 64 MiB and a
    legacy transport (loglevel=3 shows it), and the capture holds the DHCP
    exchange."""
    pcap = os.path.join(ctx.tmpdir(), "run.pcap")
    port = ctx.free_port()
    r = ctx.run_tool([RUN, "--no-build", "--legacy", "--mem", "64M", "--pcap", pcap,
                      "--hostfwd", f"tcp:127.0.0.1:{port}-:80", "--print-cmd",
                      "--append", "loglevel=3 init=/bin/sh", "--timeout", "30"],
                     input="echo piped ok; cat /proc/meminfo; exit 3\n",
                     timeout=40, env=run_env(ctx))
    ctx.check(r.returncode == 3, f"tools/run exited {r.returncode}, expected 3 (from exit 3)")
    ctx.check("force-legacy=true" in r.stderr and " -m 64M " in r.stderr,
              f"--print-cmd: {r.stderr.strip()[-300:]}")
    out = r.stdout.replace("\r", "")
    # Not anchored at line starts: the tty echoes the piped input as it
    # arrives, which can land in the middle of a boot log line.
    ctx.check(re.search(r"\[INFO\] dt: memory 0x40000000-0x43ffffff \(64 MiB\)$", out, re.M),
              "the guest does not see 64 MiB")
    ctx.check(re.search(r"\[DEBUG\] virtio-net: eth0: legacy transport", out, re.M),
              "no [DEBUG] line saying eth0 uses the legacy transport")
    ctx.check(re.search(r"^piped ok$", out, re.M),
              "the piped command did not run")
    m = re.search(r"^MemTotal:\s+(\d+) kB$", out, re.M)
    ctx.check(m and 50000 < int(m.group(1)) <= 65536, f"MemTotal {m and m.group(1)}")
    ctx.check(os.path.exists(pcap) and pcap_has_dhcp(pcap), "--pcap: no DHCP in the capture")


@test(timeout=90, needs_root=True)
def run_default_hostfwd(ctx):
    """The README's first steps: `tools/run` with no network options forwards
    127.0.0.1:8080 to the guest's port 80, and curl gets the page httpd serves.
    Run inside a namespace of the test's own, so port 8080 is free whatever
    else the host runs. The console is a pipe: the test waits for httpd with
    netstat at the guest's shell, then curl has one try."""
    import select
    ns = ctx.netns()
    p = ns.popen([RUN, "--no-build", "--timeout", "80"], stdin=subprocess.PIPE,
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=run_env(ctx))
    out = b""

    def read_until(pattern, secs, start=0):
        """Read tools/run's output until PATTERN appears after offset START."""
        nonlocal out
        end = time.monotonic() + secs
        while not re.search(pattern, out[start:], re.M):
            left = end - time.monotonic()
            ctx.check(left > 0 and p.poll() is None,
                      f"no /{pattern.decode()}/ from tools/run: {out[-300:]!r}")
            if select.select([p.stdout], [], [], min(left, 0.5))[0]:
                chunk = os.read(p.stdout.fileno(), 65536)
                ctx.log_write(chunk.decode(errors="replace"))
                out += chunk
        return out

    try:
        read_until(rb"sis:/# ", 40)
        listening = False
        for _ in range(100):   # until httpd listens (a connect through slirp would not say)
            mark = len(out)
            p.stdin.write(b"netstat -tln; echo @@done\n")
            p.stdin.flush()
            read_until(rb"^@@done", 10, mark)
            if re.search(rb"0\.0\.0\.0:80\s+0\.0\.0\.0:\*\s+LISTEN", out[mark:]):
                listening = True
                break
            time.sleep(0.1)
        ctx.check(listening, "httpd never listened on port 80")
        r = ns.run(["curl", "-sS", "--max-time", "10", "http://127.0.0.1:8080/"], timeout=15)
        ctx.check(r.returncode == 0 and "Hello from SIS" in r.stdout,
                  f"curl http://127.0.0.1:8080/: {r.returncode} {r.stderr.strip()}")
        p.stdin.write(b"exit 5\n")
        p.stdin.flush()
        read_until(rb"power off \(status 5\)", 20, len(out))
        ctx.check(p.wait(20) == 5, f"tools/run exited {p.returncode}, expected 5")
    finally:
        if p.poll() is None:
            p.kill()


@test(timeout=90)
def run_image_boot(ctx):
    """tools/run boots build/src/sis.img as a Linux arm64 Image: the header
    (booting.rst) is what QEMU needs, and in the common case QEMU itself loads
    the users' ramdisk (-initrd) and passes the DTB in x0: one QEMU, no DTB
    dump, no file made for the run. A ramdisk QEMU's Linux layout cannot hold
    (about half of 6 MiB) boots the ELF with a made DTB instead; both see the
    ramdisk and pass ktest=dt."""
    import struct
    img = ctx.kernel
    with open(img, "rb") as fh:
        hdr = fh.read(64)
    text_offset, image_size, flags = struct.unpack_from("<QQQ", hdr, 8)
    ctx.check(hdr[56:60] == b"ARM\x64", f"no arm64 Image magic in {img}")
    ctx.check(text_offset == 0x200000 and image_size == os.path.getsize(img) and flags == 2,
              f"header text_offset {text_offset:#x} image_size {image_size:#x} (file "
              f"{os.path.getsize(img):#x}) flags {flags:#x}")
    for mem, kernel, fallback in (("128M", "sis.img", False), ("6M", "sis.elf", True)):
        r = ctx.run_tool([RUN, "--no-build", "--print-cmd", "--net", "none", "--mem", mem,
                          "--append", "ktest=dt", "--timeout", "30"], timeout=40,
                         env=run_env(ctx))
        cmd = r.stderr
        ctx.check(r.returncode == 0, f"--mem {mem}: tools/run exited {r.returncode}")
        ctx.check(f"/src/{kernel} " in cmd, f"--mem {mem}: not booting {kernel}: {cmd}")
        ctx.check((" -initrd " in cmd) != fallback and (" -dtb " in cmd) == fallback,
                  f"--mem {mem}: unexpected ramdisk options: {cmd}")
        ctx.check(re.search(r"dt: initrd 0x[0-9a-f]+-0x[0-9a-f]+ \(\d+ KiB\)", r.stdout),
                  f"--mem {mem}: the kernel saw no initrd")
        ctx.check(re.search(r"vfs: initrd unpacked: \d+ entries", r.stdout),
                  f"--mem {mem}: the ramdisk was not unpacked")
