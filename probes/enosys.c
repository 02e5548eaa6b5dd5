/* probes/enosys.c — see enosys.h.
 *
 * The argument every probe passes by default is -1 in every register: as
 * an fd it is EBADF, as a pointer it is outside user space (x86_64, arm64)
 * or in the never-mapped top page of a 32-bit space (int $0x80), as flags
 * it has every unknown bit set (EINVAL), as a size it overflows.  The
 * kernel checks these before acting; the tables below are the exceptions.
 */
#include "probes/enosys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"

#define PROBE_BAD (-1L)
#define CHILD_ALARM_SECONDS 10
#define PARENT_TIMEOUT_MS 15000

/* Calls that act whatever their arguments are, or that would break the
 * probe itself.  Their availability comes from kallsyms alone. */
static const struct {
	const char *name, *reason;
} denylist[] = {
	{ "alarm", "replaces the probing child's own watchdog alarm" },
	{ "clone", "creates a process or thread once its flags pass: one check from a copy of the prober" },
	{ "clone2", "as clone" },
	{ "clone3", "as clone" },
	{ "execve", "replaces the child with another program once the path resolves" },
	{ "execveat", "as execve" },
	{ "exit", "ends the probing child whatever the arguments" },
	{ "exit_group", "as exit" },
	{ "fork", "takes no arguments: always creates a process" },
	{ "idle", "i386 before 2.3.13: turns the caller into the idle task" },
	{ "kill", "signals other processes; kill(-1, sig) reaches every process we may signal" },
	{ "pause", "takes no arguments: sleeps until a signal" },
	{ "reboot", "acts as soon as the magic numbers match; nothing is worth that risk" },
	{ "rt_sigqueueinfo", "signals another process (as kill)" },
	{ "rt_sigreturn", "loads a register frame from the stack: the child jumps to garbage" },
	{ "rt_tgsigqueueinfo", "signals another thread (as kill)" },
	{ "sigreturn", "as rt_sigreturn" },
	{ "sigsuspend", "i386: the mask is a value, so -1 blocks SIGALRM and sleeps for ever" },
	{ "ssetmask", "blocks every signal, the watchdog's SIGALRM included" },
	{ "sync", "takes no arguments: writes back every filesystem" },
	{ "tgkill", "signals another thread (as kill)" },
	{ "tkill", "signals another thread (as kill)" },
	{ "uprobe", "outside the uprobe trampoline the kernel kills the caller (SIGILL)" },
	{ "uretprobe", "outside the uretprobe trampoline the kernel kills the caller (SIGILL, 6.11+)" },
	{ "vfork", "takes no arguments: always creates a process and suspends the parent" },
	{ "vhangup", "takes no arguments: hangs up the controlling terminal (as root)" },
};

/* Calls where -1 is meaningful or where an invalid argument itself yields
 * ENOSYS (an unknown multiplexer operation), with the safe values used. */
static const struct {
	const char *name;
	long args[6];
	const char *why;
} overrides[] = {
	/* futex returns -ENOSYS for an unknown op: FUTEX_WAIT on a misaligned
	 * address fails with EINVAL instead. */
	{ "futex", { PROBE_BAD, 0, 0, PROBE_BAD, PROBE_BAD, 0 }, "unknown op is ENOSYS" },
	{ "futex_time64", { PROBE_BAD, 0, 0, PROBE_BAD, PROBE_BAD, 0 }, "as futex" },
	/* modify_ldt(func=-1) is ENOSYS; func 0 reads into a bad buffer. */
	{ "modify_ldt", { 0, PROBE_BAD, 16, 0, 0, 0 }, "unknown func is ENOSYS" },
	/* ipc(call=-1) is ENOSYS; SEMOP with nsops -1 is E2BIG. */
	{ "ipc", { 1, PROBE_BAD, PROBE_BAD, PROBE_BAD, PROBE_BAD, PROBE_BAD }, "unknown call is ENOSYS" },
	/* key -1 with IPC_CREAT in flags -1 would create an object. */
	{ "msgget", { PROBE_BAD, 0, 0, 0, 0, 0 }, "flags -1 include IPC_CREAT" },
	{ "semget", { PROBE_BAD, 0, 0, 0, 0, 0 }, "flags -1 include IPC_CREAT" },
	{ "shmget", { PROBE_BAD, 0, 0, 0, 0, 0 }, "flags -1 include IPC_CREAT" },
	/* nice(-1) raises priority as root. */
	{ "nice", { 0, 0, 0, 0, 0, 0 }, "-1 is a valid increment" },
};

const char *enosys_denied(const char *name)
{
	for (size_t i = 0; i < sizeof(denylist) / sizeof(denylist[0]); i++)
		if (!strcmp(denylist[i].name, name))
			return denylist[i].reason;
	return NULL;
}

static void probe_args(const char *name, long args[6])
{
	for (int i = 0; i < 6; i++)
		args[i] = PROBE_BAD;
	for (size_t i = 0; i < sizeof(overrides) / sizeof(overrides[0]); i++)
		if (!strcmp(overrides[i].name, name))
			memcpy(args, overrides[i].args, sizeof(overrides[i].args));
}

