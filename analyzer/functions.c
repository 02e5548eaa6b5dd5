/* analyzer/functions.c — see functions.h.  The .eh_frame layout is the
 * LSB's (Linux Standard Base Core, "Exception Frames"), DWARF CFI with
 * pointer encodings (DW_EH_PE_*). */
#include "analyzer/functions.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/sort.h"

enum {
	PE_ABSPTR = 0x00, PE_ULEB = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
	PE_SLEB = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c,
	PE_PCREL = 0x10, PE_OMIT = 0xff,
};

struct cursor {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_uleb(struct cursor *c)
{
	uint64_t v = 0;
	int shift = 0;

	while (c->p < c->end) {
		uint8_t b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

static int64_t get_sleb(struct cursor *c)
{
	int64_t v = 0;
	int shift = 0;
	uint8_t b = 0;

	while (c->p < c->end) {
		b = *c->p++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= -((int64_t)1 << shift);
	return v;
}

static uint64_t get_fixed(struct cursor *c, size_t n)
{
	uint64_t v = 0;

	if ((size_t)(c->end - c->p) < n) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	for (size_t i = 0; i < n; i++) /* .eh_frame is in the target's byte order;
					 * we only analyse little-endian code */
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

/* Reads an encoded pointer; `here` is the vaddr of the field (pcrel). */
static uint64_t get_encoded(struct cursor *c, uint8_t enc, uint64_t here, int ptr_size)
{
	uint64_t v;

	switch (enc & 0x0f) {
	case PE_ABSPTR: v = get_fixed(c, (size_t)ptr_size); break;
	case PE_ULEB: v = get_uleb(c); break;
	case PE_UDATA2: v = get_fixed(c, 2); break;
	case PE_UDATA4: v = get_fixed(c, 4); break;
	case PE_UDATA8: v = get_fixed(c, 8); break;
	case PE_SLEB: v = (uint64_t)get_sleb(c); break;
	case PE_SDATA2: v = (uint64_t)(int64_t)(int16_t)get_fixed(c, 2); break;
	case PE_SDATA4: v = (uint64_t)(int64_t)(int32_t)get_fixed(c, 4); break;
	case PE_SDATA8: v = get_fixed(c, 8); break;
	default: c->bad = true; return 0;
	}
	if ((enc & 0x70) == PE_PCREL)
		v += here;
	return v;
}

/* The FDE pointer encoding a CIE declares with its 'R' augmentation. */
static uint8_t cie_fde_encoding(const uint8_t *cie, const uint8_t *end, int ptr_size)
{
	struct cursor c = { cie, end, false };
	const char *aug;
	uint8_t version, enc = PE_ABSPTR;

	version = (uint8_t)get_fixed(&c, 1);
	aug = (const char *)c.p;
	while (c.p < c.end && *c.p)
		c.p++;
	if (c.p >= c.end || aug[0] != 'z')
		return PE_ABSPTR;
	c.p++;
	if (version >= 4)
		c.p += 2; /* address_size, segment_selector_size */
	get_uleb(&c);  /* code alignment */
	get_sleb(&c);  /* data alignment */
	if (version == 1)
		get_fixed(&c, 1);
	else
		get_uleb(&c); /* return address register */
	get_uleb(&c);      /* augmentation data length */
	for (const char *a = aug + 1; *a && !c.bad; a++) {
		if (*a == 'R') {
			enc = (uint8_t)get_fixed(&c, 1);
			break;
		} else if (*a == 'P') {
			uint8_t penc = (uint8_t)get_fixed(&c, 1);
			get_encoded(&c, penc & 0x7f, 0, ptr_size);
		} else if (*a == 'L') {
			get_fixed(&c, 1);
		} else if (*a != 'S' && *a != 'B') {
			break; /* unknown augmentation: cannot go on */
		}
	}
	return c.bad ? PE_OMIT : enc;
}

void eh_frame_parse(const uint8_t *p, size_t size, uint64_t vaddr, int ptr_size,
		    void (*fn)(uint64_t start, uint64_t end, void *arg), void *arg)
{
	const uint8_t *base = p, *end = p + size;

	while ((size_t)(end - p) >= 8) {
		struct cursor c = { p, end, false };
		uint64_t len = get_fixed(&c, 4);
		const uint8_t *entry_start, *next;
		uint32_t id;

		if (len == 0)
			break; /* terminator */
		if (len == 0xffffffff)
			len = get_fixed(&c, 8);
		entry_start = c.p;
		if (c.bad || len > (uint64_t)(end - entry_start) || len < 4)
			break;
		next = entry_start + len;
		id = (uint32_t)get_fixed(&c, 4);
		if (id != 0 && id <= (uint64_t)(entry_start - base)) { /* an FDE */
			const uint8_t *cie = entry_start - id;
			struct cursor cc = { cie, end, false };
			uint64_t cielen = get_fixed(&cc, 4);
			/* The CIE's own length is file data: check it before reading
			 * its augmentation. */
			bool cie_ok = !cc.bad && cielen >= 4 && cielen != 0xffffffff &&
				      cielen <= (uint64_t)(end - cie) - 4;
			uint8_t enc = cie_ok ? cie_fde_encoding(cie + 8, cie + 4 + cielen, ptr_size)
					     : PE_OMIT;
			if (enc != PE_OMIT) {
				struct cursor fc = { c.p, next, false };
				uint64_t here = vaddr + (uint64_t)(c.p - base);
				uint64_t start = get_encoded(&fc, enc, here, ptr_size);
				uint64_t range = get_encoded(&fc, enc & 0x0f, 0, ptr_size);
				if (!fc.bad && range && range < (1ull << 32))
					fn(start, start + range, arg);
			}
		}
		p = next;
	}
}

struct collect {
	struct function_index *fi;
	size_t cap;
};

static void add_range(uint64_t start, uint64_t end, void *arg)
{
	struct collect *c = arg;

	xgrow((void **)&c->fi->ranges, &c->cap, c->fi->n, sizeof(*c->fi->ranges));
	c->fi->ranges[c->fi->n++] = (struct func_range){ start, end };
}

static int range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static void add_eh_frame(const struct elf_file *ef, struct collect *c)
{
	GElf_Shdr sh;
	const uint8_t *b;
	int ptr_size = ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;

	if (!elf_file_section(ef, ".eh_frame", &sh) || sh.sh_type != SHT_PROGBITS)
		return;
	b = elf_file_range(ef, sh.sh_offset, sh.sh_size);
	if (b)
		eh_frame_parse(b, sh.sh_size, sh.sh_addr, ptr_size, add_range, c);
	c->fi->fdes = c->fi->n;
}

void function_index_build(const struct elf_file *ef, struct function_index *fi)
{
	struct collect c = { fi, 0 };

	memset(fi, 0, sizeof(*fi));
	add_eh_frame(ef, &c);
	for (size_t i = 0; i < ef->nsyms; i++)
		if (ef->syms[i].is_func && ef->syms[i].size)
			add_range(ef->syms[i].value, ef->syms[i].value + ef->syms[i].size, &c);
	sort_array(fi->ranges, fi->n, sizeof(*fi->ranges), range_cmp);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t function_starts_unique(uint64_t *starts, size_t n)
{
	size_t m = 0;

	sort_array(starts, n, sizeof(*starts), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!m || starts[i] != starts[m - 1])
			starts[m++] = starts[i];
	return m;
}

void function_index_add_starts(struct function_index *fi, const uint64_t *starts, size_t n,
			       const struct code_region *regions, size_t nregions)
{
	uint64_t *s;
	size_t cap = fi->n, m = 0;

	if (!n)
		return;
	s = xmalloc(n * sizeof(*s));
	memcpy(s, starts, n * sizeof(*s));
	sort_array(s, n, sizeof(*s), u64_cmp);
	for (size_t i = 0; i < n; i++) {
		uint64_t end = 0;
		if (i && s[i] == s[i - 1])
			continue;
		for (size_t r = 0; r < nregions; r++)
			if (s[i] - regions[r].vaddr < regions[r].size)
				end = regions[r].vaddr + regions[r].size;
		for (size_t j = i + 1; j < n; j++) /* the next different start */
			if (s[j] > s[i]) {
				if (s[j] < end)
					end = s[j];
				break;
			}
		{ /* the next known function */
			size_t next = function_index_upper(fi, s[i]);
			if (next < fi->n && fi->ranges[next].start < end)
				end = fi->ranges[next].start;
		}
		if (end <= s[i])
			continue;
		xgrow((void **)&fi->ranges, &cap, fi->n + m, sizeof(*fi->ranges));
		fi->ranges[fi->n + m++] = (struct func_range){ s[i], end };
	}
	fi->n += m;
	sort_array(fi->ranges, fi->n, sizeof(*fi->ranges), range_cmp);
	free(s);
}

void function_index_free(struct function_index *fi)
{
	free(fi->ranges);
	memset(fi, 0, sizeof(*fi));
}

bool function_index_gap(const struct function_index *fi, uint64_t addr, uint64_t lo,
			uint64_t hi, struct func_range *out)
{
	uint64_t prev_end = lo;

	out->start = lo;
	out->end = hi;
	/* Start at the previous function rather than after it: hand-written
	 * code often ends its CFI early (glibc's clone3.S closes the FDE just
	 * before `syscall`), and what falls through from it is the real path. */
	for (size_t i = 0; i < fi->n; i++) {
		const struct func_range *r = &fi->ranges[i];
		if (r->end <= addr && r->end >= prev_end && r->start >= lo) {
			prev_end = r->end;
			out->start = r->start;
		}
		if (r->start > addr && r->start < out->end)
			out->end = r->start;
	}
	return out->start <= addr && addr < out->end;
}

size_t function_index_upper(const struct function_index *fi, uint64_t addr)
{
	size_t lo = 0, hi = fi->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fi->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool function_index_find(const struct function_index *fi, uint64_t addr,
			 struct func_range *out)
{
	size_t lo = function_index_upper(fi, addr);
	bool found = false;

	/* Ranges rarely nest (cold parts, aliases); look a few back for the
	 * smallest one that contains addr. */
	for (size_t i = lo, steps = 0; i-- > 0 && steps < 16; steps++) {
		const struct func_range *r = &fi->ranges[i];
		if (addr >= r->start && addr < r->end &&
		    (!found || r->end - r->start < out->end - out->start)) {
			*out = *r;
			found = true;
		}
	}
	return found;
}
