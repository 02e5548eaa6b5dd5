/* verdict/verdict.c — see verdict.h. */
#include "verdict/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "common/xalloc.h"

struct finding *verdict_add(struct program_verdict *pv, const char *rule, enum severity sev,
			    enum stage stage, int exit_code, const char *signal)
{
	struct finding *f;

	if (pv->nfindings == pv->capfindings) {
		pv->capfindings = pv->capfindings ? 2 * pv->capfindings : 4;
		pv->findings = xrealloc(pv->findings, pv->capfindings * sizeof(*pv->findings));
	}
	f = &pv->findings[pv->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	f->stage = stage;
	f->exit_code = exit_code;
	f->signal = signal;
	return f;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		abort(); /* out of memory: as xalloc does */
	return s;
}

void finding_set(char **field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(*field);
	*field = vformat(fmt, ap);
	va_end(ap);
}

void finding_chain(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->nchain == FINDING_CHAIN_MAX)
		return;
	va_start(ap, fmt);
	f->chain[f->nchain++] = vformat(fmt, ap);
	va_end(ap);
}

static int cmp_findings(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	if (x->stage != y->stage)
		return (int)x->stage - (int)y->stage;
	return strcmp(x->rule, y->rule);
}

void verdict_finish(struct program_verdict *pv)
{
	sort_array(pv->findings, pv->nfindings, sizeof(*pv->findings), cmp_findings);
	pv->deciding = NULL;
	pv->exit_code = 0;
	pv->signal = NULL;
	if (pv->error) {
		pv->outcome = OUTCOME_UNKNOWN;
		return;
	}
	pv->outcome = OUTCOME_RUNS;
	for (size_t i = 0; i < pv->nfindings; i++) {
		const struct finding *f = &pv->findings[i];

		if (f->severity == SEV_FAIL && !pv->deciding) {
			pv->deciding = f; /* sorted: the earliest stage */
			pv->outcome = OUTCOME_FAILS;
			pv->exit_code = f->exit_code;
			pv->signal = f->signal;
		} else if (f->severity == SEV_WARN && pv->outcome == OUTCOME_RUNS) {
			pv->outcome = OUTCOME_WARN;
		}
	}
}

void verdict_free(struct program_verdict *pv)
{
	for (size_t i = 0; i < pv->nfindings; i++) {
		struct finding *f = &pv->findings[i];

		free(f->message);
		free(f->reason);
		free(f->fix);
		for (size_t j = 0; j < f->nchain; j++)
			free(f->chain[j]);
	}
	free(pv->findings);
	for (int i = 0; i < pv->argc; i++)
		free(pv->argv[i]);
	free(pv->argv);
	free(pv->path);
	free(pv->error);
	memset(pv, 0, sizeof(*pv));
}

const char *severity_name(enum severity s)
{
	static const char *const n[] = { "note", "warn", "fail" };
	return n[s];
}

const char *stage_name(enum stage s)
{
	static const char *const n[] = { "exec", "loader", "startup", "runtime" };
	return n[s];
}

const char *outcome_name(enum outcome o)
{
	static const char *const n[] = { "runs", "warn", "fails", "unknown" };
	return n[o];
}

const char *role_name(enum program_role r)
{
	static const char *const n[] = { "command", "entrypoint", "executable" };
	return n[r];
}
