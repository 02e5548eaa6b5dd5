/* analyzer/dataflow.c — see dataflow.h. */
#include "analyzer/dataflow.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/sort.h"

const char *unresolved_reason_name(enum unresolved_reason r)
{
	static const char *const names[] = {
		[UNRES_NONE] = "resolved",
		[UNRES_MEMORY] = "value loaded from memory",
		[UNRES_CALL] = "value returned by a call",
		[UNRES_COMPUTED] = "value computed by arithmetic not modelled",
		[UNRES_PARTIAL] = "partial register write",
		[UNRES_ARGUMENT] = "function argument",
		[UNRES_INDIRECT] = "reached through an indirect jump",
		[UNRES_LIMIT] = "analysis limit reached",
		[UNRES_NO_FUNCTION] = "no function bounds around the site",
		[UNRES_UNREACHABLE] = "no path reaches the site (dead code or data)",
	};
	return names[r];
}

struct flow_edge {
	uint64_t target;
	size_t from;
};

struct state {
	size_t at; /* value wanted just before insns[at] */
	int reg;
	int64_t offset;
	bool added; /* an add was applied on this path */
};

struct walk {
	struct flow_graph *fg;
	const struct insn *insns;
	struct state *stack;
	size_t depth, cap, states;
	struct resolution *out;
};

