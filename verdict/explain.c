/* verdict/explain.c — see explain.h. */
#include "verdict/explain.h"

#include <string.h>

#include "verdict/exit_codes.h"

/* Which exit codes each rule can produce, on some target. */
static const struct {
	const char *rule;
	int codes[3];
} rule_codes[] = {
	{ "vsyscall", { 139 } },
	{ "kernel-too-old", { 127, 134 } },
	{ "missing-library", { 127 } },
	{ "missing-interpreter", { 127 } },
	{ "command-not-found", { 127 } },
	{ "exec-format", { 126 } },
	{ "page-size", { 126, 127 } },
	{ "seccomp", { 159, 1 } },
	{ "enosys", { 1 } },
};

bool explain_rule_gives(const char *rule, int code)
{
	for (size_t i = 0; i < sizeof(rule_codes) / sizeof(rule_codes[0]); i++)
		if (!strcmp(rule_codes[i].rule, rule))
			for (size_t j = 0; j < 3 && rule_codes[i].codes[j]; j++)
				if (rule_codes[i].codes[j] == code)
					return true;
	return false;
}

size_t explain_rank(const struct program_verdict *pv, int code, struct explain_cause *causes,
		    size_t max)
{
	size_t n = 0;

	/* Findings are sorted most severe, earliest stage first already. */
	for (int cls = 0; cls < 2; cls++)
		for (size_t i = 0; i < pv->nfindings && n < max; i++) {
			const struct finding *f = &pv->findings[i];
			bool here = f->severity == SEV_FAIL && f->exit_code == code;

			if ((cls == 0 && here) ||
			    (cls == 1 && !here && explain_rule_gives(f->rule, code)))
				causes[n++] = (struct explain_cause){ .rank_class = cls, .finding = f };
		}
	for (size_t i = 0; i < exit_code_causes_count && n < max; i++)
		if (exit_code_causes[i].code == code)
			causes[n++] = (struct explain_cause){
				.rank_class = 2, .title = exit_code_causes[i].title,
				.why = exit_code_causes[i].why, .fix = exit_code_causes[i].fix,
			};
	return n;
}

static void print_finding(FILE *out, size_t i, const struct explain_cause *c)
{
	const struct finding *f = c->finding;

	fprintf(out, "%zu. %s%s: %s\n", i + 1, f->rule,
		c->rank_class == 0 ? " (predicted on this target)"
				   : " (not on this target; on others it gives this code)",
		f->reason ? f->reason : "");
	if (f->message)
		fprintf(out, "   prints  %s\n", f->message);
	if (f->nchain) {
		fputs("   chain   ", out);
		for (size_t j = 0; j < f->nchain; j++)
			fprintf(out, "%s%s", j ? " -> " : "", f->chain[j]);
		fputc('\n', out);
	}
	if (f->fix)
		fprintf(out, "   fix     %s\n", f->fix);
}

void explain_print(FILE *out, const struct program_verdict *pv, int code,
		   const struct explain_cause *causes, size_t n)
{
	fprintf(out, "exit code %d", code);
	if (code > 128 && code < 160)
		fprintf(out, " = 128 + signal %d", code - 128);
	fprintf(out, " from %s", pv->path);
	if (pv->argv)
		fprintf(out, " (command: %s)", pv->argv[0]);
	fputs("\n\n", out);
	for (size_t i = 0; i < n; i++) {
		if (causes[i].finding)
			print_finding(out, i, &causes[i]);
		else
			fprintf(out, "%zu. %s (general): %s\n   fix     %s\n", i + 1, causes[i].title,
				causes[i].why, causes[i].fix);
	}
	if (!n)
		fputs("no known cause of this exit code\n", out);
}
