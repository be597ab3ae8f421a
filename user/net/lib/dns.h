/*
 * DNS messages (RFC 1035 section 4): building a query and reading the answer
 * to it. Pure code with no I/O and no allocation, so the host unit test
 * (test/unit/test_dns.c) runs it under ASan/UBSan on hostile packets.
 *
 * Every read is bounds-checked against the message length; a compressed name
 * may only point backwards (RFC 1035 4.1.4 pointers refer to "a prior
 * occurrence"), which rules out loops, and a name longer than 255 bytes is
 * rejected.
 */
#ifndef SIS_NET_DNS_H
#define SIS_NET_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define DNS_PORT 53
#define DNS_UDP_MAX 512          /* RFC 1035 2.3.4: UDP messages without EDNS */
#define DNS_NAME_MAX 255         /* wire length of a name; text form is shorter */
#define DNS_LABEL_MAX 63
#define DNS_HEADER_SIZE 12
#define DNS_MAX_ADDRS 16         /* A (and AAAA) records kept from one answer */
#define DNS_MAX_CNAMES 8         /* CNAME links followed before giving up */

/* Record types and the Internet class. */
#define DNS_T_A 1
#define DNS_T_NS 2
#define DNS_T_CNAME 5
#define DNS_T_SOA 6
#define DNS_T_PTR 12
#define DNS_T_AAAA 28
#define DNS_C_IN 1

/* Response codes (header RCODE). */
#define DNS_R_NOERROR 0
#define DNS_R_FORMERR 1
#define DNS_R_SERVFAIL 2
#define DNS_R_NXDOMAIN 3
#define DNS_R_NOTIMP 4
#define DNS_R_REFUSED 5

/* Errors of the functions below (negative). */
#define DNS_E_MALFORMED (-1) /* not a well-formed DNS message */
#define DNS_E_MISMATCH (-2)  /* well formed, but not the answer to our query */
#define DNS_E_NOSPACE (-3)   /* output buffer too small */
#define DNS_E_BADNAME (-4)   /* name cannot be encoded (empty label, too long) */

/* What an answer says about the name asked for. */
struct dns_answer {
	int rcode;                         /* DNS_R_* from the header */
	bool truncated;                    /* TC bit: the server cut the answer */
	bool authoritative;                /* AA bit */
	char canon[DNS_NAME_MAX + 1];      /* end of the CNAME chain (or the query name) */
	int ncnames;                       /* CNAME links followed */
	uint32_t addrs[DNS_MAX_ADDRS];     /* A records of canon, network byte order */
	int naddrs;
	uint8_t addrs6[DNS_MAX_ADDRS][16]; /* AAAA records of canon */
	int naddrs6;
	char ptr[DNS_NAME_MAX + 1];        /* first PTR target ("" if none) */
	uint32_t ttl;                      /* smallest TTL of the records used, seconds */
};

/*
 * Build a standard query (RD set) for name/qtype/IN into buf. name is text
 * ("www.example.com", a trailing dot allowed). Returns the message length,
 * DNS_E_BADNAME or DNS_E_NOSPACE.
 */
int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t qtype);

/*
 * Read the reply msg[0, len) to the query (id, name, qtype). Checks that it is
 * a response with our id and our question; then follows the CNAME chain from
 * name through the answer section and collects the A, AAAA or PTR records of its
 * end. Returns 0 with *ans filled (look at ans->rcode), DNS_E_MISMATCH for a
 * stray or spoofed packet (keep waiting), or DNS_E_MALFORMED.
 */
int dns_parse_reply(const uint8_t *msg, size_t len, uint16_t id, const char *name,
		    uint16_t qtype, struct dns_answer *ans);

/*
 * Decode the possibly compressed name at *off into text form (labels joined
 * by '.', no trailing dot, "." for the root) in out[0, size). On success *off
 * moves past the name as it is stored at *off. Returns the text length,
 * DNS_E_MALFORMED or DNS_E_NOSPACE.
 */
int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *out, size_t size);

/* Case-insensitive name equality, ignoring one trailing dot on either side. */
bool dns_name_equal(const char *a, const char *b);

/*
 * The reverse-lookup name of an IPv4 address (network byte order):
 * 1.2.0.10 for 10.0.2.1 -> "1.2.0.10.in-addr.arpa". out needs 30 bytes.
 */
void dns_ptr_name(uint32_t addr_be, char *out, size_t size);

/* The ip6.arpa name of an IPv6 address (RFC 3596 2.5), nibbles reversed:
 * "1.0.0. ... .0.f.ip6.arpa". out needs DNS_PTR6_NAME_LEN bytes. */
#define DNS_PTR6_NAME_LEN 73
void dns_ptr_name6(const uint8_t addr[16], char *out, size_t size);

/* A short text for an rcode ("NXDOMAIN", "SERVFAIL"...). */
const char *dns_rcode_name(int rcode);

#endif
