/* Unit tests for analyzer/callgraph.c's builder: the graph made from
 * transfers and address loads as they come must be the one its definition
 * gives, computed here the plain way: per function (the one owning a
 * transfer's source, the smallest containing a load's), its calls and
 * jumps in the order given, then its loads, each (kind, target) once; the
 * functions whose address is loaded, first load first, each once.
 * Random functions that nest and overlap (so a function's code resumes
 * after a range inside it: the late entries), calls into a PLT, transfers
 * that resolve to nothing; fed in address order (as the sweep does), all
 * transfers before all loads (the most late entries), and in reverse
 * function order.  And the packed form a walk reads back: the same
 * entries, function by function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/callgraph.h"
#include "analyzer/dynsyms.h"

#define CODE_LO 0x1000u
#define CODE_HI 0x9000u
#define PLT_LO 0xa000u
#define NPLT 24u

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static int range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Mostly back-to-back functions; some nested in others, some overlapping. */
static void make_functions(struct function_index *fi)
{
	size_t cap = 256;
	uint64_t at = CODE_LO;

	fi->ranges = calloc(cap, sizeof(*fi->ranges));
	fi->n = 0;
	while (at < CODE_HI && fi->n + 2 < cap) {
		uint64_t len = 16 + next() % 400;
		fi->ranges[fi->n++] = (struct func_range){ at, at + len };
		if (next() % 4 == 0 && len > 64) { /* nested */
			uint64_t s = at + 8 + next() % (len / 2);
			fi->ranges[fi->n++] = (struct func_range){ s, s + 8 + next() % (at + len - s - 8) };
		}
		if (next() % 8 == 0) /* overlapping the next one */
			fi->ranges[fi->n++] = (struct func_range){ at + len / 2, at + len + 40 };
		at += len + (next() % 4 == 0 ? next() % 64 : 0); /* a gap now and then */
	}
	qsort(fi->ranges, fi->n, sizeof(*fi->ranges), range_cmp);
}

static void make_plt(struct dynsyms *d)
{
	memset(d, 0, sizeof(*d));
	d->plt = calloc(NPLT, sizeof(*d->plt));
	for (size_t i = 0; i < NPLT; i++)
		d->plt[i] = (struct plt_stub){ PLT_LO + 16 * i, 16, (i * 7) % 11 };
	d->nplt = NPLT;
	d->nimports = 11;
}

struct item {
	struct code_edge e;
	bool ref;
};

static uint64_t some_target(const struct function_index *fi)
{
	switch (next() % 5) {
	case 0: return PLT_LO + next() % (16 * NPLT + 8); /* a stub, or past them */
	case 1: return CODE_LO + next() % (CODE_HI - CODE_LO + 512); /* anywhere */
	default: return fi->ranges[next() % fi->n].start;
	}
}

/* Transfers and loads at increasing addresses, as a sweep finds them. */
static struct item *make_items(const struct function_index *fi, size_t *n)
{
	size_t cap = 4096;
	struct item *it = calloc(cap, sizeof(*it));
	uint64_t at = CODE_LO - 64;

	*n = 0;
	while (*n < cap && (at += 1 + next() % 24) < CODE_HI + 64) {
		bool ref = next() % 4 == 0;
		it[(*n)++] = (struct item){ { at, some_target(fi), !ref && next() % 3 != 0 }, ref };
	}
	return it;
}

/* ---- the definition, the plain way ---- */

static bool entry_for(const struct function_index *fi, const struct dynsyms *d,
		      const struct item *it, long *f, cg_entry *out)
{
	long to, imp;

	if (it->ref) {
		*f = cg_fn_of(fi, it->e.from);
		to = cg_fn_at(fi, it->e.target);
		if (*f < 0 || to < 0 || to == *f)
			return false;
		*out = (cg_entry)CG_REF << 30 | (uint32_t)to;
		return true;
	}
	if ((*f = cg_fn_owner(fi, it->e.from)) < 0)
		return false;
	if ((imp = dynsyms_plt_import(d, it->e.target)) >= 0) {
		*out = (cg_entry)CG_IMPORT << 30 | (uint32_t)imp;
		return true;
	}
	to = cg_fn_of(fi, it->e.target);
	if (to < 0 || to == *f)
		return false;
	*out = (cg_entry)CG_LOCAL << 30 | (uint32_t)to;
	return true;
}

