/* cli/scan.c — `abicheck scan IMAGE [PATH...]`: per ELF file, the facts,
 * syscall sites (resolved numbers or why not), syscall() wrapper callers,
 * vsyscall and vDSO use.  JSON schema abicheck.scan/v1 (docs/SCAN-JSON.md);
 * a per-file problem is reported in that file's entry and the scan goes on.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/cache.h"
#include "analyzer/loader.h"
#include "analyzer/reach.h"
#include "analyzer/scan.h"
#include "cli/cli.h"
#include "common/xalloc.h"
#include "syscalls/table.h"

#define SCAN_SCHEMA "abicheck.scan/v1"

struct scan_totals {
	size_t files, errors, sites, resolved, vsyscall_exec, vsyscall_read;
};

static const char *site_kind_name(enum insn_site k)
{
	static const char *const n[] = { "", "syscall", "int 0x80", "sysenter",
					 "call *%gs:0x10", "svc" };
	return n[k];
}

static json_t *jhex(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_string(b);
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_numbers(enum syscall_arch table, const struct resolution *r)
{
	json_t *arr = json_array();

	for (int i = 0; i < r->nvalues; i++) {
		const struct syscall_entry *e = syscall_by_nr(table, (long)r->values[i]);
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o}", "nr", (json_int_t)r->values[i],
						     "name", jstr_or_null(e ? e->name : NULL),
						     "first_kernel",
						     jstr_or_null(e && *e->first_version ? e->first_version
											 : NULL)));
	}
	return arr;
}

static json_t *json_unresolved(const struct arch *a, const struct resolution *r)
{
	char why[96];

	if (r->reason == UNRES_NONE)
		return json_null();
	if (r->reason == UNRES_ARGUMENT && r->arg_reg != REG_NONE)
		snprintf(why, sizeof(why), "%s (%s)", unresolved_reason_name(r->reason),
			 a->reg_name(r->arg_reg));
	else
		snprintf(why, sizeof(why), "%s", unresolved_reason_name(r->reason));
	return json_string(why);
}

static json_t *json_syscalls(const struct site_report *sr)
{
	const struct arch *a = sr->arch;
	json_t *sites = json_array(), *wcalls = json_array();
	size_t resolved = site_report_resolved(sr);

	for (size_t i = 0; i < sr->nsites; i++) {
		const struct syscall_site *s = &sr->sites[i];
		json_array_append_new(sites, json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:b}", "address",
						       jhex(s->addr), "instruction", site_kind_name(s->kind),
						       "abi", syscall_arch_name(s->table),
						       "function", jstr_or_null(s->function), "numbers",
						       json_numbers(s->table, &s->res), "unresolved",
						       json_unresolved(a, &s->res), "partial", s->res.partial));
	}
	for (size_t i = 0; i < sr->nwcalls; i++) {
		const struct wrapper_call *w = &sr->wcalls[i];
		json_array_append_new(wcalls, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "address",
							jhex(w->addr), "wrapper", jhex(w->wrapper),
							"wrapper_name", jstr_or_null(w->wrapper_name),
							"caller", jstr_or_null(w->caller), "numbers",
							json_numbers(a->table, &w->res), "unresolved",
							json_unresolved(a, &w->res)));
	}
	return json_pack("{s:s, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "arch", a->name,
			 "sites", sites, "wrapper_calls", wcalls, "summary", "sites",
			 (json_int_t)sr->nsites, "resolved", (json_int_t)resolved, "unresolved",
			 (json_int_t)(sr->nsites - resolved), "distinct_numbers", (json_int_t)site_report_distinct(sr),
			 "code_bytes", (json_int_t)sr->code_bytes, "undecodable_bytes",
			 (json_int_t)sr->undecodable_bytes);
}

static json_t *json_vsyscall(const struct site_report *sr)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < sr->nvsyscalls; i++) {
		const struct vsyscall_use *v = &sr->vsyscalls[i];
		json_array_append_new(
			arr, json_pack("{s:o, s:o, s:o, s:s, s:b, s:o}", "address", jhex(v->addr),
				       "target", jhex(v->target), "entry",
				       jstr_or_null(vsyscall_entry_name(v->target)), "access",
				       v->access == VSYSCALL_EXEC ? "execute" : "read", "fallback",
				       v->fallback, "function", jstr_or_null(v->function)));
	}
	return arr;
}

static json_t *json_strings(const char *const *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

static json_t *json_facts(const struct elf_facts *f)
{
	json_t *needs = json_array(), *abi = json_null(), *j;
	char kver[48];

	for (size_t i = 0; i < f->nneeds; i++)
		json_array_append_new(needs, json_pack("{s:o, s:s}", "file", jstr_or_null(f->needs[i].file),
						       "version", f->needs[i].version));
	if (f->has_abi_tag) {
		snprintf(kver, sizeof(kver), "%u.%u.%u", f->abi_tag_version[0], f->abi_tag_version[1],
			 f->abi_tag_version[2]);
		abi = json_pack("{s:s, s:s}", "os", f->abi_tag_os == 0 ? "Linux" : "other",
				"min_kernel", kver);
	}
	j = json_pack("{s:s, s:s, s:i, s:s, s:o}", "type", elf_kind_name(f->ident.kind), "machine",
		      elf_machine_name(f->ident.machine), "class", f->ident.elfclass, "endian",
		      f->ident.big_endian ? "big" : "little", "interpreter",
		      f->ident.interp[0] ? json_string(f->ident.interp) : json_null());
	json_object_set_new(j, "dynamic",
			    json_pack("{s:o, s:o, s:o, s:o, s:b}", "needed",
				      json_strings(f->needed, f->nneeded), "soname",
				      jstr_or_null(f->soname), "rpath", jstr_or_null(f->rpath),
				      "runpath", jstr_or_null(f->runpath), "bind_now", f->now_flag));
	json_object_set_new(j, "build_id", f->build_id[0] ? json_string(f->build_id) : json_null());
	json_object_set_new(j, "abi_tag", abi);
	json_object_set_new(j, "versions", json_pack("{s:o, s:o}", "needed", needs, "defined",
						     json_strings(f->defs, f->ndefs)));
	json_object_set_new(j, "segments",
			    json_pack("{s:I, s:{s:b, s:b, s:b}, s:b, s:b}", "max_align",
				      (json_int_t)f->max_align, "page_sizes", "4k", f->page_ok[0],
				      "16k", f->page_ok[1], "64k", f->page_ok[2], "gnu_stack",
				      f->has_gnu_stack, "exec_stack", f->exec_stack));
	json_object_set_new(j, "go", f->is_go ? json_pack("{s:o}", "version",
							  f->go_version[0] ? json_string(f->go_version)
									   : json_null())
					      : json_null());
	json_object_set_new(j, "libc", json_pack("{s:s, s:o}", "kind", libc_kind_name(f->libc),
						 "evidence", jstr_or_null(f->libc_evidence)));
	return j;
}

static json_t *jpath(const struct image_node *n)
{
	char path[4100];

	snprintf(path, sizeof(path), "/%s", n->path);
	return json_string(path);
}

static json_t *json_loader(const struct load_closure *lc)
{
	json_t *needed = json_array(), *missing = json_array();

	for (size_t i = 0; i < lc->nlibs; i++)
		json_array_append_new(needed, json_pack("{s:s, s:o, s:s, s:o}", "name", lc->libs[i].name,
							"path", jpath(lc->libs[i].node), "via",
							lc->libs[i].via, "needed_by",
							jpath(lc->libs[i].needed_by)));
	for (size_t i = 0; i < lc->nmissing; i++)
		json_array_append_new(missing, json_pack("{s:s, s:o, s:o}", "name", lc->missing[i].name,
							 "needed_by", jpath(lc->missing[i].needed_by),
							 "hint", lc->missing[i].hint[0]
								 ? json_string(lc->missing[i].hint)
								 : json_null()));
	return json_pack("{s:o, s:o}", "needed", needed, "unresolved", missing);
}

static json_t *json_chain(const struct reach_chain *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(a, json_string(c->steps[i]));
	return a;
}

static json_t *json_reach(const struct reach_result *r)
{
	json_t *sys = json_array(), *vs = json_array(), *vd = json_array();
	json_t *unbound = json_array();

	for (size_t i = 0; i < r->nsyscalls; i++) {
		const struct reached_syscall *s = &r->syscalls[i];
		const struct syscall_entry *e = syscall_by_nr(s->table, s->nr);
		json_array_append_new(sys, json_pack("{s:I, s:o, s:s, s:b, s:o}", "nr", (json_int_t)s->nr,
						     "name", jstr_or_null(e ? e->name : NULL), "abi",
						     syscall_arch_name(s->table), "startup", s->startup,
						     "chain", json_chain(&s->chain)));
	}
	for (size_t i = 0; i < r->nvsyscalls; i++) {
		const struct reached_vsyscall *v = &r->vsyscalls[i];
		json_array_append_new(vs, json_pack("{s:o, s:o, s:s, s:b, s:o}", "target", jhex(v->target),
						    "entry", jstr_or_null(vsyscall_entry_name(v->target)),
						    "access", v->access == VSYSCALL_EXEC ? "execute" : "read",
						    "fallback", v->fallback, "chain", json_chain(&v->chain)));
	}
	for (size_t i = 0; i < r->nvdso; i++)
		json_array_append_new(vd, json_pack("{s:s, s:o}", "name", r->vdso[i].name, "chain",
						    json_chain(&r->vdso[i].chain)));
	json_t *objs = json_array();

	for (size_t i = 0; i < r->nunbound; i++)
		json_array_append_new(unbound, json_string(r->unbound[i]));
	for (size_t i = 0; i < r->nper_object; i++) {
		const struct reach_object_stats *p = &r->per_object[i];
		json_array_append_new(objs, json_pack("{s:s, s:I, s:I, s:I, s:I}", "object", p->label,
						      "functions", (json_int_t)p->functions,
						      "reached", (json_int_t)p->reached,
						      "indirect_calls", (json_int_t)p->indirect_calls,
						      "address_taken", (json_int_t)p->address_taken));
	}
	return json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:o, s:o}}", "syscalls", sys,
			 "vsyscall", vs, "vdso_symbols", vd, "stats", "objects",
			 (json_int_t)r->objects, "functions_reached", (json_int_t)r->functions,
			 "unresolved_sites", (json_int_t)r->unresolved_sites, "indirect_calls",
			 (json_int_t)r->indirect_calls, "unbound_imports", unbound, "per_object", objs);
}

static json_t *json_file(const struct image_node *n, const struct elf_scan *s,
			 const struct load_closure *lc)
{
	char path[4100];
	json_t *j;

	snprintf(path, sizeof(path), "/%s", n->path);
	j = json_pack("{s:s, s:I}", "path", path, "size", (json_int_t)n->size);
	json_object_set_new(j, "error", s->error ? json_string(s->error) : json_null());
	if (!s->file.map)
		return j;
	json_object_set_new(j, "facts", json_facts(&s->facts));
	json_object_set_new(j, "syscalls", s->has_sites ? json_syscalls(&s->sites) : json_null());
	json_object_set_new(j, "vsyscall", s->has_sites ? json_vsyscall(&s->sites) : json_array());
	json_object_set_new(j, "vdso_symbols",
			    json_strings(s->sites.vdso_symbols, s->sites.nvdso));
	json_object_set_new(j, "loader", json_loader(lc));
	return j;
}

static void table_file(FILE *out, const struct image_node *n, const struct elf_scan *s,
		       const struct load_closure *lc)
{
	const struct elf_facts *f = &s->facts;
	char sites[32] = "-", vs[48] = "";

	if (!s->file.map) {
		fprintf(out, "/%-50s error: %s\n", n->path, s->error ? s->error : "?");
		return;
	}
	if (s->has_sites) {
		snprintf(sites, sizeof(sites), "%zu/%zu", site_report_resolved(&s->sites),
			 s->sites.nsites);
		for (size_t i = 0; i < s->sites.nvsyscalls; i++)
			snprintf(vs, sizeof(vs), " vsyscall:%s%s",
				 s->sites.vsyscalls[i].access == VSYSCALL_EXEC ? "exec" : "read",
				 s->sites.vsyscalls[i].fallback ? "(fallback)" : "");
	}
	fprintf(out, "/%-50s %-10s %-8s %-6s %9s%s%s%s", n->path, elf_kind_name(f->ident.kind),
		elf_machine_name(f->ident.machine), libc_kind_name(f->libc), sites, vs,
		s->error ? "  error: " : "", s->error ? s->error : "");
	for (size_t i = 0; i < lc->nmissing; i++)
		fprintf(out, "%s%s", i ? ", " : "  missing: ", lc->missing[i].name);
	fputc('\n', out);
}

static void table_sites(FILE *out, const struct elf_scan *s)
{
	const struct arch *a = s->sites.arch;

	for (size_t i = 0; s->has_sites && i < s->sites.nsites; i++) {
		const struct syscall_site *st = &s->sites.sites[i];
		fprintf(out, "    %#10" PRIx64 " %-14s %-28s", st->addr, site_kind_name(st->kind),
			st->function ? st->function : "");
		for (int k = 0; k < st->res.nvalues; k++) {
			const struct syscall_entry *e = syscall_by_nr(st->table, (long)st->res.values[k]);
			fprintf(out, " %s(%" PRId64 ")", e ? e->name : "?", st->res.values[k]);
		}
		if (st->res.reason)
			fprintf(out, " [unresolved: %s%s%s]", unresolved_reason_name(st->res.reason),
				st->res.reason == UNRES_ARGUMENT ? " " : "",
				st->res.reason == UNRES_ARGUMENT ? a->reg_name(st->res.arg_reg) : "");
		fputc('\n', out);
	}
}

static void table_reach(FILE *out, const struct reach_result *r)
{
	size_t startup = 0;

	for (size_t i = 0; i < r->nsyscalls; i++)
		startup += r->syscalls[i].startup;
	fprintf(out, "    reaches %zu syscalls (%zu at start-up) through %zu objects, "
		     "%zu functions; %zu vsyscall uses, %zu vDSO symbols\n",
		r->nsyscalls, startup, r->objects, r->functions, r->nvsyscalls, r->nvdso);
	for (size_t i = 0; i < r->nvsyscalls; i++) {
		const struct reached_vsyscall *v = &r->vsyscalls[i];
		fprintf(out, "    vsyscall %s (%s%s):", vsyscall_entry_name(v->target) ?: "page",
			v->access == VSYSCALL_EXEC ? "execute" : "read", v->fallback ? ", fallback" : "");
		for (size_t k = 0; k < v->chain.n; k++)
			fprintf(out, "%s%s", k ? " -> " : " ", v->chain.steps[k]);
		fputc('\n', out);
	}
}

/* The ELF nodes to scan: every one, or the PATHs given (resolved inside
 * the image, following its symlinks). */
