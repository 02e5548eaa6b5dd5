/* cli/inspect.c — `abicheck inspect IMAGE`: the image summary, the command
 * it starts, and every ELF file of the flattened view (the test hook of the
 * images/ stage).  Table for people, JSON (schema abicheck.inspect/v1) for
 * programs. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/elf_ident.h"
#include "cli/cli.h"
#include "common/xalloc.h"
#include "images/command.h"

#define INSPECT_SCHEMA "abicheck.inspect/v1"

struct elf_entry {
	const struct image_node *node;
	struct elf_ident id;
};

struct inspection {
	struct image *img;
	struct image_node **nodes;
	size_t nnodes;
	struct elf_entry *elf;
	size_t nelf;
	unsigned long long elf_bytes, regular;
	const char **argv;
	int argc;
	struct command_resolution cmd;
	bool cmd_is_elf;
	struct elf_ident cmd_ident;
};

static void ident_node(const struct image *img, const struct image_node *n,
		       struct elf_ident *id)
{
	struct ac_error err;
	int fd = image_open_file(img, n, &err);

	if (fd < 0) {
		memset(id, 0, sizeof(*id));
		id->error = "cannot open kept body";
		return;
	}
	elf_ident_fd(fd, id);
	close(fd);
}

static void collect(struct inspection *in)
{
	in->nodes = tree_sorted(in->img->tree, &in->nnodes);
	in->elf = xcalloc(in->nnodes, sizeof(*in->elf));
	for (size_t i = 0; i < in->nnodes; i++) {
		const struct image_node *n = in->nodes[i];
		if (n->type == NODE_REG)
			in->regular++;
		if (!image_node_is_elf(n))
			continue;
		in->elf[in->nelf].node = n;
		ident_node(in->img, n, &in->elf[in->nelf].id);
		in->elf_bytes += n->size;
		in->nelf++;
	}
}

static void resolve_command(struct inspection *in, const struct cli_options *o)
{
	in->argv = image_command_argv(in->img, o->cmd, o->ncmd, &in->argc);
	if (!in->argc)
		return;
	image_resolve_command(in->img, in->argv[0], &in->cmd);
	if (in->cmd.file && image_node_is_elf(in->cmd.file)) {
		in->cmd_is_elf = true;
		ident_node(in->img, in->cmd.file, &in->cmd_ident);
	}
}

/* "#!/bin/sh -e" line of a kept script, or "". */
static void script_line(const struct image_node *n, char *buf, size_t len)
{
	size_t i = 0;

	buf[0] = '\0';
	if (!n->content || n->content->head_len < 2 || memcmp(n->content->head, "#!", 2))
		return;
	while (i + 1 < len && i < n->content->head_len && n->content->head[i] != '\n' &&
	       n->content->head[i] >= ' ')
		buf[i] = (char)n->content->head[i], i++;
	buf[i] = '\0';
}

static const char *platform_str(const struct image *img, char *buf, size_t len)
{
	if (!img->config.present)
		return "unknown (no image config)";
	platform_format(&img->config.platform, buf, len);
	return buf;
}

/* ---- table ---- */

static void print_strv(FILE *out, const char *label, const struct strv *s)
{
	fprintf(out, "%-12s", label);
	if (!s->present || !s->v)
		fputs("(none)", out);
	for (size_t i = 0; i < s->n; i++)
		fprintf(out, "%s%s", i ? " " : "", s->v[i]);
	fputc('\n', out);
}

