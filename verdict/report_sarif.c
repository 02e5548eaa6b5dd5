/* verdict/report_sarif.c — the report as SARIF 2.1.0 (OASIS), the format
 * code-scanning dashboards and IDEs read.
 *
 * Owns the mapping of verdicts onto SARIF: one run; one rule descriptor per
 * distinct finding rule; one result per finding, located at the program's
 * path inside the image (a URI relative to the uriBaseId IMAGEROOT), with
 * the evidence chain as a code flow whose steps are messages.  Programs
 * without findings appear only as artifacts.  Decides nothing: it reads the
 * same report record as the table and the JSON.  Deterministic: no
 * timestamps, no GUIDs, rules in order of first use.
 * Structure checked by data/schema/sarif-2.1.0-abicheck.schema.json.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/jsontext.h"
#include "verdict/report.h"

#ifndef ABICHECK_VERSION
#define ABICHECK_VERSION "0.1.0-dev"
#endif
/* An absolute URI for tool.driver.informationUri; the man page is the one
 * reference every installation has. */
#ifndef ABICHECK_URL
#define ABICHECK_URL "man:abicheck(1)"
#endif

#define SARIF_SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"
#define IMAGE_ROOT "IMAGEROOT"

static const char *sarif_level(enum severity s)
{
	static const char *const n[] = { "note", "warning", "error" };
	return n[s];
}

/* The path inside the image as a relative URI reference: no leading slash,
 * every byte outside RFC 3986's unreserved set, sub-delims, '@' and '/'
 * percent-encoded (':' too, or "a:b" would read as a scheme). */
static char *image_uri(const char *path)
{
	static const char keep[] = "-._~!$&'()*+,;=@/";
	char *uri = xmalloc(3 * strlen(path) + 1), *o = uri;

	while (*path == '/')
		path++;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p < 0x80 && (('a' <= (*p | 0x20) && (*p | 0x20) <= 'z') ||
				   ('0' <= *p && *p <= '9'))) || (*p && strchr(keep, *p)))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return uri;
}

/* Every finding of the report in order: programs as checked, findings as
 * sorted.  *pi and *fi start at 0; NULL at the end. */
static const struct finding *next_finding(const struct report *r, size_t *pi, size_t *fi)
{
	while (*pi < r->nprograms && *fi >= r->programs[*pi].nfindings) {
		(*pi)++;
		*fi = 0;
	}
	return *pi < r->nprograms ? &r->programs[*pi].findings[(*fi)++] : NULL;
}

static const char *stage_phrase(enum stage s)
{
	static const char *const n[] = { "at exec", "in the dynamic loader",
					 "at libc start-up", "at run time" };
	return n[s];
}

static const char *severity_phrase(enum severity s)
{
	static const char *const n[] = { "note", "possible failure", "failure" };
	return n[s];
}

/* A rule's descriptor describes its most severe use (the first one at that
 * severity) and the first fix any of its findings offers. */
static json_t *rule_descriptor(const struct report *r, const char *rule)
{
	const struct finding *f, *rep = NULL;
	const char *fix = NULL;
	size_t pi = 0, fi = 0;
	char *brief;
	json_t *d;

	while ((f = next_finding(r, &pi, &fi))) {
		if (strcmp(f->rule, rule) != 0)
			continue;
		if (!rep || f->severity > rep->severity)
			rep = f;
		if (!fix)
			fix = f->fix;
	}
	if (asprintf(&brief, "%s: %s %s", rule, severity_phrase(rep->severity),
		     stage_phrase(rep->stage)) < 0)
		abort(); /* out of memory: as xalloc does */
	d = json_pack("{s:s, s:{s:s}, s:{s:o}, s:{s:s}}", "id", rule, "shortDescription", "text",
		      brief, "fullDescription", "text",
		      rep->reason ? json_text(rep->reason) : json_string(brief), "defaultConfiguration",
		      "level", sarif_level(rep->severity));
	if (fix)
		json_object_set_new(d, "help", json_pack("{s:o}", "text", json_text(fix)));
	free(brief);
	return d;
}

