/* images/source.h — where a bare reference (`centos:6`, `app:1.2`) is read
 * from: the hook between image.c and the sources that serve references.
 *
 * Mirrors syft: a local engine that has the image (docker, then podman),
 * else a registry; --from registry|docker|podman forces one source.
 * Owns only the decision (and the plausibility of a reference); engine.c
 * reads engines, the registry transport reads registries.
 */
#ifndef ABICHECK_IMAGES_SOURCE_H
#define ABICHECK_IMAGES_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "images/limits.h"

/* --from: which source a bare reference is read from. */
enum image_from { IMAGE_FROM_AUTO, IMAGE_FROM_REGISTRY, IMAGE_FROM_DOCKER, IMAGE_FROM_PODMAN };

enum image_source { IMAGE_SOURCE_DOCKER, IMAGE_SOURCE_PODMAN, IMAGE_SOURCE_REGISTRY };

struct source_choice {
	enum image_source source;
	/* Why each local engine was passed over ("docker: …; podman: …"),
	 * for the message of a registry that cannot serve either. */
	char passed_over[768];
};

/* "registry", "docker", "podman" -> the enum; -1 for anything else. */
int image_from_parse(const char *s, enum image_from *out);

/* Whether `s` reads as an image reference in docker's grammar:
 * [DOMAIN[:PORT]/]PATH[:TAG][@ALG:HEX], lowercase path components.  Used
 * for names that are no file: "centos:6" is a reference, "Foo.TAR" not. */
bool image_ref_plausible(const char *s);

/* Decides where `name` is read from.  Forced (--from) sources are taken
 * as they are: their own errors say what is wrong.  In auto mode an
 * engine that is absent, unreachable or lacks the image is passed over
 * (noted in out->passed_over); only an interrupt is an error. */
int image_source_resolve(const char *name, enum image_from from, const struct image_limits *l,
			 struct source_choice *out, struct ac_error *err);

#endif
