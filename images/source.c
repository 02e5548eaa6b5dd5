/* images/source.c — see source.h. */
#include "images/source.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/digest.h"
#include "images/engine.h"

#define REF_MAX 1024

int image_from_parse(const char *s, enum image_from *out)
{
	static const struct {
		const char *name;
		enum image_from from;
	} names[] = {
		{ "registry", IMAGE_FROM_REGISTRY },
		{ "docker", IMAGE_FROM_DOCKER },
		{ "podman", IMAGE_FROM_PODMAN },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].from;
			return 0;
		}
	return -1;
}

/* TAG: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (distribution/reference). */
static bool tag_ok(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && !strchr("_.-", *t))
			return false;
	return true;
}

/* A path component: lowercase alphanumerics joined by '.', '_' or '-'
 * runs; a domain component: letters, digits, '.', '-', then :PORT. */
static bool component_ok(const char *c, size_t n, bool domain)
{
	if (!n || !isalnum((unsigned char)c[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		if (domain && ch == ':') {
			if (i + 1 == n)
				return false;
			for (i++; i < n; i++)
				if (!isdigit((unsigned char)c[i]))
					return false;
			return true;
		}
		if (!(isdigit(ch) || islower(ch) || (domain && isupper(ch)) || strchr(".-_", ch)))
			return false;
	}
	return isalnum((unsigned char)c[n - 1]);
}

/* The first component names a registry when it looks like a host. */
static bool first_is_domain(const char *repo)
{
	const char *slash = strchr(repo, '/');
	size_t n = slash ? (size_t)(slash - repo) : 0;

	return slash && (memchr(repo, '.', n) || memchr(repo, ':', n) ||
			 (n == 9 && !strncmp(repo, "localhost", 9)));
}

static bool repository_ok(const char *repo)
{
	bool domain = first_is_domain(repo);

	for (const char *c = repo;; domain = false) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (!component_ok(c, n, domain) || strstr(c, ".."))
			return false;
		if (!slash)
			return true;
		c = slash + 1;
	}
}

bool image_ref_plausible(const char *s)
{
	char buf[REF_MAX];
	char *at, *colon, *slash;
	struct digest d;
	struct ac_error ignored;

	if (!*s || snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return false;
	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (digest_parse(at + 1, &d, &ignored) < 0)
			return false;
	}
	slash = strrchr(buf, '/');
	colon = strrchr(slash ? slash : buf, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_ok(colon + 1))
			return false;
	}
	return repository_ok(buf);
}

static void note(struct source_choice *out, enum engine_kind kind, const char *why)
{
	size_t used = strlen(out->passed_over);

	snprintf(out->passed_over + used, sizeof(out->passed_over) - used, "%s%s: %s",
		 used ? "; " : "", engine_kind_name(kind), why);
}

/* 1 = this engine has the image, 0 = passed over, -1 = interrupted. */
static int engine_offers(enum engine_kind kind, const char *name, const struct image_limits *l,
			 struct source_choice *out, struct ac_error *err)
{
	struct engine e;
	uint64_t size;
	int rc;

	if (engine_locate(kind, &e, err) < 0) {
		note(out, kind, err->msg);
		return 0;
	}
	rc = engine_has_image(&e, name, l, &size, err);
	if (rc < 0 && err->kind == AC_ERR_INTERRUPTED)
		return -1;
	if (rc == 0)
		note(out, kind, "no such image");
	else if (rc < 0)
		note(out, kind, err->msg);
	return rc > 0;
}

int image_source_resolve(const char *name, enum image_from from, const struct image_limits *l,
			 struct source_choice *out, struct ac_error *err)
{
	static const enum engine_kind order[] = { ENGINE_DOCKER, ENGINE_PODMAN };
	static const enum image_source sources[] = { IMAGE_SOURCE_DOCKER, IMAGE_SOURCE_PODMAN };

	memset(out, 0, sizeof(*out));
	switch (from) {
	case IMAGE_FROM_REGISTRY: out->source = IMAGE_SOURCE_REGISTRY; return 0;
	case IMAGE_FROM_DOCKER: out->source = IMAGE_SOURCE_DOCKER; return 0;
	case IMAGE_FROM_PODMAN: out->source = IMAGE_SOURCE_PODMAN; return 0;
	case IMAGE_FROM_AUTO: break;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int rc = engine_offers(order[i], name, l, out, err);
		if (rc != 0) {
			out->source = sources[i];
			return rc < 0 ? -1 : 0;
		}
	}
	out->source = IMAGE_SOURCE_REGISTRY;
	return 0;
}
