"""tools/qemu.py: how SIS is started under QEMU, in one place.

Imported by tools/run and by the QEMU test library (test/qemu/sistest.py), so the
command line a developer types and the one the tests use are built by the same
code. Python standard library only.
"""
import os
import re
import struct
import sys
import threading
# socket, subprocess and tempfile are imported where used: tools/run's common
# path (exec QEMU) needs none of them, and every millisecond of its start-up
# counts in the time to the DHCP lease.

QEMU = "qemu-system-aarch64"
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
# SIS_BUILD_DIR overrides build/ (for tool development against another build tree).
DEFAULT_BUILD = os.path.abspath(os.environ.get("SIS_BUILD_DIR") or os.path.join(TOP, "build"))
DEFAULT_MEM = "128M"
DEFAULT_HOSTFWD = ["tcp:127.0.0.1:8080-:80"]
# QEMU 7.2 gives a cortex-a57 on `virt` this generic-timer frequency (CNTFRQ_EL0);
# the device tree does not carry it.
QEMU_TIMER_HZ = 62500000


# libslirp holds a host socket per forwarded connection: a guest server with
# thousands of clients needs QEMU's descriptor limit at its hard maximum
# (often 1024 soft). Raised here, for this process and every QEMU it starts.
def raise_nofile_limit():
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


raise_nofile_limit()


def slirp_backlog_preload(build_dir=DEFAULT_BUILD):
    """argv prefix preloading tools/slirp_backlog.c (hostfwd listen backlog 1 ->
    SOMAXCONN) into QEMU, or [] when it is not built."""
    so = os.path.join(build_dir, "tools", "slirp_backlog.so")
    return ["env", "LD_PRELOAD=" + so] if os.path.exists(so) else []


class ConfigError(Exception):
    """A bad option value (message is meant for the user)."""


def kernel_path(build_dir=DEFAULT_BUILD):
    """The kernel QEMU boots: the Linux arm64 Image (see "The initial ramdisk")."""
    return os.path.join(build_dir, "src", "sis.img")


def kernel_elf_path(build_dir=DEFAULT_BUILD):
    """The same kernel as an ELF with symbols: for gdb, and the fallback boot."""
    return os.path.join(build_dir, "src", "sis.elf")


def initrd_path(build_dir=DEFAULT_BUILD):
    """The users' ramdisk: programs and files, no test programs."""
    return os.path.join(build_dir, "user", "initramfs.cpio")


def test_initrd_path(build_dir=DEFAULT_BUILD):
    """The QEMU tests' ramdisk: the users' one plus the test programs."""
    return os.path.join(build_dir, "user", "initramfs-test.cpio")


def parse_net(spec):
    """'user' | 'tap:IFNAME' | 'none' -> ('user', None) | ('tap', IFNAME) | ('none', None)."""
    if spec in ("user", "none"):
        return (spec, None)
    if spec.startswith("tap:") and re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", spec[4:]):
        return ("tap", spec[4:])
    raise ConfigError(f"bad --net {spec!r}: expected user, tap:IFNAME or none")


def parse_hostfwd(spec):
    """'tcp:HOSTPORT-:GUESTPORT' (also udp, and an optional 127.0.0.1 address)
    -> normalised 'tcp:127.0.0.1:HOSTPORT-:GUESTPORT'. Only loopback is allowed."""
    m = re.fullmatch(r"(tcp|udp):(?:(127\.0\.0\.1)?:)?(\d{1,5})-(?:10\.0\.2\.15)?:(\d{1,5})", spec)
    if not m or not (0 < int(m.group(3)) < 65536 and 0 < int(m.group(4)) < 65536):
        raise ConfigError(f"bad --hostfwd {spec!r}: expected tcp:HOSTPORT-:GUESTPORT")
    return f"{m.group(1)}:127.0.0.1:{int(m.group(3))}-:{int(m.group(4))}"


def pcap_file(pcap, i):
    """--pcap FILE: eth0's capture is FILE, ethN's FILE.ethN.pcap."""
    return pcap if i == 0 else f"{pcap}.eth{i}.pcap"


MAX_MEM = 4 << 30  # the kernel's page share counts and tests go up to 4 GiB


