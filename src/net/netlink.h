/*
 * Netlink inside src/net: the socket family (netlink.c) and NETLINK_ROUTE's
 * messages (netlink_route.c). Everything runs under net_lock (the family
 * uses the default lock) or in lwIP's context, which excludes it.
 */
#ifndef SIS_NET_NETLINK_H
#define SIS_NET_NETLINK_H

#include <sis/socket.h>
#include <uapi/sis/rtnetlink.h>

struct nl_sock;

/* One datagram's worth: netlink_dump replies are cut into datagrams of at
 * most this size (Linux's NLMSG_GOODSIZE for 4 KiB pages), which readers
 * with a page-sized buffer (glibc's getifaddrs) take whole. */
#define NL_DGRAM_MAX 3776

/* One message being built (a reply or a notification), in place. */
#define NL_MSG_MAX 512
struct nl_msg {
	u8 buf[NL_MSG_MAX];
	size_t len;
	bool overflow; /* an attribute did not fit: the message is not sent */
};

/* Start a message of type/flags with a fixed header of hdr_len bytes
 * (zeroed; returned for the caller to fill). */
void *nl_msg_start(struct nl_msg *m, u16 type, u16 flags, u32 seq, u32 pid, size_t hdr_len);
void nl_attr(struct nl_msg *m, u16 type, const void *data, size_t len);
void nl_attr_u32(struct nl_msg *m, u16 type, u32 v);
void nl_attr_u8(struct nl_msg *m, u16 type, u8 v);
void nl_attr_str(struct nl_msg *m, u16 type, const char *s);
/* Close the message (nlmsg_len); false if it overflowed. */
bool nl_msg_end(struct nl_msg *m);

/* A reply to one request: messages packed into datagrams for ns. */
struct nl_reply {
	struct nl_sock *ns;
	u8 *dgram;   /* the datagram being filled (NL_DGRAM_MAX bytes), or NULL */
	size_t used;
	int err;     /* -ENOMEM once a datagram could not be made */
};
void nl_reply_add(struct nl_reply *r, const struct nl_msg *m);

/* The requester's port id (for nlmsg_pid of replies). */
u32 netlink_portid(const struct nl_sock *ns);
/* Send m to every NETLINK_ROUTE socket in group (RTNLGRP_*). */
void netlink_broadcast(unsigned group, const struct nl_msg *m);
/* Are there members of group (skip building notifications nobody reads)? */
bool netlink_has_listeners(unsigned group);

/* netlink_route.c: handle one request (NLM_F_REQUEST, type >= NLMSG_MIN_TYPE);
 * replies go to r. 0, NL_NO_ACK (a dump: its NLMSG_DONE ends it), or -errno. */
#define NL_NO_ACK 1
int rtnl_request(struct nl_reply *r, const struct nlmsghdr *h);
/* A listener joined: make sure later changes are diffed against now. */
void rtnl_listener_added(void);

#endif
