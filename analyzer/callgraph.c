/* analyzer/callgraph.c — see callgraph.h. */
#include "analyzer/callgraph.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/dynsyms.h"
#include "analyzer/varint.h"
#include "common/sort.h"
#include "common/xalloc.h"

/* ---- function lookups ---- */

long cg_fn_of(const struct function_index *fi, uint64_t addr)
{
	struct func_range fr;
	size_t lo = 0, hi = fi->n;

	if (!function_index_find(fi, addr, &fr))
		return -1;
	while (lo < hi) { /* the first range with that start */
		size_t mid = lo + (hi - lo) / 2;
		if (fi->ranges[mid].start < fr.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < fi->n && fi->ranges[lo].start == fr.start; lo++)
		if (fi->ranges[lo].end == fr.end)
			return (long)lo;
	return -1;
}

long cg_fn_owner(const struct function_index *fi, uint64_t addr)
{
	long f = cg_fn_of(fi, addr);
	size_t next;

	if (f >= 0)
		return f;
	next = function_index_upper(fi, addr);
	return next ? (long)next - 1 : -1;
}

long cg_fn_at(const struct function_index *fi, uint64_t addr)
{
	long f = cg_fn_of(fi, addr);

	return f >= 0 && fi->ranges[f].start == addr ? f : -1;
}

/* ---- building ---- */

static cg_entry pack(enum cg_kind kind, uint32_t target)
{
	return (cg_entry)kind << 30 | target;
}

/* What an edge (a call or jump; a ref: an address load) says, as an
 * adjacency entry of function *from; false when it says nothing the walk
 * uses. */
static bool entry_of(const struct graph_builder *b, const struct code_edge *e, bool ref,
		     uint32_t *from, cg_entry *out)
{
	long f, to, imp = -1;

	if (ref) {
		/* Loading a function's address counts as a possible call. */
		f = cg_fn_of(b->funcs, e->from);
		to = cg_fn_at(b->funcs, e->target);
		if (f < 0 || to < 0 || to == f || to >= CG_TARGET_LIMIT)
			return false;
		*from = (uint32_t)f, *out = pack(CG_REF, (uint32_t)to);
		return true;
	}
	if ((f = cg_fn_owner(b->funcs, e->from)) < 0)
		return false;
	if ((imp = dynsyms_plt_import(b->dyn, e->target)) >= 0) {
		to = imp;
	} else if ((to = cg_fn_of(b->funcs, e->target)) < 0 || to == f) {
		return false;
	}
	if (to >= CG_TARGET_LIMIT)
		return false;
	*from = (uint32_t)f, *out = pack(imp >= 0 ? CG_IMPORT : CG_LOCAL, (uint32_t)to);
	return true;
}

static void add_once(uint32_t **list, size_t *n, size_t *cap, bool *seen, long f)
{
	if (f < 0 || seen[f])
		return;
	seen[f] = true;
	xgrow((void **)list, cap, *n, sizeof(**list));
	(*list)[(*n)++] = (uint32_t)f;
}

/* A function whose address is loaded or stored is a target of indirect
 * calls: the code's address loads first (call_graph_add_code), then the
 * data's, each once, first mention first. */
void call_graph_add_data_ref(void *builder, uint64_t target)
{
	struct graph_builder *b = builder;

	add_once(&b->g->taken, &b->g->ntaken, &b->cap, b->seen, cg_fn_at(b->funcs, target));
}

/* ---- the entries of the function being placed, each once ---- */

/* Open addressing; a slot counts only when its generation is the set's,
 * so emptying the set for the next function is one increment. */
static uint32_t entry_hash(cg_entry e)
{
	return e * 0x9e3779b1u;
}

static bool run_set_add(struct graph_builder *b, cg_entry e);

static void run_set_grow(struct graph_builder *b)
{
	struct run_slot *old = b->set;
	size_t oldcap = b->setcap;
	uint32_t gen = b->gen;

	b->setcap = oldcap ? oldcap * 2 : 64;
	b->set = xcalloc(b->setcap, sizeof(*b->set));
	b->gen = 1;
	b->setn = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].gen == gen)
			run_set_add(b, old[i].e);
	free(old);
}

