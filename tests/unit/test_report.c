/* tests/unit/test_report.c — the report formats on synthetic verdicts: a
 * centos:6-like bash dying with SIGSEGV on a vsyscall=none kernel, an ls
 * that runs, a python3 warned about ENOSYS, a binary that could not be
 * analysed, and a loader failure at a path that needs URI escaping.
 *
 * Writes report.json and report.sarif (and report-empty.*, report-latin1.sarif,
 * report-shared.sarif) into $ABICHECK_REPORT_OUT_DIR, else beside this
 * binary, for tests/integration/t-report-schema.sh, which validates them
 * against data/schema/; here the key facts are read back
 * with jansson and compared with the verdict records they came from.  Also
 * report_exit_code() against --fail-on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "verdict/report.h"

enum { P_BASH, P_LS, P_PYTHON, P_APP, P_REPORTGEN, P_SSHD, NPROGRAMS };

static struct program_verdict programs[NPROGRAMS];
static struct report report;
static char out_dir[PATH_MAX];

/* argv0 NULL: not a command, as for ROLE_EXECUTABLE. */
static void program(struct program_verdict *pv, const char *path, enum program_role role,
		    const char *argv0, const char *arg1)
{
	pv->path = xstrdup(path);
	pv->role = role;
	if (!argv0)
		return;
	pv->argv = xcalloc(2, sizeof(*pv->argv));
	pv->argv[pv->argc++] = xstrdup(argv0);
	if (arg1)
		pv->argv[pv->argc++] = xstrdup(arg1);
}

/* One finding as the rules would fill it. */
struct finding_spec {
	const char *rule;
	enum severity severity;
	enum stage stage;
	int exit_code;
	const char *signal, *message, *reason, *fix;
	const char *chain[6];
};

/* glibc 2.12 calls time() through the vsyscall page; vsyscall=none has no
 * such page, so start-up faults (the "centos:6 bash exits 139" case). */
static const struct finding_spec bash_vsyscall = {
	"vsyscall", SEV_FAIL, STAGE_STARTUP, 139, "SIGSEGV", NULL,
	"bash calls time() through the legacy vsyscall page during libc start-up, and the "
	"kernel (vsyscall=none) does not map it",
	"boot the host with vsyscall=emulate, or use an image built on glibc >= 2.14 (centos:7)",
	{ "/bin/bash (ELF x86_64 exec, glibc 2.12)", "import time@GLIBC_2.2.5 -> /lib64/libc.so.6",
	  "libc.so.6:time", "call 0xffffffffff600400 at libc.so.6+0x8e1b0 (vsyscall time)",
	  "kernel: vsyscall=none, no [vsyscall] mapping: the call faults" },
};
static const struct finding_spec bash_abi_tag = {
	"abi-tag", SEV_NOTE, STAGE_LOADER, 0, NULL, NULL,
	"glibc 2.12 in the image asks for kernel >= 2.6.18; 6.1.0 is newer", NULL, { NULL },
};
static const struct finding_spec python_enosys = {
	"enosys", SEV_WARN, STAGE_RUNTIME, 0, NULL, "OSError: [Errno 38] Function not implemented",
	"python3.11 can call copy_file_range, which kernel 4.4 does not implement (added in 4.5)",
	"run on kernel >= 4.5",
	{ "/usr/bin/python3.11", "import copy_file_range@GLIBC_2.27", "libc.so.6:copy_file_range",
	  "syscall 326 at libc.so.6+0x10e8c2" },
};
/* The same rule as python3's, here fatal: a second use, more severe. */
static const struct finding_spec sshd_enosys = {
	"enosys", SEV_FAIL, STAGE_STARTUP, 255, NULL, "fatal: getrandom: Function not implemented",
	"sshd seeds its RNG with getrandom at start-up, which kernel 3.10 does not implement "
	"(added in 3.17), and has no fallback",
	NULL,
	{ "/usr/sbin/sshd", "import getrandom@GLIBC_2.25", "libc.so.6:getrandom",
	  "syscall 318 at libc.so.6+0x46f10" },
};
/* glibc's loader compares the ABI tag with uname and gives up: exit 127. */
static const struct finding_spec reportgen_too_old = {
	"kernel-too-old", SEV_FAIL, STAGE_LOADER, 127, NULL, "FATAL: kernel too old",
	"its glibc requires kernel >= 6.8.0 (NT_GNU_ABI_TAG) and the target runs 6.1.0",
	"run on kernel >= 6.8.0",
	{ "/opt/legacy tools/report:gen",
	  "NT_GNU_ABI_TAG of /lib/x86_64-linux-gnu/libc.so.6: Linux 6.8.0" },
};

