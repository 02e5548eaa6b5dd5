/* analyzer/a64_decode.h — the aarch64 linear sweep's decoder.
 *
 * The sweep needs, per 32-bit word, only "does it decode" and whether it
 * is svc, br or blr; capstone 4 answers that but formats every
 * instruction's text on the way (a third of a cold arm64 check went to
 * its printer's strcmp and sprintf).  This module answers from the Arm
 * ARM's encoding tables for the classes that make up most code, and says
 * "ask capstone" for the rest, so the sweep's results are capstone's,
 * word for word (tests/unit/test_a64_decode.c samples every class;
 * scripts/a64-exhaustive.c checked all 2^32 words).
 */
#ifndef ABICHECK_ANALYZER_A64_DECODE_H
#define ABICHECK_ANALYZER_A64_DECODE_H

#include <stdint.h>

enum a64_class {
	A64_ASK,    /* not in the tables, or unallocated there: capstone decides */
	A64_OTHER,  /* decodes; none of the below */
	A64_SVC,
	A64_BR,
	A64_BLR,
};

enum a64_class a64_classify(uint32_t word);

#endif
