/* images/path.h — the lexical rules for paths found inside images.
 *
 * Owns: turning a tar member name or hardlink name into the canonical form
 * the flattened view uses ("usr/bin/ls", "" for the root), refusing names
 * that are absolute or climb out of the root; docker's breakout rule for
 * symlink targets; OCI whiteout names.  Purely lexical: never touches a
 * filesystem.
 */
#ifndef ABICHECK_IMAGES_PATH_H
#define ABICHECK_IMAGES_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define IMAGE_PATH_MAX 4096 /* PATH_MAX, including the NUL */
#define IMAGE_NAME_MAX 255  /* NAME_MAX */

/* Canonicalises a member name: strips "./" and repeated '/', folds "." and
 * "a/.." lexically.  Refuses (AC_ERR_INPUT) absolute names, names that climb
 * above the root, empty components beyond the limits, and over-long names.
 * `out` must hold IMAGE_PATH_MAX bytes; "" means the root itself. */
int image_path_normalize(const char *raw, char *out, struct ac_error *err);

/* Docker's breakout rule (moby pkg/archive, "invalid symlink"): a relative
 * symlink target joined to the link's directory must not climb above the
 * root.  Absolute targets are relative to the image root and never escape. */
bool image_symlink_escapes(const char *link_path, const char *target);

enum whiteout_kind {
	WHITEOUT_NONE,
	WHITEOUT_FILE,   /* .wh.NAME hides NAME of lower layers */
	WHITEOUT_OPAQUE, /* .wh..wh..opq hides the whole dir of lower layers */
	WHITEOUT_META,   /* other .wh..wh.* (aufs bookkeeping): ignored, as docker does */
};

/* Classifies a base name; for WHITEOUT_FILE *hidden points into `base`. */
enum whiteout_kind image_path_whiteout(const char *base, const char **hidden);

/* Splits canonical `path` into the parent part (copied to `parent`, which
 * must hold IMAGE_PATH_MAX) and returns a pointer to the base name. */
const char *image_path_split(const char *path, char *parent);

#endif
