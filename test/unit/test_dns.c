/*
 * The resolver's pure parts on the host (user/net/lib/dns.c, dnsconf.c):
 * query encoding, replies with CNAME chains (in and out of order, looping),
 * compression (valid, self-referencing, forward, out of range), truncated
 * and mutated packets (every prefix of a reply, random byte flips: ASan and
 * UBSan watch every read), stray replies, PTR answers, resolv.conf and hosts;
 * RFC 6724's destination ordering (addrsort.c) on the RFC's own examples
 * (section 10.2) and on SIS's cases (link-local-only IPv6, its ULA site).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "dns.h"
#include "dnsconf.h"
#include "addrsort.h"

/* A DNS message written by hand, as a server would. */
struct msg {
	uint8_t b[1024];
	size_t n;
};

static void m_u8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void m_u16(struct msg *m, unsigned v) { m_u8(m, v >> 8); m_u8(m, v & 0xff); }
static void m_u32(struct msg *m, uint32_t v) { m_u16(m, v >> 16); m_u16(m, v & 0xffff); }

/* An uncompressed name; returns its offset (for pointers to it). */
static size_t m_name(struct msg *m, const char *text)
{
	size_t at = m->n;

	while (*text) {
		const char *dot = strchr(text, '.');
		size_t len = dot ? (size_t)(dot - text) : strlen(text);
		m_u8(m, (unsigned)len);
		memcpy(m->b + m->n, text, len);
		m->n += len;
		text += len + (dot ? 1 : 0);
	}
	m_u8(m, 0);
	return at;
}

static void m_ptr(struct msg *m, size_t off) { m_u16(m, 0xc000 | (unsigned)off); }

static void m_header(struct msg *m, uint16_t id, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	m_u16(m, id);
	m_u16(m, flags);
	m_u16(m, qd);
	m_u16(m, an);
	m_u16(m, 0);
	m_u16(m, 0);
}

/* Header + question for name/A; returns the question name's offset. */
static size_t m_query(struct msg *m, uint16_t id, unsigned flags, unsigned an, const char *name,
		      unsigned qtype)
{
	m_header(m, id, flags, 1, an);
	size_t at = m_name(m, name);
	m_u16(m, qtype);
	m_u16(m, DNS_C_IN);
	return at;
}

/* Type, class, TTL and RDLENGTH of a record whose owner was just written. */
static void m_rr(struct msg *m, unsigned type, uint32_t ttl, unsigned rdlen)
{
	m_u16(m, type);
	m_u16(m, DNS_C_IN);
	m_u32(m, ttl);
	m_u16(m, rdlen);
}

static void m_a(struct msg *m, const char *addr)
{
	struct in_addr a;
	inet_pton(AF_INET, addr, &a);
	memcpy(m->b + m->n, &a, 4);
	m->n += 4;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

#define RESP 0x8180 /* QR, RD, RA, NOERROR */

/* 16 bytes of an IPv6 address (one of four static buffers). */
static const uint8_t *ip6(const char *s)
{
	static uint8_t bufs[4][16];
	static int next;
	uint8_t *b = bufs[next++ & 3];

	inet_pton(AF_INET6, s, b);
	return b;
}

static void m_aaaa(struct msg *m, const char *addr)
{
	memcpy(m->b + m->n, ip6(addr), 16);
	m->n += 16;
}

static void test_aaaa(void)
{
	struct msg m;
	struct dns_answer a;
	size_t q = m_query(&m, 0x6666, RESP, 3, "www6.sis.test", DNS_T_AAAA);
	size_t host;
	char rev[DNS_PTR6_NAME_LEN];

	m_ptr(&m, q);
	m_rr(&m, DNS_T_CNAME, 100, 16);
	host = m_name(&m, "host6.sis.test");   /* 16 bytes */
	m_ptr(&m, host);
	m_rr(&m, DNS_T_A, 50, 4);              /* not asked for: skipped */
	m_a(&m, "192.168.77.1");
	m_ptr(&m, host);
	m_rr(&m, DNS_T_AAAA, 30, 16);
	m_aaaa(&m, "fd00:77::1");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x6666, "www6.sis.test", DNS_T_AAAA, &a), 0);
	CHECK_EQ(a.naddrs, 0);
	CHECK_EQ(a.naddrs6, 1);
	CHECK(memcmp(a.addrs6[0], ip6("fd00:77::1"), 16) == 0);
	CHECK_STR(a.canon, "host6.sis.test");
	CHECK_EQ(a.ttl, 30);
	/* The same records answer an A question with the A record only. */
	m.b[q + 16] = DNS_T_A;   /* the question's type, low byte */
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x6666, "www6.sis.test", DNS_T_A, &a), 0);
	CHECK(a.naddrs == 1 && a.naddrs6 == 0 && a.addrs[0] == ip("192.168.77.1"));
	m.b[q + 16] = DNS_T_AAAA;
	/* An AAAA record of the wrong length is malformed. */
	m.b[m.n - 17] = 4;
	CHECK_EQ(dns_parse_reply(m.b, m.n - 12, 0x6666, "www6.sis.test", DNS_T_AAAA, &a),
		 DNS_E_MALFORMED);

	dns_ptr_name6(ip6("2001:db8::567:89ab"), rev, sizeof(rev));
	CHECK_STR(rev, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	dns_ptr_name6(ip6("::1"), rev, 10);
	CHECK_STR(rev, "");
}

