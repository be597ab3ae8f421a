/* TCP-level (IPPROTO_TCP) socket options: Linux's values (include/uapi/linux/tcp.h). */
#ifndef UAPI_SIS_TCP_H
#define UAPI_SIS_TCP_H

#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4   /* seconds before the first keepalive probe */
#define TCP_KEEPINTVL 5  /* seconds between probes */
#define TCP_KEEPCNT 6    /* unanswered probes before the connection drops */
#define TCP_SYNCNT 7
#define TCP_LINGER2 8
#define TCP_DEFER_ACCEPT 9
#define TCP_WINDOW_CLAMP 10
#define TCP_INFO 11
#define TCP_QUICKACK 12
#define TCP_CONGESTION 13
#define TCP_USER_TIMEOUT 18 /* ms data may stay unacknowledged before ETIMEDOUT; 0 = lwIP's retries */

/*
 * getsockopt(TCP_INFO): Linux's struct tcp_info up to tcpi_snd_wnd (the
 * Linux 5.4 .. 6.1 size, 232 bytes); a shorter buffer gets a prefix, as on
 * Linux. Fields lwIP does not keep are 0 (see tcp_sock_getopt).
 */
#ifndef __ASSEMBLER__
struct tcp_info {
	unsigned char tcpi_state;         /* Linux TCP_ESTABLISHED (1) .. TCP_CLOSING (11) */
	unsigned char tcpi_ca_state;
	unsigned char tcpi_retransmits;   /* retransmissions of the oldest unacked segment */
	unsigned char tcpi_probes;
	unsigned char tcpi_backoff;
	unsigned char tcpi_options;       /* TCPI_OPT_* */
	unsigned char tcpi_wscale;        /* snd_wscale : 4, rcv_wscale : 4 */
	unsigned char tcpi_flags;
	unsigned int tcpi_rto;          /* microseconds */
	unsigned int tcpi_ato;
	unsigned int tcpi_snd_mss;
	unsigned int tcpi_rcv_mss;
	unsigned int tcpi_unacked;      /* segments sent and not acknowledged */
	unsigned int tcpi_sacked;
	unsigned int tcpi_lost;
	unsigned int tcpi_retrans;
	unsigned int tcpi_fackets;
	unsigned int tcpi_last_data_sent;
	unsigned int tcpi_last_ack_sent;
	unsigned int tcpi_last_data_recv;
	unsigned int tcpi_last_ack_recv;
	unsigned int tcpi_pmtu;
	unsigned int tcpi_rcv_ssthresh;
	unsigned int tcpi_rtt;          /* smoothed round trip, microseconds */
	unsigned int tcpi_rttvar;
	unsigned int tcpi_snd_ssthresh; /* segments */
	unsigned int tcpi_snd_cwnd;     /* segments */
	unsigned int tcpi_advmss;
	unsigned int tcpi_reordering;
	unsigned int tcpi_rcv_rtt;
	unsigned int tcpi_rcv_space;
	unsigned int tcpi_total_retrans;
	unsigned long long tcpi_pacing_rate;
	unsigned long long tcpi_max_pacing_rate;
	unsigned long long tcpi_bytes_acked;
	unsigned long long tcpi_bytes_received;
	unsigned int tcpi_segs_out;
	unsigned int tcpi_segs_in;
	unsigned int tcpi_notsent_bytes;
	unsigned int tcpi_min_rtt;
	unsigned int tcpi_data_segs_in;
	unsigned int tcpi_data_segs_out;
	unsigned long long tcpi_delivery_rate;
	unsigned long long tcpi_busy_time;
	unsigned long long tcpi_rwnd_limited;
	unsigned long long tcpi_sndbuf_limited;
	unsigned int tcpi_delivered;
	unsigned int tcpi_delivered_ce;
	unsigned long long tcpi_bytes_sent;
	unsigned long long tcpi_bytes_retrans;
	unsigned int tcpi_dsack_dups;
	unsigned int tcpi_reord_seen;
	unsigned int tcpi_rcv_ooopack;
	unsigned int tcpi_snd_wnd;      /* the peer's window, bytes */
};
#define TCPI_OPT_TIMESTAMPS 1
#define TCPI_OPT_SACK 2
#define TCPI_OPT_WSCALE 4
#endif

#endif
