/* analyzer/elf_file.c — see elf_file.h. */
#include "analyzer/elf_file.h"

#include <errno.h>
#include <libelf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "common/sort.h"

/* Sections/segments beyond these are hostile, not real (glibc's largest
 * libraries have ~80 sections and ~12 segments). */
#define MAX_SECTIONS 65535
#define MAX_SYMBOLS (1u << 22)

const uint8_t *elf_file_range(const struct elf_file *ef, uint64_t off, uint64_t len)
{
	if (off > ef->size || len > ef->size - off)
		return NULL;
	return ef->map + off;
}

const uint8_t *elf_file_at(const struct elf_file *ef, uint64_t vaddr, size_t len)
{
	for (size_t i = 0; i < ef->phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(ef->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz &&
		    len <= ph.p_filesz - (vaddr - ph.p_vaddr))
			return elf_file_range(ef, ph.p_offset + (vaddr - ph.p_vaddr), len);
	}
	return NULL;
}

static void add_region(struct elf_file *ef, size_t *cap, uint64_t vaddr, const uint8_t *b,
		       size_t size, const char *name)
{
	xgrow((void **)&ef->code, cap, ef->ncode, sizeof(*ef->code));
	ef->code[ef->ncode++] = (struct code_region){ vaddr, b, size, name };
}

static void index_code(struct elf_file *ef)
{
	size_t cap = 0;
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;
		const uint8_t *b;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_size)
			continue;
		b = elf_file_range(ef, sh.sh_offset, sh.sh_size);
		if (b)
			add_region(ef, &cap, sh.sh_addr, b, sh.sh_size,
				   elf_strptr(ef->elf, ef->shstrndx, sh.sh_name));
	}
	if (ef->ncode)
		return;
	/* No (usable) section headers: the executable segments are the code. */
	for (size_t i = 0; i < ef->phnum; i++) {
		GElf_Phdr ph;
		const uint8_t *b;
		if (!gelf_getphdr(ef->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X) || !ph.p_filesz)
			continue;
		b = elf_file_range(ef, ph.p_offset, ph.p_filesz);
		if (b)
			add_region(ef, &cap, ph.p_vaddr, b, ph.p_filesz, "segment");
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_symbol *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static void add_mapping(struct elf_file *ef, size_t *cap, uint64_t addr, char kind)
{
	xgrow((void **)&ef->maps, cap, ef->nmaps, sizeof(*ef->maps));
	ef->maps[ef->nmaps++] = (struct mapping_symbol){ addr, kind };
}

static void read_symtab(struct elf_file *ef, Elf_Scn *scn, const GElf_Shdr *sh, size_t *cap,
			size_t *mapcap)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	bool arm = ef->ehdr.e_machine == EM_ARM || ef->ehdr.e_machine == EM_AARCH64;

	for (size_t i = 0; d && i < n && ef->nsyms < MAX_SYMBOLS; i++) {
		GElf_Sym s;
		const char *name;
		int type;
		if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if (arm && type == STT_NOTYPE && ef->nmaps < MAX_SYMBOLS) {
			name = elf_strptr(ef->elf, sh->sh_link, s.st_name);
			if (name && name[0] == '$' && strchr("atxd", name[1]) &&
			    (!name[2] || name[2] == '.'))
				add_mapping(ef, mapcap, s.st_value, name[1]);
			continue;
		}
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT)
			continue;
		name = elf_strptr(ef->elf, sh->sh_link, s.st_name);
		xgrow((void **)&ef->syms, cap, ef->nsyms, sizeof(*ef->syms));
		ef->syms[ef->nsyms++] = (struct elf_symbol){
			.value = s.st_value, .size = s.st_size, .name = name ? name : "",
			.is_func = type != STT_OBJECT,
			.thumb = ef->ehdr.e_machine == EM_ARM && type != STT_OBJECT && (s.st_value & 1),
		};
		if (ef->syms[ef->nsyms - 1].thumb)
			ef->syms[ef->nsyms - 1].value &= ~1ull;
	}
}

