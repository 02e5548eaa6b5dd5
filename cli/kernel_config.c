/* cli/kernel_config.c — `abicheck kernel-config [FILE]`: moby's
 * check-config.sh over a kernel .config, then the "Container ABI" checks,
 * as a table (the script's own layout) or JSON (abicheck.kernel-config/v1,
 * docs/KERNEL-CONFIG-JSON.md).  Exit status is the script's: 1 when a
 * Generally Necessary (or Limits) check fails, else 0; 2 for bad input. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include <sys/utsname.h>

#include "cli/cli.h"
#include "probes/checkconfig.h"
#include "probes/kconfig.h"
#include "probes/kconfig_profile.h"

#define KERNEL_CONFIG_SCHEMA "abicheck.kernel-config/v1"

/* Which kernel version the script's version conditions use, and why. */
struct version_choice {
	unsigned v[2];
	const char *basis; /* "flag", "config-header", "running-kernel" */
};

int parse_kernel_version(const char *s, unsigned v[2])
{
	char tail;

	if (sscanf(s, "%u.%u%c", &v[0], &v[1], &tail) == 2)
		return 0;
	/* "6.1.0", "6.1.0-13-amd64": major.minor decide */
	if (sscanf(s, "%u.%u%c", &v[0], &v[1], &tail) == 3 && (tail == '.' || tail == '-'))
		return 0;
	return -1;
}

static int choose_version(const struct cli_options *o, const struct kconfig *c,
			  struct version_choice *vc)
{
	struct utsname u;

	if (o->kernel_version) {
		if (parse_kernel_version(o->kernel_version, vc->v) < 0)
			return -1; /* checked in main.c already */
		vc->basis = "flag";
	} else if (c->release) {
		vc->v[0] = c->version[0];
		vc->v[1] = c->version[1];
		vc->basis = "config-header";
	} else {
		/* What the script itself always does. */
		if (uname(&u) < 0 || parse_kernel_version(u.release, vc->v) < 0)
			return -1;
		vc->basis = "running-kernel";
	}
	return 0;
}

static const char *indent(int depth)
{
	return depth == 0 ? "" : depth == 1 ? "    " : "      ";
}

static void print_table(FILE *out, const struct kconfig *c, const struct version_choice *vc,
			const struct checkconfig *cc)
{
	fprintf(out, "info: reading kernel config from %s ...\n", c->path);
	fprintf(out, "info: version conditions use kernel %u.%u (%s)\n", vc->v[0], vc->v[1],
		vc->basis);
	for (size_t i = 0; i < cc->nresults; i++) {
		const struct cc_result *r = &cc->results[i];

		switch (r->kind) {
		case CC_GROUP:
			if (r->name[0] != '-')
				fputc('\n', out);
			fprintf(out, "%s\n", r->name);
			continue;
		case CC_DRIVER:
			fprintf(out, "  - \"%s\":\n", r->name);
			continue;
		case CC_ENCRYPTED:
			fprintf(out, "      Optional (for encrypted networks):\n");
			continue;
		default:
			break;
		}
		if (r->name)
			fprintf(out, "%s- %s: %s\n", indent(r->depth), r->name, r->verdict);
		if (r->note)
			fprintf(out, "%s\n", r->note);
	}
	fprintf(out, "\nContainer ABI (abicheck; beyond check-config.sh):\n");
	for (size_t i = 0; i < cc->nabi; i++)
		fprintf(out, "- %s: %s\n    (%s)\n", cc->abi[i].name, cc->abi[i].verdict,
			cc->abi[i].why);
	fputc('\n', out);
}

static const char *kind_name(const struct cc_result *r)
{
	if (!r->name)
		return "note"; /* the swap note, the ext3/ext4 hints */
	switch (r->kind) {
	case CC_OPTION: case CC_SWAP: return "option";
	case CC_VSYSCALL: return "vsyscall";
	case CC_SYSCTL: return "sysctl";
	case CC_HOST: return "host";
	default: return "note";
	}
}

static json_t *tri(enum tristate t)
{
	return t == TRI_UNKNOWN ? json_null() : json_boolean(t == TRI_YES);
}

