/*
 * Interface address configuration from the kernel command line (pure: no
 * lwIP, also built for the host unit tests).
 *
 *   ip=dhcp                              DHCP (the default)
 *   ip=off                               leave the interface unconfigured
 *   ip=ADDR/PREFIX[:GATEWAY[:DNS]]       static; GATEWAY may be empty
 *                                        (ip=10.0.2.15/24::10.0.2.3)
 *   ip.ethN=...                          the same for interface ethN
 *   dhcp.timeout=MS                      lease wait at boot (default 3000)
 *   ip6=auto                             link-local + SLAAC from router
 *                                        advertisements (the default)
 *   ip6=off                              no IPv6 on the interface at all
 *   ip6=ADDR/PLEN[,GATEWAY]              static address (and default router;
 *                                        no SLAAC), beside the link-local one
 *   ip6.ethN=...                         the same for interface ethN
 *
 * IPv4 addresses here are host byte order; IPv6 ones are 16 bytes in
 * network order.
 */
#ifndef SIS_NET_IPCONFIG_H
#define SIS_NET_IPCONFIG_H

#include <sis/types.h>

enum ipconfig_mode { IPCONFIG_DHCP = 0, IPCONFIG_STATIC, IPCONFIG_OFF };

struct ipconfig {
	enum ipconfig_mode mode;
	u32 addr;    /* static only */
	u8 prefix;   /* 1..32 */
	u32 gateway; /* 0: none */
	u32 dns;     /* 0: none */
};

#define DHCP_TIMEOUT_DEFAULT_MS 3000
#define DHCP_TIMEOUT_MAX_MS 600000

/* Parse an ip= value. 0 or -EINVAL (then *cfg is unchanged). */
int ipconfig_parse(const char *value, struct ipconfig *cfg);
/* Parse "ethN" (the part after "ip."): N, or -EINVAL. */
int ipconfig_parse_ifname(const char *name);
/* Parse a dhcp.timeout value in ms (1..DHCP_TIMEOUT_MAX_MS): 0 or -EINVAL. */
int ipconfig_parse_timeout(const char *value, u32 *ms);
/* Dotted quad "a.b.c.d" (exactly) -> host order. 0 or -EINVAL. */
int ipconfig_parse_addr(const char *s, size_t len, u32 *addr);
/* Netmask of a prefix length (0..32), host order. */
u32 ipconfig_netmask(unsigned prefix);
/* Host-order address to "a.b.c.d" (buf >= 16 bytes); returns buf. */
char *ipconfig_format_addr(u32 addr, char *buf);


enum ipconfig6_mode { IPCONFIG6_AUTO = 0, IPCONFIG6_STATIC, IPCONFIG6_OFF };

struct ipconfig6 {
	enum ipconfig6_mode mode;
	u8 addr[16];      /* static only */
	u8 prefix;        /* 1..128 */
	bool has_gateway;
	u8 gateway[16];
};

/* Longest text form of an IPv6 address, with its NUL (INET6_ADDRSTRLEN). */
#define IPCONFIG_ADDR6_STRLEN 46

/* Parse an ip6= value. 0 or -EINVAL (then *cfg is unchanged). */
int ipconfig_parse6(const char *value, struct ipconfig6 *cfg);
/* RFC 4291 text ("fec0::1", "::ffff:1.2.3.4") filling s[0..len) -> 16 bytes.
 * 0 or -EINVAL. */
int ipconfig_parse_addr6(const char *s, size_t len, u8 out[16]);
/* 16 bytes to RFC 5952 text (buf >= IPCONFIG_ADDR6_STRLEN); returns buf. */
char *ipconfig_format_addr6(const u8 addr[16], char *buf);

#endif
