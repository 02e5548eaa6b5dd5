/* images/http.c — see http.h.
 *
 * A transfer is driven by hand through libcurl's multi interface: the
 * write callback appends to a buffer, the reader drains it and, only when
 * it is empty, lets libcurl move the transfer on.  So the download runs
 * at the pace the layer reader consumes it, and at most one chunk of
 * libcurl's plus what one perform call reads is ever held in memory (the
 * callback pauses the transfer above BUF_HIGH).
 */
#include "images/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/tempdir.h"
#include "common/xalloc.h"
#include "images/blobstream.h"

#ifndef ABICHECK_VERSION
#define ABICHECK_VERSION "0.1.0-dev"
#endif

#define BUF_HIGH (4u << 20) /* pause the transfer with this much unread */
#define POLL_MS 200         /* how often a wait looks at signals */
#define BACKOFF_MS 500      /* first retry delay, doubled on each retry */

struct http_client {
	CURLM *multi;
	CURL *easy;
	struct http_options opt;
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *headers;
	bool attached, done, headers_done, has_location, paused;
	bool retryable, handshake_failed;
	CURLcode result;
	struct http_response resp;
	unsigned char *buf; /* received, unread body bytes: [pos, len) */
	size_t len, pos, cap;
};

/* ---- callbacks ---- */

static void copy_value(char *dst, size_t dstlen, const char *v, size_t n)
{
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	while (n && *v == ' ')
		v++, n--;
	snprintf(dst, dstlen, "%.*s", (int)n, v);
}

/* Whether the header line `h` (length n) is "name: …"; sets *value. */
static bool header_is(const char *h, size_t n, const char *name, const char **value)
{
	size_t k = strlen(name);

	if (n <= k || h[k] != ':' || strncasecmp(h, name, k))
		return false;
	*value = h + k + 1;
	return true;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3); -1 when
 * neither. */
static long retry_after_seconds(const char *v)
{
	time_t when;

	if (*v >= '0' && *v <= '9')
		return strtol(v, NULL, 10);
	when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	return when > time(NULL) ? (long)(when - time(NULL)) : 0;
}

static void header_line(struct http_client *c, const char *h, size_t n)
{
	struct http_response *r = &c->resp;
	const char *v;
	char num[32];

	if (n >= 5 && !memcmp(h, "HTTP/", 5)) { /* a new response (redirect, 100) */
		const char *sp = memchr(h, ' ', n);
		memset(r, 0, sizeof(*r));
		r->content_length = -1;
		r->retry_after = -1;
		r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		c->has_location = false;
	} else if (n <= 2 && (h[0] == '\r' || h[0] == '\n')) {
		/* End of a header block: final unless libcurl follows it. */
		bool redirect = r->status >= 300 && r->status < 400 && c->has_location;
		c->headers_done = r->status >= 200 && !redirect;
	} else if (header_is(h, n, "content-type", &v)) {
		copy_value(r->content_type, sizeof(r->content_type), v, (size_t)(h + n - v));
	} else if (header_is(h, n, "www-authenticate", &v) && !r->www_authenticate[0]) {
		copy_value(r->www_authenticate, sizeof(r->www_authenticate), v, (size_t)(h + n - v));
	} else if (header_is(h, n, "docker-content-digest", &v)) {
		copy_value(r->docker_digest, sizeof(r->docker_digest), v, (size_t)(h + n - v));
	} else if (header_is(h, n, "content-length", &v)) {
		copy_value(num, sizeof(num), v, (size_t)(h + n - v));
		r->content_length = strtoll(num, NULL, 10);
	} else if (header_is(h, n, "retry-after", &v)) {
		copy_value(num, sizeof(num), v, (size_t)(h + n - v));
		r->retry_after = retry_after_seconds(num);
	} else if (header_is(h, n, "location", &v)) {
		c->has_location = true;
	}
}

