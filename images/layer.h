/* images/layer.h — applying one layer (a tar stream) to the flattened view.
 *
 * Owns the per-member rules: name canonicalisation and refusal of hostile
 * names, whiteouts, hardlinks, docker's symlink breakout rule, refusal of
 * device nodes and FIFOs (unless allowed), and which regular files are kept
 * (ELF objects, and the loader's configuration files later stages read).
 * Nothing from a layer is ever created on the host filesystem: kept bodies
 * go to generated names in the private temp dir.
 */
#ifndef ABICHECK_IMAGES_LAYER_H
#define ABICHECK_IMAGES_LAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "images/blobstream.h"
#include "images/limits.h"
#include "images/tree.h"

struct layer_record; /* layercache.h */

struct layer_stats {
	uint64_t entries, files, kept, kept_bytes, whiteouts;
};

struct layer_apply {
	struct image_tree *tree;
	struct content_store *store;
	unsigned layer; /* 1-based; 0 is reserved for directory sources */
	const struct image_limits *limits;
	uint64_t *entries_total; /* across layers, for --max-entries */
	bool allow_special;      /* record device nodes/FIFOs instead of failing */
	struct layer_stats stats;
	struct blob_stream *stream; /* set by layer_apply_stream */
	struct layer_record *rec;   /* records each member's effect, or NULL */
	/* Called with a new fd (the callee closes it) for each kept ELF body
	 * once written and hashed (needs rec: the hash); or NULL. */
	void (*on_body)(int fd, const char *sha256, void *arg);
	void *on_body_arg;
};

/* Reads the tar stream to its end.  Errors carry the member name. */
int layer_apply_stream(struct layer_apply *la, struct blob_stream *bs,
		       struct ac_error *err);

/* Checks and steps shared by the tar reader and the replay of a cached
 * layer (layercache.h), so a replay refuses what the stream would. */
int layer_count_entries(struct layer_apply *la, uint64_t n, struct ac_error *err);
int layer_check_kept_size(const struct layer_apply *la, uint64_t size, struct ac_error *err);
int layer_put_special(struct layer_apply *la, const char *path, enum node_type nt,
		      struct image_node **n, struct ac_error *err);

/* Whether a regular file's body is kept, from its path and first bytes. */
bool layer_keep_file(const char *path, const unsigned char *head, size_t head_len,
		     uint64_t size);

#endif
