/* verdict/explain.h — `abicheck explain EXIT_CODE IMAGE [-- CMD]`: the
 * causes that produce an exit code for a command, most likely first, each
 * with why and how to fix it.
 *
 * Owns ranking.  Causes come from the command's own findings: a failure
 * predicted with that very exit code on the target ranks first; a finding
 * whose rule produces that code on other targets next (a vsyscall use
 * noted as harmless under vsyscall=emulate is the cause of a 139 seen on a
 * vsyscall=none host); then what else gives that code in containers,
 * which abicheck does not model (data/exit-codes.csv), so the list is never
 * silently empty.
 */
#ifndef ABICHECK_VERDICT_EXPLAIN_H
#define ABICHECK_VERDICT_EXPLAIN_H

#include <stdio.h>

#include "verdict/verdict.h"

struct explain_cause {
	int rank_class;   /* 0 predicted here, 1 on another target, 2 general */
	const struct finding *finding; /* NULL for a general cause */
	const char *title, *why, *fix; /* general causes */
};

/* Fills causes (at most max) for exit status `code`; returns how many. */
size_t explain_rank(const struct program_verdict *pv, int code, struct explain_cause *causes,
		    size_t max);

/* The exit codes a rule can produce, whatever the target. */
bool explain_rule_gives(const char *rule, int code);

void explain_print(FILE *out, const struct program_verdict *pv, int code,
		   const struct explain_cause *causes, size_t n);

#endif
