/* images/http.h — HTTP GETs for registry sources, over libcurl.
 *
 * Owns the transport: one connection-reusing libcurl handle; TLS always
 * verified unless the caller says a host is insecure; the CA bundle
 * (--tls-ca, else $SSL_CERT_FILE, else the system's); proxies (libcurl
 * itself reads https_proxy/HTTPS_PROXY, http_proxy, ALL_PROXY and
 * NO_PROXY); connect and stall timeouts; retries with exponential backoff
 * on 429 (Retry-After honoured) and 5xx and on transient network errors;
 * and response bodies pulled as the caller asks for bytes (libcurl's multi
 * interface), so a layer is decompressed while it downloads and never
 * stored.  Never logs, never writes a file, and never puts a request
 * header (credentials) or a response body in a message: errors say what
 * failed, the caller names the host.
 * Ownership: the client owns its handles; one transfer at a time.
 */
#ifndef ABICHECK_IMAGES_HTTP_H
#define ABICHECK_IMAGES_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/digest.h"
#include "common/error.h"

#define HTTP_DEFAULT_TIMEOUT 30 /* seconds */
#define HTTP_DEFAULT_RETRIES 4  /* 0.5 + 1 + 2 + 4 s of backoff at most */
#define HTTP_RETRY_AFTER_MAX 60 /* a longer Retry-After is not waited for */

struct http_options {
	unsigned timeout;    /* seconds to connect, and at most without a byte */
	unsigned retries;    /* after the first attempt */
	const char *ca_file; /* NULL: $SSL_CERT_FILE, else libcurl's default */
};

struct http_response {
	long status;
	char content_type[128];
	char www_authenticate[1024];
	char docker_digest[DIGEST_STR_MAX]; /* Docker-Content-Digest, or "" */
	int64_t content_length;             /* -1 when not sent */
	long retry_after;                   /* seconds, -1 when not sent */
	unsigned attempts;
};

struct http_get {
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated; may be NULL */
	bool insecure;              /* TLS without verification (--insecure-registry) */
	bool probe;                 /* one attempt, no retries: a scheme being tried */
};

struct http_client;

struct http_client *http_client_new(const struct http_options *o, struct ac_error *err);
void http_client_free(struct http_client *c);

/* Sends the GET and runs it until the final response's headers are in
 * (redirects followed: to https only when the URL is https).  429 and 5xx
 * are retried, then returned like any status for the caller to report. */
int http_start(struct http_client *c, const struct http_get *g, struct http_response *resp,
	       struct ac_error *err);
/* Whether the last failure was a TLS handshake with something that does
 * not speak TLS, or a refused connection: worth trying plain HTTP where
 * that is allowed. */
bool http_failed_handshake(const struct http_client *c);
/* Whether the last failure may pass (a timeout, a dropped connection). */
bool http_failed_transiently(const struct http_client *c);

/* 429 and the 5xx that may pass (not 501/505): worth another attempt. */
bool http_status_retryable(long status);

/* The body: next bytes (0 at its end, -1 on error). */
ssize_t http_read(struct http_client *c, void *buf, size_t len, struct ac_error *err);
/* The whole body, NUL-terminated, at most `max` bytes (a limit error
 * naming --max-json-bytes above it); caller frees. */
int http_read_all(struct http_client *c, uint64_t max, char **out, size_t *len,
		  struct ac_error *err);
/* Ends the transfer, abandoning whatever of the body is left. */
void http_end(struct http_client *c);

#endif