static void test_build_query(void)
{
	uint8_t b[DNS_UDP_MAX];
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1 };

	CHECK_EQ(dns_build_query(b, sizeof(b), 0x1234, "www.example.com", DNS_T_A), sizeof(want));
	CHECK(memcmp(b, want, sizeof(want)) == 0);
	CHECK_EQ(dns_build_query(b, sizeof(b), 0x1234, "www.example.com.", DNS_T_A), sizeof(want));
	CHECK_EQ(dns_build_query(b, sizeof(want) - 1, 1, "www.example.com", DNS_T_A),
		 DNS_E_NOSPACE);
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, "", DNS_T_A), DNS_E_BADNAME);
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, "a..b", DNS_T_A), DNS_E_BADNAME);
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, ".a", DNS_T_A), DNS_E_BADNAME);
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, "..", DNS_T_A), DNS_E_BADNAME);

	char label[65], longname[4 * 64];
	memset(label, 'x', 64);
	label[64] = 0;
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, label, DNS_T_A), DNS_E_BADNAME);
	label[63] = 0;
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, label, DNS_T_A), DNS_HEADER_SIZE + 65 + 4);
	/* 4 labels of 63 + 3 dots = 255 chars: 257 bytes on the wire, too long. */
	memset(longname, 'y', sizeof(longname));
	for (int i = 1; i < 4; i++)
		longname[64 * i - 1] = '.';
	longname[255] = 0;
	CHECK_EQ(dns_build_query(b, sizeof(b), 1, longname, DNS_T_A), DNS_E_BADNAME);
	/* 253 chars is the longest name: 255 bytes on the wire. */
	longname[253] = 0;
	CHECK(dns_build_query(b, sizeof(b), 1, longname, DNS_T_A) > 0);

	/* The query is itself a well-formed message our reader understands. */
	int n = dns_build_query(b, sizeof(b), 7, "Host.SIS.test", DNS_T_A);
	char name[DNS_NAME_MAX + 1];
	size_t off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(b, (size_t)n, &off, name, sizeof(name)), 13);
	CHECK_STR(name, "Host.SIS.test");
	CHECK_EQ(off, (size_t)n - 4);
}