enum syscall_arch enosys_native_abi(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return SYSCALL_X86_64;
#elif defined(__i386__)
	return SYSCALL_I386;
#elif defined(__aarch64__)
	return SYSCALL_AARCH64;
#elif defined(__arm__)
	return SYSCALL_ARM;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return SYSCALL_PPC64LE;
#elif defined(__s390x__)
	return SYSCALL_S390X;
#elif defined(__riscv) && __riscv_xlen == 64
	return SYSCALL_RISCV64;
#else
	return SYSCALL_ARCH_NONE;
#endif
}

#if defined(__x86_64__) && !defined(__ILP32__)
/* The i386 entry from a 64-bit process: eax = nr, ebx ecx edx esi edi ebp.
 * rbp may be the frame pointer, so it is saved around the call, below the
 * red zone the compiler may be using. */
static long int80(long nr, const long a[6])
{
	long ret = nr;
	long a6 = a[5];

	__asm__ volatile("sub $128, %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %k[a6], %%ebp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "add $128, %%rsp"
			 : "+a"(ret)
			 : "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), [a6] "r"(a6)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return (int)ret; /* the result is a 32-bit value */
}
#endif

bool enosys_can_probe(enum syscall_arch abi)
{
	if (abi == enosys_native_abi() && abi != SYSCALL_ARCH_NONE)
		return true;
#if defined(__x86_64__) && !defined(__ILP32__)
	return abi == SYSCALL_I386;
#else
	return false;
#endif
}

/* -errno style result of one call in `abi`. */
static long issue(enum syscall_arch abi, long nr, const long a[6])
{
#if defined(__x86_64__) && !defined(__ILP32__)
	if (abi == SYSCALL_I386)
		return int80(nr, a);
#endif
	(void)abi;
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r == -1 ? -errno : r;
}

struct probe_record {
	uint32_t pos;   /* position in the batch */
	int32_t result; /* 0 or -errno */
};

static void child_setup(void)
{
	sigset_t all;

	/* Dies with abicheck; SIGALRM kills it if a call blocks. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	alarm(CHILD_ALARM_SECONDS);
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		p += w;
		len -= (size_t)w;
	}
}

/* The child: probes entries idx[from..n) in order, one record each. */
static void __attribute__((noreturn))
child_run(enum syscall_arch abi, const size_t *idx, size_t from, size_t n, int wfd)
{
	const struct syscall_table *t = &syscall_tables[abi];

	child_setup();
	for (size_t i = from; i < n; i++) {
		const struct syscall_entry *e = &t->entries[idx[i]];
		struct probe_record rec = { .pos = (uint32_t)i };
		long args[6], r;

		probe_args(e->name, args);
		r = issue(abi, e->nr, args);
		rec.result = r < 0 && r >= -4095 ? (int32_t)r : 0;
		write_all(wfd, &rec, sizeof(rec));
	}
	_exit(0);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Reads records until EOF or the timeout (then kills the child); reaps it.
 * Returns the position after the last record, or -1 if the child could not
 * be started. */
static long run_batch(enum syscall_arch abi, const size_t *idx, size_t from, size_t n,
		      uint8_t *avail, struct ac_error *err)
{
	int fds[2], status;
	pid_t pid;
	size_t next = from;
	struct timespec start;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child_run(abi, idx, from, n, fds[1]);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		struct probe_record rec;
		long left = PARENT_TIMEOUT_MS - elapsed_ms(&start);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			break;
		}
		r = read(fds[0], &rec, sizeof(rec));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof(rec) || rec.pos != next)
			break; /* EOF: done or died; a short record is a dying child */
		avail[idx[next]] = rec.result == -ENOSYS ? AVAIL_NO : AVAIL_YES;
		next++;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return (long)next;
}

int enosys_probe(enum syscall_arch abi, const size_t *idx, size_t n, uint8_t *avail,
		 struct ac_error *err)
{
	size_t *todo = xcalloc(n + 1, sizeof(*todo)), m = 0, from = 0;
	const struct syscall_table *t = &syscall_tables[abi];
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (!enosys_denied(t->entries[idx[i]].name))
			todo[m++] = idx[i];
	while (from < m) {
		long next = run_batch(abi, todo, from, m, avail, err);

		if (next < 0) {
			rc = -1;
			break;
		}
		/* The entry after the last record killed the child (or hung):
		 * it stays AVAIL_UNKNOWN and a new child takes the rest. */
		if ((size_t)next < m)
			avail[todo[next]] = AVAIL_UNKNOWN;
		from = (size_t)next + 1;
	}
	free(todo);
	return rc;
}

enum tristate enosys_abi_executes(enum syscall_arch abi)
{
	const struct syscall_entry *e = syscall_by_name(abi, "getpid");
	size_t idx;
	uint8_t *avail;
	struct ac_error err;
	enum tristate r;

	if (!e || !enosys_can_probe(abi))
		return TRI_UNKNOWN;
	idx = (size_t)(e - syscall_tables[abi].entries);
	avail = xcalloc(syscall_tables[abi].count + 1, 1);
	if (enosys_probe(abi, &idx, 1, avail, &err) < 0)
		r = TRI_UNKNOWN;
	else /* getpid cannot fail: a dead child means the entry is not there */
		r = avail[idx] == AVAIL_YES ? TRI_YES : TRI_NO;
	free(avail);
	return r;
}
