/* verdict/report_json.c — the report as JSON, schema abicheck.report/v1
 * (docs/REPORT-JSON.md).  Deterministic: programs in the order checked
 * (the command first), findings sorted (verdict.c), no timestamps. */
#include <jansson.h>

#include "common/jsontext.h"
#include "verdict/report.h"

static json_t *json_finding(const struct finding *f)
{
	json_t *chain = json_array();

	for (size_t i = 0; i < f->nchain; i++)
		json_array_append_new(chain, json_text(f->chain[i]));
	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o}", "rule", f->rule,
			 "severity", severity_name(f->severity), "stage", stage_name(f->stage),
			 "exit_code", f->exit_code, "signal", json_text(f->signal), "message",
			 json_text(f->message), "reason", json_text(f->reason), "fix", json_text(f->fix), "chain",
			 chain);
}

static json_t *json_program(const struct program_verdict *pv)
{
	json_t *findings = json_array(), *argv = json_null();

	for (size_t i = 0; i < pv->nfindings; i++)
		json_array_append_new(findings, json_finding(&pv->findings[i]));
	if (pv->argv) {
		argv = json_array();
		for (int i = 0; i < pv->argc; i++)
			json_array_append_new(argv, json_text(pv->argv[i]));
	}
	return json_pack("{s:o, s:o, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "path", json_text(pv->path),
			 "command", argv, "role", role_name(pv->role), "verdict",
			 outcome_name(pv->outcome), "exit_code", pv->exit_code, "signal",
			 json_text(pv->signal), "reason",
			 json_text(pv->deciding ? pv->deciding->reason : NULL), "error", json_text(pv->error),
			 "findings", findings);
}

static json_t *json_target(const struct report_target *t)
{
	return json_pack("{s:{s:o, s:o, s:[i,i,i], s:o}, s:o, s:o, s:o, s:o, s:o}", "kernel",
			 "source", json_text(t->kernel_source), "release", json_text(t->kernel_release),
			 "version", t->kernel_version[0], t->kernel_version[1], t->kernel_version[2],
			 "machine", json_text(t->machine), "cmdline", json_text(t->cmdline), "vsyscall",
			 json_text(t->vsyscall), "vdso", t->vdso < 0 ? json_null() : json_boolean(t->vdso),
			 "page_size", t->page_size ? json_integer((json_int_t)t->page_size) : json_null(),
			 "seccomp", json_text(t->seccomp));
}

static json_t *json_summary(const struct report *r)
{
	size_t n[4] = { 0 };

	for (size_t i = 0; i < r->nprograms; i++)
		n[r->programs[i].outcome]++;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:i}", "programs",
			 (json_int_t)r->nprograms, "runs", (json_int_t)n[OUTCOME_RUNS], "warn",
			 (json_int_t)n[OUTCOME_WARN], "fails", (json_int_t)n[OUTCOME_FAILS], "unknown",
			 (json_int_t)n[OUTCOME_UNKNOWN], "fail_on",
			 r->fail_never ? "never" : severity_name(r->fail_on), "exit_code",
			 r->exit_code);
}

void report_json(FILE *out, const struct report *r)
{
	json_t *programs = json_array(), *root;

	for (size_t i = 0; i < r->nprograms; i++)
		json_array_append_new(programs, json_program(&r->programs[i]));
	root = json_pack("{s:s, s:{s:o, s:o, s:o}, s:o, s:o, s:o}", "schema", REPORT_SCHEMA,
			 "image", "ref", json_text(r->image_ref), "transport",
			 json_text(r->image_transport), "platform",
			 json_text(r->image_platform), "target", json_target(&r->target), "programs",
			 programs, "summary", json_summary(r));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

int report_exit_code(const struct report *r)
{
	if (r->fail_never)
		return 0;
	for (size_t i = 0; i < r->nprograms; i++)
		for (size_t j = 0; j < r->programs[i].nfindings; j++)
			if (r->programs[i].findings[j].severity >= r->fail_on)
				return 1;
	return 0;
}