static void add(struct program_verdict *pv, const struct finding_spec *s)
{
	struct finding *f = verdict_add(pv, s->rule, s->severity, s->stage, s->exit_code, s->signal);

	if (s->message)
		finding_set(&f->message, "%s", s->message);
	finding_set(&f->reason, "%s", s->reason);
	if (s->fix)
		finding_set(&f->fix, "%s", s->fix);
	for (size_t i = 0; i < 6 && s->chain[i]; i++)
		finding_chain(f, "%s", s->chain[i]);
}

static void fill_programs(void)
{
	memset(programs, 0, sizeof(programs));
	program(&programs[P_BASH], "/bin/bash", ROLE_COMMAND, "bash", NULL);
	add(&programs[P_BASH], &bash_abi_tag); /* sorted after the failure */
	add(&programs[P_BASH], &bash_vsyscall);
	program(&programs[P_LS], "/bin/ls", ROLE_EXECUTABLE, NULL, NULL);
	program(&programs[P_PYTHON], "/usr/bin/python3.11", ROLE_EXECUTABLE, NULL, NULL);
	add(&programs[P_PYTHON], &python_enosys);
	program(&programs[P_APP], "/usr/local/bin/app", ROLE_ENTRYPOINT, "/usr/local/bin/app",
		"--serve");
	programs[P_APP].error = xstrdup("truncated ELF (16 bytes)");
	program(&programs[P_REPORTGEN], "/opt/legacy tools/report:gen", ROLE_EXECUTABLE, NULL, NULL);
	add(&programs[P_REPORTGEN], &reportgen_too_old);
	program(&programs[P_SSHD], "/usr/sbin/sshd", ROLE_EXECUTABLE, NULL, NULL);
	add(&programs[P_SSHD], &sshd_enosys);
	for (size_t i = 0; i < NPROGRAMS; i++)
		verdict_finish(&programs[i]);
}

static int setup(void **state)
{
	const char *dir = getenv("ABICHECK_REPORT_OUT_DIR");
	char self[PATH_MAX];
	ssize_t n;

	(void)state;
	if (dir && *dir) {
		snprintf(out_dir, sizeof(out_dir), "%s", dir);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		snprintf(out_dir, sizeof(out_dir), "%s", n > 0 ? dirname(self) : ".");
	}
	fill_programs();
	report = (struct report){
		.image_ref = "docker-archive:centos6.tar",
		.image_transport = "docker-archive",
		.image_platform = "linux/amd64",
		.target = { .kernel_source = "kernel-config", .kernel_release = "6.1.0-13-amd64",
			    .kernel_version = { 6, 1, 0 }, .machine = "x86_64",
			    .vsyscall = "none", .vdso = 1, .page_size = 4096,
			    .cmdline = "BOOT_IMAGE=/vmlinuz vsyscall=none",
			    .seccomp = "docker 24.0 default profile" },
		.programs = programs,
		.nprograms = NPROGRAMS,
		.fail_on = SEV_FAIL,
	};
	report.exit_code = report_exit_code(&report);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++)
		verdict_free(&programs[i]);
	return 0;
}

