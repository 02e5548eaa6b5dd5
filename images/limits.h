/* images/limits.h — caps on everything an image controls.
 *
 * An image is untrusted input (a CI gate reads whatever was pushed), so
 * every quantity it decides is bounded.  Defaults are far above real images
 * (the largest public images are ~20 GB uncompressed, ~500k files, 127
 * layers, compression ratios below 20:1) and each has a flag to raise it;
 * the man page lists them.  Hitting a cap is an input error (exit 2) whose
 * message names the flag.
 */
#ifndef ABICHECK_IMAGES_LIMITS_H
#define ABICHECK_IMAGES_LIMITS_H

#include <stdint.h>

struct image_limits {
	uint64_t max_bytes;      /* --max-bytes: uncompressed layer bytes, all layers */
	uint64_t max_entries;    /* --max-entries: tar members, all layers */
	uint64_t max_ratio;      /* --max-ratio: uncompressed/compressed, per blob */
	uint64_t max_layers;     /* --max-layers */
	uint64_t max_json_bytes; /* --max-json-bytes: a manifest, index or config */
	uint64_t max_file_bytes; /* --max-file-bytes: one kept file (ELF) */
};

/* The ratio cap applies only once a blob has produced this much: small
 * layers of zeros legitimately compress 1000:1. */
#define IMAGE_RATIO_GRACE (64ull << 20)

/* A JSON document may hold one value per this many bytes of
 * --max-json-bytes (262144 values by default).  jansson spends ~240 bytes
 * on an empty object, so 4 MiB of "{}," would take 340 MB, and an index
 * chain keeps several documents alive at once; real manifests, indexes
 * and configs hold a few thousand values at most. */
#define IMAGE_JSON_BYTES_PER_VALUE 16

static inline struct image_limits image_limits_default(void)
{
	struct image_limits l = {
		.max_bytes = 64ull << 30,
		.max_entries = 4000000,
		.max_ratio = 1000,
		.max_layers = 256,
		.max_json_bytes = 4ull << 20, /* containers/image's manifest cap */
		.max_file_bytes = 4ull << 30,
	};
	return l;
}

#endif