static int map_cmp(const void *a, const void *b)
{
	const struct mapping_symbol *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void index_symbols(struct elf_file *ef)
{
	size_t cap = 0, mapcap = 0;
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			read_symtab(ef, scn, &sh, &cap, &mapcap);
	}
	sort_array(ef->syms, ef->nsyms, sizeof(*ef->syms), sym_cmp);
	sort_array(ef->maps, ef->nmaps, sizeof(*ef->maps), map_cmp);
	/* The tables read (libLLVM: 4 MB); names asked later fault back. */
	elf_file_release_step(ef);
}

/* A segment whose file image lies past the end: the file was truncated. */
static void check_segments(struct elf_file *ef)
{
	for (size_t i = 0; i < ef->phnum && !ef->problem; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(ef->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    !elf_file_range(ef, ph.p_offset, ph.p_filesz))
			ef->problem = "truncated: a loadable segment extends beyond the end of the file";
	}
}

int elf_file_open(int fd, struct elf_file *ef, struct ac_error *err)
{
	struct stat st;
	void *m;

	memset(ef, 0, sizeof(*ef));
	if (fstat(fd, &st) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "stat");
	if (st.st_size < (off_t)sizeof(Elf32_Ehdr))
		return ac_error_set(err, AC_ERR_INPUT, 0, "truncated ELF (%lld bytes)",
				    (long long)st.st_size);
	/* Private and writable: libelf converts foreign-endian headers in place;
	 * copy-on-write keeps the file itself untouched. */
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "mmap");
	ef->map = m;
	ef->size = (size_t)st.st_size;
	elf_version(EV_CURRENT);
	ef->elf = elf_memory((char *)ef->map, ef->size);
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF || !gelf_getehdr(ef->elf, &ef->ehdr)) {
		elf_file_close(ef);
		return ac_error_set(err, AC_ERR_INPUT, 0, "malformed ELF header");
	}
	/* The header's own count, not libelf's (which shortens a table cut by
	 * truncation); PN_XNUM defers to section 0 as libelf reads it. */
	if (elf_getphdrnum(ef->elf, &ef->phnum) < 0 ||
	    (ef->ehdr.e_phnum != PN_XNUM && ef->ehdr.e_phnum > ef->phnum) ||
	    (ef->phnum && !elf_file_range(ef, ef->ehdr.e_phoff,
					  (uint64_t)ef->phnum * ef->ehdr.e_phentsize))) {
		ef->phnum = 0;
		ef->problem = "program headers beyond the end of the file";
	}
	ef->has_sections = elf_getshdrnum(ef->elf, &ef->shnum) == 0 && ef->shnum > 0 &&
			   ef->shnum <= MAX_SECTIONS &&
			   elf_file_range(ef, ef->ehdr.e_shoff,
					  (uint64_t)ef->shnum * ef->ehdr.e_shentsize) &&
			   elf_getshdrstrndx(ef->elf, &ef->shstrndx) == 0;
	if (!ef->has_sections && ef->ehdr.e_shnum && !ef->problem)
		ef->problem = "section headers beyond the end of the file or malformed";
	check_segments(ef);
	index_code(ef);
	return 0;
}

/* One lock for every file: taken once per file, by the first thread to ask. */
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

void elf_file_index_symbols(const struct elf_file *cef)
{
	struct elf_file *ef = (struct elf_file *)cef; /* the index caches what the file says */

	if (atomic_load_explicit(&ef->symbols_indexed, memory_order_acquire))
		return;
	pthread_mutex_lock(&index_lock);
	if (!atomic_load_explicit(&ef->symbols_indexed, memory_order_relaxed)) {
		index_symbols(ef);
		atomic_store_explicit(&ef->symbols_indexed, true, memory_order_release);
	}
	pthread_mutex_unlock(&index_lock);
}

