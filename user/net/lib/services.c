/*
 * getservbyname/getservbyport and getprotobyname/getprotobynumber from
 * built-in tables: SIS ships no /etc/services or /etc/protocols, and the
 * handful of well-known names below is what its programs use.
 */
#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

struct service {
	const char *name;
	unsigned short port;
	unsigned char tcp, udp;
};

static const struct service services[] = {
	{ "echo", 7, 1, 1 },     { "discard", 9, 1, 1 }, { "daytime", 13, 1, 1 },
	{ "ftp", 21, 1, 0 },     { "ssh", 22, 1, 0 },    { "telnet", 23, 1, 0 },
	{ "smtp", 25, 1, 0 },    { "time", 37, 1, 1 },   { "domain", 53, 1, 1 },
	{ "bootps", 67, 0, 1 },  { "bootpc", 68, 0, 1 }, { "tftp", 69, 0, 1 },
	{ "http", 80, 1, 0 },    { "pop3", 110, 1, 0 },  { "ntp", 123, 0, 1 },
	{ "imap", 143, 1, 0 },   { "snmp", 161, 0, 1 },  { "https", 443, 1, 0 },
	{ "syslog", 514, 0, 1 }, { "http-alt", 8080, 1, 0 },
};

static const struct service *find_service(const char *name, int port, const char *proto)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		const struct service *s = &services[i];
		if (name ? strcmp(s->name, name) != 0 : s->port != port)
			continue;
		if (!proto || (s->tcp && !strcmp(proto, "tcp")) ||
		    (s->udp && !strcmp(proto, "udp")))
			return s;
	}
	return NULL;
}

static struct servent *fill_servent(const struct service *s, const char *proto)
{
	static struct servent se;
	static char *no_aliases[] = { NULL };
	static char tcp[] = "tcp", udp[] = "udp";

	if (!s)
		return NULL;
	se.s_name = (char *)s->name;
	se.s_aliases = no_aliases;
	se.s_port = htons(s->port);
	se.s_proto = (proto && !strcmp(proto, "udp")) || !s->tcp ? udp : tcp;
	return &se;
}

struct servent *getservbyname(const char *name, const char *proto)
{
	return fill_servent(find_service(name, 0, proto), proto);
}

struct servent *getservbyport(int port, const char *proto)
{
	return fill_servent(find_service(NULL, ntohs((unsigned short)port), proto), proto);
}

struct protocol {
	const char *name;
	int number;
};

static const struct protocol protocols[] = {
	{ "ip", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "raw", 255 },
};

static struct protoent *fill_protoent(const struct protocol *p)
{
	static struct protoent pe;
	static char *no_aliases[] = { NULL };

	if (!p)
		return NULL;
	pe.p_name = (char *)p->name;
	pe.p_aliases = no_aliases;
	pe.p_proto = p->number;
	return &pe;
}

struct protoent *getprotobyname(const char *name)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (!strcasecmp(protocols[i].name, name))
			return fill_protoent(&protocols[i]);
	return NULL;
}

struct protoent *getprotobynumber(int proto)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].number == proto)
			return fill_protoent(&protocols[i]);
	return NULL;
}
