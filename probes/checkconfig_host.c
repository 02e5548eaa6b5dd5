/* probes/checkconfig_host.c — see checkconfig_host.h.  Each check mirrors
 * the shell of moby contrib/check-config.sh @ a4c5b2be. */
#include "probes/checkconfig_host.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/vfs.h>

#include "common/xalloc.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	return s;
}

/* First line of a small file, without trailing whitespace; -1 if unreadable. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* `command -v NAME`: an executable regular file in a PATH directory. */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (!path)
		return false;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char full[4096];
		struct stat st;

		snprintf(full, sizeof(full), "%s/%s", *dir ? dir : ".", name);
		found = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
	}
	free(copy);
	return found;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool cgroup_v1_option(const char *opts)
{
	static const char *const subsys[] = { "cpu", "cpuacct", "cpuset", "devices", "freezer",
					      "memory" };
	char *copy = xstrdup(opts), *tok, *save = NULL;
	bool hit = false;

	for (tok = strtok_r(copy, ",", &save); tok && !hit; tok = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(subsys) / sizeof(subsys[0]); i++)
			hit |= !strcmp(tok, subsys[i]);
	free(copy);
	return hit;
}

static void cgroup_v2(struct host_verdict *h)
{
	static const char *const controllers[] = { "cpu", "cpuset", "io", "memory", "pids" };
	char line[4096], note[1024];
	size_t n;

	h->verdict = xstrdup("cgroupv2");
	h->good = true;
	if (read_line("/sys/fs/cgroup/cgroup.controllers", line, sizeof(line)) < 0) {
		h->note = xstrdup("/sys/fs/cgroup/cgroup.controllers: nonexistent??");
		h->good = false;
		return;
	}
	n = (size_t)snprintf(note, sizeof(note), "  Controllers:");
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
		char padded[4100];
		char word[32];
		bool have;

		snprintf(padded, sizeof(padded), " %s ", line);
		snprintf(word, sizeof(word), " %s ", controllers[i]);
		have = strstr(padded, word) != NULL;
		n += (size_t)snprintf(note + n, sizeof(note) - n, "\n  - %s: %s", controllers[i],
				      have ? "available" : "missing");
	}
	h->note = xstrdup(note);
}

/* The v1 branch: the first cgroup mount of a main subsystem, its parent
 * must hold the other hierarchies. */
static void cgroup_v1(struct host_verdict *h)
{
	FILE *f = fopen("/proc/mounts", "re");
	char line[4096], mnt[4096] = "", dir[4096] = "", *copy;
	bool ok = false;

	while (f && fgets(line, sizeof(line), f)) {
		char src[1024], mp[4096], type[64], opts[2048];

		if (sscanf(line, "%1023s %4095s %63s %2047s", src, mp, type, opts) == 4 &&
		    !strcmp(type, "cgroup") && cgroup_v1_option(opts)) {
			snprintf(mnt, sizeof(mnt), "%s", mp);
			break;
		}
	}
	if (f)
		fclose(f);
	copy = xstrdup(*mnt ? mnt : ".");
	snprintf(dir, sizeof(dir), "%s", dirname(copy));
	free(copy);
	static const char *const subdirs[] = { "cpu", "cpuacct", "cpuset", "devices", "freezer",
					       "memory" };
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]) && !ok; i++) {
		char p[4200];

		snprintf(p, sizeof(p), "%s/%s", dir, subdirs[i]);
		ok = is_dir(p);
	}
	h->good = ok;
	if (ok)
		h->verdict = xprintf("properly mounted [%s]", dir);
	else if (*mnt)
		h->verdict = xprintf("single mountpoint! [%s]", mnt);
	else
		h->verdict = xstrdup("nonexistent??");
	if (!ok)
		h->note = xstrdup("    (see https://github.com/tianon/cgroupfs-mount)");
}

static int apparmor(struct host_verdict *h)
{
	char line[16];

	if (read_line("/sys/module/apparmor/parameters/enabled", line, sizeof(line)) < 0 ||
	    strcmp(line, "Y"))
		return -1;
	h->good = in_path("apparmor_parser");
	if (h->good) {
		h->verdict = xstrdup("enabled and tools installed");
		return 0;
	}
	h->verdict = xstrdup("enabled, but apparmor_parser missing");
	h->note = xstrdup(in_path("apt-get") ? "    (use \"apt-get install apparmor\" to fix this)"
			  : in_path("yum") ? "    (your best bet is \"yum install apparmor-parser\")"
			  : "    (look for an \"apparmor\" package for your distribution)");
	return 0;
}

static void sysctl(const struct cc_step *s, struct host_verdict *h)
{
	char path[512], value[256];

	snprintf(path, sizeof(path), "/proc/sys/%s", s->text);
	for (char *c = path + 10; *c; c++)
		if (*c == '.')
			*c = '/';
	h->good = read_line(path, value, sizeof(value)) == 0 && !strcmp(value, s->arg);
	h->verdict = xstrdup(h->good ? "enabled" : "disabled");
}

static void limit_over(const struct cc_step *s, struct host_verdict *h)
{
	char value[64];

	if (read_line(s->arg, value, sizeof(value)) < 0)
		snprintf(value, sizeof(value), "unreadable");
	h->verdict = xstrdup(value);
	h->good = strtol(value, NULL, 10) > s->number;
	if (!h->good)
		h->note = xprintf("    This should be set to at least %ld, for example set: "
				  "sysctl -w kernel/keys/root_maxkeys=1000000", s->number);
}

char *host_check_name(const struct cc_step *s)
{
	if (s->kind == CC_SYSCTL)
		return xprintf("sysctl %s", s->text);
	if (!strcmp(s->text, "cgroup_hierarchy"))
		return xstrdup("cgroup hierarchy");
	if (!strcmp(s->text, "command"))
		return xprintf("%s command", s->arg);
	return xstrdup(s->arg ? s->arg : s->text);
}

int host_check(const struct cc_step *s, struct host_verdict *h)
{
	struct statfs sfs;
	struct stat st;

	memset(h, 0, sizeof(*h));
	if (s->kind == CC_SYSCTL)
		sysctl(s, h);
	else if (!strcmp(s->text, "cgroup_hierarchy")) {
		if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
			cgroup_v2(h);
		else
			cgroup_v1(h);
	} else if (!strcmp(s->text, "apparmor")) {
		if (apparmor(h) < 0)
			return -1;
	} else if (!strcmp(s->text, "device")) {
		h->good = stat(s->arg, &st) == 0 && S_ISCHR(st.st_mode);
		h->verdict = xstrdup(h->good ? "present" : "missing");
	} else if (!strcmp(s->text, "command")) {
		h->good = in_path(s->arg);
		h->verdict = xstrdup(h->good ? "available" : "missing");
	} else if (!strcmp(s->text, "limit_over")) {
		limit_over(s, h);
	} else {
		return -1;
	}
	h->name = host_check_name(s);
	return 0;
}

bool host_memsw_accounting(void)
{
	struct stat st;

	return stat("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", &st) == 0;
}
