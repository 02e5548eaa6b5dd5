/* tests/fuzz/fuzz_seccomp.c — libFuzzer target: a seccomp profile file
 * (`--seccomp FILE.json`) through seccomp_model_load, which parses it,
 * applies moby's includes/excludes, builds the filter with libseccomp,
 * prepends runc's ENOSYS stub, and then through seccomp_model_eval for
 * every syscall of every ABI the filter carries.  Two targets per input,
 * since which rules apply depends on them: the newest x86_64 host with
 * the linked libseccomp, and an old arm64 host (kernel 4.19, libseccomp
 * 2.3.3, CAP_SYS_ADMIN added), which takes the minKernel, caps, arch map
 * and dropped-rule branches.
 */
#include "probes/seccomp.h"
#include "tests/fuzz/fuzz.h"

static void model(const char *path, const struct seccomp_target *t)
{
	struct seccomp_model *m;
	struct seccomp_verdict v;
	enum syscall_arch abis[SYSCALL_ARCH_COUNT];
	struct ac_error err;
	size_t nabis;

	if (seccomp_model_load(path, t, &m, &err) < 0)
		return;
	seccomp_model_describe(m);
	nabis = seccomp_model_abis(m, abis, SYSCALL_ARCH_COUNT);
	for (size_t i = 0; i < nabis; i++)
		for (size_t k = 0; k < syscall_tables[abis[i]].count; k++)
			seccomp_model_eval(m, abis[i], syscall_tables[abis[i]].entries[k].nr, NULL,
					   &v, &err);
	seccomp_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct seccomp_target newest = { .arch = SYSCALL_X86_64 };
	static const struct seccomp_target old = {
		.arch = SYSCALL_AARCH64, .kernel = { 4, 19 }, .libseccomp = "2.3.3",
		.cap_add = "SYS_ADMIN",
	};
	int fd = fuzz_memfd(data, size);
	char path[32];

	model(fuzz_fd_path(fd, path), &newest);
	model(path, &old);
	close(fd);
	return 0;
}
