"""Boot tests: SIS reaches `SIS: boot complete` on 128, 16 and 6 MiB of RAM,
with and without a NIC; the memory and device facts it prints (ktest=dt) match
the device tree QEMU hands it; 100 ms timer sleeps (ktest=sleep) pass; the
command line arrives intact; a panic dump names the fault and a symbolized
backtrace; W^X: writing kernel text or read-only data and running a data page
each die of a permission fault; quiet and loglevel=0..3 filter the log."""
import re

from sistest import TestFailure, register, test
import qemu as qemu_cmd

BOOT_COMPLETE = r"^\[INFO\] SIS: boot complete"
BANNER = r"^\[INFO\] SIS (\S+) booting on (.+)$"
MM_LINE = r"^\[INFO\] mm: (\d+) pages free of (\d+)"
HEX = r"0x([0-9a-fA-F]+)"


def mem_bytes(mem):
    n, unit = re.fullmatch(r"(\d+)([KMGT]?)", mem, re.I).groups()
    return int(n) << {"": 20, "K": 10, "M": 20, "G": 30, "T": 40}[unit.upper()]


def nets_for(ctx, net):
    """'none' or 'user' (the tools/run default: user net with one hostfwd, on a free port)."""
    if net == "none":
        return {"nets": ["none"]}
    _port, fwd = ctx.hostfwd(80)
    return {"nets": ["user"], "hostfwds": [fwd]}


def boot_complete(mem, net, modern=True):
    """Boots the users' ramdisk (what tools/run boots), not the tests' one."""
    def run(ctx):
        q = ctx.qemu(mem=mem, modern=modern, initrd=ctx.user_initrd, **nets_for(ctx, net))
        q.expect(BANNER, timeout=20)
        m = q.expect(MM_LINE, timeout=20)
        free, total = int(m.group(1)), int(m.group(2))
        pages = mem_bytes(mem) // 4096
        ctx.check(0 < free <= total <= pages,
                  f"mm: {free} pages free of {total}, but RAM is only {pages} pages")
        q.expect(BOOT_COMPLETE, timeout=20)
    return run


for _mem in ("128M", "16M", "6M"):
    for _net in ("none", "user"):
        register(f"complete_{_mem.lower()}_nic_{_net}", boot_complete(_mem, _net), timeout=40)
register("complete_128m_nic_user_legacy", boot_complete("128M", "user", modern=False),
         timeout=40)


def find(lines, pattern, what):
    rx = re.compile(pattern)
    for line in lines:
        m = rx.search(line)
        if m:
            return m
    raise TestFailure(f"no {what} line (/{pattern}/) in the output")


