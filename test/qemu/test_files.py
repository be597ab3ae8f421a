"""File system, descriptors, pipes, console and shell tests.

- ktest_vfs: the VFS kernel API used by other subsystems (ktest=vfs), with
  the heap back to its starting size afterwards.
- io, pipe, errors: guest test programs (user/tests/files_*.c, in the ramdisk
  as /bin/files_*) run as init and print one result line: the ramdisk's
  contents and a writable /tmp; pipes between processes (200 KiB stream,
  EOF, SIGPIPE/EPIPE, O_NONBLOCK, poll/select, a pipeline through
  /bin/cat); EBADF/EFAULT/EINVAL and friends, with errno as picolibc
  programs see it.
- tty: /bin/files_tty, driven by typing on the serial line: canonical
  lines, erase, Ctrl-D, raw mode.
- shell_script: /bin/sh runs a script file (variables, $?, quotes, pipes,
  redirections into /tmp, background jobs and wait, cd, globs and quoted
  patterns, exit status).
- shell_interactive: the normal boot (init runs /etc/rc, then the shell on
  the console): commands, pipes, ls/cat/echo/ps, line editing with the
  arrow keys, backspace, ^A ^E ^U ^K ^W and Home/End, history, Ctrl-C
  interrupting a foreground program (not the shell), exit N powering off
  with status N.
- shell_builtins: jobs, $$, export/unset, `.`, 2>&1 and 2>/dev/null.
- cc: tools/cc builds a plain POSIX program on the host; tools/run --add
  puts it in the ramdisk and it runs as init.
"""
import os
import re

from sistest import TOP, TestFailure, test

PROMPT = r"sis:\S*# $"
KERNEL_LOG = re.compile(r"^\[(ERROR|WARN|INFO|DEBUG)\] ")
KERNEL_EXIT = re.compile(r"^\[INFO\] init: .* exited with status \d+$")
RESULT = r"^(files_\w+): (\d+) checks, (\d+) failed$"


