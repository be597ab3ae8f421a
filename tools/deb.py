"""tools/deb.py: Debian arm64 packages in the initial ramdisk (tools/run --deb).

ramdisk(PKGS, BASE, BUILD_DIR) returns a cpio: BASE (the users' ramdisk)
plus the files of PKGS and of every package they depend on (Depends and
Pre-Depends, no Recommends), unpacked with `dpkg-deb -x`, as Debian arm64
ships them. Everything is cached under BUILD_DIR/deb/:

  apt/      a private apt state (sources made from the machine's own
            /etc/apt/sources.list.d/*.sources and sources.list, lists,
            package cache, an empty dpkg status): the machine's apt
            configuration and state are never written, as tools/bootstrap
            does it;
  debs/     the downloaded .deb files;
  sets/     per package set, the .deb files of its closure (its manifest);
  root/     per package set, the unpacked tree (without /usr/share/doc, man,
            info and locale, as Debian's minimal images);
  *.cpio    per package set, the finished ramdisk.

A set whose manifest and .debs are cached is used without running apt at all
(offline); the ramdisk is remade only when the base is newer. Maintainer
scripts are not run: nothing a postinst would make (users in /etc/passwd,
/var directories, alternatives such as /usr/bin/awk) exists unless the
package ships it; add such files with --add.
"""
import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME_RE = re.compile(r"[a-z0-9][a-z0-9+.-]+")
# Left out of the tree, as Debian's minimal (docker) images' dpkg path-exclude
# does: documentation, manual pages and translations (half of a small set).
EXCLUDE = ["usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale",
           "usr/share/lintian", "usr/share/linda"]


class DebError(Exception):
    """A package problem (message is meant for the user)."""


def parse_names(specs):
    """['dash', 'hello,curl'] -> sorted unique names; DebError for a bad name."""
    names = set()
    for spec in specs:
        for n in spec.split(","):
            if not NAME_RE.fullmatch(n):
                raise DebError(f"bad Debian package name {n!r}")
            names.add(n)
    if not names:
        raise DebError("--deb needs a package name")
    return sorted(names)


class State:
    def __init__(self, build_dir, log):
        self.dir = os.path.join(os.path.abspath(build_dir), "deb")
        self.apt = os.path.join(self.dir, "apt")
        self.debs = os.path.join(self.dir, "debs")
        self.log = log

    def apt_opts(self):
        a = self.apt
        return ["-o", "APT::Architecture=arm64", "-o", "APT::Architectures=arm64",
                "-o", "Dir::Etc::SourceList=/dev/null",
                "-o", f"Dir::Etc::SourceParts={a}/parts",
                "-o", f"Dir::State={a}/state", "-o", f"Dir::State::Lists={a}/lists",
                "-o", f"Dir::State::status={a}/dpkg/status",
                "-o", f"Dir::Cache={a}/cache", "-o", f"Dir::Cache::archives={self.debs}",
                "-o", "APT::Install-Recommends=false", "-o", "APT::Install-Suggests=false"]

    def prepare(self):
        """The private apt directories and sources (made from the machine's)."""
        for d in ("parts", "state", "lists/partial", "dpkg", "cache"):
            os.makedirs(os.path.join(self.apt, d), exist_ok=True)
        os.makedirs(os.path.join(self.debs, "partial"), exist_ok=True)
        status = os.path.join(self.apt, "dpkg", "status")
        if not os.path.exists(status):
            open(status, "w").close()   # nothing installed: the whole closure is fetched
        deb822 = ""
        for src in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
            with open(src) as fh:
                deb822 += fh.read() + "\n"
        legacy = ""
        if os.path.exists("/etc/apt/sources.list"):
            with open("/etc/apt/sources.list") as fh:
                legacy = "".join(ln for ln in fh if ln.startswith("deb "))
        for name, text in (("sis-deb.sources", deb822), ("sis-deb.list", legacy)):
            path = os.path.join(self.apt, "parts", name)
            if text:
                with open(path, "w") as fh:
                    fh.write(text)
            elif os.path.exists(path):
                os.unlink(path)

    def apt_get(self, *args):
        cmd = ["apt-get"] + self.apt_opts() + list(args)
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise DebError(f"apt-get {' '.join(args)} failed: "
                           f"{(r.stderr or r.stdout).strip()[-800:]}")
        return r.stdout

    def closure(self, names):
        """[(name, version, arch)] apt would install for NAMES on an empty system."""
        try:
            out = self.apt_get("install", "-s", "-qq", *names)
        except DebError:
            self.update()   # stale or missing lists: once more with fresh ones
            out = self.apt_get("install", "-s", "-qq", *names)
        pkgs = re.findall(r"^Inst (\S+) \((\S+) .*\[(\S+)\]\)", out, re.M)
        if not pkgs:
            raise DebError(f"apt-get resolved nothing for {' '.join(names)}")
        return pkgs

    def update(self):
        self.log.write("deb: apt-get update (private state in build/deb/apt)\n")
        self.apt_get("update", "-qq")

    def fetch(self, names):
        """Download the closure of NAMES; the list of its .deb paths."""
        self.prepare()
        if not os.listdir(os.path.join(self.apt, "lists")) or \
                os.listdir(os.path.join(self.apt, "lists")) == ["partial"]:
            self.update()
        pkgs = self.closure(names)
        self.log.write(f"deb: fetching {len(pkgs)} packages: "
                       f"{' '.join(p for p, _v, _a in pkgs)}\n")
        self.apt_get("install", "--download-only", "-y", "-qq", *names)
        debs = []
        for name, version, arch in pkgs:
            fname = f"{name}_{version.replace(':', '%3a')}_{arch}.deb"
            path = os.path.join(self.debs, fname)
            if not os.path.exists(path):
                raise DebError(f"apt-get did not download {fname}")
            debs.append(path)
        return debs


