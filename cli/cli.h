/* cli/cli.h — the command line: options shared by every subcommand and the
 * subcommands' entry points.  Conventions (README, man/abicheck.1):
 *   abicheck [SUBCOMMAND] IMAGE [-- CMD ARGS]
 *   -o table|json, --file PATH; exit 0 = nothing predicted to fail,
 *   1 = predicted failure, 2 = usage or input error.
 */
#ifndef ABICHECK_CLI_CLI_H
#define ABICHECK_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "images/image.h"
#include "probes/profile.h"
#include "probes/seccomp.h"
#include "probes/source.h"
#include "syscalls/table.h"

#define EXIT_OK 0
#define EXIT_PREDICTED_FAILURE 1
#define EXIT_USAGE_OR_INPUT 2

enum output_format { OUTPUT_TABLE, OUTPUT_JSON, OUTPUT_SARIF };

struct cli_options {
	const char *subcommand;
	const char *image;
	char **cmd; /* after "--", NULL-terminated, may be empty */
	int ncmd;
	enum output_format output;
	const char *file;
	bool list_files; /* inspect --files */
	bool reach;      /* scan --reach */
	bool no_cache;   /* --no-cache */
	const char *cache_dir; /* --cache-dir, NULL = $XDG_CACHE_HOME/abicheck */
	char **paths;    /* scan: image paths to analyse (NULL = every ELF) */
	const char *kernel_version; /* kernel-config, seccomp: --kernel-version X.Y */
	const char *kernel_config;  /* probe --kernel-config FILE */
	const char *saved_profile;  /* probe --profile FILE */
	int npaths;
	const char *arch;           /* seccomp --arch */
	const char *libseccomp;     /* seccomp --libseccomp VERSION */
	const char *cap_add;        /* seccomp --cap-add CAP[,CAP] */
	const char *kernel_cmdline; /* --kernel-cmdline "vsyscall=none ..." */
	const char *seccomp;        /* --seccomp SPEC for the main job */
	int fail_on;                /* --fail-on: enum severity, or -1 = never */
	bool entrypoint_only;       /* --entrypoint-only */
	unsigned jobs;              /* -j/--jobs: analysis threads (default: online CPUs) */
	struct image_options image_opts;
};

/* Opens the image the options name; on failure prints the one-line error
 * and returns NULL.  A layer cache that could not be used is a warning.
 * With an analysis cache, the ELF files of streamed layers are analysed
 * into it while the layers are read (analyzer/prefetch.h). */
struct analysis_cache;
struct image *cli_image_open(const struct cli_options *o, struct analysis_cache *cache);
/* The same without printing: NULL with *err set; the warnings are
 * printed by cli_image_warnings. */
struct image *cli_image_open_quiet(const struct cli_options *o, struct analysis_cache *cache,
				   struct ac_error *err);
void cli_image_warnings(const struct image *img);

/* The on-disk analysis cache, unless --no-cache; one that cannot be set
 * up costs speed, never the run (a warning).  NULL when off. */
struct analysis_cache *cli_open_cache(const struct cli_options *o, struct analysis_cache *c);

/* The kernel source the options name, with where a live probe may keep
 * what lasts a boot (cli/target.c). */
struct profile_source cli_profile_source(const struct cli_options *o);

/* The target of check and explain (cli/target.c). */
struct live_probe;
struct cli_target {
	struct kernel_profile profile;
	struct seccomp_model *seccomp;
	struct live_probe *probe; /* still running: see cli_target_ready */
};
struct report_target;
int cli_target_build(const struct cli_options *o, struct cli_target *t, struct ac_error *err);
void cli_target_report(const struct cli_target *t, struct report_target *rt);
void cli_target_free(struct cli_target *t);
/* Both (a bad target costs no image read); on failure the error is
 * printed, the target's first, nothing is left to free, and NULL
 * returned.  The live probe may still be running on return: the profile
 * is complete once cli_target_ready returned 0 (-1: the probe failed, its
 * error printed); until then only t->seccomp may be used. */
struct image *cli_target_and_image(const struct cli_options *o, struct cli_target *t,
				   struct analysis_cache *cache);
int cli_target_ready(const struct cli_options *o, struct cli_target *t);

int cmd_check(const struct cli_options *o, FILE *out);
int cmd_explain(const struct cli_options *o, FILE *out);
int cmd_inspect(const struct cli_options *o, FILE *out);
int cmd_scan(const struct cli_options *o, FILE *out);
/* image is the optional FILE (NULL: find the config like check-config.sh). */
int cmd_kernel_config(const struct cli_options *o, FILE *out);

/* "6.1", "6.1.0-13-amd64" -> {6, 1}; -1 when it is not a version. */
int parse_kernel_version(const char *s, unsigned v[2]);
int cmd_probe(const struct cli_options *o, FILE *out);
int cmd_seccomp(const struct cli_options *o, FILE *out);

/* "x86_64", "amd64", "armhf"… -> arch; -1 if unknown. */
int cli_parse_arch(const char *s, enum syscall_arch *out);

/* "1.2 MB" style, for tables. */
void format_size(unsigned long long bytes, char *buf, size_t len);

#endif