static void test_simple_a(void)
{
	struct msg m;
	struct dns_answer a;
	size_t q = m_query(&m, 0x4242, RESP | 0x400, 2, "host.sis.test", DNS_T_A);

	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 300, 4);
	m_a(&m, "192.168.77.1");
	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 60, 4);
	m_a(&m, "192.168.77.2");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x4242, "HOST.sis.test.", DNS_T_A, &a), 0);
	CHECK_EQ(a.rcode, DNS_R_NOERROR);
	CHECK(a.authoritative);
	CHECK(!a.truncated);
	CHECK_EQ(a.naddrs, 2);
	CHECK_EQ(a.addrs[0], ip("192.168.77.1"));
	CHECK_EQ(a.addrs[1], ip("192.168.77.2"));
	CHECK_EQ(a.ttl, 60);
	CHECK_EQ(a.ncnames, 0);
	CHECK_STR(a.canon, "HOST.sis.test.");

	/* Stray packets: wrong id, a query (QR clear), another question. */
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x4243, "host.sis.test", DNS_T_A, &a), DNS_E_MISMATCH);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x4242, "other.sis.test", DNS_T_A, &a), DNS_E_MISMATCH);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x4242, "host.sis.test", DNS_T_PTR, &a), DNS_E_MISMATCH);
	m.b[2] &= 0x7f;
	CHECK_EQ(dns_parse_reply(m.b, m.n, 0x4242, "host.sis.test", DNS_T_A, &a), DNS_E_MISMATCH);
}

/* www -> web -> real, with the records in the given order (0..3). */
static void cname_reply(struct msg *m, const int order[4])
{
	size_t q = m_query(m, 9, RESP, 4, "www.sis.test", DNS_T_A);
	size_t web = 0, real = 0;

	for (int i = 0; i < 4; i++) {
		switch (order[i]) {
		case 0: /* www CNAME web.sis.test */
			m_ptr(m, q);
			m_rr(m, DNS_T_CNAME, 100, 6);
			web = m->n;
			m_u8(m, 3);
			memcpy(m->b + m->n, "web", 3);
			m->n += 3;
			m_ptr(m, q + 4);
			break;
		case 1: /* web CNAME real.sis.test (uncompressed) */
			m_name(m, "web.sis.test");
			m_rr(m, DNS_T_CNAME, 50, 15);
			real = m->n;
			m_name(m, "real.sis.test");
			break;
		case 2: /* real A */
			m_name(m, "real.sis.test");
			m_rr(m, DNS_T_A, 200, 4);
			m_a(m, "10.9.8.7");
			break;
		case 3: /* an A record of another name, ignored */
			m_name(m, "web.sis.test");
			m_rr(m, DNS_T_A, 200, 4);
			m_a(m, "10.6.6.6");
			break;
		}
	}
	(void)web;
	(void)real;
}

static void test_cname_chain(void)
{
	static const int orders[][4] = { { 0, 1, 2, 3 }, { 2, 3, 1, 0 }, { 3, 1, 2, 0 } };
	struct msg m;
	struct dns_answer a;

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		cname_reply(&m, orders[i]);
		CHECK_EQ(dns_parse_reply(m.b, m.n, 9, "www.sis.test", DNS_T_A, &a), 0);
		CHECK_EQ(a.ncnames, 2);
		CHECK_STR(a.canon, "real.sis.test");
		CHECK_EQ(a.naddrs, 1);
		CHECK_EQ(a.addrs[0], ip("10.9.8.7"));
		CHECK_EQ(a.ttl, 50);
	}
}

static void test_cname_loop(void)
{
	struct msg m;
	struct dns_answer a;
	size_t q = m_query(&m, 1, RESP, 2, "a.sis.test", DNS_T_A);
	size_t b;

	m_ptr(&m, q);
	m_rr(&m, DNS_T_CNAME, 10, 4);
	b = m.n;
	m_u8(&m, 1);
	m_u8(&m, 'b');
	m_ptr(&m, q + 2);       /* "b.sis.test" */
	m_ptr(&m, b);
	m_rr(&m, DNS_T_CNAME, 10, 2);
	m_ptr(&m, q);           /* back to a.sis.test */
	CHECK_EQ(dns_parse_reply(m.b, m.n, 1, "a.sis.test", DNS_T_A, &a), DNS_E_MALFORMED);
}

