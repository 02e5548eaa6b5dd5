/* analyzer/dynsyms.c — see dynsyms.h. */
#include "analyzer/dynsyms.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/linktable.h"
#include "common/sort.h"
#include "common/xalloc.h"

#define MAX_DYNSYMS (1u << 20)

/* Version index -> name, from .gnu.version_d and .gnu.version_r. */
struct version_names {
	const char **names;
	size_t n;
};

static void set_version(struct version_names *v, size_t idx, const char *name)
{
	if (idx >= 0x8000 || !name)
		return;
	if (idx >= v->n) {
		v->names = xrealloc(v->names, (idx + 1) * sizeof(*v->names));
		memset(v->names + v->n, 0, (idx + 1 - v->n) * sizeof(*v->names));
		v->n = idx + 1;
	}
	v->names[idx] = name;
}

static void read_version_names(const struct elf_file *ef, struct version_names *v)
{
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t off = 0;
		if (!gelf_getshdr(scn, &sh) || !(d = elf_getdata(scn, NULL)))
			continue;
		if (sh.sh_type == SHT_GNU_verdef) {
			GElf_Verdef vd;
			for (size_t i = 0; i < sh.sh_info && i < 4096 && gelf_getverdef(d, (int)off, &vd); i++) {
				GElf_Verdaux va;
				if (gelf_getverdaux(d, (int)(off + vd.vd_aux), &va))
					set_version(v, vd.vd_ndx, elf_strptr(ef->elf, sh.sh_link, va.vda_name));
				if (!vd.vd_next)
					break;
				off += vd.vd_next;
			}
		} else if (sh.sh_type == SHT_GNU_verneed) {
			GElf_Verneed vn;
			size_t visited = 0;
			for (size_t i = 0; i < sh.sh_info && i < 4096 && gelf_getverneed(d, (int)off, &vn); i++) {
				size_t aoff = off + vn.vn_aux;
				GElf_Vernaux va;
				for (int j = 0; j < vn.vn_cnt && ++visited < 4096 &&
						gelf_getvernaux(d, (int)aoff, &va); j++) {
					set_version(v, va.vna_other, elf_strptr(ef->elf, sh.sh_link, va.vna_name));
					if (!va.vna_next)
						break;
					aoff += va.vna_next;
				}
				if (!vn.vn_next)
					break;
				off += vn.vn_next;
			}
		}
	}
}

static Elf_Scn *find_type(const struct elf_file *ef, Elf64_Word type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == type)
			return scn;
	return NULL;
}

/* dynsym index -> import index + 1 (0: none), and -> export index + 1. */
struct dynsym_map {
	size_t *import, *export;
	size_t n;
};

/* A kept symbol's name offset and where its entry went (an import's slot
 * with the top bit set, else an export's). */
struct name_slot {
	uint32_t name, slot;
};
#define IMPORT_SLOT 0x80000000u

static int name_slot_cmp(const void *a, const void *b)
{
	const struct name_slot *x = a, *y = b;

	return x->name < y->name ? -1 : x->name > y->name;
}

/* The symbols first, their names after: .dynstr is in no useful order
 * with .dynsym (GNU hash order), so reading each name as its symbol comes
 * touched all of it at once (libLLVM: 3 MB of names, 1.5 MB of symbols,
 * resident beside the sweep's edges).  Names are hashed in .dynstr order
 * instead, each table released behind its reader. */
