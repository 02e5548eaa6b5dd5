/* images/config.h — the image configuration (OCI image-spec config.md,
 * identical in Docker's v1 image JSON for the fields used here).
 *
 * Owns parsing it with jansson into plain C: platform, the command the
 * runtime starts (Entrypoint + Cmd), Env, User, WorkingDir, and the
 * rootfs diff_ids that name each layer's uncompressed content.
 * Ownership: image_config_free() frees every string it holds.
 */
#ifndef ABICHECK_IMAGES_CONFIG_H
#define ABICHECK_IMAGES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/digest.h"
#include "common/error.h"
#include "images/platform.h"

struct strv {
	char **v;
	size_t n;
	bool present; /* the key existed (null and [] differ for Entrypoint) */
};

struct image_config {
	bool present;
	struct platform platform;
	struct strv entrypoint, cmd, env;
	char *user, *workdir, *created;
	struct digest *diff_ids;
	size_t ndiff_ids;
};

int image_config_parse(const char *json, size_t len, struct image_config *out,
		       struct ac_error *err);
void image_config_free(struct image_config *c);

/* Value of NAME in env ("NAME=value"), or NULL. */
const char *image_config_getenv(const struct image_config *c, const char *name);

void strv_free(struct strv *s);

#endif
