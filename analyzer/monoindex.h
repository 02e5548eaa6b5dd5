/* analyzer/monoindex.h — an ascending sequence of 32-bit values, small.
 *
 * Owns storing what a walk reads per function of every object it loads
 * and that only grows along the functions: where each function's graph
 * entries start, where each function starts.  Per block of 16 values the
 * first is kept whole and the others as 16-bit distances from it: 2.25
 * bytes a value instead of 4 (clang's walk: 215 000 functions, two such
 * arrays).  A sequence whose values a block spans by 64 kB or more is
 * kept whole.  Random access stays O(1).
 * Ownership: mono_index_free() frees the arrays.
 */
#ifndef ABICHECK_ANALYZER_MONOINDEX_H
#define ABICHECK_ANALYZER_MONOINDEX_H

#include <stddef.h>
#include <stdint.h>

#define MONO_BLOCK 16

struct mono_index {
	uint32_t *base;  /* per block: its first value */
	uint16_t *delta; /* per value: its distance from its block's first */
	uint32_t *whole; /* instead of the two, when a block spans 64 kB */
	size_t n;
};

/* v: n values, each at least the one before. */
void mono_index_build(struct mono_index *m, const uint32_t *v, size_t n);
void mono_index_free(struct mono_index *m);
size_t mono_index_bytes(const struct mono_index *m);

static inline uint32_t mono_index_get(const struct mono_index *m, size_t i)
{
	return m->whole ? m->whole[i] : m->base[i / MONO_BLOCK] + m->delta[i];
}

#endif
