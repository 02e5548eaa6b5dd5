/* images/config.c — see config.h. */
#include "images/config.h"

#include <jansson.h>
#include <string.h>

#include "common/xalloc.h"

/* Upper bound on argv/env entries we accept from a config. */
#define MAX_STRV 65536

static int get_strv(json_t *obj, const char *key, struct strv *out, struct ac_error *err)
{
	json_t *arr = json_object_get(obj, key);
	size_t i;
	json_t *v;

	memset(out, 0, sizeof(*out));
	if (!arr)
		return 0;
	out->present = true;
	if (json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_STRV)
		return ac_error_set(err, AC_ERR_INPUT, 0, "config: %s is not a string array", key);
	out->v = xcalloc(json_array_size(arr) + 1, sizeof(char *));
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "config: %s[%zu] is not a string", key, i);
		out->v[out->n++] = xstrdup(json_string_value(v));
	}
	return 0;
}

static char *get_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void copy_field(char *dst, size_t size, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && strlen(json_string_value(v)) < size)
		strcpy(dst, json_string_value(v));
}

static int parse_diff_ids(json_t *root, struct image_config *out, struct ac_error *err)
{
	json_t *ids = json_object_get(json_object_get(root, "rootfs"), "diff_ids");
	size_t i;
	json_t *v;

	if (!json_is_array(ids))
		return 0;
	out->diff_ids = xcalloc(json_array_size(ids) + 1, sizeof(*out->diff_ids));
	json_array_foreach(ids, i, v) {
		if (!json_is_string(v) ||
		    digest_parse(json_string_value(v), &out->diff_ids[i], err) < 0)
			return ac_error_wrap(err, "config: rootfs.diff_ids[%zu]", i);
		out->ndiff_ids++;
	}
	return 0;
}

int image_config_parse(const char *json, size_t len, struct image_config *out,
		       struct ac_error *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *cfg;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!root)
		return ac_error_set(err, AC_ERR_INPUT, 0, "config: malformed JSON at line %d: %s",
				    jerr.line, jerr.text);
	if (!json_is_object(root)) {
		ac_error_set(err, AC_ERR_INPUT, 0, "config: not a JSON object");
		goto out;
	}
	out->present = true;
	copy_field(out->platform.os, sizeof(out->platform.os), root, "os");
	copy_field(out->platform.arch, sizeof(out->platform.arch), root, "architecture");
	copy_field(out->platform.variant, sizeof(out->platform.variant), root, "variant");
	platform_normalize(&out->platform);
	out->created = get_str(root, "created");
	cfg = json_object_get(root, "config");
	if (json_is_object(cfg)) {
		if (get_strv(cfg, "Entrypoint", &out->entrypoint, err) < 0 ||
		    get_strv(cfg, "Cmd", &out->cmd, err) < 0 ||
		    get_strv(cfg, "Env", &out->env, err) < 0)
			goto out;
		out->user = get_str(cfg, "User");
		out->workdir = get_str(cfg, "WorkingDir");
	}
	rc = parse_diff_ids(root, out, err);
out:
	json_decref(root);
	if (rc < 0)
		image_config_free(out);
	return rc;
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void image_config_free(struct image_config *c)
{
	strv_free(&c->entrypoint);
	strv_free(&c->cmd);
	strv_free(&c->env);
	free(c->user);
	free(c->workdir);
	free(c->created);
	free(c->diff_ids);
	memset(c, 0, sizeof(*c));
}

const char *image_config_getenv(const struct image_config *c, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < c->env.n; i++)
		if (!strncmp(c->env.v[i], name, n) && c->env.v[i][n] == '=')
			return c->env.v[i] + n + 1;
	return NULL;
}
