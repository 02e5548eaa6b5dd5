/* probes/live.c — see live.h.  How the syscall sources combine is written
 * down once, above probe_syscalls(), and in docs/DESIGN.md "Live probe". */
#include "probes/live.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/sort.h"
#include "common/xalloc.h"
#include "probes/bootcache.h"
#include "probes/enosys.h"
#include "probes/kallsyms.h"
#include "probes/kversion_profile.h"

#define PROC_FILE_MAX (1 << 20) /* /proc/self/maps of a big process */

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

/* The whole of a small (proc) file, NUL-terminated, or NULL. */
static char *read_text(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			if (cap >= PROC_FILE_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int parse_kernel_release(const char *release, unsigned version[3])
{
	const char *s = release;

	version[0] = version[1] = version[2] = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (int i = 0; i < 3 && isdigit((unsigned char)*s); i++) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		version[i] = v > 0xffff ? 0xffff : (unsigned)v;
		if (*end != '.')
			break;
		s = end + 1;
	}
	return 0;
}

enum vsyscall_mode vsyscall_mode_from_maps(const char *maps)
{
	for (const char *line = maps; line && *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *perms = strchr(line, ' ');
		size_t len = (size_t)(end - line);

		if (len >= 10 && !memcmp(end - 10, "[vsyscall]", 10) && perms && perms + 5 < end) {
			if (!memcmp(perms + 1, "r-x", 3))
				return VSYSCALL_MODE_EMULATE;
			if (!memcmp(perms + 1, "--x", 3))
				return VSYSCALL_MODE_XONLY;
			return VSYSCALL_MODE_UNKNOWN;
		}
		line = nl ? nl + 1 : NULL;
	}
	return VSYSCALL_MODE_NONE;
}

/* --- binfmt_misc ------------------------------------------------------ */

static const char *elf_machine_arch(unsigned machine, int elfclass, bool big_endian)
{
	switch (machine) {
	case 2: return "sparc";
	case 3: return "i386";
	case 4: return "m68k";
	case 8: return elfclass == 2 ? (big_endian ? "mips64" : "mips64el")
				     : (big_endian ? "mips" : "mipsel");
	case 15: return "hppa";
	case 20: return "ppc";
	case 21: return big_endian ? "ppc64" : "ppc64le";
	case 22: return elfclass == 2 ? "s390x" : "s390";
	case 40: return big_endian ? "armeb" : "arm";
	case 42: return "sh4";
	case 43: return "sparc64";
	case 62: return "x86_64";
	case 183: return "aarch64";
	case 243: return elfclass == 2 ? "riscv64" : "riscv32";
	case 258: return "loongarch64";
	default: return NULL;
	}
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0'
	       : (c >= 'a' && c <= 'f') ? c - 'a' + 10
	       : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* The arch an ELF magic (hex, at `offset`) selects. */
static const char *arch_from_magic(const char *hex, unsigned long offset)
{
	unsigned char b[64];
	size_t n = 0;

	for (; n < offset && n < sizeof(b); n++)
		b[n] = 0;
	for (; hex[0] && hex[1] && n < sizeof(b); hex += 2) {
		int hi = hexval(hex[0]), lo = hexval(hex[1]);

		if (hi < 0 || lo < 0)
			break;
		b[n++] = (unsigned char)(hi << 4 | lo);
	}
	if (offset != 0 || n < 20 || memcmp(b, "\177ELF", 4))
		return NULL;
	bool be = b[5] == 2;
	unsigned machine = be ? (unsigned)b[18] << 8 | b[19] : (unsigned)b[19] << 8 | b[18];
	return elf_machine_arch(machine, b[4], be);
}

/* qemu-user's handlers are named for what they run: qemu-aarch64-static. */
static char *arch_from_interpreter(const char *interp)
{
	const char *base = strrchr(interp, '/');
	char *arch, *dash;

	base = base ? base + 1 : interp;
	if (strncmp(base, "qemu-", 5) || !base[5])
		return NULL;
	arch = xstrdup(base + 5);
	if ((dash = strchr(arch, '-')))
		*dash = '\0';
	return arch;
}

void binfmt_parse(const char *name, const char *text, struct binfmt_handler *h)
{
	char *copy = xstrdup(text), *save = NULL, *magic = NULL;
	unsigned long offset = 0;

	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "enabled"))
			h->enabled = true;
		else if (!strncmp(line, "interpreter ", 12) && !h->interpreter)
			h->interpreter = xstrdup(line + 12);
		else if (!strncmp(line, "flags: ", 7) && !h->flags)
			h->flags = xstrdup(line + 7);
		else if (!strncmp(line, "flags:", 6) && !h->flags)
			h->flags = xstrdup(line + 6);
		else if (!strncmp(line, "offset ", 7))
			offset = strtoul(line + 7, NULL, 10);
		else if (!strncmp(line, "magic ", 6))
			magic = line + 6;
	}
	const char *a = magic ? arch_from_magic(magic, offset) : NULL;
	h->arch = a ? xstrdup(a) : h->interpreter ? arch_from_interpreter(h->interpreter) : NULL;
	free(copy);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void probe_binfmt(struct kernel_profile *p)
{
	const char *dir = "/proc/sys/fs/binfmt_misc";
	DIR *d;
	struct dirent *de;
	char **names = NULL, path[512];
	size_t n = 0, cap = 0;

	p->binfmt_misc_mounted = exists("/proc/sys/fs/binfmt_misc/status");
	if (!p->binfmt_misc_mounted || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "register") ||
		    !strcmp(de->d_name, "status"))
			continue;
		xgrow((void **)&names, &cap, n, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	sort_array(names, n, sizeof(*names), cmp_str);
	p->binfmt = xcalloc(n + 1, sizeof(*p->binfmt));
	for (size_t i = 0; i < n; i++) {
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((text = read_text(path))) {
			binfmt_parse(names[i], text, &p->binfmt[p->nbinfmt++]);
			free(text);
		}
		free(names[i]);
	}
	free(names);
}

