/* common/error.c — see error.h. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ac_error_set(struct ac_error *err, enum ac_error_kind kind, int errnum,
		 const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	err->kind = kind;
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (errnum && len + 3 < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
			 strerror(errnum));
	return -1;
}

int ac_error_wrap(struct ac_error *err, const char *fmt, ...)
{
	char prefix[AC_ERROR_MAX];
	char old[AC_ERROR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation keeps the prefix: the outermost context matters most. */
	size_t plen = strnlen(prefix, sizeof(err->msg) - 3);
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, ": ", 2);
	size_t room = sizeof(err->msg) - plen - 3;
	size_t olen = strnlen(old, room);
	memcpy(err->msg + plen + 2, old, olen);
	err->msg[plen + 2 + olen] = '\0';
	return -1;
}

void ac_error_clear(struct ac_error *err)
{
	err->kind = AC_ERR_NONE;
	err->errnum = 0;
	err->msg[0] = '\0';
}