/* Writes r in one format into out_dir/name and parses it back. */
static json_t *write_and_load(const char *name, void (*fmt)(FILE *, const struct report *),
			      const struct report *r)
{
	char path[PATH_MAX + 32];
	json_error_t jerr;
	json_t *doc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fmt(f, r);
	assert_int_equal(fclose(f), 0);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("%s: not JSON: %s (line %d)", path, jerr.text, jerr.line);
	return doc;
}

static const char *jget_str(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	return json_string_value(v);
}

static json_int_t jget_int(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	return json_integer_value(v);
}

static void json_program_matches(json_t *jp, const struct program_verdict *pv)
{
	json_t *findings = json_object_get(jp, "findings");

	assert_string_equal(jget_str(jp, "path"), pv->path);
	assert_string_equal(jget_str(jp, "verdict"), outcome_name(pv->outcome));
	assert_int_equal(jget_int(jp, "exit_code"), pv->exit_code);
	assert_int_equal(json_array_size(findings), pv->nfindings);
	for (size_t i = 0; i < pv->nfindings; i++) {
		json_t *jf = json_array_get(findings, i);

		assert_string_equal(jget_str(jf, "rule"), pv->findings[i].rule);
		assert_string_equal(jget_str(jf, "severity"), severity_name(pv->findings[i].severity));
		assert_int_equal(json_array_size(json_object_get(jf, "chain")), pv->findings[i].nchain);
	}
}

static void json_report(void **state)
{
	json_t *doc = write_and_load("report.json", report_json, &report), *progs, *bash, *sum;

	(void)state;
	assert_string_equal(jget_str(doc, "schema"), REPORT_SCHEMA);
	progs = json_object_get(doc, "programs");
	assert_int_equal(json_array_size(progs), NPROGRAMS);
	for (size_t i = 0; i < NPROGRAMS; i++)
		json_program_matches(json_array_get(progs, i), &programs[i]);
	/* The deciding failure: vsyscall sorted before the note, exit 139. */
	bash = json_array_get(progs, P_BASH);
	assert_string_equal(jget_str(bash, "verdict"), "fails");
	assert_int_equal(jget_int(bash, "exit_code"), 139);
	assert_string_equal(jget_str(bash, "signal"), "SIGSEGV");
	assert_string_equal(jget_str(bash, "reason"), programs[P_BASH].deciding->reason);
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(json_object_get(bash, "findings"), 0), "chain")), 5);
	assert_string_equal(jget_str(json_array_get(progs, P_LS), "verdict"), "runs");
	assert_string_equal(jget_str(json_array_get(progs, P_PYTHON), "verdict"), "warn");
	assert_string_equal(jget_str(json_array_get(progs, P_APP), "verdict"), "unknown");
	assert_string_equal(jget_str(json_array_get(progs, P_APP), "error"), programs[P_APP].error);
	assert_int_equal(jget_int(json_array_get(progs, P_REPORTGEN), "exit_code"), 127);
	sum = json_object_get(doc, "summary");
	assert_int_equal(jget_int(sum, "programs"), NPROGRAMS);
	assert_int_equal(jget_int(sum, "fails"), 3);
	assert_int_equal(jget_int(sum, "runs"), 1);
	assert_int_equal(jget_int(sum, "warn"), 1);
	assert_int_equal(jget_int(sum, "unknown"), 1);
	assert_string_equal(jget_str(sum, "fail_on"), "fail");
	assert_int_equal(jget_int(sum, "exit_code"), 1);
	json_decref(doc);
}

static size_t total_findings(void)
{
	size_t n = 0;

	for (size_t i = 0; i < report.nprograms; i++)
		n += report.programs[i].nfindings;
	return n;
}

/* The rule ids of the report, each once. */
static size_t distinct_rules(void)
{
	const char *seen[64];
	size_t n = 0, k;

	for (size_t i = 0; i < report.nprograms; i++)
		for (size_t j = 0; j < report.programs[i].nfindings; j++) {
			const char *rule = report.programs[i].findings[j].rule;

			for (k = 0; k < n && strcmp(seen[k], rule) != 0; k++)
				;
			if (k == n)
				seen[n++] = rule;
		}
	return n;
}

