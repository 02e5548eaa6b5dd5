/* probes/seccomp.c — see seccomp.h and docs/DESIGN.md "Seccomp model". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "probes/seccomp.h"
#include "probes/seccomp_data.h"
#include "probes/seccomp_profile.h"

/* ---- versions ---------------------------------------------------------- */

/* "20.10.9", "v20.10.9", "17.03.0-ce", "2.5.4", "29": up to three numbers,
 * then nothing or a "-suffix". */
static int parse_version(const char *s, unsigned v[3])
{
	v[0] = v[1] = v[2] = 0;
	if (*s == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		char *end;
		unsigned long n;

		if (*s < '0' || *s > '9')
			return -1;
		n = strtoul(s, &end, 10);
		if (n > 100000)
			return -1;
		v[i] = (unsigned)n;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	return *s == '\0' || *s == '-' ? 0 : -1;
}

static int version_cmp(const unsigned a[3], const unsigned b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int version_cmp_str(const unsigned a[3], const char *b)
{
	unsigned v[3];

	if (parse_version(b, v) < 0)
		return 1; /* never: our tables hold valid versions */
	return version_cmp(a, v);
}

/* ---- which profile and which runc a Docker release ships ---------------- */

/* The first Docker release carrying each content of default.json
 * (data/seccomp/SOURCES.md, "Where the Docker profile content changed"),
 * and the embedded file with that content (NULL: none is embedded). */
static const struct {
	const char *from, *file_version;
} docker_contents[] = {
	{ "17.03.0", "17.03.0-ce" }, { "17.03.2", NULL }, { "18.09.0", "18.09.0" },
	{ "19.03.0", NULL }, { "19.03.9", "19.03.15" }, { "20.10.0", "20.10.0" },
	{ "20.10.4", "20.10.9" }, { "20.10.10", "20.10.10" }, { "20.10.18", NULL },
	{ "20.10.26", "20.10.27" }, { "23.0.0", "23.0.0" }, { "23.0.7", NULL },
	{ "24.0.0", "23.0.0" }, { "24.0.3", NULL }, { "25.0.0", "25.0.0" },
	{ "25.0.3", "26.0.0" }, { "28.2.0", "28.5.2" }, { "29.4.2", NULL },
	{ "29.4.3", "29.7.2" },
};

/* The runc each Docker release bundles (moby's
 * hack/dockerfile/install/runc.installer; sources in docs/DESIGN.md).  Only
 * the 1.0.0-rc93 boundary changes the model: runc#2750 added the ENOSYS
 * stub there. */
static const struct {
	const char *from, *runc;
	bool enosys_stub;
} docker_runcs[] = {
	{ "17.03.0", "1.0.0-rc2", false }, { "18.09.0", "1.0.0-rc5+dev", false },
	{ "19.03.0", "1.0.0-rc8", false }, { "19.03.9", "1.0.0-rc10", false },
	{ "20.10.0", "1.0.0-rc92", false }, { "20.10.4", "1.0.0-rc93", true },
	{ "20.10.7", "1.0.0-rc95", true }, { "20.10.8", "1.0.1", true },
	{ "20.10.9", "1.0.2", true }, { "20.10.13", "1.0.3", true },
	{ "20.10.15", "1.1.1", true }, { "20.10.18", "1.1.4", true },
	{ "20.10.25", "1.1.7", true }, { "23.0.0", "1.1.4", true },
	{ "24.0.0", "1.1.7", true }, { "24.0.9", "1.1.12", true },
	{ "25.0.0", "1.1.11", true }, { "25.0.2", "1.1.12", true },
	{ "26.0.0", "1.1.12", true }, { "27.0.0", "1.1.13", true },
	{ "28.0.0", "1.2.5", true }, { "29.0.0", "1.3.3", true },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct seccomp_embedded_profile *embedded(const char *runtime, const char *version)
{
	const struct seccomp_embedded_profile *best = NULL;
	unsigned v[3], bv[3];

	for (size_t i = 0; i < seccomp_embedded_profile_count; i++) {
		const struct seccomp_embedded_profile *p = &seccomp_embedded_profiles[i];

		if (strcmp(p->runtime, runtime))
			continue;
		if (version && !strcmp(p->version, version))
			return p;
		if (!version && parse_version(p->version, v) == 0 &&
		    (!best || version_cmp(v, bv) > 0)) {
			best = p;
			memcpy(bv, v, sizeof(v));
		}
	}
	return best;
}

struct selection {
	const struct seccomp_embedded_profile *profile;
	char version[64];
	char oci_runtime[64];
	bool enosys_stub;
	char note[160];
};

static int select_docker(const char *version, struct selection *s, struct ac_error *err)
{
	unsigned v[3];
	size_t c = NELEM(docker_contents), r = NELEM(docker_runcs);

	if (!version) {
		s->profile = embedded("docker", NULL);
		snprintf(s->version, sizeof(s->version), "%s", s->profile->version);
		version = s->profile->version;
	} else
		snprintf(s->version, sizeof(s->version), "%s", version);
	if (parse_version(version, v) < 0)
		return ac_error_set(err, AC_ERR_USAGE, 0, "docker:%s: not a release number", version);
	while (c > 0 && version_cmp_str(v, docker_contents[c - 1].from) < 0)
		c--;
	if (c == 0)
		return ac_error_set(err, AC_ERR_INPUT, 0, "docker:%s: older than the oldest embedded "
				    "profile (17.03.0-ce)", version);
	if (!docker_contents[c - 1].file_version) {
		size_t k = c - 1;

		while (!docker_contents[k].file_version)
			k--;
		snprintf(s->note, sizeof(s->note), "docker %s's profile content (first in %s) is not "
			 "embedded; using the nearest older one, %s", s->version,
			 docker_contents[c - 1].from, docker_contents[k].file_version);
		c = k + 1;
	}
	s->profile = embedded("docker", docker_contents[c - 1].file_version);
	if (!s->profile)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "docker %s profile is not embedded",
				    docker_contents[c - 1].file_version);
	while (r > 0 && version_cmp_str(v, docker_runcs[r - 1].from) < 0)
		r--;
	snprintf(s->oci_runtime, sizeof(s->oci_runtime), "runc %s", docker_runcs[r - 1].runc);
	s->enosys_stub = docker_runcs[r - 1].enosys_stub;
	return 0;
}

/* Podman's profile lives in containers/common; VERSION is that module's
 * version.  Podman runs crun by default, which has no ENOSYS stub. */
static int select_podman(const char *version, struct selection *s, struct ac_error *err)
{
	unsigned v[3];

	snprintf(s->oci_runtime, sizeof(s->oci_runtime), "crun");
	if (!version || !strcmp(version, "2026-03-04"))
		s->profile = embedded("podman", "2026-03-04");
	else if (parse_version(version, v) == 0 && version_cmp_str(v, "0.64.1") >= 0 &&
		 version_cmp_str(v, "0.67.0") < 0)
		s->profile = embedded("podman", "v0.64.1"); /* identical through v0.66.0 */
	if (!s->profile)
		return ac_error_set(err, AC_ERR_INPUT, 0, "podman:%s: no embedded profile for that "
				    "containers/common version (embedded: 0.64.1..0.66.x, 2026-03-04)",
				    version);
	snprintf(s->version, sizeof(s->version), "%s", version ? version : s->profile->version);
	return 0;
}

/* ---- capabilities ------------------------------------------------------ */

/* include/uapi/linux/capability.h order. */
static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
	"SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
	"NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
	"SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
	"AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* moby oci/caps/defaults.go (DefaultCapabilities) and containers.conf's
 * default_capabilities (Podman >= 4.0). */
static const char docker_default_caps[] = "CHOWN,DAC_OVERRIDE,FSETID,FOWNER,MKNOD,NET_RAW,"
	"SETGID,SETUID,SETFCAP,SETPCAP,NET_BIND_SERVICE,SYS_CHROOT,KILL,AUDIT_WRITE";
static const char podman_default_caps[] = "CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,"
	"NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT";

static int cap_index(const char *name, size_t len)
{
	if (len > 4 && !strncasecmp(name, "CAP_", 4)) {
		name += 4;
		len -= 4;
	}
	for (size_t i = 0; i < NELEM(cap_names); i++)
		if (strlen(cap_names[i]) == len && !strncasecmp(cap_names[i], name, len))
			return (int)i;
	return -1;
}

static int caps_add(const char *list, uint64_t *set, struct ac_error *err)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		int i = cap_index(p, len);

		if (len == 3 && !strncasecmp(p, "ALL", 3))
			*set = ~0ull;
		else if (i < 0)
			return ac_error_set(err, AC_ERR_USAGE, 0, "unknown capability '%.*s'", (int)len, p);
		else
			*set |= 1ull << i;
		p += len + (p[len] == ',');
	}
	return 0;
}

