#define _GNU_SOURCE
#include "CHardening.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>
#include <sys/wait.h>

static void page_span(const void *address, size_t length, uintptr_t *start, size_t *span) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t begin = (uintptr_t)address & ~(page - 1);
    uintptr_t end = ((uintptr_t)address + length + page - 1) & ~(page - 1);
    *start = begin;
    *span = (size_t)(end - begin);
}

int rolecall_set_not_dumpable(void) {
#ifdef __linux__
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : errno;
#else
    return ENOSYS;
#endif
}

int rolecall_disable_core_dumps(void) {
    struct rlimit none = {0, 0};
    return setrlimit(RLIMIT_CORE, &none) == 0 ? 0 : errno;
}

int rolecall_lock_memory(const void *address, size_t length) {
    return mlock(address, length) == 0 ? 0 : errno;
}

int rolecall_unlock_memory(const void *address, size_t length) {
    return munlock(address, length) == 0 ? 0 : errno;
}

int rolecall_exclude_from_dumps(void *address, size_t length) {
#ifdef MADV_DONTDUMP
    uintptr_t start; size_t span;
    page_span(address, length, &start, &span);
    return madvise((void *)start, span, MADV_DONTDUMP) == 0 ? 0 : errno;
#else
    (void)address; (void)length; (void)page_span;
    return ENOSYS;
#endif
}

void rolecall_secure_zero(void *address, size_t length) {
    explicit_bzero(address, length);
}

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

// The signal mask and ignored signals this process started with, recorded before the Swift
// runtime, Dispatch or NIO change them (NIO ignores SIGPIPE; Dispatch threads block signals), so
// that a command started by rolecall gets what rolecall itself got (nohup keeps working).
static sigset_t initial_mask;
static sigset_t initially_ignored;

__attribute__((constructor)) static void rolecall_record_initial_signals(void) {
    sigprocmask(SIG_SETMASK, NULL, &initial_mask);
    sigemptyset(&initially_ignored);
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        struct sigaction current;
        if (sigaction(signal_number, NULL, &current) == 0 && current.sa_handler == SIG_IGN) {
            sigaddset(&initially_ignored, signal_number);
        }
    }
}

// The descriptors this process inherited (say `3>file` from the caller's shell), recorded before
// anything else opens one. They pass on to the commands rolecall starts; every other descriptor, which
// rolecall or a library opened (NIO's listening socket, its epoll and eventfd descriptors, a connection),
// is made close-on-exec before any execve. The device and inode tell an inherited descriptor from a
// later one that reuses its number after it was closed.
enum { max_inherited = 256 };
static struct { int fd; dev_t device; ino_t inode; } inherited[max_inherited];
static int inherited_count;

static void record_inherited_descriptor(int fd) {
    struct stat info;
    if (fd < 3 || inherited_count == max_inherited || fstat(fd, &info) != 0) return;
    inherited[inherited_count].fd = fd;
    inherited[inherited_count].device = info.st_dev;
    inherited[inherited_count].inode = info.st_ino;
    inherited_count++;
}

__attribute__((constructor)) static void rolecall_record_inherited_descriptors(void) {
    DIR *listing = opendir("/proc/self/fd");
    if (listing == NULL) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fcntl(fd, F_GETFD) >= 0) record_inherited_descriptor(fd);
        }
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end == '\0' && end != entry->d_name && fd != dirfd(listing)) record_inherited_descriptor((int)fd);
    }
    closedir(listing);
}

