/* images/oci.c — the OCI image layout (image-spec image-layout.md):
 * oci-layout, index.json, nested indexes, manifests, platform choice.
 * Used for oci: directories and oci-archive: files alike (the blob store
 * hides which), and from the first manifest on by registries (registry.c),
 * whose documents come through a struct plan_source.  Every blob read is
 * checked against its descriptor's size and digest before it is parsed.
 */
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"
#include "images/plan.h"

#define MAX_INDEX_DEPTH 4 /* index -> index -> manifest is the deepest seen */
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

struct descriptor {
	const char *media_type;
	struct digest digest;
	int64_t size;
	struct platform platform;
	bool has_platform;
	const char *ref_name;
	bool attestation; /* buildx provenance/SBOM entries, not runnable */
};

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

static bool is_schema1(const char *mt)
{
	return mt && !strncmp(mt, "application/vnd.docker.distribution.manifest.v1", 47);
}

static int parse_descriptor(json_t *j, const char *what, struct descriptor *d,
			    struct ac_error *err)
{
	json_t *dg = json_object_get(j, "digest");
	json_t *sz = json_object_get(j, "size");
	json_t *pf = json_object_get(j, "platform");
	json_t *ann = json_object_get(j, "annotations");

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j) || !json_is_string(dg))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: descriptor without a digest", what);
	if (digest_parse(json_string_value(dg), &d->digest, err) < 0)
		return ac_error_wrap(err, "%s", what);
	d->media_type = json_string_value(json_object_get(j, "mediaType"));
	d->size = json_is_integer(sz) ? (int64_t)json_integer_value(sz) : -1;
	if (d->size < -1 || (json_is_integer(sz) && d->size < 0))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: negative size", what);
	if (json_is_object(pf)) {
		const char *os = json_string_value(json_object_get(pf, "os"));
		const char *arch = json_string_value(json_object_get(pf, "architecture"));
		const char *var = json_string_value(json_object_get(pf, "variant"));
		snprintf(d->platform.os, sizeof(d->platform.os), "%s", os ? os : "");
		snprintf(d->platform.arch, sizeof(d->platform.arch), "%s", arch ? arch : "");
		snprintf(d->platform.variant, sizeof(d->platform.variant), "%s", var ? var : "");
		platform_normalize(&d->platform);
		d->has_platform = true;
		d->attestation = !strcmp(d->platform.os, "unknown");
	}
	if (json_is_object(ann)) {
		d->ref_name = json_string_value(json_object_get(ann, REF_NAME_ANNOTATION));
		if (json_object_get(ann, "vnd.docker.reference.type"))
			d->attestation = true;
	}
	return 0;
}

/* Lists what an index offers, for the error that asks the user to choose. */
static void list_choices(json_t *manifests, bool by_platform, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *m;

	buf[0] = '\0';
	json_array_foreach(manifests, i, m) {
		struct descriptor d;
		struct ac_error ignored;
		char item[160];

		if (parse_descriptor(m, "", &d, &ignored) < 0 || d.attestation)
			continue;
		if (by_platform && d.has_platform)
			platform_format(&d.platform, item, sizeof(item));
		else
			snprintf(item, sizeof(item), "%s", d.ref_name ? d.ref_name : "(untagged)");
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? ", " : "", item);
		if (used >= len)
			break;
	}
}

static int choose_by_platform(json_t *manifests, const struct plan_request *req,
			      struct descriptor *out, struct ac_error *err)
{
	size_t i;
	json_t *m;
	char want[128], choices[1024];

	json_array_foreach(manifests, i, m) {
		struct descriptor d;
		if (parse_descriptor(m, "index", &d, err) < 0)
			return -1;
		if (!d.attestation && d.has_platform && platform_match(&req->platform, &d.platform)) {
			*out = d;
			return 0;
		}
	}
	platform_format(&req->platform, want, sizeof(want));
	list_choices(manifests, true, choices, sizeof(choices));
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "no image for platform %s%s; available: %s (choose with --platform)",
			    want, req->platform_explicit ? "" : " (the host's)", choices);
}

/* Picks the entry of the top-level index.json: by tag when given, else the
 * only image, else by platform when the entries carry platforms. */
