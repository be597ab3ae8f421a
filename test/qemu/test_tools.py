"""Tests of the developer tools themselves: tools/mkcpio.py (checked against GNU
cpio) and tools/run (exit status, --timeout, --add), so the interfaces other
tests and people script against keep working."""
import os
import subprocess
import sys

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
