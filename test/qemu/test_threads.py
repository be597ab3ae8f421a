"""Threads and futexes for glibc programs (issue 17): glibc-static test
programs (user/tests/threads*.c, built with aarch64-linux-gnu-gcc -static)
booted as init, each printing `NAME: N checks, M failed`.

- futex: futex(2) between processes sharing MAP_SHARED memory: errors as
  Linux (EAGAIN, EINVAL, EFAULT, ETIMEDOUT, EINTR, ENOSYS), relative and
  absolute timeouts on CLOCK_MONOTONIC and CLOCK_REALTIME, wake, requeue,
  cmp-requeue and wake-op finding sleepers of another process, a robust
  process-shared mutex whose owner dies (EOWNERDEAD, asleep or not),
  clear_child_tid's zero and wake, get/set_robust_list, and getaddrinfo of
  localhost from /etc/hosts.
- pthread: glibc's pthreads: mutexes, condvars and barriers under
  contention, 300 + 64 + 32 threads created and joined, threads blocked in
  accept, recv, futex, a pipe read and nanosleep while the others run and
  one exits, kill to the group (taken by the one thread not blocking it),
  pthread_kill/tkill/tgkill to one thread, exit_group, SIGTERM and SIGKILL
  while threads block, execve from a thread (the new image has the pid as
  its tid), the leader exiting first, fork and wait from a thread,
  a group stop (SIGSTOP holds every thread until SIGCONT, wait4 reports
  both), vfork sharing the parent's memory, clone3 as fork and its errors,
  getaddrinfo from 8 threads; the suite runs again and MemFree must come
  back (no leak).
- signals: sigpending per thread, sigtimedwait (signal, timeout, EAGAIN),
  sigwaitinfo in a thread taking a process signal all threads block,
  sigsuspend (EINTR after the handler, mask restored), signalfd (read,
  poll, epoll, a blocking read in a thread woken by kill, mask update,
  errors).
- fpsimd / fpsimd_linux: user/tests/fpsimd_calls.c, FP/SIMD registers kept
  per task (SIS leaves them live in the kernel and switches them lazily):
  pinned values across system calls, sleeps, preemption of two threads and
  two processes spinning at once, a signal (frame contents, a handler that
  clobbers them, a frame the handler changed), fork and execve's reset; on
  SIS and, as the reference, on this host's Linux (x86_64: XMM and MXCSR).
"""
import re

from glibc import calls_on_linux, calls_on_sis
from sistest import TestFailure, test


def run_checks(ctx, prog, args="", min_checks=1, timeout=60, **opts):
    q = ctx.qemu(append=f"init=/bin/{prog}" + (f" -- {args}" if args else ""), **opts)
    m = q.expect(rf"^{prog}: (\d+) checks, (\d+) failed$", timeout=timeout)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) >= min_checks, f"only {m.group(1)} checks ran")
    if int(m.group(2)):
        raise TestFailure(f"{m.group(2)} checks failed:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)
    return q


@test(timeout=90)
def futex(ctx):
    q = run_checks(ctx, "threads_futex", min_checks=40)
    ctx.check(re.search(r"^getaddrinfo localhost: 127\.0\.0\.1$", q.output, re.M),
              "getaddrinfo result line missing")


@test(timeout=240)
def pthread(ctx):
    run_checks(ctx, "threads_pthread", min_checks=100, timeout=200)


@test(timeout=90)
def signals(ctx):
    run_checks(ctx, "threads_signals", min_checks=35)


FPSIMD = r"^fpsimd_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def fpsimd(ctx):
    calls_on_sis(ctx, "fpsimd_calls.c", FPSIMD, 20)


@test(timeout=60)
def fpsimd_linux(ctx):
    calls_on_linux(ctx, "fpsimd_calls.c", FPSIMD)
