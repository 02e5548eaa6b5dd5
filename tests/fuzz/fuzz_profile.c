/* tests/fuzz/fuzz_profile.c — libFuzzer target: a saved kernel profile
 * (`--profile FILE`, schema abicheck.profile/v1) parsed as
 * probes/source.c loads it (json_loadb with JSON_REJECT_DUPLICATES, then
 * profile_from_json's strict validation).  A profile that loads must
 * also survive profile_to_json -> profile_from_json: a difference between
 * what is accepted and what is written is reported as a crash.
 */
#include <string.h>

#include "probes/profile_json.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	struct kernel_profile p, back;
	struct ac_error err;

	if (!j)
		return 0;
	profile_init(&p);
	if (profile_from_json(j, &p, &err) == 0) {
		json_t *again = profile_to_json(&p);
		char *a, *b;

		profile_init(&back);
		if (profile_from_json(again, &back, &err) < 0) {
			fprintf(stderr, "written profile does not reload: %s\n", err.msg);
			abort();
		}
		/* One more write must be a fixed point. */
		a = json_dumps(again, JSON_SORT_KEYS);
		json_decref(again);
		again = profile_to_json(&back);
		b = json_dumps(again, JSON_SORT_KEYS);
		if (strcmp(a, b)) {
			fprintf(stderr, "profile JSON is not a fixed point:\n%s\n%s\n", a, b);
			abort();
		}
		free(a);
		free(b);
		json_decref(again);
		profile_free(&back);
	}
	profile_free(&p);
	json_decref(j);
	return 0;
}
