/* images/auth.c — see auth.h. */
#include "images/auth.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/xalloc.h"

#define AUTH_FILE_MAX (1u << 20) /* far above any real auth file */
#define TOKEN_RESPONSE_MAX (1u << 20)

void auth_wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void auth_credentials_free(struct registry_credentials *c)
{
	auth_wipe_free(c->user);
	auth_wipe_free(c->password);
	c->user = c->password = NULL;
}

/* ---- auth files ---- */

/* 0 with *out NULL when the file does not exist. */
static int read_file(const char *path, char **out, struct ac_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t got = 0;
	char *buf;

	*out = NULL;
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : ac_error_set(err, AC_ERR_INPUT, errno, "credentials file %s", path);
	buf = xmalloc(AUTH_FILE_MAX + 1);
	for (;;) {
		ssize_t n = read(fd, buf + got, AUTH_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got > AUTH_FILE_MAX)
			break;
	}
	close(fd);
	if (got > AUTH_FILE_MAX) {
		explicit_bzero(buf, got);
		free(buf);
		return ac_error_set(err, AC_ERR_INPUT, 0, "credentials file %s: larger than %u bytes",
				    path, AUTH_FILE_MAX);
	}
	buf[got] = '\0';
	*out = buf;
	return 0;
}

static bool is_docker_hub(const char *host, size_t n)
{
	static const char *const names[] = { "docker.io", "index.docker.io",
					     "registry-1.docker.io" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], host, n))
			return true;
	return false;
}

/* How specifically an "auths" key names DOMAIN/PATH: -1 not at all, else
 * the length of the repository part it names (0: the whole registry).
 * Keys come as "host:port", "https://index.docker.io/v1/", "quay.io/org". */
static int key_match(const char *key, const char *domain, const char *path)
{
	char k[512];
	size_t n;
	const char *slash;

	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	snprintf(k, sizeof(k), "%s", key);
	n = strlen(k);
	while (n && k[n - 1] == '/')
		k[--n] = '\0';
	if (n >= 3 && (!strcmp(k + n - 3, "/v1") || !strcmp(k + n - 3, "/v2")))
		k[n -= 3] = '\0';
	slash = strchr(k, '/');
	n = slash ? (size_t)(slash - k) : strlen(k);
	if (!(strlen(domain) == n && !memcmp(k, domain, n)) &&
	    !(!strcmp(domain, "docker.io") && is_docker_hub(k, n)))
		return -1;
	if (!slash)
		return 0;
	n = strlen(slash + 1);
	return !strncmp(path, slash + 1, n) && (path[n] == '\0' || path[n] == '/') ? (int)n : -1;
}

/* base64("user:pass") into the two strings. */
static int decode_auth(const char *b64, struct registry_credentials *out)
{
	size_t n = strlen(b64), pad = 0;
	unsigned char *raw;
	char *colon;
	int len;

	if (!n || n % 4)
		return -1;
	raw = xmalloc(n);
	len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	pad = (b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
	if (len < 0 || (size_t)len < pad) {
		free(raw);
		return -1;
	}
	len -= (int)pad;
	raw[len] = '\0';
	colon = memchr(raw, ':', (size_t)len);
	if (!colon || strlen((char *)raw) != (size_t)len) {
		explicit_bzero(raw, n);
		free(raw);
		return -1;
	}
	out->user = xstrndup((char *)raw, (size_t)(colon - (char *)raw));
	out->password = xstrdup(colon + 1);
	explicit_bzero(raw, n);
	free(raw);
	return 0;
}

/* The best entry of one file's "auths"; 1 found, 0 none, -1 error. */
static int search_file(const char *file, const char *domain, const char *path,
		       struct registry_credentials *out, struct ac_error *err)
{
	char *text;
	json_t *doc, *auths, *entry, *best = NULL;
	json_error_t jerr;
	const char *key;
	int best_len = -1, rc = 0;

	if (read_file(file, &text, err) < 0)
		return -1;
	if (!text)
		return 0;
	doc = json_loads(text, 0, &jerr);
	auth_wipe_free(text);
	if (!doc)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "credentials file %s: malformed JSON at line %d", file, jerr.line);
	auths = json_object_get(doc, "auths");
	json_object_foreach(auths, key, entry) {
		int m = key_match(key, domain, path);
		if (m > best_len && json_is_string(json_object_get(entry, "auth")) &&
		    json_string_length(json_object_get(entry, "auth"))) {
			best_len = m;
			best = entry;
		}
	}
	if (best) {
		if (decode_auth(json_string_value(json_object_get(best, "auth")), out) < 0)
			rc = ac_error_set(err, AC_ERR_INPUT, 0,
					  "credentials file %s: the entry for %s is not "
					  "base64 of user:password", file, domain);
		else
			rc = 1;
		snprintf(out->source, sizeof(out->source), "%s", file);
	}
	json_decref(doc); /* jansson does not wipe: the strings die with the process */
	return rc;
}

/* The candidate files, in containers/image's order. */
static size_t auth_files(char files[4][4096])
{
	const char *home = getenv("HOME"), *e;
	size_t n = 0;

	if ((e = getenv("REGISTRY_AUTH_FILE")) && *e)
		snprintf(files[n++], 4096, "%s", e);
	else if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(files[n++], 4096, "%s/containers/auth.json", e);
	if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		snprintf(files[n++], 4096, "%s/containers/auth.json", e);
	else if (home && *home)
		snprintf(files[n++], 4096, "%s/.config/containers/auth.json", home);
	if ((e = getenv("DOCKER_CONFIG")) && *e)
		snprintf(files[n++], 4096, "%s/config.json", e);
	else if (home && *home)
		snprintf(files[n++], 4096, "%s/.docker/config.json", home);
	return n;
}