static void test_nxdomain_and_nodata(void)
{
	struct msg m;
	struct dns_answer a;

	m_query(&m, 5, 0x8183, 0, "nosuch.sis.test", DNS_T_A);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 5, "nosuch.sis.test", DNS_T_A, &a), 0);
	CHECK_EQ(a.rcode, DNS_R_NXDOMAIN);
	CHECK_EQ(a.naddrs, 0);
	CHECK_STR(dns_rcode_name(a.rcode), "NXDOMAIN");
	CHECK_STR(dns_rcode_name(99), "UNKNOWN");

	/* NOERROR with no A records (e.g. only AAAA). */
	size_t q = m_query(&m, 6, RESP, 1, "v6.sis.test", DNS_T_A);
	m_ptr(&m, q);
	m_rr(&m, DNS_T_AAAA, 10, 16);
	memset(m.b + m.n, 0, 16);
	m.n += 16;
	CHECK_EQ(dns_parse_reply(m.b, m.n, 6, "v6.sis.test", DNS_T_A, &a), 0);
	CHECK_EQ(a.rcode, DNS_R_NOERROR);
	CHECK_EQ(a.naddrs, 0);

	/* FORMERR without a question section. */
	m_header(&m, 7, 0x8181, 0, 0);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 7, "x.sis.test", DNS_T_A, &a), 0);
	CHECK_EQ(a.rcode, DNS_R_FORMERR);
	/* ...but NOERROR without one is not an answer to anything. */
	m_header(&m, 7, RESP, 0, 0);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 7, "x.sis.test", DNS_T_A, &a), DNS_E_MALFORMED);
}

static void test_bad_compression(void)
{
	struct msg m;
	struct dns_answer a;
	char name[DNS_NAME_MAX + 1];
	size_t off;

	/* A question name that points at itself. */
	m_header(&m, 1, RESP, 1, 0);
	m_ptr(&m, DNS_HEADER_SIZE);
	m_u16(&m, DNS_T_A);
	m_u16(&m, DNS_C_IN);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 1, "x", DNS_T_A, &a), DNS_E_MALFORMED);

	/* A label, then a pointer back to that label: a loop through a label. */
	m_header(&m, 1, RESP, 1, 0);
	m_u8(&m, 1);
	m_u8(&m, 'x');
	m_ptr(&m, DNS_HEADER_SIZE);
	off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);

	/* Two pointers that point at each other. */
	m_header(&m, 1, RESP, 1, 0);
	m_ptr(&m, DNS_HEADER_SIZE + 2);
	m_ptr(&m, DNS_HEADER_SIZE);
	off = DNS_HEADER_SIZE + 2;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);

	/* Forward pointer and one past the end. */
	m_header(&m, 1, RESP, 1, 0);
	m_ptr(&m, DNS_HEADER_SIZE + 2);
	m_name(&m, "fwd");
	off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);
	m_header(&m, 1, RESP, 1, 0);
	m_ptr(&m, 0x3fff);
	off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);

	/* Extended label types (0x40, 0x80) and a dot inside a label. */
	m_header(&m, 1, RESP, 1, 0);
	m_u8(&m, 0x41);
	off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);
	m_header(&m, 1, RESP, 1, 0);
	m_name(&m, "a");
	m.b[DNS_HEADER_SIZE + 1] = '.';
	off = DNS_HEADER_SIZE;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);

	/* A valid chain of backward pointers, and the root name. */
	m_header(&m, 1, RESP, 1, 0);
	size_t c = m_name(&m, "com");
	size_t e = m.n;
	m_u8(&m, 7);
	memcpy(m.b + m.n, "example", 7);
	m.n += 7;
	m_ptr(&m, c);
	size_t w = m.n;
	m_u8(&m, 3);
	memcpy(m.b + m.n, "www", 3);
	m.n += 3;
	m_ptr(&m, e);
	off = w;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), 15);
	CHECK_STR(name, "www.example.com");
	CHECK_EQ(off, m.n);
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, 10), DNS_E_MALFORMED); /* at the end */
	off = w;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, 10), DNS_E_NOSPACE);
	m_u8(&m, 0);
	off = m.n - 1;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), 1);
	CHECK_STR(name, ".");
}

/* A name made of pointers to 63-byte labels, longer than 255 bytes in total. */
static void test_name_too_long(void)
{
	struct msg m;
	char name[DNS_NAME_MAX + 1];
	size_t prev = 0, off;

	m_header(&m, 1, RESP, 1, 0);
	m_u8(&m, 0);   /* root, at 12 */
	prev = DNS_HEADER_SIZE;
	for (int i = 0; i < 5; i++) {
		size_t here = m.n;
		m_u8(&m, 63);
		memset(m.b + m.n, 'a' + i, 63);
		m.n += 63;
		m_ptr(&m, prev);
		prev = here;
	}
	off = prev;
	CHECK_EQ(dns_read_name(m.b, m.n, &off, name, sizeof(name)), DNS_E_MALFORMED);
}

