/*
 * <netdb.h> lookups on top of the stub resolver (resolver.h): getaddrinfo,
 * getnameinfo, gethostbyname/gethostbyname2/gethostbyaddr and their error
 * strings; behaviour and messages follow glibc's. gethostbyname and
 * gethostbyaddr are IPv4 only (gethostbyname2 does AF_INET6 too);
 * getaddrinfo and getnameinfo do both families.
 *
 * Order of getaddrinfo's results: RFC 6724's destination address
 * selection (addrsort.c), with each destination's source address found
 * as glibc does, by connecting a UDP socket to it (no packet is sent), and
 * the sources' flags and prefixes from /proc/net/if_inet6. A destination
 * no source reaches comes last (so a host with only link-local IPv6 tries
 * IPv4 first, a dual-stack host IPv6 first, its own ULA site before IPv4).
 * AI_ADDRCONFIG is accepted and ignored.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <sys/socket.h>
#include <unistd.h>

#include "addrsort.h"
#include "resolver.h"

int h_errno;

#define AI_KNOWN_FLAGS (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | \
			AI_ADDRCONFIG | AI_NUMERICSERV)

const char *gai_strerror(int err)
{
	switch (err) {
	case 0: return "Success";
	case EAI_BADFLAGS: return "Bad value for ai_flags";
	case EAI_NONAME: return "Name or service not known";
	case EAI_AGAIN: return "Temporary failure in name resolution";
	case EAI_FAIL: return "Non-recoverable failure in name resolution";
	case EAI_NODATA: return "No address associated with hostname";
	case EAI_FAMILY: return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE: return "Servname not supported for ai_socktype";
	case EAI_ADDRFAMILY: return "Address family for hostname not supported";
	case EAI_MEMORY: return "Memory allocation failure";
	case EAI_SYSTEM: return "System error";
	case EAI_OVERFLOW: return "Argument buffer overflow";
	default: return "Unknown error";
	}
}

/* The (socktype, protocol) pairs getaddrinfo returns when hints leave them open. */
static const struct {
	int socktype, protocol;
	const char *proto_name;
} sock_kinds[] = {
	{ SOCK_STREAM, IPPROTO_TCP, "tcp" },
	{ SOCK_DGRAM, IPPROTO_UDP, "udp" },
	{ SOCK_RAW, 0, NULL },
};

/* A numeric port ("80"), or -1 if service is not all digits / out of range. */
static int numeric_port(const char *service)
{
	char *end;
	long v;

	if (!service[0])
		return -1;
	v = strtol(service, &end, 10);
	if (*end || v < 0 || v > 65535 || service[0] == '-' || service[0] == '+')
		return -1;
	return (int)v;
}

/* Port (host order) of service for one socket kind; -1 if it has none. */
static int service_port(const char *service, int flags, int socktype, const char *proto_name)
{
	int port;
	struct servent *se;

	if (!service)
		return 0;
	if (socktype == SOCK_RAW)
		return -1;
	port = numeric_port(service);
	if (port >= 0 || (flags & AI_NUMERICSERV))
		return port;
	se = getservbyname(service, proto_name);
	return se ? ntohs((unsigned short)se->s_port) : -1;
}

static void free_list(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;
		free(ai);
		ai = next;
	}
}

void freeaddrinfo(struct addrinfo *res) { free_list(res); }

/* One result: the addrinfo, its sockaddr and (first only) canonname in one block. */
static struct addrinfo *new_result(int family, const void *addr, uint32_t scope, int port,
				   int socktype, int protocol, const char *canon)
{
	size_t clen = canon ? strlen(canon) + 1 : 0;
	size_t salen = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in6) + clen);
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	if (!ai)
		return NULL;
	sin = (struct sockaddr_in *)(ai + 1);
	sin6 = (struct sockaddr_in6 *)(ai + 1);
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		memcpy(&sin6->sin6_addr, addr, 16);
		sin6->sin6_scope_id = scope;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		memcpy(&sin->sin_addr, addr, 4);
	}
	ai->ai_family = family;
	ai->ai_socktype = socktype;
	ai->ai_protocol = protocol;
	ai->ai_addrlen = (socklen_t)salen;
	ai->ai_addr = (struct sockaddr *)sin;
	if (canon) {
		ai->ai_canonname = (char *)(sin6 + 1);
		memcpy(ai->ai_canonname, canon, clen);
	}
	return ai;
}

/* What node names, for the result list. */
struct node {
	struct dns_answer ans;
	uint32_t scope;      /* of a numeric "fe80::1%eth0" */
};

