/* cli/main.c — argument parsing and dispatch; see cli.h. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/cache.h"
#include "analyzer/prefetch.h"
#include "cli/cli.h"
#include "common/tempdir.h"

#ifndef ABICHECK_VERSION
#define ABICHECK_VERSION "0.1.0-dev"
#endif

enum {
	OPT_FILE = 256, OPT_PLATFORM, OPT_FILES, OPT_ALLOW_SPECIAL, OPT_TMPDIR,
	OPT_MAX_BYTES, OPT_MAX_ENTRIES, OPT_MAX_RATIO, OPT_MAX_LAYERS, OPT_MAX_JSON,
	OPT_MAX_FILE, OPT_VERSION, OPT_REACH, OPT_NO_CACHE, OPT_CACHE_DIR, OPT_KERNEL_VERSION,
	OPT_ARCH, OPT_LIBSECCOMP, OPT_CAP_ADD, OPT_KERNEL_CONFIG, OPT_PROFILE,
	OPT_KERNEL_CMDLINE, OPT_SECCOMP, OPT_FAIL_ON, OPT_ALL, OPT_ENTRYPOINT_ONLY,
	OPT_FROM, OPT_INSECURE_REGISTRY, OPT_TLS_CA, OPT_REGISTRY_TIMEOUT, OPT_REGISTRY_RETRIES,
};

/* More threads than this buys nothing but memory. */
#define JOBS_MAX 256

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "files", no_argument, NULL, OPT_FILES },
	{ "reach", no_argument, NULL, OPT_REACH },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "kernel-version", required_argument, NULL, OPT_KERNEL_VERSION },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "kernel-config", required_argument, NULL, OPT_KERNEL_CONFIG },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "kernel-cmdline", required_argument, NULL, OPT_KERNEL_CMDLINE },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "entrypoint-only", no_argument, NULL, OPT_ENTRYPOINT_ONLY },
	{ "jobs", required_argument, NULL, 'j' },
	{ "libseccomp", required_argument, NULL, OPT_LIBSECCOMP },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "allow-special", no_argument, NULL, OPT_ALLOW_SPECIAL },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
	{ "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
	{ "max-layers", required_argument, NULL, OPT_MAX_LAYERS },
	{ "max-json-bytes", required_argument, NULL, OPT_MAX_JSON },
	{ "max-file-bytes", required_argument, NULL, OPT_MAX_FILE },
	{ "insecure-registry", required_argument, NULL, OPT_INSECURE_REGISTRY },
	{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
	{ "registry-timeout", required_argument, NULL, OPT_REGISTRY_TIMEOUT },
	{ "registry-retries", required_argument, NULL, OPT_REGISTRY_RETRIES },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
	"usage: abicheck [SUBCOMMAND] IMAGE [OPTIONS] [-- CMD ARGS]\n"
	"\n"
	"Predicts whether the programs of a container image will run on a kernel.\n"
	"\n"
	"Subcommands:\n"
	"  [check] IMAGE [-- CMD ARGS]  the main job (the default): will the image's\n"
	"                     command (CMD, else Entrypoint+Cmd) and every other\n"
	"                     program run on the target kernel and runtime? Per\n"
	"                     program: verdict, exit code, why, the evidence chain\n"
	"  explain EXIT_CODE IMAGE [-- CMD ARGS]  what makes the command exit with\n"
	"                     that code on the target, most likely cause first,\n"
	"                     each with the fix\n"
	"  inspect IMAGE      image summary and every ELF file of its flattened view\n"
	"  scan IMAGE [PATH...]  ELF facts, syscall sites, vsyscall/vDSO use and\n"
	"                     library resolution of every ELF file (or of PATHs)\n"
	"  kernel-config [FILE]  moby's check-config.sh over a kernel .config (plain or\n"
	"                     gzip; default: this machine's, found like the script),\n"
	"                     plus the Container ABI checks (vsyscall, IA32, x32,\n"
	"                     page size, binfmt_misc, seccomp, user namespaces)\n"
	"  probe              the live kernel profile of this machine: release, ABIs\n"
	"                     and their syscalls, vsyscall, vDSO, binfmt_misc, seccomp,\n"
	"                     cgroup, container (schema abicheck.profile/v1)\n"
	"  seccomp [SPEC] [[ABI/]SYSCALL[:a0=V,a1=V...]...]  what the runtime's\n"
	"                     seccomp filter answers per syscall, and why (every\n"
	"                     syscall of the arch when none is given); SPEC:\n"
	"                     docker[:VERSION] (default docker) | podman[:VERSION] |\n"
	"                     unconfined | FILE.json\n"
	"\n"
	"IMAGE: dir:PATH | docker-archive:FILE[:NAME:TAG|:@N] | oci:DIR[:TAG] |\n"
	"       oci-archive:FILE[:TAG] | docker:NAME[:TAG] (the docker engine at\n"
	"       $DOCKER_HOST, else /var/run/docker.sock) | podman:NAME[:TAG] or\n"
	"       containers-storage:NAME[:TAG] (podman's API service at $CONTAINER_HOST,\n"
	"       else its default socket) | registry:REF | a bare path (sniffed) |\n"
	"       a bare reference [HOST[:PORT]/]NAME[:TAG][@DIGEST]: a local engine\n"
	"       that has it (docker, then podman), else its registry (centos:6 is\n"
	"       docker.io/library/centos:6)\n"
	"\n"
	"Options:\n"
	"  -o, --output table|json|sarif  output format (default table; sarif: the\n"
	"                            main job only)\n"
	"      --file PATH           write the report to PATH instead of stdout\n"
	"      --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform\n"
	"                            index (default: the host's)\n"
	"      --from docker|podman|registry  where a bare reference is read from\n"
	"                            (default: the first local engine that has it)\n"
	"      --files               inspect: list every entry, not only ELF files\n"
	"      --reach               scan: what each program reaches through its\n"
	"                            libraries, with one shortest chain per item\n"
	"      --no-cache            analyse every file afresh; read and write no\n"
	"                            cache entries\n"
	"      --cache-dir DIR       analysis cache (default $XDG_CACHE_HOME/abicheck,\n"
	"                            else ~/.cache/abicheck)\n"
	"      --kernel-version X.Y  kernel-config: version for the script's version\n"
	"                            conditions (default: the config header's);\n"
	"                            seccomp: host kernel for minKernel (default: uname)\n"
	"      --arch A              seccomp: the host's arch (default: this host's)\n"
	"      --kernel-config FILE  check, probe: the target is the kernel this .config\n"
	"                            (plain or gzip) describes, not this machine's\n"
	"      --profile FILE        check, probe: a profile saved with probe -o json\n"
	"      --kernel-version X.Y  check, probe: the target is that upstream version\n"
	"                            (syscalls from the version table, defaults assumed)\n"
	"      --kernel-cmdline \"P=V ...\"  check, probe: boot parameters applied to the\n"
	"                            target (vsyscall=none|xonly|emulate, vdso=0,\n"
	"                            ia32_emulation=0)\n"
	"      --seccomp SPEC        check: the runtime's filter (default docker, the\n"
	"                            newest; docker:VERSION, podman[:VERSION],\n"
	"                            unconfined, FILE.json)\n"
	"      --fail-on fail|warn|never  check: exit 1 when a finding reaches this\n"
	"                            severity (default fail)\n"
	"      --entrypoint-only     check: only the image's command, not every program\n"
	"  -j, --jobs N              analysis threads (default: the online CPUs)\n"
	"      --all                 check: every program too (the default)\n"
	"      --libseccomp VER      seccomp: the host's libseccomp (default: linked)\n"
	"      --cap-add CAP[,CAP]   seccomp: capabilities added to the runtime's\n"
	"                            default set (ALL for every one)\n"
	"      --allow-special       record device nodes/FIFOs in layers instead of\n"
	"                            refusing the image\n"
	"      --tmpdir DIR          parent of the private temporary directory\n"
	"      --max-bytes N         cap on uncompressed layer bytes (default 64G)\n"
	"      --max-entries N       cap on layer entries (default 4000000)\n"
	"      --max-ratio N         cap on a blob's decompression ratio (default 1000)\n"
	"      --max-layers N        cap on layers (default 256)\n"
	"      --max-json-bytes N    cap on a manifest/index/config (default 4M), and\n"
	"                            on its JSON values: one per 16 bytes of N\n"
	"      --max-file-bytes N    cap on one kept ELF file (default 4G)\n"
	"                            (fixed limits: man abicheck, LIMITS)\n"
	"      --insecure-registry HOST[:PORT]  registry: plain HTTP, or TLS without\n"
	"                            verification, for this host (repeatable;\n"
	"                            loopback hosts may be plain HTTP anyway)\n"
	"      --tls-ca FILE         registry: CA certificates (PEM) to verify with\n"
	"                            (default $SSL_CERT_FILE, else the system's)\n"
	"      --registry-timeout S  registry: seconds to connect, and at most without\n"
	"                            a byte (default 30)\n"
	"      --registry-retries N  registry: retries on 429, 5xx and network errors,\n"
	"                            with backoff 0.5 s, 1 s, 2 s... (default 4)\n"
	"      --version, -h/--help\n"
	"\n"
	"Exit status: 0 nothing predicted to fail, 1 predicted failure,\n"
	"2 usage or input error.\n";

static mode_t current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("abicheck: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see abicheck --help)\n", stderr);
	return EXIT_USAGE_OR_INPUT;
}

/* "64G", "4M", "1000" -> bytes/count. */
static int parse_count(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (*end || v == 0 || (shift && v > (~0ull >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static int set_limit(int opt, const char *arg, struct image_limits *l)
{
	unsigned long long v;
	uint64_t *fields[] = {
		[OPT_MAX_BYTES - OPT_MAX_BYTES] = &l->max_bytes,
		[OPT_MAX_ENTRIES - OPT_MAX_BYTES] = &l->max_entries,
		[OPT_MAX_RATIO - OPT_MAX_BYTES] = &l->max_ratio,
		[OPT_MAX_LAYERS - OPT_MAX_BYTES] = &l->max_layers,
		[OPT_MAX_JSON - OPT_MAX_BYTES] = &l->max_json_bytes,
		[OPT_MAX_FILE - OPT_MAX_BYTES] = &l->max_file_bytes,
	};

	if (parse_count(arg, &v) < 0)
		return -1;
	*fields[opt - OPT_MAX_BYTES] = v;
	return 0;
}

/* 0..max: --jobs, the registry's timeout and retries. */
static int parse_small(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int registry_option(int c, const char *arg, struct registry_options *r)
{
	switch (c) {
	case OPT_INSECURE_REGISTRY:
		if (r->ninsecure == REGISTRY_INSECURE_MAX)
			return usage_error("more than 16 --insecure-registry (%s)", arg);
		r->insecure[r->ninsecure++] = arg;
		return -1;
	case OPT_TLS_CA: r->http.ca_file = arg; return -1;
	case OPT_REGISTRY_TIMEOUT:
		if (parse_small(arg, 3600, &r->http.timeout) < 0 || !r->http.timeout)
			return usage_error("invalid --registry-timeout '%s' (1 to 3600 seconds)", arg);
		return -1;
	default:
		if (parse_small(arg, 20, &r->http.retries) < 0)
			return usage_error("invalid --registry-retries '%s' (0 to 20)", arg);
		return -1;
	}
}

/* Handles one option; returns -1 to continue, else an exit status. */
static int handle_option(int c, struct cli_options *o)
{
	struct ac_error err;

	switch (c) {
	case 'o':
		if (!strcmp(optarg, "table"))
			o->output = OUTPUT_TABLE;
		else if (!strcmp(optarg, "json"))
			o->output = OUTPUT_JSON;
		else if (!strcmp(optarg, "sarif"))
			o->output = OUTPUT_SARIF;
		else
			return usage_error("unknown output format '%s' (table, json or sarif)", optarg);
		return -1;
	case OPT_FILE: o->file = optarg; return -1;
	case OPT_PLATFORM:
		if (platform_parse(optarg, &o->image_opts.platform, &err) < 0)
			return usage_error("%s", err.msg);
		o->image_opts.platform_explicit = true;
		return -1;
	case OPT_FROM:
		if (image_from_parse(optarg, &o->image_opts.from) < 0)
			return usage_error("unknown --from '%s' (docker, podman or registry)", optarg);
		return -1;
	case OPT_FILES: o->list_files = true; return -1;
	case OPT_REACH: o->reach = true; return -1;
	case OPT_NO_CACHE: o->no_cache = true; return -1;
	case OPT_CACHE_DIR: o->cache_dir = optarg; return -1;
	case OPT_KERNEL_VERSION: {
		unsigned v[2];

		if (parse_kernel_version(optarg, v) < 0)
			return usage_error("invalid --kernel-version '%s' (X.Y, e.g. 6.1)", optarg);
		o->kernel_version = optarg;
		return -1;
	}
	case OPT_ARCH: o->arch = optarg; return -1;
	case OPT_KERNEL_CONFIG: o->kernel_config = optarg; return -1;
	case OPT_PROFILE: o->saved_profile = optarg; return -1;
	case OPT_KERNEL_CMDLINE: o->kernel_cmdline = optarg; return -1;
	case OPT_SECCOMP: o->seccomp = optarg; return -1;
	case OPT_FAIL_ON:
		if (!strcmp(optarg, "fail"))
			o->fail_on = 2;
		else if (!strcmp(optarg, "warn"))
			o->fail_on = 1;
		else if (!strcmp(optarg, "never"))
			o->fail_on = -1;
		else
			return usage_error("unknown --fail-on '%s' (fail, warn or never)", optarg);
		return -1;
	case OPT_ALL: o->entrypoint_only = false; return -1;
	case 'j':
		if (parse_small(optarg, JOBS_MAX, &o->jobs) < 0 || !o->jobs)
			return usage_error("invalid --jobs '%s' (1 to 256)", optarg);
		return -1;
	case OPT_ENTRYPOINT_ONLY: o->entrypoint_only = true; return -1;
	case OPT_LIBSECCOMP: o->libseccomp = optarg; return -1;
	case OPT_CAP_ADD: o->cap_add = optarg; return -1;
	case OPT_ALLOW_SPECIAL: o->image_opts.allow_special = true; return -1;
	case OPT_TMPDIR: o->image_opts.tmpdir = optarg; return -1;
	case OPT_MAX_BYTES: case OPT_MAX_ENTRIES: case OPT_MAX_RATIO:
	case OPT_MAX_LAYERS: case OPT_MAX_JSON: case OPT_MAX_FILE:
		if (set_limit(c, optarg, &o->image_opts.limits) < 0)
			return usage_error("invalid limit '%s' (a positive number, K/M/G/T allowed)",
					   optarg);
		return -1;
	case OPT_INSECURE_REGISTRY: case OPT_TLS_CA: case OPT_REGISTRY_TIMEOUT:
	case OPT_REGISTRY_RETRIES:
		return registry_option(c, optarg, &o->image_opts.registry);
	case OPT_VERSION: printf("abicheck %s\n", ABICHECK_VERSION); return EXIT_OK;
	case 'h': fputs(usage_text, stdout); return EXIT_OK;
	default: return usage_error("%s", "invalid option");
	}
}

/* Every subcommand: its entry point and what its positional arguments are. */
static const struct subcommand {
	const char *name;
	int (*run)(const struct cli_options *o, FILE *out);
	bool needs_image; /* else the positional (a FILE, a SPEC) is optional */
	bool takes_paths; /* more positionals after the first */
	bool no_positional; /* takes no positional at all (probe) */
} subcommands[] = {
	{ "check", cmd_check, true, false, false }, /* the default */
	{ "explain", cmd_explain, true, true, false }, /* EXIT_CODE IMAGE */
	{ "inspect", cmd_inspect, true, false, false },
	{ "scan", cmd_scan, true, true, false },
	{ "kernel-config", cmd_kernel_config, false, false, false },
	{ "probe", cmd_probe, false, false, true },
	{ "seccomp", cmd_seccomp, false, true, false },
};

static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static int parse_args(int argc, char **argv, struct cli_options *o)
{
	const struct subcommand *sc = NULL;

	int nopts = argc, c, rc;

	/* Options may follow IMAGE, but nothing after "--" is ours. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			nopts = i;
			o->cmd = argv + i + 1;
			o->ncmd = argc - i - 1;
			break;
		}
	opterr = 0;
	while ((c = getopt_long(nopts, argv, "o:hj:", long_opts, NULL)) != -1) {
		if (c == '?')
			return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		if ((rc = handle_option(c, o)) >= 0)
			return rc;
	}
	for (int i = optind; i < nopts; i++) {
		if (!o->subcommand && !o->image && (sc = find_subcommand(argv[i])))
			o->subcommand = argv[i];
		else if (sc && sc->no_positional)
			return usage_error("unexpected argument '%s'", argv[i]);
		else if (!o->image)
			o->image = argv[i];
		else if (sc && sc->takes_paths) {
			o->paths = argv + i; /* the rest, in order */
			o->npaths = nopts - i;
			break;
		} else
			return usage_error("unexpected argument '%s'", argv[i]);
	}
	if (!o->image && (!sc || sc->needs_image))
		return usage_error("%s", "missing IMAGE");
	return -1;
}

/* --file PATH: the report goes to a temp file beside PATH and is renamed
 * over it only when the run succeeds, so a rejected image never leaves an
 * empty or half-written report (or wipes the previous one). */
static FILE *open_output(const struct cli_options *o, char *tmp, size_t len)
{
	int fd;
	FILE *f;

	if (!o->file)
		return stdout;
	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", o->file) >= len) {
		fprintf(stderr, "abicheck: --file path too long\n");
		return NULL;
	}
	fd = mkstemp(tmp);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "abicheck: cannot write '%s': %s\n", o->file, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return NULL;
	}
	fchmod(fd, 0644 & ~current_umask());
	return f;
}

static int close_output(const struct cli_options *o, FILE *out, const char *tmp, int rc)
{
	if (out == stdout)
		return fflush(stdout) == 0 ? rc : EXIT_USAGE_OR_INPUT;
	if (fclose(out) != 0 && rc != EXIT_USAGE_OR_INPUT) {
		fprintf(stderr, "abicheck: error writing '%s'\n", o->file);
		rc = EXIT_USAGE_OR_INPUT;
	}
	if (rc == EXIT_USAGE_OR_INPUT || ac_interrupted()) {
		unlink(tmp);
	} else if (rename(tmp, o->file) != 0) {
		fprintf(stderr, "abicheck: cannot write '%s': %s\n", o->file, strerror(errno));
		unlink(tmp);
		rc = EXIT_USAGE_OR_INPUT;
	}
	return rc;
}

struct image *cli_image_open_quiet(const struct cli_options *o, struct analysis_cache *cache,
				   struct ac_error *err)
{
	struct image *img;
	struct image_options io = o->image_opts;
	/* One thread reads the layers; the others analyse what it keeps. */
	struct prefetch *pf = prefetch_start(cache, o->jobs > 1 ? o->jobs - 1 : 0);
	int rc;

	io.on_body = pf ? prefetch_body : NULL;
	io.on_body_arg = pf;
	rc = image_open(o->image, &io, &img, err);
	prefetch_finish(pf);
	return rc < 0 ? NULL : img;
}

void cli_image_warnings(const struct image *img)
{
	if (img->cache_warning[0])
		fprintf(stderr, "abicheck: warning: layer cache off: %s\n", img->cache_warning);
}

struct image *cli_image_open(const struct cli_options *o, struct analysis_cache *cache)
{
	struct ac_error err;
	struct image *img = cli_image_open_quiet(o, cache, &err);

	if (!img) {
		fprintf(stderr, "abicheck: %s\n", err.msg);
		return NULL;
	}
	cli_image_warnings(img);
	return img;
}

struct analysis_cache *cli_open_cache(const struct cli_options *o, struct analysis_cache *c)
{
	struct ac_error err;

	if (o->no_cache)
		return NULL;
	if (analysis_cache_open(c, o->cache_dir, &err) < 0) {
		fprintf(stderr, "abicheck: warning: analysis cache off: %s\n", err.msg);
		return NULL;
	}
	return c;
}

int main(int argc, char **argv)
{
	struct cli_options o = { .fail_on = 2 };
	char tmp[4096];
	FILE *out;
	int rc;

	setlocale(LC_CTYPE, "");
	/* A fixed threshold: glibc's sliding one rises to 32 MB after the
	 * first large free, after which a library's report (loaded and
	 * released again by the reach walks) lives in the heap, whose pages
	 * are never given back: the run's RSS became its high-water mark.
	 * Blocks of 64 kB and more are mapped and unmapped instead: a round
	 * of walks releases reports whose arrays (64 kB to 1 MB) left holes
	 * the next round's did not fit, 4 MB of free heap at the walk of
	 * clang (1 MB less peak on the large image; 2 700 mappings a run). */
	mallopt(M_MMAP_THRESHOLD, 64 << 10);
	image_options_default(&o.image_opts);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (!o.jobs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		o.jobs = cpus < 1 ? 1 : cpus > JOBS_MAX ? JOBS_MAX : (unsigned)cpus;
	}
	o.image_opts.use_cache = !o.no_cache;
	o.image_opts.cache_root = o.cache_dir;
	ac_signals_install();
	out = open_output(&o, tmp, sizeof(tmp));
	if (!out)
		return EXIT_USAGE_OR_INPUT;
	rc = (o.subcommand ? find_subcommand(o.subcommand) : &subcommands[0])->run(&o, out);
	rc = close_output(&o, out, tmp, rc);
	ac_signals_reraise();
	return rc;
}
