/* analyzer/functions.h — where functions start and end.
 *
 * Data flow is resolved within the function containing an instruction, so
 * we need function bounds even in stripped libraries.  Sources: function
 * symbols (.symtab/.dynsym) and the call-frame information in .eh_frame,
 * which every gcc/clang object carries for unwinding and which stripping
 * keeps (one FDE per function, with its exact start and length).
 */
#ifndef ABICHECK_ANALYZER_FUNCTIONS_H
#define ABICHECK_ANALYZER_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/elf_file.h"

struct func_range {
	uint64_t start, end;
};

struct function_index {
	struct func_range *ranges; /* sorted by start */
	size_t n;
	size_t fdes; /* how many came from .eh_frame */
};

void function_index_build(const struct elf_file *ef, struct function_index *fi);
void function_index_free(struct function_index *fi);
/* The index of the first range starting after addr (fi->n when none
 * does): the ranges before it are all those starting at or before addr. */
size_t function_index_upper(const struct function_index *fi, uint64_t addr);
/* The smallest known function containing addr; false when none does. */
bool function_index_find(const struct function_index *fi, uint64_t addr,
			 struct func_range *out);

/* Adds functions starting at `starts` (addresses no range covers), each
 * running to the next known start or the end of its code region. */
/* Sorts `starts` and drops repeats in place; returns how many remain. */
size_t function_starts_unique(uint64_t *starts, size_t n);
void function_index_add_starts(struct function_index *fi, const uint64_t *starts, size_t n,
			       const struct code_region *regions, size_t nregions);

/* For code no function covers (hand-written assembly without CFI): the
 * gap between the known functions around addr, clipped to [lo, hi). */
bool function_index_gap(const struct function_index *fi, uint64_t addr, uint64_t lo,
			uint64_t hi, struct func_range *out);

/* Parses an .eh_frame image at `vaddr` and calls `fn` for each FDE's
 * [start, end).  Exposed for tests. */
void eh_frame_parse(const uint8_t *p, size_t size, uint64_t vaddr, int ptr_size,
		    void (*fn)(uint64_t start, uint64_t end, void *arg), void *arg);

#endif
