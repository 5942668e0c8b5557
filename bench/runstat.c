/* SPDX-License-Identifier: MIT */
/* runstat: run a command and report what it cost, for the stacml benchmark.
 *
 *   runstat OUTFILE COMMAND [ARGS...]
 *
 * Forks, execs COMMAND (standard streams inherited), waits with wait4 and
 * writes one line to OUTFILE:
 *
 *   WALL_SECONDS USER_SECONDS SYS_SECONDS MAXRSS_KB EXIT_STATUS ANON_KB FILE_KB
 *
 * MAXRSS_KB is the kernel's peak resident set size. ANON_KB and FILE_KB
 * are the largest RssAnon and RssFile seen in /proc/PID/status, sampled
 * every few milliseconds (0 when never sampled): they split the peak into
 * heap and stack against mapped files, such as an LMDB map, whose pages
 * the kernel can drop. The wait for the exit is not delayed by sampling:
 * SIGCHLD ends it at once.
 *
 * A small C parent matters for the peak RSS: on Linux the child's ru_maxrss
 * starts from the resident size of the process it was forked from (the
 * kernel keeps the old address space's high-water mark across exec), so a
 * Python or shell parent would inflate small figures. EXIT_STATUS is
 * 128+N when the command was killed by signal N. Exit status of runstat:
 * that of the command, or 127 when it cannot be run.
 *
 * Two more fields follow: SERVER_CPU_SECONDS, the CPU time the process
 * RUNSTAT_SERVER_PID (the benchmark's nginx) used while the command ran,
 * and MACHINE_BUSY, the share of all cores that was busy meanwhile (from
 * /proc/stat; time stolen by a hypervisor counts as not busy); -1 when
 * unknown. On a machine whose cores the server and the command share,
 * they tell a slow client from a busy server, and both from idle cores. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The current RssAnon and RssFile of pid, in kB; false when unreadable. */
static int sample(pid_t pid, long *anon, long *file)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int got = 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "RssAnon:", 8) == 0) {
            *anon = strtol(line + 8, NULL, 10);
            got |= 1;
        } else if (strncmp(line, "RssFile:", 8) == 0) {
            *file = strtol(line + 8, NULL, 10);
            got |= 2;
        }
    }
    fclose(f);
    return got == 3;
}

/* CPU seconds (user + system) process pid has used; -1 if unreadable. */
static double proc_cpu(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields after the command name, which may hold spaces: state is the
     * 3rd field, utime and stime the 14th and 15th. */
    char *p = strrchr(buf, ')');
    unsigned long long utime, stime;
    if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
                            "%llu %llu",
                     &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The machine's busy and total clock ticks so far, from /proc/stat. */
static int machine_ticks(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                     &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (got < 4)
        return 0;
    /* user nice system idle iowait irq softirq steal */
    *busy = v[0] + v[1] + v[2] + v[5] + v[6];
    *total = *busy + v[3] + v[4] + v[7];
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARGS...]\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 127;
    }
    /* Let the command see SIGINT/SIGTERM; runstat waits for it. */
    signal(SIGINT, SIG_IGN);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    const char *server = getenv("RUNSTAT_SERVER_PID");
    long server_pid = server ? strtol(server, NULL, 10) : 0;
    double server0 = server_pid > 0 ? proc_cpu(server_pid) : -1;
    unsigned long long busy0 = 0, total0 = 0, busy1 = 0, total1 = 0;
    int have_ticks = machine_ticks(&busy0, &total0);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 127;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    long max_anon = 0, max_file = 0;
    /* Sample every 5 ms until the child is gone. */
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            perror("wait4");
            return 127;
        }
        long anon, file;
        if (sample(pid, &anon, &file)) {
            if (anon > max_anon)
                max_anon = anon;
            if (file > max_file)
                max_file = file;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        sigtimedwait(&chld, NULL, &ts);
    }
    double wall = now() - t0;
    double server1 = server0 >= 0 ? proc_cpu(server_pid) : -1;
    double server_cpu = server1 >= 0 ? server1 - server0 : -1;
    double busy = -1;
    if (have_ticks && machine_ticks(&busy1, &total1) && total1 > total0)
        busy = (double)(busy1 - busy0) / (double)(total1 - total0);
    int code = WIFEXITED(status)     ? WEXITSTATUS(status)
               : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                     : 127;
    fprintf(out, "%.6f %.6f %.6f %ld %d %ld %ld %.3f %.4f\n", wall,
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
            ru.ru_maxrss, code, max_anon, max_file, server_cpu, busy);
    fclose(out);
    return code;
}