static int choose_top(json_t *manifests, const struct plan_request *req,
		      struct descriptor *out, struct ac_error *err)
{
	size_t i, n = json_array_size(manifests);
	json_t *m;
	char choices[1024];
	bool all_platforms = n > 0;

	if (!n)
		return ac_error_set(err, AC_ERR_INPUT, 0, "index.json lists no images");
	json_array_foreach(manifests, i, m) {
		struct descriptor d;
		if (parse_descriptor(m, "index.json", &d, err) < 0)
			return -1;
		if (req->selector && d.ref_name && !strcmp(d.ref_name, req->selector)) {
			*out = d;
			return 0;
		}
		all_platforms &= d.has_platform;
	}
	if (req->selector) {
		list_choices(manifests, false, choices, sizeof(choices));
		return ac_error_set(err, AC_ERR_INPUT, 0, "no image tagged '%s'; available: %s",
				    req->selector, choices);
	}
	if (n == 1)
		return parse_descriptor(json_array_get(manifests, 0), "index.json", out, err);
	if (all_platforms)
		return choose_by_platform(manifests, req, out, err);
	list_choices(manifests, false, choices, sizeof(choices));
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "%zu images in index.json; choose one with :TAG (available: %s)", n,
			    choices);
}

static int parse_manifest(const struct plan_source *src, json_t *man,
			  const struct plan_request *req, struct image_plan *out,
			  struct ac_error *err)
{
	struct descriptor cfg;
	json_t *layers = json_object_get(man, "layers");
	size_t i;
	json_t *l;

	if (json_integer_value(json_object_get(man, "schemaVersion")) != 2)
		return ac_error_set(err, AC_ERR_INPUT, 0, "manifest: schemaVersion is not 2");
	if (parse_descriptor(json_object_get(man, "config"), "manifest config", &cfg, err) < 0)
		return -1;
	if (!json_is_array(layers))
		return ac_error_set(err, AC_ERR_INPUT, 0, "manifest: no layers array");
	json_array_foreach(layers, i, l) {
		struct descriptor d;
		char name[DIGEST_STR_MAX + 16];
		char what[48];

		snprintf(what, sizeof(what), "manifest layer %zu", i + 1);
		if (parse_descriptor(l, what, &d, err) < 0)
			return -1;
		if (d.media_type && !strstr(d.media_type, ".tar") &&
		    !strstr(d.media_type, "rootfs.diff"))
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "%s: unsupported media type '%.100s'", what, d.media_type);
		plan_blob_name(&d.digest, name, sizeof(name));
		if (plan_add_layer(out, name, &d.digest, d.media_type, d.size, req->limits,
				   err) < 0)
			return -1;
	}
	out->config_digest = cfg.digest;
	out->has_config_digest = true;
	return src->read(src->ctx, false, &cfg.digest, cfg.size, req->limits->max_json_bytes,
			 &out->config_json, &out->config_len, err) < 0
		       ? ac_error_wrap(err, "config")
		       : 0;
}

static int schema1_error(struct ac_error *err)
{
	return ac_error_set(err, AC_ERR_INPUT, 0, "Docker schema 1 manifests are not supported");
}

static int plan_doc(const struct plan_source *src, const char *buf, size_t len,
		    const char *mt, const struct digest *digest,
		    const struct plan_request *req, int depth, struct image_plan *out,
		    struct ac_error *err);

/* Reads the document a descriptor names and goes on from it. */
static int read_and_plan(const struct plan_source *src, const struct descriptor *d,
			 const struct plan_request *req, int depth, struct image_plan *out,
			 struct ac_error *err)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (is_schema1(d->media_type))
		return schema1_error(err);
	if (src->read(src->ctx, true, &d->digest, d->size, req->limits->max_json_bytes, &buf,
		      &len, err) < 0)
		return ac_error_wrap(err, "manifest");
	rc = plan_doc(src, buf, len, d->media_type, &d->digest, req, depth, out, err);
	free(buf);
	return rc;
}

static int follow_index(const struct plan_source *src, json_t *index,
			const struct plan_request *req, int depth, struct image_plan *out,
			struct ac_error *err)
{
	json_t *ms = json_object_get(index, "manifests");
	struct descriptor d;