static void expect_graph(const struct call_graph *g, const struct function_index *fi,
			 const struct dynsyms *d, const struct item *it, size_t n)
{
	size_t k = 0;
	uint32_t *taken = calloc(fi->n + 1, sizeof(*taken));
	size_t ntaken = 0;
	bool *seen_taken = calloc(fi->n + 1, sizeof(bool));

	assert_int_equal(g->nfn, fi->n);
	for (size_t f = 0; f < fi->n; f++) {
		cg_entry want[4096];
		size_t nw = 0;
		for (int refs = 0; refs < 2; refs++)
			for (size_t i = 0; i < n; i++) {
				long from;
				cg_entry e;
				bool dup = false;
				if (it[i].ref != refs || !entry_for(fi, d, &it[i], &from, &e) ||
				    (size_t)from != f)
					continue;
				for (size_t j = 0; j < nw; j++)
					dup |= want[j] == e;
				if (!dup)
					want[nw++] = e;
			}
		assert_int_equal(g->adj_start[f], k);
		assert_int_equal(g->adj_start[f + 1] - g->adj_start[f], nw);
		for (size_t j = 0; j < nw; j++)
			assert_int_equal(g->adj[k + j], want[j]);
		k += nw;
	}
	assert_int_equal(g->nadj, k);
	for (size_t i = 0; i < n; i++) {
		long t = it[i].ref ? cg_fn_at(fi, it[i].e.target) : -1;
		if (t >= 0 && !seen_taken[t]) {
			seen_taken[t] = true;
			taken[ntaken++] = (uint32_t)t;
		}
	}
	assert_int_equal(g->ntaken, ntaken);
	for (size_t i = 0; i < ntaken; i++)
		assert_int_equal(g->taken[i], taken[i]);
	assert_true(call_graph_valid(g, fi->n));
	free(taken);
	free(seen_taken);
}

/* The packed form (a graph read back from the cache) reads as the
 * entries it was packed from, function by function. */
static void expect_packs(const struct call_graph *g)
{
	struct call_graph p = { .nfn = g->nfn, .nadj = g->nadj, .nimports = g->nimports };
	struct graph_packer pk;

	p.adj_start = malloc((g->nfn + 1) * sizeof(*p.adj_start));
	memcpy(p.adj_start, g->adj_start, (g->nfn + 1) * sizeof(*p.adj_start));
	call_graph_pack_begin(&pk, &p);
	for (size_t i = 0; i < g->nadj; i++)
		assert_true(call_graph_pack(&pk, g->adj[i]));
	call_graph_pack_end(&pk);
	assert_true(p.npacked < g->nadj * sizeof(cg_entry) + 1);
	for (size_t f = 0; f < g->nfn; f++) {
		struct cg_cursor a, b;
		enum cg_kind ka, kb;
		uint32_t ta, tb;
		bool more;
		cg_cursor_init(&a, g, f);
		cg_cursor_init(&b, &p, f);
		do {
			more = cg_cursor_next(&a, &ka, &ta);
			assert_int_equal(more, cg_cursor_next(&b, &kb, &tb));
			if (more) {
				assert_int_equal(ka, kb);
				assert_int_equal(ta, tb);
			}
		} while (more);
	}
	free(p.adj_start);
	free(p.packed);
}

/* An entry no graph of its size has is refused as it is packed. */
static void pack_refuses_what_cannot_be(void **state)
{
	struct call_graph g = { .nfn = 3, .nadj = 3, .nimports = 2 };
	uint32_t start[4] = { 0, 1, 2, 3 };
	struct graph_packer pk;

	(void)state;
	g.adj_start = start;
	call_graph_pack_begin(&pk, &g);
	assert_true(call_graph_pack(&pk, (cg_entry)CG_LOCAL << 30 | 2));
	assert_false(call_graph_pack(&pk, (cg_entry)CG_IMPORT << 30 | 2)); /* 2 imports */
	assert_false(call_graph_pack(&pk, (cg_entry)CG_REF << 30 | 3));    /* 3 functions */
	assert_false(call_graph_pack(&pk, (cg_entry)3 << 30));             /* no such kind */
	free(g.packed);
}

