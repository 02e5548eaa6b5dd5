/* tests/fuzz/fuzz_kconfig.c — libFuzzer target: a kernel .config
 * (`--kernel-config FILE`, `kernel-config FILE`) through kconfig_load
 * (plain or gzip, as /proc/config.gz), kconfig_to_profile, the
 * check-config.sh interpreter, and the profile's JSON round trip: what
 * `probe --kernel-config FILE -o json` saves, `--profile` must load, so a
 * profile that fails to reload is reported as a crash.
 */
#include "probes/checkconfig.h"
#include "probes/kconfig.h"
#include "probes/kconfig_profile.h"
#include "probes/profile_json.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_memfd(data, size);
	char path[32];
	struct kconfig c;
	struct kernel_profile p, back;
	struct checkconfig cc;
	struct checkconfig_options co = { .version = { 6, 1 } };
	struct ac_error err;
	json_t *j;

	if (kconfig_load(fuzz_fd_path(fd, path), &c, &err) < 0) {
		close(fd);
		return 0;
	}
	profile_init(&p);
	if (kconfig_to_profile(&c, &p, &err) == 0) {
		if (c.release) {
			co.version[0] = c.version[0];
			co.version[1] = c.version[1];
		}
		if (checkconfig_run(&c, &p, &co, &cc, &err) == 0)
			checkconfig_free(&cc);
		j = profile_to_json(&p);
		profile_init(&back);
		if (profile_from_json(j, &back, &err) < 0) {
			fprintf(stderr, "saved profile does not reload: %s\n", err.msg);
			abort();
		}
		profile_free(&back);
		json_decref(j);
	}
	profile_free(&p);
	kconfig_free(&c);
	close(fd);
	return 0;
}
