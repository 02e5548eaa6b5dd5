/* Unit tests for probes/kconfig.c (the .config parser) and
 * probes/kconfig_profile.c (config -> kernel profile) on the four real
 * configs in tests/fixtures/kconfig (two of them gzipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "probes/kconfig.h"
#include "probes/kconfig_profile.h"

#ifndef ABICHECK_FIXTURES_DIR
#define ABICHECK_FIXTURES_DIR "tests/fixtures"
#endif

static void parse_ok(const char *text, struct kconfig *c)
{
	struct ac_error err;
	int rc = kconfig_parse(text, strlen(text), "t.config", c, &err);

	if (rc < 0)
		fail_msg("%s", err.msg);
}

static void parse_fails(const char *text, size_t len, const char *msg_part)
{
	struct kconfig c;
	struct ac_error err;

	assert_int_equal(kconfig_parse(text, len, "bad.config", &c, &err), -1);
	assert_non_null(strstr(err.msg, "bad.config: "));
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s' lacks '%s'", err.msg, msg_part);
}

static void parses_values(void **state)
{
	struct kconfig c;

	(void)state;
	parse_ok("#\n# Linux/x86 6.1.0 Kernel Configuration\n#\n"
		 "CONFIG_X86_64=y\nCONFIG_VETH=m\n# CONFIG_USER_NS is not set\n"
		 "CONFIG_CMDLINE=\"console=ttyS0 \\\"q\\\"\"\nCONFIG_NR_CPUS=512\n"
		 "CONFIG_PHYS=0x1000000\r\n\n# a comment\nCONFIG_VETH=y\n", &c);
	assert_string_equal(kconfig_get(&c, "X86_64"), "y");
	assert_string_equal(kconfig_get(&c, "CONFIG_X86_64"), "y");
	assert_string_equal(kconfig_get(&c, "VETH"), "y"); /* the later line wins */
	assert_string_equal(kconfig_get(&c, "USER_NS"), "n");
	assert_string_equal(kconfig_get(&c, "CMDLINE"), "console=ttyS0 \"q\"");
	assert_string_equal(kconfig_get(&c, "NR_CPUS"), "512");
	assert_string_equal(kconfig_get(&c, "PHYS"), "0x1000000");
	assert_null(kconfig_get(&c, "ABSENT"));
	assert_true(kconfig_enabled(&c, "VETH"));
	assert_false(kconfig_enabled(&c, "USER_NS"));
	assert_string_equal(c.release, "6.1.0");
	assert_int_equal(c.version[0], 6);
	assert_int_equal(c.version[1], 1);
	assert_string_equal(c.header_arch, "x86");
	assert_string_equal(c.machine, "x86_64");
	assert_int_equal(c.count, 6);
	for (size_t i = 1; i < c.count; i++)
		assert_true(strcmp(c.options[i - 1].name, c.options[i].name) < 0);
	kconfig_free(&c);
}

static void refuses_bad_input(void **state)
{
	static const char nul[] = "CONFIG_A=y\n\0\n";

	(void)state;
	parse_fails("", 0, "empty file");
	parse_fails(nul, sizeof(nul) - 1, "binary data");
	parse_fails("hello world\n", 12, "line 1: not a kernel config line");
	parse_fails("# only comments\n", 16, "no CONFIG_ options");
	parse_fails("CONFIG_A=y\nCONFIG_B=\"open\n", 26, "line 2: unterminated string");
	parse_fails("CONFIG_A=y z\n", 13, "invalid value");
}

static void refuses_overlong_line(void **state)
{
	char buf[KCONFIG_MAX_LINE + 64];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "CONFIG_A=\"", 10);
	parse_fails(buf, sizeof(buf), "KCONFIG_MAX_LINE");
}

