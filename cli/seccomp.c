/* cli/seccomp.c — `abicheck seccomp SPEC [SYSCALL[:a0=V,…]…]`: what the
 * runtime's seccomp filter answers for each syscall, and why.  JSON schema
 * abicheck.seccomp/v1 (man/abicheck.1). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <jansson.h>

#include "cli/cli.h"
#include "probes/seccomp.h"

#define SECCOMP_SCHEMA "abicheck.seccomp/v1"

/* One SYSCALL argument: "[ABI/]NAME|NR[:a0=V,a1=V…]". */
struct query {
	enum syscall_arch abi;
	long nr;
	const char *name; /* NULL when the table has no name for nr */
	uint64_t args[6];
	bool has_args;
};

static const struct {
	const char *alias;
	enum syscall_arch arch;
} arch_aliases[] = {
	{ "amd64", SYSCALL_X86_64 }, { "x86", SYSCALL_I386 }, { "386", SYSCALL_I386 },
	{ "i686", SYSCALL_I386 }, { "arm64", SYSCALL_AARCH64 }, { "armhf", SYSCALL_ARM },
	{ "armv7l", SYSCALL_ARM }, { "armel", SYSCALL_ARM },
};

int cli_parse_arch(const char *s, enum syscall_arch *out)
{
	for (int a = 0; a < SYSCALL_ARCH_COUNT; a++)
		if (!strcmp(s, syscall_arch_name((enum syscall_arch)a))) {
			*out = (enum syscall_arch)a;
			return 0;
		}
	for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]); i++)
		if (!strcmp(s, arch_aliases[i].alias)) {
			*out = arch_aliases[i].arch;
			return 0;
		}
	return -1;
}

static int host_target(const struct cli_options *o, struct seccomp_target *t, struct ac_error *err)
{
	struct utsname u;
	char *end;

	t->libseccomp = o->libseccomp;
	t->cap_add = o->cap_add;
	if (uname(&u) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "uname");
	if (cli_parse_arch(o->arch ? o->arch : u.machine, &t->arch) < 0)
		return ac_error_set(err, AC_ERR_USAGE, 0, "unknown arch '%s' (x86_64, i386, aarch64, "
				    "arm, ppc64le, s390x, riscv64)", o->arch ? o->arch : u.machine);
	const char *k = o->kernel_version ? o->kernel_version : u.release;

	t->kernel[0] = (unsigned)strtoul(k, &end, 10);
	if (end == k || *end != '.' || end[1] < '0' || end[1] > '9')
		return ac_error_set(err, AC_ERR_USAGE, 0, "kernel version '%s' is not X.Y", k);
	t->kernel[1] = (unsigned)strtoul(end + 1, &end, 10);
	return 0;
}

static int parse_args_list(const char *s, struct query *q, struct ac_error *err)
{
	q->has_args = true;
	while (*s) {
		char *end;
		unsigned long i;

		if (s[0] != 'a' || s[1] < '0' || s[1] > '5' || s[2] != '=')
			return ac_error_set(err, AC_ERR_USAGE, 0, "argument '%s' is not aN=VALUE (N 0..5)",
					    s);
		i = (unsigned long)(s[1] - '0');
		errno = 0;
		q->args[i] = strtoull(s + 3, &end, 0);
		if (errno || end == s + 3 || (*end && *end != ','))
			return ac_error_set(err, AC_ERR_USAGE, 0, "argument value in '%s' is not a number",
					    s);
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int parse_query(const char *spec, enum syscall_arch native, struct query *q,
		       struct ac_error *err)
{
	char name[128];
	const char *slash = strchr(spec, '/'), *colon, *p = spec;
	const struct syscall_entry *e;
	size_t len;

	memset(q, 0, sizeof(*q));
	q->abi = native;
	if (slash && (!strchr(spec, ':') || slash < strchr(spec, ':'))) {
		len = (size_t)(slash - spec);
		snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : 0), spec);
		if (cli_parse_arch(name, &q->abi) < 0)
			return ac_error_set(err, AC_ERR_USAGE, 0, "unknown ABI in '%s'", spec);
		p = slash + 1;
	}
	colon = strchr(p, ':');
	len = colon ? (size_t)(colon - p) : strlen(p);
	if (len == 0 || len >= sizeof(name))
		return ac_error_set(err, AC_ERR_USAGE, 0, "bad syscall '%s'", spec);
	memcpy(name, p, len);
	name[len] = '\0';
	if (name[0] >= '0' && name[0] <= '9') {
		char *end;

		q->nr = strtol(name, &end, 0);
		if (*end)
			return ac_error_set(err, AC_ERR_USAGE, 0, "bad syscall number '%s'", name);
		e = syscall_by_nr(q->abi, q->nr);
	} else if (!(e = syscall_by_name(q->abi, name)))
		return ac_error_set(err, AC_ERR_USAGE, 0, "unknown syscall '%s' on %s", name,
				    syscall_arch_name(q->abi));
	else
		q->nr = e->nr;
	q->name = e ? e->name : NULL;
	return colon ? parse_args_list(colon + 1, q, err) : 0;
}

