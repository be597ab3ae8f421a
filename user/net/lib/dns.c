/*
 * DNS message codec (RFC 1035 4.1): see dns.h. Pure code; the resolver
 * (resolv.c) does the sockets around it.
 */
#include "dns.h"

#include <stdio.h>
#include <string.h>

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)
#define DNS_RCODE(f) ((f) & 0xf)

/* One resource record of the answer section, owner name decoded. */
struct dns_rr {
	char owner[DNS_NAME_MAX + 1];
	uint16_t type, class;
	uint32_t ttl;
	size_t rdoff;     /* offset of RDATA in the message */
	uint16_t rdlen;
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

bool dns_name_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* Append one label to the text name out[0, *n); labels with '.' or NUL are refused
 * because their text form would be ambiguous. */
static int append_label(char *out, size_t size, size_t *n, const uint8_t *label, size_t len)
{
	if (*n + (*n ? 1 : 0) + len + 1 > size)
		return DNS_E_NOSPACE;
	for (size_t i = 0; i < len; i++)
		if (label[i] == '.' || label[i] == 0)
			return DNS_E_MALFORMED;
	if (*n)
		out[(*n)++] = '.';
	memcpy(out + *n, label, len);
	*n += len;
	out[*n] = 0;
	return 0;
}

int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *out, size_t size)
{
	size_t pos = *off, end = 0, n = 0, wire = 1;
	size_t limit = *off;  /* a pointer must land strictly before this: no loops */
	bool jumped = false;

	if (size < 2)
		return DNS_E_NOSPACE;
	out[0] = 0;
	for (;;) {
		if (pos >= len)
			return DNS_E_MALFORMED;
		uint8_t c = msg[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return DNS_E_MALFORMED;
			size_t target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
			if (target >= limit)
				return DNS_E_MALFORMED;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			limit = pos = target;
			continue;
		}
		if (c & 0xc0)   /* 0x40/0x80: extended label types, obsolete */
			return DNS_E_MALFORMED;
		if (c == 0)
			break;
		wire += 1u + c;
		if (wire > DNS_NAME_MAX || pos + 1 + c > len)
			return DNS_E_MALFORMED;
		int err = append_label(out, size, &n, msg + pos + 1, c);
		if (err)
			return err;
		pos += 1u + c;
	}
	*off = jumped ? end : pos + 1;
	if (n == 0) {
		out[0] = '.';
		out[1] = 0;
		n = 1;
	}
	return (int)n;
}

int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t qtype)
{
	size_t nlen = strlen(name), pos = DNS_HEADER_SIZE;

	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	if (nlen == 0 && name[0] != '.')
		return DNS_E_BADNAME;
	if (nlen + 2 > DNS_NAME_MAX)
		return DNS_E_BADNAME;
	if (size < DNS_HEADER_SIZE + nlen + 2 + 4)
		return DNS_E_NOSPACE;
	memset(buf, 0, DNS_HEADER_SIZE);
	put16(buf, id);
	put16(buf + 2, DNS_FLAG_RD);
	put16(buf + 4, 1);   /* QDCOUNT */
	for (size_t start = 0; start < nlen;) {
		const char *dot = memchr(name + start, '.', nlen - start);
		size_t llen = dot ? (size_t)(dot - (name + start)) : nlen - start;
		if (llen == 0 || llen > DNS_LABEL_MAX)
			return DNS_E_BADNAME;
		buf[pos++] = (uint8_t)llen;
		memcpy(buf + pos, name + start, llen);
		pos += llen;
		start += llen + 1;
	}
	buf[pos++] = 0;
	put16(buf + pos, qtype);
	put16(buf + pos + 2, DNS_C_IN);
	return (int)(pos + 4);
}

/*
 * Read the record at *off. Returns 1 with *rr filled, 0 if the message ends
 * inside it and the server said it truncated the message (then the record is
 * simply missing), DNS_E_MALFORMED otherwise.
 */
static int next_rr(const uint8_t *msg, size_t len, size_t *off, bool truncated, struct dns_rr *rr)
{
	size_t pos = *off;
	int n = dns_read_name(msg, len, &pos, rr->owner, sizeof(rr->owner));

	if (n < 0 || pos + 10 > len)
		return truncated ? 0 : DNS_E_MALFORMED;
	rr->type = get16(msg + pos);
	rr->class = get16(msg + pos + 2);
	rr->ttl = get32(msg + pos + 4);
	if (rr->ttl & 0x80000000u)   /* RFC 2181 8: treat as zero */
		rr->ttl = 0;
	rr->rdlen = get16(msg + pos + 8);
	rr->rdoff = pos + 10;
	if (rr->rdoff + rr->rdlen > len)
		return truncated ? 0 : DNS_E_MALFORMED;
	*off = rr->rdoff + rr->rdlen;
	return 1;
}

/* Check the header and question against our query; *off ends after the question. */
static int check_question(const uint8_t *msg, size_t len, uint16_t id, const char *name,
			  uint16_t qtype, size_t *off)
{
	char qname[DNS_NAME_MAX + 1];
	uint16_t flags;

	if (len < DNS_HEADER_SIZE)
		return DNS_E_MALFORMED;
	flags = get16(msg + 2);
	if (get16(msg) != id || !(flags & DNS_FLAG_QR) || DNS_OPCODE(flags) != 0)
		return DNS_E_MISMATCH;
	*off = DNS_HEADER_SIZE;
	if (get16(msg + 4) == 0)   /* FORMERR/NOTIMP replies may omit the question */
		return DNS_RCODE(flags) != DNS_R_NOERROR ? 0 : DNS_E_MALFORMED;
	if (get16(msg + 4) != 1)
		return DNS_E_MISMATCH;
	if (dns_read_name(msg, len, off, qname, sizeof(qname)) < 0 || *off + 4 > len)
		return DNS_E_MALFORMED;
	if (!dns_name_equal(qname, name) || get16(msg + *off) != qtype ||
	    get16(msg + *off + 2) != DNS_C_IN)
		return DNS_E_MISMATCH;
	*off += 4;
	return 0;
}

