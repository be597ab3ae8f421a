/*
 * nslookup NAME [SERVER]
 *
 * Ask DNS directly (not /etc/hosts) for NAME's IPv4 and IPv6 addresses (an
 * A, then an AAAA query), or for the name of an address (a PTR query for
 * a.b.c.d or an IPv6 address, in ip6.arpa), and print the answer in the
 * format of BIND's nslookup (SERVER may be IPv4 or IPv6):
 *
 *	Server:		10.0.2.3
 *	Address:	10.0.2.3#53
 *
 *	Non-authoritative answer:
 *	Name:	example.sis.test
 *	Address: 192.168.77.1
 *	Name:	example.sis.test
 *	Address: fd00:77::1
 *
 * A name that does not exist ends with "** server can't find NAME: NXDOMAIN"
 * and status 1; no answer at all with ";; connection timed out; no servers
 * could be reached" and status 1.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "resolver.h"
#include "util.h"

static void print_server(const struct resolv_ns *server)
{
	char a[INET6_ADDRSTRLEN + 20];

	if (server->family == AF_INET6)
		inet_ntop(AF_INET6, server->v6, a, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET, &server->v4, a, INET6_ADDRSTRLEN);
	if (server->zone[0])
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "%%%s", server->zone);
	printf("Server:\t\t%s\n", a);
	printf("Address:\t%s#%d\n\n", a, DNS_PORT);
}

/* Report a failed query the way BIND's nslookup does; returns the exit status. */
static int report_failure(int err, const char *name, const struct resolver_reply *r)
{
	switch (err) {
	case RESOLVER_E_NOSERVER:
		fprintf(stderr, ";; no name servers in %s\n", RESOLV_CONF_PATH);
		break;
	case RESOLVER_E_TIMEOUT:
		printf(";; connection timed out; no servers could be reached\n");
		break;
	case RESOLVER_E_BADNAME:
		fprintf(stderr, "nslookup: '%s' is not a legal name\n", name);
		break;
	case RESOLVER_E_FAIL:
		if (r->server.family) {
			print_server(&r->server);
			printf("** server can't find %s: %s\n", name, dns_rcode_name(r->ans.rcode));
		} else {
			printf(";; the servers sent malformed answers for %s\n", name);
		}
		break;
	default:
		perror("nslookup");
		break;
	}
	return 1;
}

static int print_answer(const char *name, bool reverse, const struct resolver_reply *r)
{
	const struct dns_answer *a = &r->ans;
	char six[INET6_ADDRSTRLEN];

	print_server(&r->server);
	if (a->rcode == DNS_R_NXDOMAIN ||
	    (reverse ? a->ptr[0] == 0 : a->naddrs + a->naddrs6 == 0 && a->ncnames == 0)) {
		printf("** server can't find %s: %s\n", name,
		       a->rcode == DNS_R_NXDOMAIN ? "NXDOMAIN" : "NODATA");
		return 1;
	}
	if (!a->authoritative)
		printf("Non-authoritative answer:\n");
	if (reverse) {
		printf("%s\tname = %s.\n", name, a->ptr);
		return 0;
	}
	if (a->ncnames)
		printf("%s\tcanonical name = %s.\n", name, a->canon);
	for (int i = 0; i < a->naddrs; i++)
		printf("Name:\t%s\nAddress: %s\n", a->canon, util_ntoa(a->addrs[i]));
	for (int i = 0; i < a->naddrs6; i++)
		printf("Name:\t%s\nAddress: %s\n", a->canon,
		       inet_ntop(AF_INET6, a->addrs6[i], six, sizeof(six)));
	return 0;
}

/* The AAAA records of the name the A query settled on, into r (same server list). */
static void add_aaaa(const char *name, const struct resolv_conf *rc, struct resolver_reply *r)
{
	struct resolver_reply r6;

	if (resolver_query(name, DNS_T_AAAA, rc, &r6) != 0 || r6.ans.rcode != DNS_R_NOERROR)
		return;
	memcpy(r->ans.addrs6, r6.ans.addrs6, sizeof(r6.ans.addrs6));
	r->ans.naddrs6 = r6.ans.naddrs6;
	if (r->ans.naddrs == 0 && r->ans.ncnames == 0 && r6.ans.ncnames) {
		strcpy(r->ans.canon, r6.ans.canon);
		r->ans.ncnames = r6.ans.ncnames;
	}
}

/* An A then an AAAA query for name; a name without dots is tried in the
 * search domain first. */
static int query_name(const char *name, const struct resolv_conf *rc, struct resolver_reply *r)
{
	char fqdn[DNS_NAME_MAX + 1];
	int err;

	if (!strchr(name, '.') && rc->search[0] &&
	    (size_t)snprintf(fqdn, sizeof(fqdn), "%s.%s", name, rc->search) < sizeof(fqdn)) {
		err = resolver_query(fqdn, DNS_T_A, rc, r);
		if (err == 0 && r->ans.rcode == DNS_R_NOERROR) {
			add_aaaa(fqdn, rc, r);
			if (r->ans.naddrs + r->ans.naddrs6)
				return 0;
		}
	}
	err = resolver_query(name, DNS_T_A, rc, r);
	if (err == 0 && r->ans.rcode == DNS_R_NOERROR)
		add_aaaa(name, rc, r);
	return err;
}

int main(int argc, char **argv)
{
	struct resolv_conf rc;
	struct resolver_reply r;
	char qname[DNS_PTR6_NAME_LEN];
	uint8_t addr6[16];
	uint32_t addr;
	bool reverse, reverse6;
	int err;

	util_init(argv[0]);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: nslookup NAME [SERVER]\n");
		return 2;
	}
	resolver_conf(&rc);
	if (argc == 3) {
		char line[128];
		struct resolv_conf one;

		snprintf(line, sizeof(line), "nameserver %s\n", argv[2]);
		resolv_conf_parse(line, strlen(line), &one);
		if (one.nns != 1) {
			fprintf(stderr, "nslookup: server must be an IPv4 or IPv6 address: %s\n",
				argv[2]);
			return 2;
		}
		rc.ns[0] = one.ns[0];
		rc.nns = 1;
	}
	reverse = dnsconf_parse_ipv4(argv[1], strlen(argv[1]), &addr);
	reverse6 = !reverse && dnsconf_parse_ipv6(argv[1], strlen(argv[1]), addr6);
	if (reverse || reverse6) {
		if (reverse)
			dns_ptr_name(addr, qname, sizeof(qname));
		else
			dns_ptr_name6(addr6, qname, sizeof(qname));
		err = resolver_query(qname, DNS_T_PTR, &rc, &r);
	} else {
		err = query_name(argv[1], &rc, &r);
	}
	if (err)
		return report_failure(err, argv[1], &r);
	reverse = reverse || reverse6;
	return print_answer(reverse ? qname : argv[1], reverse, &r);
}