static bool cap_granted(uint64_t set, const char *name)
{
	int i = cap_index(name, strlen(name));

	return i >= 0 && (set & (1ull << i));
}

/* ---- architectures ----------------------------------------------------- */

/* libseccomp's token (= AUDIT_ARCH_*) and Go's name (moby goToNative) of
 * each arch of syscalls/table.h. */
static const struct {
	uint32_t token;
	const char *go;
} arch_info[SYSCALL_ARCH_COUNT] = {
	[SYSCALL_X86_64] = { SCMP_ARCH_X86_64, "amd64" }, [SYSCALL_I386] = { SCMP_ARCH_X86, "x86" },
	[SYSCALL_AARCH64] = { SCMP_ARCH_AARCH64, "arm64" }, [SYSCALL_ARM] = { SCMP_ARCH_ARM, "arm" },
	[SYSCALL_PPC64LE] = { SCMP_ARCH_PPC64LE, "ppc64le" },
	[SYSCALL_S390X] = { SCMP_ARCH_S390X, "s390x" },
	[SYSCALL_RISCV64] = { SCMP_ARCH_RISCV64, "riscv64" },
};

static enum syscall_arch table_of_token(uint32_t token)
{
	for (int a = 0; a < SYSCALL_ARCH_COUNT; a++)
		if (arch_info[a].token == token)
			return (enum syscall_arch)a;
	return SYSCALL_ARCH_NONE;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 if unknown to it. */
static uint32_t token_of_profile_arch(const char *name)
{
	char lower[32];
	size_t i;

	if (strncmp(name, "SCMP_ARCH_", 10) || strlen(name + 10) >= sizeof(lower))
		return 0;
	for (i = 0; name[10 + i]; i++)
		lower[i] = (char)(name[10 + i] >= 'A' && name[10 + i] <= 'Z' ? name[10 + i] + 32
									    : name[10 + i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* ---- the model --------------------------------------------------------- */

#define MAX_FILTER_ARCHES 16

struct model_rule {
	const struct profile_rule *src;
	bool applied;        /* the runtime passes it on (includes/excludes hold) */
	bool same_as_default;
	char why_not[96];    /* why it was not passed on */
	char text[160];      /* "ERRNO(38) unless CAP_SYS_ADMIN" */
};

struct seccomp_model {
	struct seccomp_model_info info;
	char *describe;
	char *runtime, *version, *profile_name, *oci_runtime, *libseccomp, *note;
	bool unconfined;
	enum syscall_arch native;
	unsigned kernel[2];
	uint64_t caps;
	bool linked;          /* libseccomp: the linked one, not a --libseccomp version */
	unsigned libseccomp_v[3];
	struct seccomp_profile profile;
	struct model_rule *rules;
	uint32_t tokens[MAX_FILTER_ARCHES]; /* arches in the filter, native first */
	size_t ntokens;
	long stub_max[MAX_FILTER_ARCHES];   /* per token; -1 = no stub section */
	struct bpf_prog prog;
	/* Argument-free verdicts per syscall table entry, filled as asked: a
	 * check asks the same few hundred syscalls for every program of the
	 * image (60 000 evaluations on a minbase image), each one a BPF run
	 * and a rule search for the explanation. */
	pthread_mutex_t memo_lock;
	struct seccomp_verdict *memo[SYSCALL_ARCH_COUNT];
	bool *memo_set[SYSCALL_ARCH_COUNT];
};

const char *seccomp_linked_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

static const struct libseccomp_support *support_of(const char *name)
{
	for (size_t i = 0; i < libseccomp_support_count; i++)
		if (!strcmp(libseccomp_support[i].name, name))
			return &libseccomp_support[i];
	return NULL;
}

static bool released_in(const struct seccomp_model *m, const char *first)
{
	return first[0] && version_cmp_str(m->libseccomp_v, first) >= 0;
}

/* Whether the host's libseccomp resolves `name` on the arch `token`, which
 * decides whether runc/crun add the rule there: they drop names it cannot
 * resolve.  Socket calls multiplexed through socketcall count as resolved
 * once the name is known at all. */
static bool host_resolves(const struct seccomp_model *m, uint32_t token, const char *name)
{
	const struct libseccomp_support *s;
	enum syscall_arch a = table_of_token(token);
	bool known = false;

	if (seccomp_syscall_resolve_name_arch(token, name) == __NR_SCMP_ERROR)
		return false;
	if (m->linked)
		return true;
	if (!(s = support_of(name)))
		return false;
	for (int i = 0; i < SYSCALL_ARCH_COUNT; i++)
		known = known || released_in(m, s->first[i]);
	if (a == SYSCALL_ARCH_NONE)
		return known;
	return released_in(m, s->first[a]) ||
	       (known && !strncmp(s->debian_2_5_4[a], "mux-", 4));
}

static int add_arch(struct seccomp_model *m, uint32_t token, struct ac_error *err)
{
	for (size_t i = 0; i < m->ntokens; i++)
		if (m->tokens[i] == token)
			return 0;
	if (m->ntokens == MAX_FILTER_ARCHES)
		return ac_error_set(err, AC_ERR_INPUT, 0, "more than %d architectures",
				    MAX_FILTER_ARCHES);
	m->tokens[m->ntokens++] = token;
	return 0;
}

/* moby's setupSeccomp(): "architectures" as given, plus the archMap entry
 * of the host's arch with its sub-arches; runc always has the native one. */
static int choose_arches(struct seccomp_model *m, struct ac_error *err)
{
	const struct seccomp_profile *p = &m->profile;
	uint32_t native = arch_info[m->native].token, t;

	if (add_arch(m, native, err) < 0)
		return -1;
	for (size_t i = 0; i < p->narchitectures; i++) {
		if (!(t = token_of_profile_arch(p->architectures[i])))
			return ac_error_set(err, AC_ERR_INPUT, 0, "architectures: '%s' unknown to "
					    "libseccomp %s", p->architectures[i], seccomp_linked_version());
		if (add_arch(m, t, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < p->narch_map; i++) {
		if (token_of_profile_arch(p->arch_map[i].arch) != native)
			continue;
		for (size_t j = 0; j < p->arch_map[i].nsub; j++) {
			if (!(t = token_of_profile_arch(p->arch_map[i].sub[j])))
				return ac_error_set(err, AC_ERR_INPUT, 0, "archMap: '%s' unknown to "
						    "libseccomp %s", p->arch_map[i].sub[j],
						    seccomp_linked_version());
			if (add_arch(m, t, err) < 0)
				return -1;
		}
	}
	return 0;
}

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static int kernel_cmp(const unsigned a[2], const unsigned b[2])
{
	if (a[0] == 0 && a[1] == 0)
		return 1; /* {0,0}: the newest kernel */
	return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] != b[1] ? (a[1] < b[1] ? -1 : 1) : 0;
}

static void append(char *buf, size_t len, const char *fmt, const char *a, const char *b)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, fmt, a, b);
}

static void describe_cond(const struct profile_cond *c, bool include, char *buf, size_t len)
{
	char kv[32];

	for (size_t i = 0; i < c->ncaps; i++)
		append(buf, len, " %s %s", include ? "with" : "unless", c->caps[i]);
	for (size_t i = 0; i < c->narches; i++)
		append(buf, len, " %s %s", include ? "on" : "not on", c->arches[i]);
	if (c->has_min_kernel) {
		snprintf(kv, sizeof(kv), "%u.%u", c->min_kernel[0], c->min_kernel[1]);
		append(buf, len, " on kernel %s %s", include ? ">=" : "<", kv);
	}
}

/* moby setupSeccomp(): the rule reaches the runtime only when none of
 * excludes holds and all of includes hold. */
static bool rule_applies(const struct seccomp_model *m, const struct profile_rule *r, char *why,
			 size_t len)
{
	const char *go = arch_info[m->native].go;
	char kv[32];

	for (size_t i = 0; i < r->excludes.ncaps; i++)
		if (cap_granted(m->caps, r->excludes.caps[i]))
			return snprintf(why, len, "%s is granted", r->excludes.caps[i]), false;
	if (in_list(r->excludes.arches, r->excludes.narches, go))
		return snprintf(why, len, "excluded on %s", go), false;
	if (r->excludes.has_min_kernel && kernel_cmp(m->kernel, r->excludes.min_kernel) >= 0)
		return snprintf(why, len, "kernel >= %u.%u", r->excludes.min_kernel[0],
				r->excludes.min_kernel[1]), false;
	if (r->includes.narches && !in_list(r->includes.arches, r->includes.narches, go))
		return snprintf(why, len, "not for %s", go), false;
	for (size_t i = 0; i < r->includes.ncaps; i++)
		if (!cap_granted(m->caps, r->includes.caps[i]))
			return snprintf(why, len, "%s is not granted", r->includes.caps[i]), false;
	if (r->includes.has_min_kernel && kernel_cmp(m->kernel, r->includes.min_kernel) < 0) {
		snprintf(kv, sizeof(kv), "%u.%u", m->kernel[0], m->kernel[1]);
		return snprintf(why, len, "kernel %s < %u.%u", kv, r->includes.min_kernel[0],
				r->includes.min_kernel[1]), false;
	}
	return true;
}

static void prepare_rules(struct seccomp_model *m)
{
	m->rules = xcalloc(m->profile.nrules + 1, sizeof(*m->rules));
	for (size_t i = 0; i < m->profile.nrules; i++) {
		struct model_rule *mr = &m->rules[i];
		const struct profile_rule *r = &m->profile.rules[i];

		mr->src = r;
		mr->applied = rule_applies(m, r, mr->why_not, sizeof(mr->why_not));
		/* libseccomp refuses a rule whose action is the default one
		 * (-EACCES); runc >= 1.1 skips such rules. */
		mr->same_as_default = r->action == m->profile.default_action;
		seccomp_scmp_action_format(r->action, mr->text, sizeof(mr->text));
		describe_cond(&r->excludes, false, mr->text, sizeof(mr->text));
		describe_cond(&r->includes, true, mr->text, sizeof(mr->text));
	}
}

/* runc (libcontainer/seccomp, matchCall): when two conditions compare the
 * same argument, each becomes a rule of its own (OR); otherwise they are
 * one rule (AND). */
static bool args_or(const struct profile_rule *r)
{
	for (size_t i = 0; i < r->nargs; i++)
		for (size_t j = i + 1; j < r->nargs; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static int add_rule(scmp_filter_ctx ctx, const struct profile_rule *r, const char *name,
		    struct ac_error *err)
{
	struct scmp_arg_cmp cmp[6];
	int nr = seccomp_syscall_resolve_name(name), rc = 0;
	size_t n = 0;

	/* Numbers are the native arch's; libseccomp maps them by name to
	 * each arch of the filter. */
	if (r->nargs == 0)
		rc = seccomp_rule_add_array(ctx, r->action, nr, 0, NULL);
	else if (args_or(r)) {
		for (size_t i = 0; i < r->nargs && rc == 0; i++) {
			cmp[0] = (struct scmp_arg_cmp){ r->args[i].index, r->args[i].op,
							r->args[i].value, r->args[i].value_two };
			rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmp);
		}
	} else {
		for (; n < r->nargs; n++)
			cmp[n] = (struct scmp_arg_cmp){ r->args[n].index, r->args[n].op,
							r->args[n].value, r->args[n].value_two };
		rc = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)n, cmp);
	}
	if (rc < 0)
		return ac_error_set(err, AC_ERR_INPUT, -rc, "rule for %s: libseccomp refuses it", name);
	return 0;
}

/* libseccomp asks the running kernel which actions it supports (the
 * seccomp(2) GET_ACTION_AVAIL call) and refuses KILL_PROCESS, LOG,
 * USER_NOTIF where it says no.  The filter built here is never loaded,
 * only run (bpf.c), and models the *target's* runtime, so the host's
 * answer must not decide: pin the newest API level this libseccomp
 * knows.  (Seen under valgrind, which does not implement seccomp(2).) */
static void pin_api_level(void)
{
	for (unsigned level = 7; level >= 3; level--)
		if (seccomp_api_set(level) == 0)
			return;
}

/* One single-arch filter; the arches' filters are merged afterwards, so a
 * --libseccomp version can lack a name on one arch and not another. */
static int build_arch(const struct seccomp_model *m, uint32_t token, scmp_filter_ctx *out,
		      struct ac_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	scmp_filter_ctx ctx;

	pthread_once(&once, pin_api_level);
	ctx = seccomp_init(m->profile.default_action);

	if (!ctx)
		return ac_error_set(err, AC_ERR_INPUT, 0, "libseccomp refuses the default action");
	if (token != seccomp_arch_native() &&
	    (seccomp_arch_add(ctx, token) < 0 || seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)) {
		seccomp_release(ctx);
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "libseccomp cannot build a filter for "
				    "arch 0x%x", token);
	}
	for (size_t i = 0; i < m->profile.nrules; i++) {
		const struct model_rule *mr = &m->rules[i];

		if (!mr->applied || mr->same_as_default)
			continue;
		for (size_t j = 0; j < mr->src->nnames; j++)
			if (host_resolves(m, token, mr->src->names[j]) &&
			    add_rule(ctx, mr->src, mr->src->names[j], err) < 0) {
				seccomp_release(ctx);
				return -1;
			}
	}
	*out = ctx;
	return 0;
}

int seccomp_export_prog(scmp_filter_ctx ctx, struct bpf_prog *out, struct ac_error *err)
{
	int fd = memfd_create("abicheck-seccomp", MFD_CLOEXEC), rc;
	struct stat st;
	void *buf;

	if (fd < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "memfd_create");
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0 || fstat(fd, &st) < 0) {
		close(fd);
		return ac_error_set(err, AC_ERR_SYSTEM, rc < 0 ? -rc : errno,
				    "exporting the filter failed");
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		close(fd);
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "reading the exported filter failed");
	}
	close(fd);
	rc = bpf_prog_from_bytes(buf, (size_t)st.st_size, out, err);
	free(buf);
	return rc;
}

