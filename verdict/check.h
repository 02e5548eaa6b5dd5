/* verdict/check.h — the main job: which programs of an image run on the
 * target, each with its verdict.
 *
 * Owns the scope and the order: the command given after "--" (resolved
 * through the image's PATH as the runtime would), else the image's
 * Entrypoint + Cmd, then (unless entrypoint_only, or a command was given)
 * every other executable ELF file of the image.  A #! script is judged by
 * its interpreter, with the script as the chain's first step.  For each
 * program it gathers the facts once (scan, load closure, reach) and runs
 * every rule (rules.h) over them.
 */
#ifndef ABICHECK_VERDICT_CHECK_H
#define ABICHECK_VERDICT_CHECK_H

#include <stdbool.h>

#include "analyzer/cache.h"
#include "images/image.h"
#include "probes/profile.h"
#include "probes/seccomp.h"
#include "verdict/verdict.h"

struct check_request {
	char **cmd;     /* the command after "--", or NULL */
	int ncmd;
	bool entrypoint_only;
	struct analysis_cache *cache; /* NULL: no cache */
	const struct kernel_profile *profile;
	const struct seccomp_model *seccomp; /* NULL: unconfined */
	unsigned jobs;  /* analysis threads */
	void (*progress)(size_t done, size_t total, void *arg); /* or NULL */
	void *progress_arg;
	/* Called once before the first rule (or NULL): the files are analysed
	 * and walked while the target is still being probed, the rules need
	 * it.  A failure stops the check. */
	int (*ready)(void *arg);
	void *ready_arg;
};

/* The verdicts, command/entrypoint first (caller frees with
 * check_free()); -1 when rq->ready failed (nothing to free then). */
int check_image(const struct image *img, const struct check_request *rq,
		struct program_verdict **out, size_t *n);
void check_free(struct program_verdict *v, size_t n);

#endif
