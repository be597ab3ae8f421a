/*
 * zcat [FILE...]: the uncompressed contents of gzip files (RFC 1952) on
 * standard output; no FILE, or "-", reads standard input. A deflate stream
 * (RFC 1951) may use stored, fixed and dynamic Huffman blocks; members one
 * after another are uncompressed in turn, each checked against its CRC-32
 * and length, as gzip(1) does. A file is read whole into memory first (the
 * use here is /proc/config.gz and files of that size). Exit status 1 on an
 * error, 2 on trailing garbage (gzip's warning).
 */
#include <stdint.h>
#include "textutil.h"

#define MAXBITS 15   /* longest Huffman code (RFC 1951 3.2.1) */
#define NLITLEN 288  /* literal/length symbols, 286 and 287 never used */
#define NDIST 30

struct inflate {
	const uint8_t *in;    /* the whole file */
	size_t in_len, pos;   /* its length; the next byte to read */
	uint32_t bitbuf;      /* bits read but not used, lowest first */
	int bitcnt;           /* how many */
	uint8_t *out;         /* this member's output so far (the 32 KiB window too) */
	size_t out_len, out_cap;
	const char *err;      /* first error: the rest of the member is skipped */
};

struct huffman {
	short count[MAXBITS + 1]; /* number of codes of each length */
	short symbol[NLITLEN];    /* symbols ordered by code */
};

static const short len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
				    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const short len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				     2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const short dist_base[NDIST] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
					193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
					4097, 6145, 8193, 12289, 16385, 24577 };
static const short dist_extra[NDIST] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
					 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static void fail(struct inflate *s, const char *why)
{
	if (!s->err)
		s->err = why;
}

