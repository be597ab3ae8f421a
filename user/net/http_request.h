/*
 * HTTP/1.x request heads for httpd (RFC 9112 section 3, RFC 9110): parse
 * the request line and the headers httpd cares about, turn the target into a
 * safe relative file path, and pick a Content-Type. Pure string code.
 */
#ifndef SIS_NET_HTTP_REQUEST_H
#define SIS_NET_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_PATH_MAX 1024

struct http_request {
	char method[16];
	char target[HTTP_PATH_MAX];  /* as sent, for the access log */
	char path[HTTP_PATH_MAX];    /* decoded, without query; starts with '/' */
	int minor;                   /* HTTP/1.<minor> */
	bool keep_alive;             /* the connection may stay open afterwards */
	bool has_body;               /* Content-Length > 0 or Transfer-Encoding */
	/* "Range: bytes=first-last" (one range; last -1 = to the end) or
	 * "bytes=-suffix" (first -1, last = the suffix length). */
	bool range;
	long long range_first, range_last;
};

/*
 * The byte range [*start, *start + *len) of a size-byte file that req asks
 * for (RFC 9110 14.1.2): 1 if there is one, 0 if it is unsatisfiable (416).
 */
int http_range_resolve(const struct http_request *req, long long size, long long *start,
		       long long *len);

/*
 * Parse a complete request head (up to and including the empty line) in
 * text[0, len). Returns 0, or the HTTP status to answer with: 400 (malformed),
 * 414 (target too long), 505 (not HTTP/1.x).
 */
int http_parse_request(const char *text, size_t len, struct http_request *req);

/*
 * Length of the request head at the start of buf (through "\r\n\r\n" or
 * "\n\n"), or 0 if it is not complete yet.
 */
size_t http_head_length(const char *buf, size_t len);

/*
 * Check a decoded path: no NUL bytes, no ".." component, starts with '/'.
 * True if it may be appended to the document root.
 */
bool http_path_safe(const char *path);

/* Content-Type for a file name (by extension); application/octet-stream if unknown. */
const char *http_content_type(const char *name);

/* The reason phrase of a status code ("OK", "Not Found", ...). */
const char *http_reason(int status);

#endif
