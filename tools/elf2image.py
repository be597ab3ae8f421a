#!/usr/bin/env python3
"""Turn the kernel ELF into a Linux arm64 Image (boot.S writes the header).

usage: elf2image.py KERNEL.elf OUT.img

The Image is the memory image from the lowest PT_LOAD physical address to the
highest one's end, .bss and the boot page tables included as zeroes: QEMU's
loader places the ramdisk and device tree after the bytes of the file, so the
file itself must cover all the memory the kernel uses before mm_init
(Documentation/arch/arm64/booting.rst: image_size bytes from the start of the
image are the kernel's). Checks the header's magic and image_size.
"""
import struct
import sys

PT_LOAD = 1
MAGIC_OFFSET = 56
MAGIC = b"ARM\x64"


def load_segments(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segs = []
    for i in range(phnum):
        p_type, _flags, off, _va, pa, filesz, memsz = struct.unpack_from(
            "<IIQQQQQ", data, phoff + i * phentsize)
        if p_type == PT_LOAD and memsz:
            segs.append((pa, data[off:off + filesz], memsz))
    if not segs:
        raise ValueError("no PT_LOAD segments")
    return sorted(segs, key=lambda s: s[0])


def main():
    src, out = sys.argv[1:3]
    with open(src, "rb") as fh:
        segs = load_segments(fh.read())
    base = segs[0][0]
    end = max(pa + memsz for pa, _b, memsz in segs)
    image = bytearray(end - base)
    for pa, body, _memsz in segs:
        image[pa - base:pa - base + len(body)] = body
    if image[MAGIC_OFFSET:MAGIC_OFFSET + 4] != MAGIC:
        sys.exit(f"elf2image: {src} has no arm64 Image header at its start")
    size, = struct.unpack_from("<Q", image, 16)
    if size != len(image):
        sys.exit(f"elf2image: header image_size {size:#x}, image is {len(image):#x} bytes")
    with open(out, "wb") as fh:
        fh.write(image)


if __name__ == "__main__":
    main()
