/* Unit tests for analyzer/insnstarts.c: its answers are the sweep's own.
 * A toy decoder (length from the first byte, some bytes undecodable, a
 * second state with other lengths) sweeps random bytes the way sites.c
 * does, span by span, while a plain bitmap records every start; then every
 * mask and every filtered address must match what the bitmap says, for
 * known starts (collected during the sweep) and others (re-run from a
 * checkpoint), across spans, data gaps, overlapping regions, the ends of
 * regions and the top of the address space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/insnstarts.h"

static size_t toy_step(void *arg, bool alt, const uint8_t *code, size_t size, uint64_t addr)
{
	size_t len = alt ? (size_t)(code[0] % 3) * 2 + 2 : (size_t)(code[0] % 7) + 1;

	(void)arg, (void)addr;
	if (code[0] == 0xff || len > size) /* undecodable: resync by the alignment */
		return alt ? (size < 2 ? size : 2) : 1;
	return len;
}

struct span_spec {
	size_t region, off, end;
	bool alt;
};

struct model {
	struct code_region *regions;
	size_t nregions;
	uint8_t **bits; /* the reference: one bit per byte */
};

static bool ref_start(const struct model *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nregions; i++) {
		uint64_t off = addr - m->regions[i].vaddr;
		if (off < m->regions[i].size)
			return m->bits[i][off / 8] >> (off % 8) & 1;
	}
	return true;
}

static uint16_t ref_mask(const struct model *m, uint64_t addr)
{
	uint16_t r = 0;

	for (unsigned k = 0; k < START_MASK_BYTES; k++)
		if (ref_start(m, addr + k))
			r |= (uint16_t)(1u << k);
	return r;
}

static void sweep(struct insn_starts *s, struct model *m, const struct span_spec *sp, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct code_region *r = &m->regions[sp[k].region];
		insn_starts_span(s, sp[k].region, sp[k].off, sp[k].end, sp[k].alt);
		for (size_t pos = sp[k].off; pos < sp[k].end;) {
			insn_starts_mark(s, sp[k].region, r->vaddr + pos);
			m->bits[sp[k].region][pos / 8] |= (uint8_t)(1u << (pos % 8));
			pos += toy_step(NULL, sp[k].alt, r->bytes + pos, sp[k].end - pos, r->vaddr + pos);
		}
	}
	insn_starts_finish(s);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int range_cmp(const void *a, const void *b)
{
	return u64_cmp(&((const struct func_range *)a)->start, &((const struct func_range *)b)->start);
}

/* Random addresses in and around every region, sorted and distinct. */
static size_t probe_addrs(const struct model *m, uint64_t *out, size_t want)
{
	size_t n = 0, k = 0;

	for (; n < want; n++) {
		const struct code_region *r = &m->regions[(size_t)rand() % m->nregions];
		out[n] = r->vaddr + (uint64_t)(rand() % (int)(r->size + 40)) - 20;
	}
	qsort(out, n, sizeof(*out), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

static void check(struct code_region *regions, size_t nregions, const struct span_spec *sp,
		  size_t nsp, unsigned seed)
{
	struct model m = { regions, nregions, calloc(nregions, sizeof(uint8_t *)) };
	struct function_index known = { calloc(400, sizeof(struct func_range)), 0, 0 };
	struct insn_starts s;
	struct elf_file ef = { 0 }; /* no mapping: nothing to release */
	uint64_t addrs[600], kept[600];
	size_t n, nkept, nref = 0;

	srand(seed);
	for (size_t i = 0; i < nregions; i++) {
		uint8_t *b = malloc(regions[i].size);
		for (size_t k = 0; k < regions[i].size; k++)
			b[k] = (uint8_t)rand();
		regions[i].bytes = b;
		m.bits[i] = calloc(regions[i].size / 8 + 1, 1);
	}
	/* Known functions: random addresses, some twice, some past the ends. */
	known.n = probe_addrs(&m, addrs, 300);
	for (size_t k = 0; k < known.n; k++)
		known.ranges[k] = (struct func_range){ addrs[k], addrs[k] + 8 };
	known.ranges[known.n] = known.ranges[known.n / 2];
	known.n++;
	qsort(known.ranges, known.n, sizeof(*known.ranges), range_cmp);

	insn_starts_init(&s, regions, nregions, &known, toy_step, NULL);
	sweep(&s, &m, sp, nsp);
	for (size_t k = 0; k < known.n; k++)
		assert_int_equal(insn_starts_mask(&s, known.ranges[k].start),
				 ref_mask(&m, known.ranges[k].start));
	n = probe_addrs(&m, addrs, 600);
	memcpy(kept, addrs, n * sizeof(*addrs));
	nkept = insn_starts_filter(&s, &ef, kept, n);
	for (size_t k = 0; k < n; k++)
		if (ref_start(&m, addrs[k]))
			assert_true(nref < nkept && kept[nref++] == addrs[k]);
	assert_int_equal(nref, nkept);
	for (size_t k = 0; k < n; k++) /* kept ones from memory, others re-run */
		assert_int_equal(insn_starts_mask(&s, addrs[k]), ref_mask(&m, addrs[k]));
	insn_starts_free(&s);
	for (size_t i = 0; i < nregions; i++) {
		free((void *)regions[i].bytes);
		free(m.bits[i]);
	}
	free(m.bits);
	free(known.ranges);
}

static void one_span(void **state)
{
	struct code_region r[] = { { .vaddr = 0x401000, .size = 5000 } };
	struct span_spec sp[] = { { 0, 0, 5000, false } };

	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++)
		check(r, 1, sp, 1, seed);
}

/* Mapping symbols: states alternate, data spans are never swept, and a
 * span may begin inside a block another span's start opened. */
static void spans_and_data(void **state)
{
	struct code_region r[] = { { .vaddr = 0x10000, .size = 3000 }, { .vaddr = 0x20000, .size = 700 } };
	struct span_spec sp[] = {
		{ 0, 0, 130, false }, { 0, 130, 901, true }, /* 901..1200: data */
		{ 0, 1200, 1203, false }, { 0, 1203, 3000, true }, { 1, 3, 700, false },
	};

	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++)
		check(r, 2, sp, 5, seed);
}

/* Hostile layouts: a region overlapping an earlier one (the earlier one
 * answers for shared bytes), and one at the top of the address space,
 * whose last starts' 16 bytes wrap to address 0. */
static void overlaps_and_wrap(void **state)
{
	struct code_region r[] = {
		{ .vaddr = 0x5000, .size = 1000 },
		{ .vaddr = 0x5200, .size = 1500 },
		{ .vaddr = UINT64_MAX - 499, .size = 500 },
		{ .vaddr = 0, .size = 300 },
	};
	struct span_spec sp[] = {
		{ 0, 0, 1000, false }, { 1, 0, 1500, false }, { 2, 0, 500, false }, { 3, 0, 300, true },
	};

	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++)
		check(r, 4, sp, 4, seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_span),
		cmocka_unit_test(spans_and_data),
		cmocka_unit_test(overlaps_and_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