/* False when the function has e already. */
static bool run_set_add(struct graph_builder *b, cg_entry e)
{
	size_t mask, i;

	if ((b->setn + 1) * 2 > b->setcap)
		run_set_grow(b);
	mask = b->setcap - 1;
	for (i = entry_hash(e) & mask; b->set[i].gen == b->gen; i = (i + 1) & mask)
		if (b->set[i].e == e)
			return false;
	b->set[i] = (struct run_slot){ e, b->gen };
	b->setn++;
	return true;
}

static void run_set_clear(struct graph_builder *b)
{
	b->setn = 0;
	if (++b->gen == 0) { /* wrapped: old slots would count again */
		memset(b->set, 0, b->setcap * sizeof(*b->set));
		b->gen = 1;
	}
}

/* ---- placing entries as they come ---- */

static void push_entry(cg_entry **list, size_t *n, size_t *cap, cg_entry e)
{
	xgrow((void **)list, cap, *n, sizeof(**list));
	(*list)[(*n)++] = e;
}

/* The open function's address loads go after its calls and jumps. */
static void close_run(struct graph_builder *b)
{
	struct call_graph *g = b->g;

	for (size_t i = 0; i < b->nrefs; i++)
		push_entry(&g->adj, &g->nadj, &b->capadj, b->refs[i]);
	b->nrefs = 0;
	run_set_clear(b);
}

/* Functions after the open one, up to f, start where the list ends. */
static void open_run(struct graph_builder *b, long f)
{
	while (b->run < f)
		b->g->adj_start[++b->run] = (uint32_t)b->g->nadj;
}

void call_graph_add_code(struct graph_builder *b, const struct code_edge *e, bool ref)
{
	uint32_t from;
	cg_entry entry;

	/* Loading a function's address makes it a target of indirect calls,
	 * whichever function loads it. */
	if (ref)
		call_graph_add_data_ref(b, e->target);
	if (!entry_of(b, e, ref, &from, &entry))
		return;
	if ((long)from < b->run) {
		/* A function resuming after one nested in it (or overlapping
		 * it): merged by call_graph_end_code. */
		xgrow((void **)&b->late, &b->caplate, b->nlate, sizeof(*b->late));
		b->late[b->nlate] = (struct late_entry){ from, entry, (uint32_t)b->nlate };
		b->nlate++;
		return;
	}
	if ((long)from > b->run) {
		close_run(b);
		open_run(b, from);
	}
	if (!run_set_add(b, entry))
		return;
	if (ref)
		push_entry(&b->refs, &b->nrefs, &b->caprefs, entry);
	else
		push_entry(&b->g->adj, &b->g->nadj, &b->capadj, entry);
}

