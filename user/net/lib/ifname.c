/*
 * if_nametoindex, if_indextoname, if_nameindex (<net/if.h>) through the
 * interface ioctls SIOCGIFINDEX and SIOCGIFNAME on a throwaway UDP socket,
 * as glibc does.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* The largest index probed by if_nameindex(): lo, then eth0..eth7 (NETDEV_MAX). */
#define IFINDEX_PROBE_MAX 16

static int ctl_socket(void) { return socket(AF_INET, SOCK_DGRAM, 0); }

unsigned int if_nametoindex(const char *ifname)
{
	struct ifreq ifr;
	int fd = ctl_socket(), r;

	if (fd < 0 || strlen(ifname) >= IFNAMSIZ) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	r = ioctl(fd, SIOCGIFINDEX, &ifr);
	close(fd);
	return r < 0 ? 0 : (unsigned int)ifr.ifr_ifindex;
}

char *if_indextoname(unsigned int ifindex, char *ifname)
{
	struct ifreq ifr;
	int fd = ctl_socket(), r, err;

	if (fd < 0)
		return NULL;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = (int)ifindex;
	r = ioctl(fd, SIOCGIFNAME, &ifr);
	err = errno;
	close(fd);
	if (r < 0) {
		errno = err == ENODEV ? ENXIO : err;
		return NULL;
	}
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = 0;
	return ifname;
}

struct if_nameindex *if_nameindex(void)
{
	struct if_nameindex *list = calloc(IFINDEX_PROBE_MAX + 1, sizeof(*list));
	char *names = calloc(IFINDEX_PROBE_MAX, IFNAMSIZ);
	int n = 0;

	if (!list || !names) {
		free(list);
		free(names);
		errno = ENOBUFS;
		return NULL;
	}
	for (unsigned i = 1; i <= IFINDEX_PROBE_MAX; i++) {
		char *name = names + n * IFNAMSIZ;
		if (if_indextoname(i, name)) {
			list[n].if_index = i;
			list[n].if_name = name;
			n++;
		}
	}
	if (n == 0)
		free(names);
	return list;   /* names is freed with the list: it is list[0].if_name */
}

void if_freenameindex(struct if_nameindex *ptr)
{
	if (!ptr)
		return;
	free(ptr[0].if_name);
	free(ptr);
}
