/* cli/target.c — the target of the main job and of explain (cli.h):
 * the kernel profile from the source the options name, refined by
 * --kernel-cmdline, and the runtime's seccomp filter (--seccomp, default
 * docker's newest) built for that kernel's arch and version. */
#include <string.h>

#include "cli/cli.h"
#include "probes/source.h"
#include "verdict/report.h"

int cli_target_build(const struct cli_options *o, struct cli_target *t, struct ac_error *err)
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

void cli_target_report(const struct cli_target *t, struct report_target *rt)
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

void cli_target_free(struct cli_target *t)
{
	seccomp_model_free(t->seccomp);
	profile_free(&t->profile);
}

struct image *cli_target_and_image(const struct cli_options *o, struct cli_target *t,
				   struct analysis_cache *cache)
{
	struct ac_error err;
	struct image *img;

	if (cli_target_build(o, t, &err) < 0) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		cli_target_free(t);
		return NULL;
	}
	if (!(img = cli_image_open(o, cache)))
		cli_target_free(t);
	return img;
}
