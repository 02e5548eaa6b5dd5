/* images/plan.c — helpers shared by the layout readers; see plan.h. */
#include "images/plan.h"

#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

json_t *plan_parse_json(const char *buf, size_t len, const char *what, struct ac_error *err)
{
	json_error_t jerr;
	/* jansson bounds nesting depth itself (JSON_PARSER_MAX_DEPTH). */
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);

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
