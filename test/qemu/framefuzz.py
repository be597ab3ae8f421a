#!/usr/bin/env python3
"""framefuzz.py: malformed and semi-valid frames at a SIS guest over a tap.

Usage (inside the test's network namespace, as root):
    framefuzz.py IFNAME GUEST_MAC GUEST_IP HOST_IP COUNT SEED [RATE]

Sends COUNT frames from an AF_PACKET socket on IFNAME, drawn with
random.Random(SEED) (printed, so a run can be replayed) from generators of
broken Ethernet/ARP/IPv4/TCP/UDP/ICMP: truncations at every layer, bad
checksums and lengths, IP options and fragments (overlapping, out of order,
never completed), TCP segments with every flag combination and garbage
options at the guest's listening port and closed ones, ARP for addresses
other than the host's, ICMP errors quoting made-up headers, oversize frames.

What it keeps away from, so the live connections of the test can keep
working: frames from HOST_IP to TCP ports the host's kernel gives curl
(source ports >= 32768) and ARP that would rebind HOST_IP. Everything else
from HOST_IP uses source ports below 32768.
RATE (frames per second, default unlimited) spreads the flood over time so
it overlaps the live traffic. Prints `framefuzz: seed S sent N refused M`.
"""
import random
import socket
import struct
import sys
import time


