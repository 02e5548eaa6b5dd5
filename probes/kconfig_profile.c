/* probes/kconfig_profile.c — see kconfig_profile.h. */
#include "probes/kconfig_profile.h"

#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "common/xalloc.h"

/* The options that decide whether a container's programs run (copied into
 * kernel_profile.config when the config has a line for them). */
const struct kconfig_container_option kconfig_container_options[] = {
	{ "CONFIG_X86_VSYSCALL_EMULATION", "without it there is no vsyscall page at all: glibc <= 2.13 binaries (centos:6) die with SIGSEGV (exit 139)" },
	{ "CONFIG_LEGACY_VSYSCALL_NATIVE", "vsyscall page mapped executable (removed in 4.20): old binaries run" },
	{ "CONFIG_LEGACY_VSYSCALL_EMULATE", "vsyscall page readable and emulated on execute: old binaries run" },
	{ "CONFIG_LEGACY_VSYSCALL_XONLY", "vsyscall page execute-only (default since 5.8): calls work, reads of the page fault" },
	{ "CONFIG_LEGACY_VSYSCALL_NONE", "no vsyscall page unless vsyscall= is booted: glibc <= 2.13 binaries die with SIGSEGV (exit 139)" },
	{ "CONFIG_IA32_EMULATION", "32-bit x86 (i386) binaries run on an x86_64 kernel only with it" },
	{ "CONFIG_IA32_EMULATION_DEFAULT_DISABLED", "6.7+: i386 emulation is off unless ia32_emulation=1 is booted" },
	{ "CONFIG_X86_X32", "x32 ABI (ILP32 on x86_64) before 5.18's rename" },
	{ "CONFIG_X86_X32_ABI", "x32 ABI (ILP32 on x86_64), 5.18+" },
	{ "CONFIG_X86_X32_DISABLED", "Debian: x32 compiled in but off unless syscall.x32=y is booted" },
	{ "CONFIG_COMPAT", "32-bit compat syscalls (arm on arm64, i386 on x86_64)" },
	{ "CONFIG_COMPAT_VDSO", "x86: fixed-address vDSO for old 32-bit glibc; arm64: a vDSO for 32-bit arm processes" },
	{ "CONFIG_ARM64_4K_PAGES", "arm64 page size 4K: every binary's segments align" },
	{ "CONFIG_ARM64_16K_PAGES", "arm64 page size 16K: binaries linked for 4K pages (common on x86-first distros) fail to load" },
	{ "CONFIG_ARM64_64K_PAGES", "arm64 page size 64K: binaries (and jemalloc builds) assuming 4K pages fail" },
	{ "CONFIG_PPC_4K_PAGES", "ppc64 page size 4K" },
	{ "CONFIG_PPC_64K_PAGES", "ppc64 page size 64K (distro default)" },
	{ "CONFIG_PAGE_SIZE_4KB", "6.9+ generic page-size choice: 4K" },
	{ "CONFIG_PAGE_SIZE_16KB", "6.9+ generic page-size choice: 16K" },
	{ "CONFIG_PAGE_SIZE_64KB", "6.9+ generic page-size choice: 64K" },
	{ "CONFIG_BINFMT_MISC", "foreign-architecture images run through qemu-user only with binfmt_misc" },
	{ "CONFIG_SECCOMP", "prctl(PR_SET_SECCOMP) exists" },
	{ "CONFIG_SECCOMP_FILTER", "runtimes apply their default seccomp profile only with it" },
	{ "CONFIG_USER_NS", "rootless runtimes and userns-remap need user namespaces" },
	{ "CONFIG_CGROUPS", "runtimes need cgroups for every container" },
	{ "CONFIG_NAMESPACES", "runtimes need namespaces for every container" },
	{ "CONFIG_IO_URING", "io_uring_* syscalls exist only with it" },
	{ "CONFIG_BPF_SYSCALL", "bpf() exists only with it" },
	{ "CONFIG_USERFAULTFD", "userfaultfd() exists only with it" },
	{ "CONFIG_FHANDLE", "name_to_handle_at/open_by_handle_at exist only with it (systemd needs them)" },
	{ "CONFIG_POSIX_MQUEUE", "mq_* syscalls exist only with it" },
	{ "CONFIG_KEYS", "add_key/request_key/keyctl exist only with it" },
};
const size_t kconfig_container_noptions =
	sizeof(kconfig_container_options) / sizeof(kconfig_container_options[0]);