static int late_cmp(const void *x, const void *y)
{
	const struct late_entry *a = x, *b = y;

	if (a->f != b->f)
		return a->f < b->f ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One function's entries: its run's calls and jumps, then its late ones,
 * then its run's address loads, then its late ones, each once. */
static void merge_function(struct graph_builder *b, const cg_entry *run, size_t nrun,
			   const struct late_entry *late, size_t nlate, cg_entry **adj,
			   size_t *n, size_t *cap)
{
	for (int refs = 0; refs < 2; refs++) {
		for (size_t i = 0; i < nrun; i++)
			if ((cg_kind_of(run[i]) == CG_REF) == refs && run_set_add(b, run[i]))
				push_entry(adj, n, cap, run[i]);
		for (size_t i = 0; i < nlate; i++)
			if ((cg_kind_of(late[i].e) == CG_REF) == refs && run_set_add(b, late[i].e))
				push_entry(adj, n, cap, late[i].e);
	}
	run_set_clear(b);
}

/* Late entries are rare (nested or overlapping ranges), so the list is
 * made again only when there are any. */
static void merge_late(struct graph_builder *b)
{
	struct call_graph *g = b->g;
	cg_entry *adj = NULL;
	size_t n = 0, cap = 0, k = 0;

	sort_array(b->late, b->nlate, sizeof(*b->late), late_cmp);
	for (size_t f = 0; f < g->nfn; f++) {
		size_t lo = g->adj_start[f], hi = g->adj_start[f + 1], first = k;
		while (k < b->nlate && b->late[k].f == f)
			k++;
		g->adj_start[f] = (uint32_t)n;
		merge_function(b, g->adj + lo, hi - lo, b->late + first, k - first, &adj, &n, &cap);
	}
	g->adj_start[g->nfn] = (uint32_t)n;
	free(g->adj);
	g->adj = adj;
	g->nadj = n;
}

void call_graph_end_code(struct graph_builder *b)
{
	struct call_graph *g = b->g;

	close_run(b);
	open_run(b, (long)g->nfn);
	if (b->nlate)
		merge_late(b);
	g->adj = xrealloc(g->adj, (g->nadj + 1) * sizeof(*g->adj));
	free(b->refs);
	free(b->late);
	free(b->set);
	b->refs = NULL, b->late = NULL, b->set = NULL;
	b->nrefs = b->nlate = b->setcap = b->setn = 0;
}

static void find_indirect_and_ctors(const struct graph_input *in, struct call_graph *g)
{
	struct addr_cursor cur;
	uint64_t addr;
	bool alt;

	g->has_indirect = xcalloc(g->nfn + 1, sizeof(bool));
	addr_cursor_init(&cur, in->indirect);
	while (addr_cursor_next(&cur, &addr, &alt)) {
		long f = cg_fn_of(in->funcs, addr);
		/* PLT stubs jump through the GOT: that is the import, not an
		 * unknown target. */
		if (f >= 0 && dynsyms_plt_import(in->dyn, addr) < 0)
			g->has_indirect[f] = true;
	}
	g->ctors = xcalloc(in->dyn->nctors + 1, sizeof(*g->ctors));
	for (size_t k = 0; k < in->dyn->nctors; k++) {
		long f = cg_fn_of(in->funcs, in->dyn->ctors[k]);
		if (f >= 0)
			g->ctors[g->nctors++] = (uint32_t)f;
	}
}

void call_graph_begin(const struct graph_input *in, struct call_graph *g, struct graph_builder *b)
{
	memset(g, 0, sizeof(*g));
	*b = (struct graph_builder){ .g = g, .funcs = in->funcs, .dyn = in->dyn, .run = -1, .gen = 1 };
	g->nfn = in->funcs->n;
	g->nimports = in->dyn->nimports;
	g->adj_start = xcalloc(g->nfn + 1, sizeof(*g->adj_start));
	b->seen = xcalloc(g->nfn + 1, sizeof(bool));
}

void call_graph_finish(const struct graph_input *in, struct graph_builder *b)
{
	find_indirect_and_ctors(in, b->g);
	free(b->seen);
	b->seen = NULL;
}

/* ---- the packed form ---- */

void call_graph_pack_begin(struct graph_packer *p, struct call_graph *g)
{
	*p = (struct graph_packer){ .g = g, .cap = g->nadj * 2 + 16 };
	g->packed = xmalloc(p->cap);
	g->npacked = 0;
}

/* Functions whose first entry is entry p->i or earlier start here. */
static void pack_functions(struct graph_packer *p, size_t upto)
{
	struct call_graph *g = p->g;

	while (p->f < upto && g->adj_start[p->f] <= p->i)
		g->adj_start[p->f++] = (uint32_t)g->npacked;
}

bool call_graph_pack(struct graph_packer *p, cg_entry e)
{
	struct call_graph *g = p->g;
	enum cg_kind kind = cg_kind_of(e);
	uint32_t t = cg_target_of(e);
	uint64_t v;

	if (kind > CG_IMPORT || t >= (kind == CG_IMPORT ? g->nimports : g->nfn))
		return false;
	pack_functions(p, g->nfn);
	v = (kind == CG_IMPORT ? t : zigzag((uint64_t)t - (p->f - 1))) << 2 | kind;
	if (g->npacked + VARINT_MAX > p->cap) {
		p->cap *= 2;
		g->packed = xrealloc(g->packed, p->cap);
	}
	varint_put(g->packed, &g->npacked, v, 0);
	p->i++;
	return true;
}

void call_graph_pack_end(struct graph_packer *p)
{
	struct call_graph *g = p->g;

	p->i = SIZE_MAX;
	pack_functions(p, g->nfn + 1);
	g->packed = xrealloc(g->packed, g->npacked + 1);
}

void call_graph_compact_starts(struct call_graph *g)
{
	mono_index_build(&g->starts, g->adj_start, g->nfn + 1);
	free(g->adj_start);
	g->adj_start = NULL;
}

void cg_cursor_init(struct cg_cursor *c, const struct call_graph *g, size_t f)
{
	*c = (struct cg_cursor){ .g = g, .f = (uint32_t)f };
	c->at = g->adj_start ? g->adj_start[f] : mono_index_get(&g->starts, f);
	c->end = g->adj_start ? g->adj_start[f + 1] : mono_index_get(&g->starts, f + 1);
}

bool cg_cursor_next(struct cg_cursor *c, enum cg_kind *kind, uint32_t *target)
{
	unsigned hi;
	uint64_t v;

	if (c->at >= c->end)
		return false;
	if (!c->g->packed) {
		cg_entry e = c->g->adj[c->at++];
		*kind = cg_kind_of(e);
		*target = cg_target_of(e);
		return true;
	}
	v = varint_get(c->g->packed, &c->at, &hi);
	*kind = (enum cg_kind)(v & 3);
	*target = *kind == CG_IMPORT ? (uint32_t)(v >> 2) : (uint32_t)(c->f + unzigzag(v >> 2));
	return true;
}

void call_graph_free(struct call_graph *g)
{
	mono_index_free(&g->starts);
	free(g->packed);
	free(g->adj);
	free(g->adj_start);
	free(g->has_indirect);
	free(g->taken);
	free(g->ctors);
	memset(g, 0, sizeof(*g));
}

size_t call_graph_bytes(const struct call_graph *g)
{
	size_t entries = g->packed ? g->npacked : g->nadj * sizeof(*g->adj);
	size_t starts = g->adj_start ? (g->nfn + 1) * sizeof(*g->adj_start)
				     : mono_index_bytes(&g->starts);

	return entries + starts + (g->nfn + 1) * sizeof(bool) +
	       (g->ntaken + g->nctors) * sizeof(uint32_t);
}

bool call_graph_valid(const struct call_graph *g, size_t nfn)
{
	if (g->nfn != nfn || !g->adj_start || g->adj_start[0] != 0 ||
	    g->adj_start[nfn] != (g->packed ? g->npacked : g->nadj))
		return false;
	for (size_t f = 0; f < nfn; f++)
		if (g->adj_start[f] > g->adj_start[f + 1])
			return false;
	for (size_t i = 0; !g->packed && i < g->nadj; i++) {
		uint32_t t = cg_target_of(g->adj[i]);
		enum cg_kind k = cg_kind_of(g->adj[i]);
		if (k > CG_IMPORT || t >= (k == CG_IMPORT ? g->nimports : nfn))
			return false;
	}
	for (size_t i = 0; i < g->ntaken; i++)
		if (g->taken[i] >= nfn)
			return false;
	for (size_t i = 0; i < g->nctors; i++)
		if (g->ctors[i] >= nfn)
			return false;
	return true;
}
