/* images/docker_archive.c — `docker save` output (moby image/tarexport).
 *
 * manifest.json is an array of {Config, RepoTags, Layers}.  Two layouts
 * share it: the legacy one (Config "<id>.json", Layers "<id>/layer.tar",
 * uncompressed, named by id, so only the config's diff_ids vouch for them)
 * and Docker 25+'s OCI layout inside the archive (Config and Layers are
 * "blobs/sha256/<hex>", named by digest).  Works on a tar store or on a
 * directory where such an archive was unpacked.
 */
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"
#include "images/path.h"
#include "images/plan.h"

/* "blobs/sha256/<hex>" -> digest; false for legacy names. */
static bool digest_from_blob_path(const char *path, struct digest *d)
{
	char buf[DIGEST_STR_MAX];
	struct ac_error ignored;
	const char *alg, *slash;

	if (strncmp(path, "blobs/", 6))
		return false;
	alg = path + 6;
	slash = strchr(alg, '/');
	if (!slash || (size_t)(slash - alg) > 6)
		return false;
	snprintf(buf, sizeof(buf), "%.*s:%s", (int)(slash - alg), alg, slash + 1);
	return digest_parse(buf, d, &ignored) == 0;
}

/* Legacy config "<64 hex>.json": the name is the config's sha256. */
static bool digest_from_legacy_config(const char *path, struct digest *d)
{
	char buf[DIGEST_STR_MAX];
	struct ac_error ignored;
	size_t n = strlen(path);

	if (n != 64 + 5 || strcmp(path + 64, ".json"))
		return false;
	snprintf(buf, sizeof(buf), "sha256:%.64s", path);
	return digest_parse(buf, d, &ignored) == 0;
}

static bool tag_matches(json_t *tags, const char *want)
{
	size_t i;
	json_t *t;
	char qualified[512];

	/* "busybox:latest" is stored as given by the user of docker save;
	 * also accept the docker.io/library/ spelling. */
	snprintf(qualified, sizeof(qualified), "docker.io/library/%s", want);
	json_array_foreach(tags, i, t) {
		const char *s = json_string_value(t);
		if (s && (!strcmp(s, want) || !strcmp(s, qualified) ||
			  !strcmp(want, s + (strncmp(s, "docker.io/library/", 18) ? 0 : 18))))
			return true;
	}
	return false;
}

static void list_tags(json_t *arr, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(arr, i, e) {
		json_t *tags = json_object_get(e, "RepoTags");
		const char *t = json_string_value(json_array_get(tags, 0));
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s@%zu%s%s",
					 used ? ", " : "", i, t ? "=" : "", t ? t : "");
		if (used >= len)
			break;
	}
}

static int choose_entry(json_t *arr, const char *sel, json_t **out, struct ac_error *err)
{
	size_t i, n = json_array_size(arr);
	json_t *e;
	char choices[1024];

	if (!n)
		return ac_error_set(err, AC_ERR_INPUT, 0, "manifest.json lists no images");
	if (sel && sel[0] == '@') {
		char *end;
		unsigned long idx = strtoul(sel + 1, &end, 10);
		if (*end || idx >= n)
			return ac_error_set(err, AC_ERR_USAGE, 0,
					    "no image at index %s (archive has %zu)", sel, n);
		*out = json_array_get(arr, idx);
		return 0;
	}
	if (!sel && n == 1) {
		*out = json_array_get(arr, 0);
		return 0;
	}
	if (sel)
		json_array_foreach(arr, i, e)
			if (tag_matches(json_object_get(e, "RepoTags"), sel)) {
				*out = e;
				return 0;
			}
	list_tags(arr, choices, sizeof(choices));
	if (sel)
		return ac_error_set(err, AC_ERR_INPUT, 0, "no image tagged '%s'; available: %s",
				    sel, choices);
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "%zu images in the archive; choose one with :NAME:TAG or :@N (%s)", n,
			    choices);
}

static int read_config(struct blob_store *bs, const char *path, const struct plan_request *req,
		       struct image_plan *out, struct ac_error *err)
{
	char canon[IMAGE_PATH_MAX];
	struct digest d;

	if (image_path_normalize(path, canon, err) < 0)
		return ac_error_wrap(err, "manifest.json Config");
	if (digest_from_blob_path(canon, &d) || digest_from_legacy_config(canon, &d)) {
		out->config_digest = d;
		out->has_config_digest = true;
	}
	if (blob_store_read(bs, canon, req->limits->max_json_bytes, &out->config_json,
			    &out->config_len, err) < 0)
		return ac_error_wrap(err, "config");
	if (out->has_config_digest) {
		struct digest got;
		digest_buffer(d.alg, out->config_json, out->config_len, &got);
		if (!digest_equal(&got, &d))
			return ac_error_set(err, AC_ERR_INTEGRITY, 0,
					    "config '%.100s': digest mismatch (corrupted or tampered)",
					    canon);
	}
	return 0;
}

int docker_archive_plan(struct blob_store *bs, const struct plan_request *req,
			struct image_plan *out, struct ac_error *err)
{
	char *buf = NULL;
	size_t len, i;
	json_t *doc, *entry = NULL, *layers, *l;
	const char *cfg;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->layout = blob_store_has(bs, "oci-layout") ? "docker-archive (OCI layout, Docker 25+)"
						       : "docker-archive";
	if (blob_store_read(bs, "manifest.json", req->limits->max_json_bytes, &buf, &len, err) < 0)
		return -1;
	doc = plan_parse_json(buf, len, "manifest.json", req->limits, err);
	free(buf);
	if (!doc)
		return -1;
	if (!json_is_array(doc)) {
		ac_error_set(err, AC_ERR_INPUT, 0, "manifest.json: not an array");
		goto out;
	}
	if (choose_entry(doc, req->selector, &entry, err) < 0)
		goto out;
	cfg = json_string_value(json_object_get(entry, "Config"));
	layers = json_object_get(entry, "Layers");
	if (!cfg || !json_is_array(layers)) {
		ac_error_set(err, AC_ERR_INPUT, 0, "manifest.json: entry without Config or Layers");
		goto out;
	}
	if (json_string_value(json_array_get(json_object_get(entry, "RepoTags"), 0)))
		out->ref_name = xstrdup(json_string_value(
			json_array_get(json_object_get(entry, "RepoTags"), 0)));
	if (read_config(bs, cfg, req, out, err) < 0)
		goto out;
	json_array_foreach(layers, i, l) {
		char canon[IMAGE_PATH_MAX];
		struct digest d;
		bool named;

		if (!json_is_string(l) || image_path_normalize(json_string_value(l), canon, err) < 0) {
			ac_error_set(err, AC_ERR_INPUT, 0, "manifest.json: bad layer path %zu", i + 1);
			goto out;
		}
		named = digest_from_blob_path(canon, &d);
		if (plan_add_layer(out, canon, named ? &d : NULL, NULL, -1, req->limits, err) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	if (rc < 0)
		image_plan_free(out);
	return rc;
}
