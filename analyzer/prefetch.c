/* analyzer/prefetch.c — see prefetch.h. */
#include "analyzer/prefetch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/scan.h"
#include "common/tempdir.h"
#include "common/xalloc.h"

/* Pending bodies hold open fds: a bounded queue, and a body that finds it
 * full is left to the normal analysis later. */
#define QUEUE_MAX 128
#define THREADS_MAX 64

struct job {
	int fd;
	char sha256[65];
};

struct prefetch {
	struct analysis_cache *cache;
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct job queue[QUEUE_MAX];
	size_t head, count;
	bool closing;
	pthread_t tids[THREADS_MAX];
	unsigned nthreads;
};

static void analyse(struct prefetch *p, struct job *j)
{
	struct elf_scan s;

	elf_scan_fd(j->fd, &s, p->cache, j->sha256);
	elf_scan_free(&s);
	close(j->fd);
}

/* Next job, waiting unless closing; false when there is none left. */
static bool take(struct prefetch *p, struct job *j, bool wait)
{
	bool got = false;

	pthread_mutex_lock(&p->lock);
	while (wait && !p->count && !p->closing)
		pthread_cond_wait(&p->more, &p->lock);
	if (p->count) {
		*j = p->queue[p->head];
		p->head = (p->head + 1) % QUEUE_MAX;
		p->count--;
		got = true;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

static void *worker(void *arg)
{
	struct prefetch *p = arg;
	struct job j;

	while (take(p, &j, true))
		if (ac_interrupted())
			close(j.fd);
		else
			analyse(p, &j);
	return NULL;
}

struct prefetch *prefetch_start(struct analysis_cache *cache, unsigned threads)
{
	struct prefetch *p;

	if (!cache || !cache->dir || !threads)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->cache = cache;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	for (unsigned i = 0; i < threads && i < THREADS_MAX; i++)
		if (pthread_create(&p->tids[p->nthreads], NULL, worker, p) == 0)
			p->nthreads++;
	if (!p->nthreads) {
		prefetch_finish(p);
		return NULL;
	}
	return p;
}

void prefetch_body(int fd, const char *sha256, void *arg)
{
	struct prefetch *p = arg;
	bool queued = false;

	pthread_mutex_lock(&p->lock);
	if (p->count < QUEUE_MAX && !p->closing) {
		struct job *j = &p->queue[(p->head + p->count) % QUEUE_MAX];
		j->fd = fd;
		snprintf(j->sha256, sizeof(j->sha256), "%s", sha256);
		p->count++;
		queued = true;
		pthread_cond_signal(&p->more);
	}
	pthread_mutex_unlock(&p->lock);
	if (!queued)
		close(fd);
}

void prefetch_finish(struct prefetch *p)
{
	struct job j;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	while (take(p, &j, false)) /* help drain: this thread is free now */
		if (ac_interrupted())
			close(j.fd);
		else
			analyse(p, &j);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->tids[i], NULL);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
