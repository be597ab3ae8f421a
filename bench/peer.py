#!/usr/bin/env python3
"""bench/peer.py: bench/run's host-side peers, importable or run as a program.

bench/run calls these directly for the slirp arena (the guest is reached
through hostfwd on 127.0.0.1) and as `ip netns exec NS python3 bench/peer.py
FUNCTION ARG...` for the tap arena (the guest is reached at its own address
from inside the namespace bench/run made). As a program it prints one JSON
line: {"v": number, "note": text} or {"na": reason}.

  tcp_down HOST PORT NBYTES TIMEOUT   host -> benchd's TCP sink, MB/s
  tcp_up HOST PORT NBYTES TIMEOUT     benchd's TCP source -> host, MB/s
  udp_rtt HOST PORT COUNT             32-byte UDP echo, median microseconds
  blast_down HOST PORT SECS           full-size UDP datagrams as fast as the
                                      host can send them at benchd's counting
                                      sink for SECS: MB/s benchd counted (the
                                      guest NIC's own count is bench/run's)
  idle HOST PORT N TIMEOUT            open N connections to an HTTP server and
                                      hold them; print "OPENED <k> <error>",
                                      wait for a line on standard input, then
                                      send a request on each and print how
                                      many were answered in full
  blast_up HOST PORT SECS             benchd sends full-size UDP datagrams for
                                      SECS: MB/s of frames the namespace's
                                      tap0 received (its rx_bytes counter:
                                      what the path carried, socket drops or
                                      not)

Python standard library only.
"""
import json
import re
import socket
import statistics
import struct
import sys
import time

RCVLOWAT = 65536   # bulk receivers on the host: see tcp_up
BLAST_PAYLOAD = 1472   # a full 1514-byte Ethernet frame


class NA(str):
    """A measurement that could not be made; the string is the reason."""


class Value(float):
    note = ""


def value(v, note=""):
    r = Value(v)
    r.note = note
    return r


def tcp_down(host, port, nbytes, timeout):
    """Host sends NBYTES to benchd's sink; MB/s until its "OK n" reply."""
    try:
        t0 = time.monotonic()
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            chunk = b"\x5a" * 65536
            left = nbytes
            while left:
                n = min(left, len(chunk))
                s.sendall(chunk[:n])
                left -= n
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while not reply.endswith(b"\n"):
                d = s.recv(64)
                if not d:
                    break
                reply += d
            t = time.monotonic() - t0
    except OSError as e:
        return NA(f"download: {e}")
    if reply.strip() != f"OK {nbytes}".encode():
        return NA(f"download: guest answered {reply[:40]!r}")
    return Value(nbytes / t / 1e6)


def tcp_up(host, port, nbytes, timeout):
    """Host asks benchd's source for NBYTES; MB/s until EOF.

    The receiving socket has SO_RCVLOWAT 64 KiB: otherwise the host wakes this
    process for every segment QEMU's slirp writes (one per guest segment),
    and on a 2-core host that wake-up preempts QEMU's main loop in the middle
    of its TX work (13,000 preemptions in 1.3 s seen with perf sched_switch):
    the harness, not the guest, set the pace. EOF still wakes the receiver.
    """
    try:
        t0 = time.monotonic()
        got = 0
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, RCVLOWAT)
            s.sendall(f"{nbytes}\n".encode())
            while True:
                d = s.recv(262144)
                if not d:
                    break
                got += len(d)
        t = time.monotonic() - t0
    except OSError as e:
        return NA(f"upload: {e}")
    if got != nbytes:
        return NA(f"upload: got {got} of {nbytes} bytes")
    return Value(nbytes / t / 1e6)


