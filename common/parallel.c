/* common/parallel.c — see parallel.h. */
#include "common/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "common/tempdir.h"
#include "common/xalloc.h"

struct pool {
	void (*job)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	atomic_size_t next;
};

static void *run(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while (!ac_interrupted() && (i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->job(p->ctx, i);
	return NULL;
}

void parallel_for(size_t n, unsigned threads, void (*job)(void *ctx, size_t i), void *ctx)
{
	struct pool p = { .job = job, .ctx = ctx, .n = n };
	pthread_t *tids;
	size_t started = 0;

	if (threads < 1)
		threads = 1;
	if (threads > n)
		threads = n ? (unsigned)n : 1;
	tids = xcalloc(threads, sizeof(*tids));
	for (unsigned t = 1; t < threads; t++)
		if (pthread_create(&tids[started], NULL, run, &p) == 0)
			started++;
	run(&p);
	for (size_t t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
}
