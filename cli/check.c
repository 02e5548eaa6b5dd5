/* cli/check.c — the main job, `abicheck [check] IMAGE [-- CMD ARGS]`:
 * the target (kernel source + --kernel-cmdline + the runtime's seccomp
 * filter), the verdicts (verdict/check.h) and the report in the asked
 * format; exit 1 when a finding reaches --fail-on.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/cache.h"
#include "cli/cli.h"
#include "probes/seccomp.h"
#include "probes/source.h"
#include "verdict/check.h"
#include "verdict/report.h"

static void progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	if (done % 256 == 0 || done + 1 == total)
		fprintf(stderr, "\rabicheck: checking %zu/%zu programs%s", done + 1, total,
			done + 1 == total ? "\n" : "");
}

static void print_report(const struct cli_options *o, FILE *out, struct report *r)
{
	if (o->output == OUTPUT_JSON)
		report_json(out, r);
	else if (o->output == OUTPUT_SARIF)
		report_sarif(out, r);
	else
		report_table(out, r, out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
}

struct ready_arg {
	const struct cli_options *o;
	struct cli_target *t;
	struct check_request *rq;
};

/* The live probe has finished: the rules can have the profile, and the
 * filter (built again should the probe have found another kernel). */
static int target_ready(void *arg)
{
	struct ready_arg *ra = arg;

	if (cli_target_ready(ra->o, ra->t) < 0)
		return -1;
	ra->rq->seccomp = ra->t->seccomp;
	return 0;
}

int cmd_check(const struct cli_options *o, FILE *out)
{
	struct cli_target t;
	struct image *img;
	struct analysis_cache cs, *cache;
	struct report r = { 0 };
	struct program_verdict *v;
	size_t n;
	char platform[64];

	cache = cli_open_cache(o, &cs);
	/* Only the whole-image job gains from analysing files as they come. */
	if (!(img = cli_target_and_image(o, &t, o->entrypoint_only || o->ncmd ? NULL : cache))) {
		if (cache)
			analysis_cache_close(cache);
		return EXIT_USAGE_OR_INPUT;
	}
	struct check_request rq = {
		.cmd = o->cmd, .ncmd = o->ncmd, .entrypoint_only = o->entrypoint_only,
		.cache = cache, .profile = &t.profile, .seccomp = t.seccomp, .jobs = o->jobs,
		.progress = isatty(STDERR_FILENO) ? progress : NULL,
	};
	struct ready_arg ra = { o, &t, &rq };

	rq.ready = target_ready;
	rq.ready_arg = &ra;
	if (check_image(img, &rq, &v, &n) < 0) {
		if (cache)
			analysis_cache_close(cache);
		image_close(img);
		cli_target_free(&t);
		return EXIT_USAGE_OR_INPUT;
	}
	platform_format(&img->config.platform, platform, sizeof(platform));
	r.image_ref = img->ref;
	r.image_transport = image_transport_name(img->transport);
	r.image_platform = img->config.present ? platform : NULL;
	cli_target_report(&t, &r.target);
	r.programs = v;
	r.nprograms = n;
	r.fail_never = o->fail_on < 0;
	r.fail_on = o->fail_on < 0 ? SEV_FAIL : (enum severity)o->fail_on;
	r.exit_code = report_exit_code(&r);
	if (!ac_interrupted())
		print_report(o, out, &r);
	check_free(v, n);
	if (cache)
		analysis_cache_close(cache);
	image_close(img);
	cli_target_free(&t);
	return ac_interrupted() ? EXIT_USAGE_OR_INPUT : r.exit_code;
}
