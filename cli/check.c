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

struct target {
	struct kernel_profile profile;
	struct seccomp_model *seccomp;
};

static int build_target(const struct cli_options *o, struct target *t, struct ac_error *err)
{
	struct profile_source s = {
		.saved_profile = o->saved_profile, .kernel_config = o->kernel_config,
		.kernel_version = o->kernel_version, .cmdline = o->kernel_cmdline,
	};
	struct seccomp_target st = { .libseccomp = o->libseccomp, .cap_add = o->cap_add };

	profile_init(&t->profile);
	t->seccomp = NULL;
	if (profile_from_source(&s, &t->profile, err) < 0)
		return -1;
	st.arch = t->profile.nabis ? t->profile.abis[0].table : SYSCALL_X86_64;
	st.kernel[0] = t->profile.version[0];
	st.kernel[1] = t->profile.version[1];
	return seccomp_model_load(o->seccomp ? o->seccomp : "docker", &st, &t->seccomp, err) < 0
		       ? ac_error_wrap(err, "--seccomp")
		       : 0;
}

static void fill_target(const struct target *t, struct report_target *rt)
{
	const struct kernel_profile *p = &t->profile;

	rt->kernel_source = p->source;
	rt->kernel_release = p->release;
	memcpy(rt->kernel_version, p->version, sizeof(rt->kernel_version));
	rt->machine = p->machine;
	rt->vsyscall = vsyscall_mode_name(p->vsyscall);
	rt->vdso = p->vdso;
	rt->page_size = p->page_size;
	rt->cmdline = p->cmdline;
	rt->seccomp = t->seccomp ? seccomp_model_describe(t->seccomp) : NULL;
}

static void progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	if (done % 256 == 0 || done + 1 == total)
		fprintf(stderr, "\rabicheck: checking %zu/%zu entries%s", done + 1, total,
			done + 1 == total ? "\n" : "");
}

static void print_report(const struct cli_options *o, FILE *out, struct report *r)
{
	if (o->output == OUTPUT_JSON)
		report_json(out, r);
	else
		report_table(out, r, out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
}

int cmd_check(const struct cli_options *o, FILE *out)
{
	struct target t;
	struct ac_error err;
	struct image *img;
	struct analysis_cache cs, *cache;
	struct report r = { 0 };
	struct program_verdict *v;
	size_t n;
	char platform[64];

	if (build_target(o, &t, &err) < 0) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		seccomp_model_free(t.seccomp);
		profile_free(&t.profile);
		return EXIT_USAGE_OR_INPUT;
	}
	if (!(img = cli_image_open(o))) {
		seccomp_model_free(t.seccomp);
		profile_free(&t.profile);
		return EXIT_USAGE_OR_INPUT;
	}
	cache = cli_open_cache(o, &cs);
	struct check_request rq = {
		.cmd = o->cmd, .ncmd = o->ncmd, .entrypoint_only = o->entrypoint_only,
		.cache = cache, .profile = &t.profile, .seccomp = t.seccomp,
		.progress = isatty(STDERR_FILENO) ? progress : NULL,
	};
	check_image(img, &rq, &v, &n);
	platform_format(&img->config.platform, platform, sizeof(platform));
	r.image_ref = img->ref;
	r.image_transport = image_transport_name(img->transport);
	r.image_platform = img->config.present ? platform : NULL;
	fill_target(&t, &r.target);
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
	seccomp_model_free(t.seccomp);
	profile_free(&t.profile);
	return ac_interrupted() ? EXIT_USAGE_OR_INPUT : r.exit_code;
}