static void test_bad_records(void)
{
	struct msg m;
	struct dns_answer a;
	size_t q = m_query(&m, 3, RESP, 1, "h.sis.test", DNS_T_A);

	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 1, 5);   /* an A record of 5 bytes */
	m_a(&m, "1.2.3.4");
	m_u8(&m, 0);
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), DNS_E_MALFORMED);

	/* RDLENGTH past the end, and ANCOUNT larger than the records present. */
	q = m_query(&m, 3, RESP, 1, "h.sis.test", DNS_T_A);
	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 1, 400);
	m_a(&m, "1.2.3.4");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), DNS_E_MALFORMED);
	q = m_query(&m, 3, RESP, 2, "h.sis.test", DNS_T_A);
	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 1, 4);
	m_a(&m, "1.2.3.4");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), DNS_E_MALFORMED);
	/* The same with TC set: the missing record is just missing. */
	m.b[2] |= 0x02;
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), 0);
	CHECK(a.truncated);
	CHECK_EQ(a.naddrs, 1);

	/* TTL with the top bit set counts as 0 (RFC 2181). */
	q = m_query(&m, 3, RESP, 1, "h.sis.test", DNS_T_A);
	m_ptr(&m, q);
	m_rr(&m, DNS_T_A, 0x80000001u, 4);
	m_a(&m, "1.2.3.4");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), 0);
	CHECK_EQ(a.ttl, 0);

	/* More A records than we keep. */
	q = m_query(&m, 3, RESP, DNS_MAX_ADDRS + 4, "h.sis.test", DNS_T_A);
	for (int i = 0; i < DNS_MAX_ADDRS + 4; i++) {
		m_ptr(&m, q);
		m_rr(&m, DNS_T_A, 30, 4);
		m_u32(&m, 0x0a000001u + (unsigned)i);
	}
	CHECK_EQ(dns_parse_reply(m.b, m.n, 3, "h.sis.test", DNS_T_A, &a), 0);
	CHECK_EQ(a.naddrs, DNS_MAX_ADDRS);
}

static void test_ptr(void)
{
	struct msg m;
	struct dns_answer a;
	char rev[32];

	dns_ptr_name(ip("10.0.2.15"), rev, sizeof(rev));
	CHECK_STR(rev, "15.2.0.10.in-addr.arpa");
	size_t q = m_query(&m, 11, RESP, 1, rev, DNS_T_PTR);
	m_ptr(&m, q);
	m_rr(&m, DNS_T_PTR, 30, 16);
	m_name(&m, "guest.sis.test");
	CHECK_EQ(dns_parse_reply(m.b, m.n, 11, rev, DNS_T_PTR, &a), 0);
	CHECK_STR(a.ptr, "guest.sis.test");
	CHECK_EQ(a.naddrs, 0);
}

/* Every prefix of a good reply, and random corruptions of it: no crash, no overread. */
static void test_hostile(void)
{
	static const int order[4] = { 0, 1, 2, 3 };
	struct msg good, m;
	struct dns_answer a;

	cname_reply(&good, order);
	for (size_t len = 0; len < good.n; len++) {
		uint8_t *copy = malloc(len ? len : 1);   /* exact size: ASan sees overreads */
		memcpy(copy, good.b, len);
		int r = dns_parse_reply(copy, len, 9, "www.sis.test", DNS_T_A, &a);
		CHECK(r == DNS_E_MALFORMED);
		if (len > 2)
			copy[2] |= 0x02;   /* TC: then a clean partial answer is fine */
		r = dns_parse_reply(copy, len, 9, "www.sis.test", DNS_T_A, &a);
		CHECK(r == DNS_E_MALFORMED || (len > DNS_HEADER_SIZE && r == 0));
		free(copy);
	}
	unit_srand(0xd25);
	for (int i = 0; i < 20000; i++) {
		m = good;
		int flips = 1 + (int)(unit_rand() % 4);
		for (int f = 0; f < flips; f++)
			m.b[unit_rand() % m.n] = (uint8_t)unit_rand();
		size_t len = m.n - (unit_rand() % 3 == 0 ? unit_rand() % m.n : 0);
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, m.b, len);
		int r = dns_parse_reply(copy, len, 9, "www.sis.test", DNS_T_A, &a);
		CHECK(r == 0 || r == DNS_E_MALFORMED || r == DNS_E_MISMATCH);
		if (r == 0)
			CHECK(a.naddrs >= 0 && a.naddrs <= DNS_MAX_ADDRS && strlen(a.canon) <= 253);
		free(copy);
	}
}

