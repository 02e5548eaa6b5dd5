/* analyzer/arch.c — choosing the backend for an ELF file. */
#include <elf.h>

#include "analyzer/arch.h"

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
