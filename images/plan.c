/* images/plan.c — helpers shared by the layout readers; see plan.h. */
#include "images/plan.h"

#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

int plan_json_values_cap(const char *buf, size_t len, const char *what,
			 const struct image_limits *l, struct ac_error *err)
{
	uint64_t max = l->max_json_bytes / IMAGE_JSON_BYTES_PER_VALUE, values = 1;
	bool in_string = false, opened = false;

	/* The root, then per container one value more than its commas unless
	 * it is empty. */
	for (size_t i = 0; i < len && values <= max; i++) {
		char c = buf[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (opened && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			opened = false;
			if (c != '}' && c != ']')
				values++;
		}
		if (c == '"')
			in_string = true;
		else if (c == '{' || c == '[')
			opened = true;
		else if (c == ',')
			values++;
	}
	if (values > max)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "%s: more than %llu JSON values (one per %d bytes of "
				    "--max-json-bytes; raise with --max-json-bytes)",
				    what, (unsigned long long)max, IMAGE_JSON_BYTES_PER_VALUE);
	return 0;
}

json_t *plan_parse_json(const char *buf, size_t len, const char *what,
			const struct image_limits *l, struct ac_error *err)
{
	json_error_t jerr;
	json_t *root;

	if (plan_json_values_cap(buf, len, what, l, err) < 0)
		return NULL;
	/* jansson bounds nesting depth itself (JSON_PARSER_MAX_DEPTH). */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		ac_error_set(err, AC_ERR_INPUT, 0, "%s: malformed JSON at line %d: %s", what,
			     jerr.line, jerr.text);
	return root;
}

void plan_blob_name(const struct digest *d, char *buf, size_t len)
{
	snprintf(buf, len, "blobs/%s/%s", digest_alg_name(d->alg), d->hex);
}

int plan_read_blob(struct blob_store *bs, const struct digest *d, int64_t size,
		   uint64_t max, char **out, size_t *len, struct ac_error *err)
{
	char name[DIGEST_STR_MAX + 16];
	char shortd[DIGEST_STR_MAX];
	struct blob_range r;

	plan_blob_name(d, name, sizeof(name));
	digest_short(d, shortd, sizeof(shortd));
	if (blob_store_find(bs, name, &r, err) < 0)
		return ac_error_wrap(err, "blob %s…", shortd);
	if (size >= 0 && (uint64_t)size != r.size)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "blob %s…: size %llu differs from the %lld bytes its descriptor declares",
				    shortd, (unsigned long long)r.size, (long long)size);
	if (blob_read_small(r, max, d, out, len, err) < 0)
		return ac_error_wrap(err, "blob %s…", shortd);
	return 0;
}

int plan_add_layer(struct image_plan *p, const char *blob, const struct digest *d,
		   const char *media_type, int64_t size, const struct image_limits *l,
		   struct ac_error *err)
{
	struct layer_desc *ld;

	if (p->nlayers >= l->max_layers)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "more than %llu layers (raise with --max-layers)",
				    (unsigned long long)l->max_layers);
	p->layers = xrealloc(p->layers, (p->nlayers + 1) * sizeof(*p->layers));
	ld = &p->layers[p->nlayers++];
	memset(ld, 0, sizeof(*ld));
	ld->blob = xstrdup(blob);
	if (d) {
		ld->digest = *d;
		ld->has_digest = true;
	}
	ld->media_type = media_type ? xstrdup(media_type) : NULL;
	ld->size = size;
	return 0;
}

void image_plan_free(struct image_plan *p)
{
	for (size_t i = 0; i < p->nlayers; i++) {
		free(p->layers[i].blob);
		free(p->layers[i].media_type);
	}
	free(p->layers);
	free(p->config_json);
	free(p->ref_name);
	memset(p, 0, sizeof(*p));
}
