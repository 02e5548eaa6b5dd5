/* Unit tests for analyzer/a64_decode.c: every word the tables answer must
 * be one capstone decodes, as svc/br/blr exactly when capstone says so.
 * Samples: 4 Mi words spread over every top byte, all encodings of the
 * small classes (svc, br/blr/ret, hints), and the unpredictable and
 * unallocated words the predicates must hand back to capstone.  The
 * exhaustive version (all 2^32 words) is scripts/a64-check.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <capstone/capstone.h>

#include "analyzer/a64_decode.h"

static csh cs;
static cs_insn *ci;

static enum a64_class capstone_class(uint32_t w)
{
	const uint8_t *code = (const uint8_t *)&w;
	size_t size = 4;
	uint64_t addr = 0x400000;

	if (!cs_disasm_iter(cs, &code, &size, &addr, ci))
		return A64_ASK;
	return ci->id == ARM64_INS_SVC ? A64_SVC
	     : ci->id == ARM64_INS_BR  ? A64_BR
	     : ci->id == ARM64_INS_BLR ? A64_BLR
				       : A64_OTHER;
}

/* Returns whether the tables answered w (so callers can count). */
static bool agrees(uint32_t w)
{
	enum a64_class mine = a64_classify(w);

	if (mine == A64_ASK)
		return false;
	if (capstone_class(w) != mine)
		fail_msg("word %08x: tables say %d, capstone %d", w, mine, capstone_class(w));
	return true;
}

static int setup(void **state)
{
	(void)state;
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) != CS_ERR_OK)
		return -1;
	ci = cs_malloc(cs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_free(ci, 1);
	cs_close(&cs);
	return 0;
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_words(void **state)
{
	uint32_t seed = 0x9e3779b9u;
	size_t answered = 0;

	(void)state;
	for (uint32_t top = 0; top < 256; top++)
		for (int i = 0; i < 16384; i++)
			answered += agrees(top << 24 | (xorshift(&seed) & 0xffffff));
	/* Loads/stores, moves, adds and branches are most of the space. */
	assert_true(answered > (4u << 20) / 4);
}

static void test_small_classes(void **state)
{
	(void)state;
	for (uint32_t imm = 0; imm < 65536; imm++)
		assert_true(agrees(0xd4000001u | imm << 5)); /* svc #imm */
	for (uint32_t rn = 0; rn < 32; rn++) {
		assert_int_equal(a64_classify(0xd61f0000u | rn << 5), A64_BR);
		assert_int_equal(a64_classify(0xd63f0000u | rn << 5), A64_BLR);
		assert_true(agrees(0xd61f0000u | rn << 5));
		assert_true(agrees(0xd63f0000u | rn << 5));
		assert_true(agrees(0xd65f0000u | rn << 5)); /* ret */
	}
	for (uint32_t op = 0; op < 128; op++)
		assert_true(agrees(0xd503201fu | op << 5)); /* hint #op */
}

/* Words in tabled classes that capstone refuses: the predicates must ask. */
static void test_asked(void **state)
{
	static const uint32_t words[] = {
		0xa8a8a800, /* stp x0, x10, [x0], #-376: writeback to a stored reg */
		0xa8c10020, /* ldp x0, x0, [x1], #16: the same register loaded twice */
		0xf8408420, /* ldr x0, [x1], #8 is fine; */
		0xf8408400, /* ldr x0, [x0], #8: writeback to the loaded register */
		0x92400000, /* and x0, x0, #1 (N=1, imms=0) is fine; */
		0x12400000, /* ... but N=1 in a 32-bit and is unallocated */
		0x9240fc00, /* N=1 imms=111111: an element of all ones, no mask */
		0x52c00000, /* movz w0 with hw=2: 32-bit shifts are 0 and 16 */
		0x72a00000, /* movk w0, #0, lsl 16 is fine */
		0x0b00fc00, /* add w0, w0, w0, lsl #63: beyond 32 bits */
		0x8bc00000, /* add x0, x0, x0, ror #0: add/sub has no ror */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		bool decodes = capstone_class(words[i]) != A64_ASK;

		agrees(words[i]);
		if (!decodes)
			assert_int_equal(a64_classify(words[i]), A64_ASK);
	}
	assert_int_equal(a64_classify(0x00000000), A64_ASK); /* udf: capstone's call */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_words),
		cmocka_unit_test(test_small_classes),
		cmocka_unit_test(test_asked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
