/* tests/unit/test_profile_json.c — abicheck.profile/v1 both ways: a
 * profile survives profile_to_json -> profile_from_json -> profile_to_json
 * unchanged, and saved profiles are validated strictly.  Also the pure
 * parsers of the live probe (maps, release, binfmt_misc, kallsyms names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "probes/enosys.h"
#include "probes/kallsyms.h"
#include "probes/live.h"
#include "probes/profile_json.h"

static size_t idx_of(enum syscall_arch t, const char *name)
{
	const struct syscall_entry *e = syscall_by_name(t, name);

	assert_non_null(e);
	return (size_t)(e - syscall_tables[t].entries);
}

/* A profile touching every field. */
static void sample(struct kernel_profile *p)
{
	struct profile_abi *a;

	profile_init(p);
	p->source = xstrdup("live");
	p->release = xstrdup("6.18.44-test");
	p->version[0] = 6, p->version[1] = 18, p->version[2] = 44;
	p->machine = xstrdup("x86_64");
	p->release_basis = BASIS_OBSERVED;
	p->page_size = 4096;
	p->page_size_basis = BASIS_OBSERVED;
	p->vsyscall = VSYSCALL_MODE_XONLY;
	p->vsyscall_basis = BASIS_OBSERVED;
	p->vdso = TRI_YES;
	p->vdso_basis = BASIS_OBSERVED;
	a = profile_add_abi(p, SYSCALL_X86_64);
	a->executes = TRI_YES;
	a->executes_basis = BASIS_OBSERVED;
	a->syscalls_basis = BASIS_KALLSYMS;
	for (size_t i = 0; i < syscall_tables[SYSCALL_X86_64].count; i++) {
		a->avail[i] = AVAIL_YES;
		a->avail_basis[i] = BASIS_KALLSYMS;
	}
	a->avail[idx_of(SYSCALL_X86_64, "afs_syscall")] = AVAIL_NO;
	a->avail_basis[idx_of(SYSCALL_X86_64, "afs_syscall")] = BASIS_ENOSYS;
	a->avail[idx_of(SYSCALL_X86_64, "vhangup")] = AVAIL_UNKNOWN;
	a->avail_basis[idx_of(SYSCALL_X86_64, "vhangup")] = BASIS_NONE;
	a = profile_add_abi(p, SYSCALL_I386);
	a->executes = TRI_NO;
	a->executes_basis = BASIS_OBSERVED;
	a->syscalls_basis = BASIS_KALLSYMS;
	a->avail[idx_of(SYSCALL_I386, "getpid")] = AVAIL_YES;
	a->avail_basis[idx_of(SYSCALL_I386, "getpid")] = BASIS_KALLSYMS;
	p->binfmt_misc_mounted = true;
	p->binfmt = xcalloc(1, sizeof(*p->binfmt));
	binfmt_parse("qemu-aarch64",
		     "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OCF\noffset 0\n"
		     "magic 7f454c460201010000000000000000000200b700\n"
		     "mask ffffffffffffff00fffffffffffffffffeffffff\n",
		     &p->binfmt[p->nbinfmt++]);
	p->seccomp = TRI_YES;
	p->cgroup_version = 2;
	p->in_container = TRI_NO;
	p->self_seccomp = 0;
	p->cmdline = xstrdup("quiet vsyscall=xonly");
	p->config = xcalloc(2, sizeof(*p->config));
	p->config[0] = (struct config_option){ xstrdup("CONFIG_IA32_EMULATION"), xstrdup("y") };
	p->config[1] = (struct config_option){ xstrdup("CONFIG_X86_VSYSCALL_EMULATION"), xstrdup("y") };
	p->nconfig = 2;
	profile_assume(p, "one assumption");
}

static char *dump(const struct kernel_profile *p)
{
	json_t *j = profile_to_json(p);
	char *s = json_dumps(j, JSON_INDENT(2));

	json_decref(j);
	return s;
}

static void round_trip(void **state)
{
	struct kernel_profile p, q;
	struct ac_error err;
	json_t *j;
	char *a, *b;

	(void)state;
	sample(&p);
	a = dump(&p);
	j = json_loads(a, 0, NULL);
	profile_init(&q);
	assert_int_equal(profile_from_json(j, &q, &err), 0);
	b = dump(&q);
	assert_string_equal(a, b);
	assert_int_equal(q.vsyscall, VSYSCALL_MODE_XONLY);
	assert_int_equal(q.abis[0].avail[idx_of(SYSCALL_X86_64, "afs_syscall")], AVAIL_NO);
	assert_int_equal(q.abis[0].avail_basis[idx_of(SYSCALL_X86_64, "afs_syscall")], BASIS_ENOSYS);
	assert_int_equal(q.abis[1].avail[idx_of(SYSCALL_I386, "read")], AVAIL_UNKNOWN);
	assert_string_equal(q.binfmt[0].arch, "aarch64");
	json_decref(j);
	free(a);
	free(b);
	profile_free(&p);
	profile_free(&q);
}

