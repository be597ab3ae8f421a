"""Issue 17's last Linux calls, each program glibc-static booted as init on
SIS and the same source run natively on Linux as the reference (NAME and
NAME_linux, glibc.sis_and_linux):

- calls: user/tests/abi_calls.c, /proc/sys/kernel/tainted and
  /proc/sys/fs/pipe-*, F_SETOWN & co with SIGIO on O_ASYNC pipes and
  sockets, pipe2(O_DIRECT) packets.
- perm: file permissions for a process that setuid()s to 65534
  (user/tests/perm_calls.c): open, search on path walks, AF_UNIX paths,
  names in directories and the sticky bit, access/faccessat2 with real and
  effective ids, execve.
- rt: PI futexes (glibc's PTHREAD_PRIO_INHERIT and robust mutexes, the raw
  calls, requeue-PI) and queued real-time signals with sigqueue values,
  rt_(tg)sigqueueinfo and RLIMIT_SIGPENDING (user/tests/rt_calls.c).
- fdtable: descriptor tables across fork and threads
  (user/tests/fdtable_calls.c): an inherited listener accepts in the child,
  a closed number is the next pipe2's (accept4 on it: ENOTSOCK, what issue
  11's fuzzer report was), high numbers and close-on-exec bits survive
  fork, and a read, write, accept4 or epoll_wait blocked on a descriptor
  that another thread closes, dup2s over, reuses or grows the table past
  finishes on its old file.
- more: capget/capset and what set*uid and execve do to the sets (ambient
  capabilities and securebits too), chown by a file's owner and the set-id
  bits it clears, /proc/PID/task/TID, O_TMPFILE, device nodes by mknod,
  futex_waitv, IPV6_ADDRFORM and IPV6_RTHDR, F_NOTIFY (user/tests/abi_more.c).
- prctl: PR_SET/GET_PDEATHSIG (the signal at the parent's end),
  CHILD_SUBREAPER (orphaned grandchildren adopted), TIMERSLACK with
  /proc/self/timerslack_ns, NO_NEW_PRIVS across execve, THP_DISABLE, TIMING
  (user/tests/abi_prctl.c).
- splice: splice, tee and vmsplice (user/tests/splice_calls.c): pipe <->
  file (offsets, /proc, a sysctl), pipe -> pipe, tee, vmsplice both ways,
  pipe <-> AF_UNIX and TCP sockets, SPLICE_F_NONBLOCK/O_NONBLOCK, waits a
  signal ends or SA_RESTART restarts, EPIPE/SIGPIPE and Linux's errnos.
- mtu: IP_MTU_DISCOVER, IPV6_MTU_DISCOVER, IP_MTU and IPV6_MTU
  (user/tests/mtu_calls.c): defaults, ranges, ENOTCONN, the loopback
  route's MTU over UDP and TCP in both families, IPV6_MTU's 1280 floor.
- shm: System V shared memory (user/tests/abi_shm.c): shmget by key and
  IPC_PRIVATE, shmat anywhere/fixed/SHM_RND/SHM_REMAP/SHM_RDONLY, fork
  sharing, shm_nattch, shmdt, IPC_SET, IPC_RMID while attached, EACCES and
  EPERM for nobody.
- waiters_1000: 1000 forked processes wait on one shared futex and
  FUTEX_CMP_REQUEUE moves 900 of them (LTP's futex_cmp_requeue01): the
  process limit follows memory (Linux's max_threads), past the 512 of a
  128 MiB machine.
"""
from glibc import sis_and_linux

sis_and_linux(__name__, "calls", "abi_calls.c", 60)
sis_and_linux(__name__, "perm", "perm_calls.c", 60, defines=())
sis_and_linux(__name__, "rt", "rt_calls.c", 40)
sis_and_linux(__name__, "fdtable", "fdtable_calls.c", 60)
sis_and_linux(__name__, "more", "abi_more.c", 80)
sis_and_linux(__name__, "prctl", "abi_prctl.c", 20)
sis_and_linux(__name__, "splice", "splice_calls.c", 200)
sis_and_linux(__name__, "mtu", "mtu_calls.c", 60)
sis_and_linux(__name__, "shm", "abi_shm.c", 30)
sis_and_linux(__name__, "waiters_1000", "abi_more.c", 2, test_timeout=240, timeout=200,
              args=("--waiters", "1000"), mem="512M")