static const char *level_of(enum severity s)
{
	return s == SEV_FAIL ? "error" : s == SEV_WARN ? "warning" : "note";
}

/* result -> its rule descriptor and its artifact agree with it. */
static void sarif_result_refs(json_t *run, json_t *res, const struct program_verdict *pv,
			      const struct finding *f)
{
	json_t *rule = json_array_get(json_object_get(json_object_get(json_object_get(run, "tool"),
								      "driver"), "rules"),
				      (size_t)jget_int(res, "ruleIndex"));
	json_t *loc = json_object_get(json_object_get(json_array_get(json_object_get(res, "locations"),
								     0), "physicalLocation"),
				      "artifactLocation");
	json_t *art = json_array_get(json_object_get(run, "artifacts"), (size_t)jget_int(loc, "index"));

	assert_string_equal(jget_str(res, "ruleId"), f->rule);
	assert_non_null(rule);
	assert_string_equal(jget_str(rule, "id"), f->rule);
	assert_string_equal(jget_str(res, "level"), level_of(f->severity));
	if (!strpbrk(pv->path, " :")) /* else escaped: see sarif_report */
		assert_string_equal(jget_str(loc, "uri"), pv->path + 1);
	assert_non_null(json_object_get(json_object_get(run, "originalUriBaseIds"),
					jget_str(loc, "uriBaseId")));
	assert_non_null(art);
	assert_string_equal(jget_str(json_object_get(art, "location"), "uri"), jget_str(loc, "uri"));
}

static void sarif_result_facts(json_t *res, const struct finding *f)
{
	json_t *props = json_object_get(res, "properties");
	const char *text = jget_str(json_object_get(res, "message"), "text");
	json_t *steps;

	assert_int_equal(jget_int(props, "exit_code"), f->exit_code);
	assert_string_equal(jget_str(props, "stage"), stage_name(f->stage));
	assert_string_equal(jget_str(props, "image"), report.image_ref);
	assert_non_null(strstr(text, f->reason));
	if (f->message)
		assert_non_null(strstr(text, f->message));
	if (f->signal)
		assert_non_null(strstr(text, f->signal));
	if (!f->nchain) {
		assert_null(json_object_get(res, "codeFlows"));
		return;
	}
	steps = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(
								   res, "codeFlows"), 0),
							       "threadFlows"), 0),
				"locations");
	assert_int_equal(json_array_size(steps), f->nchain);
	for (size_t i = 0; i < f->nchain; i++)
		assert_string_equal(jget_str(json_object_get(json_object_get(json_array_get(steps, i),
									    "location"),
							     "message"),
					     "text"),
				    f->chain[i]);
}

static void sarif_report(void **state)
{
	json_t *doc = write_and_load("report.sarif", report_sarif, &report), *run, *driver, *results, *inv;
	size_t n = 0;

	(void)state;
	assert_string_equal(jget_str(doc, "version"), "2.1.0");
	assert_string_equal(jget_str(doc, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	assert_int_equal(json_array_size(json_object_get(doc, "runs")), 1);
	run = json_array_get(json_object_get(doc, "runs"), 0);
	driver = json_object_get(json_object_get(run, "tool"), "driver");
	assert_string_equal(jget_str(driver, "name"), "abicheck");
	assert_true(*jget_str(driver, "version"));
	assert_int_equal(json_array_size(json_object_get(driver, "rules")), distinct_rules());
	results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), total_findings());
	for (size_t i = 0; i < report.nprograms; i++)
		for (size_t j = 0; j < report.programs[i].nfindings; j++, n++) {
			sarif_result_refs(run, json_array_get(results, n), &report.programs[i],
					  &report.programs[i].findings[j]);
			sarif_result_facts(json_array_get(results, n), &report.programs[i].findings[j]);
		}
	/* Every program is an artifact, those with findings only are results. */
	assert_int_equal(json_array_size(json_object_get(run, "artifacts")), NPROGRAMS);
	assert_string_equal(jget_str(json_object_get(json_array_get(json_object_get(run, "artifacts"),
								    P_REPORTGEN),
						     "location"),
				     "uri"),
			    "opt/legacy%20tools/report%3Agen");
	inv = json_array_get(json_object_get(run, "invocations"), 0);
	assert_true(json_is_true(json_object_get(inv, "executionSuccessful")));
	assert_int_equal(jget_int(inv, "exitCode"), report.exit_code);
	assert_string_equal(jget_str(json_object_get(json_object_get(inv, "properties"), "target"),
				     "vsyscall"),
			    "none");
	json_decref(doc);
}