/* ---- runc's ENOSYS stub ------------------------------------------------ */

/* runc's generatePatch(): no stub when the default action lets calls
 * through (ALLOW, LOG, TRACE) or already answers ENOSYS. */
static bool stub_wanted(const struct seccomp_model *m)
{
	uint32_t d = m->profile.default_action;
	struct seccomp_ret r = seccomp_ret_decode(d);

	if (m->profile.default_errno_set && m->profile.default_errno == ENOSYS)
		return false;
	return r.action != SECCOMP_ACT_ALLOW && r.action != SECCOMP_ACT_LOG &&
	       r.action != SECCOMP_ACT_TRACE;
}

/* The largest number any passed-on rule names on each arch (runc's
 * findLastSyscalls(): only names the host libseccomp resolves). */
static void stub_limits(struct seccomp_model *m)
{
	for (size_t t = 0; t < m->ntokens; t++) {
		m->stub_max[t] = -1;
		for (size_t i = 0; i < m->profile.nrules; i++) {
			const struct model_rule *mr = &m->rules[i];

			for (size_t j = 0; mr->applied && j < mr->src->nnames; j++) {
				const char *n = mr->src->names[j];
				int nr = seccomp_syscall_resolve_name_arch(m->tokens[t], n);

				if (nr > m->stub_max[t] && host_resolves(m, m->tokens[t], n))
					m->stub_max[t] = nr;
			}
		}
	}
}