static void test_resolv_conf(void)
{
	struct resolv_conf rc;
	const char *text =
		"# written by SIS from DHCP\n"
		"search sis.test other.test\n"
		"nameserver 192.168.77.1\n"
		"nameserver   10.0.2.3  # slirp\n"
		"nameserver 999.1.1.1\n"
		"nameserver fe80::1\n"
		"nameserver\n"
		"options ndots:1 timeout:2 attempts:9 rotate\n"
		"nameserver 8.8.8.8\n"
		"nameserver 9.9.9.9";   /* no newline; the fourth: ignored */

	resolv_conf_parse(text, strlen(text), &rc);
	CHECK_EQ(rc.nns, 3);
	CHECK_EQ(rc.ns[0].family, AF_INET);
	CHECK_EQ(rc.ns[0].v4, ip("192.168.77.1"));
	CHECK_EQ(rc.ns[1].v4, ip("10.0.2.3"));
	CHECK_EQ(rc.ns[2].family, AF_INET6);   /* fe80::1, in file order; 8.8.8.8 is the 4th */
	CHECK(memcmp(rc.ns[2].v6, ip6("fe80::1"), 16) == 0);
	CHECK_STR(rc.ns[2].zone, "");
	CHECK_STR(rc.search, "sis.test");
	CHECK_EQ(rc.timeout_s, 2);
	CHECK_EQ(rc.attempts, 5);

	resolv_conf_parse("", 0, &rc);
	CHECK_EQ(rc.nns, 0);
	CHECK_STR(rc.search, "");
	CHECK_EQ(rc.timeout_s, RESOLV_TIMEOUT_DEFAULT);
	CHECK_EQ(rc.attempts, RESOLV_ATTEMPTS_DEFAULT);
	text = "nameserver fd00:77::53\nnameserver fe80::1%eth0\nnameserver fe80::1%\n"
	       "nameserver fe80::1%eth0123456789abcdef\nnameserver 1::2::3\nnameserver 10.0.2.3%e\n"
	       "nameserver 10.0.2.3\n";
	resolv_conf_parse(text, strlen(text), &rc);
	CHECK_EQ(rc.nns, 3);
	CHECK(rc.ns[0].family == AF_INET6 && memcmp(rc.ns[0].v6, ip6("fd00:77::53"), 16) == 0);
	CHECK(rc.ns[1].family == AF_INET6 && !strcmp(rc.ns[1].zone, "eth0"));
	CHECK(rc.ns[2].family == AF_INET && rc.ns[2].v4 == ip("10.0.2.3"));
	resolv_conf_parse("domain a.b\r\noptions timeout:0\r\n", 31, &rc);
	CHECK_STR(rc.search, "a.b");
	CHECK_EQ(rc.timeout_s, 1);
}

