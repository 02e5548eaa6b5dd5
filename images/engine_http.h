/* images/engine_http.h — one HTTP GET to a local container engine's API
 * over its unix socket (libcurl's CURLOPT_UNIX_SOCKET_PATH).
 *
 * Owns the transport only: connecting, timeouts, interruption by a signal,
 * and where the response body goes (a capped memory buffer, or a capped
 * spool file).  It never reaches the network: plain http to the socket,
 * no proxy (http_proxy would otherwise be honoured), no redirects.  What
 * the endpoints mean belongs to engine.c.
 * Ownership: the caller frees resp->body (engine_response_free).
 */
#ifndef ABICHECK_IMAGES_ENGINE_HTTP_H
#define ABICHECK_IMAGES_ENGINE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct engine_response {
	long status;      /* HTTP status; 0 when no response arrived */
	char *body;       /* the buffered body, NUL-terminated, or NULL */
	size_t len;
	uint64_t spooled; /* bytes of a 2xx body written to the spool fd */
};

/* GETs `path` (from '/') on `socket`.  With spool_fd < 0 the body is
 * buffered, and one over `max` bytes is an AC_ERR_LIMIT error.  With a
 * spool fd a 2xx body is written there (over `max`: AC_ERR_LIMIT) and any
 * other body buffered, truncated to a few KiB (an error message).
 * A response of any status is success; transport failures (no socket,
 * refused, timed out, not HTTP, cut short) are AC_ERR_INPUT errors. */
int engine_http_get(const char *socket, const char *path, int spool_fd, uint64_t max,
		    struct engine_response *resp, struct ac_error *err);

void engine_response_free(struct engine_response *resp);

#endif
