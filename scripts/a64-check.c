/* scripts/a64-check.c — compares analyzer/a64_decode.c with capstone.
 *
 *   a64-check FILE...        every word of the files' executable sections:
 *                            how many the tables answer, and disagreements
 *   a64-check --all [K N]    every 32-bit word (slice K of N): the proof
 *                            that each word the tables claim, capstone
 *                            decodes, with the same svc/br/blr identity
 *
 * Built by `make a64-check`; not part of `make test` (--all takes about
 * ten minutes of one core).  Exit 1 on any disagreement.
 */
#include <capstone/capstone.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/a64_decode.h"

static csh cs;
static cs_insn *ci;
static unsigned long long total, tabled, wrong;

static enum a64_class capstone_class(uint32_t w)
{
	const uint8_t *code = (const uint8_t *)&w;
	size_t size = 4;
	uint64_t addr = 0x1000;

	if (!cs_disasm_iter(cs, &code, &size, &addr, ci))
		return A64_ASK;
	switch (ci->id) {
	case ARM64_INS_SVC: return A64_SVC;
	case ARM64_INS_BR: return A64_BR;
	case ARM64_INS_BLR: return A64_BLR;
	default: return A64_OTHER;
	}
}

static void check(uint32_t w)
{
	enum a64_class mine = a64_classify(w), theirs;

	total++;
	if (mine == A64_ASK)
		return;
	tabled++;
	theirs = capstone_class(w);
	if (theirs != mine && wrong++ < 20)
		printf("disagree: %08" PRIx32 " tables %d capstone %d\n", w, mine, theirs);
}

static void check_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;

	if (!e || !gelf_getehdr(e, &eh) || eh.e_machine != EM_AARCH64)
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		for (size_t off = 0; off + 4 <= d->d_size; off += 4) {
			uint32_t w;
			memcpy(&w, (const uint8_t *)d->d_buf + off, 4);
			check(w);
		}
	}
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: a64-check FILE... | --all [K N]\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) != CS_ERR_OK)
		return 2;
	ci = cs_malloc(cs);
	if (!strcmp(argv[1], "--all")) {
		uint64_t k = argc > 3 ? strtoull(argv[2], NULL, 10) : 0;
		uint64_t n = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
		uint64_t lo = (k << 32) / n, hi = ((k + 1) << 32) / n;

		for (uint64_t w = lo; w < hi; w++)
			check((uint32_t)w);
	} else {
		for (int i = 1; i < argc; i++)
			check_file(argv[i]);
	}
	printf("%llu words, %llu (%.1f%%) answered by the tables, %llu disagreements\n", total,
	       tabled, total ? 100.0 * (double)tabled / (double)total : 0.0, wrong);
	cs_free(ci, 1);
	cs_close(&cs);
	return wrong ? 1 : 0;
}
