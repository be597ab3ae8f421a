#!/usr/bin/env python3
"""mkcpio.py: write a deterministic cpio "newc" archive (the Linux initramfs format).

Usage:
  tools/mkcpio.py -o OUT.cpio [--base BASE.cpio] [--dir GUESTDIR]... [SPEC]...
  tools/mkcpio.py --list ARCHIVE.cpio

SPEC is HOSTPATH[:GUESTPATH]. GUESTPATH defaults to /bin/<basename of HOSTPATH>.
A GUESTPATH ending in '/' means "into this directory" (GUESTPATH/<basename>).
If HOSTPATH is a directory, its contents are added recursively under GUESTPATH.

Rules of the output, so it is reproducible byte for byte:
  - entries are sorted by path; every parent directory gets its own entry;
  - names are stored without a leading '/' (as Linux's gen_init_cpio does);
  - uid = gid = 0, mtime = 0, inode numbers count up from 1 in output order;
  - regular files are 0755 if the host file has any execute bit, else 0644;
    directories are 0755; symlinks are 0777 with the link target as data;
  - with --base, the entries of BASE (a newc archive, e.g. one made by this
    tool) are kept (normalised the same way) and SPECs replace entries with
    the same path. Hard links in BASE become independent copies.

--depfile FILE writes a Make-style dependency file (for meson's depfile=).
"""
import argparse
import os
import stat
import sys

MAGIC = b"070701"
MAGIC_CRC = b"070702"
TRAILER = "TRAILER!!!"


class CpioError(Exception):
    pass


class Entry:
    """One archive member: path (no leading '/'), mode (with type bits), data."""

    __slots__ = ("path", "mode", "data", "rdev")

    def __init__(self, path, mode, data=b"", rdev=(0, 0)):
        self.path = path
        self.mode = mode
        self.data = data
        self.rdev = rdev


def norm_guest(path):
    """Normalise a guest path: no leading '/' or './', no '..', no empty parts."""
    parts = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            raise CpioError(f"'..' not allowed in guest path {path!r}")
        parts.append(p)
    if not parts:
        raise CpioError(f"empty guest path {path!r}")
    return "/".join(parts)


def _pad4(n):
    return (4 - n % 4) % 4


