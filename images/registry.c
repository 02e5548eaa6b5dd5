/* images/registry.c — see registry.h. */
#include "images/registry.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "images/auth.h"

/* Every manifest type we read; schema 1 is deliberately absent, so a
 * registry that can convert serves schema 2, and one that cannot gets a
 * clear refusal from oci.c. */
static const char accept_manifests[] =
	"Accept: application/vnd.oci.image.manifest.v1+json, "
	"application/vnd.oci.image.index.v1+json, "
	"application/vnd.docker.distribution.manifest.v2+json, "
	"application/vnd.docker.distribution.manifest.list.v2+json";

#define ERROR_BODY_MAX (64u << 10)

struct registry {
	struct image_reference ref;
	struct registry_options opt;
	struct http_client *http;
	const char *host; /* the API's host[:port], for URLs and messages */
	bool insecure;    /* listed with --insecure-registry */
	bool plain_ok;    /* loopback or listed: plain HTTP allowed */
	int tls;          /* -1 not yet known, 0 plain HTTP, 1 https */
	char *authz;      /* "Authorization: …" for the requests, or NULL */
	struct registry_credentials creds;
	bool creds_loaded;
};

void registry_options_default(struct registry_options *o)
{
	memset(o, 0, sizeof(*o));
	o->http.timeout = HTTP_DEFAULT_TIMEOUT;
	o->http.retries = HTTP_DEFAULT_RETRIES;
}

static bool listed_insecure(const struct registry_options *o, const char *hostport)
{
	for (size_t i = 0; i < o->ninsecure; i++)
		if (!strcmp(o->insecure[i], hostport))
			return true;
	return false;
}

int registry_open(const struct image_reference *ref, const struct registry_options *o,
		  struct registry **out, struct ac_error *err)
{
	struct registry *r = xcalloc(1, sizeof(*r));

	r->ref = *ref;
	r->opt = *o;
	r->host = reference_api_host(&r->ref);
	r->insecure = listed_insecure(o, r->ref.domain) || listed_insecure(o, r->host);
	r->plain_ok = r->insecure || reference_host_is_loopback(r->host);
	r->tls = r->plain_ok ? -1 : 1;
	r->http = http_client_new(&o->http, err);
	if (!r->http) {
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void registry_close(struct registry *r)
{
	if (!r)
		return;
	http_client_free(r->http);
	auth_wipe_free(r->authz);
	auth_credentials_free(&r->creds);
	free(r);
}

/* ---- requests ---- */

static int get_url(struct registry *r, bool tls, const char *kind, const char *object,
		   const char *accept, bool probe, struct http_response *resp,
		   struct ac_error *err)
{
	char url[4096];
	const char *headers[3] = { NULL, NULL, NULL };
	size_t n = 0;
	struct http_get g = { .url = url, .headers = headers, .insecure = r->insecure && tls,
			      .probe = probe };

	if (accept)
		headers[n++] = accept;
	if (r->authz)
		headers[n++] = r->authz;
	if (reference_url(&r->ref, tls, kind, object, url, sizeof(url)) < 0)
		return ac_error_set(err, AC_ERR_INPUT, 0, "URL too long");
	return http_start(r->http, &g, resp, err);
}

/* One GET.  Where plain HTTP is allowed, https is tried first, as docker
 * does: plain HTTP only when the server does not speak TLS at all.  The
 * probe is one attempt; what may pass is tried again over https with the
 * usual retries. */
static int send_get(struct registry *r, const char *kind, const char *object,
		    const char *accept, struct http_response *resp, struct ac_error *err)
{
	if (r->tls < 0) {
		if (get_url(r, true, kind, object, accept, true, resp, err) == 0) {
			r->tls = 1;
			if (!http_status_retryable(resp->status))
				return 0;
			http_end(r->http);
		} else if (http_failed_handshake(r->http)) {
			r->tls = 0;
		} else if (http_failed_transiently(r->http)) {
			r->tls = 1;
		} else {
			return -1;
		}
	}
	return get_url(r, r->tls == 1, kind, object, accept, false, resp, err);
}

static int unauthorized(struct registry *r, long status, struct ac_error *err)
{
	if (r->creds.user)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "unauthorized (%ld): the credentials from %s were refused",
				    status, r->creds.source);
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "unauthorized (%ld): no credentials for %s in the auth files "
			    "(docker login or podman login writes them)",
			    status, r->ref.domain);
}

/* A bearer token's realm is trusted with credentials over https only, or
 * over plain HTTP where the registry itself may be plain. */
