#!/usr/bin/env python3
"""tools/check-fpsimd.py OBJDUMP NM KERNEL.elf STAMP LIB.a...: fail the build
when kernel code can reach an instruction that touches the FP/SIMD registers.

A user task's FP/SIMD state stays in the registers while the kernel runs
(src/include/sis/fpsimd.h), so the kernel must never use them. Our own C is
built -mgeneral-regs-only, but what it links is not: picolibc's memset,
memchr and strchr and libgcc's __popcountdi2 use V registers (src/lib/string.c
replaces them). This walks the direct branches (b, bl, b.cond, cbz, tbz...)
of KERNEL.elf from every function defined in LIB.a (the kernel's own
objects) and reports each reachable function, other than the two copies in
src/arch/aarch64/fpsimd.S, with an instruction naming a V/Q/D/S/H/B register,
FPSR or FPCR, with the call chain that reaches it. Code reached only through a function
pointer is not followed, so any other function of KERNEL.elf that uses
FP/SIMD fails the check too, unless it is one of UNREACHABLE below (library
code linked only because its object file came in whole) and no direct
branch reaches it. Writes STAMP when clean.
"""
import re
import subprocess
import sys
from collections import deque

ALLOWED = {"fpsimd_save_regs", "fpsimd_load_regs"}
# libfdt's tree editing (fdt_rw.o, fdt_addresses.o; the kernel only reads
# the tree): in the image because fdt_addresses.o has fdt_address_cells.
UNREACHABLE = {"fdt_splice_mem_rsv_", "fdt_open_into", "fdt_appendprop_addrrange"}
FUNC_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
REG = r"(?:[0-9]|[12][0-9]|3[01])"
FP_RE = re.compile(rf"\b(?:[qdshb]{REG}|v{REG}\.\d*[bhsdq]|v{REG}|fpsr|fpcr)\b")
TARGET_RE = re.compile(r"<([^>+]+)(?:\+0x[0-9a-f]+)?>")
BRANCHES = ("b", "bl", "cbz", "cbnz", "tbz", "tbnz")


def functions(objdump, elf):
    """{name: (uses_fp, first FP instruction, {direct branch targets})}."""
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True,
                         capture_output=True, text=True).stdout
    funcs, name = {}, None
    for line in out.splitlines():
        m = FUNC_RE.match(line)
        if m:
            name = m.group(1)
            funcs[name] = [False, "", set()]
            continue
        if not name:
            continue
        m = re.match(r"^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$", line)
        if not m:
            continue
        mnem, ops = m.group(1), m.group(2)
        target = TARGET_RE.search(ops)
        plain = TARGET_RE.sub("", ops.split("//")[0])
        if mnem in BRANCHES or mnem.startswith("b."):
            if target and target.group(1) != name:
                funcs[name][2].add(target.group(1))
        if not funcs[name][0] and FP_RE.search(plain):
            funcs[name][0], funcs[name][1] = True, f"{mnem} {ops.strip()}"
    return funcs


def own_symbols(nm, libs):
    out = subprocess.run([nm, "--defined-only", *libs], check=True,
                         capture_output=True, text=True).stdout
    return {f[2] for f in (ln.split() for ln in out.splitlines())
            if len(f) == 3 and f[1] in "Tt"}


def main(argv):
    objdump, nm, elf, stamp, libs = argv[1], argv[2], argv[3], argv[4], argv[5:]
    funcs = functions(objdump, elf)
    roots = own_symbols(nm, libs) & funcs.keys()
    parent = {r: None for r in roots}
    queue = deque(sorted(roots))
    while queue:
        f = queue.popleft()
        for t in funcs[f][2]:
            if t in funcs and t not in parent:
                parent[t] = f
                queue.append(t)
    bad = sorted(f for f in parent if funcs[f][0] and f not in ALLOWED)
    stray = sorted(f for f in funcs if funcs[f][0] and f not in parent
                   and f not in ALLOWED | UNREACHABLE)
    for f in stray:
        print(f"check-fpsimd: {f} uses FP/SIMD ({funcs[f][1]}); no direct branch from "
              "kernel code reaches it, but a function pointer might", file=sys.stderr)
    for f in bad:
        chain, g = [], f
        while g is not None:
            chain.append(g)
            g = parent[g]
        print(f"check-fpsimd: {f} uses FP/SIMD ({funcs[f][1]}), reached by "
              + " <- ".join(chain), file=sys.stderr)
    if bad or stray:
        print("check-fpsimd: the kernel must not touch FP/SIMD registers "
              "(src/include/sis/fpsimd.h); see src/lib/string.c", file=sys.stderr)
        return 1
    if len(roots) < 100:
        print(f"check-fpsimd: only {len(roots)} kernel functions found", file=sys.stderr)
        return 1
    with open(stamp, "w") as f:
        f.write(f"{len(parent)} functions reachable, none uses FP/SIMD\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
