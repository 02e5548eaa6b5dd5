/* verdict/rule_common.c — helpers the rules share (rules.h). */
#include "verdict/rules.h"

void rule_chain_start(const struct rule_ctx *c, struct finding *f)
{
	if (c->via)
		finding_chain(f, "%s", c->via);
}

void rule_chain_reach(struct finding *f, const struct reach_chain *rch)
{
	for (size_t i = 0; i < rch->n; i++)
		finding_chain(f, "%s", rch->steps[i]);
}

const char *rule_argv0(const struct rule_ctx *c, const struct program_verdict *pv)
{
	return pv->argv && pv->argc ? pv->argv[0] : c->label;
}

const char *rule_basis(enum basis b)
{
	switch (b) {
	case BASIS_OBSERVED: return "observed on the host";
	case BASIS_KALLSYMS: return "from /proc/kallsyms";
	case BASIS_ENOSYS: return "probed";
	case BASIS_CMDLINE: return "kernel command line";
	case BASIS_CONFIG: return "kernel .config";
	case BASIS_TABLE: return "syscall version table";
	case BASIS_ASSUMED: return "assumed";
	case BASIS_SAVED: return "saved profile";
	default: return "unknown basis";
	}
}