void elf_file_drop_symbols(const struct elf_file *cef)
{
	struct elf_file *ef = (struct elf_file *)cef;

	free(ef->syms);
	free(ef->maps);
	ef->syms = NULL, ef->nsyms = 0, ef->maps = NULL, ef->nmaps = 0;
	atomic_store_explicit(&ef->symbols_indexed, false, memory_order_release);
}

/* Foreign-endian headers were converted in place: those pages are private
 * copies now, and dropping them would bring back the file's bytes under
 * libelf's feet. */
static bool native(const struct elf_file *ef)
{
	return ef->ehdr.e_ident[EI_DATA] ==
	       (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB);
}

void elf_file_release_range(const struct elf_file *ef, const void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t hi = ((uintptr_t)p + len) & ~(page - 1);

	/* Only the mapping's pages: a converted copy lives in the heap. */
	if (ef->map && native(ef) && ef->size >= RELEASE_STEP_MIN && hi > lo &&
	    (const uint8_t *)p >= ef->map &&
	    (const uint8_t *)p + len <= ef->map + ef->size)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void elf_file_release_around(const struct elf_file *ef, const char *p)
{
	uintptr_t lo, hi, map = (uintptr_t)ef->map;

	if (!p || !ef->map || !native(ef) || ef->size < RELEASE_AROUND_MIN ||
	    (const uint8_t *)p < ef->map || (const uint8_t *)p >= ef->map + ef->size)
		return;
	lo = (uintptr_t)p & ~(uintptr_t)(FAULT_AROUND_BYTES - 1);
	hi = ((uintptr_t)p + strlen(p) + FAULT_AROUND_BYTES) & ~(uintptr_t)(FAULT_AROUND_BYTES - 1);
	lo = lo < map ? map : lo;
	hi = hi > map + ef->size ? map + ef->size : hi;
	elf_file_release_range(ef, (const void *)lo, hi - lo);
}

void elf_file_release_behind(const struct elf_file *ef, const void *base, size_t *behind,
			     size_t at)
{
	if (at < *behind || at - *behind < RELEASE_BEHIND_STEP)
		return;
	elf_file_release_range(ef, (const uint8_t *)base + *behind, at - *behind);
	*behind = at;
}

void elf_file_release_pages(const struct elf_file *ef)
{
	if (ef->map && native(ef))
		madvise((void *)ef->map, ef->size, MADV_DONTNEED);
}

void elf_file_release_step(const struct elf_file *ef)
{
	if (ef->size >= RELEASE_STEP_MIN)
		elf_file_release_pages(ef);
}

void elf_file_suspend(struct elf_file *ef)
{
	if (ef->elf && native(ef)) {
		elf_end(ef->elf);
		ef->elf = NULL;
	}
}

void elf_file_resume(const struct elf_file *cef)
{
	struct elf_file *ef = (struct elf_file *)cef; /* the handle caches the mapping */

	if (!ef->elf && ef->map)
		ef->elf = elf_memory((char *)ef->map, ef->size);
}

void elf_file_close(struct elf_file *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->map)
		munmap((void *)ef->map, ef->size);
	free(ef->code);
	free(ef->syms);
	free(ef->maps);
	memset(ef, 0, sizeof(*ef));
}

const struct elf_symbol *elf_file_symbol_at(const struct elf_file *ef, uint64_t addr)
{
	size_t lo = 0, hi;

	elf_file_index_symbols(ef);
	hi = ef->nsyms;
	while (lo < hi) { /* last symbol with value <= addr */
		size_t mid = lo + (hi - lo) / 2;
		if (ef->syms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Aliases and objects share addresses; a few steps back suffice. */
	for (size_t i = lo, steps = 0; i-- > 0 && steps < 16; steps++) {
		const struct elf_symbol *s = &ef->syms[i];
		if (s->is_func && addr - s->value < (s->size ? s->size : 1))
			return s;
	}
	return NULL;
}

bool elf_file_section(const struct elf_file *ef, const char *name, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		const char *n;
		if (!gelf_getshdr(scn, out))
			continue;
		n = elf_strptr(ef->elf, ef->shstrndx, out->sh_name);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}