/* The rule descriptor: the most severe use, help only where a fix exists. */
static void sarif_rules(void **state)
{
	json_t *doc = write_and_load("report.sarif", report_sarif, &report);
	json_t *rules = json_object_get(json_object_get(json_object_get(json_array_get(
				json_object_get(doc, "runs"), 0), "tool"), "driver"), "rules");
	size_t i;
	json_t *rule;

	(void)state;
	json_array_foreach(rules, i, rule) {
		const char *id = jget_str(rule, "id");
		const char *level = jget_str(json_object_get(rule, "defaultConfiguration"), "level");

		assert_true(*jget_str(json_object_get(rule, "shortDescription"), "text"));
		assert_true(*jget_str(json_object_get(rule, "fullDescription"), "text"));
		if (strcmp(id, "abi-tag") == 0) {
			assert_string_equal(level, "note");
			assert_null(json_object_get(rule, "help"));
		} else if (strcmp(id, "enosys") == 0) { /* fatal for sshd, fix from python3 */
			assert_string_equal(level, "error");
			assert_string_equal(jget_str(json_object_get(rule, "fullDescription"), "text"),
					    programs[P_SSHD].findings[0].reason);
			assert_string_equal(jget_str(json_object_get(rule, "help"), "text"),
					    programs[P_PYTHON].findings[0].fix);
		} else if (strcmp(id, "vsyscall") == 0) {
			assert_string_equal(level, "error");
			assert_string_equal(jget_str(json_object_get(rule, "help"), "text"),
					    programs[P_BASH].deciding->fix);
		}
	}
	json_decref(doc);
}

static char *render(void (*fmt)(FILE *, const struct report *), const struct report *r)
{
	char *s = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&s, &n);

	assert_non_null(m);
	fmt(m, r);
	assert_int_equal(fclose(m), 0);
	return s;
}

/* Same verdicts, same bytes: no timestamps, no hash order. */
static void deterministic(void **state)
{
	void (*fmts[])(FILE *, const struct report *) = { report_json, report_sarif };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *a = render(fmts[i], &report), *b = render(fmts[i], &report);

		assert_true(strlen(a) > 100);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

/* Image names need not be UTF-8: SARIF escapes them instead of failing. */
static void sarif_non_utf8(void **state)
{
	struct program_verdict pv = { 0 };
	struct report r = report;
	struct finding *f;
	json_t *doc, *res, *loc;

	(void)state;
	program(&pv, "/usr/bin/caf\xe9", ROLE_EXECUTABLE, NULL, NULL);
	f = verdict_add(&pv, "enosys", SEV_WARN, STAGE_RUNTIME, 0, NULL);
	finding_set(&f->reason, "%s calls statx", pv.path);
	finding_chain(f, "%s", pv.path);
	verdict_finish(&pv);
	r.programs = &pv;
	r.nprograms = 1;
	r.image_ref = "dir:/srv/latin1-rootfs";
	doc = write_and_load("report-latin1.sarif", report_sarif, &r);
	res = json_array_get(json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
					     "results"), 0);
	loc = json_object_get(json_object_get(json_array_get(json_object_get(res, "locations"), 0),
					      "physicalLocation"), "artifactLocation");
	assert_string_equal(jget_str(loc, "uri"), "usr/bin/caf%E9");
	assert_non_null(strstr(jget_str(json_object_get(res, "message"), "text"),
			       "/usr/bin/caf\\xe9 calls statx"));
	json_decref(doc);
	verdict_free(&pv);
}

