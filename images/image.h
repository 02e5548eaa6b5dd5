/* images/image.h — the public face of images/: open any local image and get
 * one flattened, read-only view of its filesystem plus its config.
 *
 * Sources, named like skopeo's transports: dir:PATH, docker-archive:FILE[:REF],
 * oci:DIR[:TAG], oci-archive:FILE[:TAG], registry:REF; a bare path is
 * sniffed.  Local engines: docker:REF, podman:REF (= containers-storage:
 * REF); a bare reference that names no file goes where source.h decides
 * (a local engine that has it, else its registry: reference.h says that
 * centos:6 is docker.io/library/centos:6).  images/
 * never executes anything from an image and never writes outside its
 * private temp dir (common/tempdir.h), which image_close() removes.
 * Every later stage reads images through this interface only.
 * Ownership: image_open() returns an image owned by the caller; nodes and
 * strings reached through it live until image_close().
 */
#ifndef ABICHECK_IMAGES_IMAGE_H
#define ABICHECK_IMAGES_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/digest.h"
#include "common/error.h"
#include "common/tempdir.h"
#include "images/blobstream.h"
#include "images/config.h"
#include "images/content.h"
#include "images/layer.h"
#include "images/layercache.h"
#include "images/limits.h"
#include "images/platform.h"
#include "images/registry.h"
#include "images/source.h"
#include "images/tree.h"

enum image_transport {
	TRANSPORT_DIR,
	TRANSPORT_DOCKER_ARCHIVE,
	TRANSPORT_OCI,
	TRANSPORT_OCI_ARCHIVE,
	TRANSPORT_DOCKER, /* the docker engine's export (engine.h) */
	TRANSPORT_PODMAN, /* podman's API service's export */
	TRANSPORT_REGISTRY,
};

struct image_options {
	struct image_limits limits;
	struct platform platform; /* wanted, for multi-platform indexes */
	bool platform_explicit;   /* given by --platform (else the host's) */
	bool allow_special;       /* record device nodes/FIFOs in layers */
	const char *tmpdir;       /* parent of the private temp dir, or NULL */
	bool use_cache;           /* replay layers read before (layercache.h) */
	const char *cache_root;   /* the cache's root, NULL = XDG location */
	/* Each kept ELF body of a streamed layer, as soon as it is written
	 * (layer.h's on_body); NULL for none. */
	void (*on_body)(int fd, const char *sha256, void *arg);
	void *on_body_arg;
	enum image_from from;     /* --from: where a bare reference is read */
	struct registry_options registry; /* registry: sources */
};

struct image_layer {
	char *blob;
	struct digest digest, diff_id;
	bool has_digest, has_diff_id;
	char *media_type;
	enum blob_compression compression;
	uint64_t size, uncompressed;
	struct layer_stats stats;
	bool from_cache; /* replayed from the layer cache */
};

struct image {
	char *ref;        /* as given */
	enum image_transport transport;
	bool transport_known; /* false while a sniffed archive is unindexed */
	char *path;       /* file or directory; an engine's image name;
			   * registry: the repository name */
	char *archive;    /* the engine's export spooled in the temp dir, or NULL */
	char *passed_over; /* a bare reference: why no local engine served it */
	char *selector;   /* :TAG / :REF part, or NULL */
	const char *layout;
	char *ref_name;   /* tag or RepoTag the image carries */
	struct digest manifest_digest, config_digest;
	bool has_manifest_digest, has_config_digest;
	struct image_config config;
	struct image_layer *layers;
	size_t nlayers;
	uint64_t entries, unreadable;
	struct image_tree *tree;
	struct content_store store;
	struct ac_tempdir tempdir;
	int rootfd; /* dir: source */
	struct layer_cache lcache; /* dir NULL when off */
	char cache_warning[AC_ERROR_MAX]; /* why the layer cache is off, or "" */
};

void image_options_default(struct image_options *o);
int image_open(const char *ref, const struct image_options *opts, struct image **out,
	       struct ac_error *err);
void image_close(struct image *img);

const char *image_transport_name(enum image_transport t);

/* The sha256 (hex) of a kept body when reading its layer computed it
 * (layer cache on), else NULL. */
const char *image_node_sha256(const struct image_node *n);

/* Whether a node is a regular file whose kept body starts with \177ELF. */
bool image_node_is_elf(const struct image_node *n);

/* Opens a kept regular file's body read-only (fd owned by the caller). */
int image_open_file(const struct image *img, const struct image_node *n,
		    struct ac_error *err);

/* Splits "transport:rest" and "rest[:selector]" (exposed for tests). */
int image_parse_ref(const char *ref, enum image_transport *t, bool *explicit_transport,
		    char **path, char **selector, struct ac_error *err);

#endif
