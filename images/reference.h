/* images/reference.h — image references as users type them to docker:
 * "centos:6", "ghcr.io/org/app@sha256:…", "127.0.0.1:5000/fixture:tag".
 *
 * Owns the grammar and normalisation of distribution/reference (the
 * library docker and containers/image share): a first component with a
 * '.' or ':', or "localhost", is a registry host, else the host is
 * docker.io; docker.io names of one component live under library/; no tag
 * and no digest means :latest.  Also the registry API URLs a reference
 * maps to (docker.io is served from registry-1.docker.io) and which hosts
 * are loopback.  Pure string work: never touches the network.
 */
#ifndef ABICHECK_IMAGES_REFERENCE_H
#define ABICHECK_IMAGES_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/digest.h"
#include "common/error.h"

#define REFERENCE_NAME_MAX 255 /* distribution/reference's NameTotalLengthMax */
#define REFERENCE_TAG_MAX 128

struct image_reference {
	char domain[REFERENCE_NAME_MAX + 1]; /* "docker.io", "127.0.0.1:5000", "[::1]:5000" */
	char path[REFERENCE_NAME_MAX + 1];   /* "library/centos" */
	char tag[REFERENCE_TAG_MAX + 1];     /* "" when only a digest was given */
	struct digest digest;
	bool has_digest;
};

/* Parses and normalises; a malformed reference is an input error saying
 * which part is wrong. */
int reference_parse(const char *s, struct image_reference *out, struct ac_error *err);

/* "docker.io/library/centos" */
void reference_name(const struct image_reference *r, char *buf, size_t len);
/* "docker.io/library/centos:6", with "@sha256:…" when pinned. */
void reference_format(const struct image_reference *r, char *buf, size_t len);
/* The tag, else the digest string: what /manifests/ is asked for. */
void reference_selector(const struct image_reference *r, char *buf, size_t len);

/* host[:port] of the registry API: docker.io -> registry-1.docker.io. */
const char *reference_api_host(const struct image_reference *r);
/* "SCHEME://API_HOST/v2/PATH/KIND/OBJECT", e.g. KIND "manifests", OBJECT
 * "6"; 0, or -1 when it does not fit. */
int reference_url(const struct image_reference *r, bool tls, const char *kind,
		  const char *object, char *buf, size_t len);

/* Whether a host[:port] is loopback (localhost, 127.0.0.0/8, [::1]): such
 * registries may be plain HTTP, as docker allows. */
bool reference_host_is_loopback(const char *hostport);

#endif