/* The entrypoint and the command it runs can be one file: one artifact
 * listing both verdicts, both results pointing at it. */
static void sarif_shared_path(void **state)
{
	struct program_verdict pv[2] = { { 0 } };
	struct report r = report;
	json_t *doc, *run, *res;
	size_t i;

	(void)state;
	program(&pv[0], "/bin/bash", ROLE_ENTRYPOINT, "/bin/bash", "-c");
	program(&pv[1], "/bin/bash", ROLE_COMMAND, "bash", NULL);
	for (i = 0; i < 2; i++) {
		add(&pv[i], &bash_vsyscall);
		verdict_finish(&pv[i]);
	}
	r.programs = pv;
	r.nprograms = 2;
	doc = write_and_load("report-shared.sarif", report_sarif, &r);
	run = json_array_get(json_object_get(doc, "runs"), 0);
	assert_int_equal(json_array_size(json_object_get(run, "artifacts")), 1);
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_array_get(
				 json_object_get(run, "artifacts"), 0), "properties"), "programs")), 2);
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"),
									 "driver"), "rules")), 1);
	json_array_foreach(json_object_get(run, "results"), i, res)
		assert_int_equal(jget_int(json_object_get(json_object_get(json_array_get(
				json_object_get(res, "locations"), 0), "physicalLocation"),
				"artifactLocation"), "index"), 0);
	assert_int_equal(i, 2);
	json_decref(doc);
	for (i = 0; i < 2; i++)
		verdict_free(&pv[i]);
}

/* No program: empty arrays, not missing ones (SARIF: a run that scanned
 * has results, even none); nothing fails. */
static void empty_report(void **state)
{
	struct report r = report;
	json_t *doc, *run;

	(void)state;
	r.programs = NULL;
	r.nprograms = 0;
	r.exit_code = report_exit_code(&r);
	assert_int_equal(r.exit_code, 0);
	doc = write_and_load("report-empty.json", report_json, &r);
	assert_int_equal(json_array_size(json_object_get(doc, "programs")), 0);
	assert_int_equal(jget_int(json_object_get(doc, "summary"), "programs"), 0);
	json_decref(doc);
	doc = write_and_load("report-empty.sarif", report_sarif, &r);
	run = json_array_get(json_object_get(doc, "runs"), 0);
	assert_true(json_is_array(json_object_get(run, "results")));
	assert_int_equal(json_array_size(json_object_get(run, "results")), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"),
									 "driver"), "rules")), 0);
	json_decref(doc);
}

/* report.h: 1 when a program has a finding at or above fail_on. */
static void exit_code_fail_on(void **state)
{
	struct report r = report;

	(void)state;
	r.fail_on = SEV_FAIL;
	assert_int_equal(report_exit_code(&r), 1);
	r.fail_never = true;
	assert_int_equal(report_exit_code(&r), 0);
	r.fail_never = false;
	r.programs = &programs[P_LS]; /* ls (nothing), python3 (warn) */
	r.nprograms = 2;
	assert_int_equal(report_exit_code(&r), 0);
	r.fail_on = SEV_WARN;
	assert_int_equal(report_exit_code(&r), 1);
	r.nprograms = 1; /* ls alone: nothing at any level */
	r.fail_on = SEV_NOTE;
	assert_int_equal(report_exit_code(&r), 0);
	r.programs = &programs[P_BASH]; /* its note counts at --fail-on note */
	assert_int_equal(report_exit_code(&r), 1);
	r.programs = &programs[P_APP]; /* unknown, no finding */
	assert_int_equal(report_exit_code(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_report),
		cmocka_unit_test(sarif_report),
		cmocka_unit_test(sarif_rules),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(sarif_non_utf8),
		cmocka_unit_test(empty_report),
		cmocka_unit_test(sarif_shared_path),
		cmocka_unit_test(exit_code_fail_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