def mem_bytes(mem):
    """QEMU's -m SIZE in bytes (no suffix: MiB, as QEMU reads it)."""
    m = re.fullmatch(r"(\d+)([KMGT]?)", str(mem), re.I)
    shift = {"": 20, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2).upper()]
    return int(m.group(1)) << shift


def build_argv(kernel, *, mem=DEFAULT_MEM, append="", initrd=None, nets=("user",),
               hostfwds=None, modern=True, pcap=None, gdb=False, machine_opts=(),
               console="nographic", extra=(), workdir=None, dry_run=False):
    """The qemu-system-aarch64 argv for one SIS boot.

    nets: list of --net specs ('user', 'tap:IF', 'none'); NIC i is ethi, netdev id ni.
    hostfwds: list of 'tcp:HOSTPORT-:GUESTPORT', put on the first user netdev;
      None means the default (127.0.0.1:8080 -> guest 80), [] means none.
    pcap: FILE; the first NIC is dumped to FILE, NIC i>0 to FILE.ethi.pcap (a tap NIC
      then runs without a vnet header, so the files hold plain Ethernet frames).
    machine_opts: extra -machine virt,... suboptions (e.g. 'dumpdtb=FILE').
    console: 'nographic' (serial + QEMU monitor multiplexed on stdio: Ctrl-A x quits,
      for a terminal) or 'raw' (-nographic with the serial alone on stdio and no
      monitor: every input byte, Ctrl-A included, reaches the guest; for pipes).
    initrd: a cpio to hand the kernel (see initrd_boot); the ELF fallback needs
      WORKDIR, a directory for the device tree made for it. dry_run: only check
      the options.
    """
    parsed = [parse_net(n) for n in (nets or ["none"])]
    if any(k == "none" for k, _ in parsed) and len(parsed) > 1:
        raise ConfigError("--net none cannot be combined with other --net options")
    if not re.fullmatch(r"\d+[KMGT]?", str(mem), re.I):
        raise ConfigError(f"bad --mem {mem!r}: expected e.g. 128M or 1G")
    if mem_bytes(mem) > MAX_MEM:
        raise ConfigError(f"--mem {mem}: SIS runs with at most 4G of RAM")
    fwds = DEFAULT_HOSTFWD if hostfwds is None else [parse_hostfwd(h) for h in hostfwds]

    def base(mopts, cons):
        argv = [QEMU, "-machine", ",".join(["virt"] + list(mopts)),
                "-cpu", "cortex-a57", "-m", str(mem)]
        if cons == "nographic":
            argv += ["-nographic"]
        elif cons == "raw":
            argv += ["-nographic", "-serial", "stdio", "-monitor", "none"]
        else:
            raise ValueError(cons)
        argv += ["-kernel", kernel]
        if append:
            argv += ["-append", append]
        argv += ["-semihosting-config", "enable=on,target=native"]
        argv += ["-global", "virtio-mmio.force-legacy=" + ("false" if modern else "true")]
        return argv

    rd_args = []
    if initrd and not dry_run:
        kernel, rd_args = initrd_boot(kernel, initrd, mem)
    argv = base(machine_opts, console)
    if initrd and not dry_run and not rd_args:
        # The device tree does not depend on the NICs (all 32 virtio-mmio slots are
        # always there), so it is dumped without them: no host resources touched.
        dump = base([o for o in machine_opts if not o.startswith("dumpdtb=")], "raw")
        rd_args = initrd_args(kernel, initrd, dump + ["-nic", "none"] + list(extra), workdir)
    argv += rd_args

    user_seen = False
    for i, (kind, arg) in enumerate(parsed):
        if kind == "none":
            argv += ["-nic", "none"]
            break
        nd = f"n{i}"
        if kind == "user":
            opts = f"user,id={nd}"
            if not user_seen:
                opts += "".join(",hostfwd=" + f for f in fwds)
            user_seen = True
        else:
            opts = f"tap,id={nd},ifname={arg},script=no,downscript=no"
            if pcap:
                # QEMU 7.2's filter-dump writes frames as the netdev carries
                # them: on a tap with a vnet header, 10-12 bytes of it come
                # first. Without one the capture is plain Ethernet (and the
                # NIC offers no checksum/TSO offload for this run).
                opts += ",vnet_hdr=off"
        # Pin NIC i to virtio-mmio transport i: QEMU otherwise fills the slots
        # from the top (0x0a003e00 down), so eth0..ethN would come out reversed.
        argv += ["-netdev", opts,
                 "-device", f"virtio-net-device,netdev={nd},bus=virtio-mmio-bus.{i}"]
        if pcap:
            argv += ["-object", f"filter-dump,id=dump{i},netdev={nd},file={pcap_file(pcap, i)}"]
    if gdb:
        argv += ["-s", "-S"]
    if user_seen and fwds:
        argv = slirp_backlog_preload() + argv
    return argv + list(extra)


