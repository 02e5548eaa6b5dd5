/* common/cachefile.h — the on-disk cache's file format and directory.
 *
 * Owns what every cache namespace shares (analysis results, reach results,
 * image layer records): where the cache lives ($XDG_CACHE_HOME/abicheck,
 * else ~/.cache/abicheck, or --cache-dir), the binary encoding of entry
 * bodies, and the entry frame: magic, format, kind, key, body, then a
 * sha256 (hex) of everything before it.  Entries are written to a
 * temporary name and renamed, so concurrent runs are safe and a reader
 * sees a whole entry or none; a truncated, damaged, foreign or other-format
 * entry reads as a miss, never as wrong data.
 * Values are in host byte order: a cache belongs to one machine.
 */
#ifndef ABICHECK_COMMON_CACHEFILE_H
#define ABICHECK_COMMON_CACHEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/digest.h"
#include "common/error.h"

/* Building and reading entry bodies. */
struct wbuf {
	uint8_t *p;
	size_t n, cap;
};
struct rstream;
struct rbuf {
	const uint8_t *p;
	size_t n, off;
	bool bad; /* a read went past the end: the entry is a miss */
	struct rstream *st; /* reading from the entry's file (cache_entry_open) */
};
void cache_put(struct wbuf *b, const void *v, size_t len);
void cache_put64(struct wbuf *b, uint64_t v);
void cache_put32(struct wbuf *b, uint32_t v);
void cache_put_str(struct wbuf *b, const char *s); /* NULL allowed */
void cache_get(struct rbuf *b, void *v, size_t len);
uint64_t cache_get64(struct rbuf *b);
uint32_t cache_get32(struct rbuf *b);
char *cache_get_str(struct rbuf *b); /* NULL for NULL or on error */
/* A zeroed array for `n` records the entry says follow, each at least
 * `min_record` bytes: NULL (and b->bad) when they cannot fit what is left,
 * so a hostile count never becomes a huge allocation. */
void *cache_get_array(struct rbuf *b, uint64_t n, size_t min_record, size_t elem);

/* The cache root: `root` when given, else the XDG location; created
 * (mode 0700) with `sub` below it when `sub` is not NULL.  Fails (with the
 * reason) when it cannot be created or written. */
int cache_dir_open(const char *root, const char *sub, char *out, size_t len,
		   struct ac_error *err);

/* Whether an entry file for `key` exists (not whether it is intact). */
bool cache_entry_exists(const char *dir, const struct digest *key);

/* Writes `body` framed as entry `kind`/`key` to <dir>/<2 hex>/<hex>;
 * writev: the body is `parts` one after another, never joined in memory. */
int cache_entry_write(const char *dir, uint32_t format, uint32_t kind,
		      const struct digest *key, const struct wbuf *body);
int cache_entry_writev(const char *dir, uint32_t format, uint32_t kind,
		       const struct digest *key, const struct wbuf *parts, size_t nparts);
/* The framed body of an intact entry `kind`/`key` of `format`, positioned
 * in *b (free the returned buffer), or NULL. */
uint8_t *cache_entry_read(const char *dir, uint32_t format, uint32_t kind,
			  const struct digest *key, struct rbuf *b);
/* The same read piece by piece from the file, so that a large entry is
 * never in memory beside what is made of it (libLLVM's report: 4 MB, at
 * the peak of the walk that reloads it): false when there is no entry
 * `kind`/`key` of `format`.  Whether it is intact is known only at the
 * end: cache_entry_close says so (and frees what open took).
 * cache_get_tail reads the body's last `len` bytes first, which then no
 * longer count as part of it (b->n shrinks). */
bool cache_entry_open(const char *dir, uint32_t format, uint32_t kind,
		      const struct digest *key, struct rbuf *b);
void cache_get_tail(struct rbuf *b, void *v, size_t len);
bool cache_entry_close(struct rbuf *b);

#endif
