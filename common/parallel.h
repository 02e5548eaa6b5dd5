/* common/parallel.h — independent jobs spread over a few threads.
 *
 * Owns the one shape of parallelism the analyzer needs after the layers
 * are read: jobs 0..n-1 that share nothing mutable, taken in order by
 * `threads` threads, the calling thread being one of them (so threads = 1
 * runs everything inline, and a failed pthread_create only loses speed).
 * No new job starts once an interrupt is pending (common/tempdir.h).
 */
#ifndef ABICHECK_COMMON_PARALLEL_H
#define ABICHECK_COMMON_PARALLEL_H

#include <stddef.h>

void parallel_for(size_t n, unsigned threads, void (*job)(void *ctx, size_t i), void *ctx);

#endif