static void test_hosts(void)
{
	const char *text =
		"127.0.0.1\tlocalhost\n"
		"::1 localhost ip6-localhost\n"
		"# 10.0.0.9 commented\n"
		"10.0.2.15 sis.local sis # the guest\n"
		"192.168.77.1 host.sis.test host\n"
		"192.168.77.2 host.sis.test\n"
		"bogus line here\n"
		"10.0.0.1";
	uint32_t addrs[4];
	char canon[64], name[64];

	CHECK_EQ(hosts_find_name(text, strlen(text), "localhost", addrs, 4, canon, 64), 1);
	CHECK_EQ(addrs[0], ip("127.0.0.1"));
	CHECK_EQ(hosts_find_name(text, strlen(text), "SIS", addrs, 4, canon, sizeof(canon)), 1);
	CHECK_STR(canon, "sis.local");
	CHECK_EQ(addrs[0], ip("10.0.2.15"));
	CHECK_EQ(hosts_find_name(text, strlen(text), "host", addrs, 4, canon, sizeof(canon)), 1);
	CHECK_EQ(hosts_find_name(text, strlen(text), "host.sis.test.", addrs, 4, canon, 64), 2);
	CHECK_EQ(addrs[1], ip("192.168.77.2"));
	CHECK_EQ(hosts_find_name(text, strlen(text), "host.sis.test", addrs, 1, canon, 64), 1);
	CHECK_EQ(hosts_find_name(text, strlen(text), "commented", addrs, 4, canon, 64), 0);
	CHECK_EQ(hosts_find_name(text, strlen(text), "the", addrs, 4, canon, 64), 0);
	CHECK_EQ(hosts_find_name(text, strlen(text), "ip6-localhost", addrs, 4, canon, 64), 0);
	uint8_t six[4][16];
	CHECK_EQ(hosts_find_name6(text, strlen(text), "localhost", six, 4, canon, 64), 1);
	CHECK(memcmp(six[0], ip6("::1"), 16) == 0);
	CHECK_EQ(hosts_find_name6(text, strlen(text), "IP6-localhost", six, 4, canon, 64), 1);
	CHECK_STR(canon, "localhost");
	CHECK_EQ(hosts_find_name6(text, strlen(text), "host", six, 4, canon, 64), 0);
	CHECK_EQ(hosts_find_addr6(text, strlen(text), ip6("::1"), name, sizeof(name)), 1);
	CHECK_STR(name, "localhost");
	CHECK_EQ(hosts_find_addr6(text, strlen(text), ip6("::2"), name, sizeof(name)), 0);

	CHECK_EQ(hosts_find_addr(text, strlen(text), ip("10.0.2.15"), name, sizeof(name)), 1);
	CHECK_STR(name, "sis.local");
	CHECK_EQ(hosts_find_addr(text, strlen(text), ip("10.0.0.1"), name, sizeof(name)), 0);
	CHECK_EQ(hosts_find_addr(text, strlen(text), ip("192.168.77.1"), name, 5), 1);
	CHECK_STR(name, "host");
}

static void test_ipv4(void)
{
	uint32_t a;

	CHECK(dnsconf_parse_ipv4("1.2.3.4", 7, &a) && a == ip("1.2.3.4"));
	CHECK(dnsconf_parse_ipv4("255.255.255.255", 15, &a) && a == 0xffffffffu);
	CHECK(!dnsconf_parse_ipv4("256.1.1.1", 9, &a));
	CHECK(!dnsconf_parse_ipv4("1.2.3", 5, &a));
	CHECK(!dnsconf_parse_ipv4("1.2.3.4.5", 9, &a));
	CHECK(!dnsconf_parse_ipv4("1..3.4", 6, &a));
	CHECK(!dnsconf_parse_ipv4("1.2.3.4x", 8, &a));
	CHECK(!dnsconf_parse_ipv4("0001.2.3.4", 10, &a));
	CHECK(!dnsconf_parse_ipv4("", 0, &a));
	CHECK(dnsconf_parse_ipv4("1.2.3.45", 7, &a) && a == ip("1.2.3.4"));  /* len bounds it */
}

/* A destination (text: IPv6 or IPv4) reached from src ("" = unreachable). */
static struct addrsort_dest dest(const char *addr, const char *src, int index)
{
	struct addrsort_dest d;
	uint8_t b4[4];

	memset(&d, 0, sizeof(d));
	d.index = index;
	if (inet_pton(AF_INET, addr, b4) == 1) {
		d.addr[10] = d.addr[11] = 0xff;
		memcpy(d.addr + 12, b4, 4);
	} else {
		CHECK(inet_pton(AF_INET6, addr, d.addr) == 1);
	}
	if (!*src)
		return d;
	d.usable = true;
	d.src_plen = 64;
	if (inet_pton(AF_INET, src, b4) == 1) {
		d.src[10] = d.src[11] = 0xff;
		memcpy(d.src + 12, b4, 4);
		d.src_plen = 32;
	} else {
		CHECK(inet_pton(AF_INET6, src, d.src) == 1);
	}
	return d;
}

