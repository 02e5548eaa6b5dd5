/* images/image.c — see image.h: source selection and plan execution. */
#include "images/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "images/blobstore.h"
#include "images/engine.h"
#include "images/plan.h"
#include "images/reference.h"
#include "images/rootfs.h"

static const struct {
	const char *prefix;
	enum image_transport t;
} transports[] = {
	{ "dir:", TRANSPORT_DIR },
	{ "docker-archive:", TRANSPORT_DOCKER_ARCHIVE },
	{ "oci:", TRANSPORT_OCI },
	{ "oci-archive:", TRANSPORT_OCI_ARCHIVE },
	{ "docker:", TRANSPORT_DOCKER },
	{ "podman:", TRANSPORT_PODMAN },
	/* skopeo's name for podman's store; read through podman's API
	 * service too (DESIGN.md, "Local engines"). */
	{ "containers-storage:", TRANSPORT_PODMAN },
	{ "registry:", TRANSPORT_REGISTRY },
};

const char *image_transport_name(enum image_transport t)
{
	static const char *const names[] = {
		[TRANSPORT_DIR] = "dir", [TRANSPORT_DOCKER_ARCHIVE] = "docker-archive",
		[TRANSPORT_OCI] = "oci", [TRANSPORT_OCI_ARCHIVE] = "oci-archive",
		[TRANSPORT_DOCKER] = "docker", [TRANSPORT_PODMAN] = "podman",
		[TRANSPORT_REGISTRY] = "registry",
	};
	return names[t];
}

void image_options_default(struct image_options *o)
{
	memset(o, 0, sizeof(*o));
	o->limits = image_limits_default();
	platform_host(&o->platform);
	registry_options_default(&o->registry);
}

static bool path_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* "path[:selector]" where the path may itself contain ':' — the first
 * prefix (at a ':') that exists is the path, as skopeo does for oci:. */
static int split_selector(const char *rest, char **path, char **selector)
{
	if (path_exists(rest) || !strchr(rest, ':')) {
		*path = xstrdup(rest);
		*selector = NULL;
		return 0;
	}
	for (const char *c = strchr(rest, ':'); c; c = strchr(c + 1, ':')) {
		char *prefix = xstrndup(rest, (size_t)(c - rest));
		if (path_exists(prefix)) {
			*path = prefix;
			*selector = c[1] ? xstrdup(c + 1) : NULL;
			return 0;
		}
		free(prefix);
	}
	*path = xstrdup(rest);
	*selector = NULL;
	return 0;
}

int image_parse_ref(const char *ref, enum image_transport *t, bool *explicit_transport,
		    char **path, char **selector, struct ac_error *err)
{
	*explicit_transport = false;
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		size_t n = strlen(transports[i].prefix);
		if (!strncmp(ref, transports[i].prefix, n)) {
			*t = transports[i].t;
			*explicit_transport = true;
			if (!ref[n])
				return ac_error_set(err, AC_ERR_USAGE, 0, "'%s': missing path", ref);
			/* An engine's image name or a registry reference is never
			 * split: "app:1" is one name. */
			if (*t == TRANSPORT_DIR || *t == TRANSPORT_DOCKER || *t == TRANSPORT_PODMAN ||
			    *t == TRANSPORT_REGISTRY) {
				*path = xstrdup(ref + n);
				*selector = NULL;
				return 0;
			}
			return split_selector(ref + n, path, selector);
		}
	}
	*t = TRANSPORT_DIR; /* decided by sniffing */
	*path = xstrdup(ref);
	*selector = NULL;
	return 0;
}

/* A bare path: a directory with oci-layout is oci:, with manifest.json an
 * unpacked docker save, else a root filesystem; a file is an archive whose
 * members tell which kind. */
static int sniff(struct image *img, struct ac_error *err)
{
	struct stat st;

	if (stat(img->path, &st) < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "'%s'", img->path);
	img->transport_known = true;
	if (S_ISDIR(st.st_mode)) {
		char probe[4096];
		snprintf(probe, sizeof(probe), "%s/oci-layout", img->path);
		if (path_exists(probe)) {
			img->transport = TRANSPORT_OCI;
			return 0;
		}
		snprintf(probe, sizeof(probe), "%s/manifest.json", img->path);
		img->transport = path_exists(probe) ? TRANSPORT_DOCKER_ARCHIVE : TRANSPORT_DIR;
		return 0;
	}
	if (!S_ISREG(st.st_mode) || !blob_store_looks_tar(img->path))
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "'%s': neither a directory nor a tar archive", img->path);
	img->transport = TRANSPORT_OCI_ARCHIVE; /* refined once indexed */
	img->transport_known = false;
	return 0;
}