/* rules[] in order of first use, and rule id -> index in it. */
static json_t *rule_descriptors(const struct report *r, json_t *index)
{
	json_t *rules = json_array();
	const struct finding *f;
	size_t pi = 0, fi = 0;

	while ((f = next_finding(r, &pi, &fi))) {
		if (json_object_get(index, f->rule))
			continue;
		json_object_set_new(index, f->rule, json_integer((json_int_t)json_array_size(rules)));
		json_array_append_new(rules, rule_descriptor(r, f->rule));
	}
	return rules;
}

static json_t *json_argv(const struct program_verdict *pv)
{
	json_t *a;

	if (!pv->argv)
		return json_null();
	a = json_array();
	for (int i = 0; i < pv->argc; i++)
		json_array_append_new(a, json_text(pv->argv[i]));
	return a;
}

static json_t *program_summary(const struct program_verdict *pv)
{
	return json_pack("{s:s, s:o, s:s, s:i, s:o, s:o}", "role", role_name(pv->role), "command",
			 json_argv(pv), "verdict", outcome_name(pv->outcome), "exit_code",
			 pv->exit_code, "signal", json_text(pv->signal), "error", json_text(pv->error));
}

static json_t *new_artifact(const char *uri)
{
	return json_pack("{s:{s:s, s:s}, s:[s], s:{s:[]}}", "location", "uri", uri, "uriBaseId",
			 IMAGE_ROOT, "roles", "analysisTarget", "properties", "programs");
}

/* artifacts[]: one per distinct program path, each listing the verdicts of
 * the programs at that path; uri -> index in `index`. */
static json_t *artifacts(const struct report *r, json_t *index)
{
	json_t *arts = json_array(), *art;

	for (size_t i = 0; i < r->nprograms; i++) {
		const struct program_verdict *pv = &r->programs[i];
		char *uri = image_uri(pv->path);
		json_t *at = json_object_get(index, uri);

		if (at) {
			art = json_array_get(arts, (size_t)json_integer_value(at));
		} else {
			json_object_set_new(index, uri, json_integer((json_int_t)json_array_size(arts)));
			json_array_append_new(arts, art = new_artifact(uri));
		}
		json_array_append_new(json_object_get(json_object_get(art, "properties"), "programs"),
				      program_summary(pv));
		free(uri);
	}
	return arts;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static json_t *program_location(const struct program_verdict *pv, json_t *artifact_index)
{
	char *uri = image_uri(pv->path);
	json_t *loc = json_pack("{s:{s:{s:s, s:s, s:O}}, s:[{s:o, s:o, s:s}]}", "physicalLocation",
				"artifactLocation", "uri", uri, "uriBaseId", IMAGE_ROOT, "index",
				json_object_get(artifact_index, uri), "logicalLocations", "name",
				json_text(base_name(pv->path)), "fullyQualifiedName", json_text(pv->path),
				"kind", "module");

	free(uri);
	return loc;
}

/* What happens and why, in one paragraph: the reason, the predicted exit
 * status, and what the user sees. */
static json_t *result_message(const struct finding *f)
{
	char *s = NULL;
	size_t n = 0, len;
	FILE *m = open_memstream(&s, &n);
	json_t *j;

	if (!m)
		abort(); /* out of memory: as xalloc does */
	fputs(f->reason ? f->reason : f->rule, m);
	len = f->reason ? strlen(f->reason) : 0;
	if (len == 0 || !strchr(".!?", f->reason[len - 1]))
		fputc('.', m);
	if (f->exit_code || f->signal)
		fprintf(m, " Predicted exit status %d%s%s%s.", f->exit_code, f->signal ? " (" : "",
			f->signal ? f->signal : "", f->signal ? ")" : "");
	if (f->message)
		fprintf(m, " The user sees: %s", f->message);
	fclose(m);
	j = json_text(s);
	free(s);
	return j;
}

/* The evidence chain (binary -> import -> library function -> instruction
 * -> kernel fact) as one thread flow whose locations are its steps. */
static json_t *evidence_flow(const struct finding *f)
{
	json_t *steps = json_array();

	for (size_t i = 0; i < f->nchain; i++)
		json_array_append_new(steps, json_pack("{s:{s:{s:o}}}", "location", "message",
						       "text", json_text(f->chain[i])));
	return json_pack("[{s:{s:s}, s:[{s:o}]}]", "message", "text", "evidence chain",
			 "threadFlows", "locations", steps);
}

static json_t *result(const struct report *r, const struct program_verdict *pv,
		      const struct finding *f, json_t *rule_index, json_t *artifact_index)
{
	json_t *res = json_pack(
		"{s:s, s:O, s:s, s:{s:o}, s:[o], s:{s:i, s:o, s:s, s:s, s:b, s:o, s:o}}", "ruleId",
		f->rule, "ruleIndex", json_object_get(rule_index, f->rule), "level",
		sarif_level(f->severity), "message", "text", result_message(f), "locations",
		program_location(pv, artifact_index), "properties", "exit_code", f->exit_code,
		"signal", json_text(f->signal), "stage", stage_name(f->stage), "severity",
		severity_name(f->severity), "decides_exit_status", f == pv->deciding, "command",
		json_argv(pv), "image", json_text(r->image_ref));

	if (f->nchain)
		json_object_set_new(res, "codeFlows", evidence_flow(f));
	return res;
}

static json_t *results(const struct report *r, json_t *rule_index, json_t *artifact_index)
{
	json_t *res = json_array();
	const struct finding *f;
	size_t pi = 0, fi = 0;

	while ((f = next_finding(r, &pi, &fi)))
		json_array_append_new(res, result(r, &r->programs[pi], f, rule_index,
						  artifact_index));
	return res;
}

static json_t *target(const struct report_target *t)
{
	char version[48];

	snprintf(version, sizeof(version), "%u.%u.%u", t->kernel_version[0], t->kernel_version[1],
		 t->kernel_version[2]);
	return json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "kernel_source",
			 json_text(t->kernel_source), "kernel_release", json_text(t->kernel_release),
			 "kernel_version", version, "machine", json_text(t->machine), "cmdline",
			 json_text(t->cmdline), "vsyscall", json_text(t->vsyscall), "vdso",
			 t->vdso < 0 ? json_null() : json_boolean(t->vdso), "page_size",
			 t->page_size ? json_integer((json_int_t)t->page_size) : json_null(),
			 "seccomp", json_text(t->seccomp));
}

