/*
 * ktest=net_tcp: bulk TCP through the whole path (virtio-net, softirq, lwIP
 * windows) without the socket layer. Two listeners on the raw API:
 *   port 5001  sink:   reads until EOF, checks every byte against the pattern
 *   port 5002  source: sends NET_TCP_BYTES of the pattern, then closes
 * The pattern is byte i = (i + i / 251) & 0xff of the stream: its period,
 * 251 * 256 = 64256 bytes, is no power of two, so a lost, duplicated or
 * reordered segment shows up. Two periods are precomputed so that checking
 * and producing data are memcmp/memcpy, leaving the stack as the bottleneck.
 * The test ends when one transfer each way has completed (or 120 s pass) and
 * exits 0 if the sink saw exactly NET_TCP_BYTES correct bytes and the source
 * had all its data acknowledged. Rates go to the log.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/timer.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/mm.h>

#include "lwip/tcp.h"
#include "lwip_shim.h"
#include "net_private.h"

#define SINK_PORT 5001
#define SOURCE_PORT 5002
#define NET_TCP_BYTES (32u << 20)
#define WAIT_S 120
#define PERIOD (251 * 256)

struct transfer {
	const char *what;
	u64 bytes;       /* received (sink) or acknowledged (source) */
	u64 queued;      /* source: handed to tcp_write */
	u64 bad;         /* sink: bytes that did not match the pattern */
	u64 start_ns, end_ns;
	bool done;
	bool failed;
};

static struct transfer sink = { .what = "sink" }, source = { .what = "source" };
static volatile bool finished;
static u8 *pattern; /* 2 * PERIOD bytes: pattern[i] for i < 2 * PERIOD */

static const u8 *pattern_from(u64 offset)
{
	return pattern + offset % PERIOD;
}

static void check_done(void)
{
	if (sink.done && source.done)
		finished = true;
}

static void transfer_end(struct transfer *t, struct tcp_pcb *pcb, bool failed)
{
	if (t->done)
		return;
	t->done = true;
	t->failed = failed;
	t->end_ns = time_ns();
	if (pcb) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	check_done();
}

static void on_error(void *arg, err_t err)
{
	struct transfer *t = arg;

	if (!t)
		return;
	log_err("ktest: net_tcp: %s connection error %d", t->what, net_err_to_errno(err));
	transfer_end(t, NULL, true); /* the pcb is already freed */
}

/* Sink: verify and count; acknowledge to reopen the window. */
static err_t sink_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct transfer *t = arg;

	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		transfer_end(t, pcb, err != ERR_OK);
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next) {
		/* A large segment may be longer than PERIOD (IPv6: 45 * 1440 bytes):
		 * compare a period at a time, the pattern holds two. */
		for (u16 off = 0, n; off < q->len; off = (u16)(off + n)) {
			n = (u16)MIN((u32)q->len - off, (u32)PERIOD);
			if (memcmp((const u8 *)q->payload + off, pattern_from(t->bytes), n) != 0)
				t->bad += n;
			t->bytes += n;
		}
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

/* Source: keep the send buffer full until everything is queued. */
static void source_fill(struct transfer *t, struct tcp_pcb *pcb)
{
	while (t->queued < NET_TCP_BYTES) {
		u32 n = MIN(16384u, (u32)tcp_sndbuf(pcb));

		n = (u32)MIN((u64)n, NET_TCP_BYTES - t->queued);
		if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 16)
			break;
		if (tcp_write(pcb, pattern_from(t->queued), (u16)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		t->queued += n;
	}
	tcp_output(pcb);
}

static err_t source_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct transfer *t = arg;

	t->bytes += len;
	if (t->bytes >= NET_TCP_BYTES)
		transfer_end(t, pcb, false);
	else
		source_fill(t, pcb);
	return ERR_OK;
}

/* Data sent to the source is ignored; EOF from the peer is fine. */
static err_t source_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
	}
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct transfer *t = arg;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (t->start_ns) {
		tcp_abort(pcb); /* one transfer per direction */
		return ERR_ABRT;
	}
	t->start_ns = time_ns();
	tcp_arg(pcb, t);
	tcp_err(pcb, on_error);
	if (t == &sink) {
		tcp_recv(pcb, sink_recv);
	} else {
		tcp_recv(pcb, source_recv);
		tcp_sent(pcb, source_sent);
		source_fill(t, pcb);
	}
	return ERR_OK;
}

static struct tcp_pcb *listen_on(u16 port, struct transfer *t)
{
	struct tcp_pcb *pcb = tcp_new();
	struct tcp_pcb *lpcb;

	if (!pcb)
		return NULL;
	if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
		tcp_abort(pcb);
		return NULL;
	}
	lpcb = tcp_listen(pcb);
	if (!lpcb) {
		tcp_abort(pcb);
		return NULL;
	}
	tcp_arg(lpcb, t);
	tcp_accept(lpcb, on_accept);
	return lpcb;
}

static void report(const struct transfer *t)
{
	u64 ns = t->end_ns > t->start_ns ? t->end_ns - t->start_ns : 1;
	u64 kbps = t->bytes * 8 * NSEC_PER_SEC / ns / 1000;

	log_info("ktest: net_tcp: %s %lu bytes in %lu ms (%lu.%03lu Mbit/s)%s%s", t->what,
		 (unsigned long)t->bytes, (unsigned long)(ns / NSEC_PER_MSEC),
		 (unsigned long)(kbps / 1000), (unsigned long)(kbps % 1000),
		 t->bad ? ", CORRUPT BYTES" : "", t->failed ? ", FAILED" : "");
}

/* Let closing connections finish their FIN exchange (so the peer sees EOF)
 * before the test powers the machine off; at most 3 s. */
static void wait_closed(void)
{
	u64 deadline = time_ns() + 3 * NSEC_PER_SEC;
	bool never = false, open;

	do {
		net_lock();
		open = lwip_shim_tcp_first(LWIP_SHIM_TCP_ACTIVE) != NULL;
		net_unlock();
		if (open)
			net_wait_until(&never, MIN(deadline, time_ns() + 20 * NSEC_PER_MSEC));
	} while (open && time_ns() < deadline);
}

static int ktest_net_tcp(void)
{
	struct tcp_pcb *l1, *l2;
	int rc;

	pattern = kmalloc(2 * PERIOD);
	if (!pattern)
		return 100;
	for (u32 i = 0; i < 2 * PERIOD; i++)
		pattern[i] = (u8)(i + i / 251);
	net_lock();
	l1 = listen_on(SINK_PORT, &sink);
	l2 = listen_on(SOURCE_PORT, &source);
	net_unlock();
	if (!l1 || !l2) {
		log_err("ktest: net_tcp: cannot listen");
		return 100;
	}
	log_info("ktest: net_tcp: listening: sink on %d, source on %d (%u bytes each way)",
		 SINK_PORT, SOURCE_PORT, NET_TCP_BYTES);
	net_wait_until(&finished, time_ns() + WAIT_S * NSEC_PER_SEC);
	net_lock();
	tcp_close(l1);
	tcp_close(l2);
	net_unlock();
	wait_closed();
	report(&sink);
	report(&source);
	rc = 0;
	if (!sink.done || sink.failed || sink.bytes != NET_TCP_BYTES || sink.bad)
		rc |= 1;
	if (!source.done || source.failed || source.bytes < NET_TCP_BYTES)
		rc |= 2;
	if (rc)
		net_stats_dump();
	kfree(pattern);
	return rc;
}
KTEST("net_tcp", ktest_net_tcp);