#define X32_SYSCALL_BIT 0x40000000u

static long stub_max_of(const struct seccomp_model *m, uint32_t token)
{
	for (size_t t = 0; t < m->ntokens; t++)
		if (m->tokens[t] == token)
			return m->stub_max[t];
	return -1;
}

/* The stub as BPF, to run before libseccomp's program:
 *     ld arch; per arch: jeq ARCH ? (ld nr; [x86_64: jset X32 -> x32];
 *     jgt MAX -> enosys : end) : next arch ... ; ja end; enosys: ret
 *     ERRNO(ENOSYS); end: (libseccomp's program)
 * x32 shares AUDIT_ARCH_X86_64 and is told apart by __X32_SYSCALL_BIT, as
 * in runc. */
static void stub_program(const struct seccomp_model *m, struct bpf_prog *out)
{
	struct sock_filter *f = xcalloc(8 * m->ntokens + 4, sizeof(*f));
	size_t n = 0, enosys, end;
	size_t pending[4 * MAX_FILTER_ARCHES]; /* jumps to fix: index*2 + (0 jt | 1 jf) -> target */
	int target[4 * MAX_FILTER_ARCHES];     /* 0 = enosys, 1 = end */
	size_t npending = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	for (size_t t = 0; t < m->ntokens; t++) {
		uint32_t tok = m->tokens[t];
		long x32 = tok == SCMP_ARCH_X86_64 ? stub_max_of(m, SCMP_ARCH_X32) : -1;
		bool is64 = tok == SCMP_ARCH_X86_64;
		size_t len = is64 ? 5 : 3;

		if (tok == SCMP_ARCH_X32 || m->stub_max[t] < 0)
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, tok, 0,
						      (uint8_t)(len - 1));
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, nr));
		if (is64)
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
							      X32_SYSCALL_BIT, 1, 0);
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
						    (uint32_t)m->stub_max[t], 0, 0);
		pending[npending] = n * 2, target[npending++] = 0;
		pending[npending] = n * 2 + 1, target[npending++] = 1;
		n++;
		if (is64) {
			if (x32 >= 0) {
				f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
								    (uint32_t)x32, 0, 0);
				pending[npending] = n * 2, target[npending++] = 0;
			} else
				f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
			pending[npending] = n * 2 + 1, target[npending++] = 1;
			n++;
		}
	}
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0); /* over enosys */
	n++;
	enosys = n;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	end = n;
	for (size_t i = 0; i < npending; i++) {
		size_t pc = pending[i] / 2;
		uint8_t off = (uint8_t)((target[i] ? end : enosys) - pc - 1);

		if (f[pc].code == (BPF_JMP | BPF_JA))
			f[pc].k = off;
		else if (pending[i] % 2)
			f[pc].jf = off;
		else
			f[pc].jt = off;
	}
	out->insns = f;
	out->len = n;
}

