/* verdict/rule_vsyscall.c — the legacy vsyscall page (rules.h).
 *
 * eglibc/glibc <= 2.13 on x86_64 call fixed addresses in the vsyscall page
 * (0xffffffffff600000: gettimeofday, +0x400 time, +0x800 getcpu).  The
 * kernel's vsyscall= mode decides what that does (vsyscall_64.c, and what
 * ../shared/tools/vmrun observed on 5.10/6.1/6.12): none has no page, so
 * any use is SIGSEGV (exit 139); xonly emulates calls but faults on reads;
 * emulate allows both.  Code that uses the vDSO when the kernel passes one
 * and the vsyscall address only otherwise ("fallback") fails only with
 * vdso=0.
 */
#include "verdict/rules.h"

#include "analyzer/sites.h"

static const char *entry_name(uint64_t target)
{
	const char *n = vsyscall_entry_name(target);
	return n ? n : "the vsyscall page";
}

/* Whether this use faults under the target's mode. */
static bool faults(const struct kernel_profile *p, const struct reached_vsyscall *v)
{
	if (v->fallback && p->vdso != TRI_NO)
		return false;
	if (p->vsyscall == VSYSCALL_MODE_NONE)
		return true;
	return p->vsyscall == VSYSCALL_MODE_XONLY && v->access == VSYSCALL_READ;
}

static void add_fault(const struct rule_ctx *c, struct program_verdict *pv,
		      const struct reached_vsyscall *v)
{
	const struct kernel_profile *p = c->profile;
	struct finding *f = verdict_add(pv, "vsyscall", SEV_FAIL, STAGE_RUNTIME, 139, "SIGSEGV");

	finding_set(&f->message, "Segmentation fault (core dumped)");
	finding_set(&f->reason, "%s %s %s at 0x%llx, and the kernel %s: SIGSEGV",
		    c->label, v->access == VSYSCALL_EXEC ? "calls" : "reads", entry_name(v->target),
		    (unsigned long long)v->target,
		    v->fallback ? "passes no vDSO (vdso=0), so the vsyscall fallback runs, and has no "
				  "vsyscall page (vsyscall=none)"
		    : p->vsyscall == VSYSCALL_MODE_NONE ? "has no vsyscall page (vsyscall=none)"
							 : "maps it execute-only (vsyscall=xonly)");
	finding_set(&f->fix, "boot the host with vsyscall=emulate%s, or use an image whose libc "
		    "uses the vDSO (glibc >= 2.14; e.g. centos:7 instead of centos:6)",
		    v->fallback ? " or without vdso=0" : "");
	rule_chain_start(c, f);
	rule_chain_reach(f, &v->chain);
	finding_chain(f, "kernel: vsyscall=%s (%s)%s", vsyscall_mode_name(p->vsyscall),
		      rule_basis(p->vsyscall_basis), v->fallback ? ", vdso=0" : "");
}

static void add_note(const struct rule_ctx *c, struct program_verdict *pv,
		     const struct reached_vsyscall *v, enum severity sev)
{
	const struct kernel_profile *p = c->profile;
	struct finding *f = verdict_add(pv, "vsyscall", sev, STAGE_RUNTIME, 0, NULL);

	if (sev == SEV_WARN)
		finding_set(&f->reason, "%s uses %s (0x%llx) and the target's vsyscall mode is "
			    "unknown: it dies with SIGSEGV (139) under vsyscall=none",
			    c->label, entry_name(v->target), (unsigned long long)v->target);
	else
		finding_set(&f->reason, "%s uses %s (0x%llx)%s; it works here because %s, and "
			    "would die with SIGSEGV (139) under vsyscall=none%s",
			    c->label, entry_name(v->target), (unsigned long long)v->target,
			    v->fallback ? " only when no vDSO is passed" : "",
			    v->fallback ? "the vDSO is mapped" : p->vsyscall == VSYSCALL_MODE_EMULATE
				    ? "vsyscall=emulate" : "vsyscall=xonly emulates calls",
			    v->fallback ? " with vdso=0" : "");
	finding_set(&f->fix, "on a host booted with vsyscall=none: boot it with vsyscall=emulate, "
		    "or use an image whose libc uses the vDSO (glibc >= 2.14)");
	rule_chain_start(c, f);
	rule_chain_reach(f, &v->chain);
	finding_chain(f, "kernel: vsyscall=%s (%s)", vsyscall_mode_name(p->vsyscall),
		      rule_basis(p->vsyscall_basis));
}

void rule_vsyscall(const struct rule_ctx *c, struct program_verdict *pv)
{
	const struct reached_vsyscall *worst = NULL;
	bool any_fault = false;

	if (!c->reach)
		return;
	/* One finding per program: the first faulting use, else the first use. */
	for (size_t i = 0; i < c->reach->nvsyscalls; i++) {
		const struct reached_vsyscall *v = &c->reach->vsyscalls[i];
		bool f = c->profile->vsyscall != VSYSCALL_MODE_UNKNOWN && faults(c->profile, v);

		if (!worst || (f && !any_fault)) {
			worst = v;
			any_fault = f;
		}
	}
	if (!worst)
		return;
	if (any_fault)
		add_fault(c, pv, worst);
	else
		add_note(c, pv, worst,
			 c->profile->vsyscall == VSYSCALL_MODE_UNKNOWN ? SEV_WARN : SEV_NOTE);
}