static size_t on_header(char *h, size_t size, size_t n, void *ctx)
{
	header_line(ctx, h, size * n);
	return size * n;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct http_client *c = ctx;
	size_t len = size * n;

	if (c->len - c->pos >= BUF_HIGH) {
		c->paused = true;
		return CURL_WRITEFUNC_PAUSE; /* libcurl keeps the chunk for later */
	}
	if (c->pos && c->pos == c->len)
		c->pos = c->len = 0;
	if (c->len + len > c->cap) {
		c->cap = c->len + len > 2 * c->cap ? c->len + len : 2 * c->cap;
		c->buf = xrealloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return len;
}

/* ---- the client ---- */

struct http_client *http_client_new(const struct http_options *o, struct ac_error *err)
{
	struct http_client *c;
	const char *ca = o->ca_file ? o->ca_file : getenv("SSL_CERT_FILE");

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		ac_error_set(err, AC_ERR_SYSTEM, 0, "libcurl initialisation failed");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->opt = *o;
	c->multi = curl_multi_init();
	c->easy = curl_easy_init();
	if (!c->multi || !c->easy) {
		http_client_free(c);
		ac_error_set(err, AC_ERR_SYSTEM, 0, "libcurl initialisation failed");
		return NULL;
	}
	curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c->easy, CURLOPT_MAXREDIRS, 10L);
	/* The default, said out loud: Authorization never follows a redirect
	 * to another host (blobs are often redirected to storage). */
	curl_easy_setopt(c->easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT, (long)o->timeout);
	/* A stall: less than 1 byte/s for `timeout` seconds, headers included. */
	curl_easy_setopt(c->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->easy, CURLOPT_LOW_SPEED_TIME, (long)o->timeout);
	curl_easy_setopt(c->easy, CURLOPT_USERAGENT, "abicheck/" ABICHECK_VERSION);
	curl_easy_setopt(c->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->easy, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->errbuf);
	if (ca && *ca)
		curl_easy_setopt(c->easy, CURLOPT_CAINFO, ca);
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	http_end(c);
	if (c->easy)
		curl_easy_cleanup(c->easy);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->buf);
	free(c);
	curl_global_cleanup();
}

void http_end(struct http_client *c)
{
	if (c->attached)
		curl_multi_remove_handle(c->multi, c->easy);
	c->attached = c->done = c->headers_done = c->paused = false;
	curl_slist_free_all(c->headers);
	c->headers = NULL;
	c->len = c->pos = 0;
}

bool http_failed_handshake(const struct http_client *c)
{
	return c->handshake_failed;
}

bool http_failed_transiently(const struct http_client *c)
{
	return c->retryable;
}

/* ---- driving a transfer ---- */

/* Moves the transfer on without blocking; notes when it has ended. */
static int step(struct http_client *c, struct ac_error *err)
{
	int running, left;
	CURLMsg *m;
	CURLMcode mc;

	if (ac_interrupted())
		return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
	mc = curl_multi_perform(c->multi, &running);
	if (mc != CURLM_OK)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "libcurl: %s", curl_multi_strerror(mc));
	while ((m = curl_multi_info_read(c->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			c->done = true;
			c->result = m->data.result;
		}
	return 0;
}

/* Waits for the sockets (or libcurl's timers), at most POLL_MS. */
static void wait_io(struct http_client *c)
{
	int n;

	curl_multi_poll(c->multi, NULL, 0, POLL_MS, &n);
}

/* A failed transfer as one message, and whether trying again may help. */
static int transfer_error(struct http_client *c, struct ac_error *err)
{
	CURLcode r = c->result;
	const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(r);

	c->retryable = r == CURLE_OPERATION_TIMEDOUT || r == CURLE_COULDNT_CONNECT ||
		       r == CURLE_GOT_NOTHING || r == CURLE_RECV_ERROR || r == CURLE_SEND_ERROR ||
		       r == CURLE_PARTIAL_FILE;
	c->handshake_failed = r == CURLE_SSL_CONNECT_ERROR || r == CURLE_COULDNT_CONNECT;
	switch (r) {
	case CURLE_OPERATION_TIMEDOUT:
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "timed out: nothing received for %u s (raise with "
				    "--registry-timeout)", c->opt.timeout);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "TLS certificate not trusted (%s; give its CA with --tls-ca)",
				    detail);
	case CURLE_SSL_CONNECT_ERROR:
		return ac_error_set(err, AC_ERR_INPUT, 0, "TLS handshake failed (%s)", detail);
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
		return ac_error_set(err, AC_ERR_INPUT, 0, "connection closed early (%s)", detail);
	default:
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s", detail);
	}
}

