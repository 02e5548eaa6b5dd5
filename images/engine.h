/* images/engine.h — images held by a local container engine: docker's
 * daemon, or podman's API service, which speaks the same Docker Engine
 * API on its own socket (docs/DESIGN.md, "Local engines").
 *
 * Owns finding an engine's socket, asking whether it has an image
 * (GET /images/{name}/json) and exporting one (GET /images/{name}/get, a
 * `docker save` archive) into the run's private temp dir, capped at
 * --max-bytes.  The archive is spooled, not streamed, because docker save
 * writes manifest.json last and its layers must be read in manifest
 * order: it needs random access.  The spooled file is then an ordinary
 * docker-archive (docker_archive.c).
 * Never starts an engine and never changes what an engine stores: only
 * GET requests, only on a unix socket.
 */
#ifndef ABICHECK_IMAGES_ENGINE_H
#define ABICHECK_IMAGES_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/tempdir.h"
#include "images/limits.h"

enum engine_kind { ENGINE_DOCKER, ENGINE_PODMAN };

struct engine {
	enum engine_kind kind;
	char socket[4096];
	const char *socket_source; /* "DOCKER_HOST", "CONTAINER_HOST" or "default" */
};

const char *engine_kind_name(enum engine_kind kind);

/* Where the engine listens: docker: $DOCKER_HOST (unix://PATH), else
 * /var/run/docker.sock.  podman: $CONTAINER_HOST (unix://PATH), else
 * $XDG_RUNTIME_DIR/podman/podman.sock for a user, /run/podman/podman.sock
 * for root.  Other schemes (tcp://, ssh://) are a usage error. */
int engine_locate(enum engine_kind kind, struct engine *e, struct ac_error *err);

/* Whether `name` is something we may put in a request path: the
 * reference characters, no "..", no empty component. */
bool engine_name_valid(const char *name);

/* 1 = the engine has the image, 0 = it answered 404, -1 = error (no
 * socket, not answering, not an engine).  `size` gets the image's size
 * in bytes as the engine reports it, or 0. */
int engine_has_image(const struct engine *e, const char *name, const struct image_limits *l,
		     uint64_t *size, struct ac_error *err);

/* Exports `name` into a new file of `td`; its path goes to path_out.  An
 * image the engine does not have, or an archive over l->max_bytes, is an
 * error. */
int engine_export_image(const struct engine *e, const char *name, struct ac_tempdir *td,
			const struct image_limits *l, char *path_out, size_t len,
			struct ac_error *err);

#endif