static int collect(const struct cli_options *o, enum syscall_arch native, struct query **out,
		   size_t *n, struct ac_error *err)
{
	const struct syscall_table *t = &syscall_tables[native];

	if (o->npaths == 0) {
		*out = calloc(t->count + 1, sizeof(**out));
		for (size_t i = 0; *out && i < t->count; i++)
			(*out)[i] = (struct query){ native, t->entries[i].nr, t->entries[i].name, { 0 },
						    false };
		*n = t->count;
	} else {
		*out = calloc((size_t)o->npaths, sizeof(**out));
		*n = (size_t)o->npaths;
		for (int i = 0; *out && i < o->npaths; i++)
			if (parse_query(o->paths[i], native, &(*out)[i], err) < 0) {
				free(*out);
				*out = NULL;
				return -1;
			}
	}
	if (!*out)
		return ac_error_set(err, AC_ERR_SYSTEM, ENOMEM, "out of memory");
	return 0;
}

static void label(const struct query *q, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", q->name ? q->name : "?");

	if (!q->has_args)
		return;
	for (int i = 0; i < 6 && used < len; i++)
		if (q->args[i] || i == 0)
			used += (size_t)snprintf(buf + used, len - used, "%sa%d=0x%llx",
						 i == 0 ? ":" : ",", i, (unsigned long long)q->args[i]);
}

static json_t *json_query(const struct query *q, const struct seccomp_verdict *v)
{
	json_t *args = json_null();
	char verdict[32];

	if (q->has_args) {
		args = json_array();
		for (int i = 0; i < 6; i++)
			json_array_append_new(args, json_integer((json_int_t)q->args[i]));
	}
	return json_pack("{s:s, s:o, s:I, s:o, s:s, s:o, s:s, s:b, s:s}", "abi",
			 syscall_arch_name(q->abi), "name", q->name ? json_string(q->name) : json_null(),
			 "nr", (json_int_t)q->nr, "args", args, "action",
			 seccomp_action_name(v->ret.action), "errno",
			 v->ret.action == SECCOMP_ACT_ERRNO ? json_integer(v->ret.data) : json_null(),
			 "verdict", seccomp_ret_format(v->ret, verdict, sizeof(verdict)),
			 "depends_on_args", v->depends_on_args, "reason", v->why);
}

static json_t *json_model(const struct seccomp_model *m, const struct seccomp_target *t)
{
	const struct seccomp_model_info *i = seccomp_model_info(m);
	char kernel[32];

	snprintf(kernel, sizeof(kernel), "%u.%u", t->kernel[0], t->kernel[1]);
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:b, s:o, s:{s:s, s:s, s:o}}", "describe",
			 seccomp_model_describe(m), "runtime", i->runtime, "version", i->version,
			 "profile", i->profile ? json_string(i->profile) : json_null(), "oci_runtime",
			 i->oci_runtime, "libseccomp", i->libseccomp, "enosys_stub", i->enosys_stub,
			 "note", i->note ? json_string(i->note) : json_null(), "target", "arch",
			 syscall_arch_name(t->arch), "kernel", kernel, "cap_add",
			 t->cap_add ? json_string(t->cap_add) : json_null());
}

int cmd_seccomp(const struct cli_options *o, FILE *out)
{
	const char *spec = o->image ? o->image : "docker";
	struct seccomp_target t = { 0 };
	struct seccomp_model *m;
	struct ac_error err;
	struct query *qs = NULL;
	size_t n = 0;
	json_t *rows = json_array();
	char name[160], verdict[32];

	if (host_target(o, &t, &err) < 0 || collect(o, t.arch, &qs, &n, &err) < 0 ||
	    seccomp_model_load(spec, &t, &m, &err) < 0) {
		fprintf(stderr, "abicheck: seccomp: %s\n", err.msg);
		free(qs);
		json_decref(rows);
		return EXIT_USAGE_OR_INPUT;
	}
	if (o->output == OUTPUT_TABLE) {
		fprintf(out, "Seccomp     %s\n", seccomp_model_describe(m));
		fprintf(out, "Target      %s, kernel %u.%u, capabilities: runtime default%s%s\n",
			syscall_arch_name(t.arch), t.kernel[0], t.kernel[1], t.cap_add ? " + " : "",
			t.cap_add ? t.cap_add : "");
		if (seccomp_model_info(m)->note)
			fprintf(out, "Note        %s\n", seccomp_model_info(m)->note);
		fprintf(out, "\n%-8s %-32s %5s  %-13s %s\n", "ABI", "SYSCALL", "NR", "VERDICT",
			"REASON");
	}
	for (size_t i = 0; i < n; i++) {
		struct seccomp_verdict v;

		if (seccomp_model_eval(m, qs[i].abi, qs[i].nr, qs[i].args, &v, &err) < 0) {
			fprintf(stderr, "abicheck: seccomp: %s\n", err.msg);
			continue;
		}
		if (o->output == OUTPUT_JSON) {
			json_array_append_new(rows, json_query(&qs[i], &v));
			continue;
		}
		label(&qs[i], name, sizeof(name));
		fprintf(out, "%-8s %-32s %5ld  %-13s %s%s\n", syscall_arch_name(qs[i].abi), name,
			qs[i].nr, seccomp_ret_format(v.ret, verdict, sizeof(verdict)), v.why,
			v.depends_on_args && !qs[i].has_args ? " [depends on arguments]" : "");
	}
	if (o->output == OUTPUT_JSON) {
		json_t *root = json_pack("{s:s, s:o, s:o}", "schema", SECCOMP_SCHEMA, "model",
					 json_model(m, &t), "syscalls", rows);

		json_dumpf(root, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(root);
	} else
		json_decref(rows);
	free(qs);
	seccomp_model_free(m);
	return EXIT_OK;
}