/* "ADDR%ZONE": ADDR into a, the zone (a name or a number) into *scope. 1 ok, 0 not. */
static int numeric_ipv6(const char *node, uint8_t a[16], uint32_t *scope)
{
	const char *pct = strchr(node, '%');
	char *end;

	*scope = 0;
	if (!dnsconf_parse_ipv6(node, pct ? (size_t)(pct - node) : strlen(node), a))
		return 0;
	if (!pct)
		return 1;
	if (!pct[1])
		return 0;
	*scope = if_nametoindex(pct + 1);
	if (!*scope) {
		unsigned long v = strtoul(pct + 1, &end, 10);
		if (*end || v == 0 || v > UINT32_MAX)
			return 0;
		*scope = (uint32_t)v;
	}
	return 1;
}

/* IPv4 answers as v4-mapped IPv6 ones (AI_V4MAPPED), after any IPv6 ones. */
static void map_v4(struct dns_answer *ans)
{
	for (int i = 0; i < ans->naddrs && ans->naddrs6 < DNS_MAX_ADDRS; i++) {
		uint8_t *m = ans->addrs6[ans->naddrs6++];
		memset(m, 0, 10);
		m[10] = m[11] = 0xff;
		memcpy(m + 12, &ans->addrs[i], 4);
	}
	ans->naddrs = 0;
}

/* Addresses for node (numeric, or looked up) of family: 0 or an EAI_* code. */
static int node_addrs(const char *node, int family, int flags, struct node *nd)
{
	struct dns_answer *ans = &nd->ans;
	uint32_t a;
	int err;

	memset(nd, 0, sizeof(*nd));
	if (!node) {
		if (family == AF_INET6) {
			if (!(flags & AI_PASSIVE))
				ans->addrs6[0][15] = 1;   /* ::1, else :: */
			ans->naddrs6 = 1;
		} else {
			ans->addrs[0] = htonl((flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
			ans->naddrs = 1;
		}
		return 0;
	}
	if (dnsconf_parse_ipv4(node, strlen(node), &a)) {
		if (family == AF_INET6 && !(flags & AI_V4MAPPED))
			return EAI_ADDRFAMILY;
		ans->addrs[0] = a;
		ans->naddrs = 1;
		snprintf(ans->canon, sizeof(ans->canon), "%s", node);
		if (family == AF_INET6)
			map_v4(ans);
		return 0;
	}
	if (strchr(node, ':') && numeric_ipv6(node, ans->addrs6[0], &nd->scope)) {
		if (family == AF_INET)
			return EAI_ADDRFAMILY;
		ans->naddrs6 = 1;
		snprintf(ans->canon, sizeof(ans->canon), "%s", node);
		return 0;
	}
	if (flags & AI_NUMERICHOST)
		return EAI_NONAME;
	if (family != AF_INET6 || !(flags & AI_V4MAPPED))
		return resolver_lookup_host(node, family, ans);
	err = resolver_lookup_host(node, AF_UNSPEC, ans);
	if (err)
		return err;
	if (ans->naddrs6 && !(flags & AI_ALL))
		ans->naddrs = 0;
	map_v4(ans);
	return 0;
}

/* This host's IPv6 addresses that passed DAD (/proc/net/if_inet6: "ADDR
 * IFINDEX PLEN SCOPE FLAGS NAME"; flags 0x40 tentative, 0x08 DAD failed,
 * 0x20 deprecated): up to max. */
struct addr6_info {
	uint8_t addr[16];
	unsigned plen;
	bool deprecated;
};

static int host_addrs6(struct addr6_info *out, int max)
{
	char text[4096], *line, *next;
	long len = resolver_read_file("/proc/net/if_inet6", text, sizeof(text));
	int n = 0;

	for (line = len > 0 ? text : NULL; line && *line && n < max; line = next) {
		unsigned idx, plen, scope, flags, byte;
		char hex[33];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(line, "%32s %x %x %x %x", hex, &idx, &plen, &scope, &flags) != 5 ||
		    strlen(hex) != 32 || (flags & 0x48))
			continue;
		for (int k = 0; k < 16; k++) {
			if (sscanf(hex + 2 * k, "%2x", &byte) != 1)
				break;
			out[n].addr[k] = (uint8_t)byte;
		}
		out[n].plen = plen;
		out[n].deprecated = flags & 0x20;
		n++;
	}
	return n;
}

/* The source this host would use for d (rule 1: none, unusable). */
static void find_source(struct addrsort_dest *d, const struct addr6_info *mine, int nmine)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);
	int fd = socket(d->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	d->usable = false;
	if (fd < 0)
		return;
	if (d->family == AF_INET6) {
		memcpy(&s6.sin6_addr, d->addr, 16);
		s6.sin6_scope_id = d->scope_id;
		ok = !connect(fd, (struct sockaddr *)&s6, sizeof(s6));
	} else {
		memcpy(&s4.sin_addr, d->addr + 12, 4);
		ok = !connect(fd, (struct sockaddr *)&s4, sizeof(s4));
	}
	ok = ok && !getsockname(fd, (struct sockaddr *)&got, &len);
	close(fd);
	if (!ok)
		return;
	memset(d->src, 0, 16);
	if (d->family == AF_INET6) {
		memcpy(d->src, &((struct sockaddr_in6 *)&got)->sin6_addr, 16);
	} else {
		d->src[10] = d->src[11] = 0xff;
		memcpy(d->src + 12, &((struct sockaddr_in *)&got)->sin_addr, 4);
	}
	d->usable = memcmp(d->src, (const uint8_t[16]){ 0 }, 16) != 0 &&
		    !(d->family == AF_INET && !memcmp(d->src + 12, (const uint8_t[4]){ 0 }, 4));
	d->src_plen = d->family == AF_INET6 ? 64 : 32;
	for (int i = 0; i < nmine; i++)
		if (!memcmp(mine[i].addr, d->src, 16)) {
			d->src_plen = mine[i].plen;
			d->src_deprecated = mine[i].deprecated;
		}
}