static void load_fails_naming_file(void **state)
{
	struct kconfig c;
	struct ac_error err;

	(void)state;
	assert_int_equal(kconfig_load("/nonexistent/x.config", &c, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/x.config: cannot open"));
}

struct expect {
	const char *file;
	const char *machine, *release;
	enum vsyscall_mode vsyscall;
	enum tristate i386;      /* TRI_UNKNOWN: no i386 ABI recorded */
	enum tristate arm;       /* idem for arm on arm64 */
	const char *x32_option;  /* the x32 option and its value in p->config */
	const char *x32_value;
	unsigned long page_size;
	enum tristate seccomp;
	bool gz;
};

/* What each config says (grep the fixtures to check):
 * Debian 6.1 amd64: LEGACY_VSYSCALL_NONE=y, IA32_EMULATION=y, X86_X32_ABI=y
 *   with Debian's X86_X32_DISABLED=y; arm64: ARM64_4K_PAGES=y, COMPAT=y;
 * systrack 4.19: LEGACY_VSYSCALL_EMULATE=y, X86_X32=y;
 * this host 6.18: LEGACY_VSYSCALL_XONLY=y, X86_X32_ABI is not set. */
static const struct expect expects[] = {
	{ "debian-bookworm-6.1.0-56-amd64_6.1.192-2.config.gz", "x86_64", "6.1.192",
	  VSYSCALL_MODE_NONE, TRI_YES, TRI_UNKNOWN, "CONFIG_X86_X32_ABI", "y", 4096, TRI_YES, true },
	{ "debian-bookworm-6.1.0-56-arm64_6.1.192-2.config.gz", "aarch64", "6.1.192",
	  VSYSCALL_MODE_NONE, TRI_UNKNOWN, TRI_YES, NULL, NULL, 4096, TRI_YES, true },
	{ "mebeim-systrack-x86_64-v4.19.config", "x86_64", "4.19.0", VSYSCALL_MODE_EMULATE,
	  TRI_YES, TRI_UNKNOWN, "CONFIG_X86_X32", "y", 4096, TRI_YES, false },
	{ "this-host.config", "x86_64", "6.18.44", VSYSCALL_MODE_XONLY, TRI_YES, TRI_UNKNOWN,
	  "CONFIG_X86_X32_ABI", "n", 4096, TRI_YES, false },
};

static const char *config_value(const struct kernel_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nconfig; i++)
		if (!strcmp(p->config[i].name, name))
			return p->config[i].value;
	return NULL;
}

static enum tristate abi_executes(struct kernel_profile *p, enum syscall_arch t)
{
	struct profile_abi *a = profile_abi(p, t);

	return a ? a->executes : TRI_UNKNOWN;
}

static void profile_of_real_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		const struct expect *e = &expects[i];
		char path[1024];
		struct kconfig c;
		struct kernel_profile p;
		struct ac_error err;

		snprintf(path, sizeof(path), "%s/kconfig/%s", ABICHECK_FIXTURES_DIR, e->file);
		if (kconfig_load(path, &c, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(c.gzipped, e->gz);
		assert_true(c.count > 3000);
		profile_init(&p);
		assert_int_equal(kconfig_to_profile(&c, &p, &err), 0);
		assert_string_equal(p.source, "kernel-config");
		assert_string_equal(p.machine, e->machine);
		assert_string_equal(p.release, e->release);
		assert_int_equal(p.release_basis, BASIS_CONFIG);
		assert_int_equal(p.vsyscall, e->vsyscall);
		assert_int_equal(p.vsyscall_basis, BASIS_CONFIG);
		assert_int_equal(p.page_size, e->page_size);
		assert_int_equal(p.page_size_basis, BASIS_CONFIG);
		assert_int_equal(p.seccomp, e->seccomp);
		assert_int_equal(p.vdso, TRI_YES);
		/* native first, executing */
		assert_true(p.nabis >= 1);
		assert_int_equal(p.abis[0].executes, TRI_YES);
		assert_int_equal(abi_executes(&p, SYSCALL_I386), e->i386);
		assert_int_equal(abi_executes(&p, SYSCALL_ARM), e->arm);
		if (e->x32_option)
			assert_string_equal(config_value(&p, e->x32_option), e->x32_value);
		for (size_t k = 1; k < p.nconfig; k++)
			assert_true(strcmp(p.config[k - 1].name, p.config[k].name) < 0);
		profile_free(&p);
		kconfig_free(&c);
	}
}

static void x32_disabled_and_ia32_default_off(void **state)
{
	struct kconfig c;
	struct kernel_profile p;
	struct ac_error err;
	bool saw_x32 = false, saw_ia32 = false;

	(void)state;
	parse_ok("# Linux/x86 6.8.0 Kernel Configuration\nCONFIG_X86_64=y\n"
		 "CONFIG_X86_VSYSCALL_EMULATION=y\nCONFIG_LEGACY_VSYSCALL_XONLY=y\n"
		 "CONFIG_IA32_EMULATION=y\nCONFIG_IA32_EMULATION_DEFAULT_DISABLED=y\n"
		 "CONFIG_X86_X32_ABI=y\nCONFIG_X86_X32_DISABLED=y\n"
		 "# CONFIG_IO_URING is not set\n", &c);
	profile_init(&p);
	assert_int_equal(kconfig_to_profile(&c, &p, &err), 0);
	assert_int_equal(abi_executes(&p, SYSCALL_I386), TRI_NO);
	for (size_t i = 0; i < p.nassumptions; i++) {
		saw_x32 |= strstr(p.assumptions[i], "syscall.x32=y") != NULL;
		saw_ia32 |= strstr(p.assumptions[i], "ia32_emulation=1") != NULL;
	}
	assert_true(saw_x32);
	assert_true(saw_ia32);
	/* CONFIG_IO_URING=n removes io_uring_* (kernel/sys_ni.c COND_SYSCALL) */
	const struct syscall_entry *e = syscall_by_name(SYSCALL_X86_64, "io_uring_setup");
	struct profile_abi *a = profile_abi(&p, SYSCALL_X86_64);

	assert_non_null(e);
	assert_int_equal(a->avail[e - syscall_tables[SYSCALL_X86_64].entries], AVAIL_NO);
	e = syscall_by_name(SYSCALL_X86_64, "read");
	assert_int_equal(a->avail[e - syscall_tables[SYSCALL_X86_64].entries], AVAIL_UNKNOWN);
	profile_free(&p);
	kconfig_free(&c);

	/* Before 6.7 the option did not exist: a stray one is ignored. */
	parse_ok("# Linux/x86 6.6.0 Kernel Configuration\nCONFIG_X86_64=y\n"
		 "CONFIG_IA32_EMULATION=y\nCONFIG_IA32_EMULATION_DEFAULT_DISABLED=y\n", &c);
	profile_init(&p);
	assert_int_equal(kconfig_to_profile(&c, &p, &err), 0);
	assert_int_equal(abi_executes(&p, SYSCALL_I386), TRI_YES);
	assert_int_equal(p.vsyscall, VSYSCALL_MODE_EMULATE); /* pre-4.4 shape: assumed */
	assert_int_equal(p.vsyscall_basis, BASIS_ASSUMED);
	profile_free(&p);
	kconfig_free(&c);
}

static void arm64_page_sizes_and_no_arch(void **state)
{
	struct kconfig c;
	struct kernel_profile p;
	struct ac_error err;

	(void)state;
	parse_ok("CONFIG_ARM64=y\n# CONFIG_ARM64_4K_PAGES is not set\nCONFIG_ARM64_16K_PAGES=y\n"
		 "# CONFIG_COMPAT is not set\n", &c);
	profile_init(&p);
	assert_int_equal(kconfig_to_profile(&c, &p, &err), 0);
	assert_int_equal(p.page_size, 16384);
	assert_int_equal(p.vsyscall, VSYSCALL_MODE_NONE);
	assert_int_equal(abi_executes(&p, SYSCALL_ARM), TRI_NO);
	assert_null(p.release);
	profile_free(&p);
	kconfig_free(&c);

	parse_ok("CONFIG_FOO=y\n", &c);
	profile_init(&p);
	assert_int_equal(kconfig_to_profile(&c, &p, &err), -1);
	assert_non_null(strstr(err.msg, "cannot tell the architecture"));
	profile_free(&p);
	kconfig_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_values),
		cmocka_unit_test(refuses_bad_input),
		cmocka_unit_test(refuses_overlong_line),
		cmocka_unit_test(load_fails_naming_file),
		cmocka_unit_test(profile_of_real_configs),
		cmocka_unit_test(x32_disabled_and_ia32_default_off),
		cmocka_unit_test(arm64_page_sizes_and_no_arch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
