/* images/engine.c — see engine.h. */
#include "images/engine.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images/engine_http.h"

/* Longer than any name docker accepts (255-byte repository, 128-byte tag,
 * a digest), short enough for a request line. */
#define ENGINE_NAME_MAX 1024

const char *engine_kind_name(enum engine_kind kind)
{
	return kind == ENGINE_DOCKER ? "docker" : "podman";
}

/* What each engine calls its own socket, for messages that tell the user
 * what to do. */
static const char *engine_label(enum engine_kind kind)
{
	return kind == ENGINE_DOCKER ? "docker engine" : "podman API service";
}

static const char *env_var(enum engine_kind kind)
{
	/* CONTAINER_HOST is podman --remote's own variable. */
	return kind == ENGINE_DOCKER ? "DOCKER_HOST" : "CONTAINER_HOST";
}

/* 1 = the variable named the socket, 0 = unset, -1 = unusable. */
static int socket_from_env(struct engine *e, struct ac_error *err)
{
	const char *var = env_var(e->kind), *v = getenv(var);

	if (!v || !*v)
		return 0;
	/* tcp:// wants TLS client certificates and ssh:// a remote shell:
	 * neither is a local engine, and half-doing them would leak trust. */
	if (strncmp(v, "unix://", 7) || v[7] != '/')
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "%s=%s: only unix:///PATH sockets are supported (for a remote "
				    "engine, save the image and use docker-archive:FILE)",
				    var, v);
	if (snprintf(e->socket, sizeof(e->socket), "%s", v + 7) >= (int)sizeof(e->socket))
		return ac_error_set(err, AC_ERR_USAGE, 0, "%s: path too long", var);
	e->socket_source = var;
	return 1;
}

static void default_socket(struct engine *e)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	e->socket_source = "default";
	if (e->kind == ENGINE_DOCKER)
		snprintf(e->socket, sizeof(e->socket), "/var/run/docker.sock");
	else if (geteuid() == 0)
		snprintf(e->socket, sizeof(e->socket), "/run/podman/podman.sock");
	else if (runtime && runtime[0] == '/')
		snprintf(e->socket, sizeof(e->socket), "%s/podman/podman.sock", runtime);
	else
		snprintf(e->socket, sizeof(e->socket), "/run/user/%u/podman/podman.sock",
			 (unsigned)geteuid());
}

int engine_locate(enum engine_kind kind, struct engine *e, struct ac_error *err)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	rc = socket_from_env(e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		default_socket(e);
	return 0;
}

bool engine_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > ENGINE_NAME_MAX || name[0] == '/' || name[n - 1] == '/' ||
	    strstr(name, "..") || strstr(name, "//"))
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-:/@", *c))
			return false;
	return true;
}

/* A missing socket is the common case (engine not installed or stopped),
 * worth a message of its own. */
static int check_socket(const struct engine *e, struct ac_error *err)
{
	struct stat st;

	if (stat(e->socket, &st) < 0) {
		if (e->kind == ENGINE_DOCKER)
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "no docker engine socket at %s (%s=unix://PATH names "
					    "another)", e->socket, env_var(e->kind));
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "no podman API socket at %s (start one with `systemctl%s "
				    "start podman.socket` or `podman system service`; "
				    "%s=unix://PATH names another)", e->socket,
				    geteuid() ? " --user" : "", env_var(e->kind));
	}
	if (!S_ISSOCK(st.st_mode))
		return ac_error_set(err, AC_ERR_INPUT, 0, "%s (from %s) is not a socket",
				    e->socket, e->socket_source);
	return 0;
}

/* The engine's own words, on one line: error bodies are
 * {"message": "..."} in both engines. */
static int status_error(const struct engine *e, const struct engine_response *resp,
			struct ac_error *err)
{
	char msg[300] = "";
	json_t *doc = resp->body ? json_loadb(resp->body, resp->len, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(doc, "message"));