/* The node's addresses in RFC 6724 order, into d (IPv6 and IPv4 in the
 * answer's order first). Returns the count. */
static int order_addresses(const struct node *nd, struct addrsort_dest *d)
{
	struct addr6_info mine[16];
	uint8_t ula48[16][16];
	int n = 0, nmine = 0, nula = 0;

	for (int i = 0; i < nd->ans.naddrs6; i++, n++) {
		d[n] = (struct addrsort_dest){ .family = AF_INET6, .scope_id = nd->scope, .index = n };
		memcpy(d[n].addr, nd->ans.addrs6[i], 16);
	}
	for (int i = 0; i < nd->ans.naddrs; i++, n++) {
		d[n] = (struct addrsort_dest){ .family = AF_INET, .index = n };
		d[n].addr[10] = d[n].addr[11] = 0xff;
		memcpy(d[n].addr + 12, &nd->ans.addrs[i], 4);
	}
	if (n < 2)
		return n;
	nmine = host_addrs6(mine, 16);
	for (int i = 0; i < nmine; i++)
		if ((mine[i].addr[0] & 0xfe) == 0xfc) {
			memset(ula48[nula], 0, 16);
			memcpy(ula48[nula++], mine[i].addr, 6);
		}
	for (int i = 0; i < n; i++)
		find_source(&d[i], mine, nmine);
	addrsort(d, n, (const uint8_t(*)[16])ula48, nula);
	return n;
}

/* Check hints; fill *h with them or the defaults. 0 or an EAI_* code. */
static int check_hints(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo *h)
{
	memset(h, 0, sizeof(*h));
	if (hints)
		*h = *hints;
	if (!node && !service)
		return EAI_NONAME;
	if (h->ai_flags & ~AI_KNOWN_FLAGS)
		return EAI_BADFLAGS;
	if ((h->ai_flags & AI_CANONNAME) && !node)
		return EAI_BADFLAGS;
	if (h->ai_family != AF_UNSPEC && h->ai_family != AF_INET && h->ai_family != AF_INET6)
		return EAI_FAMILY;
	if (h->ai_socktype != 0 && h->ai_socktype != SOCK_STREAM &&
	    h->ai_socktype != SOCK_DGRAM && h->ai_socktype != SOCK_RAW)
		return EAI_SOCKTYPE;
	return 0;
}

