/* analyzer/callgraph.c — see callgraph.h. */
#include "analyzer/callgraph.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/dynsyms.h"
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
static bool entry_of(const struct graph_input *in, const struct code_edge *e, bool ref,
		     uint32_t *from, cg_entry *out)
{
	long f, to, imp = -1;

	if (ref) {
		/* Loading a function's address counts as a possible call. */
		f = cg_fn_of(in->funcs, e->from);
		to = cg_fn_at(in->funcs, e->target);
		if (f < 0 || to < 0 || to == f || to >= CG_TARGET_LIMIT)
			return false;
		*from = (uint32_t)f, *out = pack(CG_REF, (uint32_t)to);
		return true;
	}
	if ((f = cg_fn_owner(in->funcs, e->from)) < 0)
		return false;
	if ((imp = dynsyms_plt_import(in->dyn, e->target)) >= 0) {
		to = imp;
	} else if ((to = cg_fn_of(in->funcs, e->target)) < 0 || to == f) {
		return false;
	}
	if (to >= CG_TARGET_LIMIT)
		return false;
	*from = (uint32_t)f, *out = pack(imp >= 0 ? CG_IMPORT : CG_LOCAL, (uint32_t)to);
	return true;
}

/* One pass over the edges, then the refs: counting each function's
 * entries (adj_start[f + 1]++), or placing them at cursor[f]. */
static void entries_pass(const struct graph_input *in, struct call_graph *g, uint32_t *cursor)
{
	const struct edge_list *lists[2] = { in->edges, in->refs };
	struct code_edge e;
	uint32_t from;
	cg_entry entry;

	for (int k = 0; k < 2; k++) {
		struct edge_cursor c;
		edge_cursor_init(&c, lists[k]);
		while (edge_cursor_next(&c, &e)) {
			if (!entry_of(in, &e, k == 1, &from, &entry))
				continue;
			if (cursor)
				g->adj[cursor[from]++] = entry;
			else
				g->adj_start[from + 1]++;
		}
	}
}

/* Each function's entries, edges then refs, in sweep order: counted in
 * one pass, placed in a second, so the list is allocated once at its
 * exact size and needs no sort (growing it by doubling, then sorting it,
 * held three copies of libLLVM's 900 000 entries at once). */
static void place_entries(const struct graph_input *in, struct call_graph *g)
{
	uint32_t *cursor;

	g->adj_start = xcalloc(g->nfn + 1, sizeof(*g->adj_start));
	entries_pass(in, g, NULL);
	for (size_t f = 0; f < g->nfn; f++)
		g->adj_start[f + 1] += g->adj_start[f];
	g->nadj = g->adj_start[g->nfn];
	g->adj = xcalloc(g->nadj + 1, sizeof(*g->adj));
	cursor = xcalloc(g->nfn + 1, sizeof(*cursor));
	memcpy(cursor, g->adj_start, g->nfn * sizeof(*cursor));
	entries_pass(in, g, cursor);
	free(cursor);
}

/* Drops each entry a function already has (the same call twice): the walk
 * visits a node once, so a repeat changes nothing but memory. */
static void drop_repeats(struct call_graph *g)
{
	/* seen[kind][target] = 1 + the function that last had it */
	uint32_t *seen[3], w = 0;
	size_t lim[3] = { g->nfn, g->nfn, g->nimports };

	for (int k = 0; k < 3; k++)
		seen[k] = xcalloc(lim[k] + 1, sizeof(uint32_t));
	for (size_t f = 0; f < g->nfn; f++) {
		uint32_t lo = g->adj_start[f], hi = g->adj_start[f + 1];
		g->adj_start[f] = w;
		for (uint32_t i = lo; i < hi; i++) {
			cg_entry e = g->adj[i];
			uint32_t *s = &seen[cg_kind_of(e)][cg_target_of(e)];
			if (*s == f + 1)
				continue;
			*s = (uint32_t)f + 1;
			g->adj[w++] = e;
		}
	}
	g->adj_start[g->nfn] = w;
	g->nadj = w;
	g->adj = xrealloc(g->adj, (g->nadj + 1) * sizeof(*g->adj));
	for (int k = 0; k < 3; k++)
		free(seen[k]);
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
 * calls: the code's address loads first, then the data's (add_data_ref). */
static void find_taken(const struct graph_input *in, struct graph_builder *b)
{
	struct edge_cursor c;
	struct code_edge e;

	b->seen = xcalloc(b->g->nfn + 1, sizeof(bool));
	edge_cursor_init(&c, in->refs);
	while (edge_cursor_next(&c, &e))
		add_once(&b->g->taken, &b->g->ntaken, &b->cap, b->seen, cg_fn_at(in->funcs, e.target));
}

void call_graph_add_data_ref(void *builder, uint64_t target)
{
	struct graph_builder *b = builder;

	add_once(&b->g->taken, &b->g->ntaken, &b->cap, b->seen, cg_fn_at(b->funcs, target));
}

static void find_indirect_and_ctors(const struct graph_input *in, struct call_graph *g)
{
	g->has_indirect = xcalloc(g->nfn + 1, sizeof(bool));
	for (size_t i = 0; i < in->nindirect; i++) {
		long f = cg_fn_of(in->funcs, in->indirect[i]);
		/* PLT stubs jump through the GOT: that is the import, not an
		 * unknown target. */
		if (f >= 0 && dynsyms_plt_import(in->dyn, in->indirect[i]) < 0)
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
	*b = (struct graph_builder){ .g = g, .funcs = in->funcs };
	g->nfn = in->funcs->n;
	g->nimports = in->dyn->nimports;
	place_entries(in, g);
	drop_repeats(g);
	find_taken(in, b);
}

void call_graph_finish(const struct graph_input *in, struct graph_builder *b)
{
	find_indirect_and_ctors(in, b->g);
	free(b->seen);
	b->seen = NULL;
}

void call_graph_build(const struct graph_input *in, struct call_graph *g)
{
	struct graph_builder b;

	call_graph_begin(in, g, &b);
	for (size_t i = 0; i < in->dyn->ndata_refs; i++)
		call_graph_add_data_ref(&b, in->dyn->data_refs[i]);
	call_graph_finish(in, &b);
}

void call_graph_free(struct call_graph *g)
{
	free(g->adj);
	free(g->adj_start);
	free(g->has_indirect);
	free(g->taken);
	free(g->ctors);
	memset(g, 0, sizeof(*g));
}

size_t call_graph_bytes(const struct call_graph *g)
{
	return g->nadj * sizeof(*g->adj) + (g->nfn + 1) * (sizeof(*g->adj_start) + sizeof(bool)) +
	       (g->ntaken + g->nctors) * sizeof(uint32_t);
}

bool call_graph_valid(const struct call_graph *g, size_t nfn)
{
	if (g->nfn != nfn || !g->adj_start || g->adj_start[0] != 0 ||
	    g->adj_start[nfn] != g->nadj)
		return false;
	for (size_t f = 0; f < nfn; f++)
		if (g->adj_start[f] > g->adj_start[f + 1])
			return false;
	for (size_t i = 0; i < g->nadj; i++) {
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