def check_dt_facts(ctx, lines, fdt, mem):
    """Compare the `dt:` lines SIS printed with the DTB QEMU generated."""
    # Banner: the board model comes from the root node.
    m = find(lines, BANNER, "banner")
    model = fdt.root.string("model")
    ctx.check(m.group(2).strip() == model,
              f"banner says model {m.group(2)!r}, DTB says {model!r}")

    # Memory: every /memory node's reg, as one range.
    regs = [r for n in fdt.find_type("memory") for r in n.reg()]
    ctx.check(regs, "DTB has no memory node")
    start = min(a for a, _ in regs)
    end = max(a + s for a, s in regs) - 1
    size = sum(s for _, s in regs)
    ctx.check(size == mem_bytes(mem), f"DTB memory size {size:#x} is not -m {mem}")
    m = find(lines, rf"dt: memory {HEX}-{HEX} \((\d+) MiB\)", "dt: memory")
    got = (int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)))
    ctx.check(got == (start, end, size >> 20),
              f"printed memory {got[0]:#x}-{got[1]:#x} ({got[2]} MiB), DTB has "
              f"{start:#x}-{end:#x} ({size >> 20} MiB)")

    # UART: the pl011 the chosen stdout-path names (or the first pl011).
    uarts = fdt.find_compatible("arm,pl011")
    ctx.check(uarts, "DTB has no pl011")
    stdout = (fdt.node("/chosen").string("stdout-path", "") if fdt.node("/chosen") else "")
    uart = next((u for u in uarts if u.path == stdout.split(":")[0]), uarts[0])
    m = find(lines, rf"dt: uart pl011 at {HEX} irq (\d+)", "dt: uart")
    got = (int(m.group(1), 16), int(m.group(2)))
    want = (uart.reg()[0][0], uart.gic_irqs()[0])
    ctx.check(got == want, f"printed uart {got[0]:#x} irq {got[1]}, DTB has "
                           f"{want[0]:#x} irq {want[1]}")

    # GIC: version from compatible, distributor and CPU interface from reg.
    gics = fdt.find_compatible("arm,cortex-a15-gic", "arm,gic-400", "arm,gic-v3")
    ctx.check(gics, "DTB has no GIC")
    gic = gics[0]
    version = 3 if gic.compatible("arm,gic-v3") else 2
    m = find(lines, rf"dt: gic v(\d) dist {HEX} cpu {HEX}", "dt: gic")
    got = (int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16))
    gregs = gic.reg()
    want = (version, gregs[0][0], gregs[1][0])
    ctx.check(got == want, f"printed gic v{got[0]} dist {got[1]:#x} cpu {got[2]:#x}, "
                           f"DTB has v{want[0]} dist {want[1]:#x} cpu {want[2]:#x}")

    # Timer: the EL1 timer's PPI is the non-secure physical (2nd) or virtual
    # (3rd) entry of `interrupts`; QEMU's DTB carries no clock-frequency, so
    # the frequency is QEMU's CNTFRQ.
    timers = fdt.find_compatible("arm,armv8-timer", "arm,armv7-timer")
    ctx.check(timers, "DTB has no arch timer")
    tirqs = timers[0].gic_irqs()
    freq = timers[0].u32("clock-frequency", qemu_cmd.QEMU_TIMER_HZ)
    m = find(lines, r"dt: timer irq (\d+) freq (\d+) Hz", "dt: timer")
    irq, hz = int(m.group(1)), int(m.group(2))
    ctx.check(irq in tirqs[1:3], f"printed timer irq {irq}, DTB's EL1 timer PPIs are "
                                 f"{tirqs[1:3]}")
    ctx.check(hz == freq, f"printed timer freq {hz} Hz, expected {freq} Hz")

    # virtio-mmio: how many transports and the window they span.
    vio = fdt.find_compatible("virtio,mmio")
    ctx.check(vio, "DTB has no virtio,mmio nodes")
    vlo = min(n.reg()[0][0] for n in vio)
    vhi = max(a + s for n in vio for a, s in n.reg()) - 1
    m = find(lines, rf"dt: virtio-mmio (\d+) slots at {HEX}-{HEX}", "dt: virtio-mmio")
    got = (int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16))
    ctx.check(got == (len(vio), vlo, vhi),
              f"printed virtio-mmio {got[0]} slots {got[1]:#x}-{got[2]:#x}, DTB has "
              f"{len(vio)} slots {vlo:#x}-{vhi:#x}")

    # Command line: what /chosen/bootargs says.
    bootargs = fdt.node("/chosen").string("bootargs", "")
    m = find(lines, r"^\[INFO\] cmdline: ?(.*)$", "cmdline")
    ctx.check(m.group(1).strip() == bootargs.strip(),
              f"printed cmdline {m.group(1)!r}, DTB bootargs {bootargs!r}")


