/* probes/profile_json.c — see profile_json.h and docs/PROFILE-JSON.md. */
#include "probes/profile_json.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsontext.h"
#include "common/sort.h"
#include "common/xalloc.h"

/* --- to JSON ----------------------------------------------------------- */

static json_t *jtri(enum tristate t)
{
	return t == TRI_UNKNOWN ? json_null() : json_boolean(t == TRI_YES);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *sorted_names(const char **names, size_t n)
{
	json_t *arr = json_array();

	sort_array(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

static json_t *abi_to_json(const struct profile_abi *a)
{
	static const char *const list_key[] = { [AVAIL_UNKNOWN] = "unknown",
						[AVAIL_YES] = "implemented", [AVAIL_NO] = "absent" };
	const struct syscall_table *t = &syscall_tables[a->table];
	const char **names = xcalloc(t->count + 1, sizeof(*names));
	json_t *j = json_object(), *counts = json_object(), *basis = json_object();

	json_object_set_new(j, "abi", json_string(t->arch));
	json_object_set_new(j, "executes", jtri(a->executes));
	json_object_set_new(j, "executes_basis", json_string(basis_name(a->executes_basis)));
	json_object_set_new(j, "syscalls_basis", json_string(basis_name(a->syscalls_basis)));
	for (int v = AVAIL_YES; v <= AVAIL_NO + 1; v++) {
		int want = v == AVAIL_NO + 1 ? AVAIL_UNKNOWN : v;
		size_t n = 0;

		for (size_t i = 0; i < t->count; i++)
			if (a->avail[i] == want)
				names[n++] = t->entries[i].name;
		json_object_set_new(counts, list_key[want], json_integer((json_int_t)n));
		json_object_set_new(j, list_key[want], sorted_names(names, n));
	}
	json_object_set_new(j, "counts", counts);
	{ /* per-syscall basis where it differs from the ABI's main one */
		size_t n = 0;

		for (size_t i = 0; i < t->count; i++)
			if (a->avail_basis[i] != a->syscalls_basis)
				names[n++] = t->entries[i].name;
		sort_array(names, n, sizeof(*names), cmp_name);
		for (size_t i = 0; i < n; i++) {
			const struct syscall_entry *e = syscall_by_name(a->table, names[i]);

			json_object_set_new(basis, names[i],
					    json_string(basis_name(a->avail_basis[e - t->entries])));
		}
	}
	json_object_set_new(j, "basis", basis);
	free(names);
	return j;
}

static int cmp_config(const void *a, const void *b)
{
	return strcmp((*(const struct config_option *const *)a)->name,
		      (*(const struct config_option *const *)b)->name);
}

/* Strings from a .config or the host (a release, an option's value, a
 * binfmt handler's name) are bytes: json_string refuses non-UTF-8 and the
 * object holding one would silently lose the key, leaving a saved profile
 * that does not load; json_text writes them all. */
json_t *profile_to_json(const struct kernel_profile *p)
{
	json_t *j = json_object(), *abis = json_array(), *handlers = json_array();
	json_t *config = json_object(), *assumptions = json_array();
	const struct config_option **opts = xcalloc(p->nconfig + 1, sizeof(*opts));

	json_object_set_new(j, "schema", json_string(PROFILE_SCHEMA));
	json_object_set_new(j, "source", json_text(p->source));
	json_object_set_new(j, "kernel",
			    json_pack("{s:o, s:[i,i,i], s:o, s:s}", "release", json_text(p->release),
				      "version", (int)p->version[0], (int)p->version[1],
				      (int)p->version[2], "machine", json_text(p->machine), "basis",
				      basis_name(p->release_basis)));
	json_object_set_new(j, "cmdline", json_text(p->cmdline));
	json_object_set_new(j, "page_size",
			    json_pack("{s:o, s:s}", "bytes",
				      p->page_size ? json_integer((json_int_t)p->page_size) : json_null(),
				      "basis", basis_name(p->page_size_basis)));
	json_object_set_new(j, "vsyscall", json_pack("{s:s, s:s}", "mode", vsyscall_mode_name(p->vsyscall),
						     "basis", basis_name(p->vsyscall_basis)));
	json_object_set_new(j, "vdso", json_pack("{s:o, s:s}", "mapped", jtri(p->vdso), "basis",
						 basis_name(p->vdso_basis)));
	for (size_t i = 0; i < p->nabis; i++)
		json_array_append_new(abis, abi_to_json(&p->abis[i]));
	json_object_set_new(j, "abis", abis);
	for (size_t i = 0; i < p->nbinfmt; i++) {
		const struct binfmt_handler *h = &p->binfmt[i];
		json_array_append_new(handlers,
				      json_pack("{s:o, s:b, s:o, s:o, s:o}", "name", json_text(h->name),
						"enabled", h->enabled, "interpreter",
						json_text(h->interpreter), "flags",
						json_text(h->flags), "arch", json_text(h->arch)));
	}
	json_object_set_new(j, "binfmt_misc", json_pack("{s:b, s:o}", "mounted", p->binfmt_misc_mounted,
							"handlers", handlers));
	json_object_set_new(j, "seccomp", json_pack("{s:o}", "filters", jtri(p->seccomp)));
	json_object_set_new(j, "cgroup",
			    json_pack("{s:o, s:b}", "version",
				      p->cgroup_version ? json_integer(p->cgroup_version) : json_null(),
				      "hybrid", p->cgroup_hybrid));
	json_object_set_new(j, "container",
			    json_pack("{s:o, s:o, s:o}", "detected", jtri(p->in_container), "hint",
				      json_text(p->container_hint), "self_seccomp",
				      p->self_seccomp >= 0 ? json_integer(p->self_seccomp) : json_null()));
	for (size_t i = 0; i < p->nconfig; i++)
		opts[i] = &p->config[i];
	sort_array(opts, p->nconfig, sizeof(*opts), cmp_config);
	for (size_t i = 0; i < p->nconfig; i++)
		json_object_set_new(config, opts[i]->name, json_text(opts[i]->value));
	free(opts);
	json_object_set_new(j, "config", config);
	for (size_t i = 0; i < p->nassumptions; i++)
		json_array_append_new(assumptions, json_string(p->assumptions[i]));
	json_object_set_new(j, "assumptions", assumptions);
	return j;
}

/* --- from JSON --------------------------------------------------------- */

/* Every key of `obj` must be in `keys` (NULL-terminated). */
static int only_keys(const json_t *obj, const char *where, const char *const *keys,
		     struct ac_error *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: not an object", where);
	json_object_foreach((json_t *)obj, k, v) {
		size_t i = 0;

		while (keys[i] && strcmp(keys[i], k))
			i++;
		if (!keys[i])
			return ac_error_set(err, AC_ERR_INPUT, 0, "%s: unknown key '%.64s'", where, k);
	}
	return 0;
}

static json_t *member(const json_t *obj, const char *key, const char *where, struct ac_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		ac_error_set(err, AC_ERR_INPUT, 0, "%s: missing '%s'", where, key);
	return v;
}

/* A string (or null when `nullable`), at most `max` bytes, copied to *out. */
static int get_str(const json_t *obj, const char *key, const char *where, bool nullable,
		   size_t max, char **out, struct ac_error *err)
{
	json_t *v = member(obj, key, where, err);

	if (!v)
		return -1;
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: not a string", where, key);
	if (json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: longer than %zu bytes or has NUL",
				    where, key, max);
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_tri(const json_t *obj, const char *key, const char *where, enum tristate *out,
		   struct ac_error *err)
{
	json_t *v = member(obj, key, where, err);

	if (!v)
		return -1;
	if (json_is_null(v))
		*out = TRI_UNKNOWN;
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? TRI_YES : TRI_NO;
	else
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: not true, false or null", where, key);
	return 0;
}

static int get_bool(const json_t *obj, const char *key, const char *where, bool *out,
		    struct ac_error *err)
{
	json_t *v = member(obj, key, where, err);

	if (!v)
		return -1;
	if (!json_is_boolean(v))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: not a boolean", where, key);
	*out = json_is_true(v);
	return 0;
}

/* An integer in [lo, hi]; null gives `null_value` when allowed. */
static int get_int(const json_t *obj, const char *key, const char *where, json_int_t lo,
		   json_int_t hi, bool nullable, json_int_t null_value, json_int_t *out,
		   struct ac_error *err)
{
	json_t *v = member(obj, key, where, err);

	if (!v)
		return -1;
	if (nullable && json_is_null(v)) {
		*out = null_value;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: not an integer in %lld..%lld",
				    where, key, (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return 0;
}

static int parse_basis(const char *s, enum basis *out)
{
	for (int b = BASIS_NONE; b <= BASIS_SAVED; b++)
		if (!strcmp(basis_name((enum basis)b), s)) {
			*out = (enum basis)b;
			return 0;
		}
	return -1;
}

static int get_basis(const json_t *obj, const char *key, const char *where, enum basis *out,
		     struct ac_error *err)
{
	json_t *v = member(obj, key, where, err);

	if (!v)
		return -1;
	if (!json_is_string(v) || parse_basis(json_string_value(v), out) < 0)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: unknown basis", where, key);
	return 0;
}

static int names_into(const json_t *obj, const char *key, const char *where,
		      struct profile_abi *a, enum avail value, struct ac_error *err)
{
	json_t *arr = member(obj, key, where, err), *v;
	size_t i;

	if (!arr)
		return -1;
	if (!json_is_array(arr))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: not an array", where, key);
	json_array_foreach(arr, i, v) {
		const struct syscall_entry *e =
			json_is_string(v) ? syscall_by_name(a->table, json_string_value(v)) : NULL;
		size_t k;

		if (!e)
			return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s[%zu]: unknown %s syscall '%.64s'",
					    where, key, i, syscall_arch_name(a->table),
					    json_is_string(v) ? json_string_value(v) : "(not a string)");
		k = (size_t)(e - syscall_tables[a->table].entries);
		if (a->avail_basis[k] != 0xff)
			return ac_error_set(err, AC_ERR_INPUT, 0, "%s.%s: '%s' listed twice", where,
					    key, e->name);
		a->avail[k] = (uint8_t)value;
		a->avail_basis[k] = (uint8_t)a->syscalls_basis;
	}
	return 0;
}

static enum syscall_arch abi_by_name(const char *name)
{
	for (int t = 0; t < SYSCALL_ARCH_COUNT; t++)
		if (!strcmp(syscall_tables[t].arch, name))
			return (enum syscall_arch)t;
	return SYSCALL_ARCH_NONE;
}

static int abi_from_json(const json_t *j, size_t idx, struct kernel_profile *p, struct ac_error *err)
{
	static const char *const keys[] = { "abi", "executes", "executes_basis", "syscalls_basis",
					    "counts", "implemented", "absent", "unknown", "basis", NULL };
	char where[48], *name = NULL;
	enum syscall_arch t;
	struct profile_abi *a;
	const char *k;
	json_t *v, *basis;
	size_t n;

	snprintf(where, sizeof(where), "abis[%zu]", idx);
	if (only_keys(j, where, keys, err) < 0 ||
	    get_str(j, "abi", where, false, 32, &name, err) < 0)
		return -1;
	t = abi_by_name(name);
	free(name);
	if (t == SYSCALL_ARCH_NONE)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.abi: unknown ABI", where);
	if (profile_abi(p, t))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.abi: %s given twice", where,
				    syscall_tables[t].arch);
	a = profile_add_abi(p, t);
	n = syscall_tables[t].count;
	memset(a->avail_basis, 0xff, n); /* 0xff: not listed yet */
	if (get_tri(j, "executes", where, &a->executes, err) < 0 ||
	    get_basis(j, "executes_basis", where, &a->executes_basis, err) < 0 ||
	    get_basis(j, "syscalls_basis", where, &a->syscalls_basis, err) < 0 ||
	    names_into(j, "implemented", where, a, AVAIL_YES, err) < 0 ||
	    names_into(j, "absent", where, a, AVAIL_NO, err) < 0 ||
	    names_into(j, "unknown", where, a, AVAIL_UNKNOWN, err) < 0 ||
	    !member(j, "counts", where, err) || !(basis = member(j, "basis", where, err)))
		return -1;
	if (!json_is_object(basis))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s.basis: not an object", where);
	for (size_t i = 0; i < n; i++) /* unlisted: unknown, known by nothing */
		if (a->avail_basis[i] == 0xff) {
			a->avail[i] = AVAIL_UNKNOWN;
			a->avail_basis[i] = BASIS_NONE;
		}
	json_object_foreach(basis, k, v) {
		const struct syscall_entry *e = syscall_by_name(t, k);
		enum basis b;

		if (!e)
			return ac_error_set(err, AC_ERR_INPUT, 0, "%s.basis: unknown %s syscall '%.64s'",
					    where, syscall_tables[t].arch, k);
		if (!json_is_string(v) || parse_basis(json_string_value(v), &b) < 0)
			return ac_error_set(err, AC_ERR_INPUT, 0, "%s.basis.%s: unknown basis", where, k);
		a->avail_basis[e - syscall_tables[t].entries] = (uint8_t)b;
	}
	return 0;
}

static int binfmt_from_json(const json_t *arr, struct kernel_profile *p, struct ac_error *err)
{
	static const char *const keys[] = { "name", "enabled", "interpreter", "flags", "arch", NULL };
	json_t *h;
	size_t i;

	if (!json_is_array(arr))
		return ac_error_set(err, AC_ERR_INPUT, 0, "binfmt_misc.handlers: not an array");
	if (json_array_size(arr) > PROFILE_MAX_BINFMT)
		return ac_error_set(err, AC_ERR_INPUT, 0, "binfmt_misc.handlers: more than %d",
				    PROFILE_MAX_BINFMT);
	p->binfmt = xcalloc(json_array_size(arr) + 1, sizeof(*p->binfmt));
	json_array_foreach(arr, i, h) {
		struct binfmt_handler *b = &p->binfmt[p->nbinfmt++];
		char where[48];

		snprintf(where, sizeof(where), "binfmt_misc.handlers[%zu]", i);
		if (only_keys(h, where, keys, err) < 0 ||
		    get_str(h, "name", where, false, PROFILE_MAX_STRING, &b->name, err) < 0 ||
		    get_bool(h, "enabled", where, &b->enabled, err) < 0 ||
		    get_str(h, "interpreter", where, true, PROFILE_MAX_STRING, &b->interpreter, err) < 0 ||
		    get_str(h, "flags", where, true, PROFILE_MAX_STRING, &b->flags, err) < 0 ||
		    get_str(h, "arch", where, true, PROFILE_MAX_STRING, &b->arch, err) < 0)
			return -1;
	}
	return 0;
}

static int config_from_json(const json_t *obj, struct kernel_profile *p, struct ac_error *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return ac_error_set(err, AC_ERR_INPUT, 0, "config: not an object");
	if (json_object_size(obj) > PROFILE_MAX_CONFIG)
		return ac_error_set(err, AC_ERR_INPUT, 0, "config: more than %d options", PROFILE_MAX_CONFIG);
	p->config = xcalloc(json_object_size(obj) + 1, sizeof(*p->config));
	json_object_foreach((json_t *)obj, k, v) {
		struct config_option *o;

		if (strncmp(k, "CONFIG_", 7) || strlen(k) > 256)
			return ac_error_set(err, AC_ERR_INPUT, 0, "config: '%.64s' is not a CONFIG_ name", k);
		if (!json_is_string(v) || json_string_length(v) > PROFILE_MAX_STRING)
			return ac_error_set(err, AC_ERR_INPUT, 0, "config.%s: not a string (max %d bytes)",
					    k, PROFILE_MAX_STRING);
		o = &p->config[p->nconfig++];
		o->name = xstrdup(k);
		o->value = xstrdup(json_string_value(v));
	}
	sort_array(p->config, p->nconfig, sizeof(*p->config), cmp_name); /* name is first */
	return 0;
}

static int sections_from_json(const json_t *j, struct kernel_profile *p, struct ac_error *err)
{
	static const char *const kernel_keys[] = { "release", "version", "machine", "basis", NULL };
	static const char *const page_keys[] = { "bytes", "basis", NULL };
	static const char *const vsys_keys[] = { "mode", "basis", NULL };
	static const char *const vdso_keys[] = { "mapped", "basis", NULL };
	static const char *const binfmt_keys[] = { "mounted", "handlers", NULL };
	static const char *const seccomp_keys[] = { "filters", NULL };
	static const char *const cgroup_keys[] = { "version", "hybrid", NULL };
	static const char *const container_keys[] = { "detected", "hint", "self_seccomp", NULL };
	json_t *kernel = json_object_get(j, "kernel"), *ver, *page = json_object_get(j, "page_size");
	json_t *vs = json_object_get(j, "vsyscall"), *vdso = json_object_get(j, "vdso");
	json_t *bf = json_object_get(j, "binfmt_misc"), *sc = json_object_get(j, "seccomp");
	json_t *cg = json_object_get(j, "cgroup"), *ct = json_object_get(j, "container");
	json_int_t n;
	char *mode = NULL;

	if (only_keys(kernel, "kernel", kernel_keys, err) < 0 ||
	    get_str(kernel, "release", "kernel", true, 256, &p->release, err) < 0 ||
	    get_str(kernel, "machine", "kernel", true, 64, &p->machine, err) < 0 ||
	    get_basis(kernel, "basis", "kernel", &p->release_basis, err) < 0 ||
	    !(ver = member(kernel, "version", "kernel", err)))
		return -1;
	if (!json_is_array(ver) || json_array_size(ver) != 3)
		return ac_error_set(err, AC_ERR_INPUT, 0, "kernel.version: not [major, minor, patch]");
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_array_get(ver, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0xffff)
			return ac_error_set(err, AC_ERR_INPUT, 0, "kernel.version[%zu]: not 0..65535", i);
		p->version[i] = (unsigned)json_integer_value(v);
	}
	if (get_str(j, "cmdline", "profile", true, PROFILE_MAX_CMDLINE, &p->cmdline, err) < 0 ||
	    only_keys(page, "page_size", page_keys, err) < 0 ||
	    get_int(page, "bytes", "page_size", 1, 1 << 30, true, 0, &n, err) < 0)
		return -1;
	p->page_size = (unsigned long)n;
	if (get_basis(page, "basis", "page_size", &p->page_size_basis, err) < 0 ||
	    only_keys(vs, "vsyscall", vsys_keys, err) < 0 ||
	    get_basis(vs, "basis", "vsyscall", &p->vsyscall_basis, err) < 0 ||
	    get_str(vs, "mode", "vsyscall", false, 16, &mode, err) < 0)
		return -1;
	p->vsyscall = VSYSCALL_MODE_EMULATE + 1;
	for (int m = VSYSCALL_MODE_UNKNOWN; m <= VSYSCALL_MODE_EMULATE; m++)
		if (!strcmp(mode, vsyscall_mode_name((enum vsyscall_mode)m)))
			p->vsyscall = (enum vsyscall_mode)m;
	free(mode);
	if (p->vsyscall > VSYSCALL_MODE_EMULATE)
		return ac_error_set(err, AC_ERR_INPUT, 0, "vsyscall.mode: not unknown, none, xonly or emulate");
	if (only_keys(vdso, "vdso", vdso_keys, err) < 0 ||
	    get_tri(vdso, "mapped", "vdso", &p->vdso, err) < 0 ||
	    get_basis(vdso, "basis", "vdso", &p->vdso_basis, err) < 0 ||
	    only_keys(bf, "binfmt_misc", binfmt_keys, err) < 0 ||
	    get_bool(bf, "mounted", "binfmt_misc", &p->binfmt_misc_mounted, err) < 0 ||
	    !member(bf, "handlers", "binfmt_misc", err) ||
	    binfmt_from_json(json_object_get(bf, "handlers"), p, err) < 0 ||
	    only_keys(sc, "seccomp", seccomp_keys, err) < 0 ||
	    get_tri(sc, "filters", "seccomp", &p->seccomp, err) < 0 ||
	    only_keys(cg, "cgroup", cgroup_keys, err) < 0 ||
	    get_int(cg, "version", "cgroup", 1, 2, true, 0, &n, err) < 0)
		return -1;
	p->cgroup_version = (int)n;
	if (get_bool(cg, "hybrid", "cgroup", &p->cgroup_hybrid, err) < 0 ||
	    only_keys(ct, "container", container_keys, err) < 0 ||
	    get_tri(ct, "detected", "container", &p->in_container, err) < 0 ||
	    get_str(ct, "hint", "container", true, PROFILE_MAX_STRING, &p->container_hint, err) < 0 ||
	    get_int(ct, "self_seccomp", "container", 0, 2, true, -1, &n, err) < 0)
		return -1;
	p->self_seccomp = (int)n;
	return 0;
}

static int from_json(const json_t *j, struct kernel_profile *p, struct ac_error *err)
{
	static const char *const keys[] = { "schema", "source", "kernel", "cmdline", "page_size",
					    "vsyscall", "vdso", "abis", "binfmt_misc", "seccomp",
					    "cgroup", "container", "config", "assumptions", NULL };
	json_t *schema, *abis, *assumptions, *v;
	size_t i;

	if (only_keys(j, "profile", keys, err) < 0 || !(schema = member(j, "schema", "profile", err)))
		return -1;
	if (!json_is_string(schema) || strcmp(json_string_value(schema), PROFILE_SCHEMA))
		return ac_error_set(err, AC_ERR_INPUT, 0, "schema: not %s", PROFILE_SCHEMA);
	for (i = 0; keys[i]; i++)
		if (!member(j, keys[i], "profile", err))
			return -1;
	if (get_str(j, "source", "profile", true, 64, &p->source, err) < 0 ||
	    sections_from_json(j, p, err) < 0)
		return -1;
	abis = json_object_get(j, "abis");
	if (!json_is_array(abis) || json_array_size(abis) > SYSCALL_ARCH_COUNT)
		return ac_error_set(err, AC_ERR_INPUT, 0, "abis: not an array of at most %d ABIs",
				    SYSCALL_ARCH_COUNT);
	json_array_foreach(abis, i, v)
		if (abi_from_json(v, i, p, err) < 0)
			return -1;
	if (config_from_json(json_object_get(j, "config"), p, err) < 0)
		return -1;
	assumptions = json_object_get(j, "assumptions");
	if (!json_is_array(assumptions) || json_array_size(assumptions) > PROFILE_MAX_ASSUMPTIONS)
		return ac_error_set(err, AC_ERR_INPUT, 0, "assumptions: not an array of at most %d",
				    PROFILE_MAX_ASSUMPTIONS);
	p->assumptions = xcalloc(json_array_size(assumptions) + 1, sizeof(char *));
	json_array_foreach(assumptions, i, v) {
		if (!json_is_string(v) || json_string_length(v) > PROFILE_MAX_STRING)
			return ac_error_set(err, AC_ERR_INPUT, 0, "assumptions[%zu]: not a string", i);
		p->assumptions[p->nassumptions++] = xstrdup(json_string_value(v));
	}
	return 0;
}

int profile_from_json(const json_t *j, struct kernel_profile *p, struct ac_error *err)
{
	if (from_json(j, p, err) < 0) {
		profile_free(p);
		return -1;
	}
	return 0;
}
