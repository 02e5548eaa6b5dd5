/* common/tempdir.c — see tempdir.h. */
#include "common/tempdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig) { caught_signal = sig; }

void ac_signals_install(void)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns EINTR so we notice promptly. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

bool ac_interrupted(void) { return caught_signal != 0; }

void ac_signals_reraise(void)
{
	int sig = caught_signal;

	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

int ac_tempdir_create(struct ac_tempdir *td, const char *parent,
		      struct ac_error *err)
{
	if (!parent || !*parent)
		parent = getenv("TMPDIR");
	if (!parent || !*parent)
		parent = "/tmp";
	td->dirfd = -1;
	td->next_name = 0;
	if (snprintf(td->path, sizeof(td->path), "%s/abicheck.XXXXXX", parent) >=
	    (int)sizeof(td->path))
		return ac_error_set(err, AC_ERR_USAGE, 0,
				    "temporary directory parent too long");
	if (!mkdtemp(td->path)) {
		int e = errno;
		td->path[0] = '\0';
		return ac_error_set(err, AC_ERR_SYSTEM, e,
				    "cannot create temporary directory in %s",
				    parent);
	}
	td->dirfd = open(td->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (td->dirfd < 0) {
		int e = errno;
		ac_tempdir_remove(td);
		return ac_error_set(err, AC_ERR_SYSTEM, e, "open %s", td->path);
	}
	return 0;
}

int ac_tempdir_new_file(struct ac_tempdir *td, char *name_out,
			struct ac_error *err)
{
	int fd;

	snprintf(name_out, 24, "%lu", td->next_name++);
	fd = openat(td->dirfd, name_out,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno,
				    "create %s/%s", td->path, name_out);
	return fd;
}

/* Only files we created live here (flat, generated names), so one level of
 * unlinkat is the whole tree. */
void ac_tempdir_remove(struct ac_tempdir *td)
{
	DIR *d;
	struct dirent *de;

	if (td->dirfd >= 0) {
		int fd = dup(td->dirfd);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (d) {
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					unlinkat(td->dirfd, de->d_name, 0);
			closedir(d);
		} else if (fd >= 0) {
			close(fd);
		}
		close(td->dirfd);
		td->dirfd = -1;
	}
	if (td->path[0]) {
		rmdir(td->path);
		td->path[0] = '\0';
	}
}