static int check_realm(struct registry *r, const char *realm, bool *insecure,
		       struct ac_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, hostport[300];
	int rc = 0;

	if (!u || curl_url_set(u, CURLUPART_URL, realm, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = ac_error_set(err, AC_ERR_INPUT, 0, "malformed token realm in the challenge");
	} else {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		snprintf(hostport, sizeof(hostport), "%s%s%s", host, port ? ":" : "",
			 port ? port : "");
		*insecure = listed_insecure(&r->opt, hostport);
		if (strcmp(scheme, "https") &&
		    !(!strcmp(scheme, "http") &&
		      (*insecure || reference_host_is_loopback(hostport))))
			rc = ac_error_set(err, AC_ERR_INPUT, 0,
					  "token realm %s is not https (list its host with "
					  "--insecure-registry to allow it)", hostport);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static int bearer(struct registry *r, const struct auth_challenge *ch, struct ac_error *err)
{
	char scope[REFERENCE_NAME_MAX + 32], *header;
	bool insecure = false;
	long status;

	if (check_realm(r, ch->realm, &insecure, err) < 0)
		return -1;
	snprintf(scope, sizeof(scope), "repository:%s:pull", r->ref.path);
	if (auth_fetch_token(r->http, ch, scope, r->creds.user ? &r->creds : NULL, insecure,
			     &header, &status, err) < 0)
		return status == 401 || status == 403 ? unauthorized(r, status, err) : -1;
	auth_wipe_free(r->authz);
	r->authz = header;
	return 0;
}

/* Answers a 401: a token for a Bearer challenge, credentials for Basic. */
static int authenticate(struct registry *r, const struct http_response *resp,
			struct ac_error *err)
{
	struct auth_challenge ch;

	if (!r->creds_loaded &&
	    auth_find_credentials(r->ref.domain, r->ref.path, &r->creds, err) < 0)
		return -1;
	r->creds_loaded = true;
	auth_parse_challenge(resp->www_authenticate, &ch);
	if (ch.scheme == AUTH_BEARER)
		return bearer(r, &ch, err);
	if (ch.scheme == AUTH_BASIC && r->creds.user && !r->authz) {
		r->authz = auth_basic_header(&r->creds);
		return 0;
	}
	return unauthorized(r, resp->status, err);
}

/* A GET that answers a 401 once (a first request, or an expired token). */
static int reg_get(struct registry *r, const char *kind, const char *object,
		   const char *accept, struct http_response *resp, struct ac_error *err)
{
	if (send_get(r, kind, object, accept, resp, err) < 0)
		return -1;
	if (resp->status != 401)
		return 0;
	http_end(r->http);
	if (authenticate(r, resp, err) < 0)
		return -1;
	return send_get(r, kind, object, accept, resp, err);
}

/* The registry's error code ({"errors": [{"code": "MANIFEST_UNKNOWN"}]}),
 * only when it is a plain upper-case word: a body is never echoed. */
static void error_code(struct registry *r, char *code, size_t len)
{
	struct ac_error ignored;
	char *body;
	size_t n;
	json_t *doc;
	const char *c;

	code[0] = '\0';
	if (http_read_all(r->http, ERROR_BODY_MAX, &body, &n, &ignored) < 0)
		return;
	doc = json_loadb(body, n, 0, NULL);
	c = json_string_value(json_object_get(json_array_get(json_object_get(doc, "errors"), 0),
					      "code"));
	if (c && strlen(c) < len && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(c))
		snprintf(code, len, "%s", c);
	json_decref(doc);
	free(body);
}

static int status_error(struct registry *r, const struct http_response *resp,
			struct ac_error *err)
{
	long s = resp->status;
	const char *what = s == 403 ? "denied" : s == 404 ? "not found" :
			   s == 429 ? "too many requests" : s >= 500 ? "server error" : "HTTP error";
	char code[64], tries[48] = "";

	if (s == 401) {
		http_end(r->http);
		return unauthorized(r, s, err);
	}
	error_code(r, code, sizeof(code));
	http_end(r->http);
	if (resp->attempts > 1)
		snprintf(tries, sizeof(tries), " after %u attempts", resp->attempts);
	return ac_error_set(err, AC_ERR_INPUT, 0, "%s (%ld%s%s)%s", what, s, code[0] ? ", " : "",
			    code, tries);
}

/* ---- documents ---- */

/* What a manifest says it is: Content-Type without parameters, when it
 * is one of the types asked for (else the document's own field decides). */
static void media_type(const struct http_response *resp, char *mt, size_t len)
{
	size_t n = strcspn(resp->content_type, "; ");

	snprintf(mt, len, "%.*s", (int)n, resp->content_type);
	if (strncmp(mt, "application/vnd.", 16))
		mt[0] = '\0';
}

static int check_size(int64_t want, uint64_t got, struct ac_error *err)
{
	if (want < 0 || (uint64_t)want == got)
		return 0;
	return ac_error_set(err, AC_ERR_INPUT, 0,
			    "%llu bytes, its descriptor says %lld", (unsigned long long)got,
			    (long long)want);
}

/* The digest a document answers to: `want` when it was named by one,
 * else its own hash, which the registry's Docker-Content-Digest (when
 * sent) must agree with. */
static int verify_doc(const struct http_response *resp, const char *buf, size_t len,
		      const struct digest *want, struct digest *got, struct ac_error *err)
{
	struct digest header;
	struct ac_error ignored;

	if (want) {
		*got = *want;
		return blob_check_digest(buf, len, want, err);
	}
	digest_buffer(DIGEST_SHA256, buf, len, got);
	if (resp->docker_digest[0] && digest_parse(resp->docker_digest, &header, &ignored) == 0 &&
	    header.alg == DIGEST_SHA256 && !digest_equal(&header, got))
		return blob_check_digest(buf, len, &header, err);
	return 0;
}

/* GET of a manifest or small blob: status, size, cap, digest. */
static int fetch_doc(struct registry *r, const char *kind, const char *object,
		     const char *accept, const struct digest *want, int64_t size, uint64_t max,
		     char **out, size_t *len, char *mt, size_t mtlen, struct digest *got,
		     struct ac_error *err)
{
	struct http_response resp;
	int rc;

	if (reg_get(r, kind, object, accept, &resp, err) < 0)
		return -1;
	if (resp.status != 200)
		return status_error(r, &resp, err);
	media_type(&resp, mt, mtlen);
	rc = resp.content_length >= 0 &&
			     (blob_json_cap((uint64_t)resp.content_length, max, err) < 0 ||
			      check_size(size, (uint64_t)resp.content_length, err) < 0)
		     ? -1
		     : 0;
	if (rc == 0)
		rc = http_read_all(r->http, max, out, len, err);
	http_end(r->http);
	if (rc < 0)
		return -1;
	if (check_size(size, *len, err) < 0 || verify_doc(&resp, *out, *len, want, got, err) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* plan_source: manifests from /manifests/, configs from /blobs/. */
static int read_doc(void *ctx, bool is_manifest, const struct digest *d, int64_t size,
		    uint64_t max, char **out, size_t *len, struct ac_error *err)
{
	struct registry *r = ctx;
	char ds[DIGEST_STR_MAX], shortd[DIGEST_STR_MAX], mt[128];
	struct digest got;

	digest_format(d, ds, sizeof(ds));
	digest_short(d, shortd, sizeof(shortd));
	if (fetch_doc(r, is_manifest ? "manifests" : "blobs", ds,
		      is_manifest ? accept_manifests : NULL, d, size, max, out, len, mt,
		      sizeof(mt), &got, err) < 0)
		return ac_error_wrap(err, "%s…", shortd);
	return 0;
}

int registry_plan(struct registry *r, const struct plan_request *req, struct image_plan *out,
		  struct ac_error *err)
{
	struct plan_source src = { read_doc, r };
	char sel[DIGEST_STR_MAX + REFERENCE_TAG_MAX], mt[128];
	struct digest d;
	char *buf = NULL;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	reference_selector(&r->ref, sel, sizeof(sel));
	if (fetch_doc(r, "manifests", sel, accept_manifests,
		      r->ref.has_digest ? &r->ref.digest : NULL, -1,
		      req->limits->max_json_bytes, &buf, &len, mt, sizeof(mt), &d, err) < 0)
		return ac_error_wrap(err, "%s: manifest '%s'", r->host, sel);
	rc = oci_plan_document(&src, buf, len, mt[0] ? mt : NULL, &d, req, out, err);
	free(buf);
	if (rc < 0)
		return ac_error_wrap(err, "%s", r->host);
	out->layout = "registry";
	if (r->ref.tag[0])
		out->ref_name = xstrdup(r->ref.tag);
	return 0;
}

/* ---- layer blobs ---- */

static ssize_t blob_read(void *ctx, void *buf, size_t len, struct ac_error *err)
{
	struct registry *r = ctx;
	ssize_t n = http_read(r->http, buf, len, err);

	if (n < 0)
		ac_error_wrap(err, "%s", r->host);
	return n;
}

int registry_blob_reader(struct registry *r, const struct layer_desc *ld,
			 struct blob_reader *out, struct ac_error *err)
{
	char ds[DIGEST_STR_MAX];
	struct http_response resp;

	if (!ld->has_digest || ld->size < 0)
		return ac_error_set(err, AC_ERR_INPUT, 0, "layer descriptor without a size");
	digest_format(&ld->digest, ds, sizeof(ds));
	if (reg_get(r, "blobs", ds, NULL, &resp, err) < 0)
		return ac_error_wrap(err, "%s", r->host);
	if (resp.status != 200)
		return status_error(r, &resp, err) < 0 ? ac_error_wrap(err, "%s", r->host) : -1;
	if (resp.content_length >= 0 && check_size(ld->size, (uint64_t)resp.content_length, err) < 0) {
		http_end(r->http);
		return ac_error_wrap(err, "%s: blob", r->host);
	}
	out->read = blob_read;
	out->ctx = r;
	out->size = (uint64_t)ld->size;
	return 0;
}