/* Syscalls that an option removes when it is "is not set": the kernel
 * declares them COND_SYSCALL in kernel/sys_ni.c, so without the code the
 * option builds they return ENOSYS.  The option names are from the
 * Kconfig that builds each file (init/Kconfig, fs/Kconfig, ipc/, mm/). */
static const struct {
	const char *option;
	const char *syscalls[7];
} optional_syscalls[] = {
	{ "IO_URING", { "io_uring_setup", "io_uring_enter", "io_uring_register" } },
	{ "BPF_SYSCALL", { "bpf" } },
	{ "USERFAULTFD", { "userfaultfd" } },
	{ "FHANDLE", { "name_to_handle_at", "open_by_handle_at" } },
	{ "POSIX_MQUEUE", { "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
			    "mq_notify", "mq_getsetattr" } },
	{ "KEYS", { "add_key", "request_key", "keyctl" } },
	{ "PERF_EVENTS", { "perf_event_open" } },
	{ "FANOTIFY", { "fanotify_init", "fanotify_mark" } },
	{ "AIO", { "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents",
		   "io_pgetevents" } },
};

static const struct {
	const char *machine;
	enum syscall_arch native;
} native_abis[] = {
	{ "x86_64", SYSCALL_X86_64 }, { "i686", SYSCALL_I386 }, { "aarch64", SYSCALL_AARCH64 },
	{ "armv7l", SYSCALL_ARM }, { "ppc64le", SYSCALL_PPC64LE }, { "s390x", SYSCALL_S390X },
	{ "riscv64", SYSCALL_RISCV64 },
};

/* Page-size choices; the first "y" wins.  x86, s390 and riscv have only 4K. */
static const struct {
	const char *option;
	unsigned long size;
} page_options[] = {
	{ "PAGE_SIZE_4KB", 4096 }, { "PAGE_SIZE_16KB", 16384 }, { "PAGE_SIZE_64KB", 65536 },
	{ "ARM64_4K_PAGES", 4096 }, { "ARM64_16K_PAGES", 16384 }, { "ARM64_64K_PAGES", 65536 },
	{ "PPC_4K_PAGES", 4096 }, { "PPC_16K_PAGES", 16384 }, { "PPC_64K_PAGES", 65536 },
	{ "PPC_256K_PAGES", 262144 },
};

static bool is_x86(const char *m)
{
	return !strcmp(m, "x86_64") || !strcmp(m, "i686");
}

static int cmp_config(const void *a, const void *b)
{
	return strcmp(((const struct config_option *)a)->name,
		      ((const struct config_option *)b)->name);
}

static void copy_container_options(const struct kconfig *c, struct kernel_profile *p)
{
	for (size_t i = 0; i < kconfig_container_noptions; i++) {
		const char *v = kconfig_get(c, kconfig_container_options[i].name);

		/* All of them are bool or tristate: another value is a damaged
		 * line, and a long one would make a profile that does not load. */
		if (!v || (strcmp(v, "y") && strcmp(v, "m") && strcmp(v, "n")))
			continue;
		p->config = xrealloc(p->config, (p->nconfig + 1) * sizeof(*p->config));
		p->config[p->nconfig].name = xstrdup(kconfig_container_options[i].name);
		p->config[p->nconfig].value = xstrdup(v);
		p->nconfig++;
	}
	sort_array(p->config, p->nconfig, sizeof(*p->config), cmp_config);
}