/* Append the results for one address to *tail; counts them in *n. 0 or EAI_MEMORY. */
static int add_address(int family, const void *addr, uint32_t scope, const char *service,
		       const struct addrinfo *h, const char *canon, struct addrinfo ***tail, int *n)
{
	for (size_t k = 0; k < sizeof(sock_kinds) / sizeof(sock_kinds[0]); k++) {
		int socktype = sock_kinds[k].socktype, protocol = sock_kinds[k].protocol;
		if (h->ai_socktype && h->ai_socktype != socktype)
			continue;
		if (h->ai_protocol) {
			/* An explicit pair is trusted (SOCK_DGRAM + IPPROTO_ICMP: ping
			 * sockets); with the type open, only kinds of that protocol. */
			if (h->ai_socktype != socktype && protocol && protocol != h->ai_protocol)
				continue;
			protocol = h->ai_protocol;
		}
		if (service && socktype == SOCK_RAW)
			continue;   /* raw sockets have no ports */
		int port = service_port(service, h->ai_flags, socktype, sock_kinds[k].proto_name);
		if (port < 0)
			continue;
		struct addrinfo *ai = new_result(family, addr, scope, port, socktype, protocol,
						 *n ? NULL : canon);
		if (!ai)
			return EAI_MEMORY;
		ai->ai_flags = h->ai_flags;
		**tail = ai;
		*tail = &ai->ai_next;
		(*n)++;
	}
	return 0;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	struct addrinfo h, *list = NULL, **tail = &list;
	struct node nd;
	int err, n = 0;
	struct addrsort_dest d[2 * DNS_MAX_ADDRS];
	int nd_count;

	*res = NULL;
	err = check_hints(node, service, hints, &h);
	if (err)
		return err;
	if (service && numeric_port(service) < 0 && (h.ai_flags & AI_NUMERICSERV))
		return EAI_NONAME;
	if (service && h.ai_socktype == SOCK_RAW)
		return EAI_SERVICE;
	err = node_addrs(node, h.ai_family, h.ai_flags, &nd);
	if (err)
		return err;
	const char *canon = (h.ai_flags & AI_CANONNAME) ? nd.ans.canon : NULL;
	nd_count = order_addresses(&nd, d);
	for (int i = 0; i < nd_count && !err; i++)
		err = add_address(d[i].family, d[i].family == AF_INET6 ? d[i].addr : d[i].addr + 12,
				  d[i].scope_id, service, &h, canon, &tail, &n);
	if (err) {
		free_list(list);
		return err;
	}
	if (n == 0)
		return service ? EAI_SERVICE : EAI_SOCKTYPE;
	*res = list;
	return 0;
}

/* Host part of getnameinfo for an IPv4 (addr 4 bytes) or IPv6 address: 0 or an EAI_* code. */
static int name_of(int family, const void *addr, uint32_t scope, char *host, size_t hostlen,
		   int flags)
{
	char name[NI_MAXHOST];
	int err = EAI_NONAME;
	uint32_t a4;

	memcpy(&a4, addr, 4);
	if (!(flags & NI_NUMERICHOST))
		err = family == AF_INET6 ? resolver_lookup_addr6(addr, name, sizeof(name)) :
					   resolver_lookup_addr(a4, name, sizeof(name));
	if (err == 0) {
		if (flags & NI_NOFQDN) {
			char *dot = strchr(name, '.');
			if (dot)
				*dot = 0;
		}
	} else if (flags & NI_NAMEREQD) {
		return err == EAI_AGAIN ? EAI_AGAIN : EAI_NONAME;
	} else {
		inet_ntop(family, addr, name, sizeof(name));
		if (family == AF_INET6 && scope) {
			char zone[IF_NAMESIZE + 12];
			size_t len = strlen(name);
			if (!if_indextoname(scope, zone))
				snprintf(zone, sizeof(zone), "%u", (unsigned)scope);
			snprintf(name + len, sizeof(name) - len, "%%%s", zone);
		}
	}
	if (strlen(name) >= hostlen)
		return EAI_OVERFLOW;
	strcpy(host, name);
	return 0;
}

int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		char *serv, socklen_t servlen, int flags)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	int err;

	if (!sa || (sa->sa_family == AF_INET && salen < sizeof(*sin)) ||
	    (sa->sa_family == AF_INET6 && salen < sizeof(*sin6)) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return EAI_FAMILY;
	if (host && hostlen) {
		if (sa->sa_family == AF_INET6)
			err = name_of(AF_INET6, &sin6->sin6_addr, sin6->sin6_scope_id, host, hostlen,
				      flags);
		else
			err = name_of(AF_INET, &sin->sin_addr, 0, host, hostlen, flags);
		if (err)
			return err;
	}
	if (serv && servlen) {
		struct servent *se = NULL;
		char buf[NI_MAXSERV];
		if (!(flags & NI_NUMERICSERV))
			se = getservbyport(sin->sin_port, (flags & NI_DGRAM) ? "udp" : "tcp");
		if (se)
			snprintf(buf, sizeof(buf), "%s", se->s_name);
		else
			snprintf(buf, sizeof(buf), "%u", ntohs(sin->sin_port));
		if (strlen(buf) >= servlen)
			return EAI_OVERFLOW;
		strcpy(serv, buf);
	}
	if ((!host || !hostlen) && (!serv || !servlen))
		return EAI_NONAME;
	return 0;
}