static void read_symbol_entries(const struct elf_file *ef, const struct version_names *vn,
				Elf_Data *d, Elf_Data *vd, size_t n, size_t entsize,
				struct dynsyms *out, struct dynsym_map *map, struct name_slot *names,
				size_t *nnames)
{
	size_t ecap = 0, icap = 0, behind = 0;

	for (size_t i = 1; i < n; i++) {
		GElf_Sym s;
		GElf_Versym ver = 0;
		struct dyn_symbol ds = { 0 };
		int type;
		elf_file_release_behind(ef, d->d_buf, &behind, i * entsize);
		if (!gelf_getsym(d, (int)i, &s))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
			continue;
		if (s.st_shndx != SHN_UNDEF && type == STT_NOTYPE)
			continue;
		if (vd && gelf_getversym(vd, (int)i, &ver) && (ver & 0x7fff) > 1 &&
		    (size_t)(ver & 0x7fff) < vn->n)
			ds.version = vn->names[ver & 0x7fff];
		ds.hidden_version = (ver & 0x8000) != 0;
		ds.value = s.st_value;
		ds.ifunc = type == STT_GNU_IFUNC;
		if (s.st_shndx == SHN_UNDEF) {
			xgrow((void **)&out->imports, &icap, out->nimports, sizeof(ds));
			map->import[i] = out->nimports + 1;
			names[(*nnames)++] = (struct name_slot){ s.st_name, (uint32_t)out->nimports | IMPORT_SLOT };
			out->imports[out->nimports++] = ds;
		} else {
			if (ef->ehdr.e_machine == EM_ARM)
				ds.value &= ~1ull;
			xgrow((void **)&out->exports, &ecap, out->nexports, sizeof(ds));
			map->export[i] = out->nexports + 1;
			names[(*nnames)++] = (struct name_slot){ s.st_name, (uint32_t)out->nexports };
			out->exports[out->nexports++] = ds;
		}
	}
}

static void read_names(const struct elf_file *ef, size_t strndx, struct name_slot *names,
		       size_t n, struct dynsyms *out)
{
	const char *base = elf_strptr(ef->elf, strndx, 0);
	size_t behind = 0;

	sort_array(names, n, sizeof(*names), name_slot_cmp);
	for (size_t k = 0; k < n; k++) {
		const char *p = elf_strptr(ef->elf, strndx, names[k].name);
		struct dyn_symbol *ds = names[k].slot & IMPORT_SLOT ?
						&out->imports[names[k].slot & ~IMPORT_SLOT] :
						&out->exports[names[k].slot];
		if (base)
			elf_file_release_behind(ef, base, &behind, names[k].name);
		if (p && *p) {
			ds->name = p;
			ds->hash = link_hash(p);
		}
	}
}

/* Drops the entries whose name turned out empty or bad, renumbering. */
static void drop_unnamed(struct dyn_symbol *v, size_t *n, size_t *map, size_t nmap)
{
	size_t *to = xcalloc(*n + 1, sizeof(*to)), m = 0;

	for (size_t k = 0; k < *n; k++)
		if (v[k].name) {
			to[k] = m + 1;
			v[m++] = v[k];
		}
	for (size_t i = 0; i < nmap; i++)
		if (map[i])
			map[i] = to[map[i] - 1];
	*n = m;
	free(to);
}

