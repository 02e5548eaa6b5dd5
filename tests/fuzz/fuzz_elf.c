/* tests/fuzz/fuzz_elf.c — libFuzzer target: one ELF file through the
 * analyzer as `abicheck scan` takes it: elf_file_open (headers, code
 * regions, symbols), elf_facts_read (dynamic section, versions, notes,
 * Go build info), analyze_sites (the linear sweep, function bounds, the
 * backward data-flow resolver), then dynsyms_read (imports, exports, PLT,
 * relocations), which reach.c adds for every object of a closure.
 * No cache: a cached result would skip the code being fuzzed.
 */
#include "analyzer/dynsyms.h"
#include "analyzer/scan.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_memfd(data, size);
	struct elf_scan scan;
	struct dynsyms dyn;

	elf_scan_fd(fd, &scan, NULL, NULL);
	if (scan.file.map) {
		elf_file_resume(&scan.file); /* as reach.c does for a walk */
		dynsyms_read(&scan.file, &dyn);
		/* Lookups walk what dynsyms_read built (sorted arrays). */
		dynsyms_export(&dyn, "time", NULL);
		for (size_t i = 0; i < dyn.nplt; i++)
			dynsyms_plt_import(&dyn, dyn.plt[i].addr + dyn.plt[i].size / 2);
		dynsyms_free(&dyn);
	}
	if (scan.has_sites) {
		/* What the analysis built is what a walk trusts. */
		if (!call_graph_valid(&scan.sites.graph, scan.sites.funcs.n))
			abort();
		site_report_resolved(&scan.sites);
		site_report_distinct(&scan.sites);
	}
	elf_scan_free(&scan);
	close(fd);
	return 0;
}