/* --- the process's own view: maps, auxv, status, container ------------ */

static void probe_maps_auxv(struct kernel_profile *p)
{
	char *maps = read_text("/proc/self/maps");
	unsigned long pagesz = getauxval(AT_PAGESZ);

	if (maps) {
		p->vsyscall = vsyscall_mode_from_maps(maps);
		p->vsyscall_basis = BASIS_OBSERVED;
	} else {
		profile_assume(p, "/proc/self/maps is unreadable: vsyscall mode unknown");
	}
	/* The vDSO is mapped when the kernel passes AT_SYSINFO_EHDR. */
	p->vdso = getauxval(AT_SYSINFO_EHDR) ? TRI_YES : TRI_NO;
	p->vdso_basis = BASIS_OBSERVED;
	p->page_size = pagesz ? pagesz : (unsigned long)sysconf(_SC_PAGESIZE);
	p->page_size_basis = BASIS_OBSERVED;
	free(maps);
}

/* The number after "Key:" in /proc/self/status, or -1. */
static int status_field(const char *status, const char *key)
{
	size_t len = strlen(key);

	for (const char *l = status; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, len) && l[len] == ':')
			return atoi(l + len + 1);
	return -1;
}

static void add_hint(char *hint, size_t size, const char *what)
{
	size_t len = strlen(hint);

	snprintf(hint + len, size - len, "%s%s", len ? "; " : "", what);
}

/* A cgroup path that a container runtime made, from /proc/PID/cgroup. */
static const char *runtime_cgroup(const char *cgroup)
{
	static const char *const marks[] = { "docker", "kubepods", "containerd", "libpod",
					     "crio", "lxc", "machine.slice" };

	for (size_t i = 0; cgroup && i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(cgroup, marks[i]))
			return marks[i];
	return NULL;
}