static int select_nodes(const struct cli_options *o, struct image *img,
			const struct image_node ***out, size_t *n)
{
	size_t count;
	struct image_node **all = tree_sorted(img->tree, &count);
	const struct image_node **sel = xcalloc(o->npaths > 0 ? (size_t)o->npaths : count,
						sizeof(*sel));

	*n = 0;
	if (o->npaths > 0) {
		for (int i = 0; i < o->npaths; i++) {
			struct image_node *nd = NULL;
			struct ac_error err;
			const char *why = NULL;
			if (tree_resolve(img->tree, o->paths[i], true, &nd, NULL, NULL, &err) < 0)
				why = err.msg;
			else if (nd->type == NODE_DIR)
				why = "is a directory";
			else if (!image_node_is_elf(nd))
				why = "not an ELF file";
			if (why) {
				fprintf(stderr, "abicheck: %s: %s: %s\n", img->ref, o->paths[i], why);
				free(all);
				free(sel);
				return -1;
			}
			sel[(*n)++] = nd;
		}
	} else {
		for (size_t i = 0; i < count; i++)
			if (image_node_is_elf(all[i]))
				sel[(*n)++] = all[i];
	}
	free(all);
	*out = sel;
	return 0;
}

static void scan_node(struct image *img, const struct image_node *n, struct elf_scan *s,
		      struct analysis_cache *cache)
{
	struct ac_error err;
	int fd = image_open_file(img, n, &err);