static int edge_cmp(const void *a, const void *b)
{
	const struct flow_edge *x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

static void add_value(struct walk *w, int64_t v)
{
	for (int i = 0; i < w->out->nvalues; i++)
		if (w->out->values[i] == v)
			return;
	if (w->out->nvalues < RESOLVE_MAX_VALUES)
		w->out->values[w->out->nvalues++] = v;
	else if (!w->out->reason)
		w->out->reason = UNRES_LIMIT;
}

static void unresolved(struct walk *w, enum unresolved_reason r, int reg)
{
	/* An argument is the most useful reason (callers can resolve it), so
	 * it is kept over the others. */
	if (!w->out->reason || r == UNRES_ARGUMENT) {
		w->out->reason = r;
		if (r == UNRES_ARGUMENT)
			w->out->arg_reg = reg;
	}
}

static void mark_visited(struct flow_graph *fg, size_t at, int reg)
{
	if (!fg->visited[at]) {
		xgrow((void **)&fg->touched, &fg->captouched, fg->ntouched, sizeof(*fg->touched));
		fg->touched[fg->ntouched++] = at;
	}
	fg->visited[at] |= 1ull << reg;
}

static void push(struct walk *w, size_t at, int reg, int64_t offset, bool added)
{
	if (reg < 0 || reg >= 64)
		return;
	if (w->fg->visited[at] & (1ull << reg)) {
		/* A loop, or a join already explored.  After an add it is a
		 * value changing each iteration: not a constant we can name. */
		if (added)
			unresolved(w, UNRES_COMPUTED, reg);
		return;
	}
	mark_visited(w->fg, at, reg);
	if (++w->states > RESOLVE_MAX_STATES) {
		unresolved(w, UNRES_LIMIT, reg);
		return;
	}
	xgrow((void **)&w->stack, &w->cap, w->depth, sizeof(*w->stack));
	w->stack[w->depth++] = (struct state){ at, reg, offset, added };
}

static enum unresolved_reason why_reason(uint8_t why)
{
	switch (why) {
	case WHY_MEMORY: return UNRES_MEMORY;
	case WHY_CALL: return UNRES_CALL;
	case WHY_PARTIAL: return UNRES_PARTIAL;
	default: return UNRES_COMPUTED;
	}
}

/* What insns[p] does to the register we follow; true when the path ends. */
static bool step(struct walk *w, size_t p, struct state s)
{
	const struct insn *in = &w->insns[p];

	if (!(in->written & (1ull << s.reg))) {
		push(w, p, s.reg, s.offset, s.added);
		return false;
	}
	if (in->def_reg == s.reg) {
		switch (in->effect) {
		case EFF_CONST: add_value(w, in->imm + s.offset); return true;
		case EFF_COPY:
			push(w, p, in->src_reg, s.offset + in->imm, s.added || in->imm);
			return false;
		case EFF_ADD: /* reg = reg + imm: ask for reg before p */
			push(w, p, s.reg, s.offset + in->imm, true);
			return false;
		default: break;
		}
	}
	unresolved(w, why_reason(in->why), s.reg);
	return true;
}

static bool falls_through(const struct insn *in)
{
	return in->flow == FLOW_NEXT || in->flow == FLOW_CJUMP || in->flow == FLOW_CALL;
}

static void visit_preds(struct walk *w, struct state s)
{
	const struct flow_graph *fg = w->fg;
	uint64_t addr = w->insns[s.at].addr;
	bool any = false;
	struct flow_edge key = { addr, 0 };
	struct flow_edge *e = search_array(&key, fg->edges, fg->nedges, sizeof(key), edge_cmp);

	if (s.at > 0 && falls_through(&w->insns[s.at - 1]) &&
	    w->insns[s.at - 1].addr + w->insns[s.at - 1].size == addr) {
		step(w, s.at - 1, s);
		any = true;
	}
	while (e && e > fg->edges && e[-1].target == addr)
		e--;
	for (; e && e < fg->edges + fg->nedges && e->target == addr; e++) {
		step(w, e->from, s);
		any = true;
	}
	if (s.at == 0)
		unresolved(w, UNRES_ARGUMENT, s.reg);
	else if (!any && fg->has_ijump) /* maybe a jump-table target */
		unresolved(w, UNRES_INDIRECT, s.reg);
	/* else: no way in at all, dead code such as the alignment padding
	 * after an unconditional jump; that path contributes nothing. */
}

void flow_graph_build(struct flow_graph *fg, const struct insn *insns, size_t n)
{
	size_t ecap = 0;

	memset(fg, 0, sizeof(*fg));
	fg->insns = insns;
	fg->n = n;
	fg->visited = xcalloc(n + 1, sizeof(*fg->visited));
	for (size_t i = 0; i < n; i++) {
		fg->has_ijump |= insns[i].flow == FLOW_IJUMP;
		if ((insns[i].flow == FLOW_JUMP || insns[i].flow == FLOW_CJUMP) &&
		    insns[i].has_target && insns[i].target >= insns[0].addr &&
		    insns[i].target <= insns[n - 1].addr) {
			xgrow((void **)&fg->edges, &ecap, fg->nedges, sizeof(*fg->edges));
			fg->edges[fg->nedges++] = (struct flow_edge){ insns[i].target, i };
		}
	}
	sort_array(fg->edges, fg->nedges, sizeof(*fg->edges), edge_cmp);
}

void flow_graph_free(struct flow_graph *fg)
{
	free(fg->visited);
	free(fg->edges);
	free(fg->touched);
	memset(fg, 0, sizeof(*fg));
}

void flow_graph_resolve(struct flow_graph *fg, size_t at, int reg, struct resolution *out)
{
	struct walk w = { .fg = fg, .insns = fg->insns, .out = out };

	memset(out, 0, sizeof(*out));
	out->arg_reg = REG_NONE;
	mark_visited(fg, at, reg);
	w.stack = xmalloc(sizeof(*w.stack) * 16);
	w.cap = 16;
	w.stack[w.depth++] = (struct state){ at, reg, 0, false };
	while (w.depth)
		visit_preds(&w, w.stack[--w.depth]);
	if (!out->nvalues && out->reason == UNRES_NONE)
		out->reason = UNRES_UNREACHABLE; /* every path was dead */
	out->partial = out->nvalues > 0 && out->reason != UNRES_NONE;
	free(w.stack);
	/* Reset only what this walk touched: O(walk), not O(function). */
	for (size_t i = 0; i < fg->ntouched; i++)
		fg->visited[fg->touched[i]] = 0;
	fg->ntouched = 0;
}

void resolve_register(const struct insn *insns, size_t n, size_t at, int reg,
		      struct resolution *out)
{
	struct flow_graph fg;

	flow_graph_build(&fg, insns, n);
	flow_graph_resolve(&fg, at, reg, out);
	flow_graph_free(&fg);
}
