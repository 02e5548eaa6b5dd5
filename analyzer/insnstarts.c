/* analyzer/insnstarts.c — see insnstarts.h. */
#include "analyzer/insnstarts.h"

#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "common/xalloc.h"

#define BLOCK_SHIFT INSN_STARTS_BLOCK_SHIFT
#define NO_START INSN_STARTS_NONE

void insn_starts_init(struct insn_starts *s, const struct code_region *regions, size_t nregions,
		      const struct function_index *known, sweep_step_fn step, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->regions = regions;
	s->nregions = nregions;
	s->known = known;
	s->step = step;
	s->arg = arg;
	s->known_mask = xcalloc(known->n + 1, sizeof(*s->known_mask));
	s->r = xcalloc(nregions + 1, sizeof(*s->r));
	for (size_t i = 0; i < nregions; i++) {
		const struct code_region *ri = &regions[i];
		s->r[i].first = xmalloc((ri->size >> BLOCK_SHIFT) + 1);
		memset(s->r[i].first, NO_START, (ri->size >> BLOCK_SHIFT) + 1);
		for (size_t j = 0; j < i; j++)
			if (ri->vaddr < regions[j].vaddr + regions[j].size &&
			    regions[j].vaddr < ri->vaddr + ri->size)
				s->r[i].overlaps = true;
	}
}

/* The first region holding addr, as the sweep's answers are looked up:
 * where regions overlap (only in hostile files) the earlier one wins. */
static const struct code_region *region_of(const struct insn_starts *s, uint64_t addr,
					   size_t *i)
{
	for (*i = 0; *i < s->nregions; (*i)++)
		if (addr - s->regions[*i].vaddr < s->regions[*i].size)
			return &s->regions[*i];
	return NULL;
}

void insn_starts_span(struct insn_starts *s, size_t i, size_t off, size_t end, bool alt)
{
	struct region_starts *rs = &s->r[i];
	uint64_t at = s->regions[i].vaddr + off;

	xgrow((void **)&rs->spans, &rs->cap, rs->nspans, sizeof(*rs->spans));
	rs->spans[rs->nspans++] = (struct start_span){ off, end, alt };
	s->cursor = at < START_MASK_BYTES ? 0 : function_index_upper(s->known, at - START_MASK_BYTES);
	s->cursor_start = s->cursor < s->known->n ? s->known->ranges[s->cursor].start : UINT64_MAX;
}

/* A known start at or before addr: its bits, or the cursor moves on. */
void insn_starts_mark_known(struct insn_starts *s, size_t i, uint64_t addr)
{
	const struct func_range *k = s->known->ranges;
	size_t n = s->known->n;

	if (s->r[i].overlaps)
		return; /* insn_starts_finish asks these functions again */
	while (s->cursor < n && k[s->cursor].start < addr &&
	       addr - k[s->cursor].start >= START_MASK_BYTES)
		s->cursor++;
	s->cursor_start = s->cursor < n ? k[s->cursor].start : UINT64_MAX;
	for (size_t j = s->cursor; j < n && k[j].start <= addr; j++)
		s->known_mask[j] |= (uint16_t)(1u << (addr - k[j].start));
}

/* The span of region i the sweep decoded `off` in, or NULL (a data span,
 * or not in code the sweep reached). */