/* ---- loading ----------------------------------------------------------- */

static int read_profile_file(const char *path, char **buf, size_t *len, struct ac_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t got;

	if (fd < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "cannot open");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ac_error_set(err, AC_ERR_INPUT, 0, "not a regular file");
	}
	if (st.st_size > SECCOMP_PROFILE_MAX_BYTES) {
		close(fd);
		return ac_error_set(err, AC_ERR_LIMIT, 0, "larger than %u bytes",
				    SECCOMP_PROFILE_MAX_BYTES);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	got = read(fd, *buf, (size_t)st.st_size + 1);
	close(fd);
	if (got < 0 || got > st.st_size) {
		free(*buf);
		return ac_error_set(err, AC_ERR_INPUT, errno, "read failed or the file grew");
	}
	*len = (size_t)got;
	return 0;
}

static int build(struct seccomp_model *m, struct ac_error *err)
{
	scmp_filter_ctx all = NULL, one = NULL;
	struct bpf_prog lib = { 0 }, stub = { 0 };
	int rc = 0;

	if (choose_arches(m, err) < 0)
		return -1;
	prepare_rules(m);
	for (size_t t = 0; t < m->ntokens && rc == 0; t++) {
		if ((rc = build_arch(m, m->tokens[t], &one, err)) < 0)
			break;
		if (!all)
			all = one;
		else if ((rc = seccomp_merge(all, one)) < 0) {
			seccomp_release(one);
			rc = ac_error_set(err, AC_ERR_SYSTEM, -rc, "libseccomp cannot merge arches");
		}
	}
	if (rc == 0)
		rc = seccomp_export_prog(all, &lib, err);
	if (all)
		seccomp_release(all);
	if (rc < 0)
		return -1;
	for (size_t t = 0; t < m->ntokens; t++)
		m->stub_max[t] = -1;
	m->info.enosys_stub = m->info.enosys_stub && stub_wanted(m);
	if (m->info.enosys_stub) {
		stub_limits(m);
		stub_program(m, &stub);
		rc = bpf_prog_concat(&stub, &lib, &m->prog, err);
		bpf_prog_free(&stub);
		bpf_prog_free(&lib);
		return rc;
	}
	m->prog = lib;
	return 0;
}

