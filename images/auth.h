/* images/auth.h — registry credentials and the token exchange.
 *
 * Owns finding the user's credentials for a registry in the files docker
 * and podman write, in containers/image's order: $REGISTRY_AUTH_FILE (else
 * ${XDG_RUNTIME_DIR}/containers/auth.json), $XDG_CONFIG_HOME/containers/
 * auth.json, then $DOCKER_CONFIG/config.json (else ~/.docker/config.json),
 * each {"auths": {"HOST[:PORT][/REPO…]": {"auth": base64("user:pass")}}},
 * the most specific key first; parsing WWW-Authenticate challenges; and
 * fetching bearer tokens (the distribution token spec: GET realm?service=
 * &scope=, basic credentials when there are some).  Credential helpers
 * (credsStore, credHelpers) are programs, and abicheck runs none: they are
 * not consulted.
 * Secrets live in memory only, are wiped when freed, and never appear in a
 * message: errors name the file, the registry and the HTTP status, and a
 * malformed auth file is reported by line only (a parser's excerpt of the
 * text could hold a password).
 */
#ifndef ABICHECK_IMAGES_AUTH_H
#define ABICHECK_IMAGES_AUTH_H

#include <stdbool.h>

#include "common/error.h"
#include "images/http.h"

struct registry_credentials {
	char *user, *password; /* both NULL when none were found */
	char source[512];      /* the file they came from, for messages */
};

/* Looks up credentials for DOMAIN/PATH (a reference's, reference.h). */
int auth_find_credentials(const char *domain, const char *path,
			  struct registry_credentials *out, struct ac_error *err);
void auth_credentials_free(struct registry_credentials *c);

enum auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct auth_challenge {
	enum auth_scheme scheme;
	char realm[1024], service[256], scope[512];
};

/* The first challenge of a WWW-Authenticate value (RFC 7235 auth-params,
 * quoted or not); AUTH_NONE when it is neither Basic nor Bearer. */
void auth_parse_challenge(const char *header, struct auth_challenge *out);

/* "Authorization: Basic base64(user:pass)"; caller frees with auth_wipe_free. */
char *auth_basic_header(const struct registry_credentials *c);

/* Fetches a bearer token from the challenge's realm (scope: the
 * challenge's, else `default_scope`), sending the credentials when there
 * are some (cr may be NULL), and returns "Authorization: Bearer TOKEN" in
 * *header (auth_wipe_free).  *status is the token server's HTTP status
 * (401/403 mean refused credentials: the caller words that error). */
int auth_fetch_token(struct http_client *http, const struct auth_challenge *ch,
		     const char *default_scope, const struct registry_credentials *cr,
		     bool insecure, char **header, long *status, struct ac_error *err);

/* A token server's reply, {"token": …} or {"access_token": …} (the OAuth2
 * name), as "Authorization: Bearer TOKEN" in *header (auth_wipe_free); a
 * token that could end a header line is refused. */
int auth_token_header(const char *body, size_t len, char **header, struct ac_error *err);

/* Wipes a secret string, then frees it. */
void auth_wipe_free(char *s);

#endif