static json_t *profile_json(const struct kernel_profile *p)
{
	json_t *abis = json_array(), *config = json_object(), *assume = json_array();

	for (size_t i = 0; i < p->nabis; i++)
		json_array_append_new(abis, json_pack("{s:s, s:o}", "arch",
						      syscall_arch_name(p->abis[i].table),
						      "executes", tri(p->abis[i].executes)));
	for (size_t i = 0; i < p->nconfig; i++)
		json_object_set_new(config, p->config[i].name, json_string(p->config[i].value));
	for (size_t i = 0; i < p->nassumptions; i++)
		json_array_append_new(assume, json_string(p->assumptions[i]));
	return json_pack("{s:s, s:s?, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o}",
			 "machine", p->machine, "release", p->release,
			 "vsyscall", vsyscall_mode_name(p->vsyscall),
			 "page_size", (json_int_t)p->page_size, "basis", basis_name(BASIS_CONFIG),
			 "vdso", tri(p->vdso), "seccomp_filter", tri(p->seccomp), "abis", abis,
			 "config", config, "assumptions", assume);
}

static void print_json(FILE *out, const struct kconfig *c, const struct version_choice *vc,
		       const struct kernel_profile *p, const struct checkconfig *cc, bool host)
{
	json_t *checks = json_array(), *abi = json_array(), *root;
	char ver[32];

	for (size_t i = 0; i < cc->nresults; i++) {
		const struct cc_result *r = &cc->results[i];

		if (r->kind == CC_GROUP || r->kind == CC_DRIVER || r->kind == CC_ENCRYPTED)
			continue;
		json_array_append_new(checks,
			json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s, s:b, s:s?}",
				  "group", r->group, "driver", r->driver, "kind", kind_name(r),
				  "name", r->name, "verdict", r->verdict, "value", r->value,
				  "status", cc_status_name(r->status), "counts", r->counts,
				  "note", r->note));
	}
	for (size_t i = 0; i < cc->nabi; i++)
		json_array_append_new(abi, json_pack("{s:s, s:s, s:s, s:s}", "name", cc->abi[i].name,
						     "verdict", cc->abi[i].verdict, "status",
						     cc_status_name(cc->abi[i].status), "why",
						     cc->abi[i].why));
	snprintf(ver, sizeof(ver), "%u.%u", vc->v[0], vc->v[1]);
	root = json_pack("{s:s, s:{s:s, s:b, s:s?, s:s, s:I}, s:{s:s, s:s}, s:b,"
			 " s:{s:s, s:s, s:o}, s:o, s:o, s:i}",
			 "schema", KERNEL_CONFIG_SCHEMA,
			 "config", "path", c->path, "gzipped", c->gzipped, "release", c->release,
			 "machine", p->machine, "options", (json_int_t)c->count,
			 "version_conditions", "kernel", ver, "basis", vc->basis,
			 "host_checks", host,
			 "checkconfig", "source", "moby/moby contrib/check-config.sh", "commit",
			 checkconfig_source_commit, "checks", checks,
			 "container_abi", abi, "profile", profile_json(p),
			 "exit_code", cc->exit_code);
	json_dumpf(root, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(root);
}

int cmd_kernel_config(const struct cli_options *o, FILE *out)
{
	char found[4096];
	const char *path = o->image;
	struct checkconfig_options co = { .host = !o->image };
	struct kconfig c;
	struct kernel_profile p;
	struct checkconfig cc;
	struct version_choice vc;
	struct ac_error err;
	int rc = EXIT_USAGE_OR_INPUT;

	if (!path) {
		if (checkconfig_find_config(found, sizeof(found), &err) < 0) {
			fprintf(stderr, "abicheck: kernel-config: %s\n", err.msg);
			return EXIT_USAGE_OR_INPUT;
		}
		path = found;
	}
	if (kconfig_load(path, &c, &err) < 0) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		return EXIT_USAGE_OR_INPUT;
	}
	profile_init(&p);
	if (kconfig_to_profile(&c, &p, &err) < 0 || choose_version(o, &c, &vc) < 0) {
		fprintf(stderr, "abicheck: %s\n",
			p.machine ? "kernel-config: cannot tell the kernel version (use --kernel-version)"
				  : err.msg);
		goto out;
	}
	co.version[0] = vc.v[0];
	co.version[1] = vc.v[1];
	if (checkconfig_run(&c, &p, &co, &cc, &err) < 0) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		goto out;
	}
	if (o->output == OUTPUT_JSON)
		print_json(out, &c, &vc, &p, &cc, co.host);
	else
		print_table(out, &c, &vc, &cc);
	rc = cc.exit_code ? EXIT_PREDICTED_FAILURE : EXIT_OK;
	checkconfig_free(&cc);
out:
	profile_free(&p);
	kconfig_free(&c);
	return rc;
}