static void finish_info(struct seccomp_model *m, const char *runtime, const char *version,
			const char *profile, const char *oci, bool stub, const char *note)
{
	m->runtime = xstrdup(runtime);
	m->version = xstrdup(version);
	m->profile_name = profile ? xstrdup(profile) : NULL;
	m->oci_runtime = xstrdup(oci);
	m->note = note && *note ? xstrdup(note) : NULL;
	m->info = (struct seccomp_model_info){ m->runtime, m->version, m->profile_name, m->oci_runtime,
					       m->libseccomp, stub, m->note };
}

static void make_describe(struct seccomp_model *m)
{
	const struct seccomp_model_info *i = &m->info;
	char d[512];

	if (m->unconfined)
		snprintf(d, sizeof(d), "unconfined (no seccomp filter)");
	else
		snprintf(d, sizeof(d), "%s%s%s (profile %s, %s%s, libseccomp %s)", i->runtime,
			 *i->version ? " " : "", i->version, i->profile, i->oci_runtime,
			 i->enosys_stub ? " with ENOSYS stub" : "", i->libseccomp);
	m->describe = xstrdup(d);
}

static int load_spec(struct seccomp_model *m, const char *spec, struct ac_error *err)
{
	struct selection s = { 0 };
	const char *colon = strchr(spec, ':'), *version = colon ? colon + 1 : NULL;
	size_t rlen = colon ? (size_t)(colon - spec) : strlen(spec);
	char *file = NULL;
	size_t len = 0;
	int rc;

	if (!strcmp(spec, "unconfined")) {
		m->unconfined = true;
		finish_info(m, "unconfined", "", NULL, "", false, NULL);
		return 0;
	}
	if ((rlen == 6 && !strncmp(spec, "docker", 6)) || (rlen == 6 && !strncmp(spec, "podman", 6))) {
		if (version && !*version)
			return ac_error_set(err, AC_ERR_USAGE, 0, "%s: empty version", spec);
		rc = spec[0] == 'd' ? select_docker(version, &s, err) : select_podman(version, &s, err);
		if (rc < 0)
			return -1;
		m->caps = 0;
		caps_add(spec[0] == 'd' ? docker_default_caps : podman_default_caps, &m->caps, err);
		finish_info(m, spec[0] == 'd' ? "docker" : "podman", s.version, s.profile->file,
			    s.oci_runtime, s.enosys_stub, s.note);
		return seccomp_profile_parse(s.profile->json, s.profile->len, &m->profile, err) < 0
			       ? ac_error_wrap(err, "embedded %s", s.profile->file)
			       : 0;
	}
	/* A profile file, as `docker run --security-opt seccomp=FILE` with a
	 * current runc would load it. */
	if (read_profile_file(spec, &file, &len, err) < 0 ||
	    seccomp_profile_parse(file, len, &m->profile, err) < 0) {
		free(file);
		return ac_error_wrap(err, "%s", spec);
	}
	free(file);
	caps_add(docker_default_caps, &m->caps, err);
	finish_info(m, "file", "", spec, "runc", true, NULL);
	return 0;
}