static void set_vsyscall(const struct kconfig *c, struct kernel_profile *p)
{
	p->vsyscall_basis = BASIS_CONFIG;
	if (strcmp(p->machine, "x86_64")) {
		p->vsyscall = VSYSCALL_MODE_NONE;
		profile_assume(p, "vsyscall: %s has no vsyscall page (an x86_64 feature)", p->machine);
		return;
	}
	if (kconfig_is(c, "LEGACY_VSYSCALL_NONE", "y"))
		p->vsyscall = VSYSCALL_MODE_NONE;
	else if (kconfig_is(c, "LEGACY_VSYSCALL_XONLY", "y"))
		p->vsyscall = VSYSCALL_MODE_XONLY;
	else if (kconfig_is(c, "LEGACY_VSYSCALL_EMULATE", "y"))
		p->vsyscall = VSYSCALL_MODE_EMULATE;
	else if (kconfig_is(c, "LEGACY_VSYSCALL_NATIVE", "y")) {
		p->vsyscall = VSYSCALL_MODE_EMULATE;
		profile_assume(p, "vsyscall: LEGACY_VSYSCALL_NATIVE maps the page executable; "
			       "for binaries it behaves as emulate");
	} else if (kconfig_get(c, "X86_VSYSCALL_EMULATION")) {
		/* The choice depends on X86_VSYSCALL_EMULATION (4.4+). */
		p->vsyscall = VSYSCALL_MODE_NONE;
	} else {
		/* Before 4.4 (3dc33bd30f3e) there was no option: emulate. */
		p->vsyscall = VSYSCALL_MODE_EMULATE;
		p->vsyscall_basis = BASIS_ASSUMED;
		profile_assume(p, "vsyscall: no LEGACY_VSYSCALL_* option (kernel before 4.4): "
			       "emulate, the default of those kernels");
	}
	if (kconfig_get(c, "X86_VSYSCALL_EMULATION") &&
	    !kconfig_is(c, "X86_VSYSCALL_EMULATION", "y"))
		p->vsyscall = VSYSCALL_MODE_NONE;
	profile_assume(p, "vsyscall: %s is the config's default; the vsyscall= boot parameter "
		       "overrides it", vsyscall_mode_name(p->vsyscall));
}

static void mark_optional_syscalls(const struct kconfig *c, struct profile_abi *a)
{
	for (size_t i = 0; i < sizeof(optional_syscalls) / sizeof(optional_syscalls[0]); i++) {
		if (!kconfig_is(c, optional_syscalls[i].option, "n"))
			continue;
		for (size_t j = 0; j < 7 && optional_syscalls[i].syscalls[j]; j++) {
			const struct syscall_entry *e =
				syscall_by_name(a->table, optional_syscalls[i].syscalls[j]);

			if (!e)
				continue;
			size_t k = (size_t)(e - syscall_tables[a->table].entries);
			a->avail[k] = AVAIL_NO;
			a->avail_basis[k] = BASIS_CONFIG;
		}
	}
}

static struct profile_abi *add_abi(const struct kconfig *c, struct kernel_profile *p,
				   enum syscall_arch table, enum tristate executes)
{
	struct profile_abi *a = profile_add_abi(p, table);

	a->executes = executes;
	a->executes_basis = BASIS_CONFIG;
	a->syscalls_basis = BASIS_CONFIG;
	if (executes == TRI_YES)
		mark_optional_syscalls(c, a);
	return a;
}