# --------------------------------------------------------------------------
# The initial ramdisk
#
# SIS boots as a Linux arm64 Image (build/src/sis.img, header in boot.S), so
# QEMU's own Linux loader (hw/arm/boot.c) does the work: -initrd is loaded at
# RAM base + min(RAM/2, 128 MiB) (or after the image), /chosen gets
# linux,initrd-start/-end, and the DTB goes at the next 2 MiB boundary after
# the ramdisk with its address in x0. One QEMU, no files written per run.
#
# That layout needs RAM above the ramdisk for the DTB: a ramdisk bigger than
# about half of RAM (or than 128 MiB less a little) does not fit it although
# it fits the RAM. Then (initrd_boot says so) the ELF is booted instead, to
# which QEMU 7.2 gives no ramdisk at all (an ELF is "not Linux": -initrd is
# silently ignored), so the ramdisk is handed over the way a boot loader would:
#   1. dump the DTB QEMU would give this machine (-machine virt,dumpdtb=F);
#   2. add /chosen linux,initrd-start/-end for a spot at the top of RAM;
#   3. boot with -dtb <that DTB> and -device loader,file=CPIO,addr=...,force-raw=on.
# The kernel sees the same standard /chosen properties either way.
# --------------------------------------------------------------------------
INITRD_ALIGN = 0x10000
RAM_BASE = 0x40000000       # QEMU virt
IMAGE_MAGIC = b"ARM\x64"
DTB_ROOM = 1 << 20          # QEMU virt's device tree buffer (FDT_MAX_SIZE)


def image_header(path):
    """(text_offset, image_size) of a Linux arm64 Image, or None if PATH is not one."""
    with open(path, "rb") as fh:
        hdr = fh.read(64)
    if len(hdr) < 64 or hdr[56:60] != IMAGE_MAGIC:
        return None
    return struct.unpack_from("<QQ", hdr, 8)