/* A reference no local engine has (or --from registry): its registry.
 * Why each engine was passed over is kept for the registry's errors. */
static int open_registry(struct image *img, const struct source_choice *c,
			 const struct image_options *o, struct ac_error *err)
{
	(void)err;
	img->transport = TRANSPORT_REGISTRY;
	img->transport_known = true;
	if (o->from == IMAGE_FROM_AUTO && c->passed_over[0])
		img->passed_over = xstrdup(c->passed_over);
	return 0;
}

/* A bare name: an existing path is sniffed; a reference goes to the
 * source source.h picks (a local engine that has it, else a registry). */
static int resolve_bare(struct image *img, const struct image_options *o, struct ac_error *err)
{
	struct source_choice c;

	if (o->from == IMAGE_FROM_AUTO && (path_exists(img->path) ||
					   !image_ref_plausible(img->path)))
		return sniff(img, err);
	if (image_source_resolve(img->path, o->from, &o->limits, &c, err) < 0)
		return -1;
	if (c.source == IMAGE_SOURCE_REGISTRY)
		return open_registry(img, &c, o, err);
	img->transport = c.source == IMAGE_SOURCE_DOCKER ? TRANSPORT_DOCKER : TRANSPORT_PODMAN;
	img->transport_known = true;
	return 0;
}

static int check_transport(const struct image *img, bool explicit_transport,
			   const struct image_options *o, struct ac_error *err)
{
	if (explicit_transport && o->from != IMAGE_FROM_AUTO)
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "--from applies to bare references; '%s' names its transport",
				    img->ref);
	/* skopeo's "[driver@root+runroot]" store: podman's service knows its
	 * own store, so a different one cannot be honoured. */
	if (img->transport == TRANSPORT_PODMAN && img->path[0] == '[')
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "'%s': store specifications are not supported; the image is "
				    "read through podman's API service (CONTAINER_HOST)", img->ref);
	return 0;
}

static int open_store(struct image *img, struct blob_store *bs, bool sniffed,
		      const struct image_options *o, struct ac_error *err)
{
	struct stat st;
	const char *file = img->archive ? img->archive : img->path;
	bool is_dir = stat(file, &st) == 0 && S_ISDIR(st.st_mode);
	int rc = is_dir ? blob_store_open_dir(bs, file, err)
			: blob_store_open_tar(bs, file, &img->tempdir, &o->limits, err);

	if (rc < 0)
		return -1;
	if (sniffed && !is_dir) {
		if (blob_store_has(bs, "manifest.json"))
			img->transport = TRANSPORT_DOCKER_ARCHIVE;
		else if (blob_store_has(bs, "oci-layout"))
			img->transport = TRANSPORT_OCI_ARCHIVE;
		else
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "not a container image archive (no manifest.json "
					    "or oci-layout)");
		img->transport_known = true;
	}
	return 0;
}

/* Streams the layer through the tar reader (recording it for the cache
 * when la->rec is set); frees the stream. */
static int stream_layer(struct blob_stream *s, const struct layer_desc *ld,
			struct image_layer *il, struct layer_apply *la, struct ac_error *err)
{
	int rc;

	rc = layer_apply_stream(la, s, err);
	if (rc < 0) {
		struct ac_error ferr;
		/* A changed byte is the cause of a broken stream. */
		if (blob_stream_finish(s, ld->has_digest ? &ld->digest : NULL, NULL, false,
				       &ferr) < 0 && ferr.kind == AC_ERR_INTEGRITY)
			*err = ferr;
	} else {
		rc = blob_stream_finish(s, ld->has_digest ? &ld->digest : NULL,
					il->has_diff_id ? &il->diff_id : NULL, true, err);
	}
	il->compression = blob_stream_compression(s);
	il->uncompressed = blob_stream_bytes_out(s);
	il->stats = la->stats;
	blob_stream_free(s);
	return rc;
}

/* Where a plan's layer blobs come from: a layout's blob store, or
 * downloads from a registry. */
struct blob_origin {
	struct blob_store *store;
	struct registry *registry;
};

/* The key a layer's cache record is filed under: the descriptor's digest
 * when it is a sha256, since a record is only made after the blob
 * verified against it — so a download or a file without a record is read
 * once, hashed by its stream alone.  A file with a record is hashed first
 * (a name is never trusted), unless it is unchanged since it last hashed
 * to that digest (layer_cache_verified); a file without a sha256
 * descriptor is keyed by its bytes.  1 = try the record, 0 = read the
 * layer, -1 = error. */