def main():
    ifname, gmac, gip, hip, count, seed = sys.argv[1:7]
    count, seed = int(count), int(seed)
    rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0
    rnd = random.Random(seed)
    dmac = bytes.fromhex(gmac.replace(":", ""))
    smac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip()
                         .replace(":", ""))
    gip, hip = socket.inet_aton(gip), socket.inet_aton(hip)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))

    def rbytes(n):
        return bytes(rnd.getrandbits(8) for _ in range(n))

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        t = sum(struct.unpack(f"!{len(b) // 2}H", b))
        while t >> 16:
            t = (t & 0xffff) + (t >> 16)
        return ~t & 0xffff

    def spoofed():
        """A source address on the guest's subnet that is not the host."""
        return bytes([10, 0, 2, rnd.choice([3, 4, 7, 99, 200, 254])])

    def eth(payload, etype=0x0800, dst=None):
        return (dst or dmac) + smac + struct.pack("!H", etype) + payload

    def ip(proto, payload, src=None, ihl=5, tot=None, frag=0, ident=None, bad=False,
           opts=b"", ttl=64, dst=None):
        src = src or hip
        tot = 4 * ihl + len(payload) if tot is None else tot
        h = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl & 15), rnd.choice([0, 0, 0xb8, 0xff]),
                        tot & 0xffff, rnd.getrandbits(16) if ident is None else ident,
                        frag, ttl, proto, 0, src, dst or gip) + opts
        c = csum(h[:20 + len(opts)]) ^ (0x1234 if bad else 0)
        return h[:10] + struct.pack("!H", c) + h[12:] + payload

    def l4sum(src, proto, seg):
        return csum(src + gip + struct.pack("!BBH", 0, proto, len(seg)) + seg)

    def tcp_opts():
        kinds = [b"\x02\x04" + struct.pack("!H", rnd.choice([0, 1, 536, 1460, 65535])),
                 b"\x03\x03" + bytes([rnd.choice([0, 7, 14, 15, 255])]),
                 b"\x04\x02", b"\x08\x0a" + rbytes(8), b"\x05" + bytes([rnd.choice([2, 10, 18, 34])]) + rbytes(8),
                 b"\x01", b"\x00", bytes([rnd.getrandbits(8), rnd.choice([0, 1, 2, 40, 255])])]
        o = b"".join(rnd.choice(kinds) for _ in range(rnd.randrange(0, 6)))
        o = o[:40]
        return o + b"\x00" * (-len(o) % 4)

    def tcp(src=None, dport=None, bad=False, junk_off=False):
        src = src or hip
        sport = rnd.randrange(1, 32768) if src == hip else rnd.randrange(1, 65536)
        dport = dport or rnd.choice([80, 80, 80, 7, 22, rnd.randrange(1, 65536)])
        opts = tcp_opts() if rnd.random() < 0.5 else b""
        off = (20 + len(opts)) // 4
        if junk_off:
            off = rnd.choice([0, 1, 4, 15])
        flags = rnd.choice([0x02, 0x02, 0x10, 0x12, 0x11, 0x04, 0x14, 0x18, 0x01, 0x29,
                            0x3f, 0xff, rnd.getrandbits(8)])
        data = rbytes(rnd.choice([0, 0, 1, 100, 536, 1400]))
        h = struct.pack("!HHIIBBHHH", sport, dport, rnd.getrandbits(32), rnd.getrandbits(32),
                        off << 4, flags, rnd.choice([0, 1, 512, 65535, rnd.getrandbits(16)]),
                        0, rnd.getrandbits(16) if flags & 0x20 else 0) + opts
        seg = h + data
        c = l4sum(src, 6, seg) ^ (0x4321 if bad else 0)
        return seg[:16] + struct.pack("!H", c) + seg[18:]

    def udp(src=None, bad=False, ulen=None, dport=None):
        src = src or hip
        data = rbytes(rnd.randrange(0, 300))
        h = struct.pack("!HHHH", rnd.randrange(1, 32768),
                        dport or rnd.choice([68, 53, 67, 7, 5353, rnd.randrange(1, 65536)]),
                        ulen if ulen is not None else 8 + len(data), 0)
        c = l4sum(src, 17, h + data) ^ (0x1111 if bad else 0)
        return h[:6] + struct.pack("!H", c if rnd.random() < 0.9 else 0) + data

    def icmp(bad=False):
        t = rnd.choice([8, 8, 0, 3, 4, 5, 11, 12, 13, 17, rnd.randrange(256)])
        if t in (3, 4, 5, 11, 12):  # an error quoting a made-up datagram
            quoted = ip(rnd.choice([6, 17, 1]), rbytes(8), src=gip, dst=spoofed())[:28]
            body = struct.pack("!BBHI", t, rnd.randrange(16), 0, rnd.getrandbits(32)) + quoted
        else:
            body = struct.pack("!BBHHH", t, rnd.randrange(4), 0, rnd.getrandbits(16),
                               rnd.getrandbits(16)) + rbytes(rnd.choice([0, 8, 56, 1000, 1472]))
        c = csum(body) ^ (0x1111 if bad else 0)
        return body[:2] + struct.pack("!H", c) + body[4:]

    def arp():
        valid = rnd.random() < 0.6
        hl, pl = (6, 4) if valid else (rnd.getrandbits(8), rnd.getrandbits(8))
        op = rnd.choice([1, 2, 1, rnd.getrandbits(16)])
        sender = spoofed()
        target = rnd.choice([gip, gip, spoofed(), b"\xff\xff\xff\xff"])
        body = struct.pack("!HHBBH", rnd.choice([1, 1, 6, rnd.getrandbits(16)]),
                           rnd.choice([0x0800, 0x0800, 0x86dd]), hl, pl, op)
        body += rbytes(6) + sender + rbytes(6) + target
        return body[:rnd.choice([len(body), len(body), 8, 20])] + rbytes(rnd.randrange(0, 20))

    def fragments():
        """Pieces of one datagram, shuffled, overlapping, maybe incomplete."""
        ident = rnd.getrandbits(16)
        payload = udp(dport=7)
        payload += rbytes(rnd.randrange(0, 3000))
        frames, off = [], 0
        while off < len(payload):
            n = rnd.choice([8, 16, 64, 512, 1472]) & ~7
            piece = payload[off:off + n]
            more = off + n < len(payload)
            frag = (0x2000 if more or rnd.random() < 0.1 else 0) | (off // 8)
            frames.append(eth(ip(17, piece, ident=ident, frag=frag)))
            if rnd.random() < 0.2:  # an overlapping duplicate, shifted
                frames.append(eth(ip(17, rbytes(len(piece)), ident=ident,
                                     frag=0x2000 | max(0, off // 8 - 1))))
            off += n
        if rnd.random() < 0.3:
            frames.pop(rnd.randrange(len(frames)))  # never completed
        rnd.shuffle(frames)
        return frames

    def one():
        src = rnd.choice([hip, hip, spoofed()])
        gens = [
            lambda: [rbytes(rnd.randrange(1, 1600))],
            lambda: [rbytes(rnd.randrange(1, 14))],
            lambda: [eth(ip(17, udp(src))[:rnd.randrange(0, 28)])],
            lambda: [eth(ip(17, udp(src), src=src, bad=True))],
            lambda: [eth(ip(17, udp(src), src=src, ihl=rnd.choice([0, 1, 4, 6, 15])))],
            lambda: [eth(ip(17, udp(src), src=src, tot=rnd.choice([0, 10, 19, 21, 1500, 65535])))],
            lambda: [eth(ip(17, udp(src, bad=True), src=src))],
            lambda: [eth(ip(17, udp(src, ulen=rnd.choice([0, 7, 9, 2000])), src=src))],
            lambda: [eth(ip(6, tcp(src, bad=rnd.random() < 0.3), src=src))],
            lambda: [eth(ip(6, tcp(src, dport=80), src=src))],
            lambda: [eth(ip(6, tcp(src, junk_off=True), src=src))],
            lambda: [eth(ip(6, tcp(src)[:rnd.randrange(0, 20)], src=src))],
            lambda: [eth(ip(1, icmp(bad=rnd.random() < 0.3), src=src))],
            lambda: [eth(ip(rnd.randrange(256), rbytes(rnd.randrange(0, 300)), src=src))],
            lambda: [eth(ip(17, udp(src), src=src, ihl=15, opts=rbytes(40)))],
            lambda: [eth(ip(17, udp(src), src=src, ihl=rnd.choice([6, 7, 15]),
                            opts=bytes([rnd.choice([0, 1, 7, 68, 130, 131, 137, 148])]) +
                            rbytes(4 * 10 - 1)))],
            lambda: [eth(ip(17, udp(src), src=src, ttl=rnd.choice([0, 1])))],
            lambda: [eth(arp(), etype=0x0806, dst=rnd.choice([b"\xff" * 6, dmac]))],
            lambda: [eth(rbytes(rnd.randrange(0, 1500)),
                         etype=rnd.choice([0x86dd, 0x8100, 0x88cc, 0x0806, rnd.getrandbits(16)]))],
            lambda: [eth(ip(17, udp(src), src=src) + rbytes(rnd.randrange(1500, 8000)))],
            lambda: [eth(ip(17, udp(src), src=bytes([rnd.randrange(224, 256), 0, 0, 1])))],
            lambda: [eth(ip(17, udp(src), src=src), dst=rnd.choice([b"\xff" * 6, b"\x01\x00\x5e\x00\x00\x01",
                                                                   rbytes(6)]))],
            lambda: [eth(ip(17, udp(src), src=src, dst=rnd.choice([b"\xff" * 4, b"\x0a\x00\x02\xff",
                                                                   b"\xe0\x00\x00\x01", rbytes(4)])))],
            fragments,
        ]
        return rnd.choice(gens)()

    sent = refused = 0
    start = time.monotonic()
    while sent + refused < count:
        if rate:
            ahead = (sent + refused) / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
        for frame in one():
            try:
                s.send(frame)
                sent += 1
            except OSError:
                refused += 1
    print(f"framefuzz: seed {seed} sent {sent} refused {refused}")


if __name__ == "__main__":
    main()
