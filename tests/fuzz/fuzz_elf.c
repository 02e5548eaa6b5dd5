/* tests/fuzz/fuzz_elf.c — libFuzzer target: one ELF file through the
 * analyzer as `abicheck scan` takes it: elf_file_open (headers, code
 * regions, symbols), elf_facts_read (dynamic section, versions, notes,
 * Go build info), analyze_sites (the linear sweep, function bounds, the
 * backward data-flow resolver, the call graph and link table a walk
 * binds through), then dynsyms_read (imports, exports, PLT, relocations).
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
		elf_file_resume(&scan.file); /* elf_scan_fd freed the handle */
		dynsyms_read(&scan.file, &dyn);
		for (size_t i = 0; i < dyn.nplt; i++)
			dynsyms_plt_import(&dyn, dyn.plt[i].addr + dyn.plt[i].size / 2);
		dynsyms_free(&dyn);
	}
	if (scan.has_sites) {
		/* What the analysis built is what a walk trusts. */
		const struct link_table *lt = &scan.sites.links;
		if (!call_graph_valid(&scan.sites.graph, scan.sites.funcs.n) ||
		    !link_table_valid(lt, scan.sites.funcs.n, scan.sites.graph.nimports))
			abort();
		/* Lookups bisect what link_table_build sorted; names resolve
		 * into the mapping or not at all. */
		link_table_export(lt, link_hash("time"), 0);
		for (size_t i = 0; i < lt->nimports; i++)
			link_table_string(&scan.file, lt->imports[i].name_off);
		for (size_t f = 0; f < lt->nfn; f++)
			link_table_string(&scan.file, lt->fn_names[f]);
		site_report_resolved(&scan.sites);
		site_report_distinct(&scan.sites);
	}
	elf_scan_free(&scan);
	close(fd);
	return 0;
}
