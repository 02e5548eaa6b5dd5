/* images/registry.h — images pulled from a registry: the OCI distribution
 * spec (Docker Registry HTTP API v2).
 *
 * Owns one session with one repository: the scheme (https, verified; plain
 * HTTP only for loopback hosts, as docker allows, and for hosts given with
 * --insecure-registry, which also skip TLS verification), authentication
 * (anonymous, then on a 401 the challenge's bearer token or basic
 * credentials, auth.h), the Accept header for the four manifest media
 * types (OCI manifest and index, Docker schema 2 manifest and list; schema
 * 1 refused), manifests and configs capped by --max-json-bytes and
 * verified against the digest that names them (the reference's, the
 * index's, or the registry's Docker-Content-Digest), and layer blobs
 * handed to the layer reader as they download (blobstream.h verifies
 * them).  From the first manifest on, the walk to a plan is oci.c's.
 * Ownership: the session owns its HTTP client and credentials; a blob
 * reader is valid until the session's next request.
 */
#ifndef ABICHECK_IMAGES_REGISTRY_H
#define ABICHECK_IMAGES_REGISTRY_H

#include <stddef.h>

#include "common/error.h"
#include "images/blobstream.h"
#include "images/http.h"
#include "images/plan.h"
#include "images/reference.h"

#define REGISTRY_INSECURE_MAX 16

struct registry_options {
	struct http_options http;
	const char *insecure[REGISTRY_INSECURE_MAX]; /* --insecure-registry HOST[:PORT] */
	size_t ninsecure;
};

void registry_options_default(struct registry_options *o);

struct registry;

int registry_open(const struct image_reference *ref, const struct registry_options *o,
		  struct registry **out, struct ac_error *err);
void registry_close(struct registry *r);

/* The manifest the reference names, down to the plan (platform choice in
 * an index as for oci: layouts). */
int registry_plan(struct registry *r, const struct plan_request *req, struct image_plan *out,
		  struct ac_error *err);

/* Starts downloading a layer blob; *out reads it (its size is the
 * descriptor's, which the response must agree with). */
int registry_blob_reader(struct registry *r, const struct layer_desc *ld,
			 struct blob_reader *out, struct ac_error *err);

#endif
