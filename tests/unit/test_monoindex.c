/* Unit tests for analyzer/monoindex.c: every value reads back as it was
 * given, in the 16-bit form (blocks spanning less than 64 kB, up to the
 * last value a block can reach) and in the whole form (one block spanning
 * more), for lengths around the block size and none at all. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "analyzer/monoindex.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Ascending values, each step below max_step. */
static uint32_t *ascending(size_t n, uint32_t max_step)
{
	uint32_t *v = calloc(n + 1, sizeof(*v)), at = 7;

	for (size_t i = 0; i < n; i++)
		v[i] = at += next() % max_step;
	return v;
}

static void expect_same(const uint32_t *v, size_t n, bool whole)
{
	struct mono_index m;

	mono_index_build(&m, v, n);
	assert_int_equal(m.n, n);
	assert_int_equal(m.whole != NULL, whole);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mono_index_get(&m, i), v[i]);
	if (n >= MONO_BLOCK && !whole)
		assert_true(mono_index_bytes(&m) < n * sizeof(uint32_t));
	mono_index_free(&m);
}

static void reads_back_small(void **state)
{
	(void)state;
	for (size_t n = 0; n < 70; n++) {
		/* 15 steps of at most 4369 stay within a block's 65535 */
		uint32_t *v = ascending(n, 4370);
		expect_same(v, n, false);
		free(v);
	}
	uint32_t *v = ascending(100000, 4370);
	expect_same(v, 100000, false);
	free(v);
}

static void reads_back_whole(void **state)
{
	uint32_t *v = ascending(1000, 200);

	(void)state;
	/* one block spanning 65 536: the whole form */
	for (size_t i = 17; i < 1000; i++)
		v[i] += 70000;
	v[16] = v[15];
	v[17] = v[16] + 65536;
	for (size_t i = 18; i < 32; i++)
		v[i] = v[17];
	expect_same(v, 1000, true);
	/* exactly 65 535 still fits */
	v[17] = v[16] + 65535;
	for (size_t i = 18; i < 1000; i++)
		v[i] = v[i - 1] + 1;
	for (size_t i = 18; i < 32; i++)
		v[i] = v[17];
	expect_same(v, 1000, false);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_back_small),
		cmocka_unit_test(reads_back_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