	if (fd < 0) {
		memset(s, 0, sizeof(*s));
		elf_scan_set_error(s, err.msg);
		return;
	}
	elf_scan_fd(fd, s, cache, image_node_sha256(n));
	close(fd);
}

/* Layers replayed from the layer cache (null: off, or a dir: source). */
static json_t *json_layer_cache(const struct image *img)
{
	const struct layer_cache *lc = &img->lcache;

	if (!lc->dir)
		return json_null();
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "version", layer_cache_version(), "replayed",
			 (json_int_t)lc->hits, "read", (json_int_t)lc->misses, "stored",
			 (json_int_t)lc->stores, "unchanged", (json_int_t)lc->unchanged);
}

static json_t *json_cache(const struct analysis_cache *c, const struct image *img)
{
	if (!c)
		return json_pack("{s:b}", "enabled", 0);
	return json_pack("{s:b, s:s, s:I, s:I, s:I, s:o}", "enabled", 1, "version",
			 analysis_cache_version(), "hits", (json_int_t)c->hits, "misses",
			 (json_int_t)c->misses, "stored", (json_int_t)c->stores, "layers",
			 json_layer_cache(img));
}

int cmd_scan(const struct cli_options *o, FILE *out)
{
	struct image *img;
	const struct image_node **nodes;
	size_t n;
	json_t *files = json_array();
	size_t errors = 0;
	struct loader ld;
	struct reach_ctx rc;
	struct analysis_cache cache_store, *cache;

	cache = cli_open_cache(o, &cache_store);
	if (!(img = cli_image_open(o, o->reach ? cache : NULL))) {
		if (cache)
			analysis_cache_close(cache);
		json_decref(files);
		return EXIT_USAGE_OR_INPUT;
	}
	if (select_nodes(o, img, &nodes, &n) < 0) {
		if (cache)
			analysis_cache_close(cache);
		image_close(img);
		json_decref(files);
		return EXIT_USAGE_OR_INPUT;
	}
	if (o->output == OUTPUT_TABLE)
		fprintf(out, "%-51s %-10s %-8s %-6s %9s\n", "PATH", "TYPE", "MACHINE", "LIBC",
			"SITES");
	loader_init(&ld, img);
	reach_init(&rc, img, &ld);
	rc.cache = cache;
	if (o->reach)
		reach_prepare(&rc, nodes, n, o->jobs);
	for (size_t i = 0; i < n && !ac_interrupted(); i++) {
		struct elf_scan own;
		const struct elf_scan *s = &own;
		struct load_closure lc;
		struct reach_result rr = { 0 };
		/* With --reach the walk's cached analysis is the one reported. */
		if (o->reach)
			s = reach_scan_sites(&rc, nodes[i]);
		else
			scan_node(img, nodes[i], &own, cache);
		loader_closure(&ld, nodes[i], &lc);
		if (o->reach && s->file.map)
			reach_program(&rc, nodes[i], &rr);
		errors += s->error != NULL;
		if (o->output == OUTPUT_JSON) {
			json_t *f = json_file(nodes[i], s, &lc);
			if (o->reach && s->file.map)
				json_object_set_new(f, "reach", json_reach(&rr));
			json_array_append_new(files, f);
		} else {
			table_file(out, nodes[i], s, &lc);
			if (o->reach && s->file.map)
				table_reach(out, &rr);
			if (o->npaths > 0)
				table_sites(out, s);
		}
		reach_result_free(&rr);
		load_closure_free(&lc);
		if (!o->reach)
			elf_scan_free(&own);
	}
	reach_free(&rc);
	loader_free(&ld);
	if (o->output == OUTPUT_JSON) {
		json_t *root = json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:I, s:I, s:o}}", "schema",
					 SCAN_SCHEMA, "image", "ref", img->ref, "transport",
					 image_transport_name(img->transport), "files", files,
					 "summary", "files", (json_int_t)n, "errors",
					 (json_int_t)errors, "cache", json_cache(cache, img));
		json_dumpf(root, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(root);
	} else {
		json_decref(files);
		fprintf(out, "\n%zu ELF files scanned, %zu with errors", n, errors);
		if (cache)
			fprintf(out, "; analysis cache: %zu hits, %zu misses", cache->hits,
				cache->misses);
		fputc('\n', out);
	}
	free(nodes);
	image_close(img);
	if (cache)
		analysis_cache_close(cache);
	return ac_interrupted() ? EXIT_USAGE_OR_INPUT : EXIT_OK;
}
