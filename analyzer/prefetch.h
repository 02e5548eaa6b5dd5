/* analyzer/prefetch.h — analysing ELF files while their layers are still
 * being read.
 *
 * Reading an archive image is one thread's work (one decompressor, one
 * tar stream); analysis is the rest of a cold run's cost.  The layer
 * reader hands over each kept ELF body as soon as it is written (a dup'd
 * fd and its sha256, images/layer.h) and worker threads analyse it into
 * the analysis cache, so by the time the image is open many files are
 * cache hits.  A body that a later layer deletes was analysed for nothing,
 * which costs time, never correctness.  Without the cache there is
 * nowhere to put results: prefetching is off.
 * Ownership: the prefetcher owns the fds it was handed and closes them.
 */
#ifndef ABICHECK_ANALYZER_PREFETCH_H
#define ABICHECK_ANALYZER_PREFETCH_H

#include "analyzer/cache.h"

struct prefetch;

/* NULL when there is no cache or no thread to spare. */
struct prefetch *prefetch_start(struct analysis_cache *cache, unsigned threads);
/* The layer reader's callback (arg: the prefetcher). */
void prefetch_body(int fd, const char *sha256, void *arg);
/* Analyses what is still queued on this thread too, then joins. */
void prefetch_finish(struct prefetch *p);

#endif
