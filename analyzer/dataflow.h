/* analyzer/dataflow.h — backward resolution of a register's value.
 *
 * Given the instructions of one function (sorted by address), finds the
 * values a register can hold just before instruction `at`, walking
 * backwards through every path of the function's control-flow graph:
 * constants, register copies, added offsets; a value that comes from
 * memory, a call's return value or arithmetic we do not model leaves the
 * site unresolved with that reason.  Reaching the function's entry with
 * the register still live means the value is an argument (the syscall()
 * wrapper case): callers are then resolved the same way.
 */
#ifndef ABICHECK_ANALYZER_DATAFLOW_H
#define ABICHECK_ANALYZER_DATAFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/insn.h"

#define RESOLVE_MAX_VALUES 16
#define RESOLVE_MAX_STATES 4096

enum unresolved_reason {
	UNRES_NONE = 0,
	UNRES_MEMORY,      /* loaded from memory */
	UNRES_CALL,        /* return value of a call */
	UNRES_COMPUTED,    /* arithmetic we do not model */
	UNRES_PARTIAL,     /* partial register write */
	UNRES_ARGUMENT,    /* live at function entry: a parameter */
	UNRES_INDIRECT,    /* reached through an indirect jump we cannot follow */
	UNRES_LIMIT,       /* path or value limit */
	UNRES_NO_FUNCTION, /* no function bounds around the site */
	UNRES_UNREACHABLE, /* no path of the function reaches the site */
};

struct resolution {
	int64_t values[RESOLVE_MAX_VALUES];
	int nvalues;
	enum unresolved_reason reason; /* first reason met on an unresolved path */
	int arg_reg;                   /* with UNRES_ARGUMENT */
	bool partial;                  /* some paths resolved, some not */
};

/* The control-flow facts of one function, built once and shared by all
 * the resolutions in it (a function can hold thousands of sites). */
struct flow_graph {
	const struct insn *insns;
	size_t n;
	struct flow_edge *edges; /* branches inside the function, by target */
	size_t nedges;
	bool has_ijump;          /* indirect jumps: blocks may have unseen preds */
	uint64_t *visited;       /* per instruction: registers asked there */
	size_t *touched;         /* which visited[] entries to clear */
	size_t ntouched, captouched;
};

void flow_graph_build(struct flow_graph *fg, const struct insn *insns, size_t n);
void flow_graph_free(struct flow_graph *fg);

/* The value(s) of `reg` just before insns[at]. */
void flow_graph_resolve(struct flow_graph *fg, size_t at, int reg, struct resolution *out);

/* One-off: build, resolve, free. */
void resolve_register(const struct insn *insns, size_t n, size_t at, int reg,
		      struct resolution *out);

const char *unresolved_reason_name(enum unresolved_reason r);

#endif
