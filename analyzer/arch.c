/* analyzer/arch.c — choosing the backend for an ELF file. */
#include <elf.h>

#include "analyzer/arch.h"

#include <string.h>

const struct arch *arch_for_elf(unsigned e_machine, int elfclass)
{
	switch (e_machine) {
	case EM_X86_64: return elfclass == 64 ? &arch_x86_64 : NULL; /* x32 not modelled */
	case EM_386: return &arch_i386;
	case EM_AARCH64: return &arch_aarch64;
	case EM_ARM: return elfclass == 32 ? &arch_arm : NULL;
	default: return NULL;
	}
}

void lift_begin(csh h, const cs_insn *ci, int (*canon)(unsigned), struct insn *out)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;

	memset(out, 0, sizeof(*out));
	out->addr = ci->address;
	out->size = (uint8_t)ci->size;
	out->def_reg = REG_NONE;
	out->src_reg = REG_NONE;
	if (cs_regs_access(h, ci, rd, &nrd, wr, &nwr) == CS_ERR_OK)
		for (int i = 0; i < nwr; i++)
			if (canon(wr[i]) != REG_NONE)
				out->written |= 1ull << canon(wr[i]);
}

bool lift_call(const struct arch *a, struct insn *out)
{
	if (out->flow != FLOW_CALL)
		return false;
	out->written |= a->caller_saved;
	out->why = WHY_CALL;
	return true;
}
