/* cli/explain.c — `abicheck explain EXIT_CODE IMAGE [-- CMD ARGS]`: checks
 * the command (CMD, else the image's Entrypoint+Cmd) on the target and
 * ranks what produces that exit code (verdict/explain.h).  Exit 0 when a
 * cause was found on this target, 1 when none predicts it here, 2 on a
 * usage or input error.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/tempdir.h"
#include "verdict/check.h"
#include "verdict/explain.h"

#define MAX_CAUSES 32

static int parse_code(const char *s, int *code)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 255)
		return -1;
	*code = (int)v;
	return 0;
}

static int explain_image(const struct cli_options *o, int code, FILE *out)
{
	struct cli_target t;
	struct image *img;
	struct analysis_cache cs;
	struct program_verdict *v;
	struct explain_cause causes[MAX_CAUSES];
	size_t n, nc;
	int rc;

	if (!(img = cli_target_and_image(o, &t, NULL)))
		return EXIT_USAGE_OR_INPUT;
	if (cli_target_ready(o, &t) < 0) {
		image_close(img);
		cli_target_free(&t);
		return EXIT_USAGE_OR_INPUT;
	}
	struct check_request rq = {
		.cmd = o->cmd, .ncmd = o->ncmd, .entrypoint_only = true,
		.cache = cli_open_cache(o, &cs), .profile = &t.profile, .seccomp = t.seccomp,
		.jobs = o->jobs,
	};
	check_image(img, &rq, &v, &n);
	if (!n) {
		fprintf(stderr, "abicheck: explain: %s has no Entrypoint or Cmd: give the command "
			"after --\n", img->ref);
		rc = EXIT_USAGE_OR_INPUT;
	} else {
		nc = explain_rank(&v[0], code, causes, MAX_CAUSES);
		explain_print(out, &v[0], code, causes, nc);
		rc = nc && causes[0].rank_class == 0 ? EXIT_OK : EXIT_PREDICTED_FAILURE;
	}
	check_free(v, n);
	if (rq.cache)
		analysis_cache_close(rq.cache);
	image_close(img);
	cli_target_free(&t);
	return ac_interrupted() ? EXIT_USAGE_OR_INPUT : rc;
}

int cmd_explain(const struct cli_options *o, FILE *out)
{
	struct cli_options io = *o;
	int code;

	if (parse_code(o->image, &code) < 0) {
		fprintf(stderr, "abicheck: explain: '%s' is not an exit code (0-255)\n", o->image);
		return EXIT_USAGE_OR_INPUT;
	}
	if (o->npaths != 1) {
		fprintf(stderr, "abicheck: explain: usage: abicheck explain EXIT_CODE IMAGE "
			"[-- CMD ARGS]\n");
		return EXIT_USAGE_OR_INPUT;
	}
	io.image = o->paths[0];
	return explain_image(&io, code, out);
}
