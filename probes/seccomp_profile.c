/* probes/seccomp_profile.c — see seccomp_profile.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/xalloc.h"
#include "probes/bpf.h"
#include "probes/seccomp_profile.h"

/* runc (libcontainer/seccomp) returns EPERM for ERRNO/TRACE actions that
 * carry no errnoRet. */
#define RUNC_DEFAULT_ERRNO EPERM

static int field_error(struct ac_error *err, const char *path, const char *fmt, const char *arg)
{
	char what[512];

	snprintf(what, sizeof(what), fmt, arg);
	return ac_error_set(err, AC_ERR_INPUT, 0, "%s: %s", path, what);
}

static int check_depth(const json_t *j, int depth)
{
	const char *key;
	json_t *v;
	size_t i;

	if (depth > SECCOMP_PROFILE_MAX_DEPTH)
		return -1;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v)
			if (check_depth(v, depth + 1) < 0)
				return -1;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (check_depth(v, depth + 1) < 0)
				return -1;
	}
	return 0;
}

/* A missing or null member is absent; anything else must be a string. */
static int get_string(const json_t *obj, const char *key, const char *path, const char **out,
		      struct ac_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return field_error(err, path, "'%s' is not a string", key);
	*out = json_string_value(v);
	return 0;
}

static int get_uint(const json_t *obj, const char *key, const char *path, bool *present,
		    uint64_t *out, struct ac_error *err)
{
	json_t *v = json_object_get(obj, key);

	*present = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return field_error(err, path, "'%s' is not a non-negative integer", key);
	*present = true;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_strings(const json_t *obj, const char *key, const char *path, char ***out,
		       size_t *n, struct ac_error *err)
{
	json_t *v = json_object_get(obj, key), *s;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return field_error(err, path, "'%s' is not an array of strings", key);
	*out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, s) {
		if (!json_is_string(s))
			return field_error(err, path, "'%s' is not an array of strings", key);
		(*out)[(*n)++] = xstrdup(json_string_value(s));
	}
	return 0;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const struct {
	const char *name;
	uint32_t action;
	bool has_data;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

/* An action name plus its errno member (errnoRet / defaultErrnoRet). */
static int parse_action(const json_t *obj, const char *key, const char *errno_key,
			const char *path, uint32_t *out, bool *errno_set, unsigned *errnum,
			struct ac_error *err)
{
	const char *name;
	uint64_t e = RUNC_DEFAULT_ERRNO;
	bool present;

	if (get_string(obj, key, path, &name, err) < 0 ||
	    get_uint(obj, errno_key, path, &present, &e, err) < 0)
		return -1;
	if (!name)
		return field_error(err, path, "'%s' is missing", key);
	if (present && e > 0xffff)
		return field_error(err, path, "'%s' is larger than 65535", errno_key);
	if (errno_set) {
		*errno_set = present;
		*errnum = present ? (unsigned)e : RUNC_DEFAULT_ERRNO;
	}
	if (!present)
		e = RUNC_DEFAULT_ERRNO;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, name)) {
			*out = actions[i].has_data ? actions[i].action | (uint32_t)e : actions[i].action;
			return 0;
		}
	return field_error(err, path, "unknown action '%s'", name);
}

static const struct {
	const char *name, *symbol;
	enum scmp_compare op;
} compares[] = {
	{ "SCMP_CMP_NE", "!=", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", "<", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", "<=", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", "==", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", ">=", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", ">", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", "&", SCMP_CMP_MASKED_EQ },
};

const char *seccomp_compare_name(enum scmp_compare op)
{
	for (size_t i = 0; i < sizeof(compares) / sizeof(compares[0]); i++)
		if (compares[i].op == op)
			return compares[i].symbol;
	return "?";
}

static int parse_arg(const json_t *j, const char *path, struct profile_arg *a, struct ac_error *err)
{
	const char *op;
	uint64_t index = 0;
	bool present, two;

	if (!json_is_object(j))
		return field_error(err, path, "%s", "not an object");
	if (get_uint(j, "index", path, &present, &index, err) < 0 ||
	    get_uint(j, "value", path, &two, &a->value, err) < 0 ||
	    get_uint(j, "valueTwo", path, &two, &a->value_two, err) < 0 ||
	    get_string(j, "op", path, &op, err) < 0)
		return -1;
	if (!present || index > 5)
		return field_error(err, path, "%s", "'index' must be 0..5");
	a->index = (unsigned)index;
	if (!op)
		return field_error(err, path, "%s", "'op' is missing");
	for (size_t i = 0; i < sizeof(compares) / sizeof(compares[0]); i++)
		if (!strcmp(compares[i].name, op)) {
			a->op = compares[i].op;
			return 0;
		}
	return field_error(err, path, "unknown comparison '%s'", op);
}

