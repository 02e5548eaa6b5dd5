/* analyzer/edgelist.h — what the sweep found where, packed.
 *
 * Owns the compact lists an analysis keeps between passes over the code,
 * read only in the order they were written:
 *  - edges (struct code_edge: a call or jump, its source and target), as
 *    the difference from the previous edge's source and from its own
 *    source, zigzag varints with the call flag in the low bit (about 6
 *    bytes an edge instead of 24): the few a later step needs whole, the
 *    jumps to code no function covers and the calls of wrappers;
 *  - addresses (struct addr_list): where the sweep found the transfers
 *    and address loads the call graph is made of (libLLVM: 1.15 million),
 *    1 or 2 bytes each, decoded again when the graph is built.
 * Any 64-bit values round-trip exactly.
 * Ownership: edge_list_free() and addr_list_free() free the buffers.
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

/* Where the sweep found transfers and loads, not what they say: each
 * instruction's address (the difference from the previous one) and
 * decoder state, a varint of 1 or 2 bytes, and a pass that needs the
 * edges decodes those instructions again from the file (a tenth of what
 * the sweep decoded).  libLLVM's 1.15 million make 1.3 MB, where the
 * edges packed made 7 MB. */
struct addr_list {
	uint8_t *p;
	size_t len, cap;
	size_t n;
	uint64_t last;
};

void addr_list_add(struct addr_list *l, uint64_t addr, bool alt);
void addr_list_free(struct addr_list *l);

struct addr_cursor {
	const struct addr_list *l;
	size_t off;
	uint64_t addr;
};

void addr_cursor_init(struct addr_cursor *c, const struct addr_list *l);
bool addr_cursor_next(struct addr_cursor *c, uint64_t *addr, bool *alt);

#endif