static void probe_container(struct kernel_profile *p)
{
	char *status = read_text("/proc/self/status"), hint[512] = "", buf[160];
	const char *files[] = { "/.dockerenv", "/run/.containerenv" };
	const char *procs[] = { "/proc/1/cgroup", "/proc/self/cgroup" };
	int nnp;

	p->self_seccomp = status ? status_field(status, "Seccomp") : -1;
	nnp = status ? status_field(status, "NoNewPrivs") : -1;
	/* Seccomp_filters: (5.9+) and actions_avail (4.14+) exist only with
	 * CONFIG_SECCOMP_FILTER; no Seccomp: line at all means no CONFIG_SECCOMP. */
	if (exists("/proc/sys/kernel/seccomp/actions_avail") ||
	    (status && status_field(status, "Seccomp_filters") >= 0))
		p->seccomp = TRI_YES;
	else if (status && p->self_seccomp < 0)
		p->seccomp = TRI_NO;
	for (size_t i = 0; i < 2; i++)
		if (exists(files[i])) {
			snprintf(buf, sizeof(buf), "%s exists", files[i]);
			add_hint(hint, sizeof(hint), buf);
		}
	for (size_t i = 0; i < 2; i++) {
		char *cg = read_text(procs[i]);
		const char *mark = runtime_cgroup(cg);

		if (mark) {
			snprintf(buf, sizeof(buf), "%s names '%s'", procs[i], mark);
			add_hint(hint, sizeof(hint), buf);
		}
		free(cg);
	}
	if (p->self_seccomp == 2)
		add_hint(hint, sizeof(hint), "a seccomp filter is applied to the prober (Seccomp: 2)");
	if (nnp == 1)
		add_hint(hint, sizeof(hint), "NoNewPrivs: 1");
	p->in_container = *hint ? TRI_YES : TRI_NO;
	if (*hint)
		p->container_hint = xstrdup(hint);
	if (p->self_seccomp == 2)
		profile_assume(p, "the prober runs under a seccomp filter: calls it denies look "
				  "absent or unknown, the host kernel may implement more");
	else if (p->in_container == TRI_YES)
		profile_assume(p, "probed inside what looks like a container (%s): kernel facts are "
				  "the host's, /proc and /sys may be the container's view", hint);
	free(status);
}

static void probe_cgroup(struct kernel_profile *p)
{
	struct statfs fs;

	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return;
	if (fs.f_type == CGROUP2_SUPER_MAGIC) {
		p->cgroup_version = 2;
	} else if (fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == TMPFS_MAGIC) {
		struct statfs u;

		p->cgroup_version = 1; /* a tmpfs of v1 controller mounts */
		p->cgroup_hybrid = statfs("/sys/fs/cgroup/unified", &u) == 0 &&
				   u.f_type == CGROUP2_SUPER_MAGIC;
	}
}

/* --- syscalls ---------------------------------------------------------- */

/* Strong entry symbols whose body may still return -ENOSYS at run time:
 * these are always confirmed by the probe. */
static const struct {
	const char *name, *why;
} runtime_enosys[] = {
	{ "ioperm", "CONFIG_X86_IOPL_IOPERM=n keeps a body returning -ENOSYS (5.5+)" },
	{ "iopl", "as ioperm" },
	{ "memfd_secret", "-ENOSYS when secretmem is off (secretmem.enable=0, no direct map)" },
};

static bool returns_enosys_at_run_time(const char *name)
{
	for (size_t i = 0; i < sizeof(runtime_enosys) / sizeof(runtime_enosys[0]); i++)
		if (!strcmp(runtime_enosys[i].name, name))
			return true;
	return false;
}

/* The table and this kernel disagree about the name: the table says it
 * came later, or went earlier, than this kernel's version. */
static bool table_disagrees(const struct kernel_profile *p, const struct syscall_entry *e)
{
	return kversion_table_avail(e, p->version) == AVAIL_NO;
}

/* How kallsyms and the ENOSYS probe combine, per syscall of one ABI:
 *  1. a strong entry symbol, unambiguous, for a name the version table
 *     places in this kernel, and not on the run-time-ENOSYS list: YES, by
 *     kallsyms.  No syscall is issued.
 *  2. otherwise (weak stub, no symbol, spellings that disagree, table
 *     mismatch) the ENOSYS probe decides, when this build can issue the
 *     ABI's syscalls, the kernel executes the ABI, and the name is not
 *     denied.
 *  3. denied or unprobeable names fall back to kallsyms: strong YES, weak
 *     NO (a COND_SYSCALL stub), missing UNKNOWN.
 * Without kallsyms (hidden /proc), every name not denied is probed. */
