/* Request heads, paths and content types for httpd: see http_request.h. */
#include "http_request.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t http_head_length(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The byte the two hex digits at s stand for ("%2F"'s "2F"), or -1. */
static int hex_byte(const char *s)
{
	char digits[3] = { s[0], 0, 0 };

	if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
		return -1;
	digits[1] = s[1];
	return (int)strtoul(digits, NULL, 16);
}

/* Percent-decode target's path part (up to '?' or '#') into out. -1 if malformed. */
static int decode_path(const char *target, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
		char c = *p;
		if (c == '%') {
			int byte = hex_byte(p + 1);
			if (byte < 0)
				return -1;
			c = (char)byte;
			p += 2;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return (int)n;
}

bool http_path_safe(const char *path)
{
	const char *p = path;

	if (path[0] != '/')
		return false;
	while (*p) {
		const char *seg = p + 1, *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return false;
		if (memchr(seg, '\\', len))
			return false;
		p = seg + len;
	}
	return true;
}

/* Header name:value of one line; sets the fields httpd uses. */
/* "bytes=A-B", "bytes=A-" or "bytes=-N"; anything else (several ranges,
 * other units, junk) is ignored and the whole file is sent, as RFC 9110
 * 14.2 allows. */
static void parse_range(const char *v, struct http_request *req)
{
	char *end;
	long long a = -1, b = -1;

	if (strncasecmp(v, "bytes=", 6) || strchr(v, ','))
		return;
	v += 6;
	if (*v != '-') {
		if (*v < '0' || *v > '9')
			return;
		a = strtoll(v, &end, 10);
		v = end;
	}
	if (*v++ != '-')
		return;
	if (*v) {
		if (*v < '0' || *v > '9')
			return;
		b = strtoll(v, &end, 10);
		if (*end || (a >= 0 && b < a))
			return;
	} else if (a < 0) {
		return; /* "bytes=-" */
	}
	req->range = true;
	req->range_first = a;
	req->range_last = b;
}

int http_range_resolve(const struct http_request *req, long long size, long long *start,
		       long long *len)
{
	long long last;

	if (req->range_first < 0) { /* the last range_last bytes */
		if (req->range_last <= 0 || size == 0)
			return 0;
		*start = req->range_last >= size ? 0 : size - req->range_last;
		*len = size - *start;
		return 1;
	}
	if (req->range_first >= size)
		return 0;
	last = req->range_last < 0 || req->range_last >= size ? size - 1 : req->range_last;
	*start = req->range_first;
	*len = last - *start + 1;
	return 1;
}

static void parse_header_line(char *line, struct http_request *req)
{
	char *colon = strchr(line, ':'), *v;

	if (!colon)
		return;
	*colon = 0;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (!strcasecmp(line, "Connection")) {
		if (strcasestr(v, "close"))
			req->keep_alive = false;
		else if (strcasestr(v, "keep-alive"))
			req->keep_alive = true;
	} else if (!strcasecmp(line, "Content-Length")) {
		if (strtol(v, NULL, 10) != 0)
			req->has_body = true;
	} else if (!strcasecmp(line, "Transfer-Encoding")) {
		req->has_body = true;
	} else if (!strcasecmp(line, "Range")) {
		parse_range(v, req);
	}
}

/* "GET /x HTTP/1.1": 0 or a status. */
static int parse_request_line(const char *line, struct http_request *req)
{
	const char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	size_t mlen, tlen;

	if (!sp1 || !sp2 || sp2 == sp1 + 1)
		return 400;
	mlen = (size_t)(sp1 - line);
	tlen = (size_t)(sp2 - sp1 - 1);
	if (mlen == 0 || mlen >= sizeof(req->method))
		return 400;
	if (tlen >= sizeof(req->target))
		return 414;
	memcpy(req->method, line, mlen);
	req->method[mlen] = 0;
	memcpy(req->target, sp1 + 1, tlen);
	req->target[tlen] = 0;
	if (strncmp(sp2 + 1, "HTTP/1.", 7) || !(sp2[8] >= '0' && sp2[8] <= '9') || sp2[9])
		return strncmp(sp2 + 1, "HTTP/", 5) ? 400 : 505;
	req->minor = sp2[8] - '0';
	req->keep_alive = req->minor >= 1;   /* HTTP/1.0 closes unless asked */
	if (req->target[0] != '/')
		return 400;
	int n = decode_path(req->target, req->path, sizeof(req->path));
	if (n < 0 || strlen(req->path) != (size_t)n || !http_path_safe(req->path))
		return 400;   /* malformed escape, an encoded NUL, or ".." */
	return 0;
}

int http_parse_request(const char *text, size_t len, struct http_request *req)
{
	char *copy = malloc(len + 1), *line, *next;
	int status;

	if (!copy)
		return 400;
	memcpy(copy, text, len);
	copy[len] = 0;
	memset(req, 0, sizeof(*req));
	line = copy;
	next = strchr(line, '\n');
	if (next)
		*next++ = 0;
	line[strcspn(line, "\r")] = 0;
	status = parse_request_line(line, req);
	while (status == 0 && next && *next) {
		line = next;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		line[strcspn(line, "\r")] = 0;
		if (!line[0])
			break;
		parse_header_line(line, req);
	}
	free(copy);
	return status;
}

const char *http_content_type(const char *name)
{
	static const char *const types[][2] = {
		{ "html", "text/html" }, { "htm", "text/html" }, { "txt", "text/plain" },
		{ "css", "text/css" }, { "js", "text/javascript" }, { "json", "application/json" },
		{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
		{ "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "ico", "image/x-icon" },
		{ "pdf", "application/pdf" }, { "wasm", "application/wasm" },
		{ "xml", "application/xml" }, { "md", "text/markdown" }, { "c", "text/plain" },
		{ "h", "text/plain" }, { "sh", "text/plain" }, { "conf", "text/plain" },
	};
	const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');

	if (!dot || (slash && dot < slash))
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(dot + 1, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
