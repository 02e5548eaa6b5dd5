/* probes/checkconfig.c — see checkconfig.h.  Verdict words and hint texts
 * are check-config.sh's (moby contrib/check-config.sh @ a4c5b2be); the
 * option list is the generated checkconfig_steps[]. */
#include "probes/checkconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <sys/utsname.h>

#include "common/xalloc.h"
#include "probes/checkconfig_host.h"

static const char swap_enabled_note[] = "    (cgroup swap accounting is currently enabled)";
static const char swap_disabled_note[] =
	"    (cgroup swap accounting is currently not enabled, you can enable it by setting "
	"boot option \"swapaccount=1\")";
static const char vsyscall_native_note[] =
	"    (dangerous, provides an ASLR-bypassing target with usable ROP gadgets.)";
static const char vsyscall_none_note[] =
	"    (containers using eglibc <= 2.13 will not work. Switch to\n"
	"     \"CONFIG_VSYSCALL_[NATIVE|EMULATE]\" or use \"vsyscall=[native|emulate]\"\n"
	"     on kernel command line. Note that this will disable ASLR for the,\n"
	"     VDSO which may assist in exploiting security vulnerabilities.)";
static const char ext3_hint[] =
	"    (enable these ext3 configs if you are using ext3 as backing filesystem)";
static const char ext4_hint[] =
	"    enable these ext4 configs if you are using ext4 as backing filesystem";
static const char ext34_hint[] =
	"    enable these ext4 configs if you are using ext3 or ext4 as backing filesystem";

const char *cc_status_name(enum cc_status s)
{
	static const char *const names[] = { "good", "bad", "note", "skipped" };

	return s <= CC_SKIPPED ? names[s] : "note";
}

static bool cond_holds(const struct cc_condition *c, const unsigned v[2])
{
	int cmp;

	if (!c->op)
		return true;
	if (c->major_only)
		cmp = (v[0] > c->major) - (v[0] < c->major);
	else if (v[0] != c->major)
		cmp = v[0] < c->major ? -1 : 1;
	else
		cmp = (v[1] > c->minor) - (v[1] < c->minor);
	switch (c->op) {
	case '<': return cmp < 0;
	case 'l': return cmp <= 0;
	case '>': return cmp > 0;
	case 'g': return cmp >= 0;
	default: return true;
	}
}

static struct cc_result *add(struct checkconfig *cc, const struct cc_step *s, const char *driver)
{
	struct cc_result *r;

	cc->results = xrealloc(cc->results, (cc->nresults + 1) * sizeof(*cc->results));
	r = &cc->results[cc->nresults++];
	memset(r, 0, sizeof(*r));
	r->kind = s->kind;
	r->group = s->group;
	r->driver = driver;
	r->depth = s->depth;
	r->counts = s->counts;
	r->status = CC_NOTE;
	return r;
}

/* check_flag: =y "enabled", =m "enabled (as module)", else "missing". */
static void check_option(struct checkconfig *cc, const struct kconfig *c, const struct cc_step *s,
			 const char *driver, bool *block_missing)
{
	struct cc_result *r = add(cc, s, driver);
	const char *v = kconfig_get(c, s->text);

	r->name = xstrdup(s->text);
	r->value = xstrdup(v ? v : "absent");
	if (kconfig_is(c, s->text, "y")) {
		r->verdict = xstrdup("enabled");
		r->status = CC_GOOD;
	} else if (kconfig_is(c, s->text, "m")) {
		r->verdict = xstrdup("enabled (as module)");
		r->status = CC_GOOD;
	} else {
		r->verdict = xstrdup("missing");
		r->status = CC_BAD;
		*block_missing = true;
	}
}

static void note(struct checkconfig *cc, const struct cc_step *s, const char *text)
{
	add(cc, s, NULL)->note = xstrdup(text);
}

