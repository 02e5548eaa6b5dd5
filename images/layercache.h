/* images/layercache.h — a layer read once, replayed from the cache after.
 *
 * Decompressing a layer and walking its tar stream is most of the cost of
 * reading an image.  A layer that was read completely and verified (digest
 * and diff_id) leaves a record in the cache: each member's effect on the
 * tree (put with its metadata, hardlink, whiteout, opaque) in tar order,
 * and for every kept body its sha256; the bodies themselves go to the
 * cache's content-addressed bodies/ directory.  A later run identifies the
 * layer by the sha256 of its blob bytes (hashing is ~1.9 GB/s here, a
 * third of gzip's inflating, a fifth of zstd's; skipped for a blob file
 * unchanged since it hashed to that digest, blob_stamp below) and replays
 * the record through the same tree
 * functions and the same limit checks as the tar reader, so a replay
 * accepts exactly what the stream would, and a layer replayed on top of
 * other lower layers behaves as if streamed there.
 * Record entries live under <cache>/layers/<version>/, version being the
 * release plus a hash of the sources that decide a record (Makefile).
 * Ownership: the cache owns its path and bodies fd; a record owns its
 * buffer and a reference to each body it will file.
 */
#ifndef ABICHECK_IMAGES_LAYERCACHE_H
#define ABICHECK_IMAGES_LAYERCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/digest.h"
#include "common/error.h"
#include "images/blobstream.h"
#include "images/layer.h"

struct layer_cache {
	char *dir;     /* .../layers/<version>; NULL = off */
	int bodies_fd; /* .../bodies, or -1 */
	size_t hits, misses, stores;
	size_t unchanged; /* blobs not hashed again (layer_cache_verified) */
};

/* Opens the cache below `root` (NULL: the XDG location, common/cachefile.h). */
int layer_cache_open(struct layer_cache *lc, const char *root, struct ac_error *err);
void layer_cache_close(struct layer_cache *lc);
const char *layer_cache_version(void);

/* What a layer says about itself, stored with its record. */
struct layer_summary {
	struct digest diff_id;
	enum blob_compression compression;
	uint64_t compressed, uncompressed;
	struct layer_stats stats;
};

/* Recording while the tar reader applies a layer (all NULL-safe). */
struct layer_record *layer_record_new(void);
void layer_record_free(struct layer_record *r, struct content_store *cs);
void layer_record_node(struct layer_record *r, const struct image_node *n);
void layer_record_hardlink(struct layer_record *r, const char *path, const char *target);
void layer_record_whiteout(struct layer_record *r, const char *dir, const char *name);
void layer_record_opaque(struct layer_record *r, const char *dir);
/* A kept body with its sha256: filed in bodies/ when the record is stored. */
void layer_record_body(struct layer_record *r, struct content *c);
/* Something could not be recorded: the layer is not stored. */
void layer_record_fail(struct layer_record *r);

/* Whether a record for blob `blob` exists: a lookup, counted as a miss
 * when there is none (the caller then reads the layer). */
bool layer_cache_lookup(struct layer_cache *lc, const struct digest *blob);

/* Replays the record of blob `blob` into la's tree: 1 when replayed (and
 * *out filled), 0 on a miss (nothing touched: no record, another diff_id,
 * a body gone from the cache), -1 when the replay itself fails the way the
 * stream would have (a limit, a conflicting tree). */
int layer_cache_replay(struct layer_cache *lc, const struct digest *blob,
		       const struct digest *want_diff, struct layer_apply *la,
		       uint64_t *total_out, struct layer_summary *out, struct ac_error *err);

/* Files the record's bodies in bodies/ and writes the record (a failure
 * costs only the next run's speed). */
void layer_cache_store(struct layer_cache *lc, const struct digest *blob,
		       struct layer_record *r, struct content_store *cs,
		       const struct layer_summary *s);

/* Hashing a blob on every warm run costs a fifth of inflating it (zstd).
 * Like git's index, the cache remembers that the bytes of a file range
 * hashed to a digest, keyed by the file's device, inode, size, mtime and
 * ctime: a file changed since has a new ctime, which only the clock's
 * owner can set back.  Taken before hashing, compared again after. */
struct blob_stamp {
	uint64_t dev, ino, size, mtime_ns, ctime_ns, offset, len;
	bool ok; /* a regular file */
};
bool layer_cache_stamp(struct blob_range r, struct blob_stamp *out);
/* Whether this stamp's bytes were found to hash to `blob` before. */
bool layer_cache_verified(struct layer_cache *lc, const struct blob_stamp *s,
			  const struct digest *blob);
/* Remembers that they do, unless the file changed since `before` or
 * changed less than a second before now. */
void layer_cache_mark_verified(struct layer_cache *lc, struct blob_range r,
			       const struct blob_stamp *before, const struct digest *blob);

#endif
