/*
 * ELF64 executables as SIS loads them (System V gABI, "ELF-64 Object File
 * Format"; AArch64 ELF ABI for EM_AARCH64).
 *
 * Accepted: EM_AARCH64, little endian, ET_EXEC (at its own addresses) or
 * ET_DYN (position-independent: a PIE, a static-pie or the dynamic linker,
 * placed by the loader with elf_relocate()), with or without a PT_INTERP
 * naming the dynamic linker. elf_parse() is pure (no allocation, reads only
 * inside the buffer) so that host unit tests can feed it malformed images.
 */
#ifndef SIS_ELF_H
#define SIS_ELF_H

#include <sis/types.h>

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_AARCH64 183

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PF_X 1
#define PF_W 2
#define PF_R 4

typedef struct {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
} Elf64_Phdr;

#define ELF_MAX_PHNUM 64  /* program headers we look at */
#define ELF_MAX_LOADS 16  /* non-empty PT_LOAD segments */
#define ELF_PAGE_SIZE 4096UL
#define ELF_INTERP_MAX 256 /* bytes of a PT_INTERP path, its NUL included */

/* A PT_LOAD segment, checked: its bytes fit in the file and in the user range. */
struct elf_segment {
	u64 vaddr, memsz;   /* memory image [vaddr, vaddr + memsz) */
	u64 offset, filesz; /* file bytes copied to vaddr; the rest is zero */
	unsigned prot;      /* PROT_READ | PROT_WRITE | PROT_EXEC (never W and X) */
};

struct elf_image {
	u16 type;           /* ET_EXEC, or ET_DYN (addresses relative to a load bias) */
	u64 entry;
	u64 phdr_vaddr;     /* program headers in memory (AT_PHDR), 0 if not loaded */
	u16 phnum;          /* AT_PHNUM */
	int nsegs;
	struct elf_segment seg[ELF_MAX_LOADS];
	u64 lo, hi;         /* page-aligned span of all segments */
	u64 interp_off;     /* PT_INTERP: its NUL-terminated path is at this file */
	u64 interp_len;     /* offset, interp_len bytes with the NUL; 0 if none */
};

/*
 * Check the executable in data[0, len) and describe it in *img. Every PT_LOAD
 * of an ET_EXEC must lie in [user_min, user_max); an ET_DYN's must span less
 * than user_max - user_min from 0 (it is placed later). Returns 0, or
 * -ENOEXEC for anything malformed or unsupported: bad magic/class/byte
 * order/version, not ET_EXEC or ET_DYN, not EM_AARCH64, bad header sizes,
 * program headers outside the file, too many headers or segments, a second
 * PT_INTERP or one whose path is empty, longer than ELF_INTERP_MAX, outside
 * the file or not NUL-terminated, filesz > memsz, file bytes past the end,
 * address overflow, a segment outside the user range, a W+X segment,
 * overlapping segments, segments of different rights sharing a page, no
 * segment, or an entry point outside the executable segments.
 */
int elf_parse(const void *data, size_t len, u64 user_min, u64 user_max, struct elf_image *img);

/* Move a parsed ET_DYN image by bias (page aligned): segments, entry, program
 * headers and span. The caller checks the result lies in the user range. */
void elf_relocate(struct elf_image *img, u64 bias);

#endif
