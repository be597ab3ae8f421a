/* Interface addresses (RTM_NEWADDR/DELADDR/GETADDR): Linux's ABI (include/uapi/linux/if_addr.h). */
#ifndef UAPI_SIS_IF_ADDR_H
#define UAPI_SIS_IF_ADDR_H

struct ifaddrmsg {
	unsigned char ifa_family;
	unsigned char ifa_prefixlen;
	unsigned char ifa_flags;  /* IFA_F_* (low 8 bits; all of them in IFA_FLAGS) */
	unsigned char ifa_scope;  /* RT_SCOPE_* */
	unsigned int ifa_index;
};

enum {
	IFA_UNSPEC,
	IFA_ADDRESS,   /* the peer's on point-to-point links, else the local one */
	IFA_LOCAL,
	IFA_LABEL,     /* string: "eth0", "eth0:1" */
	IFA_BROADCAST,
	IFA_ANYCAST,
	IFA_CACHEINFO, /* struct ifa_cacheinfo */
	IFA_MULTICAST,
	IFA_FLAGS,     /* u32 */
	IFA_RT_PRIORITY,
	IFA_TARGET_NETNSID,
	IFA_PROTO,
};

#define IFA_F_SECONDARY 0x01
#define IFA_F_NODAD 0x02
#define IFA_F_OPTIMISTIC 0x04
#define IFA_F_DADFAILED 0x08
#define IFA_F_HOMEADDRESS 0x10
#define IFA_F_DEPRECATED 0x20
#define IFA_F_TENTATIVE 0x40
#define IFA_F_PERMANENT 0x80
#define IFA_F_NOPREFIXROUTE 0x200

struct ifa_cacheinfo {
	unsigned int ifa_prefered;
	unsigned int ifa_valid;
	unsigned int cstamp; /* created, hundredths of seconds since boot */
	unsigned int tstamp; /* updated */
};

#endif
