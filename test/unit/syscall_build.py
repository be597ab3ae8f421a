#!/usr/bin/env python3
"""syscall_build: what src/include/sis/syscall.h promises, checked with the
host compiler (usage: syscall_build.py SRCROOT CC [CC args...]).

  1. SYSCALL_DEFINEn builds cleanly with -Wall -Wextra -Werror, and each
     argument takes its declared type from its register: an int the low 32
     bits (sign and all), an unsigned the low 32 bits, a size_t or pointer
     the whole register;
  2. a number registered twice, in two files, is a link error naming
     sis_syscall_nr_N;
  3. a number past SYSCALL_NR_LIMIT is a compile error.
"""
import os
import re
import subprocess
import sys
import tempfile

GOOD = r"""
#include <sis/syscall.h>

static int seen_fd;
static unsigned seen_flags;
static size_t seen_len;
static const void *seen_buf;

SYSCALL_DEFINE4(write, int, fd, const void *, buf, size_t, len, unsigned, flags)
{
	seen_fd = fd;
	seen_buf = buf;
	seen_len = len;
	seen_flags = flags;
	return 7;
}

SYSCALL_DEFINE0(getpid)
{
	return 42;
}

int main(void)
{
	struct trap_frame tf = { 0 };

	tf.x[0] = 0x1ffffffffUL;          /* int: -1 */
	tf.x[1] = 0xffff000012345678UL;   /* pointer: all of it */
	tf.x[2] = 0x100000003UL;          /* size_t: all of it */
	tf.x[3] = 0xabcd00000005UL;       /* unsigned: 5 */
	if (sc_entry_write(&tf) != 7 || seen_fd != -1 ||
	    seen_buf != (const void *)0xffff000012345678UL || seen_len != 0x100000003UL ||
	    seen_flags != 5)
		return 1;
	if (sc_entry_getpid(&tf) != 42)
		return 2;
	if (__syscall_sc_entry_write.nr != __NR_write ||
	    __syscall_sc_entry_getpid.nr != __NR_getpid)
		return 3;
	return 0;
}
"""

TWICE = r"""
#include <sis/syscall.h>
SYSCALL_DEFINE1(getpid, int, unused)
{
	return unused;
}
"""

TOO_LARGE = r"""
#include <sis/syscall.h>
#define __NR_too_large SYSCALL_NR_LIMIT
SYSCALL_DEFINE0(too_large)
{
	return 0;
}
"""


def main():
    root, cc = os.path.abspath(sys.argv[1]), sys.argv[2:]
    flags = ["-Wall", "-Wextra", "-Werror", "-DSIS_HOST_TEST=1",
             "-I" + os.path.join(root, "src/include"), "-I" + os.path.join(root, "include"),
             "-I" + os.path.join(root, "test/unit")]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        def write(name, text):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(text)
            return path

        def run(args):
            return subprocess.run(cc + flags + args, cwd=d, capture_output=True, text=True)

        good, twice, large = write("good.c", GOOD), write("twice.c", TWICE), \
            write("large.c", TOO_LARGE)
        exe = os.path.join(d, "good")
        r = run(["-o", exe, good])
        if r.returncode:
            print(f"FAIL: SYSCALL_DEFINEn does not build cleanly:\n{r.stderr}")
            failed += 1
        else:
            rc = subprocess.run([exe]).returncode
            if rc:
                print(f"FAIL: arguments do not take their declared types (check {rc})")
                failed += 1
        r = run(["-o", os.path.join(d, "twice"), good, twice])
        if r.returncode == 0 or not re.search(r"multiple definition of .sis_syscall_nr_\d+", r.stderr):
            print(f"FAIL: a number registered twice linked (rc {r.returncode}):\n{r.stderr}")
            failed += 1
        r = run(["-c", "-o", os.path.join(d, "large.o"), large])
        if r.returncode == 0 or "number too large" not in r.stderr:
            print(f"FAIL: a number past SYSCALL_NR_LIMIT compiled (rc {r.returncode}):\n{r.stderr}")
            failed += 1
    print(f"syscall_build: 3 checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
