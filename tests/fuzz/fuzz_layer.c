/* tests/fuzz/fuzz_layer.c — libFuzzer target: a layer blob through the
 * tar reader and the flattening rules, as image.c streams it: the input is
 * the blob (gzip and zstd are recognised by magic, so compressed inputs
 * reach the decompressors too), applied as layer 1 while its effects are
 * recorded for the layer cache (the default path, which hashes kept
 * bodies), then again as layer 2, so whiteouts, opaque directories and
 * replacements meet entries a lower layer wrote.  Every path of the
 * result is then resolved, symlinks followed inside the image root.
 * Kept bodies go to a fresh private temp dir per input.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "common/tempdir.h"
#include "images/layer.h"
#include "images/layercache.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	return 0;
}

static int apply(struct layer_apply *la, int fd, size_t size, uint64_t *total_out)
{
	struct ac_error err;
	struct blob_stream *bs = blob_stream_open((struct blob_range){ fd, 0, size },
						  DIGEST_SHA256, DIGEST_SHA256, la->limits,
						  total_out);
	int rc = layer_apply_stream(la, bs, &err);

	/* Hashes what is left; no digest to compare against here. */
	if (blob_stream_finish(bs, NULL, NULL, rc == 0, &err) < 0)
		rc = -1;
	blob_stream_free(bs);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_limits limits = image_limits_default();
	struct ac_tempdir td;
	struct content_store cs = { .tempdir = &td, .rootfd = -1, .bodies_fd = -1 };
	struct image_tree *tree;
	struct image_node **nodes;
	uint64_t entries = 0, total_out = 0;
	struct ac_error err;
	size_t count;
	int fd = fuzz_memfd(data, size);

	if (ac_tempdir_create(&td, NULL, &err) < 0)
		abort();
	tree = tree_new(&cs);
	for (unsigned layer = 1; layer <= 2; layer++) {
		struct layer_apply la = {
			.tree = tree, .store = &cs, .layer = layer, .limits = &limits,
			.entries_total = &entries, .allow_special = layer == 2,
			.rec = layer == 1 ? layer_record_new() : NULL,
		};
		int rc = apply(&la, fd, size, &total_out);

		layer_record_free(la.rec, &cs);
		if (rc < 0)
			break;
	}
	nodes = tree_sorted(tree, &count);
	for (size_t i = 0; i < count; i++) {
		struct image_node *n;
		tree_resolve(tree, nodes[i]->path, true, &n, NULL, NULL, &err);
	}
	free(nodes);
	tree_free(tree);
	ac_tempdir_remove(&td);
	close(fd);
	return 0;
}
