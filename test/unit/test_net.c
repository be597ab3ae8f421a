/*
 * Network configuration helpers on the host: the ip= / ip.ethN= /
 * dhcp.timeout= parsers and address formatting (src/net/ipconfig_parse.c),
 * and the lwIP err_t -> errno table (src/net/errno.c).
 */
#include <sis/kernel.h>

#include "unit.h"
#include "ipconfig.h"
#include "lwip/err.h"
#include "net_private.h"

#define A(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (u32)(d))

static void test_modes(void)
{
	struct ipconfig c = { .mode = IPCONFIG_STATIC, .addr = 1 };

	CHECK_EQ(ipconfig_parse("dhcp", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG_DHCP);
	CHECK_EQ(c.addr, 0);
	CHECK_EQ(ipconfig_parse("off", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG_OFF);
	CHECK_EQ(ipconfig_parse("none", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG_OFF);
	CHECK_EQ(ipconfig_parse(NULL, &c), -EINVAL);
	CHECK_EQ(ipconfig_parse("", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse("DHCP", &c), -EINVAL);
	CHECK_EQ(c.mode, IPCONFIG_OFF); /* unchanged by a failed parse */
}

static void test_static(void)
{
	struct ipconfig c;

	CHECK_EQ(ipconfig_parse("10.0.2.15/24", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG_STATIC);
	CHECK_EQ(c.addr, A(10, 0, 2, 15));
	CHECK_EQ(c.prefix, 24);
	CHECK_EQ(c.gateway, 0);
	CHECK_EQ(c.dns, 0);

	CHECK_EQ(ipconfig_parse("192.168.77.5/16:192.168.0.1", &c), 0);
	CHECK_EQ(c.addr, A(192, 168, 77, 5));
	CHECK_EQ(c.prefix, 16);
	CHECK_EQ(c.gateway, A(192, 168, 0, 1));
	CHECK_EQ(c.dns, 0);

	CHECK_EQ(ipconfig_parse("10.0.2.15/24:10.0.2.2:10.0.2.3", &c), 0);
	CHECK_EQ(c.gateway, A(10, 0, 2, 2));
	CHECK_EQ(c.dns, A(10, 0, 2, 3));

	CHECK_EQ(ipconfig_parse("10.0.2.15/24::10.0.2.3", &c), 0); /* no gateway */
	CHECK_EQ(c.gateway, 0);
	CHECK_EQ(c.dns, A(10, 0, 2, 3));
	CHECK_EQ(ipconfig_parse("10.0.2.15/24:", &c), 0);
	CHECK_EQ(c.gateway, 0);
	CHECK_EQ(ipconfig_parse("1.2.3.4/32", &c), 0);
	CHECK_EQ(c.prefix, 32);
	CHECK_EQ(ipconfig_parse("1.2.3.4/1", &c), 0);
}

static void test_static_rejected(void)
{
	static const char *const bad[] = {
		"10.0.2.15",            /* no prefix */
		"10.0.2.15/",           "10.0.2.15/0",       "10.0.2.15/33",
		"10.0.2.15/024",        "10.0.2.15/2x",      "10.0.2/24",
		"10.0.2.15.1/24",       "10.0.2.256/24",     "10..2.15/24",
		".10.0.2/24",           "10.0.2.15./24",     "1000.0.2.15/24",
		"0.0.0.0/8",            "127.0.0.1/8",       "224.0.0.1/4",
		"255.255.255.255/32",   "10.0.2.15/24:10.0.2", "10.0.2.15/24:x",
		"10.0.2.15/24:10.0.2.2:10.0.2.3:junk",       "10.0.2.15/24:10.0.2.2:1.2.3",
		"10.0.2.15/24:127.0.0.1", " 10.0.2.15/24",   "10.0.2.15/24 ",
		"-1.0.2.15/24",         "+1.0.2.15/24",      "10.0.2.15/24:10.0.2.2:0.0.0.0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ipconfig c = { .mode = IPCONFIG_DHCP };
		int r = ipconfig_parse(bad[i], &c);

		if (r != -EINVAL || c.mode != IPCONFIG_DHCP) {
			fprintf(stderr, "accepted bad ip=%s\n", bad[i]);
			unit_failures++;
		}
	}
}

static void test_helpers(void)
{
	char buf[16];
	u32 ms = 7;
	u32 a;

	CHECK_EQ(ipconfig_netmask(0), 0);
	CHECK_EQ(ipconfig_netmask(1), 0x80000000u);
	CHECK_EQ(ipconfig_netmask(24), 0xffffff00u);
	CHECK_EQ(ipconfig_netmask(32), 0xffffffffu);
	CHECK_STR(ipconfig_format_addr(A(10, 0, 2, 15), buf), "10.0.2.15");
	CHECK_STR(ipconfig_format_addr(A(255, 255, 255, 255), buf), "255.255.255.255");
	CHECK_STR(ipconfig_format_addr(0, buf), "0.0.0.0");
	CHECK_STR(ipconfig_format_addr(A(192, 168, 100, 9), buf), "192.168.100.9");
	CHECK_EQ(ipconfig_parse_addr("1.2.3.4", 7, &a), 0);
	CHECK_EQ(a, A(1, 2, 3, 4));
	CHECK_EQ(ipconfig_parse_addr("1.2.3.4", 5, &a), -EINVAL); /* "1.2.3" */

	CHECK_EQ(ipconfig_parse_ifname("eth0"), 0);
	CHECK_EQ(ipconfig_parse_ifname("eth7"), 7);
	CHECK_EQ(ipconfig_parse_ifname("eth12"), 12);
	CHECK_EQ(ipconfig_parse_ifname("eth"), -EINVAL);
	CHECK_EQ(ipconfig_parse_ifname("eth123"), -EINVAL);
	CHECK_EQ(ipconfig_parse_ifname("wlan0"), -EINVAL);
	CHECK_EQ(ipconfig_parse_ifname("eth1x"), -EINVAL);
	CHECK_EQ(ipconfig_parse_ifname(NULL), -EINVAL);

	CHECK_EQ(ipconfig_parse_timeout("1000", &ms), 0);
	CHECK_EQ(ms, 1000);
	CHECK_EQ(ipconfig_parse_timeout("600000", &ms), 0);
	CHECK_EQ(ipconfig_parse_timeout("600001", &ms), -EINVAL);
	CHECK_EQ(ipconfig_parse_timeout("0", &ms), -EINVAL);
	CHECK_EQ(ipconfig_parse_timeout("", &ms), -EINVAL);
	CHECK_EQ(ipconfig_parse_timeout("10s", &ms), -EINVAL);
	CHECK_EQ(ipconfig_parse_timeout("-5", &ms), -EINVAL);
	CHECK_EQ(ipconfig_parse_timeout(NULL, &ms), -EINVAL);
	CHECK_EQ(ms, 600000);
}

static void test_errno_table(void)
{
	static const struct { err_t err; int expect; } map[] = {
		{ ERR_OK, 0 },	       { ERR_MEM, -ENOMEM },	 { ERR_BUF, -ENOBUFS },
		{ ERR_TIMEOUT, -ETIMEDOUT }, { ERR_RTE, -EHOSTUNREACH },
		{ ERR_INPROGRESS, -EINPROGRESS }, { ERR_VAL, -EINVAL },
		{ ERR_WOULDBLOCK, -EAGAIN }, { ERR_USE, -EADDRINUSE },
		{ ERR_ALREADY, -EALREADY }, { ERR_ISCONN, -EISCONN }, { ERR_CONN, -ENOTCONN },
		{ ERR_IF, -EIO },      { ERR_ABRT, -ECONNABORTED }, { ERR_RST, -ECONNRESET },
		{ ERR_CLSD, -ENOTCONN }, { ERR_ARG, -EINVAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		CHECK_EQ(net_err_to_errno(map[i].err), map[i].expect);
	/* Every lwIP code maps to a negative errno; anything else is -EIO. */
	for (int e = -1; e >= ERR_ARG; e--)
		CHECK(net_err_to_errno((err_t)e) < 0);
	CHECK_EQ(net_err_to_errno((err_t)(ERR_ARG - 1)), -EIO);
	CHECK_EQ(net_err_to_errno((err_t)-128), -EIO);
	CHECK_EQ(net_err_to_errno((err_t)1), -EIO);
	CHECK_EQ(net_err_to_errno((err_t)127), -EIO);
}

/* Text -> bytes -> RFC 5952 text. */
static void check_addr6(const char *in, const char *canonical)
{
	u8 a[16];
	char buf[IPCONFIG_ADDR6_STRLEN];

	CHECK_EQ(ipconfig_parse_addr6(in, strlen(in), a), 0);
	CHECK_STR(ipconfig_format_addr6(a, buf), canonical);
}

static void test_addr6(void)
{
	static const char *bad[] = { "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
				     "12345::", "g::", "1:", ":1", "1.2.3.4", "::1.2.3", "::1.2.3.4:5",
				     "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%1" };
	u8 a[16];

	check_addr6("::", "::");
	check_addr6("::1", "::1");
	check_addr6("1::", "1::");
	check_addr6("FEC0::2", "fec0::2");
	check_addr6("fec0:0:0:0:0:0:0:2", "fec0::2");
	check_addr6("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	check_addr6("2001:0db8:0000:0001:0001:0001:0001:0001", "2001:db8:0:1:1:1:1:1");
	check_addr6("fe80::5054:ff:fe12:3456", "fe80::5054:ff:fe12:3456");
	check_addr6("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	check_addr6("::ffff:10.0.2.15", "::ffff:10.0.2.15");
	check_addr6("64:ff9b::1.2.3.4", "64:ff9b::102:304");
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(ipconfig_parse_addr6(bad[i], strlen(bad[i]), a), -EINVAL);
}

static void test_ip6_option(void)
{
	struct ipconfig6 c = { .mode = IPCONFIG6_OFF };
	char buf[IPCONFIG_ADDR6_STRLEN];

	CHECK_EQ(ipconfig_parse6("auto", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG6_AUTO);
	CHECK_EQ(ipconfig_parse6("off", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG6_OFF);
	CHECK_EQ(ipconfig_parse6("fec0::15/64", &c), 0);
	CHECK_EQ(c.mode, IPCONFIG6_STATIC);
	CHECK_STR(ipconfig_format_addr6(c.addr, buf), "fec0::15");
	CHECK_EQ(c.prefix, 64);
	CHECK(!c.has_gateway);
	CHECK_EQ(ipconfig_parse6("2001:db8::5/128,fe80::1", &c), 0);
	CHECK_EQ(c.prefix, 128);
	CHECK(c.has_gateway);
	CHECK_STR(ipconfig_format_addr6(c.gateway, buf), "fe80::1");
	CHECK_EQ(ipconfig_parse6("fec0::15", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("fec0::15/0", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("fec0::15/129", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("fec0::15/", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("fec0::15/64,", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("::/64", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("::1/128", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("ff02::1/64", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6("fec0::15/64,ff02::2", &c), -EINVAL);
	CHECK_EQ(ipconfig_parse6(NULL, &c), -EINVAL);
	CHECK_EQ(c.prefix, 128); /* unchanged by a failed parse */
}

int main(void)
{
	test_modes();
	test_static();
	test_static_rejected();
	test_helpers();
	test_errno_table();
	test_addr6();
	test_ip6_option();
	return unit_finish("net");
}