def read_archive(blob, what="archive"):
    """Parse a newc (070701/070702) archive into a list of Entry, in order."""
    entries = []
    links = {}  # (devmajor, devminor, ino) -> data, to resolve hard links
    pending = {}  # same key -> entries whose data comes later
    off = 0
    while True:
        if off + 110 > len(blob):
            raise CpioError(f"{what}: truncated header at offset {off}")
        magic = blob[off:off + 6]
        if magic not in (MAGIC, MAGIC_CRC):
            raise CpioError(f"{what}: bad magic {magic!r} at offset {off} (not cpio newc)")
        try:
            f = [int(blob[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        except ValueError:
            raise CpioError(f"{what}: bad header at offset {off}") from None
        ino, mode, _uid, _gid, nlink, _mtime, size, dmaj, dmin, rmaj, rmin, namesize, _ = f
        noff = off + 110
        name = blob[noff:noff + namesize - 1].decode("utf-8", "surrogateescape")
        doff = noff + namesize + _pad4(110 + namesize)
        data = blob[doff:doff + size]
        if len(data) != size:
            raise CpioError(f"{what}: truncated data for {name!r}")
        off = doff + size + _pad4(size)
        if name == TRAILER:
            break
        if name in (".", "", "/"):
            continue
        e = Entry(norm_guest(name), mode, data, (rmaj, rmin))
        if stat.S_ISREG(mode) and nlink > 1:
            key = (dmaj, dmin, ino)
            if size:
                links[key] = data
                for p in pending.pop(key, []):
                    p.data = data
            elif key in links:
                e.data = links[key]
            else:
                pending.setdefault(key, []).append(e)
        entries.append(e)
    return entries


def host_entries(host, guest):
    """Entries for host file/dir/symlink HOST placed at guest path GUEST."""
    st = os.lstat(host)
    if stat.S_ISLNK(st.st_mode):
        return [Entry(guest, stat.S_IFLNK | 0o777, os.readlink(host).encode())]
    if stat.S_ISDIR(st.st_mode):
        out = [Entry(guest, stat.S_IFDIR | 0o755)]
        for name in sorted(os.listdir(host)):
            out += host_entries(os.path.join(host, name), guest + "/" + name)
        return out
    if stat.S_ISREG(st.st_mode):
        perm = 0o755 if st.st_mode & 0o111 else 0o644
        with open(host, "rb") as fh:
            return [Entry(guest, stat.S_IFREG | perm, fh.read())]
    raise CpioError(f"{host}: not a regular file, directory or symlink")


def parse_spec(spec):
    """'HOST[:GUEST]' -> (host, guest path without leading '/')."""
    host, guest = spec, None
    if ":" in spec:
        h, g = spec.rsplit(":", 1)
        if g.startswith("/") or os.path.exists(h):
            host, guest = h, g
    base = os.path.basename(os.path.normpath(host))
    if guest is None:
        guest = "/bin/" + base
    elif guest.endswith("/"):
        guest = guest + base
    return host, norm_guest(guest)


def build(base_entries, additions, dirs=()):
    """Merge entries: later ones replace earlier with the same path; add parents."""
    by_path = {}
    for e in list(base_entries) + list(additions):
        old = by_path.get(e.path)
        if old is not None and stat.S_ISDIR(old.mode) and stat.S_ISDIR(e.mode):
            continue  # keep the first directory entry; nothing to replace
        by_path[e.path] = e
    for d in dirs:
        d = norm_guest(d)
        by_path.setdefault(d, Entry(d, stat.S_IFDIR | 0o755))
    for path in list(by_path):
        parts = path.split("/")
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            p = by_path.get(parent)
            if p is None:
                by_path[parent] = Entry(parent, stat.S_IFDIR | 0o755)
            elif not stat.S_ISDIR(p.mode):
                raise CpioError(f"{parent!r} is not a directory but {path!r} is inside it")
    return [by_path[p] for p in sorted(by_path)]


def _header(ino, mode, nlink, size, rdev, namesize):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], namesize, 0)
    return MAGIC + b"".join(b"%08X" % v for v in fields)


def serialise(entries):
    out = bytearray()

    def put(ino, mode, nlink, data, rdev, name):
        nb = name.encode("utf-8", "surrogateescape") + b"\0"
        out.extend(_header(ino, mode, nlink, len(data), rdev, len(nb)))
        out.extend(nb + b"\0" * _pad4(110 + len(nb)))
        out.extend(data + b"\0" * _pad4(len(data)))

    for ino, e in enumerate(entries, 1):
        nlink = 2 if stat.S_ISDIR(e.mode) else 1
        data = e.data if (stat.S_ISREG(e.mode) or stat.S_ISLNK(e.mode)) else b""
        put(ino, e.mode, nlink, data, e.rdev, e.path)
    put(0, 0, 1, b"", (0, 0), TRAILER)
    return bytes(out)


def write_atomic(path, blob):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(blob)
    os.replace(tmp, path)


def mode_string(mode):
    kind = {stat.S_IFDIR: "d", stat.S_IFLNK: "l", stat.S_IFREG: "-"}.get(stat.S_IFMT(mode), "?")
    return kind + format(stat.S_IMODE(mode), "04o")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="mkcpio.py", description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", metavar="HOSTPATH[:GUESTPATH]",
                    help="file or directory to add (default guest path /bin/NAME)")
    ap.add_argument("-o", "--output", help="archive to write")
    ap.add_argument("--base", help="existing newc archive to extend")
    ap.add_argument("--dir", action="append", default=[], metavar="GUESTDIR",
                    help="also create this (empty) directory; repeatable")
    ap.add_argument("--depfile", help="write a Make-style depfile for OUTPUT")
    ap.add_argument("--list", metavar="ARCHIVE", help="list ARCHIVE's entries and exit")
    a = ap.parse_args(argv)
    try:
        if a.list:
            with open(a.list, "rb") as fh:
                for e in read_archive(fh.read(), a.list):
                    print(f"{mode_string(e.mode)} {len(e.data):8d} /{e.path}")
            return 0
        if not a.output:
            ap.error("-o OUTPUT is required (or --list ARCHIVE)")
        base, deps = [], []
        if a.base:
            with open(a.base, "rb") as fh:
                base = read_archive(fh.read(), a.base)
            deps.append(a.base)
        adds = []
        for spec in a.specs:
            host, guest = parse_spec(spec)
            if not os.path.lexists(host):
                raise CpioError(f"{host}: no such file")
            adds += host_entries(host, guest)
            deps.append(host)
        write_atomic(a.output, serialise(build(base, adds, a.dir)))
        if a.depfile:
            esc = lambda s: s.replace(" ", "\\ ")  # noqa: E731
            with open(a.depfile, "w") as fh:
                fh.write(f"{esc(a.output)}: {' '.join(esc(d) for d in deps)}\n")
        return 0
    except (OSError, CpioError) as e:
        print(f"mkcpio.py: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