def check_initrd(ctx, lines, fdt):
    """The `dt: initrd` line matches /chosen linux,initrd-start/-end (end exclusive)."""
    chosen = fdt.node("/chosen")
    if "linux,initrd-start" not in chosen:
        return
    start = fdt_number(chosen, "linux,initrd-start")
    end = fdt_number(chosen, "linux,initrd-end")
    m = find(lines, rf"dt: initrd {HEX}-{HEX} \((\d+) KiB\)", "dt: initrd")
    got = (int(m.group(1), 16), int(m.group(2), 16))
    ctx.check(got == (start, end - 1), f"printed initrd {got[0]:#x}-{got[1]:#x}, DTB has "
                                       f"{start:#x}-{end - 1:#x}")


def fdt_number(node, prop):
    vals = node.u32s(prop)
    return (vals[0] << 32 | vals[1]) if len(vals) == 2 else vals[0]


def ktest_dt(mem, net, add=()):
    def run(ctx):
        opts = dict(mem=mem, append="ktest=dt", add=list(add), **nets_for(ctx, net))
        opts["initrd"] = ctx.make_initrd(add) if add else ctx.base_initrd
        opts.pop("add")
        fdt = ctx.dumpdtb(**opts)
        q = ctx.qemu(**opts)
        q.expect_exit(0, timeout=30)
        check_dt_facts(ctx, q.lines, fdt, mem)
        check_initrd(ctx, q.lines, fdt)
    return run


# With a file added to the ramdisk, so there is always an initrd to report.
register("dt_facts_128m", ktest_dt("128M", "user", add=[__file__ + ":/etc/test_boot.py"]),
         timeout=40)
register("dt_facts_16m", ktest_dt("16M", "none"), timeout=40)


@test(timeout=40)
def ktest_sleep(ctx):
    """The in-kernel test sleeps 100 ms five times: never early, the best within
    one tick, none more than 150 ms late (a busy host); the times it reports
    are checked here too."""
    q = ctx.qemu(append="ktest=sleep")
    m = q.expect(r"ktest: sleep 100 ms took (\d+)-(\d+) us in 5 rounds \(tick (\d+) us\)$",
                 timeout=20)
    q.expect_exit(0, timeout=10)
    best, worst, tick = (int(g) for g in m.groups())
    ctx.check(100000 <= best < 100000 + tick and worst < 250000,
              f"sleep 100 ms took {best}-{worst} us, tick is {tick} us")


@test(timeout=40)
def ktest_panic_detected(ctx):
    """ktest=panic faults on purpose: the runner must see the KERNEL PANIC line
    and QEMU must exit non-zero (so a real panic can never pass a test). The
    dump names the fault and the faulting function, and the backtrace is
    symbolized down to kmain."""
    q = ctx.qemu(append="ktest=panic", allow_panic=True)
    q.expect(r"^KERNEL PANIC: data abort from EL1$", timeout=30)
    q.expect(r"^  translation fault, read access$", timeout=5)
    q.expect(r"^FAR ffff7ffffffff000$", timeout=5)
    q.expect(r"^ELR [0-9a-f]{16}  ktest_panic\+0x[0-9a-f]+$", timeout=5)
    q.expect(r"^Backtrace:$", timeout=5)
    q.expect(r"^  [0-9a-f]{16}  ktest_panic\+0x[0-9a-f]+$", timeout=5)
    q.expect(r"^  [0-9a-f]{16}  kmain\+0x[0-9a-f]+$", timeout=5)
    status = q.wait(timeout=30)
    ctx.check(status != 0, "QEMU exited 0 after a kernel panic")


def wx_fault(name, abort, what):
    """ktest=NAME does what W^X forbids: the kernel must die of a permission
    fault at the address the ktest names, never carry on."""
    def run(ctx):
        q = ctx.qemu(append=f"ktest={name}", allow_panic=True)
        addr = q.expect(rf"^\[INFO\] ktest: {what} at 0x([0-9a-f]+)$", timeout=20).group(1)
        q.expect(rf"^KERNEL PANIC: {abort} abort from EL1$", timeout=5)
        q.expect(r"^  permission fault, (read|write) access$", timeout=5)
        q.expect(rf"^FAR 0*{addr}$", timeout=5)
        ctx.check(q.wait(timeout=10) == 99, "no panic power-off")
        ctx.check("did not fault" not in q.output and "ran\n" not in q.output,
                  "the forbidden access went through")
    return run