/* The MEMCG_SWAP block: two options before 5.8, then one note. */
static void check_swap(struct checkconfig *cc, const struct kconfig *c, const struct cc_step *s,
		       const struct checkconfig_options *o)
{
	bool unused = false;

	if (s->text) {
		if (cond_holds(&s->cond, o->version))
			check_option(cc, c, s, NULL, &unused);
		return;
	}
	if (!cond_holds(&s->cond, o->version))
		note(cc, s, swap_enabled_note); /* 5.8+ accounts swap by default */
	else if (o->host && host_memsw_accounting())
		note(cc, s, swap_enabled_note);
	else if (kconfig_enabled(c, "MEMCG_SWAP") && !kconfig_enabled(c, "MEMCG_SWAP_ENABLED"))
		note(cc, s, swap_disabled_note);
}

/* LEGACY_VSYSCALL_*: the first one set is printed, none when none is. */
static void check_vsyscall(struct checkconfig *cc, const struct kconfig *c,
			   const struct cc_step *s, bool *done)
{
	struct cc_result *r;

	if (*done || !kconfig_enabled(c, s->text))
		return;
	*done = true;
	r = add(cc, s, NULL);
	r->name = xstrdup(s->text);
	r->value = xstrdup(kconfig_get(c, s->text));
	r->verdict = xstrdup("enabled");
	r->status = strstr(s->text, "EMULATE") ? CC_GOOD : CC_BAD;
	if (strstr(s->text, "NATIVE"))
		r->note = xstrdup(vsyscall_native_note);
	else if (strstr(s->text, "NONE"))
		r->note = xstrdup(vsyscall_none_note);
}

static void skipped_host(struct checkconfig *cc, const struct cc_step *s, const char *driver)
{
	struct cc_result *r = add(cc, s, driver);

	r->name = host_check_name(s);
	r->verdict = xstrdup("not checked (reads this machine, not the config file)");
	r->status = CC_SKIPPED;
}

static void run_host(struct checkconfig *cc, const struct cc_step *s, const char *driver)
{
	struct host_verdict h;
	struct cc_result *r;

	if (host_check(s, &h) < 0)
		return; /* the script prints nothing (AppArmor not enabled) */
	r = add(cc, s, driver);
	r->name = h.name;
	r->verdict = h.verdict;
	r->note = h.note;
	r->status = h.good ? CC_GOOD : CC_BAD;
}

static void run_steps(struct checkconfig *cc, const struct kconfig *c,
		      const struct checkconfig_options *o)
{
	const char *driver = NULL;
	bool vsyscall_done = false, block_missing = false;

	for (size_t i = 0; i < checkconfig_nsteps; i++) {
		const struct cc_step *s = &checkconfig_steps[i];
		struct cc_result *r;

		if (!cond_holds(&s->cond, o->version) && s->kind != CC_SWAP)
			continue;
		if (s->unless_set && kconfig_enabled(c, s->unless_set))
			continue;
		switch (s->kind) {
		case CC_GROUP:
		case CC_DRIVER:
		case CC_ENCRYPTED:
			r = add(cc, s, NULL);
			r->name = s->text ? xstrdup(s->text) : NULL;
			if (s->kind == CC_GROUP)
				driver = NULL;
			else if (s->kind == CC_DRIVER)
				driver = s->text;
			r->driver = driver;
			break;
		case CC_OPTION:
			check_option(cc, c, s, driver, &block_missing);
			break;
		case CC_SWAP:
			check_swap(cc, c, s, o);
			break;
		case CC_VSYSCALL:
			check_vsyscall(cc, c, s, &vsyscall_done);
			break;
		case CC_EXT_HINT:
			if (block_missing)
				note(cc, s, !strcmp(s->text, "ext3") ? ext3_hint
					    : kconfig_enabled(c, "EXT4_USE_FOR_EXT2") ? ext34_hint : ext4_hint);
			break;
		case CC_SYSCTL:
		case CC_HOST:
			if (o->host)
				run_host(cc, s, driver);
			else
				skipped_host(cc, s, driver);
			break;
		}
		if (s->kind == CC_EXT_HINT || (s->kind == CC_OPTION && !s->block))
			block_missing = false;
	}
}

