/* verdict/check.c — see check.h. */
#include "verdict/check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/tempdir.h"
#include "common/xalloc.h"
#include "images/command.h"
#include "verdict/rules.h"

struct checker {
	const struct image *img;
	const struct check_request *rq;
	struct loader ld;
	struct reach_ctx rc;
	struct program_verdict *v;
	size_t n, cap;
	int ready; /* rq->ready: 0 not asked yet, 1 fine, -1 failed */
};

static bool target_ready(struct checker *ck)
{
	if (!ck->ready)
		ck->ready = !ck->rq->ready || ck->rq->ready(ck->rq->ready_arg) == 0 ? 1 : -1;
	return ck->ready > 0;
}

static struct program_verdict *new_verdict(struct checker *ck, const char *path,
					   enum program_role role)
{
	struct program_verdict *pv;

	xgrow((void **)&ck->v, &ck->cap, ck->n + 1, sizeof(*ck->v));
	pv = &ck->v[ck->n++];
	memset(pv, 0, sizeof(*pv));
	pv->path = xstrdup(path);
	pv->role = role;
	return pv;
}

/* The rules for program n, given what it reaches (NULL: walked here). */
static void run_rules_with(struct checker *ck, const struct image_node *n, const char *via,
			   struct program_verdict *pv, struct reach_result *reach)
{
	char label[4200];
	struct load_closure cl;
	struct reach_result rr;
	const struct elf_scan *s = reach_scan(&ck->rc, n);
	struct rule_ctx c = {
		.img = ck->img, .node = n, .label = label, .scan = s, .closure = &cl,
		.reach = reach ? reach : &rr, .rc = &ck->rc, .profile = ck->rq->profile,
		.seccomp = ck->rq->seccomp, .via = via,
	};

	if (!target_ready(ck))
		return;
	snprintf(label, sizeof(label), "/%s", n->path);
	if (!s || (s->error && s->facts.ident.kind == ELF_KIND_INVALID)) {
		pv->error = xstrdup(s && s->error ? s->error : "not analysable");
		return;
	}
	loader_closure(&ck->ld, n, &cl);
	if (!reach)
		reach_program(&ck->rc, n, &rr);
	rule_exec(&c, pv);
	rule_loader(&c, pv);
	rule_kernel(&c, pv);
	rule_vsyscall(&c, pv);
	rule_syscalls(&c, pv);
	if (!reach)
		reach_result_free(&rr);
	load_closure_free(&cl);
}

static void run_rules(struct checker *ck, const struct image_node *n, const char *via,
		      struct program_verdict *pv)
{
	run_rules_with(ck, n, via, pv, NULL);
}

/* "#!/bin/sh -e" in the kept head -> "/bin/sh", or false. */
static bool shebang(const struct image_node *n, char *interp, size_t len)
{
	const struct content *c = n->content;
	size_t i = 2, j = 0;

	if (!c || c->head_len < 3 || c->head[0] != '#' || c->head[1] != '!')
		return false;
	while (i < c->head_len && (c->head[i] == ' ' || c->head[i] == '\t'))
		i++;
	while (i < c->head_len && !isspace(c->head[i]) && j + 1 < len)
		interp[j++] = (char)c->head[i++];
	interp[j] = '\0';
	return j > 0;
}

static void not_found(struct program_verdict *pv, const char *what, const char *why,
		      const char *message, const char *via)
{
	struct finding *f = verdict_add(pv, "command-not-found", SEV_FAIL, STAGE_EXEC, 127, NULL);

	finding_set(&f->message, "%s", message);
	finding_set(&f->reason, "%s: %s", what, why);
	finding_set(&f->fix, "install it in the image, or fix the command / PATH");
	if (via)
		finding_chain(f, "%s", via);
	finding_chain(f, "%s: %s", what, why);
}

/* The program the runtime starts for argv (a script: its interpreter). */
static void check_command(struct checker *ck, const char **argv, int argc, enum program_role role,
			  const struct image_node **checked)
{
	struct command_resolution res;
	struct program_verdict *pv;
	char interp[256], via[4400], msg[4400];
	struct image_node *in;
	struct ac_error err;

	image_resolve_command(ck->img, argv[0], &res);
	pv = new_verdict(ck, res.file ? res.tried : argv[0], role);
	pv->argv = xcalloc((size_t)argc + 1, sizeof(*pv->argv));
	for (int i = 0; i < argc; i++)
		pv->argv[pv->argc++] = xstrdup(argv[i]);
	if (!res.file) {
		snprintf(msg, sizeof(msg), "exec: \"%s\": executable file not found in $PATH", argv[0]);
		not_found(pv, argv[0], res.error, msg, NULL);
	} else if (image_node_is_elf(res.file)) {
		*checked = res.file;
		run_rules(ck, res.file, NULL, pv);
	} else if (shebang(res.file, interp, sizeof(interp))) {
		snprintf(via, sizeof(via), "/%s: #!%s", res.file->path, interp);
		if (tree_resolve(ck->img->tree, interp, true, &in, NULL, NULL, &err) < 0 ||
		    !image_node_is_elf(in)) {
			snprintf(msg, sizeof(msg), "exec %s: no such file or directory", argv[0]);
			not_found(pv, interp, "interpreter not in the image (or not an ELF file)", msg,
				  via);
		} else {
			*checked = in;
			run_rules(ck, in, via, pv);
		}
	} else {
		pv->error = xstrdup("neither an ELF file nor a #! script");
	}
	verdict_finish(pv);
}

