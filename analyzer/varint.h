/* analyzer/varint.h — the variable-length integers of the compact lists.
 *
 * Owns the one encoding the analysis's packed lists share (edgelist.c's
 * edges and addresses, callgraph.c's packed graph): little-endian base-128
 * varints, 7 bits a byte with the top bit saying more follow, of up to 65
 * bits (a 64-bit zigzagged difference with a flag bit beside it), and the
 * zigzag that keeps small negative differences short.  Only for buffers
 * the program wrote itself: a read assumes every varint is whole.
 */
#ifndef ABICHECK_ANALYZER_VARINT_H
#define ABICHECK_ANALYZER_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10 /* bytes of a 65-bit value, 7 bits each */

/* Differences wrap modulo 2^64; zigzag keeps small negative ones short. */
static inline uint64_t zigzag(uint64_t d)
{
	return d << 1 ^ (uint64_t)-(int64_t)(d >> 63);
}

static inline uint64_t unzigzag(uint64_t z)
{
	return z >> 1 ^ (uint64_t)-(int64_t)(z & 1);
}

/* Appends lo, with hi as a 65th bit above it, at p[*len]: p has room for
 * VARINT_MAX more bytes. */
static inline void varint_put(uint8_t *p, size_t *len, uint64_t lo, unsigned hi)
{
	for (;;) {
		uint8_t b = lo & 0x7f;
		lo = lo >> 7 | (uint64_t)hi << 57;
		hi = 0;
		if (!lo) {
			p[(*len)++] = b;
			return;
		}
		p[(*len)++] = (uint8_t)(b | 0x80);
	}
}

/* Reads the varint at p[*off] and moves past it: its low 64 bits, and its
 * 65th in *hi. */
static inline uint64_t varint_get(const uint8_t *p, size_t *off, unsigned *hi)
{
	uint64_t v = 0;

	*hi = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = p[(*off)++], bits = b & 0x7f;
		if (shift < 64)
			v |= (uint64_t)bits << shift;
		if (shift == 63)
			*hi = bits >> 1 & 1;
		if (!(b & 0x80))
			return v;
	}
}

#endif
