/* probes/profile_json.h — the kernel profile as JSON, schema
 * abicheck.profile/v1 (docs/PROFILE-JSON.md), both ways.
 *
 * Owns the mapping between struct kernel_profile and its JSON document.
 * Output is deterministic: syscall names sorted, no timestamps, so two
 * probes of one machine give identical documents.  Input (a saved profile,
 * --profile FILE) is validated strictly: schema version, every type,
 * unknown keys and unknown syscall names are errors, sizes are capped.
 */
#ifndef ABICHECK_PROBES_PROFILE_JSON_H
#define ABICHECK_PROBES_PROFILE_JSON_H

#include <jansson.h>

#include "common/error.h"
#include "probes/profile.h"

/* Caps on what a saved profile may contain. */
#define PROFILE_MAX_STRING 4096
#define PROFILE_MAX_CMDLINE 65536
#define PROFILE_MAX_BINFMT 1024
#define PROFILE_MAX_CONFIG 50000
#define PROFILE_MAX_ASSUMPTIONS 1024

/* A new reference (the caller json_decref()s it). */
json_t *profile_to_json(const struct kernel_profile *p);

/* Fills `p` (profile_init()ed, empty) from `j` (borrowed).  On failure
 * returns -1 with AC_ERR_INPUT naming the offending field, and `p` is
 * left empty (profile_free()d). */
int profile_from_json(const json_t *j, struct kernel_profile *p, struct ac_error *err);

#endif