static bool is_program(struct checker *ck, const struct image_node *n)
{
	const struct elf_scan *s;

	if (!image_node_is_elf(n) || !(n->mode & 0111))
		return false;
	s = reach_scan(&ck->rc, n);
	return s && (s->facts.ident.kind == ELF_KIND_EXEC || s->facts.ident.kind == ELF_KIND_STATIC ||
		     s->facts.ident.kind == ELF_KIND_PIE ||
		     s->facts.ident.kind == ELF_KIND_STATIC_PIE);
}

/* Every ELF file is analysed up front, on all threads: programs and the
 * libraries their closures load. */
static void prepare_all(struct checker *ck, struct image_node **all, size_t count)
{
	const struct image_node **elf = xcalloc(count + 1, sizeof(*elf));
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		if (image_node_is_elf(all[i]))
			elf[n++] = all[i];
	reach_prepare(&ck->rc, elf, n, ck->rq->jobs);
	free(elf);
}

/* Programs per reach_programs call: enough that the threads rarely wait
 * on one long walk at the end of a batch, few enough that the batch's
 * results (each reached syscall's chain, held until the batch's rules
 * run) stay small. */
#define WALK_BATCH 16

static void check_rest(struct checker *ck, const struct image_node *skip)
{
	size_t count, nprog = 0;
	struct image_node **all = tree_sorted(ck->img->tree, &count);
	const struct image_node **prog = xcalloc(count + 1, sizeof(*prog));
	struct reach_result rr[WALK_BATCH];

	prepare_all(ck, all, count);
	for (size_t i = 0; i < count; i++)
		if (all[i] != skip && is_program(ck, all[i]))
			prog[nprog++] = all[i];
	for (size_t b = 0; b < nprog && !ac_interrupted() && ck->ready >= 0; b += WALK_BATCH) {
		size_t m = nprog - b < WALK_BATCH ? nprog - b : WALK_BATCH;

		reach_programs(&ck->rc, prog + b, m, ck->rq->jobs, rr);
		for (size_t k = 0; k < m; k++) {
			struct program_verdict *pv;
			char path[4200];

			if (!ac_interrupted()) {
				if (ck->rq->progress)
					ck->rq->progress(b + k, nprog, ck->rq->progress_arg);
				snprintf(path, sizeof(path), "/%s", prog[b + k]->path);
				pv = new_verdict(ck, path, ROLE_EXECUTABLE);
				run_rules_with(ck, prog[b + k], NULL, pv, &rr[k]);
				verdict_finish(pv);
			}
			reach_result_free(&rr[k]);
		}
	}
	free(prog);
	free(all);
}

int check_image(const struct image *img, const struct check_request *rq,
		struct program_verdict **out, size_t *n)
{
	struct checker ck = { .img = img, .rq = rq };
	const struct image_node *checked = NULL;
	int argc;
	const char **argv = image_command_argv(img, rq->cmd, rq->ncmd, &argc);

	loader_init(&ck.ld, img);
	reach_init(&ck.rc, img, &ck.ld);
	ck.rc.cache = rq->cache;
	ck.rc.lazy_sites = true;
	if (argc > 0)
		check_command(&ck, argv, argc, rq->ncmd > 0 ? ROLE_COMMAND : ROLE_ENTRYPOINT, &checked);
	free(argv);
	if (!rq->entrypoint_only && rq->ncmd == 0)
		check_rest(&ck, checked);
	reach_free(&ck.rc);
	loader_free(&ck.ld);
	/* Verdicts (the command's, for one) may have been made before the
	 * rules needed the target: a check that could not finish has none. */
	if (!target_ready(&ck)) {
		check_free(ck.v, ck.n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = ck.v;
	*n = ck.n;
	return 0;
}

void check_free(struct program_verdict *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		verdict_free(&v[i]);
	free(v);
}