def set_key(names):
    key = "+".join(names)
    return key if len(key) <= 80 else hashlib.sha256(key.encode()).hexdigest()[:32]


def cached_debs(manifest):
    """The .deb paths a manifest lists, or None if it or one of them is missing."""
    if not os.path.exists(manifest):
        return None
    with open(manifest) as fh:
        debs = [ln.strip() for ln in fh if ln.strip()]
    return debs if debs and all(os.path.exists(d) for d in debs) else None


def unpack(debs, root):
    """dpkg-deb -x every package into a fresh ROOT (made beside, then renamed)."""
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for deb in debs:
        r = subprocess.run(["dpkg-deb", "-x", deb, tmp], capture_output=True, text=True)
        if r.returncode != 0:
            raise DebError(f"dpkg-deb -x {os.path.basename(deb)}: {r.stderr.strip()}")
    for rel in EXCLUDE:
        shutil.rmtree(os.path.join(tmp, rel), ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    os.rename(tmp, root)


def make_cpio(base, root, out):
    specs = [f"{os.path.join(root, n)}:/{n}" for n in sorted(os.listdir(root))]
    cmd = [sys.executable, os.path.join(TOP, "tools", "mkcpio.py"), "-o", out + ".tmp"]
    if base and os.path.exists(base):
        cmd += ["--base", base]
    r = subprocess.run(cmd + specs, capture_output=True, text=True)
    if r.returncode != 0:
        raise DebError(f"mkcpio: {r.stderr.strip()}")
    os.rename(out + ".tmp", out)


def newer(a, b):
    """True if file A exists and is at least as new as B (or B is None)."""
    return os.path.exists(a) and (b is None or not os.path.exists(b) or
                                  os.path.getmtime(a) >= os.path.getmtime(b))


def _tree(names, st):
    """The unpacked tree of NAMES' set and its key (lock held by the caller)."""
    key = set_key(names)
    manifest = os.path.join(st.dir, "sets", key + ".txt")
    root = os.path.join(st.dir, "root", key)
    debs = cached_debs(manifest)
    if debs is None:
        debs = st.fetch(names)
        os.makedirs(os.path.dirname(manifest), exist_ok=True)
        with open(manifest + ".tmp", "w") as fh:
            fh.write("".join(d + "\n" for d in debs))
        os.rename(manifest + ".tmp", manifest)
    if not (os.path.isdir(root) and newer(root, manifest)):
        unpack(debs, root)
    return root, key


def tree(specs, build_dir, log=sys.stderr):
    """The directory holding the unpacked packages of SPECS (cached, as for
    ramdisk): for tools that pick files out of it (bench/run's iperf3)."""
    names = parse_names(specs)
    st = State(build_dir, log)
    os.makedirs(st.dir, exist_ok=True)
    with open(os.path.join(st.dir, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _tree(names, st)[0]


def ramdisk(specs, base, build_dir, log=sys.stderr):
    """The cpio of BASE plus the packages named in SPECS (see the module doc)."""
    names = parse_names(specs)
    st = State(build_dir, log)
    os.makedirs(st.dir, exist_ok=True)
    with open(os.path.join(st.dir, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # one tools/run at a time touches the cache
        root, key = _tree(names, st)
        out = os.path.join(st.dir, key + ".cpio")
        if not (newer(out, root) and newer(out, base)):
            make_cpio(base, root, out)
    return out