static json_t *invocation(const struct report *r)
{
	return json_pack("[{s:b, s:i, s:{s:o, s:s}}]", "executionSuccessful", 1, "exitCode",
			 r->exit_code, "properties", "target", target(&r->target), "fail_on",
			 r->fail_never ? "never" : severity_name(r->fail_on));
}

static json_t *run(const struct report *r)
{
	json_t *rule_index = json_object(), *artifact_index = json_object(), *rules, *arts, *run;
	char *root;

	if (asprintf(&root, "The root of the flattened filesystem of %s.",
		     r->image_ref ? r->image_ref : "the image") < 0)
		abort(); /* out of memory: as xalloc does */
	rules = rule_descriptors(r, rule_index);
	arts = artifacts(r, artifact_index);
	run = json_pack("{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:{s:{s:{s:o}}}, s:o, s:o, "
			"s:{s:{s:o, s:o, s:o}}}",
			"tool", "driver", "name", "abicheck", "informationUri", ABICHECK_URL,
			"version", ABICHECK_VERSION, "rules", rules, "invocations", invocation(r),
			"originalUriBaseIds", IMAGE_ROOT, "description", "text", json_text(root),
			"artifacts", arts, "results", results(r, rule_index, artifact_index),
			"properties", "image", "ref", json_text(r->image_ref), "transport",
			json_text(r->image_transport), "platform", json_text(r->image_platform));
	free(root);
	json_decref(rule_index);
	json_decref(artifact_index);
	return run;
}

void report_sarif(FILE *out, const struct report *r)
{
	json_t *root = json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA_URI, "version",
				 "2.1.0", "runs", run(r));

	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}