/* ---- gethostbyname & co.: one static result ---- */

static struct {
	struct hostent he;
	char name[DNS_NAME_MAX + 1];
	uint32_t addrs[DNS_MAX_ADDRS];
	uint8_t addrs6[DNS_MAX_ADDRS][16];
	char *addr_ptrs[DNS_MAX_ADDRS + 1];
	char *aliases[1];
} host_result;

static struct hostent *fill_hostent(const char *name, const uint32_t *addrs, int n)
{
	snprintf(host_result.name, sizeof(host_result.name), "%s", name);
	for (int i = 0; i < n; i++) {
		host_result.addrs[i] = addrs[i];
		host_result.addr_ptrs[i] = (char *)&host_result.addrs[i];
	}
	host_result.addr_ptrs[n] = NULL;
	host_result.aliases[0] = NULL;
	host_result.he.h_name = host_result.name;
	host_result.he.h_aliases = host_result.aliases;
	host_result.he.h_addrtype = AF_INET;
	host_result.he.h_length = 4;
	host_result.he.h_addr_list = host_result.addr_ptrs;
	h_errno = NETDB_SUCCESS;
	return &host_result.he;
}

static int eai_to_h_errno(int err)
{
	switch (err) {
	case EAI_NONAME: return HOST_NOT_FOUND;
	case EAI_NODATA: return NO_DATA;
	case EAI_AGAIN: return TRY_AGAIN;
	default: return NO_RECOVERY;
	}
}

struct hostent *gethostbyname(const char *name)
{
	struct node nd;
	int err;

	if (!name) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	err = node_addrs(name, AF_INET, AI_CANONNAME, &nd);
	if (err) {
		h_errno = eai_to_h_errno(err);
		return NULL;
	}
	return fill_hostent(nd.ans.canon[0] ? nd.ans.canon : name, nd.ans.addrs, nd.ans.naddrs);
}

/* gethostbyname2(name, AF_INET6): the AAAA addresses, 16 bytes each. */
static struct hostent *fill_hostent6(const char *name, const uint8_t (*addrs)[16], int n)
{
	fill_hostent(name, NULL, 0);
	for (int i = 0; i < n; i++) {
		memcpy(host_result.addrs6[i], addrs[i], 16);
		host_result.addr_ptrs[i] = (char *)host_result.addrs6[i];
	}
	host_result.addr_ptrs[n] = NULL;
	host_result.he.h_addrtype = AF_INET6;
	host_result.he.h_length = 16;
	return &host_result.he;
}

struct hostent *gethostbyname2(const char *name, int af)
{
	struct node nd;
	int err;

	if (af == AF_INET)
		return gethostbyname(name);
	if (af != AF_INET6) {
		h_errno = NO_RECOVERY;
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (!name) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	err = node_addrs(name, AF_INET6, AI_CANONNAME, &nd);
	if (err) {
		h_errno = eai_to_h_errno(err);
		return NULL;
	}
	return fill_hostent6(nd.ans.canon[0] ? nd.ans.canon : name,
			     (const uint8_t(*)[16])nd.ans.addrs6, nd.ans.naddrs6);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t a;
	int err;

	if (type != AF_INET || len != 4) {
		h_errno = NO_RECOVERY;
		errno = EAFNOSUPPORT;
		return NULL;
	}
	memcpy(&a, addr, 4);
	err = resolver_lookup_addr(a, name, sizeof(name));
	if (err) {
		h_errno = eai_to_h_errno(err);
		return NULL;
	}
	return fill_hostent(name, &a, 1);
}

const char *hstrerror(int err)
{
	switch (err) {
	case NETDB_SUCCESS: return "Resolver Error 0 (no error)";
	case HOST_NOT_FOUND: return "Unknown host";
	case TRY_AGAIN: return "Host name lookup failure";
	case NO_RECOVERY: return "Unknown server error";
	case NO_DATA: return "No address associated with name";
	default: return "Unknown resolver error";
	}
}

void herror(const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, hstrerror(h_errno));
	else
		fprintf(stderr, "%s\n", hstrerror(h_errno));
}