static int cache_key(struct layer_cache *lc, const struct blob_origin *from,
		     struct blob_range r, const struct blob_stamp *st, const struct layer_desc *ld,
		     struct digest *key, struct ac_error *err)
{
	bool sha256 = ld->has_digest && ld->digest.alg == DIGEST_SHA256;

	*key = ld->digest;
	if (from->registry)
		return sha256;
	if (sha256 && !layer_cache_lookup(lc, key))
		return 0;
	if (sha256 && layer_cache_verified(lc, st, key))
		return 1;
	if (blob_range_digest(r, DIGEST_SHA256, key, err) < 0)
		return -1;
	if (!sha256 || !digest_equal(&ld->digest, key))
		return !sha256; /* a mismatch: the stream reports it */
	layer_cache_mark_verified(lc, r, st, key);
	return 1;
}

/* A warm layer: its record replayed.  1 = done, 0 = read it, -1 = error. */
static int replay_layer(struct image *img, const struct digest *key, struct image_layer *il,
			struct layer_apply *la, uint64_t *total_out, struct ac_error *err)
{
	struct layer_summary s;
	int rc;

	rc = layer_cache_replay(&img->lcache, key, il->has_diff_id ? &il->diff_id : NULL, la,
				total_out, &s, err);
	if (rc == 1) {
		il->compression = s.compression;
		il->uncompressed = s.uncompressed;
		il->stats = s.stats;
		il->from_cache = true;
	}
	return rc;
}

/* The blob's bytes as a verified stream: read in place, or downloading. */
static struct blob_stream *open_blob(const struct blob_origin *from, struct blob_range r,
				     const struct layer_desc *ld, struct image_layer *il,
				     const struct image_options *o, uint64_t *total_out,
				     struct ac_error *err)
{
	enum digest_alg alg = ld->has_digest ? ld->digest.alg : DIGEST_SHA256;
	enum digest_alg diff_alg = il->has_diff_id ? il->diff_id.alg : DIGEST_SHA256;
	struct blob_reader rd;

	if (!from->registry)
		return blob_stream_open(r, alg, diff_alg, &o->limits, total_out);
	if (registry_blob_reader(from->registry, ld, &rd, err) < 0)
		return NULL;
	return blob_stream_open_reader(rd, alg, diff_alg, &o->limits, total_out);
}

/* A layout's blob, located and held to its descriptor's size. */
static int find_blob(struct blob_store *bs, const struct layer_desc *ld, struct blob_range *r,
		     struct ac_error *err)
{
	if (blob_store_find(bs, ld->blob, r, err) < 0)
		return -1;
	if (ld->size >= 0 && (uint64_t)ld->size != r->size)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "blob is %llu bytes, its descriptor says %lld",
				    (unsigned long long)r->size, (long long)ld->size);
	return 0;
}

static int apply_layer(struct image *img, const struct blob_origin *from,
		       const struct layer_desc *ld, size_t i, const struct image_options *o,
		       uint64_t *total_out, struct ac_error *err)
{
	struct image_layer *il = &img->layers[i];
	struct blob_range r = { .fd = -1 };
	struct blob_stream *s;
	struct digest key;
	struct blob_stamp stamp;
	struct layer_apply la = {
		.tree = img->tree, .store = &img->store, .layer = (unsigned)i + 1,
		.limits = &o->limits, .entries_total = &img->entries,
		.allow_special = o->allow_special, .on_body = o->on_body,
		.on_body_arg = o->on_body_arg,
	};
	int rc;

	if (from->store && find_blob(from->store, ld, &r, err) < 0)
		return -1;
	il->size = from->store ? r.size : (uint64_t)(ld->size >= 0 ? ld->size : 0);
	if (img->lcache.dir) {
		layer_cache_stamp(r, &stamp);
		rc = cache_key(&img->lcache, from, r, &stamp, ld, &key, err);
		if (rc == 1)
			rc = replay_layer(img, &key, il, &la, total_out, err);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		la.rec = layer_record_new();
	}
	s = open_blob(from, r, ld, il, o, total_out, err);
	rc = s ? stream_layer(s, ld, il, &la, err) : -1;
	if (rc == 0 && la.rec) {
		struct layer_summary sum = {
			.diff_id = il->diff_id, .compression = il->compression,
			.compressed = il->size, .uncompressed = il->uncompressed, .stats = il->stats,
		};
		layer_cache_store(&img->lcache, &key, la.rec, &img->store, &sum);
		/* The stream checked the bytes against the digest just now. */
		if (ld->has_digest)
			layer_cache_mark_verified(&img->lcache, r, &stamp, &ld->digest);
	}
	layer_record_free(la.rec, &img->store);
	return rc;
}