int seccomp_model_load(const char *spec, const struct seccomp_target *t,
		       struct seccomp_model **out, struct ac_error *err)
{
	struct seccomp_model *m = xcalloc(1, sizeof(*m));
	char lib[64];

	*out = NULL;
	pthread_mutex_init(&m->memo_lock, NULL);
	if (t->arch < 0 || t->arch >= SYSCALL_ARCH_COUNT) {
		free(m);
		return ac_error_set(err, AC_ERR_USAGE, 0, "unknown target arch");
	}
	m->native = t->arch;
	memcpy(m->kernel, t->kernel, sizeof(m->kernel));
	m->linked = !t->libseccomp;
	if (t->libseccomp && parse_version(t->libseccomp, m->libseccomp_v) < 0) {
		free(m);
		return ac_error_set(err, AC_ERR_USAGE, 0, "--libseccomp '%s': not a version",
				    t->libseccomp);
	}
	snprintf(lib, sizeof(lib), "%s%s", t->libseccomp ? t->libseccomp : seccomp_linked_version(),
		 t->libseccomp ? "" : " (linked)");
	m->libseccomp = xstrdup(lib);
	if (load_spec(m, spec, err) < 0 ||
	    (t->cap_add && caps_add(t->cap_add, &m->caps, err) < 0) ||
	    (!m->unconfined && build(m, err) < 0)) {
		seccomp_model_free(m);
		return -1;
	}
	make_describe(m);
	*out = m;
	return 0;
}

/* ---- evaluation -------------------------------------------------------- */

static bool is_32bit(enum syscall_arch abi)
{
	return abi == SYSCALL_I386 || abi == SYSCALL_ARM;
}

/* libseccomp compares 64-bit values; on 32-bit ABIs only the low word
 * exists. */
static bool arg_matches(const struct profile_arg *a, const uint64_t args[6], bool narrow)
{
	uint64_t v = args[a->index], k = a->value, k2 = a->value_two;

	if (narrow) {
		v = (uint32_t)v;
		k = (uint32_t)k;
		k2 = (uint32_t)k2;
	}
	switch (a->op) {
	case SCMP_CMP_NE: return v != k;
	case SCMP_CMP_LT: return v < k;
	case SCMP_CMP_LE: return v <= k;
	case SCMP_CMP_EQ: return v == k;
	case SCMP_CMP_GE: return v >= k;
	case SCMP_CMP_GT: return v > k;
	case SCMP_CMP_MASKED_EQ: return (v & k) == k2;
	default: return false;
	}
}

static bool rule_args_match(const struct profile_rule *r, const uint64_t args[6], bool narrow)
{
	bool any = args_or(r);

	if (r->nargs == 0)
		return true;
	for (size_t i = 0; i < r->nargs; i++)
		if (arg_matches(&r->args[i], args, narrow) == any)
			return any;
	return !any;
}

static void describe_args(const struct profile_rule *r, char *buf, size_t len)
{
	char one[96];

	for (size_t i = 0; i < r->nargs; i++) {
		const struct profile_arg *a = &r->args[i];

		if (a->op == SCMP_CMP_MASKED_EQ)
			snprintf(one, sizeof(one), "a%u & 0x%llx == 0x%llx", a->index,
				 (unsigned long long)a->value, (unsigned long long)a->value_two);
		else
			snprintf(one, sizeof(one), "a%u %s 0x%llx", a->index,
				 seccomp_compare_name(a->op), (unsigned long long)a->value);
		append(buf, len, "%s%s", i == 0 ? " if " : args_or(r) ? " or " : " and ", one);
	}
}

static bool names(const struct profile_rule *r, const char *name)
{
	return in_list(r->names, r->nnames, name);
}

static void explain(const struct seccomp_model *m, enum syscall_arch abi, uint32_t token,
		    long nr, const uint64_t args[6], struct seccomp_verdict *v)
{
	const struct syscall_entry *e = syscall_by_nr(abi, nr);
	const char *name = e ? e->name : NULL;
	const struct model_rule *dropped = NULL, *not_applied = NULL;
	long max = stub_max_of(m, token);
	char buf[sizeof(v->why)] = "";

	if (m->info.enosys_stub && max >= 0 && nr > max) {
		snprintf(v->why, sizeof(v->why), "runc ENOSYS stub (nr %ld > %ld, the largest "
			 "number the profile names on %s)", nr, max, syscall_arch_name(abi));
		return;
	}
	for (size_t i = 0; name && i < m->profile.nrules; i++) {
		const struct model_rule *mr = &m->rules[i];

		if (!names(mr->src, name))
			continue;
		if (!mr->applied) {
			not_applied = not_applied ? not_applied : mr;
			continue;
		}
		if (!host_resolves(m, token, name)) {
			dropped = mr;
			continue;
		}
		v->depends_on_args |= mr->src->nargs > 0;
		if (!buf[0] && !mr->same_as_default &&
		    seccomp_ret_decode(mr->src->action).action == v->ret.action &&
		    seccomp_ret_decode(mr->src->action).data == v->ret.data &&
		    rule_args_match(mr->src, args, is_32bit(abi))) {
			snprintf(buf, sizeof(buf), "rule: %s %s", name, mr->text);
			describe_args(mr->src, buf, sizeof(buf));
		}
	}
	if (buf[0])
		snprintf(v->why, sizeof(v->why), "%s", buf);
	else if (dropped)
		snprintf(v->why, sizeof(v->why), "dropped: libseccomp %s cannot resolve %s on %s; "
			 "default action", m->libseccomp, name, syscall_arch_name(abi));
	else if (v->depends_on_args)
		snprintf(v->why, sizeof(v->why), "default action (no rule's argument conditions "
			 "matched)");
	else if (not_applied)
		snprintf(v->why, sizeof(v->why), "default action (rule %s %s not applied: %s)", name,
			 not_applied->text, not_applied->why_not);
	else
		snprintf(v->why, sizeof(v->why), "default action");
}

