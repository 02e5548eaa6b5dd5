/* verdict/exit_codes.h — what else gives a container exit code, generated
 * from data/exit-codes.csv (sources there), for explain. */
#ifndef ABICHECK_VERDICT_EXIT_CODES_H
#define ABICHECK_VERDICT_EXIT_CODES_H

#include <stddef.h>

struct exit_code_cause {
	int code;
	const char *title, *why, *fix;
};

extern const struct exit_code_cause exit_code_causes[];
extern const size_t exit_code_causes_count;

#endif
