/* analyzer/elf_facts.c — see elf_facts.h. */
#include "analyzer/elf_facts.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define MAX_VERSION_ENTRIES 4096 /* glibc's libc.so.6 defines ~50 */

const char *libc_kind_name(enum libc_kind k)
{
	static const char *const names[] = { "unknown", "glibc", "musl", "bionic", "none" };
	return names[k];
}

/* The dynamic string table, for NUL-terminated reads inside it. */
struct strtab {
	const char *base;
	uint64_t size;
};

static const char *str_at(const struct strtab *t, uint64_t off)
{
	if (!t->base || off >= t->size || !memchr(t->base + off, '\0', t->size - off))
		return NULL;
	return t->base + off;
}

static bool find_phdr(const struct elf_file *ef, uint32_t type, GElf_Phdr *out)
{
	for (size_t i = 0; i < ef->phnum; i++)
		if (gelf_getphdr(ef->elf, (int)i, out) && out->p_type == type)
			return true;
	return false;
}

struct dyn_info {
	uint64_t strtab, strsz, verneed, verneednum, verdef, verdefnum;
};

static void read_dynamic(const struct elf_file *ef, struct elf_facts *f, struct dyn_info *di,
			 struct strtab *st)
{
	GElf_Phdr ph;
	Elf_Data *d;
	GElf_Dyn dyn;
	size_t cap = 0;
	uint64_t needed_off[256], rpath = ~0ull, runpath = ~0ull, soname = ~0ull;
	size_t nneeded = 0;