static void abi_check(struct checkconfig *cc, const char *name, enum cc_status st, const char *why,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void abi_check(struct checkconfig *cc, const char *name, enum cc_status st, const char *why,
		      const char *fmt, ...)
{
	struct cc_abi_check *a;
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cc->abi = xrealloc(cc->abi, (cc->nabi + 1) * sizeof(*cc->abi));
	a = &cc->abi[cc->nabi++];
	a->name = xstrdup(name);
	a->verdict = xstrdup(buf);
	a->why = xstrdup(why);
	a->status = st;
}

/* "enabled", "enabled (as module)", "missing" (or "not set"). */
static const char *word(const struct kconfig *c, const char *name)
{
	return kconfig_is(c, name, "y") ? "enabled"
	     : kconfig_is(c, name, "m") ? "enabled (as module)" : "missing";
}

static enum cc_status status_of(const struct kconfig *c, const char *name)
{
	return kconfig_enabled(c, name) ? CC_GOOD : CC_BAD;
}

static void container_abi_vsyscall(struct checkconfig *cc, const struct kernel_profile *p)
{
	if (strcmp(p->machine, "x86_64")) {
		abi_check(cc, "vsyscall page", CC_NOTE,
			  "only x86_64 has a vsyscall page; nothing on this architecture uses one",
			  "not applicable (%s)", p->machine);
		return;
	}
	switch (p->vsyscall) {
	case VSYSCALL_MODE_NONE:
		abi_check(cc, "vsyscall page", CC_BAD,
			  "glibc <= 2.13 images (centos:6, debian:7) call the page and die with SIGSEGV, "
			  "exit 139, unless vsyscall=emulate is booted", "none");
		break;
	case VSYSCALL_MODE_XONLY:
		abi_check(cc, "vsyscall page", CC_GOOD,
			  "calls into the page (glibc <= 2.13, centos:6) are emulated; only programs "
			  "that read it (rare: old Go, some JITs) fault", "xonly");
		break;
	default:
		abi_check(cc, "vsyscall page", CC_GOOD,
			  "calls and reads of the page are emulated: glibc <= 2.13 images run",
			  "%s", vsyscall_mode_name(p->vsyscall));
		break;
	}
}

static void container_abi_compat(struct checkconfig *cc, const struct kconfig *c,
				 const struct kernel_profile *p)
{
	if (!strcmp(p->machine, "x86_64")) {
		const struct profile_abi *i386 = NULL;
		const char *x32 = kconfig_get(c, "X86_X32_ABI") ? "CONFIG_X86_X32_ABI" : "CONFIG_X86_X32";

		for (size_t i = 0; i < p->nabis; i++)
			if (p->abis[i].table == SYSCALL_I386)
				i386 = &p->abis[i];
		if (kconfig_is(c, "IA32_EMULATION", "y") && i386 && i386->executes != TRI_YES)
			abi_check(cc, "CONFIG_IA32_EMULATION", CC_BAD,
				  "32-bit (i386) images fail with ENOEXEC unless ia32_emulation=1 is booted",
				  "enabled, off by default (IA32_EMULATION_DEFAULT_DISABLED)");
		else
			abi_check(cc, "CONFIG_IA32_EMULATION", status_of(c, "IA32_EMULATION"),
				  "32-bit (i386) images run on an x86_64 kernel only with it", "%s",
				  word(c, "IA32_EMULATION"));
		if (kconfig_enabled(c, x32) && kconfig_is(c, "X86_X32_DISABLED", "y"))
			abi_check(cc, x32, CC_BAD,
				  "x32 images (ILP32 on x86_64, rare) run only when syscall.x32=y is booted",
				  "enabled, off by default (X86_X32_DISABLED)");
		else
			abi_check(cc, x32, status_of(c, x32),
				  "x32 images (ILP32 on x86_64, rare) run only with it", "%s", word(c, x32));
	} else if (!strcmp(p->machine, "aarch64")) {
		abi_check(cc, "CONFIG_COMPAT", status_of(c, "COMPAT"),
			  "32-bit arm images run on arm64 only with it (and a CPU with AArch32 at EL0)",
			  "%s", word(c, "COMPAT"));
	}
}

static void container_abi(struct checkconfig *cc, const struct kconfig *c,
			  const struct kernel_profile *p)
{
	container_abi_vsyscall(cc, p);
	container_abi_compat(cc, c, p);
	if (p->page_size)
		abi_check(cc, "page size", p->page_size > 4096 ? CC_BAD : CC_GOOD,
			  "binaries and allocators built for 4K pages (most amd64-first images) "
			  "crash or fail to load on 16K/64K kernels", "%luK", p->page_size / 1024);
	else
		abi_check(cc, "page size", CC_NOTE, "the config does not say", "unknown");
	abi_check(cc, "CONFIG_BINFMT_MISC", status_of(c, "BINFMT_MISC"),
		  "foreign-architecture images run through qemu-user only with binfmt_misc", "%s",
		  word(c, "BINFMT_MISC"));
	abi_check(cc, "CONFIG_SECCOMP_FILTER", status_of(c, "SECCOMP_FILTER"),
		  "without it runtimes cannot apply their default seccomp profile "
		  "(docker refuses seccomp=default, containers run unfiltered)", "%s",
		  word(c, "SECCOMP_FILTER"));
	abi_check(cc, "CONFIG_USER_NS", status_of(c, "USER_NS"),
		  "rootless docker/podman and userns-remap need user namespaces", "%s",
		  word(c, "USER_NS"));
}

int checkconfig_run(const struct kconfig *c, const struct kernel_profile *p,
		    const struct checkconfig_options *o, struct checkconfig *out,
		    struct ac_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!p->machine)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: no kernel profile", c->path);
	run_steps(out, c, o);
	for (size_t i = 0; i < out->nresults; i++)
		if (out->results[i].counts && out->results[i].status == CC_BAD)
			out->exit_code = 1;
	container_abi(out, c, p);
	return 0;
}