/* ---- feeding the builder ---- */

enum order { IN_ORDER, TRANSFERS_FIRST, REVERSED };

static void build(const struct function_index *fi, const struct dynsyms *d,
		  const struct item *it, size_t n, enum order order, struct call_graph *g)
{
	struct addr_list indirect = { 0 };
	struct graph_input in = { .funcs = fi, .dyn = d, .indirect = &indirect };
	struct graph_builder b;

	call_graph_begin(&in, g, &b);
	if (order == IN_ORDER) {
		for (size_t i = 0; i < n; i++)
			call_graph_add_code(&b, &it[i].e, it[i].ref);
	} else if (order == TRANSFERS_FIRST) {
		for (int refs = 0; refs < 2; refs++)
			for (size_t i = 0; i < n; i++)
				if (it[i].ref == refs)
					call_graph_add_code(&b, &it[i].e, it[i].ref);
	} else {
		/* Address order within each block of functions, blocks last
		 * first: every function but the last block's comes late. */
		size_t blk = n / 4 + 1;
		for (size_t s = (n / blk) * blk;; s -= blk) {
			for (size_t i = s; i < s + blk && i < n; i++)
				call_graph_add_code(&b, &it[i].e, it[i].ref);
			if (!s)
				break;
		}
	}
	call_graph_end_code(&b);
	call_graph_finish(&in, &b);
}

static void check_seed(uint64_t seed, enum order order)
{
	struct function_index fi;
	struct dynsyms d;
	struct call_graph g;
	struct item *it;
	size_t n;

	rng = seed;
	make_functions(&fi);
	make_plt(&d);
	it = make_items(&fi, &n);
	if (order == REVERSED) {
		/* taken's order is the order of loads given: the reference
		 * reads the items as fed. */
		size_t blk = n / 4 + 1, k = 0;
		struct item *fed = calloc(n + 1, sizeof(*fed));
		for (size_t s = (n / blk) * blk;; s -= blk) {
			for (size_t i = s; i < s + blk && i < n; i++)
				fed[k++] = it[i];
			if (!s)
				break;
		}
		build(&fi, &d, it, n, order, &g);
		expect_graph(&g, &fi, &d, fed, n);
		free(fed);
	} else {
		build(&fi, &d, it, n, order, &g);
		expect_graph(&g, &fi, &d, it, n);
	}
	expect_packs(&g);
	call_graph_free(&g);
	free(it);
	free(fi.ranges);
	free(d.plt);
}

static void in_sweep_order(void **state)
{
	(void)state;
	for (uint64_t s = 1; s <= 40; s++)
		check_seed(s * 0x9e3779b97f4a7c15ull, IN_ORDER);
}

static void transfers_before_loads(void **state)
{
	(void)state;
	for (uint64_t s = 1; s <= 40; s++)
		check_seed(s * 0x9e3779b97f4a7c15ull, TRANSFERS_FIRST);
}

static void functions_resuming_late(void **state)
{
	(void)state;
	for (uint64_t s = 1; s <= 40; s++)
		check_seed(s * 0x9e3779b97f4a7c15ull, REVERSED);
}

/* Nothing given: every function with no entries, nothing taken. */
static void empty(void **state)
{
	struct function_index fi = { .ranges = (struct func_range[]){ { 0x100, 0x200 } }, .n = 1 };
	struct dynsyms d = { 0 };
	struct call_graph g;

	(void)state;
	build(&fi, &d, NULL, 0, IN_ORDER, &g);
	assert_int_equal(g.nadj, 0);
	assert_int_equal(g.adj_start[0], 0);
	assert_int_equal(g.adj_start[1], 0);
	assert_int_equal(g.ntaken, 0);
	call_graph_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_sweep_order),
		cmocka_unit_test(transfers_before_loads),
		cmocka_unit_test(functions_resuming_late),
		cmocka_unit_test(empty),
		cmocka_unit_test(pack_refuses_what_cannot_be),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