/* Loads the sample's JSON after `edit` (a jansson path change) and expects
 * a failure naming `want`. */
static void expect_reject(void (*edit)(json_t *), const char *want)
{
	struct kernel_profile p, q;
	struct ac_error err;
	json_t *j;

	sample(&p);
	j = profile_to_json(&p);
	edit(j);
	profile_init(&q);
	assert_int_equal(profile_from_json(j, &q, &err), -1);
	assert_int_equal(err.kind, AC_ERR_INPUT);
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not mention '%s'", err.msg, want);
	assert_null(q.abis); /* left empty */
	json_decref(j);
	profile_free(&p);
}

static void bad_schema(json_t *j) { json_object_set_new(j, "schema", json_string("abicheck.profile/v2")); }
static void unknown_key(json_t *j) { json_object_set_new(j, "extra", json_true()); }
static void bad_type(json_t *j) { json_object_set_new(json_object_get(j, "vdso"), "mapped", json_string("yes")); }
static void unknown_syscall(json_t *j)
{
	json_array_append_new(json_object_get(json_array_get(json_object_get(j, "abis"), 0), "absent"),
			      json_string("no_such_call"));
}
static void listed_twice(json_t *j)
{
	json_array_append_new(json_object_get(json_array_get(json_object_get(j, "abis"), 0), "absent"),
			      json_string("read"));
}
static void bad_basis(json_t *j)
{
	json_object_set_new(json_object_get(j, "vsyscall"), "basis", json_string("rumour"));
}
static void too_many_binfmt(json_t *j)
{
	json_t *h = json_object_get(json_object_get(j, "binfmt_misc"), "handlers");

	for (int i = 0; i <= PROFILE_MAX_BINFMT; i++)
		json_array_append(h, json_array_get(h, 0));
}
static void missing_key(json_t *j) { json_object_del(j, "cgroup"); }
static void bad_version(json_t *j)
{
	json_array_set_new(json_object_get(json_object_get(j, "kernel"), "version"), 0, json_integer(-1));
}

static void strict_validation(void **state)
{
	(void)state;
	expect_reject(bad_schema, "schema");
	expect_reject(unknown_key, "unknown key 'extra'");
	expect_reject(bad_type, "vdso.mapped");
	expect_reject(unknown_syscall, "unknown x86_64 syscall 'no_such_call'");
	expect_reject(listed_twice, "'read' listed twice");
	expect_reject(bad_basis, "vsyscall.basis");
	expect_reject(too_many_binfmt, "more than");
	expect_reject(missing_key, "missing 'cgroup'");
	expect_reject(bad_version, "kernel.version[0]");
}

static void live_parsers(void **state)
{
	unsigned v[3];
	struct binfmt_handler h;

	(void)state;
	assert_int_equal(vsyscall_mode_from_maps(
				 "7ffd-7ffe r-xp 0 00:00 0 [vdso]\n"
				 "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"),
			 VSYSCALL_MODE_XONLY);
	assert_int_equal(vsyscall_mode_from_maps("ffffffffff600000-ffffffffff601000 r-xp 0 00:00 0 [vsyscall]"),
			 VSYSCALL_MODE_EMULATE);
	assert_int_equal(vsyscall_mode_from_maps("7ffd-7ffe r-xp 0 00:00 0 [vdso]\n"), VSYSCALL_MODE_NONE);
	assert_int_equal(parse_kernel_release("6.18.44-fc-v769", v), 0);
	assert_true(v[0] == 6 && v[1] == 18 && v[2] == 44);
	assert_int_equal(parse_kernel_release("4.9", v), 0);
	assert_true(v[0] == 4 && v[1] == 9 && v[2] == 0);
	assert_int_equal(parse_kernel_release("x", v), -1);
	/* No ELF magic: the interpreter's qemu name decides. */
	binfmt_parse("qemu-riscv64", "disabled\ninterpreter /usr/libexec/qemu-binfmt/riscv64-binfmt-P\n"
				     "flags: P\noffset 0\nmagic 4d5a\n", &h);
	assert_false(h.enabled);
	assert_null(h.arch);
	free(h.name), free(h.interpreter), free(h.flags), free(h.arch);
	binfmt_parse("arm", "enabled\ninterpreter /usr/bin/qemu-arm-static\nflags: F\noffset 0\nmagic 7f\n", &h);
	assert_string_equal(h.arch, "arm");
	free(h.name), free(h.interpreter), free(h.flags), free(h.arch);
}

static struct kallsyms *decode(const struct wbuf *b, size_t n)
{
	struct rbuf r = { .p = b->p, .n = n };

	return kallsyms_decode(&r);
}

/* A body written for one name list (probes/bootcache.c). */
static struct wbuf body(uint64_t n, const char *const *names, const uint32_t *strengths)
{
	struct wbuf b = { 0 };

	cache_put32(&b, 1);
	cache_put64(&b, n);
	for (size_t i = 0; i < 2; i++) {
		cache_put_str(&b, names[i]);
		cache_put32(&b, strengths[i]);
	}
	return b;
}

