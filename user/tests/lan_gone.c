/*
 * Sockets bound to an address that goes away (issue 16: a DHCP lease
 * replaces the static fallback). Binds to ADDR (a UDP socket, a UDP socket
 * connected to PEER port 9, a TCP socket), waits until eth0 no longer has
 * ADDR, then prints what each call gives, one "NAME RESULT" line each
 * (RESULT: ok or the errno's name), then "lan_gone: done". test_lan runs
 * the same calls on the host's Linux in a namespace and compares.
 *
 *   lan_gone ADDR PEER NEWPEER [SECONDS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static const char *result(int r)
{
	static char other[16];

	if (r >= 0)
		return "ok";
	switch (errno) {
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EINVAL: return "EINVAL";
	case EINPROGRESS: return "EINPROGRESS";
	default:
		snprintf(other, sizeof(other), "errno%d", errno);
		return other;
	}
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "lan_gone: bad address %s\n", addr);
		exit(2);
	}
	return sin;
}

static int bound(int type, const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		printf("lan_gone: FAIL bind %s:%d: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

/* eth0's address, as a string in buf. */
static void eth0_addr(char *buf, size_t len)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "eth0");
	buf[0] = '\0';
	if (fd >= 0 && ioctl(fd, SIOCGIFADDR, &ifr) == 0)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, buf, len);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in peer, newpeer, any;
	int udp, conn, tcp, wait_s;
	char now[32];

	if (argc < 4) {
		fprintf(stderr, "usage: lan_gone ADDR PEER NEWPEER [SECONDS]\n");
		return 2;
	}
	wait_s = argc > 4 ? atoi(argv[4]) : 120;
	peer = sin_of(argv[2], 9);
	newpeer = sin_of(argv[3], 9);
	udp = bound(SOCK_DGRAM, argv[1], 5000);
	conn = bound(SOCK_DGRAM, argv[1], 5001);
	if (connect(conn, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
		printf("lan_gone: FAIL connect to %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	tcp = bound(SOCK_STREAM, argv[1], 0);
	fcntl(tcp, F_SETFL, O_NONBLOCK);
	printf("lan_gone: bound to %s\n", argv[1]);
	fflush(stdout);
	for (int i = 0; i < wait_s * 10; i++) {
		eth0_addr(now, sizeof(now));
		if (strcmp(now, argv[1]) != 0)
			break;
		usleep(100000);
	}
	if (strcmp(now, argv[1]) == 0) {
		printf("lan_gone: FAIL eth0 still has %s after %d s\n", argv[1], wait_s);
		return 1;
	}
	printf("udp_sendto %s\n", result((int)sendto(udp, "x", 1, 0, (struct sockaddr *)&newpeer,
							 sizeof(newpeer))));
	printf("udp_send_connected %s\n", result((int)send(conn, "x", 1, 0)));
	printf("udp_connect %s\n", result(connect(udp, (struct sockaddr *)&newpeer,
						  sizeof(newpeer))));
	printf("tcp_connect %s\n", result(connect(tcp, (struct sockaddr *)&newpeer,
						  sizeof(newpeer))));
	any = sin_of(argv[1], 0);
	printf("bind %s\n", result(bind(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&any,
					sizeof(any))));
	printf("lan_gone: done\n");
	return 0;
}