static void read_symbols(const struct elf_file *ef, const struct version_names *vn,
			 struct dynsyms *out, struct dynsym_map *map)
{
	GElf_Shdr sh, vsh;
	Elf_Scn *scn = find_type(ef, SHT_DYNSYM, &sh);
	Elf_Scn *vscn = find_type(ef, SHT_GNU_versym, &vsh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	Elf_Data *vd = vscn ? elf_getdata(vscn, NULL) : NULL;
	size_t n = d && sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0, nnames = 0;
	struct name_slot *names;

	if (n > MAX_DYNSYMS)
		n = MAX_DYNSYMS;
	map->import = xcalloc(n + 1, sizeof(size_t));
	map->export = xcalloc(n + 1, sizeof(size_t));
	map->n = n;
	names = xcalloc(n + 1, sizeof(*names));
	read_symbol_entries(ef, vn, d, vd, n, sh.sh_entsize, out, map, names, &nnames);
	read_names(ef, sh.sh_link, names, nnames, out);
	free(names);
	drop_unnamed(out->imports, &out->nimports, map->import, n);
	drop_unnamed(out->exports, &out->nexports, map->export, n);
}

/* GNU ld's PLT layouts: header size and entry size per machine. */
static bool plt_layout(unsigned machine, bool sec, uint64_t *header, uint64_t *entry)
{
	switch (machine) {
	case EM_X86_64: *header = sec ? 0 : 16; *entry = 16; return true;
	case EM_386: *header = sec ? 0 : 16; *entry = 16; return true;
	case EM_AARCH64: *header = 32; *entry = 16; return true;
	case EM_ARM: *header = 20; *entry = 12; return true;
	default: return false;
	}
}

static int stub_cmp(const void *a, const void *b)
{
	const struct plt_stub *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The import a PLT relocation calls.  A stub may call a symbol the object
 * defines itself (an interposable export, as C++ libraries have): it binds
 * like an import, to the first definition in load order. */
static size_t plt_import(struct dynsyms *out, struct dynsym_map *map, size_t sym)
{
	if (sym >= map->n)
		return 0;
	if (!map->import[sym] && map->export[sym]) {
		size_t cap = out->nimports;
		xgrow((void **)&out->imports, &cap, out->nimports, sizeof(*out->imports));
		out->imports[out->nimports] = out->exports[map->export[sym] - 1];
		map->import[sym] = ++out->nimports;
	}
	return map->import[sym];
}

static void read_plt(const struct elf_file *ef, struct dynsym_map *map, struct dynsyms *out)
{
	GElf_Shdr rsh, psh;
	Elf_Scn *rscn = NULL;
	bool sec = elf_file_section(ef, ".plt.sec", &psh);
	uint64_t header, entry;
	size_t cap = 0;

	if ((!sec && !elf_file_section(ef, ".plt", &psh)) ||
	    !plt_layout(ef->ehdr.e_machine, sec, &header, &entry))
		return;
	if (!elf_file_section(ef, ".rela.plt", &rsh) && !elf_file_section(ef, ".rel.plt", &rsh))
		return;
	while ((rscn = elf_nextscn(ef->elf, rscn))) { /* the Elf_Scn of that header */
		GElf_Shdr sh;
		if (gelf_getshdr(rscn, &sh) && sh.sh_offset == rsh.sh_offset && sh.sh_type == rsh.sh_type)
			break;
	}
	Elf_Data *d = rscn ? elf_getdata(rscn, NULL) : NULL;
	size_t n = d && rsh.sh_entsize ? rsh.sh_size / rsh.sh_entsize : 0;
	for (size_t i = 0; i < n && i < MAX_DYNSYMS; i++) {
		size_t sym;
		if (rsh.sh_type == SHT_RELA) {
			GElf_Rela r;
			if (!gelf_getrela(d, (int)i, &r))
				continue;
			sym = ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? GELF_R_SYM(r.r_info)
									  : ELF32_R_SYM(r.r_info);
		} else {
			GElf_Rel r;
			if (!gelf_getrel(d, (int)i, &r))
				continue;
			sym = ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? GELF_R_SYM(r.r_info)
									  : ELF32_R_SYM(r.r_info);
		}
		size_t imp = plt_import(out, map, sym);
		if (!imp)
			continue;
		xgrow((void **)&out->plt, &cap, out->nplt, sizeof(*out->plt));
		out->plt[out->nplt++] = (struct plt_stub){ psh.sh_addr + header + entry * i, entry,
							   imp - 1 };
	}
	sort_array(out->plt, out->nplt, sizeof(*out->plt), stub_cmp);
}

struct reloc_slot {
	uint64_t offset, target;
};

/* One relocation entry as (offset, type, addend or in-place value). */
static bool read_reloc(const struct elf_file *ef, Elf_Data *d, const GElf_Shdr *sh, size_t i,
		       uint64_t *offset, unsigned *type, uint64_t *target)
{
	bool is64 = ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64;

	if (sh->sh_type == SHT_RELA) {
		GElf_Rela r;
		if (!gelf_getrela(d, (int)i, &r))
			return false;
		*offset = r.r_offset;
		*type = is64 ? GELF_R_TYPE(r.r_info) : ELF32_R_TYPE(r.r_info);
		*target = (uint64_t)r.r_addend;
	} else {
		GElf_Rel r;
		const uint8_t *p;
		uint32_t w;
		if (!gelf_getrel(d, (int)i, &r))
			return false;
		*offset = r.r_offset;
		*type = ELF32_R_TYPE(r.r_info);
		p = elf_file_at(ef, r.r_offset, 4); /* REL: the addend is in place */
		if (!p)
			return false;
		memcpy(&w, p, 4);
		*target = w;
	}
	return true;
}

static unsigned relative_type(unsigned machine)
{
	switch (machine) {
	case EM_X86_64: return R_X86_64_RELATIVE;
	case EM_AARCH64: return R_AARCH64_RELATIVE;
	case EM_386: return R_386_RELATIVE;
	case EM_ARM: return R_ARM_RELATIVE;
	default: return ~0u;
	}
}

/* The init, fini and preinit arrays (address, size) and DT_INIT/DT_FINI,
 * from the dynamic segment. */
struct init_arrays {
	uint64_t addr[3], size[3];
	uint64_t *direct; /* DT_INIT and DT_FINI, in the section's order */
	size_t ndirect, cap;
};

static void read_init_arrays(const struct elf_file *ef, struct init_arrays *ia)
{
	memset(ia, 0, sizeof(*ia));
	for (size_t i = 0; i < ef->phnum; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		GElf_Dyn dyn;
		if (!gelf_getphdr(ef->elf, (int)i, &ph) || ph.p_type != PT_DYNAMIC ||
		    !elf_file_range(ef, ph.p_offset, ph.p_filesz))
			continue;
		d = elf_getdata_rawchunk(ef->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
		for (int k = 0; d && gelf_getdyn(d, k, &dyn) && dyn.d_tag != DT_NULL; k++) {
			switch (dyn.d_tag) {
			case DT_INIT: case DT_FINI:
				xgrow((void **)&ia->direct, &ia->cap, ia->ndirect, sizeof(uint64_t));
				ia->direct[ia->ndirect++] = dyn.d_un.d_ptr;
				break;
			case DT_INIT_ARRAY: ia->addr[0] = dyn.d_un.d_ptr; break;
			case DT_INIT_ARRAYSZ: ia->size[0] = dyn.d_un.d_val; break;
			case DT_FINI_ARRAY: ia->addr[1] = dyn.d_un.d_ptr; break;
			case DT_FINI_ARRAYSZ: ia->size[1] = dyn.d_un.d_val; break;
			case DT_PREINIT_ARRAY: ia->addr[2] = dyn.d_un.d_ptr; break;
			case DT_PREINIT_ARRAYSZ: ia->size[2] = dyn.d_un.d_val; break;
			default: break;
			}
		}
	}
}

static bool in_init_arrays(const struct init_arrays *ia, uint64_t offset)
{
	for (int k = 0; k < 3; k++)
		if (ia->addr[k] && offset - ia->addr[k] < ia->size[k])
			return true;
	return false;
}

/* R_*_RELATIVE addends: addresses the loader stores into data, i.e. the
 * function pointers of tables like stdio's _IO_file_jumps, and of the
 * init/fini arrays (`slots` keeps where each of those is stored: only
 * those, libLLVM has 335 000 relocations). */
static void read_data_refs(const struct elf_file *ef, const struct init_arrays *ia,
			   struct dynsyms *out, data_ref_sink sink, void *arg,
			   struct reloc_slot **slots, size_t *nslots)
{
	unsigned rel = relative_type(ef->ehdr.e_machine);
	Elf_Scn *scn = NULL;
	size_t cap = 0, scap = 0;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) ||
		    !(d = elf_getdata(scn, NULL)) || !sh.sh_entsize)
			continue;
		size_t behind = 0; /* relocations read and released up to here */
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			uint64_t offset, target;
			unsigned type;
			if (d->d_size >= i * sh.sh_entsize)
				elf_file_release_behind(ef, d->d_buf, &behind, i * sh.sh_entsize);
			if (!read_reloc(ef, d, &sh, i, &offset, &type, &target) || type != rel)
				continue;
			if (sink) {
				sink(arg, target);
			} else {
				xgrow((void **)&out->data_refs, &cap, out->ndata_refs, sizeof(uint64_t));
				out->data_refs[out->ndata_refs++] = target;
			}
			if (!in_init_arrays(ia, offset))
				continue;
			xgrow((void **)slots, &scap, *nslots, sizeof(**slots));
			(*slots)[(*nslots)++] = (struct reloc_slot){ offset, target };
		}
	}
}