static int run_plan(struct image *img, const struct blob_origin *from, struct image_plan *plan,
		    const struct image_options *o, struct ac_error *err)
{
	uint64_t total_out = 0;

	img->layout = plan->layout;
	img->ref_name = plan->ref_name;
	plan->ref_name = NULL;
	img->manifest_digest = plan->manifest_digest;
	img->has_manifest_digest = plan->has_manifest_digest;
	img->config_digest = plan->config_digest;
	img->has_config_digest = plan->has_config_digest;
	if (plan_json_values_cap(plan->config_json, plan->config_len, "config", &o->limits,
				 err) < 0 ||
	    image_config_parse(plan->config_json, plan->config_len, &img->config, err) < 0)
		return -1;
	if (img->config.ndiff_ids != plan->nlayers)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "the config lists %zu diff_ids but the manifest %zu layers",
				    img->config.ndiff_ids, plan->nlayers);
	img->layers = xcalloc(plan->nlayers + 1, sizeof(*img->layers));
	img->nlayers = plan->nlayers;
	for (size_t i = 0; i < plan->nlayers; i++) {
		struct image_layer *il = &img->layers[i];
		char shortd[DIGEST_STR_MAX];

		il->blob = xstrdup(plan->layers[i].blob);
		il->digest = plan->layers[i].digest;
		il->has_digest = plan->layers[i].has_digest;
		il->diff_id = img->config.diff_ids[i];
		il->has_diff_id = true;
		il->media_type = plan->layers[i].media_type ? xstrdup(plan->layers[i].media_type)
							    : NULL;
		digest_short(il->has_digest ? &il->digest : &il->diff_id, shortd, sizeof(shortd));
		if (apply_layer(img, from, &plan->layers[i], i, o, &total_out, err) < 0)
			return ac_error_wrap(err, "layer %zu/%zu (%s…)", i + 1, plan->nlayers, shortd);
	}
	return 0;
}

static int load_archive(struct image *img, bool sniffed, const struct image_options *o,
			struct ac_error *err)
{
	struct blob_store bs;
	struct image_plan plan;
	struct plan_request req = {
		.selector = img->selector, .platform = o->platform,
		.platform_explicit = o->platform_explicit, .limits = &o->limits,
	};
	int rc;

	if (open_store(img, &bs, sniffed, o, err) < 0) {
		blob_store_close(&bs);
		return -1;
	}
	rc = img->transport == TRANSPORT_OCI || img->transport == TRANSPORT_OCI_ARCHIVE
		     ? oci_plan(&bs, &req, &plan, err)
		     : docker_archive_plan(&bs, &req, &plan, err);
	if (rc == 0) {
		struct blob_origin from = { .store = &bs };
		rc = run_plan(img, &from, &plan, o, err);
		image_plan_free(&plan);
	}
	blob_store_close(&bs);
	return rc;
}

/* registry:REF, or a bare reference: the plan from the registry's
 * manifests, the layers downloaded into the reader (or replayed). */
static int load_registry(struct image *img, const struct image_options *o,
			 struct ac_error *err)
{
	struct image_reference ref;
	struct registry *reg;
	struct image_plan plan;
	struct plan_request req = {
		.platform = o->platform, .platform_explicit = o->platform_explicit,
		.limits = &o->limits,
	};
	char name[2 * REFERENCE_NAME_MAX + 2], sel[DIGEST_STR_MAX + REFERENCE_TAG_MAX];
	int rc;

	if (reference_parse(img->path, &ref, err) < 0)
		return -1;
	reference_name(&ref, name, sizeof(name));
	reference_selector(&ref, sel, sizeof(sel));
	free(img->path);
	img->path = xstrdup(name);
	img->selector = xstrdup(sel);
	if (registry_open(&ref, &o->registry, &reg, err) < 0)
		return -1;
	rc = registry_plan(reg, &req, &plan, err);
	if (rc == 0) {
		struct blob_origin from = { .registry = reg };
		rc = run_plan(img, &from, &plan, o, err);
		image_plan_free(&plan);
	}
	registry_close(reg);
	return rc;
}

/* An engine's image: its export is an ordinary docker-archive. */
static int load_engine(struct image *img, const struct image_options *o, struct ac_error *err)
{
	struct engine e;
	char file[sizeof(img->tempdir.path) + 24];

	if (engine_locate(img->transport == TRANSPORT_DOCKER ? ENGINE_DOCKER : ENGINE_PODMAN, &e,
			  err) < 0 ||
	    engine_export_image(&e, img->path, &img->tempdir, &o->limits, file, sizeof(file),
				err) < 0)
		return -1;
	img->archive = xstrdup(file);
	if (load_archive(img, false, o, err) < 0)
		return -1;
	img->layout = e.kind == ENGINE_DOCKER ? "docker-archive exported by the docker engine"
					      : "docker-archive exported by podman's API service";
	return 0;
}

