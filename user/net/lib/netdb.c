/*
 * <netdb.h> lookups on top of the stub resolver (resolver.h): getaddrinfo,
 * getnameinfo, gethostbyname/gethostbyaddr and their error strings. IPv4
 * only; behaviour and messages follow glibc's.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

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

/* One result: the addrinfo, its sockaddr_in and (first only) canonname in one block. */
static struct addrinfo *new_result(uint32_t addr, int port, int socktype, int protocol,
				   const char *canon)
{
	size_t clen = canon ? strlen(canon) + 1 : 0;
	struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in) + clen);
	struct sockaddr_in *sin;

	if (!ai)
		return NULL;
	sin = (struct sockaddr_in *)(ai + 1);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	sin->sin_addr.s_addr = addr;
	ai->ai_family = AF_INET;
	ai->ai_socktype = socktype;
	ai->ai_protocol = protocol;
	ai->ai_addrlen = sizeof(*sin);
	ai->ai_addr = (struct sockaddr *)sin;
	if (canon) {
		ai->ai_canonname = (char *)(sin + 1);
		memcpy(ai->ai_canonname, canon, clen);
	}
	return ai;
}

/* Addresses for node (numeric, or looked up): 0 or an EAI_* code. */
static int node_addrs(const char *node, int flags, struct dns_answer *ans)
{
	uint32_t a;

	memset(ans, 0, sizeof(*ans));
	if (!node) {
		ans->addrs[0] = htonl((flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
		ans->naddrs = 1;
		return 0;
	}
	if (dnsconf_parse_ipv4(node, strlen(node), &a)) {
		ans->addrs[0] = a;
		ans->naddrs = 1;
		snprintf(ans->canon, sizeof(ans->canon), "%s", node);
		return 0;
	}
	if (flags & AI_NUMERICHOST)
		return EAI_NONAME;
	return resolver_lookup_host(node, ans);
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
	if (h->ai_family != AF_UNSPEC && h->ai_family != AF_INET)
		return EAI_FAMILY;
	if (h->ai_socktype != 0 && h->ai_socktype != SOCK_STREAM &&
	    h->ai_socktype != SOCK_DGRAM && h->ai_socktype != SOCK_RAW)
		return EAI_SOCKTYPE;
	return 0;
}

/* Append the results for one address to *tail; counts them in *n. 0 or EAI_MEMORY. */
static int add_address(uint32_t addr, const char *service, const struct addrinfo *h,
		       const char *canon, struct addrinfo ***tail, int *n)
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
		struct addrinfo *ai = new_result(addr, port, socktype, protocol, *n ? NULL : canon);
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
	struct dns_answer ans;
	int err, n = 0;

	*res = NULL;
	err = check_hints(node, service, hints, &h);
	if (err)
		return err;
	if (service && numeric_port(service) < 0 && (h.ai_flags & AI_NUMERICSERV))
		return EAI_NONAME;
	if (service && h.ai_socktype == SOCK_RAW)
		return EAI_SERVICE;
	err = node_addrs(node, h.ai_flags, &ans);
	if (err)
		return err;
	const char *canon = (h.ai_flags & AI_CANONNAME) ? ans.canon : NULL;
	for (int i = 0; i < ans.naddrs && !err; i++)
		err = add_address(ans.addrs[i], service, &h, canon, &tail, &n);
	if (err) {
		free_list(list);
		return err;
	}
	if (n == 0)
		return service ? EAI_SERVICE : EAI_SOCKTYPE;
	*res = list;
	return 0;
}

/* Host part of getnameinfo: 0 or an EAI_* code. */
static int name_of(uint32_t addr, char *host, size_t hostlen, int flags)
{
	char name[NI_MAXHOST];
	int err = EAI_NONAME;

	if (!(flags & NI_NUMERICHOST))
		err = resolver_lookup_addr(addr, name, sizeof(name));
	if (err == 0) {
		if (flags & NI_NOFQDN) {
			char *dot = strchr(name, '.');
			if (dot)
				*dot = 0;
		}
	} else if (flags & NI_NAMEREQD) {
		return err == EAI_AGAIN ? EAI_AGAIN : EAI_NONAME;
	} else {
		inet_ntop(AF_INET, &addr, name, sizeof(name));
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
	int err;

	if (!sa || salen < sizeof(*sin) || sa->sa_family != AF_INET)
		return EAI_FAMILY;
	if (host && hostlen) {
		err = name_of(sin->sin_addr.s_addr, host, hostlen, flags);
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
	struct dns_answer ans;
	int err;

	if (!name) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	err = node_addrs(name, AI_CANONNAME, &ans);
	if (err) {
		h_errno = eai_to_h_errno(err);
		return NULL;
	}
	return fill_hostent(ans.canon[0] ? ans.canon : name, ans.addrs, ans.naddrs);
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