static const struct start_span *span_of(const struct region_starts *rs, size_t off)
{
	size_t lo = 0, hi = rs->nspans;

	while (lo < hi) { /* spans are in order and disjoint */
		size_t mid = lo + (hi - lo) / 2;
		if (rs->spans[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->nspans && rs->spans[lo].off <= off ? &rs->spans[lo] : NULL;
}

/* A start at or before `off` inside the span, from which a re-run of the
 * sweep meets every start the sweep met: the latest block's first start
 * not past `off`, or the span's own start. */
static size_t checkpoint(const struct region_starts *rs, const struct start_span *sp, size_t off)
{
	for (size_t b = off >> BLOCK_SHIFT;; b--) {
		size_t at = (b << BLOCK_SHIFT) + rs->first[b];
		if (rs->first[b] != NO_START && at <= off && at >= sp->off)
			return at;
		if ((b << BLOCK_SHIFT) <= sp->off || !b)
			return sp->off;
	}
}

/* Re-runs the sweep from the checkpoint before `off` to `off + len`;
 * returns the starts in [off, off + len) as bits. */
static uint16_t rerun(const struct insn_starts *s, size_t i, const struct start_span *sp,
		      size_t off, size_t len)
{
	const struct code_region *r = &s->regions[i];
	size_t pos = checkpoint(&s->r[i], sp, off);
	uint16_t bits = 0;

	while (pos < off + len && pos < sp->end) {
		if (pos >= off)
			bits |= (uint16_t)(1u << (pos - off));
		pos += s->step(s->arg, sp->alt, r->bytes + pos, sp->end - pos, r->vaddr + pos);
	}
	return bits;
}

static bool starts_at(const struct insn_starts *s, uint64_t addr)
{
	size_t i, off;
	const struct code_region *r = region_of(s, addr, &i);
	const struct start_span *sp;

	if (!r)
		return true; /* outside swept code: nothing better to go by */
	off = (size_t)(addr - r->vaddr);
	sp = span_of(&s->r[i], off);
	return sp && rerun(s, i, sp, off, 1);
}

/* The mask by re-running the sweep: once when all 16 bytes lie in one
 * span, else byte by byte (a region's or a span's edge). */
static uint16_t rerun_mask(const struct insn_starts *s, uint64_t addr)
{
	size_t i, off;
	const struct code_region *r = region_of(s, addr, &i);
	const struct start_span *sp;
	uint16_t m = 0;

	if (r && addr + START_MASK_BYTES > addr) {
		off = (size_t)(addr - r->vaddr);
		sp = span_of(&s->r[i], off);
		if (sp && off + START_MASK_BYTES <= sp->end && !s->r[i].overlaps)
			return rerun(s, i, sp, off, START_MASK_BYTES);
	}
	for (unsigned k = 0; k < START_MASK_BYTES; k++)
		if (starts_at(s, addr + k))
			m |= (uint16_t)(1u << k);
	return m;
}

/* The bits the sweep collected hold for a known start whose 16 bytes
 * lie in one region that overlaps no earlier one; the rest are asked. */
void insn_starts_finish(struct insn_starts *s)
{
	for (size_t j = 0; j < s->known->n; j++) {
		uint64_t a = s->known->ranges[j].start;
		size_t i;
		const struct code_region *r = region_of(s, a, &i);
		if (r && a + START_MASK_BYTES > a && a + START_MASK_BYTES <= r->vaddr + r->size &&
		    !s->r[i].overlaps)
			continue;
		s->known_mask[j] = rerun_mask(s, a);
	}
}

static int extra_cmp(const void *a, const void *b)
{
	const struct extra_start *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

size_t insn_starts_filter(struct insn_starts *s, const struct elf_file *ef, uint64_t *addrs,
			  size_t n)
{
	size_t kept = 0, *behind = xcalloc(s->nregions + 1, sizeof(*behind));

	for (size_t k = 0; k < n; k++) {
		size_t i;
		const struct code_region *r = region_of(s, addrs[k], &i);
		uint16_t m = rerun_mask(s, addrs[k]);
		if (r) /* sorted: each region's offsets only grow */
			elf_file_release_behind(ef, r->bytes, &behind[i], addrs[k] - r->vaddr);
		if (!(m & 1))
			continue;
		xgrow((void **)&s->extra, &s->capextra, s->nextra, sizeof(*s->extra));
		s->extra[s->nextra++] = (struct extra_start){ addrs[k], m };
		addrs[kept++] = addrs[k];
	}
	free(behind);
	sort_array(s->extra, s->nextra, sizeof(*s->extra), extra_cmp);
	return kept;
}

void insn_starts_set_known(struct insn_starts *s, const struct function_index *copy)
{
	s->known = copy;
}

uint16_t insn_starts_mask(const struct insn_starts *s, uint64_t addr)
{
	size_t j = function_index_upper(s->known, addr);
	const struct extra_start key = { addr, 0 }, *e;

	if (j && s->known->ranges[j - 1].start == addr)
		return s->known_mask[j - 1];
	/* Equal addresses (kept by both passes) carry equal masks. */
	e = search_array(&key, s->extra, s->nextra, sizeof(*s->extra), extra_cmp);
	return e ? e->mask : rerun_mask(s, addr);
}

void insn_starts_free(struct insn_starts *s)
{
	for (size_t i = 0; s->r && i < s->nregions; i++) {
		free(s->r[i].first);
		free(s->r[i].spans);
	}
	free(s->r);
	free(s->known_mask);
	free(s->extra);
	memset(s, 0, sizeof(*s));
}