int auth_find_credentials(const char *domain, const char *path,
			  struct registry_credentials *out, struct ac_error *err)
{
	char files[4][4096];
	size_t n = auth_files(files);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		int rc = search_file(files[i], domain, path, out, err);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}

/* ---- challenges ---- */

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One auth-param value (quoted-string or token) into buf; returns the end. */
static const char *param_value(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	if (*p != '"') {
		while (*p && *p != ',' && *p != ' ' && *p != '\t') {
			if (n + 1 < len)
				buf[n++] = *p;
			p++;
		}
	} else {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < len)
				buf[n++] = *p;
		}
		if (*p == '"')
			p++;
	}
	buf[n] = '\0';
	return p;
}

void auth_parse_challenge(const char *h, struct auth_challenge *out)
{
	const char *p = skip_space(h);

	memset(out, 0, sizeof(*out));
	if (!strncasecmp(p, "Bearer", 6) && (p[6] == ' ' || !p[6]))
		out->scheme = AUTH_BEARER;
	else if (!strncasecmp(p, "Basic", 5) && (p[5] == ' ' || !p[5]))
		out->scheme = AUTH_BASIC;
	else
		return;
	p = strchr(p, ' ') ? strchr(p, ' ') : p + strlen(p);
	for (;;) {
		char name[32], ignored[1024];
		size_t n;
		char *dst = ignored;
		size_t dstlen = sizeof(ignored);

		p = skip_space(p);
		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, "= \t,");
		if (!n || p[n] != '=')
			return; /* the end, or the next challenge's scheme */
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (!strcasecmp(name, "realm"))
			dst = out->realm, dstlen = sizeof(out->realm);
		else if (!strcasecmp(name, "service"))
			dst = out->service, dstlen = sizeof(out->service);
		else if (!strcasecmp(name, "scope"))
			dst = out->scope, dstlen = sizeof(out->scope);
		p = param_value(skip_space(p + n + 1), dst, dstlen);
	}
}

/* ---- headers and tokens ---- */

char *auth_basic_header(const struct registry_credentials *c)
{
	static const char prefix[] = "Authorization: Basic ";
	size_t ul = strlen(c->user), pl = strlen(c->password), raw_len = ul + 1 + pl;
	char *raw = xmalloc(raw_len + 1);
	char *h = xmalloc(sizeof(prefix) + 4 * (raw_len / 3 + 1) + 1);

	snprintf(raw, raw_len + 1, "%s:%s", c->user, c->password);
	memcpy(h, prefix, sizeof(prefix) - 1);
	EVP_EncodeBlock((unsigned char *)h + sizeof(prefix) - 1, (unsigned char *)raw,
			(int)raw_len);
	auth_wipe_free(raw);
	return h;
}

/* RFC 6750's b64token: nothing that could end a header line. */
static bool valid_token(const char *t)
{
	size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789-._~+/");
	return n > 0 && strspn(t + n, "=") == strlen(t + n);
}

static char *token_url(const struct auth_challenge *ch, const char *scope)
{
	char *svc = curl_easy_escape(NULL, ch->service, 0);
	char *scp = curl_easy_escape(NULL, scope, 0);
	size_t len = strlen(ch->realm) + strlen(svc) + strlen(scp) + 32;
	char *url = xmalloc(len);
	char sep = strchr(ch->realm, '?') ? '&' : '?';

	if (ch->service[0])
		snprintf(url, len, "%s%cservice=%s&scope=%s", ch->realm, sep, svc, scp);
	else
		snprintf(url, len, "%s%cscope=%s", ch->realm, sep, scp);
	curl_free(svc);
	curl_free(scp);
	return url;
}

int auth_token_header(const char *body, size_t len, char **header, struct ac_error *err)
{
	json_t *doc = json_loadb(body, len, 0, NULL);
	const char *t = json_string_value(json_object_get(doc, "token"));
	int rc = 0;

	if (!t)
		t = json_string_value(json_object_get(doc, "access_token"));
	if (!t || !valid_token(t)) {
		rc = ac_error_set(err, AC_ERR_INPUT, 0, "the token server sent no usable token");
	} else {
		size_t n = strlen(t) + 32;
		*header = xmalloc(n);
		snprintf(*header, n, "Authorization: Bearer %s", t);
	}
	json_decref(doc);
	return rc;
}

int auth_fetch_token(struct http_client *http, const struct auth_challenge *ch,
		     const char *default_scope, const struct registry_credentials *cr,
		     bool insecure, char **header, long *status, struct ac_error *err)
{
	char *url = token_url(ch, ch->scope[0] ? ch->scope : default_scope);
	char *basic = cr && cr->user ? auth_basic_header(cr) : NULL;
	const char *headers[] = { basic, NULL };
	struct http_get g = { .url = url, .headers = headers, .insecure = insecure };
	struct http_response resp;
	char *body = NULL;
	size_t len;
	int rc;

	*header = NULL;
	*status = 0;
	rc = http_start(http, &g, &resp, err);
	auth_wipe_free(basic);
	free(url);
	if (rc < 0)
		return ac_error_wrap(err, "token server");
	*status = resp.status;
	if (resp.status != 200) {
		http_end(http);
		return ac_error_set(err, AC_ERR_INPUT, 0, "token server: HTTP %ld", resp.status);
	}
	rc = http_read_all(http, TOKEN_RESPONSE_MAX, &body, &len, err);
	http_end(http);
	if (rc < 0)
		return ac_error_wrap(err, "token server");
	rc = auth_token_header(body, len, header, err);
	auth_wipe_free(body);
	return rc;
}
