/*
 * RFC 6724 destination address ordering (addrsort.c), pure: also built
 * into the host unit test test/unit/test_dns.c.
 */
#ifndef USER_NET_ADDRSORT_H
#define USER_NET_ADDRSORT_H

#include <stdbool.h>
#include <stdint.h>

/* One destination and what this host would send to it from. */
struct addrsort_dest {
	uint8_t addr[16];    /* IPv6, or v4-mapped IPv4 */
	bool usable;         /* a source address exists (rule 1) */
	uint8_t src[16];     /* that source, v4-mapped for IPv4 */
	bool src_deprecated; /* rule 3 */
	unsigned src_plen;   /* the source's prefix length (rule 9) */
	int index;           /* where the destination came (rule 10) */
	int family;          /* the caller's: carried along */
	uint32_t scope_id;   /* the caller's: carried along */
};

/* Sort d[0..n) by RFC 6724 section 6. ula48: the /48 prefixes of this
 * host's unique local addresses (nula of them), for section 10.6's rows. */
void addrsort(struct addrsort_dest *d, int n, const uint8_t (*ula48)[16], int nula);

#endif