// Async-signal-safe: used between fork and execve too.
static void close_on_exec_all_but_inherited(void) {
#if defined(__linux__) && defined(CLOSE_RANGE_CLOEXEC)
    int marked = close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0;
#else
    int marked = 0;
#endif
    if (!marked) {
        // Kernels before 5.11: one descriptor at a time, up to the descriptor limit.
        struct rlimit limit;
        int highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (1 << 20) ? (int)limit.rlim_cur : (1 << 20);
        for (int fd = 3; fd < highest; fd++) {
            int flags = fcntl(fd, F_GETFD);
            if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
    for (int index = 0; index < inherited_count; index++) {
        struct stat info;
        int fd = inherited[index].fd;
        if (fstat(fd, &info) == 0 && info.st_dev == inherited[index].device && info.st_ino == inherited[index].inode) {
            fcntl(fd, F_SETFD, 0);
        }
    }
}

// Async-signal-safe: used between fork and execve too.
static void restore_initial_signals(void) {
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        signal(signal_number, sigismember(&initially_ignored, signal_number) ? SIG_IGN : SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &initial_mask, NULL);
}

void rolecall_core_limit(unsigned long long *soft, unsigned long long *hard) {
    struct rlimit current;
    if (getrlimit(RLIMIT_CORE, &current) != 0) {
        *soft = 0; *hard = 0;
        return;
    }
    *soft = (unsigned long long)current.rlim_cur;
    *hard = (unsigned long long)current.rlim_max;
}

int rolecall_execve(const char *path, char *const argv[], char *const envp[]) {
    fflush(NULL);
    sigset_t all, previous;
    sigfillset(&all);
    // Block everything while dispositions are reset, so no handler of ours runs half-way.
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    restore_initial_signals();
    close_on_exec_all_but_inherited();
    execve(path, argv, envp);
    int failure = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return failure;
}

// Makes `from` the child's descriptor `to` across execve: dup2, or, when it already is `to`, clearing
// the close-on-exec flag it was created with. Async-signal-safe.
static void place_descriptor(int from, int to) {
    if (from == to) fcntl(to, F_SETFD, 0);
    else dup2(from, to);
}

pid_t rolecall_spawn(const char *path, char *const argv[], char *const envp[],
                     unsigned long long core_soft, unsigned long long core_hard,
                     int own_process_group, int terminal_fd, const int stdio[3], int *exec_errno) {
    int report[2];
    *exec_errno = 0;
    if (pipe2(report, O_CLOEXEC) != 0) { *exec_errno = errno; return -1; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        *exec_errno = errno;
        close(report[0]); close(report[1]);
        return -1;
    }
    if (pid == 0) {
        // Only async-signal-safe calls between fork and execve.
        struct rlimit core = {(rlim_t)core_soft, (rlim_t)core_hard};
        setrlimit(RLIMIT_CORE, &core);
        if (own_process_group) {
            setpgid(0, 0);
            if (terminal_fd >= 0) {
                signal(SIGTTOU, SIG_IGN);  // a background group may not take the terminal otherwise
                tcsetpgrp(terminal_fd, getpid());
            }
        }
        for (int fd = 0; fd < 3; fd++) {
            if (stdio != NULL && stdio[fd] >= 0) place_descriptor(stdio[fd], fd);
        }
        restore_initial_signals();
        close_on_exec_all_but_inherited();
        execve(path, argv, envp);
        int failure = errno;
        ssize_t ignored = write(report[1], &failure, sizeof failure);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    if (own_process_group) {
        // Both sides, so neither races the other.
        setpgid(pid, pid);
        if (terminal_fd >= 0) tcsetpgrp(terminal_fd, pid);
    }
    int failure = 0;
    ssize_t got;
    do { got = read(report[0], &failure, sizeof failure); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *exec_errno = failure;
        return -1;
    }
    return pid;
}

// The child stopped (Ctrl-Z) while it owned the terminal: give the terminal back to our group and
// stop like a job would; once the shell continues us (fg), the child gets it back and continues.
static void stop_with_child(pid_t pid, int terminal_fd) {
    tcsetpgrp(terminal_fd, getpgrp());
    kill(getpid(), SIGSTOP);
    tcsetpgrp(terminal_fd, pid);
    kill(-pid, SIGCONT);
}

int rolecall_wait_child(pid_t pid, int terminal_fd) {
    for (;;) {
        int status = 0;
        pid_t waited = waitpid(pid, &status, terminal_fd >= 0 ? WUNTRACED : 0);
        if (waited < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (!WIFSTOPPED(status)) return status;
        stop_with_child(pid, terminal_fd);
    }
}

int rolecall_become_subreaper(void) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
#else
    return ENOSYS;
#endif
}

pid_t rolecall_wait_any(pid_t direct, int terminal_fd, int *status_out) {
    for (;;) {
        int status = 0;
        pid_t waited = waitpid(-1, &status, terminal_fd >= 0 ? WUNTRACED : 0);
        if (waited < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (WIFSTOPPED(status)) {
            // Only the direct child owns the terminal; another process that stops stays stopped.
            if (waited == direct) stop_with_child(direct, terminal_fd);
            continue;
        }
        *status_out = status;
        return waited;
    }
}

int rolecall_list_children(pid_t *pids, int capacity) {
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) return -1;
    int count = 0;
    int listed = 0;
    struct dirent *task;
    while ((task = readdir(tasks)) != NULL) {
        if (task->d_name[0] == '.') continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%s/children", task->d_name);
        FILE *children = fopen(path, "re");
        if (children == NULL) continue;
        listed = 1;
        long pid;
        while (fscanf(children, "%ld", &pid) == 1) {
            if (count < capacity) pids[count] = (pid_t)pid;
            count++;
        }
        fclose(children);
    }
    closedir(tasks);
    if (!listed) return -1;
    return count < capacity ? count : capacity;
}

int rolecall_has_children(void) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    // WNOWAIT: look without reaping; fails with ECHILD when there is no child at all.
    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

int rolecall_run_capture(const char *path, char *const argv[], char *const envp[],
                         const unsigned char *input, size_t input_length,
                         unsigned char *output, size_t output_capacity, size_t *output_length,
                         int discard_stderr, int *exit_status) {
    int in[2], out[2];
    *output_length = 0;
    if (pipe2(in, O_CLOEXEC) != 0) return errno;
    if (pipe2(out, O_CLOEXEC) != 0) { int e = errno; close(in[0]); close(in[1]); return e; }
    int null_fd = discard_stderr ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
    unsigned long long core_soft, core_hard;
    rolecall_core_limit(&core_soft, &core_hard);
    const int stdio[3] = {in[0], out[1], null_fd};
    int failure = 0;
    pid_t pid = rolecall_spawn(path, argv, envp, core_soft, core_hard, 0, -1, stdio, &failure);
    close(in[0]); close(out[1]);
    if (null_fd >= 0) close(null_fd);
    if (pid < 0) { close(in[1]); close(out[0]); return failure; }
    // A child that exits without reading its input must not end this process with SIGPIPE: the
    // signal is blocked for the write and a pending one taken back before unblocking.
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    size_t written = 0;
    while (written < input_length) {
        ssize_t n = write(in[1], input + written, input_length - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += (size_t)n;
    }
    struct timespec no_wait = {0, 0};
    while (sigtimedwait(&pipe_only, NULL, &no_wait) == SIGPIPE) {}
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(in[1]);
    for (;;) {
        unsigned char discard[512];
        unsigned char *target = *output_length < output_capacity ? output + *output_length : discard;
        size_t room = *output_length < output_capacity ? output_capacity - *output_length : sizeof discard;
        ssize_t n = read(out[0], target, room);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (target != discard) *output_length += (size_t)n;
    }
    close(out[0]);
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
    if (waited < 0) return errno;
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}
