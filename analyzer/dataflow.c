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
	};
	return names[r];
}

struct edge {
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
	const struct insn *insns;
	size_t n;
	struct edge *edges; /* branches inside the function, sorted by target */
	size_t nedges;
	uint64_t *visited;  /* per instruction: registers already asked there */
	struct state *stack;
	size_t depth, cap, states;
	bool has_ijump; /* the function has indirect jumps (jump tables) */
	struct resolution *out;
};

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

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

static void push(struct walk *w, size_t at, int reg, int64_t offset, bool added)
{
	if (reg < 0 || reg >= 64)
		return;
	if (w->visited[at] & (1ull << reg)) {
		/* A loop, or a join already explored.  After an add it is a
		 * value changing each iteration: not a constant we can name. */
		if (added)
			unresolved(w, UNRES_COMPUTED, reg);
		return;
	}
	w->visited[at] |= 1ull << reg;
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
	uint64_t addr = w->insns[s.at].addr;
	bool any = false;
	struct edge key = { addr, 0 };
	struct edge *e = search_array(&key, w->edges, w->nedges, sizeof(key), edge_cmp);

	if (s.at > 0 && falls_through(&w->insns[s.at - 1]) &&
	    w->insns[s.at - 1].addr + w->insns[s.at - 1].size == addr) {
		step(w, s.at - 1, s);
		any = true;
	}
	while (e && e > w->edges && e[-1].target == addr)
		e--;
	for (; e && e < w->edges + w->nedges && e->target == addr; e++) {
		step(w, e->from, s);
		any = true;
	}
	if (s.at == 0)
		unresolved(w, UNRES_ARGUMENT, s.reg);
	else if (!any && w->has_ijump) /* maybe a jump-table target */
		unresolved(w, UNRES_INDIRECT, s.reg);
	/* else: no way in at all, dead code such as the alignment padding
	 * after an unconditional jump; that path contributes nothing. */
}

void resolve_register(const struct insn *insns, size_t n, size_t at, int reg,
		      struct resolution *out)
{
	struct walk w = { .insns = insns, .n = n, .out = out };
	size_t ecap = 0;

	memset(out, 0, sizeof(*out));
	out->arg_reg = REG_NONE;
	w.visited = xcalloc(n, sizeof(*w.visited));
	for (size_t i = 0; i < n; i++) {
		w.has_ijump |= insns[i].flow == FLOW_IJUMP;
		if ((insns[i].flow == FLOW_JUMP || insns[i].flow == FLOW_CJUMP) &&
		    insns[i].has_target && insns[i].target >= insns[0].addr &&
		    insns[i].target <= insns[n - 1].addr) {
			xgrow((void **)&w.edges, &ecap, w.nedges, sizeof(*w.edges));
			w.edges[w.nedges++] = (struct edge){ insns[i].target, i };
		}
	}
	sort_array(w.edges, w.nedges, sizeof(*w.edges), edge_cmp);
	w.visited[at] |= 1ull << reg;
	w.stack = xmalloc(sizeof(*w.stack) * 16);
	w.cap = 16;
	w.stack[w.depth++] = (struct state){ at, reg, 0, false };
	while (w.depth)
		visit_preds(&w, w.stack[--w.depth]);
	out->partial = out->nvalues > 0 && out->reason != UNRES_NONE;
	free(w.visited);
	free(w.edges);
	free(w.stack);
}