static void table_header(FILE *out, const struct inspection *in)
{
	const struct image *img = in->img;
	char buf[DIGEST_STR_MAX + 64], a[32], b[32];
	const char *path = image_config_getenv(&img->config, "PATH");
	unsigned long long stored = 0, unpacked = 0;

	fprintf(out, "%-12s%s\n", "Image", img->ref);
	fprintf(out, "%-12s%s%s%s\n", "Layout", img->layout, img->ref_name ? ", tag " : "",
		img->ref_name ? img->ref_name : "");
	if (img->has_manifest_digest) {
		digest_format(&img->manifest_digest, buf, sizeof(buf));
		fprintf(out, "%-12s%s\n", "Manifest", buf);
	}
	fprintf(out, "%-12s%s\n", "Platform", platform_str(img, buf, sizeof(buf)));
	if (img->config.present) {
		print_strv(out, "Entrypoint", &img->config.entrypoint);
		print_strv(out, "Cmd", &img->config.cmd);
		fprintf(out, "%-12s%s\n", "User",
			img->config.user && *img->config.user ? img->config.user : "root (default)");
		fprintf(out, "%-12s%s\n", "WorkingDir",
			img->config.workdir && *img->config.workdir ? img->config.workdir : "/");
		fprintf(out, "%-12s%s\n", "PATH", path ? path : IMAGE_DEFAULT_PATH " (default)");
	}
	for (size_t i = 0; i < img->nlayers; i++) {
		stored += img->layers[i].size;
		unpacked += img->layers[i].uncompressed;
	}
	if (img->nlayers) {
		format_size(stored, a, sizeof(a));
		format_size(unpacked, b, sizeof(b));
		fprintf(out, "%-12s%zu (%s stored, %s unpacked)\n", "Layers", img->nlayers, a, b);
	}
	for (size_t i = 0; i < img->nlayers; i++) {
		const struct image_layer *l = &img->layers[i];
		digest_short(l->has_digest ? &l->digest : &l->diff_id, buf, sizeof(buf));
		format_size(l->size, a, sizeof(a));
		format_size(l->uncompressed, b, sizeof(b));
		fprintf(out, "  %2zu %s… %-4s %9s -> %9s, %llu entries, %llu whiteouts\n", i + 1,
			buf, blob_compression_name(l->compression), a, b,
			(unsigned long long)l->stats.entries, (unsigned long long)l->stats.whiteouts);
	}
	format_size(in->elf_bytes, a, sizeof(a));
	fprintf(out, "%-12s%zu entries, %llu regular, %zu ELF (%s)\n", "Files", in->nnodes,
		in->regular, in->nelf, a);
	if (img->unreadable)
		fprintf(out, "%-12s%llu files could not be read (permissions)\n", "Warning",
			(unsigned long long)img->unreadable);
}

static void table_command(FILE *out, const struct inspection *in)
{
	char line[128];

	fprintf(out, "%-12s", "Command");
	if (!in->argc) {
		fputs("(the image defines none)\n", out);
		return;
	}
	for (int i = 0; i < in->argc; i++)
		fprintf(out, "%s%s", i ? " " : "", in->argv[i]);
	fputc('\n', out);
	if (!in->cmd.file) {
		fprintf(out, "%-12s%s\n", "", in->cmd.error);
		return;
	}
	fprintf(out, "%-12s%s", "", in->cmd.tried);
	for (size_t i = 0; i < in->cmd.nhops; i++)
		fprintf(out, " -> %s", in->cmd.hops[i]->link_target);
	if (strcmp(in->cmd.file->path, in->cmd.tried + 1))
		fprintf(out, " = /%s", in->cmd.file->path);
	if (in->cmd_is_elf)
		fprintf(out, "  (ELF %s %d-bit %s)\n", elf_machine_name(in->cmd_ident.machine),
			in->cmd_ident.elfclass, elf_kind_name(in->cmd_ident.kind));
	else if (script_line(in->cmd.file, line, sizeof(line)), line[0])
		fprintf(out, "  (script: %s)\n", line);
	else
		fputs("  (not ELF)\n", out);
}

static void table_elf(FILE *out, const struct inspection *in)
{
	fprintf(out, "\n%-56s %10s %-9s %-5s %s\n", "PATH", "SIZE", "MACHINE", "CLASS", "TYPE");
	for (size_t i = 0; i < in->nelf; i++) {
		const struct elf_entry *e = &in->elf[i];
		if (e->id.kind == ELF_KIND_INVALID) {
			fprintf(out, "/%-55s %10llu %-9s %-5s invalid (%s)\n", e->node->path,
				(unsigned long long)e->node->size, "-", "-", e->id.error);
			continue;
		}
		fprintf(out, "/%-55s %10llu %-9s %-5d %s\n", e->node->path,
			(unsigned long long)e->node->size, elf_machine_name(e->id.machine),
			e->id.elfclass, elf_kind_name(e->id.kind));
	}
}

