/* images/command.h — which file a container's command starts.
 *
 * Owns the lookup a runtime does for argv[0] inside the image: a name with
 * a '/' is taken relative to WorkingDir, otherwise each directory of the
 * image's PATH (docker's default PATH when the config has none) is tried
 * for an executable regular file, following symlinks inside the image root.
 * The symlinks followed are recorded for explanations ("/bin/sh -> dash").
 */
#ifndef ABICHECK_IMAGES_COMMAND_H
#define ABICHECK_IMAGES_COMMAND_H

#include "images/image.h"

/* What runc's default PATH is when an image sets none (moby oci/defaults). */
#define IMAGE_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define COMMAND_MAX_HOPS TREE_MAX_SYMLINKS

struct command_resolution {
	const struct image_node *file; /* NULL when not found */
	char tried[4096];              /* the path that matched, as looked up */
	const struct image_node *hops[COMMAND_MAX_HOPS];
	size_t nhops;
	char error[AC_ERROR_MAX];             /* why not found, when file is NULL */
};

/* The argv the runtime would exec: cmd when given, else Entrypoint + Cmd.
 * Returns a NULL-terminated array of borrowed strings (caller frees the
 * array only); *argc 0 means the image defines no command. */
const char **image_command_argv(const struct image *img, char **cmd, int ncmd, int *argc);

void image_resolve_command(const struct image *img, const char *argv0,
			   struct command_resolution *out);

#endif
