/* images/plan.h — what an image source resolves to before layers are read:
 * the ordered layer blobs with the digests that name them, and the config.
 * oci.c and docker_archive.c produce plans; image.c executes them.
 * Ownership: image_plan_free() frees every member.
 */
#ifndef ABICHECK_IMAGES_PLAN_H
#define ABICHECK_IMAGES_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/digest.h"
#include "common/error.h"
#include "images/blobstore.h"
#include "images/limits.h"
#include "images/platform.h"

struct layer_desc {
	char *blob;           /* member name in the blob store */
	struct digest digest; /* of the stored (possibly compressed) blob */
	bool has_digest;      /* legacy docker-archive layers are named by id */
	char *media_type;     /* NULL when the layout does not say */
	int64_t size;         /* declared size, -1 when not declared */
};

struct image_plan {
	const char *layout;  /* "oci", "docker-archive", "docker-archive (OCI layout, Docker 25+)" */
	struct layer_desc *layers;
	size_t nlayers;
	char *config_json;
	size_t config_len;
	struct digest config_digest;
	bool has_config_digest;
	struct digest manifest_digest;
	bool has_manifest_digest;
	char *ref_name; /* the tag / RepoTag chosen, when known */
};

struct plan_request {
	const char *selector;        /* :TAG (oci) or name:tag / @N (docker) */
	struct platform platform;
	bool platform_explicit;
	const struct image_limits *limits;
};

/* Where an image's JSON documents come from: a layout's blob store, or a
 * registry (registry.c).  read() fetches the manifest/index (is_manifest)
 * or config blob that digest `d` names, checked against `size` (when >= 0)
 * and the digest, capped at `max` bytes; the result is NUL-terminated and
 * owned by the caller. */
struct plan_source {
	int (*read)(void *ctx, bool is_manifest, const struct digest *d, int64_t size,
		    uint64_t max, char **out, size_t *len, struct ac_error *err);
	void *ctx;
};

int oci_plan(struct blob_store *bs, const struct plan_request *req,
	     struct image_plan *out, struct ac_error *err);
/* From one manifest or index already read (media_type from its descriptor
 * or the transport, NULL when unknown; digest: what names it) down to the
 * plan: an index is resolved by platform, nested documents through src.
 * Shared by oci: layouts and registries. */
int oci_plan_document(const struct plan_source *src, const char *buf, size_t len,
		      const char *media_type, const struct digest *digest,
		      const struct plan_request *req, struct image_plan *out,
		      struct ac_error *err);
int docker_archive_plan(struct blob_store *bs, const struct plan_request *req,
			struct image_plan *out, struct ac_error *err);
void image_plan_free(struct image_plan *p);

/* Shared helpers. */
/* Parses a document of the image (named `what` in errors) after
 * plan_json_values_cap. */
json_t *plan_parse_json(const char *buf, size_t len, const char *what,
			const struct image_limits *l, struct ac_error *err);
/* Fails (naming --max-json-bytes) when the text holds more JSON values
 * than the cap allows (limits.h, IMAGE_JSON_BYTES_PER_VALUE), counted
 * on the text (commas and non-empty containers) before jansson builds
 * anything. */
int plan_json_values_cap(const char *buf, size_t len, const char *what,
			 const struct image_limits *l, struct ac_error *err);
/* "blobs/<alg>/<hex>" for a digest. */
void plan_blob_name(const struct digest *d, char *buf, size_t len);
/* Reads a blob named by digest, checking size (if >= 0) and digest. */
int plan_read_blob(struct blob_store *bs, const struct digest *d, int64_t size,
		   uint64_t max, char **out, size_t *len, struct ac_error *err);
int plan_add_layer(struct image_plan *p, const char *blob, const struct digest *d,
		   const char *media_type, int64_t size, const struct image_limits *l,
		   struct ac_error *err);

#endif