void checkconfig_free(struct checkconfig *cc)
{
	for (size_t i = 0; i < cc->nresults; i++) {
		free(cc->results[i].name);
		free(cc->results[i].verdict);
		free(cc->results[i].value);
		free(cc->results[i].note);
	}
	for (size_t i = 0; i < cc->nabi; i++) {
		free(cc->abi[i].name);
		free(cc->abi[i].verdict);
		free(cc->abi[i].why);
	}
	free(cc->results);
	free(cc->abi);
	memset(cc, 0, sizeof(*cc));
}

int checkconfig_find_config(char *buf, size_t len, struct ac_error *err)
{
	struct utsname u;
	const char *env = getenv("CONFIG");
	char tries[4][512];
	struct stat st;

	if (env && *env && stat(env, &st) == 0) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	if (uname(&u) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "uname");
	snprintf(tries[0], sizeof(tries[0]), "/proc/config.gz");
	snprintf(tries[1], sizeof(tries[1]), "/boot/config-%s", u.release);
	snprintf(tries[2], sizeof(tries[2]), "/usr/src/linux-%s/.config", u.release);
	snprintf(tries[3], sizeof(tries[3]), "/usr/src/linux/.config");
	for (int i = 0; i < 4; i++)
		if (stat(tries[i], &st) == 0) {
			snprintf(buf, len, "%s", tries[i]);
			return 0;
		}
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "cannot find kernel config (tried %s%s, %s, %s, %s, %s); give FILE",
			    env && *env ? env : "", env && *env ? "," : "",
			    tries[0], tries[1], tries[2], tries[3]);
}
