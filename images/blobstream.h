/* images/blobstream.h — one blob read as a verified, decompressed stream.
 *
 * Owns the trust boundary for layer bytes: the compressed bytes are hashed
 * and compared with the digest that names the blob, the decompressed bytes
 * with the config's diff_id, and decompression is bounded (total bytes and
 * ratio, see limits.h).  Compression is recognised by magic (gzip, zstd,
 * or none), not by the media type an image claims.  Decompression is done
 * here, not by libarchive's filters, because the diff_id is a hash of the
 * decompressed stream and the caps must see both sides.
 */
#ifndef ABICHECK_IMAGES_BLOBSTREAM_H
#define ABICHECK_IMAGES_BLOBSTREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/digest.h"
#include "common/error.h"
#include "images/limits.h"

enum blob_compression { BLOB_PLAIN, BLOB_GZIP, BLOB_ZSTD };

struct blob_range {
	int fd;          /* borrowed, read with pread */
	uint64_t offset; /* of the blob inside fd */
	uint64_t size;
};

/* A blob pulled from a reader rather than read from a file range: a
 * registry download (images/registry.h), consumed as the layer reader
 * asks for bytes.  read() returns bytes read, 0 at the end, -1 with *err
 * set; `size` is what the descriptor declares (fewer bytes is a truncated
 * blob, more are never read). */
struct blob_reader {
	ssize_t (*read)(void *ctx, void *buf, size_t len, struct ac_error *err);
	void *ctx;
	uint64_t size;
};

struct blob_stream; /* opaque */

/* `total_out` (may be NULL) accumulates decompressed bytes across blobs for
 * the --max-bytes cap. */
struct blob_stream *blob_stream_open(struct blob_range range, enum digest_alg alg,
				     enum digest_alg diff_alg,
				     const struct image_limits *limits,
				     uint64_t *total_out);
struct blob_stream *blob_stream_open_reader(struct blob_reader reader, enum digest_alg alg,
					    enum digest_alg diff_alg,
					    const struct image_limits *limits,
					    uint64_t *total_out);

/* Next chunk of decompressed data: returns its length (0 at the end) and
 * sets *buf; -1 on error (see blob_stream_error). */
ssize_t blob_stream_read(struct blob_stream *bs, const void **buf);

const struct ac_error *blob_stream_error(const struct blob_stream *bs);
/* Whether the stream itself broke (bad compression, cap, interrupt): then
 * its error, not the consumer's reaction to missing bytes, is the cause. */
bool blob_stream_failed(const struct blob_stream *bs);

enum blob_compression blob_stream_compression(const struct blob_stream *bs);
const char *blob_compression_name(enum blob_compression c);

/* Reads whatever is left (so the hash covers the whole blob) and compares
 * with `want` and `want_diff` (either may be NULL).  With consumer_ok false
 * (the tar reader gave up), the rest is hashed without decoding and only
 * `want` is checked.  A digest mismatch (AC_ERR_INTEGRITY) is reported in
 * preference to a decoding error: a changed byte is the cause, a broken
 * gzip stream only its symptom. */
int blob_stream_finish(struct blob_stream *bs, const struct digest *want,
		       const struct digest *want_diff, bool consumer_ok,
		       struct ac_error *err);

/* Decompressed bytes, the sparse holes counted below included. */
uint64_t blob_stream_bytes_out(const struct blob_stream *bs);

/* Counts `bytes` of sparse holes of a kept tar member (images/layer.c) as
 * decompressed output.  They are not in the stream, but they become bytes
 * that are written, hashed and analysed, so a 4 GB hole in a 10 kB blob
 * meets the ratio and --max-bytes caps as the 4 GB of zeros it stands for
 * would.  -1 (the stream failed, with its error) when a cap is hit. */
int blob_stream_count_holes(struct blob_stream *bs, uint64_t bytes);

/* The caps a blob's decompression is held to: `blob_out` bytes out of
 * `blob_in` stored ones, `total_out` over all blobs so far.  Shared with
 * the replay of cached layers (layercache.h). */
int blob_limits_check(const struct image_limits *l, uint64_t blob_out, uint64_t blob_in,
		      uint64_t total_out, struct ac_error *err);

/* The digest of a blob's bytes as stored (no decompression). */
int blob_range_digest(struct blob_range r, enum digest_alg alg, struct digest *out,
		      struct ac_error *err);

void blob_stream_free(struct blob_stream *bs);

/* Whether a document in memory hashes to `want` (AC_ERR_INTEGRITY if not,
 * with the same message as a blob read from a file). */
int blob_check_digest(const void *buf, size_t len, const struct digest *want,
		      struct ac_error *err);

/* The cap on a JSON document (manifest, index, config): 0 when `size`
 * fits, else a limit error naming --max-json-bytes. */
int blob_json_cap(uint64_t size, uint64_t max, struct ac_error *err);

/* Reads a whole small blob (JSON) into memory and verifies `want` (may be
 * NULL).  The result is NUL-terminated; caller frees. */
int blob_read_small(struct blob_range range, uint64_t max, const struct digest *want,
		    char **out, size_t *len, struct ac_error *err);

#endif