static void eval(const struct seccomp_model *m, enum syscall_arch abi, long nr,
		 const uint64_t args[6], struct seccomp_verdict *out);

/* The table entry of (abi, nr) whose memo slot the verdict has, or -1. */
static long memo_slot(enum syscall_arch abi, long nr)
{
	const struct syscall_entry *e = syscall_by_nr(abi, nr);

	return e ? (long)(e - syscall_tables[abi].entries) : -1;
}

static void eval_memo(struct seccomp_model *m, enum syscall_arch abi, long nr,
		      struct seccomp_verdict *out)
{
	long k = memo_slot(abi, nr);

	if (k < 0) {
		eval(m, abi, nr, NULL, out);
		return;
	}
	pthread_mutex_lock(&m->memo_lock);
	if (!m->memo[abi]) {
		m->memo[abi] = xcalloc(syscall_tables[abi].count + 1, sizeof(*m->memo[abi]));
		m->memo_set[abi] = xcalloc(syscall_tables[abi].count + 1, sizeof(bool));
	}
	if (!m->memo_set[abi][k]) {
		eval(m, abi, nr, NULL, &m->memo[abi][k]);
		m->memo_set[abi][k] = true;
	}
	*out = m->memo[abi][k];
	pthread_mutex_unlock(&m->memo_lock);
}

int seccomp_model_eval(const struct seccomp_model *m, enum syscall_arch abi, long nr,
		       const uint64_t args[6], struct seccomp_verdict *out, struct ac_error *err)
{
	memset(out, 0, sizeof(*out));
	if (abi < 0 || abi >= SYSCALL_ARCH_COUNT || nr < INT_MIN || nr > INT_MAX)
		return ac_error_set(err, AC_ERR_USAGE, 0, "syscall %ld of an unknown ABI", nr);
	/* The memo is the model's cache, not its state: the answer is the
	 * same with or without it. */
	if (!args)
		eval_memo((struct seccomp_model *)m, abi, nr, out);
	else
		eval(m, abi, nr, args, out);
	return 0;
}

static void eval(const struct seccomp_model *m, enum syscall_arch abi, long nr,
		 const uint64_t args[6], struct seccomp_verdict *out)
{
	static const uint64_t zero[6];
	struct seccomp_data d = { 0 };
	uint32_t token;
	bool in_filter = false;

	memset(out, 0, sizeof(*out));
	if (m->unconfined) {
		out->ret = (struct seccomp_ret){ SECCOMP_ACT_ALLOW, 0 };
		snprintf(out->why, sizeof(out->why), "unconfined: no seccomp filter");
		return;
	}
	args = args ? args : zero;
	token = arch_info[abi].token;
	d.nr = (int)nr;
	d.arch = token;
	memcpy(d.args, args, sizeof(d.args));
	out->ret = seccomp_ret_decode(bpf_run(&m->prog, &d));
	for (size_t t = 0; t < m->ntokens; t++)
		in_filter |= m->tokens[t] == token;
	if (!in_filter)
		snprintf(out->why, sizeof(out->why), "%s is not an arch of the filter: libseccomp's "
			 "bad-arch action", syscall_arch_name(abi));
	else
		explain(m, abi, token, nr, args, out);
}

const char *seccomp_model_describe(const struct seccomp_model *m)
{
	return m->describe;
}

const struct seccomp_model_info *seccomp_model_info(const struct seccomp_model *m)
{
	return &m->info;
}

size_t seccomp_model_abis(const struct seccomp_model *m, enum syscall_arch *abis, size_t max)
{
	size_t n = 0;

	if (m->unconfined && max > 0)
		abis[n++] = m->native;
	for (size_t t = 0; t < m->ntokens && n < max; t++)
		if (table_of_token(m->tokens[t]) != SYSCALL_ARCH_NONE)
			abis[n++] = table_of_token(m->tokens[t]);
	return n;
}

void seccomp_model_free(struct seccomp_model *m)
{
	if (!m)
		return;
	for (int a = 0; a < SYSCALL_ARCH_COUNT; a++) {
		free(m->memo[a]);
		free(m->memo_set[a]);
	}
	pthread_mutex_destroy(&m->memo_lock);
	seccomp_profile_free(&m->profile);
	bpf_prog_free(&m->prog);
	free(m->rules);
	free(m->describe);
	free(m->runtime);
	free(m->version);
	free(m->profile_name);
	free(m->oci_runtime);
	free(m->libseccomp);
	free(m->note);
	free(m);
}