/*
 * Walk the answer section once; if a CNAME owned by ans->canon is found, move
 * canon to its target. Returns 1 if canon moved, 0 if not, or an error.
 */
static int follow_cname(const uint8_t *msg, size_t len, size_t an_off, int ancount,
			struct dns_answer *ans)
{
	struct dns_rr rr;
	size_t off = an_off;

	for (int i = 0; i < ancount; i++) {
		int r = next_rr(msg, len, &off, ans->truncated, &rr);
		if (r <= 0)
			return r;
		if (rr.type != DNS_T_CNAME || rr.class != DNS_C_IN ||
		    !dns_name_equal(rr.owner, ans->canon))
			continue;
		size_t p = rr.rdoff;
		char target[DNS_NAME_MAX + 1];
		if (dns_read_name(msg, len, &p, target, sizeof(target)) < 0 ||
		    p != rr.rdoff + rr.rdlen)
			return DNS_E_MALFORMED;
		strcpy(ans->canon, target);
		if (rr.ttl < ans->ttl)
			ans->ttl = rr.ttl;
		return 1;
	}
	return 0;
}

/* Take one A, AAAA or PTR record of ans->canon into *ans. */
static int take_record(const uint8_t *msg, size_t len, const struct dns_rr *rr,
		       uint16_t qtype, struct dns_answer *ans)
{
	if (rr->type == DNS_T_A && qtype == DNS_T_A) {
		if (rr->rdlen != 4)
			return DNS_E_MALFORMED;
		if (ans->naddrs < DNS_MAX_ADDRS)
			memcpy(&ans->addrs[ans->naddrs++], msg + rr->rdoff, 4);
	} else if (rr->type == DNS_T_AAAA && qtype == DNS_T_AAAA) {
		if (rr->rdlen != 16)
			return DNS_E_MALFORMED;
		if (ans->naddrs6 < DNS_MAX_ADDRS)
			memcpy(ans->addrs6[ans->naddrs6++], msg + rr->rdoff, 16);
	} else if (rr->type == DNS_T_PTR && qtype == DNS_T_PTR) {
		size_t p = rr->rdoff;
		if (ans->ptr[0])
			return 0;
		if (dns_read_name(msg, len, &p, ans->ptr, sizeof(ans->ptr)) < 0 ||
		    p != rr->rdoff + rr->rdlen)
			return DNS_E_MALFORMED;
	} else {
		return 0;
	}
	if (rr->ttl < ans->ttl)
		ans->ttl = rr->ttl;
	return 0;
}

/* Collect the records of the type asked for whose owner is the chain's end. */
static int collect(const uint8_t *msg, size_t len, size_t an_off, int ancount, uint16_t qtype,
		   struct dns_answer *ans)
{
	struct dns_rr rr;
	size_t off = an_off;

	for (int i = 0; i < ancount; i++) {
		int r = next_rr(msg, len, &off, ans->truncated, &rr);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (rr.class != DNS_C_IN || !dns_name_equal(rr.owner, ans->canon))
			continue;
		r = take_record(msg, len, &rr, qtype, ans);
		if (r < 0)
			return r;
	}
	return 0;
}

int dns_parse_reply(const uint8_t *msg, size_t len, uint16_t id, const char *name,
		    uint16_t qtype, struct dns_answer *ans)
{
	size_t an_off;
	int r = check_question(msg, len, id, name, qtype, &an_off);

	if (r < 0)
		return r;
	memset(ans, 0, sizeof(*ans));
	ans->rcode = DNS_RCODE(get16(msg + 2));
	ans->truncated = get16(msg + 2) & DNS_FLAG_TC;
	ans->authoritative = get16(msg + 2) & DNS_FLAG_AA;
	ans->ttl = UINT32_MAX;
	if (strlen(name) > DNS_NAME_MAX)
		return DNS_E_MISMATCH;
	strcpy(ans->canon, name);
	if (ans->rcode == DNS_R_NOERROR) {
		int ancount = get16(msg + 6);
		if (qtype != DNS_T_CNAME) {
			while ((r = follow_cname(msg, len, an_off, ancount, ans)) == 1)
				if (++ans->ncnames > DNS_MAX_CNAMES)
					return DNS_E_MALFORMED;   /* a loop, or absurdly long */
			if (r < 0)
				return r;
		}
		r = collect(msg, len, an_off, ancount, qtype, ans);
		if (r < 0)
			return r;
	}
	if (ans->ttl == UINT32_MAX)
		ans->ttl = 0;
	return 0;
}

void dns_ptr_name(uint32_t addr_be, char *out, size_t size)
{
	const uint8_t *b = (const uint8_t *)&addr_be;

	snprintf(out, size, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
}

void dns_ptr_name6(const uint8_t addr[16], char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (size < DNS_PTR6_NAME_LEN) {
		if (size)
			out[0] = 0;
		return;
	}
	for (int i = 15; i >= 0; i--) {
		out[n++] = hex[addr[i] & 0xf];
		out[n++] = '.';
		out[n++] = hex[addr[i] >> 4];
		out[n++] = '.';
	}
	memcpy(out + n, "ip6.arpa", 9);
}

const char *dns_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL",
					     "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	return "UNKNOWN";
}
