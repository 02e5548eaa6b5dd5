/* analyzer/reach_cache.c — a program's reach result in the analysis cache.
 *
 * The walk is most of a warm run once every file's sites come from the
 * cache (one walk per program over its whole closure), so its result is
 * kept too, keyed by everything the walk reads (reach.c: walk_key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/cache.h"
#include "analyzer/reach.h"
#include "common/xalloc.h"

static void put_chain(struct wbuf *b, const struct reach_chain *c)
{
	cache_put64(b, c->n);
	for (size_t i = 0; i < c->n; i++)
		cache_put_str(b, c->steps[i]);
}

static void get_chain(struct rbuf *b, struct reach_chain *c)
{
	uint64_t n = cache_get64(b);

	if (n > REACH_CHAIN_MAX) {
		b->bad = true;
		return;
	}
	for (c->n = 0; c->n < n && !b->bad; c->n++)
		if (!(c->steps[c->n] = cache_get_str(b)))
			b->bad = true;
}

void reach_result_store(struct analysis_cache *c, const struct digest *key,
			const struct reach_result *r)
{
	struct wbuf b = { 0 };
	const size_t counts[] = { r->nper_object, r->nsyscalls, r->nvsyscalls, r->nvdso,
				  r->nunbound, r->objects, r->functions, r->unresolved_sites,
				  r->indirect_calls };

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		cache_put64(&b, counts[i]);
	for (size_t i = 0; i < r->nper_object; i++) {
		const struct reach_object_stats *s = &r->per_object[i];
		cache_put_str(&b, s->label);
		cache_put64(&b, s->functions);
		cache_put64(&b, s->reached);
		cache_put64(&b, s->indirect_calls);
		cache_put64(&b, s->address_taken);
	}
	for (size_t i = 0; i < r->nsyscalls; i++) {
		cache_put64(&b, (uint64_t)r->syscalls[i].nr);
		cache_put32(&b, (uint32_t)r->syscalls[i].table);
		cache_put32(&b, r->syscalls[i].startup);
		cache_put32(&b, r->syscalls[i].depth);
		put_chain(&b, &r->syscalls[i].chain);
	}
	for (size_t i = 0; i < r->nvsyscalls; i++) {
		cache_put64(&b, r->vsyscalls[i].target);
		cache_put32(&b, r->vsyscalls[i].access);
		cache_put32(&b, r->vsyscalls[i].fallback);
		put_chain(&b, &r->vsyscalls[i].chain);
	}
	for (size_t i = 0; i < r->nvdso; i++) {
		cache_put_str(&b, r->vdso[i].name);
		put_chain(&b, &r->vdso[i].chain);
	}
	for (size_t i = 0; i < r->nunbound; i++)
		cache_put_str(&b, r->unbound[i]);
	analysis_cache_write(c, CACHE_REACH, key, &b);
	free(b.p);
}

static void get_records(struct rbuf *b, struct reach_result *r)
{
	r->per_object = cache_get_array(b, r->nper_object, 40, sizeof(*r->per_object));
	for (size_t i = 0; !b->bad && i < r->nper_object; i++) {
		struct reach_object_stats *s = &r->per_object[i];
		char *label = cache_get_str(b);
		snprintf(s->label, sizeof(s->label), "%s", label ? label : "");
		free(label);
		s->functions = cache_get64(b);
		s->reached = cache_get64(b);
		s->indirect_calls = cache_get64(b);
		s->address_taken = cache_get64(b);
	}
	r->syscalls = cache_get_array(b, r->nsyscalls, 28, sizeof(*r->syscalls));
	for (size_t i = 0; !b->bad && i < r->nsyscalls; i++) {
		struct reached_syscall *s = &r->syscalls[i];
		s->nr = (long)cache_get64(b);
		s->table = (enum syscall_arch)(int32_t)cache_get32(b);
		s->startup = cache_get32(b) != 0;
		s->depth = cache_get32(b);
		get_chain(b, &s->chain);
		if (s->table < 0 || s->table >= SYSCALL_ARCH_COUNT)
			b->bad = true;
	}
	r->vsyscalls = cache_get_array(b, r->nvsyscalls, 24, sizeof(*r->vsyscalls));
	for (size_t i = 0; !b->bad && i < r->nvsyscalls; i++) {
		struct reached_vsyscall *v = &r->vsyscalls[i];
		v->target = cache_get64(b);
		v->access = cache_get32(b);
		v->fallback = cache_get32(b) != 0;
		get_chain(b, &v->chain);
		if (v->access > VSYSCALL_READ)
			b->bad = true;
	}
	r->vdso = cache_get_array(b, r->nvdso, 16, sizeof(*r->vdso));
	for (size_t i = 0; !b->bad && i < r->nvdso; i++) {
		if (!(r->vdso[i].name = cache_get_str(b)))
			b->bad = true;
		get_chain(b, &r->vdso[i].chain);
	}
	r->unbound = cache_get_array(b, r->nunbound, 8, sizeof(*r->unbound));
	for (size_t i = 0; !b->bad && i < r->nunbound; i++)
		if (!(r->unbound[i] = cache_get_str(b)))
			b->bad = true;
}

bool reach_result_load(struct analysis_cache *c, const struct digest *key,
		       struct reach_result *out)
{
	struct rbuf b;
	uint8_t *p = analysis_cache_read(c, CACHE_REACH, key, &b);
	size_t *const counts[] = { &out->nper_object, &out->nsyscalls, &out->nvsyscalls,
				   &out->nvdso, &out->nunbound, &out->objects, &out->functions,
				   &out->unresolved_sites, &out->indirect_calls };

	memset(out, 0, sizeof(*out));
	if (!p) {
		c->misses++;
		return false;
	}
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		*counts[i] = (size_t)cache_get64(&b);
	get_records(&b, out);
	free(p);
	if (b.bad || b.off != b.n) {
		/* Arrays never allocated are not there to free. */
		if (!out->syscalls)
			out->nsyscalls = 0;
		if (!out->vsyscalls)
			out->nvsyscalls = 0;
		if (!out->vdso)
			out->nvdso = 0;
		if (!out->unbound)
			out->nunbound = 0;
		reach_result_free(out);
		c->misses++;
		return false;
	}
	c->hits++;
	return true;
}