static void set_x86_compat(const struct kconfig *c, struct kernel_profile *p)
{
	enum tristate ia32 = kconfig_is(c, "IA32_EMULATION", "y") ? TRI_YES : TRI_NO;
	bool x32 = kconfig_is(c, "X86_X32_ABI", "y") || kconfig_is(c, "X86_X32", "y");

	/* 6.7 (a11e097504ac): IA32_EMULATION_DEFAULT_DISABLED makes
	 * ia32_emulation= default to off. */
	if (ia32 == TRI_YES && kconfig_is(c, "IA32_EMULATION_DEFAULT_DISABLED", "y") &&
	    (!c->release || kconfig_version_cmp(c->version, 6, 7) >= 0)) {
		ia32 = TRI_NO;
		profile_assume(p, "i386: IA32_EMULATION_DEFAULT_DISABLED: 32-bit binaries run only "
			       "when ia32_emulation=1 is booted");
	}
	add_abi(c, p, SYSCALL_I386, ia32);
	/* x32 has no syscall table here: recorded as an option and a sentence. */
	if (!x32)
		profile_assume(p, "x32: not built (X86_X32_ABI/X86_X32 not set): x32 binaries fail");
	else if (kconfig_is(c, "X86_X32_DISABLED", "y"))
		profile_assume(p, "x32: built but disabled by default (X86_X32_DISABLED, Debian): "
			       "x32 binaries run only when syscall.x32=y is booted");
	else
		profile_assume(p, "x32: enabled (%s=y)",
			       kconfig_get(c, "X86_X32_ABI") ? "X86_X32_ABI" : "X86_X32");
}

static void set_abis(const struct kconfig *c, struct kernel_profile *p)
{
	for (size_t i = 0; i < sizeof(native_abis) / sizeof(native_abis[0]); i++)
		if (!strcmp(native_abis[i].machine, p->machine))
			add_abi(c, p, native_abis[i].native, TRI_YES);
	if (!strcmp(p->machine, "x86_64"))
		set_x86_compat(c, p);
	else if (!strcmp(p->machine, "aarch64")) {
		add_abi(c, p, SYSCALL_ARM, kconfig_is(c, "COMPAT", "y") ? TRI_YES : TRI_NO);
		if (kconfig_is(c, "COMPAT", "y"))
			profile_assume(p, "arm: COMPAT runs 32-bit arm binaries only on CPUs that "
				       "implement AArch32 at EL0");
	}
}

static void set_page_size(const struct kconfig *c, struct kernel_profile *p)
{
	p->page_size_basis = BASIS_CONFIG;
	for (size_t i = 0; i < sizeof(page_options) / sizeof(page_options[0]); i++)
		if (kconfig_is(c, page_options[i].option, "y")) {
			p->page_size = page_options[i].size;
			return;
		}
	if (is_x86(p->machine) || !strcmp(p->machine, "s390x") ||
	    !strncmp(p->machine, "riscv", 5) || !strcmp(p->machine, "armv7l")) {
		p->page_size = 4096; /* the only size these architectures build */
		return;
	}
	p->page_size = 0;
	p->page_size_basis = BASIS_NONE;
	profile_assume(p, "page size: no page-size option in the config for %s", p->machine);
}

int kconfig_to_profile(const struct kconfig *c, struct kernel_profile *p, struct ac_error *err)
{
	if (!c->machine)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "%s: cannot tell the architecture (no CONFIG_X86_64, CONFIG_ARM64, … line)",
				    c->path);
	p->source = xstrdup("kernel-config");
	p->machine = xstrdup(c->machine);
	if (c->release) {
		p->release = xstrdup(c->release);
		memcpy(p->version, c->version, sizeof(p->version));
		p->release_basis = BASIS_CONFIG;
	}
	set_page_size(c, p);
	set_vsyscall(c, p);
	set_abis(c, p);
	/* Every architecture here maps a vDSO unconditionally (vdso=0 can
	 * still turn it off at boot on x86). */
	p->vdso = TRI_YES;
	p->vdso_basis = BASIS_CONFIG;
	p->seccomp = kconfig_is(c, "SECCOMP_FILTER", "y") ? TRI_YES : TRI_NO;
	copy_container_options(c, p);
	return 0;
}
