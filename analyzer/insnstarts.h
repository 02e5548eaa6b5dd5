/* analyzer/insnstarts.h — where the linear sweep started instructions.
 *
 * Owns answering "did the sweep decode an instruction starting here?",
 * which the analysis asks of call targets no known function covers (do
 * they start functions?) and of the 16 bytes from a function's start
 * (where its lift begins, see sites.c's struct boundaries).  A bitmap of
 * every code byte answers at once but was the largest thing a large
 * library's analysis held (libLLVM's 48 MB of text: 6 MB).  Instead:
 * - for the functions known before the sweep, the 16 bits are collected
 *   while the sweep passes their starts (2 bytes a function);
 * - for any other address, the sweep is run again from a checkpoint: the
 *   first start in each 128-byte block (1 byte a block), within the span
 *   the sweep decoded with one state (ARM mapping symbols), so the answer
 *   is the sweep's own, by construction.  Only call targets no known
 *   function covers are asked this way, each once and in address order
 *   (gcc's cc1 calls 32 000 such functions 560 000 times), and their bits
 *   are kept for the lifts.
 * Ownership: insn_starts_free() frees what init allocated; the known
 * index is borrowed and must stay as it was (or a copy) while queried.
 */
#ifndef ABICHECK_ANALYZER_INSNSTARTS_H
#define ABICHECK_ANALYZER_INSNSTARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/elf_file.h"
#include "analyzer/functions.h"

#define START_MASK_BYTES 16 /* a start mask: bit k = addr + k starts one */

/* One step of the sweep at `addr` (state `alt`): how many bytes it moves
 * on, whether it decoded an instruction there or resynchronised. */
typedef size_t (*sweep_step_fn)(void *arg, bool alt, const uint8_t *code, size_t size,
				uint64_t addr);

struct start_span {
	size_t off, end; /* within the region */
	bool alt;
};

struct region_starts {
	uint8_t *first; /* per 128-byte block: offset of its first start, or 0xff */
	struct start_span *spans;
	size_t nspans, cap;
	bool overlaps; /* shares bytes with an earlier region (hostile input) */
};

struct extra_start {
	uint64_t addr;
	uint16_t mask;
};

struct insn_starts {
	const struct code_region *regions;
	size_t nregions;
	struct region_starts *r;
	const struct function_index *known; /* sorted by start */
	uint16_t *known_mask;              /* per known function */
	struct extra_start *extra;          /* other starts the filter kept, sorted */
	size_t nextra, capextra;
	size_t cursor;                      /* first known start within 16 bytes behind the sweep */
	uint64_t cursor_start;              /* its start (UINT64_MAX: none) */
	sweep_step_fn step;
	void *arg;
};

void insn_starts_init(struct insn_starts *s, const struct code_region *regions, size_t nregions,
		      const struct function_index *known, sweep_step_fn step, void *arg);
/* The sweep begins a span of region i with one decoder state. */
void insn_starts_span(struct insn_starts *s, size_t i, size_t off, size_t end, bool alt);
/* The sweep is at an instruction start (or a resync point) of region i:
 * inline, as it runs for every instruction, and mostly finds no known
 * start within reach. */
#define INSN_STARTS_BLOCK_SHIFT 7 /* 128-byte blocks: a re-run decodes at most two */
#define INSN_STARTS_NONE 0xff
void insn_starts_mark_known(struct insn_starts *s, size_t i, uint64_t addr);
static inline void insn_starts_mark(struct insn_starts *s, size_t i, uint64_t addr)
{
	size_t off = (size_t)(addr - s->regions[i].vaddr);
	uint8_t *first = &s->r[i].first[off >> INSN_STARTS_BLOCK_SHIFT];

	if (*first == INSN_STARTS_NONE)
		*first = (uint8_t)(off & ((1u << INSN_STARTS_BLOCK_SHIFT) - 1));
	if (s->cursor_start <= addr)
		insn_starts_mark_known(s, i, addr);
}
/* After the sweep: the known functions' bits for bytes outside all code
 * (which count as starts: nothing better to go by). */
void insn_starts_finish(struct insn_starts *s);
/* The known index moved (a copy, same order) before the original changes. */
void insn_starts_set_known(struct insn_starts *s, const struct function_index *copy);

/* Keeps those of `addrs` (sorted, distinct) where the sweep started an
 * instruction, remembering their masks; returns how many it kept.  The
 * code it re-reads is released behind it (ef's mapping). */
size_t insn_starts_filter(struct insn_starts *s, const struct elf_file *ef, uint64_t *addrs,
			  size_t n);
/* Bit k: addr + k is a start, for k < START_MASK_BYTES. */
uint16_t insn_starts_mask(const struct insn_starts *s, uint64_t addr);
void insn_starts_free(struct insn_starts *s);

#endif
