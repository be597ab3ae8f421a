/*
 * ELF64 executable checks (see sis/elf.h). Pure: no allocation, no kernel
 * state, every read inside [data, data + len); built for host tests too.
 * Program headers are copied out with memcpy because the file buffer need
 * not be aligned.
 */
#include <sis/kernel.h>
#include <sis/elf.h>
#include <sis/log.h>
#include <uapi/sis/mman.h>

static int bad(const char *why)
{
	log_debug("elf: rejected: %s", why);
	return -ENOEXEC;
}

static int check_header(const Elf64_Ehdr *eh, size_t len)
{
	static const u8 magic[4] = { 0x7f, 'E', 'L', 'F' };
	u64 ph_bytes;

	if (memcmp(eh->e_ident, magic, sizeof(magic)))
		return bad("no ELF magic");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return bad("not a little-endian ELF64 version 1 file");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return bad("not ET_EXEC or ET_DYN");
	if (eh->e_machine != EM_AARCH64)
		return bad("not EM_AARCH64");
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return bad("unexpected header sizes");
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return bad("program header count");
	ph_bytes = (u64)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > len || ph_bytes > len - eh->e_phoff)
		return bad("program headers outside the file");
	return 0;
}

static unsigned prot_of(u32 flags)
{
	unsigned prot = PROT_READ; /* every loaded segment is readable */

	if (flags & PF_W)
		prot |= PROT_WRITE;
	if (flags & PF_X)
		prot |= PROT_EXEC;
	return prot;
}

static int check_load(const Elf64_Phdr *ph, size_t len, u64 user_min, u64 user_max,
		      struct elf_segment *seg)
{
	if (ph->p_filesz > ph->p_memsz)
		return bad("segment filesz > memsz");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return bad("segment bytes outside the file");
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return bad("segment address overflow");
	if (ph->p_vaddr < user_min || ph->p_vaddr + ph->p_memsz > user_max)
		return bad("segment outside the user address range");
	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return bad("writable and executable segment (W^X)");
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->offset = ph->p_offset;
	seg->filesz = ph->p_filesz;
	seg->prot = prot_of(ph->p_flags);
	return 0;
}

static u64 page_down(u64 a)
{
	return a & ~(ELF_PAGE_SIZE - 1);
}

static u64 page_up(u64 a)
{
	return (a + ELF_PAGE_SIZE - 1) & ~(ELF_PAGE_SIZE - 1);
}

/* Segments must not overlap; if they share a page, their rights must agree. */
static int check_overlaps(const struct elf_image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		for (int j = i + 1; j < img->nsegs; j++) {
			const struct elf_segment *a = &img->seg[i], *b = &img->seg[j];

			if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
				return bad("overlapping segments");
			if (page_down(a->vaddr) < page_up(b->vaddr + b->memsz) &&
			    page_down(b->vaddr) < page_up(a->vaddr + a->memsz) && a->prot != b->prot)
				return bad("segments with different rights share a page");
		}
	}
	return 0;
}

static bool entry_ok(const struct elf_image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->prot & PROT_EXEC) && img->entry >= s->vaddr &&
		    img->entry < s->vaddr + s->memsz)
			return true;
	}
	return false;
}

/* Where the program headers are in memory: PT_PHDR, else the file-backed
 * part of the PT_LOAD that contains them, else 0. */
static u64 find_phdr(const struct elf_image *img, u64 phoff, u64 ph_bytes, u64 pt_phdr)
{
	if (pt_phdr)
		return pt_phdr;
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (phoff >= s->offset && phoff + ph_bytes <= s->offset + s->filesz)
			return s->vaddr + (phoff - s->offset);
	}
	return 0;
}

/* PT_INTERP: a NUL-terminated path of at most ELF_INTERP_MAX bytes in the file. */
static int check_interp(const u8 *base, size_t len, const Elf64_Phdr *ph, struct elf_image *img)
{
	if (img->interp_len)
		return bad("two PT_INTERP headers");
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX || ph->p_offset > len ||
	    ph->p_filesz > len - ph->p_offset)
		return bad("PT_INTERP path size or place");
	if (base[ph->p_offset + ph->p_filesz - 1] != '\0' ||
	    memchr(base + ph->p_offset, '\0', ph->p_filesz - 1))
		return bad("PT_INTERP path not one NUL-terminated string");
	img->interp_off = ph->p_offset;
	img->interp_len = ph->p_filesz;
	return 0;
}

static int collect_segments(const u8 *base, size_t len, const Elf64_Ehdr *eh, u64 user_min,
			    u64 user_max, struct elf_image *img, u64 *pt_phdr)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int err;

		memcpy(&ph, base + eh->e_phoff + (u64)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP) {
			err = check_interp(base, len, &ph, img);
			if (err)
				return err;
			continue;
		}
		if (ph.p_type == PT_PHDR)
			*pt_phdr = ph.p_vaddr;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (img->nsegs == ELF_MAX_LOADS)
			return bad("too many PT_LOAD segments");
		err = check_load(&ph, len, user_min, user_max, &img->seg[img->nsegs]);
		if (err)
			return err;
		img->nsegs++;
	}
	return 0;
}

int elf_parse(const void *data, size_t len, u64 user_min, u64 user_max, struct elf_image *img)
{
	Elf64_Ehdr eh;
	u64 pt_phdr = 0;
	int err;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(eh))
		return bad("shorter than an ELF header");
	memcpy(&eh, data, sizeof(eh));
	err = check_header(&eh, len);
	if (!err && eh.e_type == ET_DYN) { /* placed later: only its span counts */
		user_max -= user_min;
		user_min = 0;
	}
	if (!err)
		err = collect_segments(data, len, &eh, user_min, user_max, img, &pt_phdr);
	if (!err && img->nsegs == 0)
		err = bad("no loadable segment");
	if (!err)
		err = check_overlaps(img);
	if (err)
		return err;
	img->type = eh.e_type;
	img->entry = eh.e_entry;
	if (!entry_ok(img))
		return bad("entry point outside the executable segments");
	img->phnum = eh.e_phnum;
	img->phdr_vaddr = find_phdr(img, eh.e_phoff, (u64)eh.e_phnum * sizeof(Elf64_Phdr), pt_phdr);
	img->lo = page_down(img->seg[0].vaddr);
	img->hi = 0;
	for (int i = 0; i < img->nsegs; i++) {
		img->lo = MIN(img->lo, page_down(img->seg[i].vaddr));
		img->hi = MAX(img->hi, page_up(img->seg[i].vaddr + img->seg[i].memsz));
	}
	return 0;
}

void elf_relocate(struct elf_image *img, u64 bias)
{
	for (int i = 0; i < img->nsegs; i++)
		img->seg[i].vaddr += bias;
	img->entry += bias;
	if (img->phdr_vaddr)
		img->phdr_vaddr += bias;
	img->lo += bias;
	img->hi += bias;
}
