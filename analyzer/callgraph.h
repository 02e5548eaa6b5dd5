/* analyzer/callgraph.h — one object's function graph, compact and cached.
 *
 * Owns turning what the sweep found (direct calls and jumps, address
 * loads, indirect calls) and the object's dynamic symbols (which PLT stub
 * calls which import, which addresses relocations store, the constructors)
 * into what reach.c walks: per function, the functions and imports it may
 * call.  It is built once, when the file is analysed, from the transfers
 * as they come (never a list of them: 900 000 for libLLVM), so they never
 * reach the cache or a walk: the graph depends only on the file's bytes
 * and is cached with the report, at 4 bytes an entry.  Also the function
 * lookups the graph and the walks share.
 * Ownership: call_graph_free() frees the arrays.
 */
#ifndef ABICHECK_ANALYZER_CALLGRAPH_H
#define ABICHECK_ANALYZER_CALLGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/edgelist.h"
#include "analyzer/functions.h"
#include "analyzer/monoindex.h"

struct dynsyms;

/* LOCAL: call or tail jump; REF: the function's address is loaded (an
 * IFUNC resolver's candidate, a callback), a possible call that the
 * start-up walk does not follow; IMPORT: through the PLT. */
enum cg_kind { CG_LOCAL, CG_REF, CG_IMPORT };

/* An adjacency entry: the kind in the top two bits, the target (function
 * or import index) below. */
typedef uint32_t cg_entry;
#define CG_TARGET_LIMIT (1u << 30) /* an index beyond: the edge is dropped */

static inline enum cg_kind cg_kind_of(cg_entry e) { return (enum cg_kind)(e >> 30); }
static inline uint32_t cg_target_of(cg_entry e) { return e & (CG_TARGET_LIMIT - 1); }

struct call_graph {
	/* Function f's entries are adj[adj_start[f] .. adj_start[f + 1]), in
	 * sweep order, edges before address loads, each (kind, target) once:
	 * a repeat would visit nothing new. */
	cg_entry *adj;
	uint32_t *adj_start; /* nfn + 1 */
	size_t nadj, nfn;
	bool *has_indirect;  /* per function: an indirect call not through the PLT */
	/* Functions whose address is loaded or stored (the targets of any
	 * indirect call), first mention first, each once. */
	uint32_t *taken;
	size_t ntaken;
	/* Functions the loader runs around main (DT_INIT, init/fini arrays),
	 * in the dynamic section's order. */
	uint32_t *ctors;
	size_t nctors;
	size_t nimports; /* of the dynsyms it was built with: IMPORT targets are below */
	/* A graph read back for a walk is kept packed (call_graph_pack): adj
	 * is NULL, adj_start[f] is the offset in `packed` of function f's
	 * first entry, and each entry is a varint: the kind in the low two
	 * bits, above them an import's index or, zigzagged, a function's
	 * distance from f (callees are mostly near their callers: 2.2 bytes
	 * an entry; clang's walk loads 5 MB of graphs as entries). */
	uint8_t *packed;
	size_t npacked;
	/* Then adj_start too goes (call_graph_compact_starts), for this. */
	struct mono_index starts;
};

/* Function f's entries, in either form: init, then next until false. */
struct cg_cursor {
	const struct call_graph *g;
	size_t at, end;
	uint32_t f;
};
void cg_cursor_init(struct cg_cursor *c, const struct call_graph *g, size_t f);
bool cg_cursor_next(struct cg_cursor *c, enum cg_kind *kind, uint32_t *target);

/* Packing, as a report is read back: entries come in order, each checked
 * (false: not an entry of a graph of nfn functions and nimports imports),
 * function by function; pack_end closes the last one.  g->adj_start must
 * hold the entries' indices, checked ordered; they become offsets. */
struct graph_packer {
	struct call_graph *g;
	size_t f, i, cap;
};
void call_graph_pack_begin(struct graph_packer *p, struct call_graph *g);
bool call_graph_pack(struct graph_packer *p, cg_entry e);
void call_graph_pack_end(struct graph_packer *p);
/* A packed graph's offsets as a mono_index: adj_start is NULL then. */
void call_graph_compact_starts(struct call_graph *g);

/* What the graph is built from, besides the sweep's transfers and
 * address loads (call_graph_add_code). */
struct graph_input {
	const struct function_index *funcs;
	const struct addr_list *indirect; /* indirect calls/jumps */
	const struct dynsyms *dyn;
};

/* Built in steps, so that no input is held whole beside the graph:
 * begin; each direct transfer and address load of the code, in the
 * order the sweep finds them (call_graph_add_code: libLLVM has 900 000,
 * which as a list were the largest thing its analysis held); end_code;
 * the data refs one at a time (a relocation pass, dynsyms.h's sink:
 * libLLVM has 335 000); finish, which uses in->dyn's PLT and
 * constructors and the indirect calls.
 * A function's entries are placed as its code is swept: the sweep goes
 * through a function's code before the next one's, so each function's
 * list is made whole, each entry once (a small set), at the end of the
 * list.  Code of a function resuming after a range nested in it comes
 * late, and is merged at end_code. */
struct run_slot {
	cg_entry e;
	uint32_t gen;
};
struct late_entry {
	uint32_t f;
	cg_entry e;
	uint32_t seq; /* arrival: kept in order when sorted by function */
};
struct graph_builder {
	struct call_graph *g;
	const struct function_index *funcs;
	const struct dynsyms *dyn;
	bool *seen; /* per function: already in g->taken */
	size_t cap; /* of g->taken */
	size_t capadj;
	long run;          /* the function being placed, -1 before the first */
	cg_entry *refs;    /* its address loads, placed after its transfers */
	size_t nrefs, caprefs;
	struct run_slot *set; /* its entries so far */
	size_t setn, setcap;
	uint32_t gen;
	struct late_entry *late;
	size_t nlate, caplate;
};
void call_graph_begin(const struct graph_input *in, struct call_graph *g, struct graph_builder *b);
/* A direct call or jump, or (ref) an address load. */
void call_graph_add_code(struct graph_builder *b, const struct code_edge *e, bool ref);
void call_graph_end_code(struct graph_builder *b);
void call_graph_add_data_ref(void *builder, uint64_t target);
void call_graph_finish(const struct graph_input *in, struct graph_builder *b);
void call_graph_free(struct call_graph *g);
size_t call_graph_bytes(const struct call_graph *g);
/* Whether a graph read back from the cache is one call_graph_build could
 * have made for `funcs` (indices in range, starts ordered). */
bool call_graph_valid(const struct call_graph *g, size_t nfn);

/* Function lookups over a function index, as indices into fi->ranges
 * (-1: none).  fn_of: the smallest function containing addr; fn_at: a
 * function starting exactly at addr (a pointer's target); fn_owner: the
 * function code at addr belongs to, else the last one starting before it
 * (hand-written assembly may end its CFI before a syscall and resume
 * after it, glibc's clone3.S: the uncovered bytes are reached by falling
 * through from the function before them). */
long cg_fn_of(const struct function_index *fi, uint64_t addr);
long cg_fn_at(const struct function_index *fi, uint64_t addr);
long cg_fn_owner(const struct function_index *fi, uint64_t addr);

#endif