static int parse_kernel(const char *s, unsigned v[2])
{
	char *end;
	unsigned long a, b;

	if (!s || *s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if ((*end && *end != '.') || a > 1000 || b > 1000)
		return -1;
	v[0] = (unsigned)a;
	v[1] = (unsigned)b;
	return 0;
}

static int parse_cond(const json_t *rule, const char *key, const char *rpath,
		      struct profile_cond *c, struct ac_error *err)
{
	json_t *j = json_object_get(rule, key);
	const char *mk;
	char path[96];

	snprintf(path, sizeof(path), "%s.%s", rpath, key);
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return field_error(err, path, "%s", "not an object");
	if (get_strings(j, "caps", path, &c->caps, &c->ncaps, err) < 0 ||
	    get_strings(j, "arches", path, &c->arches, &c->narches, err) < 0 ||
	    get_string(j, "minKernel", path, &mk, err) < 0)
		return -1;
	if (mk) {
		if (parse_kernel(mk, c->min_kernel) < 0)
			return field_error(err, path, "'minKernel' '%s' is not MAJOR.MINOR", mk);
		c->has_min_kernel = true;
	}
	return 0;
}

static int parse_rule(const json_t *j, const char *path, struct profile_rule *r,
		      struct ac_error *err)
{
	json_t *args, *a;
	const char *name;
	char apath[96];
	size_t i;

	if (!json_is_object(j))
		return field_error(err, path, "%s", "not an object");
	if (get_strings(j, "names", path, &r->names, &r->nnames, err) < 0 ||
	    get_string(j, "name", path, &name, err) < 0)
		return -1;
	if (name) { /* the pre-17.xx form; get_strings() left room for one more */
		if (!r->names)
			r->names = xcalloc(1, sizeof(char *));
		r->names[r->nnames++] = xstrdup(name);
	}
	if (r->nnames == 0)
		return field_error(err, path, "%s", "no 'names' (or 'name')");
	if (parse_action(j, "action", "errnoRet", path, &r->action, NULL, NULL, err) < 0)
		return -1;
	args = json_object_get(j, "args");
	if (args && !json_is_null(args)) {
		if (!json_is_array(args))
			return field_error(err, path, "%s", "'args' is not an array");
		r->args = xcalloc(json_array_size(args) + 1, sizeof(*r->args));
		json_array_foreach(args, i, a) {
			snprintf(apath, sizeof(apath), "%s.args[%zu]", path, i);
			if (parse_arg(a, apath, &r->args[i], err) < 0)
				return -1;
			r->nargs++;
		}
	}
	return parse_cond(j, "includes", path, &r->includes, err) < 0 ||
			       parse_cond(j, "excludes", path, &r->excludes, err) < 0
		       ? -1
		       : 0;
}

static int parse_arch_map(const json_t *root, struct seccomp_profile *p, struct ac_error *err)
{
	json_t *map = json_object_get(root, "archMap"), *e;
	const char *arch;
	char path[64];
	size_t i;

	if (!map || json_is_null(map))
		return 0;
	if (!json_is_array(map))
		return field_error(err, "archMap", "%s", "not an array");
	p->arch_map = xcalloc(json_array_size(map) + 1, sizeof(*p->arch_map));
	json_array_foreach(map, i, e) {
		struct profile_arch_map *m = &p->arch_map[i];

		snprintf(path, sizeof(path), "archMap[%zu]", i);
		if (!json_is_object(e))
			return field_error(err, path, "%s", "not an object");
		p->narch_map++;
		if (get_string(e, "architecture", path, &arch, err) < 0 ||
		    get_strings(e, "subArchitectures", path, &m->sub, &m->nsub, err) < 0)
			return -1;
		if (!arch)
			return field_error(err, path, "%s", "'architecture' is missing");
		m->arch = xstrdup(arch);
	}
	return 0;
}

static int parse_root(const json_t *root, struct seccomp_profile *p, struct ac_error *err)
{
	json_t *rules, *r;
	char path[64];
	size_t i;

	if (!json_is_object(root))
		return ac_error_set(err, AC_ERR_INPUT, 0, "the profile is not a JSON object");
	if (parse_action(root, "defaultAction", "defaultErrnoRet", "profile", &p->default_action,
			 &p->default_errno_set, &p->default_errno, err) < 0 ||
	    get_strings(root, "architectures", "profile", &p->architectures, &p->narchitectures,
			err) < 0 ||
	    parse_arch_map(root, p, err) < 0)
		return -1;
	rules = json_object_get(root, "syscalls");
	if (!rules || json_is_null(rules))
		return 0;
	if (!json_is_array(rules))
		return field_error(err, "syscalls", "%s", "not an array");
	p->rules = xcalloc(json_array_size(rules) + 1, sizeof(*p->rules));
	json_array_foreach(rules, i, r) {
		snprintf(path, sizeof(path), "syscalls[%zu]", i);
		p->nrules++;
		if (parse_rule(r, path, &p->rules[i], err) < 0)
			return -1;
	}
	return 0;
}

int seccomp_profile_parse(const char *json, size_t len, struct seccomp_profile *out,
			  struct ac_error *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(out, 0, sizeof(*out));
	root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return ac_error_set(err, AC_ERR_INPUT, 0, "invalid JSON at line %d: %s", jerr.line,
				    jerr.text);
	if (check_depth(root, 1) < 0)
		rc = ac_error_set(err, AC_ERR_LIMIT, 0, "JSON nested deeper than %d levels",
				  SECCOMP_PROFILE_MAX_DEPTH);
	else
		rc = parse_root(root, out, err);
	json_decref(root);
	if (rc < 0)
		seccomp_profile_free(out);
	return rc;
}

static void free_cond(struct profile_cond *c)
{
	free_strings(c->caps, c->ncaps);
	free_strings(c->arches, c->narches);
}

void seccomp_profile_free(struct seccomp_profile *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		free_strings(p->rules[i].names, p->rules[i].nnames);
		free(p->rules[i].args);
		free_cond(&p->rules[i].includes);
		free_cond(&p->rules[i].excludes);
	}
	free(p->rules);
	for (size_t i = 0; i < p->narch_map; i++) {
		free(p->arch_map[i].arch);
		free_strings(p->arch_map[i].sub, p->arch_map[i].nsub);
	}
	free(p->arch_map);
	free_strings(p->architectures, p->narchitectures);
	memset(p, 0, sizeof(*p));
}

const char *seccomp_scmp_action_format(uint32_t action, char *buf, size_t len)
{
	return seccomp_ret_format(seccomp_ret_decode(action), buf, len);
}
