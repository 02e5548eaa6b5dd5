/* analyzer/elf_ident.c — see elf_ident.h. */
#include "analyzer/elf_ident.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

/* Names for e_machine values; numbers come from <elf.h>. */
static const struct { unsigned em; const char *name; } machines[] = {
	{ EM_X86_64, "x86_64" },   { EM_386, "i386" },       { EM_AARCH64, "aarch64" },
	{ EM_ARM, "arm" },         { EM_PPC64, "ppc64" },    { EM_PPC, "ppc" },
	{ EM_S390, "s390" },       { EM_RISCV, "riscv" },    { EM_MIPS, "mips" },
	{ EM_SPARCV9, "sparc64" }, { EM_IA_64, "ia64" },     { EM_LOONGARCH, "loongarch" },
	{ EM_ALPHA, "alpha" },     { EM_PARISC, "parisc" },  { EM_SH, "sh" },
	{ EM_68K, "m68k" },        { EM_BPF, "bpf" },        { EM_NONE, "none" },
};

const char *elf_machine_name(unsigned machine)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].em == machine)
			return machines[i].name;
	return "other";
}

const char *elf_kind_name(enum elf_kind k)
{
	static const char *const names[] = {
		[ELF_KIND_INVALID] = "invalid", [ELF_KIND_REL] = "relocatable",
		[ELF_KIND_EXEC] = "exec",       [ELF_KIND_STATIC] = "static",
		[ELF_KIND_PIE] = "pie",         [ELF_KIND_STATIC_PIE] = "static-pie",
		[ELF_KIND_SHARED] = "shared",   [ELF_KIND_CORE] = "core",
	};
	return names[k];
}

struct dyn_facts {
	bool pie_flag;
	bool has_soname;
};

static void read_dynamic(Elf *elf, const GElf_Phdr *ph, struct dyn_facts *f)
{
	Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_DYN);
	GElf_Dyn dyn;

	if (!d)
		return;
	for (int i = 0; gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			f->pie_flag = true;
		if (dyn.d_tag == DT_SONAME)
			f->has_soname = true;
	}
}

static void read_interp(Elf *elf, const GElf_Phdr *ph, struct elf_ident *out)
{
	size_t n = ph->p_filesz < sizeof(out->interp) - 1 ? ph->p_filesz
							   : sizeof(out->interp) - 1;
	Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, n, ELF_T_BYTE);

	if (d && d->d_buf) {
		memcpy(out->interp, d->d_buf, n);
		out->interp[n] = '\0';
	}
}

static enum elf_kind classify(unsigned type, bool interp, const struct dyn_facts *f)
{
	switch (type) {
	case ET_REL: return ELF_KIND_REL;
	case ET_CORE: return ELF_KIND_CORE;
	case ET_EXEC: return interp ? ELF_KIND_EXEC : ELF_KIND_STATIC;
	case ET_DYN:
		if (f->pie_flag)
			return interp ? ELF_KIND_PIE : ELF_KIND_STATIC_PIE;
		/* Before binutils 2.26 there was no DF_1_PIE: an interpreter
		 * without a soname is the best sign of an executable. */
		return interp && !f->has_soname ? ELF_KIND_PIE : ELF_KIND_SHARED;
	default: return ELF_KIND_INVALID;
	}
}

void elf_ident_fd(int fd, struct elf_ident *out)
{
	Elf *elf;
	GElf_Ehdr eh;
	size_t phnum;
	struct dyn_facts facts = { 0 };

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		out->error = "libelf unavailable";
		return;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		out->error = "malformed ELF header";
		goto out;
	}
	out->machine = eh.e_machine;
	out->elfclass = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	out->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getphdrnum(elf, &phnum) < 0) {
		out->error = "malformed program headers";
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP)
			read_interp(elf, &ph, out);
		else if (ph.p_type == PT_DYNAMIC)
			read_dynamic(elf, &ph, &facts);
	}
	out->kind = classify(eh.e_type, out->interp[0] != '\0', &facts);
	if (out->kind == ELF_KIND_INVALID)
		out->error = "unknown e_type";
out:
	elf_end(elf);
}
