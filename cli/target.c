/* cli/target.c — the target of the main job and of explain (cli.h):
 * the kernel profile from the source the options name, refined by
 * --kernel-cmdline, and the runtime's seccomp filter (--seccomp, default
 * docker's newest) built for that kernel's arch and version. */
#include <pthread.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "common/xalloc.h"
#include "probes/cmdline.h"
#include "probes/enosys.h"
#include "probes/live.h"
#include "probes/source.h"
#include "verdict/report.h"

struct profile_source cli_profile_source(const struct cli_options *o)
{
	return (struct profile_source){
		.saved_profile = o->saved_profile, .kernel_config = o->kernel_config,
		.kernel_version = o->kernel_version, .cmdline = o->kernel_cmdline,
		.cache = { .use = !o->no_cache, .root = o->cache_dir },
	};
}

/* The runtime's filter as built for a kernel of this arch and release. */
static int build_seccomp(const struct cli_options *o, enum syscall_arch arch,
			 const unsigned version[3], struct seccomp_model **out,
			 struct ac_error *err)
{
	struct seccomp_target st = { .libseccomp = o->libseccomp, .cap_add = o->cap_add,
				     .arch = arch, .kernel = { version[0], version[1] } };

	return seccomp_model_load(o->seccomp ? o->seccomp : "docker", &st, out, err) < 0
		       ? ac_error_wrap(err, "--seccomp")
		       : 0;
}

static enum syscall_arch profile_arch(const struct kernel_profile *p)
{
	return p->nabis ? p->abis[0].table : SYSCALL_X86_64;
}

int cli_target_build(const struct cli_options *o, struct cli_target *t, struct ac_error *err)
{
	struct profile_source s = cli_profile_source(o);

	profile_init(&t->profile);
	t->seccomp = NULL;
	t->probe = NULL;
	if (profile_from_source(&s, &t->profile, err) < 0)
		return -1;
	return build_seccomp(o, profile_arch(&t->profile), t->profile.version, &t->seccomp, err);
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

static int probe_join(struct cli_target *t, struct ac_error *err);

void cli_target_free(struct cli_target *t)
{
	struct ac_error err;

	probe_join(t, &err); /* its thread writes the profile */
	seccomp_model_free(t->seccomp);
	profile_free(&t->profile);
}

struct live_probe {
	struct profile_source s;
	struct kernel_profile *p;
	struct ac_error err;
	int rc;
	pthread_t tid;
	bool threaded;
	enum syscall_arch arch; /* what the filter was built for */
	unsigned version[3];
};

static void *run_probe(void *arg)
{
	struct live_probe *lp = arg;

	lp->rc = profile_from_source(&lp->s, lp->p, &lp->err);
	return NULL;
}

/* Joins the probe; -1 with *err when it failed. */
static int probe_join(struct cli_target *t, struct ac_error *err)
{
	struct live_probe *lp = t->probe;
	int rc;

	if (!lp)
		return 0;
	if (lp->threaded)
		pthread_join(lp->tid, NULL);
	rc = lp->rc;
	if (rc < 0)
		*err = lp->err;
	t->probe = NULL;
	free(lp);
	return rc;
}

int cli_target_ready(const struct cli_options *o, struct cli_target *t)
{
	enum syscall_arch arch;
	unsigned version[2];
	struct ac_error err;

	if (!t->probe)
		return 0;
	arch = t->probe->arch;
	version[0] = t->probe->version[0];
	version[1] = t->probe->version[1];
	if (probe_join(t, &err) < 0)
		goto failed;
	/* What the probe found is what the filter was built for; should a
	 * kernel ever say otherwise, it is built again for what it says. */
	if (profile_arch(&t->profile) != arch ||
	    memcmp(t->profile.version, version, sizeof(version)) != 0) {
		seccomp_model_free(t->seccomp);
		t->seccomp = NULL;
		if (build_seccomp(o, profile_arch(&t->profile), t->profile.version, &t->seccomp,
				  &err) < 0)
			goto failed;
	}
	return 0;
failed:
	fprintf(stderr, "abicheck: %s\n", err.msg);
	return -1;
}

/* The live probe (reading /proc/kallsyms, the ENOSYS child: 30 ms and
 * more) depends on nothing of the image, so it runs on a thread while the
 * image is read and its files analysed; the rules wait for it
 * (cli_target_ready).  The filter is built first, for the arch and release
 * the probe will find (this build's own ABI, uname's release), and
 * --kernel-cmdline checked, so a bad target still costs no image read. */
static struct image *live_target_and_image(const struct cli_options *o, struct cli_target *t,
					   struct analysis_cache *cache)
{
	struct live_probe *lp = xcalloc(1, sizeof(*lp));
	struct ac_error err, perr;
	struct utsname u;
	struct image *img;

	profile_init(&t->profile);
	t->seccomp = NULL;
	t->probe = NULL;
	lp->s = cli_profile_source(o);
	lp->p = &t->profile;
	lp->arch = enosys_native_abi();
	if (lp->arch == SYSCALL_ARCH_NONE)
		lp->arch = SYSCALL_X86_64;
	if (uname(&u) == 0)
		parse_kernel_release(u.release, lp->version);
	if ((o->kernel_cmdline && cmdline_check(o->kernel_cmdline, &err) < 0) ||
	    build_seccomp(o, lp->arch, lp->version, &t->seccomp, &err) < 0) {
		free(lp);
		fprintf(stderr, "abicheck: %s\n", err.msg);
		cli_target_free(t);
		return NULL;
	}
	t->probe = lp;
	lp->threaded = pthread_create(&lp->tid, NULL, run_probe, lp) == 0;
	if (!lp->threaded)
		run_probe(lp);
	if (!(img = cli_image_open_quiet(o, cache, &err))) {
		/* The target's error first, as if it had been built first. */
		fprintf(stderr, "abicheck: %s\n", probe_join(t, &perr) < 0 ? perr.msg : err.msg);
		cli_target_free(t);
		return NULL;
	}
	cli_image_warnings(img);
	return img;
}

struct image *cli_target_and_image(const struct cli_options *o, struct cli_target *t,
				   struct analysis_cache *cache)
{
	struct profile_source s = cli_profile_source(o);
	struct ac_error err;
	struct image *img;

	if (profile_source_is_live(&s))
		return live_target_and_image(o, t, cache);
	if (cli_target_build(o, t, &err) < 0) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		cli_target_free(t);
		return NULL;
	}
	if (!(img = cli_image_open(o, cache)))
		cli_target_free(t);
	return img;
}