static void set_request(struct http_client *c, const struct http_get *g)
{
	bool tls = !strncmp(g->url, "https:", 6);

	for (const char *const *h = g->headers; h && *h; h++)
		c->headers = curl_slist_append(c->headers, *h);
	curl_easy_setopt(c->easy, CURLOPT_URL, g->url);
	curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYPEER, g->insecure ? 0L : 1L);
	curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYHOST, g->insecure ? 0L : 2L);
	/* An https registry may redirect blobs to storage, never down to http. */
	curl_easy_setopt(c->easy, CURLOPT_REDIR_PROTOCOLS_STR, tls ? "https" : "http,https");
}

/* One attempt: runs until the final headers are in or the transfer ends. */
static int attempt(struct http_client *c, const struct http_get *g, struct ac_error *err)
{
	http_end(c);
	c->errbuf[0] = '\0';
	c->retryable = c->handshake_failed = false;
	memset(&c->resp, 0, sizeof(c->resp));
	set_request(c, g);
	if (curl_multi_add_handle(c->multi, c->easy) != CURLM_OK)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "libcurl: cannot start a transfer");
	c->attached = true;
	while (!c->done && !c->headers_done) {
		if (step(c, err) < 0)
			return -1;
		if (!c->done && !c->headers_done)
			wait_io(c);
	}
	if (c->done && c->result != CURLE_OK)
		return transfer_error(c, err);
	return 0;
}

bool http_status_retryable(long s)
{
	return s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505);
}

/* Sleeps, waking for signals. */
static int sleep_ms(long ms, struct ac_error *err)
{
	while (ms > 0) {
		struct timespec ts = { 0, (ms < 100 ? ms : 100) * 1000000L };
		if (ac_interrupted())
			return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
		nanosleep(&ts, NULL);
		ms -= 100;
	}
	return 0;
}

int http_start(struct http_client *c, const struct http_get *g, struct http_response *resp,
	       struct ac_error *err)
{
	unsigned retries = g->probe ? 0 : c->opt.retries;

	for (unsigned n = 0;; n++) {
		int rc = attempt(c, g, err);
		long delay = (long)BACKOFF_MS << (n < 16 ? n : 16);

		if (rc < 0 && (!c->retryable || n >= retries))
			return -1;
		if (rc == 0 && (!http_status_retryable(c->resp.status) || n >= retries ||
				c->resp.retry_after > HTTP_RETRY_AFTER_MAX)) {
			*resp = c->resp;
			resp->attempts = n + 1;
			return 0;
		}
		if (rc == 0 && c->resp.retry_after >= 0)
			delay = c->resp.retry_after * 1000L;
		http_end(c);
		if (sleep_ms(delay, err) < 0)
			return -1;
	}
}

ssize_t http_read(struct http_client *c, void *buf, size_t len, struct ac_error *err)
{
	size_t n;

	while (c->pos == c->len && !c->done) {
		if (c->paused) {
			c->paused = false;
			curl_easy_pause(c->easy, CURLPAUSE_CONT);
		}
		if (step(c, err) < 0)
			return -1;
		if (c->pos == c->len && !c->done)
			wait_io(c);
	}
	if (c->pos == c->len)
		return c->result == CURLE_OK ? 0 : transfer_error(c, err);
	n = c->len - c->pos < len ? c->len - c->pos : len;
	memcpy(buf, c->buf + c->pos, n);
	c->pos += n;
	return (ssize_t)n;
}

int http_read_all(struct http_client *c, uint64_t max, char **out, size_t *len,
		  struct ac_error *err)
{
	size_t got = 0, cap = 4096;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		ssize_t n;
		if (got == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = http_read(c, buf + got, cap - got, err);
		if (n < 0 || (n > 0 && got + (size_t)n > max)) {
			free(buf);
			return n < 0 ? -1 : blob_json_cap(got + (uint64_t)n, max, err);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}
