/* verdict/rule_exec.c — the kernel refuses to start the file (rules.h).
 *
 * execve(2) needs an ABI the kernel executes: the native one, a compat one
 * it has enabled (i386 on x86_64 needs IA32_EMULATION and, from 6.7,
 * ia32_emulation=1 where it defaults off; arm on arm64 needs COMPAT), or a
 * binfmt_misc handler for a foreign one (qemu-user).  Otherwise ENOEXEC,
 * which docker reports as "exec format error" with exit 126.  A missing
 * PT_INTERP is ENOENT: "no such file or directory", exit 127 (moby maps
 * ENOENT to 127, any other exec error to 126).
 */
#include "verdict/rules.h"

#include <elf.h>
#include <string.h>

static enum syscall_arch elf_abi(const struct elf_ident *id)
{
	switch (id->machine) {
	case EM_X86_64: return id->elfclass == 64 ? SYSCALL_X86_64 : SYSCALL_ARCH_NONE;
	case EM_386: return SYSCALL_I386;
	case EM_AARCH64: return SYSCALL_AARCH64;
	case EM_ARM: return SYSCALL_ARM;
	case EM_PPC64: return id->big_endian ? SYSCALL_ARCH_NONE : SYSCALL_PPC64LE;
	case EM_S390: return id->elfclass == 64 ? SYSCALL_S390X : SYSCALL_ARCH_NONE;
	case EM_RISCV: return id->elfclass == 64 ? SYSCALL_RISCV64 : SYSCALL_ARCH_NONE;
	default: return SYSCALL_ARCH_NONE;
	}
}

static const struct binfmt_handler *handler_for(const struct kernel_profile *p, const char *arch)
{
	for (size_t i = 0; i < p->nbinfmt; i++)
		if (p->binfmt[i].enabled && p->binfmt[i].arch && !strcmp(p->binfmt[i].arch, arch))
			return &p->binfmt[i];
	return NULL;
}

static void refuse(const struct rule_ctx *c, struct program_verdict *pv, const char *why,
		   const char *fact, const char *fix)
{
	struct finding *f = verdict_add(pv, "exec-format", SEV_FAIL, STAGE_EXEC, 126, NULL);

	finding_set(&f->message, "exec %s: exec format error", rule_argv0(c, pv));
	finding_set(&f->reason, "%s", why);
	finding_set(&f->fix, "%s", fix);
	rule_chain_start(c, f);
	finding_chain(f, "%s: ELF %s %d-bit", c->label,
		      elf_machine_name(c->scan->facts.ident.machine), c->scan->facts.ident.elfclass);
	finding_chain(f, "kernel: %s", fact);
}

static void check_abi(const struct rule_ctx *c, struct program_verdict *pv)
{
	const struct kernel_profile *p = c->profile;
	const struct elf_ident *id = &c->scan->facts.ident;
	enum syscall_arch abi = elf_abi(id);
	const struct profile_abi *a = abi == SYSCALL_ARCH_NONE ? NULL
				      : profile_abi((struct kernel_profile *)p, abi);
	const char *name = elf_machine_name(id->machine);
	const struct binfmt_handler *h;
	char why[512], fact[256];

	if (a && a->executes != TRI_NO)
		return; /* native, or an enabled (or unknown) compat ABI */
	if ((h = handler_for(p, name))) {
		struct finding *f = verdict_add(pv, "exec-format", SEV_NOTE, STAGE_EXEC, 0, NULL);
		finding_set(&f->reason, "%s is %s; the kernel runs it through binfmt_misc handler "
			    "'%s' (%s): emulated, slower, and the emulator's syscall support decides",
			    c->label, name, h->name, h->interpreter ? h->interpreter : "?");
		return;
	}
	if (a) {
		snprintf(why, sizeof(why), "%s is a %d-bit %s program and the kernel does not execute "
			 "that ABI (%s)", c->label, id->elfclass, name, rule_basis(a->executes_basis));
		snprintf(fact, sizeof(fact), "%s ABI not executed (%s)", syscall_tables[abi].arch,
			 rule_basis(a->executes_basis));
		refuse(c, pv, why, fact, abi == SYSCALL_I386
			? "boot with ia32_emulation=1 (kernels >= 6.7) or use a kernel built with "
			  "IA32_EMULATION, or use a 64-bit image"
			: "use a kernel with COMPAT, or an image for the native architecture");
		return;
	}
	snprintf(why, sizeof(why), "%s is built for %s, the kernel is %s and has no binfmt_misc "
		 "handler for %s", c->label, name, p->machine ? p->machine : "another machine", name);
	snprintf(fact, sizeof(fact), "%s, no binfmt_misc handler for %s",
		 p->machine ? p->machine : "machine unknown", name);
	refuse(c, pv, why, fact, "pull the image for the host's platform (--platform), or "
	       "register qemu-user with binfmt_misc (docker run --privileged --rm "
	       "tonistiigi/binfmt --install all)");
}

static void check_interp(const struct rule_ctx *c, struct program_verdict *pv)
{
	const char *interp = c->scan->facts.ident.interp;
	struct image_node *n;
	struct ac_error err;
	struct finding *f;

	if (!interp[0] || tree_resolve(c->img->tree, interp, true, &n, NULL, NULL, &err) == 0)
		return;
	f = verdict_add(pv, "missing-interpreter", SEV_FAIL, STAGE_EXEC, 127, NULL);
	finding_set(&f->message, "exec %s: no such file or directory", rule_argv0(c, pv));
	finding_set(&f->reason, "%s asks for the program interpreter %s, which the image does not "
		    "have (%s)", c->label, interp, err.msg);
	finding_set(&f->fix, "install the C library the program was built against (%s), or "
		    "build it statically", interp);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	finding_chain(f, "PT_INTERP %s: not in the image", interp);
}

void rule_exec(const struct rule_ctx *c, struct program_verdict *pv)
{
	check_abi(c, pv);
	check_interp(c, pv);
}
