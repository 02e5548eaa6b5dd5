/* verdict/verdict.h — per program: will it run on the target, and if not,
 * how it fails and why.
 *
 * Owns the verdict records the failure rules (verdict/rule_*.c) fill and
 * the reports (verdict/report_*.c) print.  A finding is one rule firing for
 * one program, with what the user would see (exit code, signal, the
 * message glibc or the runtime prints), why, how to fix it, and the
 * evidence chain: binary -> import -> library function -> instruction ->
 * kernel fact.  A program's predicted exit code is that of its earliest
 * failing stage: exec (the kernel refuses the file) before the loader
 * (libraries, alignment, "kernel too old") before libc's start-up before
 * the program's own code.
 * Ownership: a program_verdict owns its strings and findings;
 * verdict_free() releases them.
 */
#ifndef ABICHECK_VERDICT_VERDICT_H
#define ABICHECK_VERDICT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

enum severity { SEV_NOTE, SEV_WARN, SEV_FAIL };

/* When a failure happens, earliest first. */
enum stage {
	STAGE_EXEC,    /* execve: binfmt, ELF class/machine */
	STAGE_LOADER,  /* ld.so: libraries, alignment, kernel version */
	STAGE_STARTUP, /* libc start-up: runs even for --version */
	STAGE_RUNTIME, /* when the program uses the feature */
};

enum outcome { OUTCOME_RUNS, OUTCOME_WARN, OUTCOME_FAILS, OUTCOME_UNKNOWN };

#define FINDING_CHAIN_MAX 56

struct finding {
	const char *rule;     /* static: "vsyscall", "kernel-too-old", "enosys", ... */
	enum severity severity;
	enum stage stage;
	int exit_code;        /* what docker run would report; 0 = none */
	const char *signal;   /* static "SIGSEGV", or NULL */
	char *message;        /* what the user sees on stderr, or NULL */
	char *reason;         /* why, one sentence */
	char *fix;            /* how to make it run, or NULL */
	char *chain[FINDING_CHAIN_MAX];
	size_t nchain;
};

enum program_role { ROLE_COMMAND, ROLE_ENTRYPOINT, ROLE_EXECUTABLE };

struct program_verdict {
	char *path;           /* in the image, "/usr/bin/bash" */
	char **argv;          /* the command checked (NULL for other executables) */
	int argc;
	enum program_role role;
	enum outcome outcome;
	int exit_code;        /* predicted exit status (0 = runs) */
	const char *signal;   /* of the deciding finding, or NULL */
	const struct finding *deciding; /* the failure that decides, or NULL */
	struct finding *findings;       /* sorted: severity desc, then stage */
	size_t nfindings, capfindings;
	char *error;          /* could not be analysed (outcome unknown) */
};

/* A new finding on pv (zeroed but for the given fields); strings copied. */
struct finding *verdict_add(struct program_verdict *pv, const char *rule, enum severity sev,
			    enum stage stage, int exit_code, const char *signal);
void finding_set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void finding_chain(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sorts the findings and decides outcome, exit_code and deciding. */
void verdict_finish(struct program_verdict *pv);
void verdict_free(struct program_verdict *pv);

const char *severity_name(enum severity s);
const char *stage_name(enum stage s);
const char *outcome_name(enum outcome o);
const char *role_name(enum program_role r);

#endif