/* The per-boot copy: what is kept reads back as the same answers; a cut,
 * padded, unsorted or out-of-range body reads as nothing. */
static void kallsyms_cache_body(const struct kallsyms *k)
{
	static const char *const sorted[] = { "__x64_sys_a", "__x64_sys_b" };
	static const char *const unsorted[] = { "__x64_sys_b", "__x64_sys_a" };
	static const uint32_t strong[] = { KSYM_STRONG, KSYM_WEAK }, bad[] = { KSYM_STRONG, 7 };
	struct wbuf b = { 0 }, w;
	struct kallsyms *k2;

	kallsyms_encode(k, &b);
	k2 = decode(&b, b.n);
	assert_non_null(k2);
	assert_int_equal(kallsyms_syscall(k2, SYSCALL_X86_64, "read", NULL), KSYM_STRONG);
	assert_int_equal(kallsyms_syscall(k2, SYSCALL_X86_64, "uselib", NULL), KSYM_WEAK);
	assert_int_equal(kallsyms_syscall(k2, SYSCALL_X86_64, "setitimer", NULL), KSYM_MISSING);
	assert_true(kallsyms_has_prefix(k2, "__ia32_sys_"));
	kallsyms_free(k2);
	for (size_t n = 0; n < b.n; n++)
		assert_null(decode(&b, n));
	cache_put32(&b, 0);
	assert_null(decode(&b, b.n));
	free(b.p);

	w = body(2, sorted, strong);
	k2 = decode(&w, w.n);
	assert_non_null(k2);
	kallsyms_free(k2);
	free(w.p);
	w = body(2, unsorted, strong);
	assert_null(decode(&w, w.n));
	free(w.p);
	w = body(2, sorted, bad);
	assert_null(decode(&w, w.n));
	free(w.p);
	w = body(1u << 30, sorted, strong); /* a count the body cannot hold */
	assert_null(decode(&w, w.n));
	free(w.p);
}

static void kallsyms_names(void **state)
{
	char path[] = "/tmp/abicheck-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct kallsyms *k;
	struct ac_error err;
	bool amb;

	(void)state;
	fputs("0000000000000000 T __x64_sys_read\n"
	      "0000000000000000 T __pfx___x64_sys_umount\n"
	      "0000000000000000 T __x64_sys_umount\n"
	      "0000000000000000 W __x64_sys_uselib\n"
	      "0000000000000000 t __x64_sys_setitimer.cold\n"
	      "0000000000000000 T __ia32_sys_ipc\n"
	      "0000000000000000 W __ia32_compat_sys_ipc\n"
	      "0000000000000000 T __ia32_sys_getuid\n"
	      "0000000000000000 T __ia32_compat_sys_ia32_stat64\n"
	      "0000000000000000 D sys_call_table\n", f);
	fclose(f);
	assert_int_equal(kallsyms_load(path, &k, &err), 0);
	unlink(path);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_X86_64, "read", &amb), KSYM_STRONG);
	assert_false(amb);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_X86_64, "umount2", NULL), KSYM_STRONG);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_X86_64, "uselib", NULL), KSYM_WEAK);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_X86_64, "setitimer", NULL), KSYM_MISSING);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_I386, "ipc", &amb), KSYM_STRONG);
	assert_true(amb);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_I386, "getuid32", NULL), KSYM_STRONG);
	assert_int_equal(kallsyms_syscall(k, SYSCALL_I386, "stat64", NULL), KSYM_STRONG);
	assert_true(kallsyms_has_prefix(k, "__ia32_sys_"));
	assert_false(kallsyms_has_prefix(k, "__arm64_sys_"));
	kallsyms_cache_body(k);
	kallsyms_free(k);
}

static void denylist(void **state)
{
	(void)state;
	assert_non_null(enosys_denied("exit_group"));
	assert_non_null(enosys_denied("vhangup"));
	assert_non_null(enosys_denied("kill"));
	assert_null(enosys_denied("read"));
}

/* The probe itself: a call that exists answers (EBADF), a number the
 * kernel never had (afs_syscall) is ENOSYS, both from a child. */
static void enosys_probe_native(void **state)
{
	enum syscall_arch t = enosys_native_abi();
	size_t idx[2];
	uint8_t *avail;
	struct ac_error err;

	(void)state;
	if (t != SYSCALL_X86_64)
		skip();
	idx[0] = idx_of(t, "close");
	idx[1] = idx_of(t, "afs_syscall");
	avail = xcalloc(syscall_tables[t].count, 1);
	assert_int_equal(enosys_probe(t, idx, 2, avail, &err), 0);
	assert_int_equal(avail[idx[0]], AVAIL_YES);
	assert_int_equal(avail[idx[1]], AVAIL_NO);
	free(avail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(strict_validation),
		cmocka_unit_test(live_parsers),
		cmocka_unit_test(kallsyms_names),
		cmocka_unit_test(denylist),
		cmocka_unit_test(enosys_probe_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