	if (m) {
		snprintf(msg, sizeof(msg), ": %s", m);
		for (char *c = msg; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
	}
	json_decref(doc);
	return ac_error_set(err, AC_ERR_INPUT, 0, "the %s at %s answered HTTP %ld%s",
			    engine_label(e->kind), e->socket, resp->status, msg);
}

static int no_such_image(const struct engine *e, struct ac_error *err)
{
	return ac_error_set(err, AC_ERR_INPUT, 0, "no such image in the %s at %s",
			    engine_label(e->kind), e->socket);
}

/* An image's inspect document; anything else means the socket is not an
 * engine (or a broken one). */
static int parse_inspect(const struct engine *e, const struct engine_response *resp,
			 uint64_t *size, struct ac_error *err)
{
	json_t *doc = json_loadb(resp->body ? resp->body : "", resp->len, 0, NULL);
	json_t *sz = json_object_get(doc, "Size");
	bool ok = json_is_string(json_object_get(doc, "Id"));

	*size = json_is_integer(sz) && json_integer_value(sz) > 0 ? (uint64_t)json_integer_value(sz)
								    : 0;
	json_decref(doc);
	if (!ok)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "%s does not answer like a container engine (no image Id in "
				    "its reply)", e->socket);
	return 0;
}

int engine_has_image(const struct engine *e, const char *name, const struct image_limits *l,
		     uint64_t *size, struct ac_error *err)
{
	struct engine_response resp;
	char path[ENGINE_NAME_MAX + 32];
	int rc;

	*size = 0;
	if (!engine_name_valid(name))
		return ac_error_set(err, AC_ERR_USAGE, 0, "'%s' is not an image name", name);
	if (check_socket(e, err) < 0)
		return -1;
	/* Unversioned paths get the engine's current API version: docker 29
	 * refuses versions below 1.44, podman serves both. */
	snprintf(path, sizeof(path), "/images/%s/json", name);
	if (engine_http_get(e->socket, path, -1, l->max_json_bytes, &resp, err) < 0)
		return -1;
	if (resp.status == 404)
		rc = 0;
	else if (resp.status != 200)
		rc = status_error(e, &resp, err);
	else
		rc = parse_inspect(e, &resp, size, err) < 0 ? -1 : 1;
	engine_response_free(&resp);
	return rc;
}


/* Streams the export into `fd`; the response's status decides. */
static int spool_export(const struct engine *e, const char *name, int fd,
			const struct image_limits *l, struct ac_error *err)
{
	struct engine_response resp;
	char path[ENGINE_NAME_MAX + 32];
	int rc = 0;

	snprintf(path, sizeof(path), "/images/%s/get", name);
	if (engine_http_get(e->socket, path, fd, l->max_bytes, &resp, err) < 0) {
		if (err->kind == AC_ERR_LIMIT)
			return ac_error_set(err, AC_ERR_LIMIT, 0,
					    "the engine's export exceeds --max-bytes (%llu)",
					    (unsigned long long)l->max_bytes);
		return ac_error_wrap(err, "exporting the image");
	}
	if (resp.status == 404)
		rc = no_such_image(e, err);
	else if (resp.status != 200)
		rc = status_error(e, &resp, err);
	engine_response_free(&resp);
	return rc;
}

int engine_export_image(const struct engine *e, const char *name, struct ac_tempdir *td,
			const struct image_limits *l, char *path_out, size_t len,
			struct ac_error *err)
{
	char file[24];
	uint64_t size;
	int rc, fd;

	rc = engine_has_image(e, name, l, &size, err);
	if (rc <= 0)
		return rc < 0 ? -1 : no_such_image(e, err);
	/* The engine's size is the layers' uncompressed bytes: the cap can
	 * refuse before anything is transferred. */
	if (size > l->max_bytes)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "the image is %llu bytes, over --max-bytes (%llu)",
				    (unsigned long long)size, (unsigned long long)l->max_bytes);
	fd = ac_tempdir_new_file(td, file, err);
	if (fd < 0)
		return -1;
	rc = spool_export(e, name, fd, l, err);
	close(fd);
	if (rc < 0)
		return -1;
	snprintf(path_out, len, "%s/%s", td->path, file);
	return 0;
}
