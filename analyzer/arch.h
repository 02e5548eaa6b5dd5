/* analyzer/arch.h — what the analysis needs to know per instruction set.
 *
 * One backend per architecture (arch_x86.c for x86_64 and i386,
 * arch_arm64.c, arch_arm.c) lifts capstone's decoded instructions into the
 * model of insn.h and names the registers of its syscall convention.
 * Capstone (libcapstone, all four architectures behind one API) does the
 * decoding with operand detail; x86's linear sweep, which only needs
 * lengths and a few opcodes, uses Zydis (docs/DESIGN.md).
 */
#ifndef ABICHECK_ANALYZER_ARCH_H
#define ABICHECK_ANALYZER_ARCH_H

#include <capstone/capstone.h>
#include <stdbool.h>

#include "analyzer/elf_file.h"
#include "analyzer/insn.h"
#include "syscalls/table.h"

enum sweep_result {
	SWEEP_BAD, /* the bytes do not decode */
	SWEEP_OK,  /* ci filled */
	SWEEP_ASK, /* not known here: decode with capstone */
};

struct arch {
	const char *name;
	enum syscall_arch table;
	cs_arch cs_arch;
	cs_mode cs_mode;
	cs_mode cs_mode_alt;   /* arm: Thumb; 0 when none */
	unsigned insn_align;   /* resync step after undecodable bytes */
	int number_reg;        /* holds the syscall number: rax, x8, r7 */
	int arg_regs[6];       /* C calling convention, in order */
	int nargs;
	uint64_t caller_saved; /* registers a call may change */
	/* `ef` gives access to literal pools (arm `ldr r7, [pc, #n]`); `alt`
	 * says the handle decodes in cs_mode_alt (Thumb). */
	void (*lift)(csh h, const cs_insn *ci, const struct elf_file *ef, bool alt,
		     struct insn *out);
	/* Site kind from the instruction id and bytes, without detail. */
	enum insn_site (*site_of)(const cs_insn *ci);
	/* Direct call/jump target from the raw bytes, without detail; `alt`
	 * as for lift. */
	bool (*direct_target)(const cs_insn *ci, bool alt, uint64_t *target, bool *is_call);
	/* A call/jump through a register or memory (no detail needed). */
	bool (*indirect_branch)(const cs_insn *ci);
	/* An address computed into a register from the instruction alone
	 * (x86 `lea r, [rip+d]`): a function whose address is taken.  NULL
	 * where that needs data flow (aarch64 adrp+add, arm literal pools). */
	bool (*address_ref)(const cs_insn *ci, uint64_t *target);
	const char *(*reg_name)(int reg);
	/* A faster decoder for the linear sweep, or NULL to sweep with
	 * capstone: fills ci's address, size, bytes and, for the
	 * instructions the callbacks above test, capstone's id (others get
	 * an id none of them tests).  x86: Zydis in minimal mode, ~3.5x
	 * capstone's speed on libc's text; aarch64: a64_decode's tables,
	 * which skip capstone's printer and ask it about the rest. */
	enum sweep_result (*sweep_decode)(const uint8_t *code, size_t size, uint64_t addr,
					  cs_insn *ci);
	/* For a site, the syscall number when it is in the instruction itself
	 * (arm OABI svc #0x900000+nr); -1 otherwise.  NULL: never. */
	long (*inline_number)(const struct insn *site);
};

const struct arch *arch_for_elf(unsigned e_machine, int elfclass);

/* What every backend's lift starts with: address and size, no modelled
 * effect yet, and every register capstone says the instruction writes,
 * mapped through `canon` (capstone register -> canonical or REG_NONE). */
void lift_begin(csh h, const cs_insn *ci, int (*canon)(unsigned), struct insn *out);
/* After the flow is known: a call may change every caller-saved register.
 * Returns true for calls (nothing more to model). */
bool lift_call(const struct arch *a, struct insn *out);

extern const struct arch arch_x86_64, arch_i386, arch_aarch64, arch_arm;

#endif