static int probe_syscalls(struct kernel_profile *p, struct profile_abi *a,
			  const struct kallsyms *ks, struct ac_error *err)
{
	const struct syscall_table *t = &syscall_tables[a->table];
	size_t *todo = xcalloc(t->count + 1, sizeof(*todo)), ntodo = 0;
	bool probe_ok = enosys_can_probe(a->table) && a->executes != TRI_NO;
	int rc = 0;

	a->syscalls_basis = ks ? BASIS_KALLSYMS : BASIS_ENOSYS;
	for (size_t i = 0; i < t->count; i++) {
		const struct syscall_entry *e = &t->entries[i];
		bool ambiguous = false;
		enum ksym_strength s = ks ? kallsyms_syscall(ks, a->table, e->name, &ambiguous)
					  : KSYM_MISSING;

		if (s == KSYM_STRONG && !ambiguous && !table_disagrees(p, e) &&
		    !returns_enosys_at_run_time(e->name)) {
			a->avail[i] = AVAIL_YES;
			a->avail_basis[i] = BASIS_KALLSYMS;
		} else if (probe_ok && !enosys_denied(e->name)) {
			todo[ntodo++] = i;
			a->avail_basis[i] = BASIS_ENOSYS;
		} else if (ks && s != KSYM_MISSING) {
			a->avail[i] = s == KSYM_STRONG ? AVAIL_YES : AVAIL_NO;
			a->avail_basis[i] = BASIS_KALLSYMS;
		} else {
			a->avail[i] = AVAIL_UNKNOWN;
			a->avail_basis[i] = BASIS_NONE;
		}
	}
	if (ntodo && enosys_probe(a->table, todo, ntodo, a->avail, err) < 0)
		rc = ac_error_wrap(err, "%s syscalls", t->arch);
	free(todo);
	return rc;
}

/* The ABIs this kernel may execute besides its native one. */
static void add_abis(struct kernel_profile *p, const struct kallsyms *ks)
{
	enum syscall_arch native = enosys_native_abi();
	struct profile_abi *a;

	if (native == SYSCALL_ARCH_NONE)
		return;
	a = profile_add_abi(p, native);
	a->executes = TRI_YES; /* we are running in it */
	a->executes_basis = BASIS_OBSERVED;
	if (native == SYSCALL_X86_64) {
		/* IA32_EMULATION: int $0x80 answers, or dies with SIGSEGV when it
		 * is compiled out or ia32_emulation=false (6.7+). */
		a = profile_add_abi(p, SYSCALL_I386);
		a->executes = enosys_abi_executes(SYSCALL_I386);
		a->executes_basis = BASIS_OBSERVED;
		if (a->executes == TRI_UNKNOWN && ks) {
			a->executes = kallsyms_has_prefix(ks, "__ia32_sys_") ? TRI_UNKNOWN : TRI_NO;
			a->executes_basis = BASIS_KALLSYMS;
		}
		if (p->cmdline && strstr(p->cmdline, "ia32_emulation="))
			profile_assume(p, "the kernel command line sets ia32_emulation=; the i386 "
					  "ABI was observed with it in effect");
	} else if (native == SYSCALL_AARCH64 && ks && kallsyms_has_prefix(ks, "__arm64_compat_sys_")) {
		/* CONFIG_COMPAT is built in; whether the CPU runs AArch32 at EL0
		 * cannot be seen from an aarch64 process without executing it. */
		a = profile_add_abi(p, SYSCALL_ARM);
		a->executes_basis = BASIS_KALLSYMS;
		profile_assume(p, "arm (AArch32) compat: built into the kernel; whether the CPU "
				  "executes AArch32 is not probed");
	}
}

static void probe_uname(struct kernel_profile *p, const struct utsname *u)
{
	char *cmdline = read_text("/proc/cmdline");

	p->release = xstrdup(u->release);
	p->machine = xstrdup(u->machine);
	p->release_basis = BASIS_OBSERVED;
	parse_kernel_release(u->release, p->version);
	if (cmdline) {
		cmdline[strcspn(cmdline, "\n")] = '\0';
		p->cmdline = cmdline;
	}
}

int probe_live(struct kernel_profile *p, const struct boot_cache *cache, struct ac_error *err)
{
	struct utsname u;
	struct kallsyms *ks = NULL;
	struct ac_error kerr;
	int rc = 0;

	if (uname(&u) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "uname: %s", strerror(errno));
	p->source = xstrdup("live");
	probe_uname(p, &u);
	probe_maps_auxv(p);
	probe_binfmt(p);
	probe_container(p);
	probe_cgroup(p);
	if (bootcache_kallsyms(cache, &ks, &kerr) < 0) {
		ks = NULL;
		profile_assume(p, "kallsyms unreadable (%s): every syscall not on the denylist was "
				  "probed, denied ones are unknown", kerr.msg);
	}
	add_abis(p, ks);
	for (size_t i = 0; i < p->nabis && rc == 0; i++)
		rc = probe_syscalls(p, &p->abis[i], ks, err);
	kallsyms_free(ks);
	return rc;
}