register("wx_text_write", wx_fault("wx-text", "data", "writing kernel text"), timeout=30)
register("wx_rodata_write", wx_fault("wx-rodata", "data", "writing read-only data"),
         timeout=30)
register("wx_data_exec", wx_fault("wx-data-exec", "instruction", "running data"), timeout=30)


def quiet_boot(append, want_warn):
    """A boot with APPEND and an unknown option (a [WARN]): no [INFO] line at
    all; the warning only when WANT_WARN; the program's own output always."""
    def run(ctx):
        q = ctx.qemu(append=f"{append} no.such.option=1 init=/bin/sh -- -c \"echo said-it\"")
        q.expect(r"^said-it$", timeout=20)
        q.expect_exit(0, timeout=10)
        ctx.check("[INFO]" not in q.output, "an [INFO] line with " + append)
        warned = "[WARN] cmdline: unknown option 'no.such.option' ignored" in q.output
        ctx.check(warned == want_warn, f"{append}: warning shown {warned}, want {want_warn}")
    return run


register("loglevel_quiet", quiet_boot("quiet", True), timeout=30)
register("loglevel_1", quiet_boot("loglevel=1", True), timeout=30)
register("loglevel_0", quiet_boot("loglevel=0", False), timeout=30)


@test(timeout=30)
def loglevel_debug(ctx):
    """loglevel=3 adds [DEBUG] lines (the transport eth0 uses) to the [INFO] ones."""
    q = ctx.qemu(append="loglevel=3 ktest=dt", nets=["user"], hostfwds=[])
    q.expect(r"^\[DEBUG\] virtio-net: eth0: modern transport", timeout=20)
    q.expect_exit(0, timeout=10)
    ctx.check("[INFO] SIS: boot complete" in q.output, "no [INFO] lines at loglevel=3")


@test(timeout=40)
def cmdline_append(ctx):
    args = "sis.test=1 foo=bar -- hello world"
    q = ctx.qemu(append=args)
    m = q.expect(r"^\[INFO\] cmdline: ?(.*)$", timeout=20)
    ctx.check(m.group(1) == args, f"cmdline line shows {m.group(1)!r}, expected {args!r}")
    q.expect(BOOT_COMPLETE, timeout=20)


@test(timeout=40, needs_root=True)
def complete_tap_netns(ctx):
    """A tap NIC inside a namespace of the test's own, with a DHCP server on it:
    SIS takes a lease from the server's range before `boot complete` (not the
    static fallback) and answers ping at that address. Exercises the runner's
    namespace set-up and clean-up. (dnsmasq's 3 s ping-before-offer is off here;
    a stock dnsmasq with the default dhcp.timeout is the DHCP tests' business.)"""
    ns = ctx.netns()
    ns.add_tap("tap0", "192.168.100.1/24")
    ns.dnsmasq("tap0", extra=["--no-ping"])
    q = ctx.qemu(netns=ns, nets=["tap:tap0"])
    q.expect(r"^\[INFO\] dhcp: Lease acquired!$", timeout=20)
    m = q.expect(r"^\[INFO\] dhcp: IP address: (192\.168\.100\.(\d+))/24$", timeout=5)
    addr = m.group(1)
    ctx.check(50 <= int(m.group(2)) <= 99, f"leased {addr}, not from .50-.99")
    q.expect(BOOT_COMPLETE, timeout=20)
    ctx.check("static fallback" not in q.output, "the static fallback was applied")
    r = ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", addr], timeout=15)
    ctx.check(", 3 received, 0% packet loss" in r.stdout, f"ping {addr}: {r.stdout[-200:]}")