/* Sort two destinations; 1 if the one given second comes first. */
static int second_first(struct addrsort_dest a, struct addrsort_dest b, const char *ula)
{
	struct addrsort_dest d[2] = { a, b };
	uint8_t u[1][16] = { { 0 } };

	if (ula)
		CHECK(inet_pton(AF_INET6, ula, u[0]) == 1);
	d[0].index = 0;
	d[1].index = 1;
	addrsort(d, 2, (const uint8_t(*)[16])u, ula ? 1 : 0);
	return d[0].index == 1;
}

static void test_addrsort(void)
{
	/* RFC 6724 10.2's cases and rules, each pair in the order preferred. */
	CHECK(!second_first(dest("2001:db8:1::1", "2001:db8:1::2", 0), dest("2001:db8:3ffe::1", "", 1),
			    NULL)); /* rule 1 */
	CHECK(!second_first(dest("fe80::1", "fe80::2", 0), dest("2001:db8:1::1", "2001:db8:1::2", 1),
			    NULL)); /* same everything, rule 8: smaller scope first */
	CHECK(!second_first(dest("2001:db8:1::1", "2001:db8:1::2", 0),
			    dest("10.1.2.3", "10.1.2.4", 1), NULL)); /* rule 6: ::/0 40 > IPv4 35 */
	CHECK(second_first(dest("2001:db8:1::1", "fe80::2", 0), dest("10.1.2.3", "10.1.2.4", 1),
			   NULL)); /* rule 2: only a link-local source: IPv4 first */
	CHECK(!second_first(dest("2001:db8::1", "2001:db8::2", 0), dest("2002:c633:6401::1",
			    "2002:c633:6401::2", 1), NULL)); /* rule 6: ::/0 40 > 2002::/16 30 */
	CHECK(second_first(dest("2001::1", "2001::2", 0), dest("2002:c633:6401::1",
			   "2002:c633:6401::2", 1), NULL)); /* rule 6: 2002::/16 30 > Teredo 5 */
	CHECK(!second_first(dest("2001:db8:1::1", "2001:db8:1::2", 0),
			    dest("2001:db8:2::1", "2001:db8:1::2", 1), NULL)); /* rule 9 */
	/* ULAs: below IPv4 (precedence 3), above it in the host's own /48. */
	CHECK(second_first(dest("fd00:77::1", "fd00:77::15", 0), dest("192.168.77.1",
			   "192.168.77.20", 1), NULL));
	CHECK(!second_first(dest("fd00:77::1", "fd00:77::15", 0), dest("192.168.77.1",
			    "192.168.77.20", 1), "fd00:77::"));
	/* Unreachable IPv6 (no route, no source) after IPv4. */
	CHECK(second_first(dest("fd00:77::1", "", 0), dest("10.0.2.2", "10.0.2.15", 1), NULL));
	/* Loopback first, then the order given. */
	CHECK(!second_first(dest("::1", "::1", 0), dest("127.0.0.1", "127.0.0.1", 1), NULL));
	CHECK(!second_first(dest("10.0.0.1", "10.0.0.9", 0), dest("10.0.0.2", "10.0.0.9", 1), NULL));
	/* A deprecated source goes after (rule 3). */
	{
		struct addrsort_dest a = dest("2001:db8:1::1", "2001:db8:1::2", 0);
		struct addrsort_dest b = dest("2001:db8:2::1", "2001:db8:2::2", 1);

		a.src_deprecated = true;
		CHECK(second_first(a, b, NULL));
	}
}

int main(void)
{
	test_addrsort();
	test_build_query();
	test_simple_a();
	test_aaaa();
	test_cname_chain();
	test_cname_loop();
	test_nxdomain_and_nodata();
	test_bad_compression();
	test_name_too_long();
	test_bad_records();
	test_ptr();
	test_hostile();
	test_resolv_conf();
	test_hosts();
	test_ipv4();
	return unit_finish("dns");
}