def run_program(ctx, prog, timeout):
    """Boot with PROG as init; its result line must report no failure."""
    q = ctx.qemu(nets=["none"], append=f"init=/bin/{prog}")
    m = q.expect(RESULT, timeout=timeout)
    failed = int(m.group(3))
    ctx.check(int(m.group(2)) > 10, f"{prog}: only {m.group(2)} checks ran")
    if failed:
        fails = [ln for ln in q.lines if ln.startswith("FAIL")]
        raise TestFailure(f"{prog}: {failed} checks failed:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)


@test(timeout=60)
def ktest_vfs(ctx):
    """The kernel API (vfs_read_whole, vfs_write_whole, vfs_open_kernel...)."""
    ctx.qemu(nets=["none"], append="ktest=vfs").expect_exit(0, timeout=40)


@test(timeout=90)
def io(ctx):
    run_program(ctx, "files_io", 60)


@test(timeout=90)
def pipe(ctx):
    run_program(ctx, "files_pipe", 60)


@test(timeout=90)
def errors(ctx):
    run_program(ctx, "files_errors", 60)


@test(timeout=90)
def tty(ctx):
    q = ctx.qemu(nets=["none"], append="init=/bin/files_tty")
    q.expect(r"^tty: poll$", timeout=60)
    q.send("p\n")   # files_tty polls for up to 10 s: typing at once is fine
    q.expect(r"^tty: canon$")
    q.send("hello\n")
    q.expect(r"^hello$")                      # the echo
    q.expect(r"^tty: erase$")
    q.send("abX\x7fc\n")
    q.expect(r"^tty: eof$")
    q.send("\x04")
    q.expect(r"^tty: raw$")
    q.send("xyz")
    m = q.expect(RESULT)
    if int(m.group(3)):
        fails = [ln for ln in q.lines if ln.startswith("FAIL")]
        raise TestFailure("files_tty failed:\n" + "\n".join(fails))
    q.expect_exit(0, timeout=20)
    ctx.check("xyz" not in q.output.split("tty: raw", 1)[1].split("files_tty:")[0],
              "raw mode with ECHO off still echoed the input")


SCRIPT = r"""# a comment line
echo start
NAME=world
echo "hello $NAME" 'and $NAME' \$NAME
false; echo "status $?"
true && echo and-ok
false || echo or-ok
false && echo never
echo one two three | cat | cat > /tmp/out.txt
cat /tmp/out.txt
echo appended >> /tmp/out.txt
cat < /tmp/out.txt
mkdir /tmp/dir; cd /tmp/dir; pwd; cd ..; pwd
echo err 1>&2
nosuchcommand; echo "missing $?"
sleep 0.2 & echo background started
wait; echo "waited $?"
TMPVAR=local sh -c 'echo inner $TMPVAR'
echo "args $# $1 $2"
ls -1 /tmp
rm /tmp/out.txt; rmdir /tmp/dir
ls /tmp | cat
mkdir /tmp/g; echo a > /tmp/g/b.txt; echo a > /tmp/g/a.txt; echo a > /tmp/g/c.log
echo /tmp/g/*.txt
echo '/tmp/g/*.txt' "/tmp/g/*" /tmp/g/*.none
cd /tmp/g; echo ?.log *; cd /
rm /tmp/g/*; rmdir /tmp/g; echo "globbed away $?"
exit 42
echo not reached
"""

SCRIPT_OUT = [
    "start",
    "hello world and $NAME $NAME",
    "status 1",
    "and-ok",
    "or-ok",
    "one two three",
    "one two three",
    "appended",
    "/tmp/dir",
    "/tmp",
    "err",
    "sh: nosuchcommand: not found",
    "missing 127",
    "background started",
    "waited 0",
    "inner local",
    "args 2 a b",
    "dir",
    "out.txt",
    "script.sh",
    "script.sh",
    "/tmp/g/a.txt /tmp/g/b.txt",
    "/tmp/g/*.txt /tmp/g/* /tmp/g/*.none",
    "c.log a.txt b.txt c.log",
    "globbed away 0",
]


@test(timeout=90)
def shell_script(ctx):
    path = os.path.join(ctx.tmpdir(), "script.sh")
    with open(path, "w") as f:
        f.write(SCRIPT)
    q = ctx.qemu(nets=["none"], add=[f"{path}:/tmp/script.sh"],
                 append="init=/bin/sh -- /tmp/script.sh a b")
    q.expect(r"^start$", timeout=60)
    q.expect_exit(42, timeout=30)
    lines = q.output.split("\n")
    got = lines[next(i for i, ln in enumerate(lines) if ln == "start"):]
    # Everything from "start" to the kernel's report of init's exit, except
    # kernel log lines, must be exactly the script's output.
    end = next((i for i, ln in enumerate(got) if KERNEL_EXIT.match(ln)), len(got))
    got = [ln for ln in got[:end] if not KERNEL_LOG.match(ln)]
    if got != SCRIPT_OUT:
        raise TestFailure("script output differs:\n" + "\n".join(
            f"{'  ' if a == b else '! '}{b!r:40} got {a!r}"
            for a, b in zip(got + [""] * (len(SCRIPT_OUT) - len(got)),
                            SCRIPT_OUT + [""] * (len(got) - len(SCRIPT_OUT)))))


SCRIPT2 = r"""sleep 1 &
jobs
echo "pid $$"
sh -c 'echo "inner pid $$"'
export FOO=bar
sh -c 'echo "child sees [$FOO]"'
unset FOO
sh -c 'echo "child sees [$FOO]"'
echo "after unset [$FOO]"
echo 'echo sourced; SRC=set-by-dot' > /tmp/inc.sh
. /tmp/inc.sh
echo "SRC=$SRC"
ls /nonexistent 2>&1 | cat > /tmp/piped.txt; echo "piped status $?"
cat /tmp/piped.txt
ls /nonexistent > /tmp/both.txt 2>&1; echo "status $?"
cat /tmp/both.txt
ls /nonexistent 2>/dev/null; echo "quiet $?"
wait; echo "waited"
jobs
echo end
"""

SCRIPT2_OUT = [
    r"\[1\] Running\tsleep 1",
    r"pid 1",                      # the script runs as init
    r"inner pid ([2-9]|\d\d+)",
    r"child sees \[bar\]",
    r"child sees \[\]",           # unset
    r"after unset \[\]",
    r"sourced",
    r"SRC=set-by-dot",
    r"piped status 0",
    r"ls: /nonexistent: No such file or directory",
    r"status 1",
    r"ls: /nonexistent: No such file or directory",
    r"quiet 1",
    r"waited",
    r"end",
]


@test(timeout=60)
def shell_builtins(ctx):
    """The shell features the README lists beyond shell_script's: jobs, $$,
    export and unset (what a child sees), `.` (sourcing sets variables in
    this shell), 2>&1 into a pipe and a file, 2> /dev/null. The whole output
    must be exactly this (kernel log lines aside). (Every shell variable is
    an environment variable, as sh.c says: a plain VAR=value is exported too,
    so that is not checked.)"""
    path = os.path.join(ctx.tmpdir(), "builtins.sh")
    with open(path, "w") as f:
        f.write(SCRIPT2)
    q = ctx.qemu(nets=["none"], add=[f"{path}:/tmp/builtins.sh"],
                 append="init=/bin/sh -- /tmp/builtins.sh")
    q.expect_exit(0, timeout=30)
    lines = q.output.split("\n")
    start = next((i for i, ln in enumerate(lines) if "init: running /bin/sh" in ln), 0) + 1
    end = next((i for i, ln in enumerate(lines) if KERNEL_EXIT.match(ln)), len(lines))
    got = [ln for ln in lines[start:end] if not KERNEL_LOG.match(ln)]
    ok = len(got) == len(SCRIPT2_OUT) and all(re.fullmatch(w, g) for w, g in zip(SCRIPT2_OUT, got))
    if not ok:
        raise TestFailure("output differs:\n" + "\n".join(
            f"{'  ' if re.fullmatch(w, g) else '! '}{w!r:44} got {g!r}"
            for w, g in zip(SCRIPT2_OUT + [""] * max(0, len(got) - len(SCRIPT2_OUT)),
                            got + [""] * max(0, len(SCRIPT2_OUT) - len(got)))))


def sh(q, cmd, timeout=30):
    """Type CMD at the prompt; return the output lines between two markers."""
    q.send(f"echo @@begin; {cmd}; echo @@rc=$?\r")
    m = q.expect(r"^@@rc=(\d+)$", timeout=timeout)
    out = q.output
    start = out.rfind("\n@@begin\n")
    end = out.rfind("\n@@rc=")
    q.expect(PROMPT, timeout=timeout, prompt=True)
    return int(m.group(1)), out[start + len("\n@@begin\n"):end]


@test(timeout=120)
def shell_interactive(ctx):
    q = ctx.qemu(nets=["none"])
    q.expect(r"^rc: SIS user space up$", timeout=60)
    q.expect(PROMPT, timeout=30, prompt=True)

    rc, out = sh(q, "echo piped | cat | cat")
    ctx.check(rc == 0 and out.strip() == "piped", f"pipe: {rc} {out!r}")
    rc, out = sh(q, "ls /")
    for name in ("bin", "dev", "etc", "proc", "sbin", "tmp"):
        ctx.check(re.search(rf"\b{name}\b", out), f"ls / lacks {name}: {out!r}")
    rc, out = sh(q, "ls -l /bin/sh /etc/hosts")
    ctx.check(re.search(r"^-rwxr-xr-x .* /bin/sh$", out, re.M), f"ls -l: {out!r}")
    rc, out = sh(q, "echo saved > /tmp/f && cat /tmp/f && rm /tmp/f && cat /tmp/f")
    ctx.check(rc == 1 and "saved" in out and "No such file" in out, f"/tmp: {rc} {out!r}")
    rc, out = sh(q, "ps")
    ctx.check(re.search(r"^\s*1\s+0\s+\d+\s+\w\s+init$", out, re.M) and
              re.search(r"\bsh$", out, re.M) and re.search(r"\bps$", out, re.M),
              f"ps: {out!r}")
    rc, out = sh(q, "uname -a")
    ctx.check(rc == 0 and "aarch64" in out, f"uname -a: {out!r}")

    # Line editing: type "echo abd", erase d, type c, go left 3, insert X.
    q.send("echo abd\x7fc\x1b[D\x1b[D\x1b[DX\r")
    q.expect(r"^Xabc$")
    q.expect(PROMPT, prompt=True)
    # The other editing keys the README lists: ^A/^E and Home/End move to the
    # start/end, ^U kills to the start, ^K to the end, ^W the word before.
    for keys, want in (("cho one\x01e\x05 two\r", "one two"),
                       ("cho three\x1b[He\x1b[F four\r", "three four"),
                       ("junk\x15echo five\r", "five"),
                       ("echo six seven\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r", "six"),
                       ("echo eight nine\x17\r", "eight")):
        q.send(keys)
        q.expect(rf"^{want}$")
        q.expect(PROMPT, prompt=True)
    # History: up arrow recalls the last line.
    q.send("echo from-history\r")
    q.expect(r"^from-history$")
    q.expect(PROMPT, prompt=True)
    q.send("\x1b[A\r")
    q.expect(r"^from-history$")
    q.expect(PROMPT, prompt=True)

    # Ctrl-C interrupts the foreground program, not the shell. The program says
    # when it runs (the shell's child takes the terminal before it execs).
    q.send("sh -c 'echo sleeping; sleep 100'; echo after-sleep $?\r")
    q.expect(r"^sleeping$")
    q.send("\x03")
    q.expect(r"^after-sleep 130$", timeout=10)
    q.expect(PROMPT, prompt=True)
    rc, out = sh(q, "echo still-here")
    ctx.check("still-here" in out, "shell died with Ctrl-C")

    q.send("exit 7\r")
    q.expect_exit(7, timeout=20)


@test(timeout=180)
def cc(ctx):
    src = os.path.join(ctx.tmpdir(), "hello.c")
    exe = os.path.join(ctx.tmpdir(), "hello")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\n#include <fcntl.h>\n'
                'int main(int argc, char **argv) {\n'
                '  int fd = open("/etc/hosts", O_RDONLY);\n'
                '  char buf[64]; int n = read(fd, buf, sizeof buf);\n'  # no <unistd.h>
                '  printf("hello from %s, read %d\\n", argv[0], n);\n'
                '  close(fd);\n  return 5;\n}\n')
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    r = ctx.run_tool([os.path.join(TOP, "tools", "cc"), src, "-o", exe], timeout=120, env=env)
    if r.returncode != 0:
        raise TestFailure(f"tools/cc failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/hello"], append="init=/bin/hello")
    q.expect(r"^hello from /bin/hello, read \d\d+$", timeout=60)
    q.expect_exit(5, timeout=20)