	if (!find_phdr(ef, PT_DYNAMIC, &ph) || !elf_file_range(ef, ph.p_offset, ph.p_filesz))
		return;
	d = elf_getdata_rawchunk(ef->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
	for (int i = 0; d && gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		switch (dyn.d_tag) {
		case DT_NEEDED: if (nneeded < 256) needed_off[nneeded++] = dyn.d_un.d_val; break;
		case DT_RPATH: rpath = dyn.d_un.d_val; break;
		case DT_RUNPATH: runpath = dyn.d_un.d_val; break;
		case DT_SONAME: soname = dyn.d_un.d_val; break;
		case DT_STRTAB: di->strtab = dyn.d_un.d_ptr; break;
		case DT_STRSZ: di->strsz = dyn.d_un.d_val; break;
		case DT_VERNEED: di->verneed = dyn.d_un.d_ptr; break;
		case DT_VERNEEDNUM: di->verneednum = dyn.d_un.d_val; break;
		case DT_VERDEF: di->verdef = dyn.d_un.d_ptr; break;
		case DT_VERDEFNUM: di->verdefnum = dyn.d_un.d_val; break;
		case DT_FLAGS_1:
			f->pie_flag = dyn.d_un.d_val & DF_1_PIE;
			f->now_flag |= (dyn.d_un.d_val & DF_1_NOW) != 0;
			break;
		case DT_BIND_NOW: f->now_flag = true; break;
		default: break;
		}
	}
	st->base = (const char *)elf_file_at(ef, di->strtab, di->strsz);
	st->size = st->base ? di->strsz : 0;
	for (size_t i = 0; i < nneeded; i++) {
		const char *s = str_at(st, needed_off[i]);
		if (!s)
			continue;
		xgrow((void **)&f->needed, &cap, f->nneeded, sizeof(*f->needed));
		f->needed[f->nneeded++] = s;
	}
	f->rpath = rpath != ~0ull ? str_at(st, rpath) : NULL;
	f->runpath = runpath != ~0ull ? str_at(st, runpath) : NULL;
	f->soname = soname != ~0ull ? str_at(st, soname) : NULL;
}

static bool rd32(const struct elf_file *ef, uint64_t vaddr, uint32_t *v)
{
	const uint8_t *p = elf_file_at(ef, vaddr, 4);

	if (p)
		memcpy(v, p, 4);
	return p != NULL;
}

static bool rd16(const struct elf_file *ef, uint64_t vaddr, uint16_t *v)
{
	const uint8_t *p = elf_file_at(ef, vaddr, 2);

	if (p)
		memcpy(v, p, 2);
	return p != NULL;
}

/* Elf{32,64}_Verneed/Vernaux have the same layout in both classes. */
static void read_verneed(const struct elf_file *ef, const struct dyn_info *di,
			 const struct strtab *st, struct elf_facts *f)
{
	uint64_t at = di->verneed;
	size_t cap = 0, visited = 0;

	for (uint64_t i = 0; di->verneed && i < di->verneednum && i < MAX_VERSION_ENTRIES; i++) {
		uint16_t cnt;
		uint32_t file, aux, next;
		uint64_t a;
		if (!rd16(ef, at + 2, &cnt) || !rd32(ef, at + 4, &file) || !rd32(ef, at + 8, &aux) ||
		    !rd32(ef, at + 12, &next))
			return;
		a = at + aux;
		/* Bounded by entries visited, not kept: a hostile chain of
		 * unnamed entries must not spin. */
		for (uint16_t j = 0; j < cnt && ++visited <= MAX_VERSION_ENTRIES; j++) {
			uint32_t name, anext;
			if (!rd32(ef, a + 8, &name) || !rd32(ef, a + 12, &anext))
				return;
			xgrow((void **)&f->needs, &cap, f->nneeds, sizeof(*f->needs));
			f->needs[f->nneeds].file = str_at(st, file);
			f->needs[f->nneeds].version = str_at(st, name);
			if (f->needs[f->nneeds].version)
				f->nneeds++;
			if (!anext)
				break;
			a += anext;
		}
		if (!next)
			break;
		at += next;
	}
}

static void read_verdef(const struct elf_file *ef, const struct dyn_info *di,
			const struct strtab *st, struct elf_facts *f)
{
	uint64_t at = di->verdef;
	size_t cap = 0;

	for (uint64_t i = 0; di->verdef && i < di->verdefnum && i < MAX_VERSION_ENTRIES; i++) {
		uint16_t flags;
		uint32_t aux, next, name;
		if (!rd16(ef, at + 2, &flags) || !rd32(ef, at + 12, &aux) || !rd32(ef, at + 16, &next) ||
		    !rd32(ef, at + aux, &name))
			return;
		if (!(flags & VER_FLG_BASE) && str_at(st, name)) { /* the base is the soname */
			xgrow((void **)&f->defs, &cap, f->ndefs, sizeof(*f->defs));
			f->defs[f->ndefs++] = str_at(st, name);
		}
		if (!next)
			break;
		at += next;
	}
}

static void read_note(struct elf_facts *f, uint32_t type, const char *name, uint32_t namesz,
		      const uint8_t *desc, uint32_t descsz)
{
	if (namesz != 4 || memcmp(name, "GNU", 4))
		return;
	if (type == NT_GNU_BUILD_ID && descsz <= 64) {
		for (uint32_t i = 0; i < descsz; i++)
			snprintf(f->build_id + 2 * i, 3, "%02x", desc[i]);
	} else if (type == NT_GNU_ABI_TAG && descsz >= 16) {
		uint32_t w[4];
		memcpy(w, desc, sizeof(w));
		f->has_abi_tag = true;
		f->abi_tag_os = w[0];
		f->abi_tag_version[0] = w[1];
		f->abi_tag_version[1] = w[2];
		f->abi_tag_version[2] = w[3];
	}
}

static void read_notes(const struct elf_file *ef, struct elf_facts *f)
{
	for (size_t i = 0; i < ef->phnum; i++) {
		GElf_Phdr ph;
		const uint8_t *p, *end;
		if (!gelf_getphdr(ef->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		p = elf_file_range(ef, ph.p_offset, ph.p_filesz);
		if (!p)
			continue;
		end = p + ph.p_filesz;
		while (end - p >= 12) {
			uint32_t nsz, dsz, type;
			size_t nalign, dalign;
			memcpy(&nsz, p, 4);
			memcpy(&dsz, p + 4, 4);
			memcpy(&type, p + 8, 4);
			nalign = ((size_t)nsz + 3) & ~(size_t)3;
			dalign = ((size_t)dsz + 3) & ~(size_t)3;
			if (nalign > (size_t)(end - p - 12) || dalign > (size_t)(end - p - 12) - nalign)
				break;
			read_note(f, type, (const char *)p + 12, nsz, p + 12 + nalign, dsz);
			p += 12 + nalign + dalign;
		}
	}
}

static void read_segments(const struct elf_file *ef, struct elf_facts *f)
{
	static const uint64_t pages[3] = { 4096, 16384, 65536 };
	bool any_load = false;

	f->page_ok[0] = f->page_ok[1] = f->page_ok[2] = true;
	for (size_t i = 0; i < ef->phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(ef->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_GNU_STACK) {
			f->has_gnu_stack = true;
			f->exec_stack = (ph.p_flags & PF_X) != 0;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		any_load = true;
		if (ph.p_align > f->max_align)
			f->max_align = ph.p_align;
		/* glibc's loader (_dl_map_segments): p_align must be a multiple
		 * of the page size, and vaddr and offset congruent modulo it. */
		for (int k = 0; k < 3; k++)
			if (ph.p_align % pages[k] || (ph.p_vaddr - ph.p_offset) % pages[k])
				f->page_ok[k] = false;
	}
	if (!any_load)
		f->page_ok[0] = f->page_ok[1] = f->page_ok[2] = false;
	/* Without PT_GNU_STACK the kernel maps the stack executable. */
	if (!f->has_gnu_stack && any_load)
		f->exec_stack = true;
}

/* Where Go's build info is, as debug/buildinfo (what `go version -m`
 * reads) looks for it: the .go.buildinfo section, else the first
 * writable, non-executable PT_LOAD segment; its first 64 kB.  Searching
 * the whole file instead read every byte of every ELF file of an image
 * (600 MB on a toolchain image, most of a warm run's time). */
static const uint8_t *go_window(const struct elf_file *ef, size_t *len)
{
	GElf_Shdr sh;
	GElf_Phdr ph;
	uint64_t addr = 0, size = 0;

	if (ef->has_sections && elf_file_section(ef, ".go.buildinfo", &sh) &&
	    sh.sh_type != SHT_NOBITS) {
		addr = sh.sh_addr, size = sh.sh_size;
	} else {
		for (size_t i = 0; i < ef->phnum && !size; i++)
			if (gelf_getphdr(ef->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
			    (ph.p_flags & (PF_X | PF_W)) == PF_W)
				addr = ph.p_vaddr, size = ph.p_filesz;
	}
	*len = size < 65536 ? (size_t)size : 65536;
	return *len ? elf_file_at(ef, addr, *len) : NULL;
}

/* Go's build info blob: "\xff Go buildinf:" + ptr size + flags, 16-byte
 * aligned; with flag 2 (Go >= 1.18) the version string follows at offset
 * 32 as varint-length-prefixed bytes (debug/buildinfo). */
static void read_go(const struct elf_file *ef, struct elf_facts *f)
{
	static const char magic[] = "\xff Go buildinf:";
	size_t wlen;
	const uint8_t *w = go_window(ef, &wlen), *end = w ? w + wlen : NULL, *p = NULL;
	uint64_t len = 0;
	int shift = 0;
	size_t i;

	for (size_t off = 0; w && off + 14 <= wlen; off += 16)
		if (!memcmp(w + off, magic, 14)) {
			p = w + off;
			break;
		}
	if (!p)
		return;
	f->is_go = true;
	if ((size_t)(end - p) < 34 || !(p[15] & 2))
		return;
	for (i = 32; i < 42 && p + i < end; i++) {
		len |= (uint64_t)(p[i] & 0x7f) << shift;
		shift += 7;
		if (!(p[i] & 0x80))
			break;
	}
	i++;
	if (len && len < sizeof(f->go_version) && p + i + len <= end)
		snprintf(f->go_version, sizeof(f->go_version), "%.*s", (int)len, (const char *)p + i);
}

static bool needs_any(const struct elf_facts *f, const char *prefix)
{
	for (size_t i = 0; i < f->nneeded; i++)
		if (!strncmp(f->needed[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* Whether the file holds `s`, read a window at a time, each released
 * behind the search: a whole static binary resident at once (30 MB) set
 * a toolchain image's peak memory. */
static bool file_contains(const struct elf_file *ef, const char *s)
{
	const size_t window = 4u << 20, n = strlen(s);

	for (size_t off = 0; off < ef->size; off += window) {
		size_t len = ef->size - off < window + n - 1 ? ef->size - off : window + n - 1;
		bool found = memmem(ef->map + off, len, s, n) != NULL;
		elf_file_release_range(ef, ef->map + off, len);
		if (found)
			return true;
	}
	return false;
}

static void identify_libc(const struct elf_file *ef, struct elf_facts *f)
{
	const char *in = f->ident.interp;

	if (strstr(in, "ld-musl") || needs_any(f, "libc.musl-") ||
	    (f->soname && !strncmp(f->soname, "libc.musl-", 10))) {
		f->libc = LIBC_MUSL;
		f->libc_evidence = strstr(in, "ld-musl") ? "interpreter" : "libc.musl";
	} else if (strstr(in, "/system/bin/linker")) {
		f->libc = LIBC_BIONIC;
		f->libc_evidence = "interpreter /system/bin/linker";
	} else if (needs_any(f, "libc.so.6") || (f->soname && !strcmp(f->soname, "libc.so.6")) ||
		   strstr(in, "ld-linux") || strstr(in, "ld64.so")) {
		f->libc = LIBC_GLIBC;
		f->libc_evidence = f->soname && !strcmp(f->soname, "libc.so.6") ? "is libc.so.6"
				   : needs_any(f, "libc.so.6") ? "needs libc.so.6" : "interpreter";
	} else if (f->is_go && !f->nneeded) {
		f->libc = LIBC_NONE;
		f->libc_evidence = "static Go binary (Go runtime, no libc)";
	} else if (!in[0] && !f->nneeded && f->has_abi_tag) {
		/* Static: glibc links its .note.ABI-tag in, musl has none. */
		f->libc = LIBC_GLIBC;
		f->libc_evidence = "static, glibc ABI tag";
	} else if (!in[0] && !f->nneeded && file_contains(ef, "GNU C Library")) {
		f->libc = LIBC_GLIBC;
		f->libc_evidence = "static, glibc version string";
	}
}

/* Copies a string into the pool (sized by the caller), or repeats the
 * previous copy when the mapping's pointer is the same one again. */
static const char *pool_put(char **at, const char *s, const char **last_in, const char **last_out)
{
	size_t n;

	if (!s)
		return NULL;
	if (s == *last_in)
		return *last_out;
	n = strlen(s) + 1;
	memcpy(*at, s, n);
	*last_in = s;
	*last_out = *at;
	*at += n;
	return *last_out;
}

/* The strings the facts name, each a pointer to the mapped file until
 * now, become the facts' own: every later question about a library (its
 * soname, its versions, what it needs; the loader asks for every
 * program's closure) would fault its pages back in, 64 kB of file around
 * each read (208 libraries on the large image, 11 MB resident). */
static void own_strings(struct elf_facts *f)
{
	const char *li = NULL, *lo = NULL;
	const char *one[] = { f->soname, f->rpath, f->runpath };
	size_t total = 1;
	char *at;

	for (size_t i = 0; i < 3; i++)
		total += one[i] ? strlen(one[i]) + 1 : 0;
	for (size_t i = 0; i < f->nneeded; i++)
		total += strlen(f->needed[i]) + 1;
	for (size_t i = 0; i < f->nneeds; i++)
		total += (f->needs[i].file ? strlen(f->needs[i].file) + 1 : 0) +
			 strlen(f->needs[i].version) + 1;
	for (size_t i = 0; i < f->ndefs; i++)
		total += strlen(f->defs[i]) + 1;
	at = f->strings = xmalloc(total);
	f->soname = pool_put(&at, f->soname, &li, &lo);
	f->rpath = pool_put(&at, f->rpath, &li, &lo);
	f->runpath = pool_put(&at, f->runpath, &li, &lo);
	for (size_t i = 0; i < f->nneeded; i++)
		f->needed[i] = pool_put(&at, f->needed[i], &li, &lo);
	for (size_t i = 0; i < f->nneeds; i++) {
		const char *fi = NULL, *fo = NULL;
		f->needs[i].file = pool_put(&at, f->needs[i].file, &li, &lo);
		f->needs[i].version = pool_put(&at, f->needs[i].version, &fi, &fo);
	}
	for (size_t i = 0; i < f->ndefs; i++)
		f->defs[i] = pool_put(&at, f->defs[i], &li, &lo);
}

void elf_facts_read(const struct elf_file *ef, int fd, struct elf_facts *out)
{
	struct dyn_info di = { 0 };
	struct strtab st = { 0 };

	memset(out, 0, sizeof(*out));
	elf_ident_fd(fd, &out->ident);
	read_dynamic(ef, out, &di, &st);
	if (ef->ehdr.e_ident[EI_DATA] == ELFDATA2LSB) { /* raw reads assume host order */
		read_verneed(ef, &di, &st, out);
		read_verdef(ef, &di, &st, out);
		read_notes(ef, out);
	}
	read_segments(ef, out);
	read_go(ef, out);
	identify_libc(ef, out);
	own_strings(out);
}

void elf_facts_free(struct elf_facts *f)
{
	free(f->needed);
	free(f->needs);
	free(f->defs);
	free(f->strings);
	memset(f, 0, sizeof(*f));
}