def image_layout_fits(kernel, initrd, mem):
    """True if QEMU's Linux loader (hw/arm/boot.c, QEMU 7.2) can place INITRD and
    then the DTB in MEM of RAM after the Image KERNEL."""
    text_offset, _size = image_header(kernel)
    ram = mem_bytes(mem)
    image_end = RAM_BASE + text_offset + os.path.getsize(kernel)
    start = max(RAM_BASE + min(ram // 2, 128 << 20), image_end)
    start = (start + 4095) & ~4095
    dtb = (start + os.path.getsize(initrd) + (2 << 20) - 1) & ~((2 << 20) - 1)
    return dtb + DTB_ROOM <= RAM_BASE + ram


def initrd_boot(kernel, initrd, mem):
    """(kernel to boot, QEMU options) for an Image KERNEL given INITRD: the Image
    with -initrd when QEMU's layout fits, else (kernel's ELF, []) and the caller
    uses initrd_args. A kernel that is no Image is returned as it is, with []."""
    if image_header(kernel) is None:
        return kernel, []
    if image_layout_fits(kernel, initrd, mem):
        return kernel, ["-initrd", initrd]
    elf = os.path.splitext(kernel)[0] + ".elf"
    if not os.path.exists(elf):
        raise ConfigError(f"initrd {initrd} does not fit QEMU's layout in {mem} of RAM "
                          f"and there is no {elf} to boot instead; give more --mem")
    return elf, []


def elf_load_end(path):
    """Highest physical address (exclusive) of an ELF64's PT_LOAD segments, or None
    if PATH is not an ELF64 file."""
    with open(path, "rb") as fh:
        hdr = fh.read(64)
        if len(hdr) < 64 or hdr[:4] != b"\x7fELF" or hdr[4] != 2:
            return None
        phoff, = struct.unpack_from("<Q", hdr, 32)
        phentsize, phnum = struct.unpack_from("<HH", hdr, 54)
        fh.seek(phoff)
        ph = fh.read(phentsize * phnum)
    end = 0
    for i in range(phnum):
        p_type, _fl, _off, _va, paddr, _fsz, memsz = struct.unpack_from("<IIQQQQQ", ph,
                                                                        i * phentsize)
        if p_type == 1:  # PT_LOAD
            end = max(end, paddr + memsz)
    return end


def initrd_args(kernel, initrd, dump_argv, workdir):
    """QEMU options that give the kernel INITRD (see the comment above)."""
    kend = elf_load_end(kernel)
    if kend is None:
        return ["-initrd", initrd]
    import fdt  # tools/fdt.py
    if not workdir:
        raise ValueError("initrd_args needs a workdir for the device tree")
    import subprocess
    import tempfile
    fd, dtb = tempfile.mkstemp(prefix="sis-", suffix=".dtb", dir=workdir)
    os.close(fd)
    r = subprocess.run(dump_argv[:2] + [dump_argv[2] + f",dumpdtb={dtb}"] + dump_argv[3:],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise ConfigError(f"QEMU could not dump its device tree: {r.stderr.strip()}")
    tree = fdt.Fdt.from_file(dtb)
    mems = sorted(reg for n in tree.find_type("memory") for reg in n.reg())
    if not mems:
        raise ConfigError("QEMU's device tree has no memory node")
    ram_base, ram_size = mems[0]
    size = os.path.getsize(initrd)
    addr = (ram_base + ram_size - size) & ~(INITRD_ALIGN - 1)
    # Leave the kernel image and 1 MiB after it (boot-time allocations) alone.
    if addr < kend + 0x100000:
        raise ConfigError(f"initrd {initrd} ({size} bytes) does not fit in RAM above the "
                          f"kernel (ends {kend:#x}); give more --mem")
    chosen = tree.root.add_child("chosen")
    chosen.set_u64("linux,initrd-start", addr)
    chosen.set_u64("linux,initrd-end", addr + size)
    with open(dtb, "wb") as fh:
        fh.write(tree.to_bytes())
    return ["-dtb", dtb, "-device", f"loader,file={initrd},addr={addr:#x},force-raw=on"]


_port_lock = threading.Lock()
_ports_given = set()


def free_port():
    """A TCP port on 127.0.0.1 that is free now and not handed out before by
    this process (so parallel tests in one runner never collide)."""
    import socket
    with _port_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in _ports_given:
                _ports_given.add(port)
                return port
    raise RuntimeError("no free port found")


def prepare_build(build_dir=DEFAULT_BUILD, *, bootstrap=True, reconfigure=False, log=None):
    """Bootstrap quietly, then meson setup (if needed) and meson compile.

    Output of the steps goes to LOG (a file object; default: discarded unless a
    step fails, in which case it is printed to stderr). Returns True on success."""
    import subprocess
    env = dict(os.environ, SIS_BOOTSTRAP_QUIET="1")
    steps = []
    if bootstrap:
        steps.append([os.path.join(TOP, "tools", "bootstrap")])
    configured = os.path.exists(os.path.join(build_dir, "meson-private", "coredata.dat"))
    if not configured:
        steps.append(["meson", "setup", build_dir, "--cross-file",
                      os.path.join(TOP, "cross-aarch64.ini")])
    elif reconfigure:
        steps.append(["meson", "setup", "--reconfigure", build_dir])
    steps.append(["meson", "compile", "-C", build_dir])
    for cmd in steps:
        p = subprocess.run(cmd, cwd=TOP, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.stdout.decode(errors="replace")
        if log is not None:
            log.write(out)
        if p.returncode != 0:
            sys.stderr.write(out if log is None else "")
            sys.stderr.write(f"error: {' '.join(cmd)} failed (exit {p.returncode})\n")
            return False
    return True
