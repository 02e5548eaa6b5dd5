/* images/command.c — see command.h. */
#include "images/command.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

const char **image_command_argv(const struct image *img, char **cmd, int ncmd, int *argc)
{
	const struct image_config *c = &img->config;
	size_t n = 0, total = ncmd > 0 ? (size_t)ncmd : c->entrypoint.n + c->cmd.n;
	const char **argv = xcalloc(total + 1, sizeof(*argv));

	if (ncmd > 0) {
		for (int i = 0; i < ncmd; i++)
			argv[n++] = cmd[i];
	} else {
		for (size_t i = 0; i < c->entrypoint.n; i++)
			argv[n++] = c->entrypoint.v[i];
		for (size_t i = 0; i < c->cmd.n; i++)
			argv[n++] = c->cmd.v[i];
	}
	*argc = (int)n;
	return argv;
}

static void record_hop(const struct image_node *link, void *arg)
{
	struct command_resolution *r = arg;

	if (r->nhops < COMMAND_MAX_HOPS)
		r->hops[r->nhops++] = link;
}

/* Tries one candidate path; true when it names an executable file. */
static bool try_path(const struct image *img, const char *path,
		     struct command_resolution *out)
{
	struct image_node *n;
	struct ac_error err;

	out->nhops = 0;
	if (tree_resolve(img->tree, path, true, &n, record_hop, out, &err) < 0) {
		/* A loop or a non-directory is worth reporting; absence is not. */
		if (err.errnum != ENOENT)
			snprintf(out->error, sizeof(out->error), "%s", err.msg);
		return false;
	}
	if (n->type != NODE_REG || !(n->mode & 0111)) {
		snprintf(out->error, sizeof(out->error), "'%.300s' is not an executable file", path);
		return false;
	}
	snprintf(out->tried, sizeof(out->tried), "%s", path);
	out->file = n;
	return true;
}

void image_resolve_command(const struct image *img, const char *argv0,
			   struct command_resolution *out)
{
	const char *path_env;
	char candidate[4096];

	memset(out, 0, sizeof(*out));
	if (!*argv0) {
		snprintf(out->error, sizeof(out->error), "empty command");
		return;
	}
	if (strchr(argv0, '/')) {
		const char *wd = img->config.workdir && *img->config.workdir ? img->config.workdir : "/";
		snprintf(candidate, sizeof(candidate), "%s%s%s", argv0[0] == '/' ? "" : wd,
			 argv0[0] == '/' ? "" : "/", argv0);
		if (!try_path(img, candidate, out) && !out->error[0])
			snprintf(out->error, sizeof(out->error), "'%.300s': no such file in the image",
				 argv0);
		return;
	}
	path_env = image_config_getenv(&img->config, "PATH");
	if (!path_env)
		path_env = IMAGE_DEFAULT_PATH;
	for (const char *p = path_env; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)n, n ? p : ".", argv0);
		if (try_path(img, candidate, out))
			return;
		p += n + (colon ? 1 : 0);
	}
	if (!out->error[0])
		snprintf(out->error, sizeof(out->error),
			 "'%.300s': executable file not found in $PATH (%.300s)", argv0, path_env);
}
