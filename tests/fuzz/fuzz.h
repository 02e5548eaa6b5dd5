/* tests/fuzz/fuzz.h — what the libFuzzer targets in this directory share.
 *
 * Several entry points read a path or an fd, not a buffer (ELF files are
 * mapped, .config and seccomp profiles are named on the command line), so
 * the input is handed to them as a memfd: no file on disk, nothing left
 * behind when a run is killed.  Failing to make one is the harness's
 * fault, not the input's, so it aborts.
 */
#ifndef ABICHECK_TESTS_FUZZ_H
#define ABICHECK_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Targets that keep file bodies write them to the private temp dir under
 * $TMPDIR: tmpfs when there is one, as the disk need not see them. */
static inline void fuzz_tmpdir_in_memory(void)
{
	if (access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 0);
}

/* A memfd holding `size` bytes of `data`, offset 0. */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("abicheck-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return fd;
}

/* The path under which fd can be opened again ("/proc/self/fd/N"). */
static inline const char *fuzz_fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

#endif
