/* probes/source.c — see source.h. */
#include "probes/source.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/xalloc.h"
#include "probes/cmdline.h"
#include "probes/kconfig.h"
#include "probes/kconfig_profile.h"
#include "probes/kversion_profile.h"
#include "probes/live.h"
#include "probes/profile_json.h"

/* --profile FILE: a probe saved on another machine. */
static int load_saved(const char *path, struct kernel_profile *p, struct ac_error *err)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	FILE *f;
	long size = -1;
	int rc;

	if ((f = fopen(path, "rb"))) {
		if (fseek(f, 0, SEEK_END) == 0)
			size = ftell(f);
		fclose(f);
	}
	if (size > (long)SAVED_PROFILE_MAX_BYTES) {
		json_decref(j);
		return ac_error_set(err, AC_ERR_LIMIT, 0, "%s: larger than %u bytes", path,
				    SAVED_PROFILE_MAX_BYTES);
	}
	if (!j)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: %s (line %d)", path, je.text,
				    je.line);
	rc = profile_from_json(j, p, err);
	json_decref(j);
	return rc < 0 ? ac_error_wrap(err, "%s", path) : 0;
}

/* --kernel-config FILE: what that .config says about its kernel. */
static int load_config(const char *path, struct kernel_profile *p, struct ac_error *err)
{
	struct kconfig c;
	int rc;

	if (kconfig_load(path, &c, err) < 0)
		return -1;
	rc = kconfig_to_profile(&c, p, err);
	kconfig_free(&c);
	/* Options remove syscall groups; the version dates the rest. */
	for (size_t i = 0; rc == 0 && i < p->nabis; i++)
		kversion_fill_abi(p->version, &p->abis[i]);
	return rc < 0 ? ac_error_wrap(err, "%s", path) : 0;
}

bool profile_source_is_live(const struct profile_source *s)
{
	return !s->saved_profile && !s->kernel_config && !s->kernel_version;
}

int profile_from_source(const struct profile_source *s, struct kernel_profile *p,
			struct ac_error *err)
{
	int n = !!s->saved_profile + !!s->kernel_config + !!s->kernel_version, rc;

	if (n > 1)
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "--profile, --kernel-config and --kernel-version are each a "
				    "kernel source: give one");
	if (s->saved_profile)
		rc = load_saved(s->saved_profile, p, err);
	else if (s->kernel_config)
		rc = load_config(s->kernel_config, p, err);
	else if (s->kernel_version)
		rc = kversion_to_profile(s->kernel_version, s->machine, p, err);
	else
		rc = probe_live(p, &s->cache, err);
	if (rc == 0 && s->cmdline)
		rc = profile_apply_cmdline(p, s->cmdline, err);
	return rc;
}