static void table_files(FILE *out, const struct inspection *in)
{
	fprintf(out, "\n%-8s %5s %11s %10s %s\n", "TYPE", "MODE", "UID:GID", "SIZE", "PATH");
	for (size_t i = 1; i < in->nnodes; i++) {
		const struct image_node *n = in->nodes[i];
		char owner[24];
		snprintf(owner, sizeof(owner), "%u:%u", n->uid, n->gid);
		fprintf(out, "%-8s %05o %11s %10llu /%s%s%s\n", node_type_name(n->type), n->mode,
			owner, (unsigned long long)(n->type == NODE_REG ? n->size : 0), n->path,
			n->link_target ? " -> " : "", n->link_target ? n->link_target : "");
	}
}

/* ---- json ---- */

static json_t *json_strv(const struct strv *s)
{
	json_t *a;

	if (!s->present || !s->v)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *json_digest(const struct digest *d, bool present)
{
	char buf[DIGEST_STR_MAX];

	if (!present)
		return json_null();
	digest_format(d, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *json_image(const struct image *img)
{
	char buf[128];
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "ref", img->ref, "transport",
			      image_transport_name(img->transport), "path", img->path, "layout",
			      img->layout);

	json_object_set_new(j, "tag", img->ref_name ? json_string(img->ref_name) : json_null());
	json_object_set_new(j, "manifest_digest",
			    json_digest(&img->manifest_digest, img->has_manifest_digest));
	json_object_set_new(j, "config_digest",
			    json_digest(&img->config_digest, img->has_config_digest));
	if (!img->config.present) {
		json_object_set_new(j, "platform", json_null());
		json_object_set_new(j, "config", json_null());
		return j;
	}
	platform_format(&img->config.platform, buf, sizeof(buf));
	json_object_set_new(j, "platform", json_string(buf));
	json_object_set_new(
		j, "config",
		json_pack("{s:o, s:o, s:o, s:s?, s:s?, s:s?}", "entrypoint",
			  json_strv(&img->config.entrypoint), "cmd", json_strv(&img->config.cmd),
			  "env", json_strv(&img->config.env), "user", img->config.user,
			  "working_dir", img->config.workdir, "created", img->config.created));
	return j;
}

static json_t *json_layers(const struct image *img)
{
	json_t *a = json_array();

	for (size_t i = 0; i < img->nlayers; i++) {
		const struct image_layer *l = &img->layers[i];
		json_array_append_new(
			a, json_pack("{s:o, s:o, s:s?, s:s, s:s, s:I, s:I, s:I, s:I}", "digest",
				     json_digest(&l->digest, l->has_digest), "diff_id",
				     json_digest(&l->diff_id, l->has_diff_id), "media_type",
				     l->media_type, "blob", l->blob, "compression",
				     blob_compression_name(l->compression), "size", (json_int_t)l->size,
				     "uncompressed_size", (json_int_t)l->uncompressed, "entries",
				     (json_int_t)l->stats.entries, "whiteouts",
				     (json_int_t)l->stats.whiteouts));
	}
	return a;
}

static json_t *json_ident(const struct image_node *n, const struct elf_ident *id)
{
	json_t *j = json_pack("{s:s, s:I}", "path", "", "size", (json_int_t)n->size);
	char path[4100];

	snprintf(path, sizeof(path), "/%s", n->path);
	json_object_set_new(j, "path", json_string(path));
	json_object_set_new(j, "type", json_string(elf_kind_name(id->kind)));
	if (id->kind == ELF_KIND_INVALID) {
		json_object_set_new(j, "error", json_string(id->error));
		return j;
	}
	json_object_set_new(j, "machine", json_string(elf_machine_name(id->machine)));
	json_object_set_new(j, "e_machine", json_integer(id->machine));
	json_object_set_new(j, "class", json_integer(id->elfclass));
	json_object_set_new(j, "endian", json_string(id->big_endian ? "big" : "little"));
	json_object_set_new(j, "interpreter", id->interp[0] ? json_string(id->interp) : json_null());
	return j;
}

static json_t *json_command(const struct inspection *in)
{
	json_t *argv = json_array(), *hops = json_array(), *j;
	char path[4100], line[128];

	for (int i = 0; i < in->argc; i++)
		json_array_append_new(argv, json_string(in->argv[i]));
	j = json_pack("{s:o}", "argv", argv);
	if (!in->argc || !in->cmd.file) {
		json_decref(hops);
		json_object_set_new(j, "resolved", json_null());
		json_object_set_new(j, "error", in->argc ? json_string(in->cmd.error)
							 : json_string("the image defines no command"));
		return j;
	}
	for (size_t i = 0; i < in->cmd.nhops; i++) {
		snprintf(path, sizeof(path), "/%s", in->cmd.hops[i]->path);
		json_array_append_new(hops, json_pack("{s:s, s:s}", "link", path, "target",
						      in->cmd.hops[i]->link_target));
	}
	snprintf(path, sizeof(path), "/%s", in->cmd.file->path);
	json_object_set_new(j, "looked_up", json_string(in->cmd.tried));
	json_object_set_new(j, "resolved", json_string(path));
	json_object_set_new(j, "symlinks", hops);
	if (in->cmd_is_elf) {
		json_object_set_new(j, "kind", json_string("elf"));
		json_object_set_new(j, "elf", json_ident(in->cmd.file, &in->cmd_ident));
	} else {
		script_line(in->cmd.file, line, sizeof(line));
		json_object_set_new(j, "kind", json_string(line[0] ? "script" : "other"));
		if (line[0])
			json_object_set_new(j, "shebang", json_string(line));
	}
	return j;
}

static json_t *json_files(const struct inspection *in)
{
	json_t *a = json_array();
	char path[4100];

	for (size_t i = 1; i < in->nnodes; i++) {
		const struct image_node *n = in->nodes[i];
		json_t *f;
		snprintf(path, sizeof(path), "/%s", n->path);
		f = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I}", "path", path, "type",
			      node_type_name(n->type), "mode", (int)n->mode, "uid", (int)n->uid,
			      "gid", (int)n->gid, "size",
			      (json_int_t)(n->type == NODE_REG ? n->size : 0));
		if (n->link_target)
			json_object_set_new(f, "link_target", json_string(n->link_target));
		json_array_append_new(a, f);
	}
	return a;
}

