/* probes/cmdline.h — the kernel command line's say over a profile.
 *
 * Owns applying boot parameters to a kernel_profile from any source, as
 * the kernel would at boot: vsyscall=none|xonly|emulate (x86_64 only;
 * arch/x86/entry/vsyscall/vsyscall_64.c), vdso=0|1 (x86_64,
 * arch/x86/entry/vdso/vma.c) and ia32_emulation=0|1 (x86_64 with
 * IA32_EMULATION, 6.7+; x32 has no syscall table here, so syscall.x32=
 * is not modelled).  Facts set
 * this way get BASIS_CMDLINE; the parameters are appended to p->cmdline.
 * Unknown parameters are ignored (a real command line has dozens); a
 * known one with a value the kernel rejects is an error.
 */
#ifndef ABICHECK_PROBES_CMDLINE_H
#define ABICHECK_PROBES_CMDLINE_H

#include "common/error.h"
#include "probes/profile.h"

int profile_apply_cmdline(struct kernel_profile *p, const char *cmdline, struct ac_error *err);
/* What profile_apply_cmdline would refuse in `cmdline`, asked before there
 * is a profile to apply it to (its errors never depend on the profile). */
int cmdline_check(const char *cmdline, struct ac_error *err);

#endif
