/* verdict/report_table.c — the human report: the target, one row per
 * program that fails or warns (and the command, always), each failure
 * with its message, chain and fix; colour only when asked (a TTY). */
#include <stdio.h>
#include <string.h>

#include "verdict/report.h"

struct paint {
	const char *red, *yellow, *green, *dim, *bold, *off;
};

static void target_line(FILE *out, const struct report *r)
{
	const struct report_target *t = &r->target;

	fprintf(out, "image   %s (%s)\n", r->image_ref, r->image_transport);
	fprintf(out, "target  Linux %s (%s), %s, vsyscall=%s, vDSO %s, %lu-byte pages\n",
		t->kernel_release ? t->kernel_release : "?", t->kernel_source,
		t->machine ? t->machine : "?", t->vsyscall,
		t->vdso < 0 ? "unknown" : t->vdso ? "mapped" : "off (vdso=0)", t->page_size);
	fprintf(out, "runtime %s\n\n", t->seccomp ? t->seccomp : "no seccomp filter");
}

static const char *colour_of(const struct paint *p, enum outcome o)
{
	return o == OUTCOME_FAILS ? p->red : o == OUTCOME_WARN ? p->yellow
				 : o == OUTCOME_RUNS ? p->green : p->dim;
}

static void details(FILE *out, const struct paint *p, const struct finding *f)
{
	if (f->message)
		fprintf(out, "    %sprints%s  %s\n", p->dim, p->off, f->message);
	if (f->nchain) {
		fprintf(out, "    %schain%s   ", p->dim, p->off);
		for (size_t i = 0; i < f->nchain; i++)
			fprintf(out, "%s%s", i ? " -> " : "", f->chain[i]);
		fputc('\n', out);
	}
	if (f->fix)
		fprintf(out, "    %sfix%s     %s\n", p->dim, p->off, f->fix);
}

static void program_row(FILE *out, const struct paint *p, const struct program_verdict *pv)
{
	const char *reason = pv->error ? pv->error : pv->deciding ? pv->deciding->reason : "";
	char exit_code[16];

	if (pv->outcome == OUTCOME_WARN)
		for (size_t i = 0; i < pv->nfindings && !*reason; i++)
			if (pv->findings[i].severity == SEV_WARN)
				reason = pv->findings[i].reason;
	snprintf(exit_code, sizeof(exit_code), "%d", pv->exit_code);
	fprintf(out, "%-40s %s%-7s%s %-5s %s\n", pv->path, colour_of(p, pv->outcome),
		outcome_name(pv->outcome), p->off, pv->outcome == OUTCOME_FAILS ? exit_code : "-",
		reason);
	for (size_t i = 0; i < pv->nfindings; i++)
		if (pv->findings[i].severity == SEV_FAIL ||
		    (pv->outcome != OUTCOME_FAILS && pv->findings[i].severity == SEV_WARN)) {
			details(out, p, &pv->findings[i]);
			if (pv->findings[i].severity == SEV_FAIL)
				break; /* the deciding one; -o json has all */
		}
}

void report_table(FILE *out, const struct report *r, bool colour)
{
	static const struct paint on = { "\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[1m",
					 "\033[0m" };
	static const struct paint off = { "", "", "", "", "", "" };
	const struct paint *p = colour ? &on : &off;
	size_t n[4] = { 0 }, shown = 0;

	target_line(out, r);
	fprintf(out, "%s%-40s %-7s %-5s %s%s\n", p->bold, "PROGRAM", "VERDICT", "EXIT", "REASON",
		p->off);
	for (size_t i = 0; i < r->nprograms; i++) {
		const struct program_verdict *pv = &r->programs[i];

		n[pv->outcome]++;
		if (pv->role != ROLE_EXECUTABLE || pv->outcome != OUTCOME_RUNS) {
			program_row(out, p, pv);
			shown++;
		}
	}
	if (shown < r->nprograms)
		fprintf(out, "%s(%zu more programs run)%s\n", p->dim, r->nprograms - shown, p->off);
	fprintf(out, "\n%zu programs: %zu run, %zu warn, %zu fail, %zu unknown\n", r->nprograms,
		n[OUTCOME_RUNS], n[OUTCOME_WARN], n[OUTCOME_FAILS], n[OUTCOME_UNKNOWN]);
}
