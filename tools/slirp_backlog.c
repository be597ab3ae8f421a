/*
 * slirp_backlog.so: preloaded into QEMU by tools/qemu.py (LD_PRELOAD).
 *
 * libslirp 4.7's tcp_listen() listens on a hostfwd socket with a backlog of
 * 1, and QEMU's main loop accepts one connection per iteration. Under a
 * burst of connections (ab -c 32) the host's accept queue for the forwarded
 * port overflows: the host kernel drops SYNs (the client retries after 1 s)
 * and, worse, drops the handshake's last ACK, so a client that believes it
 * is connected sends its request into a connection nobody accepts until its
 * retransmissions find room, seconds later (bench/RESULTS.md, churn). This
 * raises every listen() backlog QEMU asks for to SOMAXCONN (the kernel clamps
 * it to net.core.somaxconn), which is what a server on the host would use.
 * Built natively by tools/meson.build; nothing else is changed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>

int listen(int fd, int backlog)
{
	static int (*real_listen)(int, int);

	if (!real_listen)
		real_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
	if (!real_listen)
		return -1;
	return real_listen(fd, backlog < SOMAXCONN ? SOMAXCONN : backlog);
}
