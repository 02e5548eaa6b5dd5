/* images/engine_http.c — see engine_http.h. */
#include "images/engine_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tempdir.h"
#include "common/xalloc.h"

/* An engine answers a lookup at once; an export may think before its
 * first byte (docker save builds the tar as it goes), so only a transfer
 * that stays below 1 byte/s for this long is abandoned. */
#define CONNECT_TIMEOUT_S 10L
#define LOOKUP_TIMEOUT_S 60L
#define STALL_TIMEOUT_S 120L
/* Enough of an error body to quote the engine's message. */
#define ERROR_BODY_MAX 4096

struct body_sink {
	CURL *curl;
	int spool_fd;
	uint64_t max;
	uint64_t spooled;
	char *buf;
	size_t len, cap;
	bool over_max;
	int write_errno;
};

static bool status_ok(CURL *curl)
{
	long status = 0;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	return status >= 200 && status < 300;
}

static bool write_all(int fd, const char *p, size_t n, int *err_out)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR && !ac_interrupted())
				continue;
			*err_out = errno;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Keeps up to `limit` bytes; the rest is dropped when `truncate`, else
 * the transfer stops (over the cap). */
static bool buffer_append(struct body_sink *s, const char *p, size_t n, uint64_t limit,
			  bool truncate)
{
	if (s->len + n > limit) {
		if (!truncate) {
			s->over_max = true;
			return false;
		}
		n = s->len < limit ? (size_t)(limit - s->len) : 0;
	}
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return true;
}

/* Returning less than n makes libcurl stop with CURLE_WRITE_ERROR; the
 * sink says why. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *user)
{
	struct body_sink *s = user;
	size_t n = size * nmemb;

	if (s->spool_fd < 0)
		return buffer_append(s, p, n, s->max, false) ? n : 0;
	if (!status_ok(s->curl))
		return buffer_append(s, p, n, ERROR_BODY_MAX, true) ? n : 0;
	if (s->spooled + n > s->max) {
		s->over_max = true;
		return 0;
	}
	if (!write_all(s->spool_fd, p, n, &s->write_errno))
		return 0;
	s->spooled += n;
	return n;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)user, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return ac_interrupted() ? 1 : 0;
}

static void setup(CURL *curl, const char *socket, const char *url, bool spooling,
		  struct body_sink *sink, char *errbuf)
{
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(curl, CURLOPT_PROXY, ""); /* the socket is the peer */
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	if (spooling) {
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, STALL_TIMEOUT_S);
	} else {
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, LOOKUP_TIMEOUT_S);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "abicheck");
}

/* libcurl's code, told the way a user can act on it. */
static int transfer_error(CURL *curl, CURLcode rc, const struct body_sink *s, const char *socket,
			  const char *errbuf, struct ac_error *err)
{
	long os_errno = 0;

	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
	if (s->over_max)
		return ac_error_set(err, AC_ERR_LIMIT, 0, "response larger than %llu bytes",
				    (unsigned long long)s->max);
	if (s->write_errno)
		return ac_error_set(err, AC_ERR_SYSTEM, s->write_errno, "writing the spool file");
	if (rc == CURLE_COULDNT_CONNECT) {
		curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
		return ac_error_set(err, AC_ERR_INPUT, (int)os_errno, "cannot connect to %s",
				    socket);
	}
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s: timed out (%s)", socket,
				    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return ac_error_set(err, AC_ERR_INPUT, 0, "%s: broken response: %s", socket,
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

static void global_init_once(void)
{
	static bool done;

	/* Reference counted by libcurl, so another module's call is harmless;
	 * never cleaned up: the process ends soon after. */
	if (!done)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	done = true;
}

int engine_http_get(const char *socket, const char *path, int spool_fd, uint64_t max,
		    struct engine_response *resp, struct ac_error *err)
{
	char url[4200], errbuf[CURL_ERROR_SIZE] = "";
	struct body_sink sink = { .spool_fd = spool_fd, .max = max };
	CURLcode rc;
	CURL *curl;

	memset(resp, 0, sizeof(*resp));
	/* The host part is ignored on a unix socket; docker's own client
	 * says "docker". */
	if (snprintf(url, sizeof(url), "http://docker%s", path) >= (int)sizeof(url))
		return ac_error_set(err, AC_ERR_USAGE, 0, "request path too long");
	global_init_once();
	curl = curl_easy_init();
	if (!curl)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "libcurl initialisation failed");
	sink.curl = curl;
	setup(curl, socket, url, spool_fd >= 0, &sink, errbuf);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		transfer_error(curl, rc, &sink, socket, errbuf, err);
		curl_easy_cleanup(curl);
		free(sink.buf);
		return -1;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_cleanup(curl);
	resp->body = sink.buf;
	resp->len = sink.len;
	resp->spooled = sink.spooled;
	return 0;
}

void engine_response_free(struct engine_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}
