/* cli/probe.c — `abicheck probe [--kernel-config FILE | --profile FILE]
 * [-o table|json] [--file PATH]`: a kernel profile — live from the machine
 * abicheck runs on (probes/live.h), what a kernel .config says
 * (probes/kconfig_profile.h), or a saved probe — as JSON schema
 * abicheck.profile/v1 (docs/PROFILE-JSON.md) or a summary table.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "probes/profile_json.h"
#include "probes/source.h"

static const char *tri_word(enum tristate t, const char *yes, const char *no)
{
	return t == TRI_YES ? yes : t == TRI_NO ? no : "unknown";
}

static void print_abi(const struct profile_abi *a, FILE *out)
{
	const struct syscall_table *t = &syscall_tables[a->table];
	size_t count[3] = { 0 }, other = 0;

	for (size_t i = 0; i < t->count; i++) {
		count[a->avail[i] < 3 ? a->avail[i] : AVAIL_UNKNOWN]++;
		other += a->avail_basis[i] != a->syscalls_basis;
	}
	fprintf(out, "            %-7s executes %-7s %3zu implemented, %zu absent, %zu unknown"
		     " (%s; %zu otherwise)\n",
		t->arch, tri_word(a->executes, "yes", "no"), count[AVAIL_YES], count[AVAIL_NO],
		count[AVAIL_UNKNOWN], basis_name(a->syscalls_basis), other);
}

static void print_table(const struct kernel_profile *p, FILE *out)
{
	fprintf(out, "Kernel      %s (%u.%u.%u), %s  [%s]\n", p->release ? p->release : "unknown",
		p->version[0], p->version[1], p->version[2], p->machine ? p->machine : "unknown",
		basis_name(p->release_basis));
	fprintf(out, "Source      %s\n", p->source ? p->source : "unknown");
	fprintf(out, "ABIs\n");
	for (size_t i = 0; i < p->nabis; i++)
		print_abi(&p->abis[i], out);
	fprintf(out, "Page size   %lu\n", p->page_size);
	fprintf(out, "vsyscall    %s  [%s]\n", vsyscall_mode_name(p->vsyscall),
		basis_name(p->vsyscall_basis));
	fprintf(out, "vDSO        %s\n", tri_word(p->vdso, "mapped", "not mapped"));
	if (!p->binfmt_misc_mounted)
		fprintf(out, "binfmt_misc not mounted\n");
	else
		fprintf(out, "binfmt_misc %zu handler%s\n", p->nbinfmt, p->nbinfmt == 1 ? "" : "s");
	for (size_t i = 0; i < p->nbinfmt; i++)
		fprintf(out, "            %-20s %-10s %s%s\n", p->binfmt[i].name,
			p->binfmt[i].arch ? p->binfmt[i].arch : "?",
			p->binfmt[i].interpreter ? p->binfmt[i].interpreter : "",
			p->binfmt[i].enabled ? "" : " (disabled)");
	fprintf(out, "Seccomp     %s\n", tri_word(p->seccomp, "filters available", "not available"));
	if (p->cgroup_version)
		fprintf(out, "cgroup      v%d%s\n", p->cgroup_version,
			p->cgroup_hybrid ? " (hybrid: a v2 hierarchy beside)" : "");
	else
		fprintf(out, "cgroup      unknown\n");
	fprintf(out, "Container   %s%s%s\n", tri_word(p->in_container, "yes", "no"),
		p->container_hint ? ": " : "", p->container_hint ? p->container_hint : "");
	if (p->self_seccomp == 2)
		fprintf(out, "Warning     probed under a seccomp filter: the runtime's filter masks "
			     "the kernel's syscalls\n");
	if (p->nassumptions)
		fprintf(out, "Assumptions\n");
	for (size_t i = 0; i < p->nassumptions; i++)
		fprintf(out, "  - %s\n", p->assumptions[i]);
}

/* The one source the options name (live by default), refined by
 * --kernel-cmdline. */
static int build_profile(const struct cli_options *o, struct kernel_profile *p,
			 struct ac_error *err)
{
	struct profile_source s = cli_profile_source(o);

	s.cache.use = false; /* probe creates no file: it is run once, to save a profile */
	return profile_from_source(&s, p, err);
}

int cmd_probe(const struct cli_options *o, FILE *out)
{
	struct kernel_profile p;
	struct ac_error err;

	profile_init(&p);
	if (build_profile(o, &p, &err) < 0) {
		fprintf(stderr, "abicheck: probe: %s\n", err.msg);
		profile_free(&p);
		return EXIT_USAGE_OR_INPUT;
	}
	if (o->output == OUTPUT_JSON) {
		json_t *root = profile_to_json(&p);

		json_dumpf(root, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(root);
	} else {
		print_table(&p, out);
	}
	profile_free(&p);
	return EXIT_OK;
}
