/* images/reference.c — see reference.h.  The grammar follows
 * distribution/reference's regexp.go and normalize.go:
 *   name      = [domain '/'] component ('/' component)*
 *   domain    = host [':' port], host = DNS labels or '[' IPv6 ']'
 *   component = [a-z0-9]+ (([._]|__|-+) [a-z0-9]+)*
 *   tag       = [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   reference = name [':' tag] ['@' digest]
 */
#include "images/reference.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define DOCKER_HUB_API "registry-1.docker.io"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: alphanumeric runs joined by '.', '_', '__' or '-'+. */
static bool valid_component(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;
		while (i < n && is_lower_alnum(s[i]))
			i++, run++;
		if (!run)
			return false;
		if (i == n)
			return true;
		if (s[i] == '.' || (s[i] == '_' && (i + 1 >= n || s[i + 1] != '_')))
			i++;
		else if (s[i] == '_')
			i += 2;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
	}
	return false; /* ended on a separator */
}

static bool valid_path(const char *p)
{
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!valid_component(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

static bool valid_label(const char *s, size_t n)
{
	if (!n || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool valid_port(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= 5 && !s[n];
}

static bool valid_domain(const char *d)
{
	const char *port = NULL, *end;

	if (d[0] == '[') {
		const char *close = strchr(d, ']');
		if (!close || close == d + 1 || strspn(d + 1, "0123456789abcdefABCDEF:") !=
							  (size_t)(close - d - 1))
			return false;
		return !close[1] || (close[1] == ':' && valid_port(close + 2));
	}
	port = strchr(d, ':');
	end = port ? port : d + strlen(d);
	for (const char *p = d;;) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p);
		if (!valid_label(p, n))
			return false;
		if (!dot)
			break;
		p = dot + 1;
	}
	return !port || valid_port(port + 1);
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > REFERENCE_TAG_MAX || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return false;
	return true;
}

/* distribution/reference's splitDockerDomain: a first component with '.'
 * or ':', or "localhost", or an upper-case letter, names a registry. */
static void split_domain(const char *name, struct image_reference *r, const char **rest)
{
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;
	bool upper = false;

	for (size_t i = 0; i < n; i++)
		upper |= isupper((unsigned char)name[i]) != 0;
	if (!slash || (!memchr(name, '.', n) && !memchr(name, ':', n) &&
		       !(n == 9 && !memcmp(name, "localhost", 9)) && !upper)) {
		snprintf(r->domain, sizeof(r->domain), DEFAULT_DOMAIN);
		*rest = name;
		return;
	}
	snprintf(r->domain, sizeof(r->domain), "%.*s", (int)n, name);
	if (!strcmp(r->domain, LEGACY_DOMAIN))
		snprintf(r->domain, sizeof(r->domain), DEFAULT_DOMAIN);
	*rest = slash + 1;
}

static bool is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int parse_name(char *name, const char *s, struct image_reference *r,
		      struct ac_error *err)
{
	const char *rest;
	char *colon = strrchr(name, ':');

	if (colon && !strchr(colon, '/')) { /* a ':' after the last '/' is the tag */
		*colon = '\0';
		if (!valid_tag(colon + 1))
			return ac_error_set(err, AC_ERR_INPUT, 0, "'%s': invalid tag '%.128s'", s,
					    colon + 1);
		snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	}
	split_domain(name, r, &rest);
	if (!valid_domain(r->domain))
		return ac_error_set(err, AC_ERR_INPUT, 0, "'%s': invalid registry host '%s'", s,
				    r->domain);
	if (!strcmp(r->domain, DEFAULT_DOMAIN) && !strchr(rest, '/'))
		snprintf(r->path, sizeof(r->path), "library/%s", rest);
	else
		snprintf(r->path, sizeof(r->path), "%s", rest);
	for (const char *p = r->path; *p; p++)
		if (isupper((unsigned char)*p))
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "'%s': repository name must be lowercase", s);
	if (!valid_path(r->path))
		return ac_error_set(err, AC_ERR_INPUT, 0, "'%s': invalid repository name '%s'", s,
				    r->path);
	if (strlen(r->domain) + 1 + strlen(r->path) > REFERENCE_NAME_MAX)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "'%s': repository name longer than %d characters", s,
				    REFERENCE_NAME_MAX);
	return 0;
}

int reference_parse(const char *s, struct image_reference *r, struct ac_error *err)
{
	char name[2 * REFERENCE_NAME_MAX + 2];
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);

	memset(r, 0, sizeof(*r));
	if (!n || n >= sizeof(name))
		return ac_error_set(err, AC_ERR_INPUT, 0, "'%.300s': not an image reference", s);
	/* A bare 64-hex name is an image ID to docker, never a repository. */
	memcpy(name, s, n);
	name[n] = '\0';
	if (is_hex64(name))
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "'%s': a 64-hex name is an image ID, not a repository", s);
	if (at) {
		if (digest_parse(at + 1, &r->digest, err) < 0)
			return ac_error_wrap(err, "'%s'", s);
		r->has_digest = true;
	}
	if (parse_name(name, s, r, err) < 0)
		return -1;
	if (!r->tag[0] && !r->has_digest)
		snprintf(r->tag, sizeof(r->tag), "latest");
	return 0;
}

void reference_name(const struct image_reference *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", r->domain, r->path);
}

void reference_selector(const struct image_reference *r, char *buf, size_t len)
{
	if (r->has_digest)
		digest_format(&r->digest, buf, len);
	else
		snprintf(buf, len, "%s", r->tag);
}

void reference_format(const struct image_reference *r, char *buf, size_t len)
{
	char d[DIGEST_STR_MAX] = "";

	if (r->has_digest)
		digest_format(&r->digest, d, sizeof(d));
	snprintf(buf, len, "%s/%s%s%s%s%s", r->domain, r->path, r->tag[0] ? ":" : "", r->tag,
		 r->has_digest ? "@" : "", d);
}

const char *reference_api_host(const struct image_reference *r)
{
	return strcmp(r->domain, DEFAULT_DOMAIN) ? r->domain : DOCKER_HUB_API;
}

int reference_url(const struct image_reference *r, bool tls, const char *kind,
		  const char *object, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s://%s/v2/%s/%s/%s", tls ? "https" : "http",
			 reference_api_host(r), r->path, kind, object);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

bool reference_host_is_loopback(const char *hostport)
{
	char host[REFERENCE_NAME_MAX + 1];
	const char *colon = hostport[0] == '[' ? NULL : strchr(hostport, ':');
	size_t n = colon ? (size_t)(colon - hostport) : strlen(hostport);
	unsigned a, b, c, d;
	char tail;

	if (!strncmp(hostport, "[::1]", 5))
		return !hostport[5] || hostport[5] == ':';
	if (n >= sizeof(host))
		return false;
	memcpy(host, hostport, n);
	host[n] = '\0';
	if (!strcmp(host, "localhost"))
		return true;
	return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 &&
	       b < 256 && c < 256 && d < 256;
}