static void add_ctor(struct dynsyms *out, size_t *cap, uint64_t addr, unsigned machine)
{
	if (!addr || addr == ~0ull || addr == 0xffffffffull)
		return; /* empty slots and the -1 terminators old toolchains wrote */
	xgrow((void **)&out->ctors, cap, out->nctors, sizeof(uint64_t));
	out->ctors[out->nctors++] = machine == EM_ARM ? addr & ~1ull : addr;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct reloc_slot *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The pointers of an init/fini array: a RELATIVE relocation's target where
 * there is one (PIE and libraries), else the word in the file. */
static void read_array(const struct elf_file *ef, struct dynsyms *out, size_t *cap,
		       uint64_t addr, uint64_t size, const struct reloc_slot *slots, size_t nslots)
{
	size_t ptr = ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;

	for (uint64_t a = addr; a < addr + size && a - addr < 4096 * ptr; a += ptr) {
		struct reloc_slot key = { a, 0 };
		const struct reloc_slot *s = search_array(&key, slots, nslots, sizeof(key), slot_cmp);
		uint64_t v = 0;
		if (s) {
			v = s->target;
		} else {
			const uint8_t *p = elf_file_at(ef, a, ptr);
			if (!p)
				continue;
			memcpy(&v, p, ptr); /* little-endian: the analyzer's scope */
		}
		add_ctor(out, cap, v, ef->ehdr.e_machine);
	}
}

static void read_ctors(const struct elf_file *ef, const struct init_arrays *ia,
		       struct dynsyms *out, struct reloc_slot *slots, size_t nslots)
{
	size_t cap = 0;

	sort_array(slots, nslots, sizeof(*slots), slot_cmp);
	for (size_t i = 0; i < ia->ndirect; i++)
		add_ctor(out, &cap, ia->direct[i], ef->ehdr.e_machine);
	for (int k = 0; k < 3; k++)
		if (ia->addr[k])
			read_array(ef, out, &cap, ia->addr[k], ia->size[k], slots, nslots);
}

void dynsyms_read_symbols(const struct elf_file *ef, struct dynsyms *out)
{
	struct version_names vn = { 0 };
	struct dynsym_map map = { 0 };

	memset(out, 0, sizeof(*out));
	read_version_names(ef, &vn);
	read_symbols(ef, &vn, out, &map);
	read_plt(ef, &map, out); /* it adds the interposable exports it calls */
	free(map.import);
	free(map.export);
	free(vn.names);
}

void dynsyms_read_relocations(const struct elf_file *ef, struct dynsyms *d, data_ref_sink sink,
			      void *arg)
{
	struct init_arrays ia;
	struct reloc_slot *slots = NULL;
	size_t nslots = 0;

	read_init_arrays(ef, &ia);
	read_data_refs(ef, &ia, d, sink, arg, &slots, &nslots);
	read_ctors(ef, &ia, d, slots, nslots);
	free(ia.direct);
	free(slots);
}

void dynsyms_read(const struct elf_file *ef, struct dynsyms *out)
{
	dynsyms_read_symbols(ef, out);
	dynsyms_read_relocations(ef, out, NULL, NULL);
}

void dynsyms_free(struct dynsyms *d)
{
	free(d->exports);
	free(d->imports);
	free(d->plt);
	free(d->data_refs);
	free(d->ctors);
	memset(d, 0, sizeof(*d));
}

void dynsyms_drop_symbols(struct dynsyms *d)
{
	free(d->exports);
	free(d->imports);
	d->exports = d->imports = NULL;
	d->nexports = 0;
}

long dynsyms_plt_import(const struct dynsyms *d, uint64_t addr)
{
	size_t lo = 0, hi = d->nplt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->plt[mid].addr + d->plt[mid].size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nplt && addr >= d->plt[lo].addr ? (long)d->plt[lo].import : -1;
}
