/*
 * nslookup NAME [SERVER]
 *
 * Ask DNS directly (not /etc/hosts) for NAME's IPv4 addresses, or for the
 * name of an address (a PTR query for a.b.c.d), and print the answer in the
 * format of BIND's nslookup:
 *
 *	Server:		10.0.2.3
 *	Address:	10.0.2.3#53
 *
 *	Non-authoritative answer:
 *	Name:	example.sis.test
 *	Address: 192.168.77.1
 *
 * A name that does not exist ends with "** server can't find NAME: NXDOMAIN"
 * and status 1; no answer at all with ";; connection timed out; no servers
 * could be reached" and status 1.
 */
#include <stdio.h>
#include <string.h>

#include "resolver.h"
#include "util.h"

static void print_server(uint32_t server)
{
	printf("Server:\t\t%s\n", util_ntoa(server));
	printf("Address:\t%s#%d\n\n", util_ntoa(server), DNS_PORT);
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
		if (r->server) {
			print_server(r->server);
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

	print_server(r->server);
	if (a->rcode == DNS_R_NXDOMAIN ||
	    (reverse ? a->ptr[0] == 0 : a->naddrs == 0 && a->ncnames == 0)) {
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
	return 0;
}

/* An A query for name; a name without dots is tried in the search domain first. */
static int query_name(const char *name, const struct resolv_conf *rc, struct resolver_reply *r)
{
	char fqdn[DNS_NAME_MAX + 1];

	if (!strchr(name, '.') && rc->search[0] &&
	    (size_t)snprintf(fqdn, sizeof(fqdn), "%s.%s", name, rc->search) < sizeof(fqdn)) {
		int err = resolver_query(fqdn, DNS_T_A, rc, r);
		if (err == 0 && r->ans.rcode == DNS_R_NOERROR && r->ans.naddrs)
			return 0;
	}
	return resolver_query(name, DNS_T_A, rc, r);
}

int main(int argc, char **argv)
{
	struct resolv_conf rc;
	struct resolver_reply r;
	char qname[32];
	uint32_t addr;
	bool reverse;
	int err;

	util_init(argv[0]);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: nslookup NAME [SERVER]\n");
		return 2;
	}
	resolver_conf(&rc);
	if (argc == 3) {
		if (!dnsconf_parse_ipv4(argv[2], strlen(argv[2]), &rc.ns[0])) {
			fprintf(stderr, "nslookup: server must be an IPv4 address: %s\n", argv[2]);
			return 2;
		}
		rc.nns = 1;
	}
	reverse = dnsconf_parse_ipv4(argv[1], strlen(argv[1]), &addr);
	if (reverse) {
		dns_ptr_name(addr, qname, sizeof(qname));
		err = resolver_query(qname, DNS_T_PTR, &rc, &r);
	} else {
		err = query_name(argv[1], &rc, &r);
	}
	if (err)
		return report_failure(err, argv[1], &r);
	return print_answer(reverse ? qname : argv[1], reverse, &r);
}