def udp_rtt(host, port, count):
    """Median request/response time in microseconds (32-byte datagrams)."""
    times, lost = [], 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((host, port))
        s.settimeout(1.0)
        for i in range(count + 3):
            payload = struct.pack(">I", i) + b"u" * 28
            t0 = time.monotonic()
            s.send(payload)
            try:
                while s.recv(2048) != payload:
                    pass
            except OSError:
                lost += 1
                if lost > max(3, count // 10):
                    return NA(f"udp: {lost} of {i + 1} lost")
                continue
            if i >= 3:   # the first ones pay for ARP and slirp's socket set-up
                times.append((time.monotonic() - t0) * 1e6)
    if not times:
        return NA("udp: no replies")
    return value(statistics.median(times), f"{lost} lost" if lost else "")


def _ask(s, msg, want, tries=20):
    """Send MSG until a reply starting with WANT comes back (UDP may drop)."""
    for _ in range(tries):
        s.send(msg)
        end = time.monotonic() + 0.25
        while time.monotonic() < end:
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                return None
            if d.startswith(want):
                return d
    return None


def blast_down(host, port, secs):
    """Send full-size UDP datagrams at benchd's counting sink for SECS; MB/s
    of payload it counted (what the path delivers without any TCP)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((host, port))
        s.settimeout(0.25)
        if not _ask(s, b"?reset", b"N "):
            return NA("blast: benchd's UDP sink does not answer")
        data = b"\x5a" * BLAST_PAYLOAD
        sent = 0
        t0 = time.monotonic()
        end = t0 + secs
        s.setblocking(True)
        while time.monotonic() < end:
            for _ in range(64):
                try:
                    s.send(data)
                    sent += 1
                except (BlockingIOError, ConnectionRefusedError, OSError):
                    pass
        t = time.monotonic() - t0
        s.settimeout(0.25)
        r = _ask(s, b"?count", b"N ")
    if not r:
        return NA("blast: no count from benchd")
    got = int(r.split()[1])
    return value(got / t / 1e6, f"{got * 100 // max(1, sent * BLAST_PAYLOAD)} % of "
                 f"{sent} datagrams counted")


def tap_rx_bytes(ifname="tap0"):
    try:
        with open(f"/sys/class/net/{ifname}/statistics/rx_bytes") as fh:
            return int(fh.read())
    except (OSError, ValueError):
        return None


def blast_up(host, port, secs):
    """Ask benchd to send full-size UDP datagrams for SECS; MB/s of frames
    tap0 received (or, outside a namespace with a tap0, of payload received
    here, first to last datagram)."""
    rx0 = tap_rx_bytes()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.connect((host, port))
        s.settimeout(2.0)
        s.send(f"!{int(secs * 1000)}".encode())
        got = n = 0
        t_first = t_last = None
        sent = None
        deadline = time.monotonic() + secs + 10
        while time.monotonic() < deadline:
            try:
                d = s.recv(65536)
            except OSError:
                break
            if d.startswith(b"END "):
                sent = int(d.split()[1])
                break
            now = time.monotonic()
            t_first = t_first or now
            t_last = now
            got += len(d)
            n += 1
    if not n or t_last <= t_first:
        return NA("blast: nothing received from benchd")
    note = f"{n} of {sent} datagrams received" if sent is not None else f"{n} datagrams"
    rx1 = tap_rx_bytes()
    if rx0 is not None and rx1 is not None:
        return value((rx1 - rx0) / secs / 1e6, "tap0 rx_bytes; " + note)
    return value(got / (t_last - t_first) / 1e6, note)


def idle_open(host, port, n, timeout):
    """Open up to N connections within TIMEOUT s: (sockets, error or "")."""
    conns, err = [], ""
    deadline = time.monotonic() + timeout
    for _ in range(n):
        left = deadline - time.monotonic()
        if left <= 0:
            err = "opening timed out"
            break
        try:
            conns.append(socket.create_connection((host, port), timeout=min(left, 20)))
        except OSError as e:
            err = f"connect: {e}"
            break
    return conns, err


def idle_serve(conns, n):
    """One HTTP/1.0 request on each of CONNS; how many answered in full (all
    closed afterwards)."""
    served = 0
    req = b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n"
    live = []
    try:
        for s in conns:
            try:
                s.sendall(req)
                live.append(s)
            except OSError:
                pass
        end = time.monotonic() + max(30.0, n / 200)
        for s in live:
            data = b""
            try:
                s.settimeout(max(0.1, min(10.0, end - time.monotonic())))
                while chunk := s.recv(65536):
                    data += chunk
            except OSError:
                continue
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"Content-Length: (\d+)", head)
            served += bool(head.startswith(b"HTTP/1.1 200") and m
                           and len(body) == int(m.group(1)))
    finally:
        for s in conns:
            s.close()
    return served


def idle(host, port, n, timeout):
    """The CLI's idle: see the module's help."""
    conns, err = idle_open(host, port, n, timeout)
    print(f"OPENED {len(conns)} {err}", flush=True)
    sys.stdin.readline()
    return value(idle_serve(conns, n), err)


FUNCS = {"tcp_down": (tcp_down, (str, int, int, float)),
         "tcp_up": (tcp_up, (str, int, int, float)),
         "udp_rtt": (udp_rtt, (str, int, int)),
         "blast_down": (blast_down, (str, int, float)),
         "blast_up": (blast_up, (str, int, float)),
         "idle": (idle, (str, int, int, float))}


def encode(v):
    if isinstance(v, NA):
        return {"na": str(v)}
    return {"v": float(v), "note": getattr(v, "note", "")}


def decode(d):
    if "na" in d:
        return NA(d["na"])
    return value(d["v"], d.get("note", ""))


def main(argv):
    if len(argv) < 1 or argv[0] not in FUNCS:
        sys.exit(f"usage: peer.py {{{','.join(FUNCS)}}} ARG...")
    fn, types = FUNCS[argv[0]]
    if len(argv) - 1 != len(types):
        sys.exit(f"peer.py {argv[0]}: {len(types)} arguments expected")
    print(json.dumps(encode(fn(*(t(a) for t, a in zip(types, argv[1:]))))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