	if (depth + 1 >= MAX_INDEX_DEPTH)
		return ac_error_set(err, AC_ERR_INPUT, 0, "indexes nested deeper than %d",
				    MAX_INDEX_DEPTH);
	if (!json_is_array(ms))
		return ac_error_set(err, AC_ERR_INPUT, 0, "index without manifests");
	if (choose_by_platform(ms, req, &d, err) < 0)
		return -1;
	return read_and_plan(src, &d, req, depth + 1, out, err);
}

/* One document of the chain index -> ... -> manifest.  Its media type is
 * the descriptor's (or the transport's) when known, else its own field. */
static int plan_doc(const struct plan_source *src, const char *buf, size_t len,
		    const char *mt, const struct digest *digest,
		    const struct plan_request *req, int depth, struct image_plan *out,
		    struct ac_error *err)
{
	json_t *doc = plan_parse_json(buf, len, "manifest", req->limits, err);
	int rc;

	if (!doc)
		return -1;
	if (!mt)
		mt = json_string_value(json_object_get(doc, "mediaType"));
	if (is_schema1(mt) || json_integer_value(json_object_get(doc, "schemaVersion")) == 1) {
		rc = schema1_error(err);
	} else if (is_index_type(mt) ||
		   (!mt && json_is_array(json_object_get(doc, "manifests")))) {
		rc = follow_index(src, doc, req, depth, out, err);
	} else {
		out->manifest_digest = *digest;
		out->has_manifest_digest = true;
		rc = parse_manifest(src, doc, req, out, err);
	}
	json_decref(doc);
	return rc;
}

int oci_plan_document(const struct plan_source *src, const char *buf, size_t len,
		      const char *media_type, const struct digest *digest,
		      const struct plan_request *req, struct image_plan *out,
		      struct ac_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = plan_doc(src, buf, len, media_type, digest, req, 0, out, err);
	if (rc < 0)
		image_plan_free(out);
	return rc;
}

/* A layout's documents are blobs of its store. */
static int store_read(void *ctx, bool is_manifest, const struct digest *d, int64_t size,
		      uint64_t max, char **out, size_t *len, struct ac_error *err)
{
	(void)is_manifest;
	return plan_read_blob(ctx, d, size, max, out, len, err);
}

static int check_layout_file(struct blob_store *bs, const struct plan_request *req,
			     struct ac_error *err)
{
	char *buf = NULL;
	size_t len;
	json_t *doc;
	const char *ver;
	int rc = 0;

	if (blob_store_read(bs, "oci-layout", req->limits->max_json_bytes, &buf, &len, err) < 0)
		return ac_error_wrap(err, "not an OCI image layout");
	doc = plan_parse_json(buf, len, "oci-layout", req->limits, err);
	free(buf);
	if (!doc)
		return -1;
	ver = json_string_value(json_object_get(doc, "imageLayoutVersion"));
	if (!ver || strncmp(ver, "1.", 2))
		rc = ac_error_set(err, AC_ERR_INPUT, 0,
				  "oci-layout: unsupported imageLayoutVersion '%s'", ver ? ver : "");
	json_decref(doc);
	return rc;
}

int oci_plan(struct blob_store *bs, const struct plan_request *req,
	     struct image_plan *out, struct ac_error *err)
{
	struct plan_source src = { store_read, bs };
	char *buf = NULL;
	size_t len;
	json_t *index, *manifests;
	struct descriptor top;
	int rc;

	memset(out, 0, sizeof(*out));
	out->layout = "oci";
	if (check_layout_file(bs, req, err) < 0)
		return -1;
	if (blob_store_read(bs, "index.json", req->limits->max_json_bytes, &buf, &len, err) < 0)
		return -1;
	index = plan_parse_json(buf, len, "index.json", req->limits, err);
	free(buf);
	if (!index)
		return -1;
	manifests = json_object_get(index, "manifests");
	if (!json_is_array(manifests)) {
		json_decref(index);
		return ac_error_set(err, AC_ERR_INPUT, 0, "index.json: no manifests array");
	}
	rc = choose_top(manifests, req, &top, err);
	if (rc == 0 && top.ref_name)
		out->ref_name = xstrdup(top.ref_name);
	if (rc == 0)
		rc = read_and_plan(&src, &top, req, 0, out, err);
	json_decref(index);
	if (rc < 0)
		image_plan_free(out);
	return rc;
}
