/* images/path.c — see path.h. */
#include "images/path.h"

#include <string.h>

/* Pushes/pops components on `out` ("" or "a/b"); returns -1 when ".."
 * would leave the root. */
static int push_component(char *out, size_t *len, const char *comp,
			  size_t clen)
{
	if (clen == 1 && comp[0] == '.')
		return 0;
	if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
		char *slash;
		if (*len == 0)
			return -1;
		out[*len] = '\0';
		slash = strrchr(out, '/');
		*len = slash ? (size_t)(slash - out) : 0;
		out[*len] = '\0';
		return 0;
	}
	if (*len + clen + 2 > IMAGE_PATH_MAX)
		return -2;
	if (*len)
		out[(*len)++] = '/';
	memcpy(out + *len, comp, clen);
	*len += clen;
	out[*len] = '\0';
	return 0;
}

int image_path_normalize(const char *raw, char *out, struct ac_error *err)
{
	size_t len = 0;
	const char *p = raw;

	out[0] = '\0';
	if (raw[0] == '/')
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "absolute member path '%.200s'", raw);
	if (strlen(raw) >= IMAGE_PATH_MAX)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "member path longer than %d bytes", IMAGE_PATH_MAX - 1);
	while (*p) {
		const char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		int rc;

		if (clen > IMAGE_NAME_MAX)
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "member path '%.200s' has a component longer than %d bytes",
					    raw, IMAGE_NAME_MAX);
		if (clen) {
			rc = push_component(out, &len, p, clen);
			if (rc == -1)
				return ac_error_set(err, AC_ERR_INPUT, 0,
						    "member path '%.200s' climbs out of the image root",
						    raw);
			if (rc < 0)
				return ac_error_set(err, AC_ERR_INPUT, 0,
						    "member path '%.200s' too long", raw);
		}
		p += clen;
		while (*p == '/')
			p++;
	}
	return 0;
}

bool image_symlink_escapes(const char *link_path, const char *target)
{
	char buf[IMAGE_PATH_MAX];
	size_t len = 0;
	const char *p;
	const char *slash;

	if (target[0] == '/')
		return false;
	/* Start from the link's directory. */
	slash = strrchr(link_path, '/');
	len = slash ? (size_t)(slash - link_path) : 0;
	if (len >= sizeof(buf))
		return true;
	memcpy(buf, link_path, len);
	buf[len] = '\0';
	p = target;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		int rc = clen ? push_component(buf, &len, p, clen) : 0;

		if (rc == -1)
			return true;
		if (rc < 0) /* over-long: resolution will fail, not escape */
			return false;
		p += clen;
		while (*p == '/')
			p++;
	}
	return false;
}

enum whiteout_kind image_path_whiteout(const char *base, const char **hidden)
{
	if (strncmp(base, ".wh.", 4))
		return WHITEOUT_NONE;
	if (!strcmp(base, ".wh..wh..opq"))
		return WHITEOUT_OPAQUE;
	if (!strncmp(base, ".wh..wh.", 8))
		return WHITEOUT_META;
	if (hidden)
		*hidden = base + 4;
	return WHITEOUT_FILE;
}

const char *image_path_split(const char *path, char *parent)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		parent[0] = '\0';
		return path;
	}
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	return slash + 1;
}