static int load_rootfs(struct image *img, const struct image_options *o, struct ac_error *err)
{
	struct layer_apply la = {
		.tree = img->tree, .store = &img->store, .layer = 0, .limits = &o->limits,
		.entries_total = &img->entries, .allow_special = true,
	};
	struct stat st;

	img->layout = "root filesystem directory";
	img->rootfd = open(img->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->rootfd < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "'%s'", img->path);
	if (fstat(img->rootfd, &st) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "stat");
	img->store.rootfd = img->rootfd;
	return rootfs_load(img->rootfd, &la, &img->unreadable, err);
}

/* Archive sources only: a dir: source is read in place anyway.  A cache
 * that cannot be set up costs speed, never the run. */
static void open_layer_cache(struct image *img, const struct image_options *o)
{
	struct ac_error err;

	img->lcache.bodies_fd = -1;
	if (!o->use_cache || img->transport == TRANSPORT_DIR)
		return;
	if (layer_cache_open(&img->lcache, o->cache_root, &err) < 0) {
		snprintf(img->cache_warning, sizeof(img->cache_warning), "%s", err.msg);
		return;
	}
	img->store.bodies_fd = img->lcache.bodies_fd;
}

int image_open(const char *ref, const struct image_options *o, struct image **out,
	       struct ac_error *err)
{
	struct image *img = xcalloc(1, sizeof(*img));
	bool explicit_transport;
	int rc;

	img->ref = xstrdup(ref);
	img->rootfd = -1;
	img->tempdir.dirfd = -1;
	img->lcache.bodies_fd = -1;
	*out = NULL;
	if (image_parse_ref(ref, &img->transport, &explicit_transport, &img->path,
			    &img->selector, err) < 0 ||
	    check_transport(img, explicit_transport, o, err) < 0 ||
	    (!explicit_transport && resolve_bare(img, o, err) < 0) ||
	    ac_tempdir_create(&img->tempdir, o->tmpdir, err) < 0) {
		image_close(img);
		return -1;
	}
	img->store.tempdir = &img->tempdir;
	img->store.rootfd = -1;
	img->store.bodies_fd = -1;
	open_layer_cache(img, o);
	img->tree = tree_new(&img->store);
	if (img->transport == TRANSPORT_DIR)
		rc = load_rootfs(img, o, err);
	else if (img->transport == TRANSPORT_REGISTRY)
		rc = load_registry(img, o, err);
	else if (img->transport == TRANSPORT_DOCKER || img->transport == TRANSPORT_PODMAN)
		rc = load_engine(img, o, err);
	else
		rc = load_archive(img, !explicit_transport, o, err);
	if (rc < 0) {
		if (img->transport == TRANSPORT_REGISTRY && img->passed_over)
			ac_error_wrap(err, "%s (no local engine has it: %s)", img->ref,
				      img->passed_over);
		else if (img->transport == TRANSPORT_REGISTRY)
			ac_error_wrap(err, "%s", img->ref);
		else if (img->transport_known || explicit_transport)
			ac_error_wrap(err, "%s:%s", image_transport_name(img->transport), img->path);
		else
			ac_error_wrap(err, "%s", img->path);
		image_close(img);
		return -1;
	}
	*out = img;
	return 0;
}

void image_close(struct image *img)
{
	if (!img)
		return;
	tree_free(img->tree);
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].blob);
		free(img->layers[i].media_type);
	}
	free(img->layers);
	image_config_free(&img->config);
	ac_tempdir_remove(&img->tempdir);
	layer_cache_close(&img->lcache);
	if (img->rootfd >= 0)
		close(img->rootfd);
	free(img->ref);
	free(img->path);
	free(img->archive);
	free(img->passed_over);
	free(img->selector);
	free(img->ref_name);
	free(img);
}

bool image_node_is_elf(const struct image_node *n)
{
	return n->type == NODE_REG && n->content && n->content->head_len >= 4 &&
	       !memcmp(n->content->head, "\177ELF", 4);
}

int image_open_file(const struct image *img, const struct image_node *n, struct ac_error *err)
{
	if (!n->content)
		return ac_error_set(err, AC_ERR_INPUT, 0, "'/%s' has no kept body", n->path);
	return content_open(&img->store, n->content, err);
}

const char *image_node_sha256(const struct image_node *n)
{
	return n->content && n->content->sha256[0] ? n->content->sha256 : NULL;
}