/* The next n bits (n <= 16), first bit lowest; 0 and an error past the end. */
static unsigned bits(struct inflate *s, int n)
{
	unsigned v;

	while (s->bitcnt < n) {
		if (s->pos == s->in_len) {
			fail(s, "unexpected end of file");
			return 0;
		}
		s->bitbuf |= (uint32_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	v = s->bitbuf & ((1u << n) - 1);
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return v;
}

static void put(struct inflate *s, uint8_t c)
{
	if (s->out_len == s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap * 2 : 65536;
		uint8_t *p = realloc(s->out, cap);

		if (!p) {
			fail(s, "out of memory");
			return;
		}
		s->out = p;
		s->out_cap = cap;
	}
	s->out[s->out_len++] = c;
}

/* Canonical Huffman codes from code lengths (RFC 1951 3.2.2): 0, or -1 for
 * an over-subscribed set. An incomplete set is allowed; its unused codes
 * fail in decode(). */
static int huffman_build(struct huffman *h, const short *length, int n)
{
	short offs[MAXBITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (int i = 0; i < n; i++)
		h->count[length[i]]++;
	for (int len = 1; len <= MAXBITS; len++) {
		left = (left << 1) - h->count[len];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (int len = 1; len < MAXBITS; len++)
		offs[len + 1] = (short)(offs[len] + h->count[len]);
	for (int i = 0; i < n; i++)
		if (length[i])
			h->symbol[offs[length[i]]++] = (short)i;
	return 0;
}

/* One symbol, read a bit at a time (codes are stored first bit highest). */
static int decode(struct inflate *s, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;

	for (int len = 1; len <= MAXBITS && !s->err; len++) {
		int count = h->count[len];

		code |= (int)bits(s, 1);
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	fail(s, "invalid Huffman code");
	return -1;
}

/* The literals and <length, distance> copies of one Huffman block. */
static void codes(struct inflate *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		int sym = decode(s, lit);
		size_t len, back;

		if (s->err || sym == 256)
			return;
		if (sym < 256) {
			put(s, (uint8_t)sym);
			continue;
		}
		sym -= 257;
		if (sym >= 29) {
			fail(s, "invalid length code");
			return;
		}
		len = (size_t)len_base[sym] + bits(s, len_extra[sym]);
		sym = decode(s, dist);
		if (sym < 0 || sym >= NDIST) {
			fail(s, "invalid distance code");
			return;
		}
		back = (size_t)dist_base[sym] + bits(s, dist_extra[sym]);
		if (back > s->out_len) {
			fail(s, "distance too far back");
			return;
		}
		while (len-- && !s->err)
			put(s, s->out[s->out_len - back]);
	}
}

static void block_stored(struct inflate *s)
{
	unsigned len, nlen;

	s->bitbuf = 0; /* the rest of the current byte is padding */
	s->bitcnt = 0;
	len = bits(s, 16);
	nlen = bits(s, 16);
	if (!s->err && len != (~nlen & 0xffff))
		fail(s, "stored block length mismatch");
	if (!s->err && s->in_len - s->pos < len)
		fail(s, "unexpected end of file");
	while (!s->err && len--)
		put(s, s->in[s->pos++]);
}

static void block_fixed(struct inflate *s)
{
	static struct huffman lit, dist;
	static int built;

	if (!built) {
		short length[NLITLEN];
		int i = 0;

		for (; i < 144; i++)
			length[i] = 8;
		for (; i < 256; i++)
			length[i] = 9;
		for (; i < 280; i++)
			length[i] = 7;
		for (; i < NLITLEN; i++)
			length[i] = 8;
		huffman_build(&lit, length, NLITLEN);
		for (i = 0; i < NDIST; i++)
			length[i] = 5;
		huffman_build(&dist, length, NDIST);
		built = 1;
	}
	codes(s, &lit, &dist);
}

/* The literal/length and distance code lengths of a dynamic block, themselves
 * Huffman coded with run lengths (RFC 1951 3.2.7). */
static int dynamic_lengths(struct inflate *s, short *length, int n)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
					   11, 4, 12, 3, 13, 2, 14, 1, 15 };
	short cl[19] = { 0 };
	struct huffman h;
	int ncode = (int)bits(s, 4) + 4;

	for (int i = 0; i < ncode; i++)
		cl[order[i]] = (short)bits(s, 3);
	if (s->err || huffman_build(&h, cl, 19))
		return -1;
	for (int i = 0; i < n && !s->err;) {
		int sym = decode(s, &h), rep;
		short val = 0;

		if (sym < 16) {
			length[i++] = (short)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return -1;
			val = length[i - 1];
			rep = 3 + (int)bits(s, 2);
		} else {
			rep = sym == 17 ? 3 + (int)bits(s, 3) : 11 + (int)bits(s, 7);
		}
		if (i + rep > n)
			return -1;
		while (rep--)
			length[i++] = val;
	}
	return s->err ? -1 : 0;
}

static void block_dynamic(struct inflate *s)
{
	short length[NLITLEN + NDIST];
	struct huffman lit, dist;
	int nlen = (int)bits(s, 5) + 257, ndist = (int)bits(s, 5) + 1;

	if (nlen > 286 || ndist > NDIST || dynamic_lengths(s, length, nlen + ndist) ||
	    length[256] == 0 || huffman_build(&lit, length, nlen) ||
	    huffman_build(&dist, length + nlen, ndist)) {
		fail(s, "invalid dynamic block");
		return;
	}
	codes(s, &lit, &dist);
}

static void deflate_stream(struct inflate *s)
{
	int last;

	do {
		last = (int)bits(s, 1);
		switch (bits(s, 2)) {
		case 0:
			block_stored(s);
			break;
		case 1:
			block_fixed(s);
			break;
		case 2:
			block_dynamic(s);
			break;
		default:
			fail(s, "invalid block type");
		}
	} while (!last && !s->err);
	s->bitbuf = 0; /* the trailer starts at the next byte */
	s->bitcnt = 0;
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffff;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = (v & 1) ? 0xedb88320 ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffff;
}

static uint32_t le32(struct inflate *s)
{
	uint32_t v = bits(s, 16);

	return v | (uint32_t)bits(s, 16) << 16;
}

/* Skip a zero-terminated header field (FNAME, FCOMMENT). */
static void skip_string(struct inflate *s)
{
	while (!s->err && bits(s, 8))
		;
}

/* One member: header (RFC 1952 2.3), deflate data, CRC-32 and ISIZE. */
static void member(struct inflate *s)
{
	unsigned flags;

	if (bits(s, 16) != 0x8b1f || bits(s, 8) != 8) {
		fail(s, "not in gzip format");
		return;
	}
	flags = bits(s, 8);
	if (flags & 0xe0)
		fail(s, "unknown header flags");
	bits(s, 16); /* MTIME */
	bits(s, 16);
	bits(s, 16); /* XFL, OS */
	if (flags & 4) { /* FEXTRA */
		for (unsigned n = bits(s, 16); n && !s->err; n--)
			bits(s, 8);
	}
	if (flags & 8)
		skip_string(s);
	if (flags & 16)
		skip_string(s);
	if (flags & 2)
		bits(s, 16); /* FHCRC */
	s->out_len = 0;
	deflate_stream(s);
	if (s->err)
		return;
	if (le32(s) != crc32(s->out, s->out_len))
		fail(s, "invalid compressed data--crc error");
	if (le32(s) != (uint32_t)s->out_len)
		fail(s, "invalid compressed data--length error");
}

static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	uint8_t *buf = malloc(cap);

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *p = realloc(buf, cap * 2);

			if (!p)
				free(buf);
			buf = p;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

/* 0, 1 on an error, 2 on trailing garbage after a member. */
static int zcat(const char *name)
{
	struct inflate s = { 0 };
	FILE *f = text_open("zcat", name);
	uint8_t *data;
	int rc = 0;

	if (!f)
		return 1;
	data = read_all(f, &s.in_len);
	text_close(f);
	if (!data) {
		fprintf(stderr, "zcat: %s: %s\n", name, strerror(errno ? errno : ENOMEM));
		return 1;
	}
	s.in = data;
	do {
		if (s.pos && (s.in_len - s.pos < 2 || s.in[s.pos] != 0x1f || s.in[s.pos + 1] != 0x8b)) {
			fprintf(stderr, "zcat: %s: decompression OK, trailing garbage ignored\n", name);
			rc = 2;
			break;
		}
		member(&s);
		if (s.err) {
			fprintf(stderr, "zcat: %s: %s\n", name, s.err);
			rc = 1;
			break;
		}
		if (s.out_len)
			fwrite(s.out, 1, s.out_len, stdout);
	} while (s.pos < s.in_len);
	free(s.out);
	free(data);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2)
		return zcat("-");
	for (int i = 1; i < argc; i++) {
		int r = zcat(argv[i]);

		if (r > rc)
			rc = r;
	}
	return fflush(stdout) ? 1 : rc;
}