static void print_json(FILE *out, const struct inspection *in, const struct cli_options *o)
{
	json_t *root = json_object(), *elf = json_array();

	for (size_t i = 0; i < in->nelf; i++)
		json_array_append_new(elf, json_ident(in->elf[i].node, &in->elf[i].id));
	json_object_set_new(root, "schema", json_string(INSPECT_SCHEMA));
	json_object_set_new(root, "image", json_image(in->img));
	json_object_set_new(root, "layers", json_layers(in->img));
	json_object_set_new(root, "summary",
			    json_pack("{s:I, s:I, s:I, s:I, s:I}", "entries",
				      (json_int_t)in->nnodes, "regular_files",
				      (json_int_t)in->regular, "elf_files", (json_int_t)in->nelf,
				      "elf_bytes", (json_int_t)in->elf_bytes, "unreadable",
				      (json_int_t)in->img->unreadable));
	json_object_set_new(root, "command", json_command(in));
	json_object_set_new(root, "elf", elf);
	if (o->list_files)
		json_object_set_new(root, "files", json_files(in));
	json_dumpf(root, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(root);
}

int cmd_inspect(const struct cli_options *o, FILE *out)
{
	struct inspection in = { 0 };

	if (!(in.img = cli_image_open(o, NULL)))
		return EXIT_USAGE_OR_INPUT;
	collect(&in);
	resolve_command(&in, o);
	if (o->output == OUTPUT_JSON) {
		print_json(out, &in, o);
	} else {
		table_header(out, &in);
		table_command(out, &in);
		table_elf(out, &in);
		if (o->list_files)
			table_files(out, &in);
	}
	free(in.argv);
	free(in.elf);
	free(in.nodes);
	image_close(in.img);
	return EXIT_OK;
}
