/* common/xalloc.h — allocation that cannot return NULL.
 *
 * Out of memory is not an input error we can explain per image; like git and
 * strace we stop with one line.  Limits (images/limits.h) keep image-driven
 * allocations bounded long before this triggers.  atexit handlers (the
 * temporary directory) still run.
 */
#ifndef ABICHECK_COMMON_XALLOC_H
#define ABICHECK_COMMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *arr (element size `size`) so that index `need` fits. */
void xgrow(void **arr, size_t *cap, size_t need, size_t size);

#endif
