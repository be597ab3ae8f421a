"""fdt.py: a tiny flattened-device-tree (DTB) reader and writer.

Enough of the Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree
(DTB) Format") for two jobs, with no dtc needed:
  - the QEMU tests check what SIS prints about the machine against the DTB
    QEMU hands it (header, structure tokens, strings, #address-cells /
    #size-cells for `reg`, the GIC's 3-cell `interrupts`);
  - tools/qemu.py adds /chosen linux,initrd-start/-end to QEMU's DTB, because
    QEMU does not load an -initrd for an ELF kernel (see tools/qemu.py).
"""
import struct

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


class FdtError(Exception):
    pass


class Node:
    def __init__(self, name, parent=None):
        self.name = name          # "uart@9000000"; "" for the root
        self.parent = parent
        self.props = {}           # property name -> raw bytes
        self.children = []

    # --- navigation -------------------------------------------------------
    @property
    def path(self):
        if self.parent is None:
            return "/"
        p = self.parent.path
        return (p if p != "/" else "") + "/" + self.name

    @property
    def basename(self):
        return self.name.split("@", 1)[0]

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def child(self, name):
        for c in self.children:
            if c.name == name or (("@" not in name) and c.basename == name and "@" not in c.name):
                return c
        return None

    # --- properties -------------------------------------------------------
    def __contains__(self, prop):
        return prop in self.props

    def u32s(self, prop):
        raw = self.props[prop]
        return list(struct.unpack(f">{len(raw) // 4}I", raw))

    def u32(self, prop, default=None):
        if prop not in self.props:
            return default
        return self.u32s(prop)[0]

    def strings(self, prop):
        raw = self.props.get(prop, b"")
        return [s.decode() for s in raw.split(b"\0")[:-1]] if raw else []

    def string(self, prop, default=None):
        s = self.strings(prop)
        return s[0] if s else default

    def compatible(self, *names):
        return any(c in names for c in self.strings("compatible"))

    def cells(self, prop, default):
        """#address-cells/#size-cells that apply to this node's children."""
        return self.u32(prop, default)

    def set_u32s(self, prop, values):
        self.props[prop] = struct.pack(f">{len(values)}I", *values)

    def set_u64(self, prop, value):
        self.props[prop] = struct.pack(">Q", value)

    def set_string(self, prop, value):
        self.props[prop] = value.encode() + b"\0"

    def add_child(self, name):
        node = self.child(name)
        if node is None:
            node = Node(name, self)
            self.children.append(node)
        return node

    def reg(self):
        """List of (address, size) from `reg`, decoded with the parent's cell sizes."""
        ac = self.parent.cells("#address-cells", 2)
        sc = self.parent.cells("#size-cells", 1)
        vals = self.u32s("reg")
        step = ac + sc
        if step == 0 or len(vals) % step:
            raise FdtError(f"{self.path}: reg length does not match cells {ac}+{sc}")
        out = []
        for i in range(0, len(vals), step):
            addr = _join(vals[i:i + ac])
            size = _join(vals[i + ac:i + step])
            out.append((addr, size))
        return out

    def gic_irqs(self):
        """`interrupts` of a node whose interrupt parent is an ARM GIC (3 cells:
        type 0 = SPI -> INTID 32+n, type 1 = PPI -> INTID 16+n; flags)."""
        vals = self.u32s("interrupts")
        if len(vals) % 3:
            raise FdtError(f"{self.path}: interrupts is not 3-cell GIC form")
        out = []
        for i in range(0, len(vals), 3):
            kind, num = vals[i], vals[i + 1]
            out.append(num + (32 if kind == 0 else 16))
        return out

    def __repr__(self):
        return f"<Node {self.path}>"


def _join(cells):
    v = 0
    for c in cells:
        v = (v << 32) | c
    return v


class Fdt:
    def __init__(self, blob):
        if len(blob) < 40:
            raise FdtError("too short for an FDT header")
        (magic, totalsize, off_struct, off_strings, _off_rsv, version, _last_comp,
         _boot_cpu, size_strings, size_struct) = struct.unpack(">10I", blob[:40])
        if magic != FDT_MAGIC:
            raise FdtError(f"bad magic {magic:#x}")
        if totalsize > len(blob) or version < 17:
            raise FdtError(f"unsupported FDT (size {totalsize}, version {version})")
        self.version = version
        strings = blob[off_strings:off_strings + size_strings]
        self.root = self._parse(blob[off_struct:off_struct + size_struct], strings)

    @classmethod
    def from_file(cls, path):
        with open(path, "rb") as fh:
            return cls(fh.read())

    @staticmethod
    def _parse(sb, strings):
        off, root, cur = 0, None, None

        def cstr(buf, at):
            end = buf.index(b"\0", at)
            return buf[at:end].decode(), end + 1

        while off + 4 <= len(sb):
            (tok,) = struct.unpack_from(">I", sb, off)
            off += 4
            if tok == FDT_BEGIN_NODE:
                name, off = cstr(sb, off)
                off = (off + 3) & ~3
                node = Node(name, cur)
                if cur is None:
                    root = node
                else:
                    cur.children.append(node)
                cur = node
            elif tok == FDT_END_NODE:
                if cur is None:
                    raise FdtError("unbalanced END_NODE")
                cur = cur.parent
            elif tok == FDT_PROP:
                length, nameoff = struct.unpack_from(">II", sb, off)
                off += 8
                name, _ = cstr(strings, nameoff)
                if cur is None:
                    raise FdtError("property outside a node")
                cur.props[name] = bytes(sb[off:off + length])
                off = (off + length + 3) & ~3
            elif tok == FDT_NOP:
                continue
            elif tok == FDT_END:
                break
            else:
                raise FdtError(f"bad token {tok:#x} at {off - 4}")
        if root is None:
            raise FdtError("no root node")
        return root

    def to_bytes(self):
        """Serialise as a version-17 DTB (no memory reservations)."""
        strings, offsets = bytearray(), {}
        sb = bytearray()

        def name_off(name):
            if name not in offsets:
                offsets[name] = len(strings)
                strings.extend(name.encode() + b"\0")
            return offsets[name]

        def emit(node):
            nb = node.name.encode() + b"\0"
            sb.extend(struct.pack(">I", FDT_BEGIN_NODE) + nb + b"\0" * (-len(nb) % 4))
            for k, v in node.props.items():
                sb.extend(struct.pack(">III", FDT_PROP, len(v), name_off(k)) + v +
                          b"\0" * (-len(v) % 4))
            for c in node.children:
                emit(c)
            sb.extend(struct.pack(">I", FDT_END_NODE))

        emit(self.root)
        sb.extend(struct.pack(">I", FDT_END))
        off_rsv = 40
        rsv = b"\0" * 16                       # one terminating (0, 0) entry
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(sb)
        total = off_strings + len(strings)
        hdr = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv, 17, 16,
                          0, len(strings), len(sb))
        return hdr + rsv + bytes(sb) + bytes(strings)

    # --- queries ----------------------------------------------------------
    def node(self, path):
        cur = self.root
        for part in [p for p in path.split("/") if p]:
            cur = cur.child(part)
            if cur is None:
                return None
        return cur

    def find_compatible(self, *names):
        return [n for n in self.root.walk() if n.compatible(*names)]

    def find_type(self, device_type):
        return [n for n in self.root.walk() if n.string("device_type") == device_type]

    def by_phandle(self, ph):
        for n in self.root.walk():
            if n.u32("phandle") == ph:
                return n
        return None
