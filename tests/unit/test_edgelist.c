/* Unit tests for analyzer/edgelist.c: packed edges read back exactly, in
 * order, whatever their values (differences wrap, the call flag sits
 * beside a 64-bit one), and a sweep-like list is small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "analyzer/edgelist.h"

static void check_round_trip(const struct code_edge *want, size_t n)
{
	struct edge_list l = { 0 };
	struct edge_cursor c;
	struct code_edge got;
	size_t i = 0;

	for (size_t k = 0; k < n; k++)
		edge_list_add(&l, &want[k]);
	assert_int_equal(l.n, n);
	edge_cursor_init(&c, &l);
	while (edge_cursor_next(&c, &got)) {
		assert_true(i < n);
		assert_true(got.from == want[i].from);
		assert_true(got.target == want[i].target);
		assert_int_equal(got.call, want[i].call);
		i++;
	}
	assert_int_equal(i, n);
	edge_list_free(&l);
}

/* Every pair of boundary values, both ways, with and without the flag:
 * the differences that need all 64 bits (and the 65th beside the flag). */
static void extremes(void **state)
{
	static const uint64_t v[] = {
		0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x401000, 0xffffffffff600400ull,
		(1ull << 62) - 1, 1ull << 62, (1ull << 63) - 1, 1ull << 63, ~0ull - 1, ~0ull,
	};
	size_t nv = sizeof(v) / sizeof(v[0]), n = 0;
	struct code_edge *e = calloc(nv * nv * 2, sizeof(*e));

	(void)state;
	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j < nv; j++)
			for (int call = 0; call < 2; call++)
				e[n++] = (struct code_edge){ v[i], v[j], call };
	check_round_trip(e, n);
	free(e);
}

static void empty(void **state)
{
	struct edge_list l = { 0 };
	struct edge_cursor c;
	struct code_edge e;

	(void)state;
	edge_cursor_init(&c, &l);
	assert_false(edge_cursor_next(&c, &e));
	edge_list_free(&l);
}

/* What a sweep produces: sources rising a few bytes at a time, calls
 * within a few MB.  About 6 bytes an edge, not 24. */
static void sweep_like(void **state)
{
	size_t n = 100000;
	struct code_edge *e = calloc(n, sizeof(*e));
	struct edge_list l = { 0 };
	uint64_t at = 0x100000;

	(void)state;
	srand(7);
	for (size_t i = 0; i < n; i++) {
		at += 2 + (uint64_t)(rand() % 60);
		e[i] = (struct code_edge){ at, at + (uint64_t)(rand() % (8 << 20)) - (4 << 20),
					   rand() % 4 != 0 };
	}
	check_round_trip(e, n);
	for (size_t i = 0; i < n; i++)
		edge_list_add(&l, &e[i]);
	assert_true(l.len < 7 * n);
	edge_list_free(&l);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extremes),
		cmocka_unit_test(empty),
		cmocka_unit_test(sweep_like),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
