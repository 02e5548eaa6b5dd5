/* verdict/rule_syscalls.c — syscalls the target does not give (rules.h).
 *
 * For every syscall the program can reach (analyzer/reach.h), two
 * questions: does the kernel implement it (profile: absent = ENOSYS), and
 * what does the runtime's seccomp filter answer (probes/seccomp.h)?  The
 * consequence depends on who asks: glibc tries some new syscalls first and
 * falls back on ENOSYS (verdict/fallbacks.h), so an absent one costs
 * nothing, while a filter answering EPERM defeats the fallback and gives
 * the table's symptom.  A start-up syscall (it runs even for --version)
 * that fails takes the program down; others fail the feature that uses
 * them.  KILL/TRAP actions end the process with SIGSYS (exit 159).
 */
#include "verdict/rules.h"

#include <errno.h>
#include <string.h>

#include "verdict/fallbacks.h"

static const struct glibc_fallback *fallback_for(const char *name)
{
	for (size_t i = 0; i < glibc_fallbacks_count; i++)
		if (!strcmp(glibc_fallbacks[i].syscall, name))
			return &glibc_fallbacks[i];
	return NULL;
}

static bool harmless(const struct glibc_fallback *fb)
{
	return !strncmp(fb->symptom_if_eperm, "none", 4);
}

static void chain(const struct rule_ctx *c, struct finding *f, const struct reached_syscall *s,
		  const char *fact)
{
	rule_chain_start(c, f);
	rule_chain_reach(f, &s->chain);
	finding_chain(f, "%s", fact);
}

static void absent(const struct rule_ctx *c, struct program_verdict *pv,
		   const struct reached_syscall *s, const char *name, enum basis b)
{
	const struct glibc_fallback *fb = fallback_for(name);
	enum severity sev = fb ? SEV_NOTE : s->startup ? SEV_FAIL : SEV_WARN;
	struct finding *f = verdict_add(pv, "enosys", sev, s->startup ? STAGE_STARTUP : STAGE_RUNTIME,
					sev == SEV_FAIL ? 1 : 0, NULL);
	char fact[160];

	if (fb)
		finding_set(&f->reason, "%s is not in the target kernel; glibc falls back to %s on "
			    "ENOSYS, so %s runs", name, fb->fallback, c->label);
	else
		finding_set(&f->reason, "%s is not in the target kernel: %s gets ENOSYS %s", name,
			    c->label, s->startup ? "during start-up and fails"
						 : "when it uses the feature that calls it");
	if (!fb)
		finding_set(&f->message, "%s: Function not implemented", name);
	finding_set(&f->fix, "run on a kernel that has %s (Linux >= %s)", name,
		    syscall_by_nr(s->table, s->nr)->first_version);
	snprintf(fact, sizeof(fact), "kernel: %s absent (%s)", name, rule_basis(b));
	chain(c, f, s, fact);
}

static void denied(const struct rule_ctx *c, struct program_verdict *pv,
		   const struct reached_syscall *s, const char *name,
		   const struct seccomp_verdict *v)
{
	const struct glibc_fallback *fb = fallback_for(name);
	bool kill = v->ret.action != SECCOMP_ACT_ERRNO;
	enum severity sev = s->startup ? SEV_FAIL : SEV_WARN;
	struct finding *f;
	char fact[512], ret[32];

	if (!kill && fb && harmless(fb))
		sev = SEV_NOTE;
	f = verdict_add(pv, "seccomp", sev, s->startup ? STAGE_STARTUP : STAGE_RUNTIME,
			sev != SEV_FAIL ? 0 : kill ? 159 : 1, kill ? "SIGSYS" : NULL);
	if (kill)
		finding_set(&f->reason, "the seccomp filter kills the process on %s: SIGSYS (159)%s",
			    name, s->startup ? " during start-up" : " when it is called");
	else
		finding_set(&f->reason, "the seccomp filter answers %s with EPERM where glibc expects "
			    "ENOSYS to fall back%s%s", name, fb ? ": " : "",
			    fb ? fb->symptom_if_eperm : "");
	if (kill)
		finding_set(&f->message, "Bad system call (core dumped)");
	finding_set(&f->fix, "use a runtime whose profile knows %s (newer docker/runc), or "
		    "--security-opt seccomp=PROFILE allowing it (or answering ENOSYS)", name);
	snprintf(fact, sizeof(fact), "seccomp: %s -> %s (%s)", name,
		 seccomp_ret_format(v->ret, ret, sizeof(ret)), v->why);
	chain(c, f, s, fact);
}

/* Denials glibc does not depend on are collected into one note. */
static void denied_note(const struct rule_ctx *c, struct program_verdict *pv, const char *names,
			size_t n)
{
	struct finding *f;

	if (!n)
		return;
	f = verdict_add(pv, "seccomp", SEV_NOTE, STAGE_RUNTIME, 0, NULL);
	finding_set(&f->reason, "%zu reachable syscall%s denied with EPERM by the seccomp filter "
		    "(features using them fail): %s", n, n == 1 ? "" : "s", names);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	finding_chain(f, "seccomp: %s", seccomp_model_describe(c->seccomp));
}

static void check_seccomp(const struct rule_ctx *c, struct program_verdict *pv,
			  const struct reached_syscall *s, const char *name, char *names,
			  size_t len, size_t *n)
{
	struct seccomp_verdict v;
	struct ac_error err;

	if (!c->seccomp || seccomp_model_eval(c->seccomp, s->table, s->nr, NULL, &v, &err) < 0)
		return;
	if (v.ret.action == SECCOMP_ACT_ALLOW || v.ret.action == SECCOMP_ACT_LOG ||
	    (v.ret.action == SECCOMP_ACT_ERRNO && v.ret.data == ENOSYS))
		return;
	if (v.ret.action == SECCOMP_ACT_ERRNO && !fallback_for(name) && !s->startup) {
		size_t used = strlen(names);
		if (used + strlen(name) + 3 < len)
			snprintf(names + used, len - used, "%s%s", used ? ", " : "", name);
		(*n)++;
		return;
	}
	denied(c, pv, s, name, &v);
}

void rule_syscalls(const struct rule_ctx *c, struct program_verdict *pv)
{
	char names[1024] = "";
	size_t ndenied = 0;

	if (!c->reach)
		return;
	for (size_t i = 0; i < c->reach->nsyscalls; i++) {
		const struct reached_syscall *s = &c->reach->syscalls[i];
		const struct syscall_entry *e = syscall_by_nr(s->table, s->nr);
		const struct profile_abi *a = profile_abi((struct kernel_profile *)c->profile, s->table);
		size_t k;

		if (!e || !a)
			continue;
		k = (size_t)(e - syscall_tables[s->table].entries);
		if (a->avail[k] == AVAIL_NO)
			absent(c, pv, s, e->name, a->avail_basis[k]);
		else
			check_seccomp(c, pv, s, e->name, names, sizeof(names), &ndenied);
	}
	denied_note(c, pv, names, ndenied);
}
