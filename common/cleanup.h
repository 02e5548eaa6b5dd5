/* common/cleanup.h — scoped cleanup (gcc/clang cleanup attribute), borrowed
 * from crun/systemd: early returns cannot leak fds or heap blocks. */
#ifndef ABICHECK_COMMON_CLEANUP_H
#define ABICHECK_COMMON_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void ac_freep(void *p) { free(*(void **)p); }
static inline void ac_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define cleanup_free __attribute__((cleanup(ac_freep)))
#define cleanup_close __attribute__((cleanup(ac_closep)))

/* Hand ownership out of a cleanup-scoped variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#endif
