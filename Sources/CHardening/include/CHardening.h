#ifndef ROLECALL_CHARDENING_H
#define ROLECALL_CHARDENING_H
#include <stddef.h>
/// Marks this process not dumpable (no core files, no ptrace by same-uid peers). Returns 0 or errno.
int rolecall_set_not_dumpable(void);
/// Sets RLIMIT_CORE to 0. Returns 0 or errno.
int rolecall_disable_core_dumps(void);
/// Locks the pages spanning [address, address+length) in memory. Returns 0 or errno.
int rolecall_lock_memory(const void *address, size_t length);
/// Unlocks pages locked by rolecall_lock_memory. Returns 0 or errno.
int rolecall_unlock_memory(const void *address, size_t length);
/// Excludes the pages spanning [address, address+length) from core dumps. Returns 0 or errno.
int rolecall_exclude_from_dumps(void *address, size_t length);
/// Overwrites memory with zeroes in a way the optimiser may not remove.
void rolecall_secure_zero(void *address, size_t length);
#include <sys/types.h>
/// Starts `path` with `argv` and `envp` in a child process (fork + execve) that:
/// restores RLIMIT_CORE to `core_soft`/`core_hard` (the supervisor set its own to 0),
/// restores the signal mask and ignored signals the process started with, and, when `own_process_group` is non-zero,
/// moves into a new process group, and, when `terminal_fd` is a terminal (not -1), makes that group
/// the terminal's foreground group, so the child owns the terminal (Ctrl-C reaches it alone).
/// Only the descriptors this process inherited, and `stdio`, reach the command: every other one is
/// close-on-exec in the child.
/// Returns the child's pid, or -1 with `*exec_errno` set to the errno of the failed fork or execve
/// (reported through a close-on-exec pipe).
pid_t rolecall_spawn(const char *path, char *const argv[], char *const envp[],
                     unsigned long long core_soft, unsigned long long core_hard,
                     int own_process_group, int terminal_fd, const int stdio[3], int *exec_errno);
/// Waits for `pid` to exit and returns its wait status. When the child stops (Ctrl-Z) while it
/// owns `terminal_fd`, the terminal is handed back and the supervisor stops too; when the shell
/// continues the supervisor, the terminal goes back to the child and the child continues.
int rolecall_wait_child(pid_t pid, int terminal_fd);
/// Makes this process a child subreaper: descendants orphaned by their parents are reparented to
/// it rather than to init, so it sees when the last process of its tree exits. Returns 0 or errno.
int rolecall_become_subreaper(void);
/// Waits for any child, the direct one or an adopted one, and returns its pid with its wait status in
/// `*status`; -1 with errno ECHILD when no child is left. Stops of `direct` while it owns
/// `terminal_fd` are handled as `rolecall_wait_child` does.
pid_t rolecall_wait_any(pid_t direct, int terminal_fd, int *status);
/// Whether this process has any child left (running or not yet reaped).
int rolecall_has_children(void);
/// This process's children (of every thread, from /proc/self/task/*/children), at most `capacity`
/// of them into `pids`. Returns how many, or -1 when the kernel does not list them.
int rolecall_list_children(pid_t *pids, int capacity);
/// Current RLIMIT_CORE, so the child can get back what the supervisor gave up.
void rolecall_core_limit(unsigned long long *soft, unsigned long long *hard);
/// Flushes every stdio stream, restores the signal mask and ignored signals the process started
/// with, makes every descriptor it did not inherit close-on-exec, then replaces the process image.
/// Returns only on failure (errno).
int rolecall_execve(const char *path, char *const argv[], char *const envp[]);
/// Runs `path` with `input` on its stdin (then closed) and its stdout captured into `output`
/// (at most `output_capacity` bytes; the rest is read and dropped), waits for it and gives its exit
/// status (128 + signal when killed). Returns 0, or the errno of a failed start.
int rolecall_run_capture(const char *path, char *const argv[], char *const envp[],
                         const unsigned char *input, size_t input_length,
                         unsigned char *output, size_t output_capacity, size_t *output_length,
                         int discard_stderr, int *exit_status);
#endif
