/* images/platform.c — see platform.h. */
#include "images/platform.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* Aliases as containerd/platforms normalises them (database.go). */
static const struct { const char *alias, *arch, *variant; } arch_aliases[] = {
	{ "x86_64", "amd64", "" },   { "x86-64", "amd64", "" },  { "aarch64", "arm64", "" },
	{ "armhf", "arm", "v7" },    { "armel", "arm", "v6" },   { "armv7l", "arm", "v7" },
	{ "armv6l", "arm", "v6" },   { "i386", "386", "" },      { "i686", "386", "" },
	{ "ppc64el", "ppc64le", "" }, { "riscv64", "riscv64", "" },
};

void platform_normalize(struct platform *p)
{
	for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]); i++)
		if (!strcmp(p->arch, arch_aliases[i].alias)) {
			snprintf(p->arch, sizeof(p->arch), "%s", arch_aliases[i].arch);
			if (!p->variant[0])
				snprintf(p->variant, sizeof(p->variant), "%s",
					 arch_aliases[i].variant);
		}
	if (!strcmp(p->arch, "arm64") && !strcmp(p->variant, "8"))
		strcpy(p->variant, "v8");
	if (!strcmp(p->arch, "arm") && p->variant[0] >= '5' && p->variant[0] <= '8' &&
	    !p->variant[1]) {
		char v = p->variant[0];
		snprintf(p->variant, sizeof(p->variant), "v%c", v);
	}
}

int platform_parse(const char *s, struct platform *out, struct ac_error *err)
{
	char buf[128];
	char *parts[4] = { 0 };
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (!*s || strlen(s) >= sizeof(buf))
		return ac_error_set(err, AC_ERR_USAGE, 0, "invalid platform '%.100s'", s);
	strcpy(buf, s);
	char *save = NULL;
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (n == 3)
			return ac_error_set(err, AC_ERR_USAGE, 0,
					    "invalid platform '%s' (want os/arch[/variant])", s);
		parts[n++] = tok;
	}
	if (n == 1) { /* "arm64" alone means linux/arm64, as docker accepts */
		parts[1] = parts[0];
		parts[0] = "linux";
		n = 2;
	}
	if (n < 2 || strlen(parts[0]) >= sizeof(out->os) ||
	    strlen(parts[1]) >= sizeof(out->arch) ||
	    (parts[2] && strlen(parts[2]) >= sizeof(out->variant)))
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "invalid platform '%s' (want os/arch[/variant])", s);
	strcpy(out->os, parts[0]);
	strcpy(out->arch, parts[1]);
	if (parts[2])
		strcpy(out->variant, parts[2]);
	platform_normalize(out);
	return 0;
}

void platform_host(struct platform *out)
{
	struct utsname u;

	memset(out, 0, sizeof(*out));
	strcpy(out->os, "linux");
	if (uname(&u) == 0)
		snprintf(out->arch, sizeof(out->arch), "%.31s", u.machine);
	else
		strcpy(out->arch, "unknown");
	platform_normalize(out);
}

static const char *effective_variant(const struct platform *p)
{
	if (p->variant[0])
		return p->variant;
	if (!strcmp(p->arch, "arm64"))
		return "v8";
	if (!strcmp(p->arch, "arm"))
		return "v7";
	return "";
}

bool platform_match(const struct platform *want, const struct platform *have)
{
	struct platform h = *have;

	platform_normalize(&h);
	return !strcmp(want->os, h.os) && !strcmp(want->arch, h.arch) &&
	       !strcmp(effective_variant(want), effective_variant(&h));
}

void platform_format(const struct platform *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}
