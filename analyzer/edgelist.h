/* analyzer/edgelist.h — the sweep's direct transfers, packed.
 *
 * Owns holding the edges a file's sweep finds (calls, jumps, address
 * loads: struct code_edge) from the sweep until the call graph is built.
 * They are read only in sweep order, so each is stored as the difference
 * from the previous edge's source and from its own source, zigzag varints
 * (the call flag in the low bit): about 6 bytes an edge instead of 24.
 * libLLVM's sweep finds 900 000, which were the largest thing its
 * analysis held (22 MB).  Any 64-bit values round-trip exactly.
 * Ownership: edge_list_free() frees the buffer.
 */
#ifndef ABICHECK_ANALYZER_EDGELIST_H
#define ABICHECK_ANALYZER_EDGELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A direct transfer (call or jump) or an address load found by the sweep. */
struct code_edge {
	uint64_t from, target;
	bool call;
};

struct edge_list {
	uint8_t *p;
	size_t len, cap;
	size_t n;           /* edges */
	uint64_t last_from; /* the previous edge's source */
};

void edge_list_add(struct edge_list *l, const struct code_edge *e);
void edge_list_free(struct edge_list *l);

/* Reading in order: init, then next until it returns false. */
struct edge_cursor {
	const struct edge_list *l;
	size_t off;
	uint64_t from;
};

void edge_cursor_init(struct edge_cursor *c, const struct edge_list *l);
bool edge_cursor_next(struct edge_cursor *c, struct code_edge *out);

#endif
