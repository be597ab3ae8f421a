"""Building glibc test programs (user/tests/*.c): statically for SIS with
Debian's aarch64-linux-gnu-gcc (tools/bootstrap installs libc6-dev-arm64-cross),
natively to run the same source on this Linux host as the reference."""
import os
import shutil

from sistest import TOP, TestSkip, register

CROSS_GCC = "aarch64-linux-gnu-gcc"


def glibc_static(ctx, src, out, *defines):
    """Build user/tests/SRC as a static glibc aarch64 program at OUT."""
    if not shutil.which(CROSS_GCC):
        ctx.fail(f"{CROSS_GCC} missing (tools/bootstrap installs it)")
    r = ctx.run_tool([CROSS_GCC, "-static", "-O1", "-Wall", "-Werror", *defines, "-o", out,
                      os.path.join(TOP, "user/tests", src)])
    ctx.check(r.returncode == 0, f"{CROSS_GCC} {src}: {r.stderr.strip()}")
    return out


def native(ctx, src, out):
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        raise TestSkip("needs a native C compiler")
    r = ctx.run_tool([gcc, "-O1", "-Wall", "-o", out, os.path.join(TOP, "user/tests", src)])
    ctx.check(r.returncode == 0, f"native build of {src}: {r.stderr.strip()}")
    return out


def run_on_linux(ctx, exe, timeout=60):
    """Run EXE (a path, or an argv list) on this host: in a private network
    namespace (loopback only) when root."""
    argv = list(exe) if isinstance(exe, (list, tuple)) else [exe]
    if os.geteuid() == 0 and shutil.which("unshare"):
        argv = ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {' '.join(argv)}"]
    env = dict(os.environ, TMPDIR=ctx.tmpdir())
    return ctx.run_tool(argv, timeout=timeout, env=env)


def calls_on_sis(ctx, src, result, min_checks, timeout=90, defines=("-DON_SIS",), args=(),
                 **qemu_opts):
    """Build SRC (a user/tests checks program) glibc-static with DEFINES,
    run it as init on a NIC-less SIS (with ARGS, and QEMU_OPTS such as mem)
    and require RESULT, a regex whose groups are (checks, failed), to show
    more than MIN_CHECKS checks and 0 failed; a failure quotes the
    program's FAIL lines."""
    name = os.path.splitext(src)[0]
    exe = glibc_static(ctx, src, os.path.join(ctx.tmpdir(), name), *defines)
    append = f"init=/bin/{name}" + (" -- " + " ".join(args) if args else "")
    qm = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/{name}"], append=append, **qemu_opts)
    m = qm.expect(result, timeout=timeout)
    fails = [ln for ln in qm.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) > min_checks and m.group(2) == "0",
              f"on SIS: {m.group(0)}\n" + "\n".join(fails[:30]))
    qm.expect_exit(0)


def calls_on_linux(ctx, src, result, args=()):
    """The same program built natively and run on this host's Linux, the
    reference: RESULT must show 0 failed."""
    import re
    name = os.path.splitext(src)[0]
    r = run_on_linux(ctx, [native(ctx, src, os.path.join(ctx.tmpdir(), name)), *args])
    m = re.search(result, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-2500:]}")


def sis_and_linux(module, name, src, min_checks, test_timeout=120, args=(), **sis_opts):
    """Register two tests of MODULE (the caller's __name__): NAME runs SRC,
    a user/tests checks program, as init on SIS (calls_on_sis with
    MIN_CHECKS, ARGS and SIS_OPTS: defines, the run's timeout, QEMU options
    such as mem), NAME_linux the same source with ARGS on this host's Linux
    (calls_on_linux). The program's last line is "PROG: N checks, M
    failed", PROG being SRC without .c. TEST_TIMEOUT: the SIS test's."""
    result = rf"^{os.path.splitext(src)[0]}: (\d+) checks, (\d+) failed$"

    def on_sis(ctx):
        calls_on_sis(ctx, src, result, min_checks, args=args, **sis_opts)

    def on_linux(ctx):
        calls_on_linux(ctx, src, result, args=args)

    on_sis.__module__ = on_linux.__module__ = module
    register(name, on_sis, timeout=test_timeout)
    register(f"{name}_linux", on_linux, timeout=120)
