/* probes/cmdline.c — see cmdline.h. */
#include "probes/cmdline.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static bool is_x86_64(const struct kernel_profile *p)
{
	return p->machine && !strcmp(p->machine, "x86_64");
}

/* The kernel's own boolean parsing (kstrtobool): 0/1, y/n, on/off. */
static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "y", "Y", "on", "yes" };
	static const char *const no[] = { "0", "n", "N", "off", "no" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(v, yes[i]))
			return *out = true, 0;
		if (!strcmp(v, no[i]))
			return *out = false, 0;
	}
	return -1;
}

static int set_vsyscall(struct kernel_profile *p, const char *v, struct ac_error *err)
{
	static const struct { const char *name; enum vsyscall_mode m; } modes[] = {
		{ "none", VSYSCALL_MODE_NONE },
		{ "xonly", VSYSCALL_MODE_XONLY },
		{ "emulate", VSYSCALL_MODE_EMULATE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(v, modes[i].name)) {
			if (is_x86_64(p)) {
				p->vsyscall = modes[i].m;
				p->vsyscall_basis = BASIS_CMDLINE;
			}
			return 0;
		}
	return ac_error_set(err, AC_ERR_USAGE, 0,
			    "vsyscall=%s: the kernel accepts none, xonly or emulate", v);
}

static int set_abi_executes(struct kernel_profile *p, enum syscall_arch abi, const char *param,
			    const char *v, struct ac_error *err)
{
	struct profile_abi *a;
	bool on;

	if (parse_bool(v, &on) < 0)
		return ac_error_set(err, AC_ERR_USAGE, 0, "%s=%s: not a boolean", param, v);
	/* Configured out, or before 6.7 (a11e097504ac): no such parameter. */
	if (!is_x86_64(p) || !(a = profile_abi(p, abi)) ||
	    (p->version[0] && p->version[0] * 100 + p->version[1] < 607))
		return 0;
	a->executes = on ? TRI_YES : TRI_NO;
	a->executes_basis = BASIS_CMDLINE;
	return 0;
}

static int apply_one(struct kernel_profile *p, const char *param, const char *v,
		     struct ac_error *err)
{
	bool on;

	if (!strcmp(param, "vsyscall"))
		return set_vsyscall(p, v, err);
	if (!strcmp(param, "vdso")) {
		if (parse_bool(v, &on) < 0)
			return ac_error_set(err, AC_ERR_USAGE, 0, "vdso=%s: not 0 or 1", v);
		if (is_x86_64(p)) {
			p->vdso = on ? TRI_YES : TRI_NO;
			p->vdso_basis = BASIS_CMDLINE;
		}
		return 0;
	}
	if (!strcmp(param, "ia32_emulation"))
		return set_abi_executes(p, SYSCALL_I386, param, v, err);
	return 0;
}

static void append_cmdline(struct kernel_profile *p, const char *cmdline)
{
	char *joined;

	if (!p->cmdline || !*p->cmdline) {
		free(p->cmdline);
		p->cmdline = xstrdup(cmdline);
		return;
	}
	joined = xmalloc(strlen(p->cmdline) + strlen(cmdline) + 2);
	strcpy(joined, p->cmdline);
	strcat(joined, " ");
	strcat(joined, cmdline);
	free(p->cmdline);
	p->cmdline = joined;
}

int profile_apply_cmdline(struct kernel_profile *p, const char *cmdline, struct ac_error *err)
{
	char *copy = xstrdup(cmdline), *save = NULL;
	int rc = 0;

	/* Later parameters win, as in the kernel's parse order. */
	for (char *tok = strtok_r(copy, " \t\n", &save); tok && rc == 0;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		rc = apply_one(p, tok, eq + 1, err);
	}
	free(copy);
	if (rc == 0)
		append_cmdline(p, cmdline);
	return rc;
}

int cmdline_check(const char *cmdline, struct ac_error *err)
{
	struct kernel_profile scratch;
	int rc;

	profile_init(&scratch);
	rc = profile_apply_cmdline(&scratch, cmdline, err);
	profile_free(&scratch);
	return rc;
}
