/* analyzer/monoindex.c — see monoindex.h. */
#include "analyzer/monoindex.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static bool spans_fit(const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] - v[i - i % MONO_BLOCK] > UINT16_MAX)
			return false;
	return true;
}

void mono_index_build(struct mono_index *m, const uint32_t *v, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	if (!spans_fit(v, n)) {
		m->whole = xcalloc(n + 1, sizeof(*m->whole));
		if (n)
			memcpy(m->whole, v, n * sizeof(*v));
		return;
	}
	m->base = xcalloc(n / MONO_BLOCK + 1, sizeof(*m->base));
	m->delta = xcalloc(n + 1, sizeof(*m->delta));
	for (size_t i = 0; i < n; i++) {
		if (i % MONO_BLOCK == 0)
			m->base[i / MONO_BLOCK] = v[i];
		m->delta[i] = (uint16_t)(v[i] - m->base[i / MONO_BLOCK]);
	}
}

void mono_index_free(struct mono_index *m)
{
	free(m->base);
	free(m->delta);
	free(m->whole);
	memset(m, 0, sizeof(*m));
}

size_t mono_index_bytes(const struct mono_index *m)
{
	if (!m->n)
		return 0;
	if (m->whole)
		return m->n * sizeof(*m->whole);
	return (m->n / MONO_BLOCK + 1) * sizeof(*m->base) + m->n * sizeof(*m->delta);
}
