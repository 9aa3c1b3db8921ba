/* Runtime test plugin whose prove leaves things behind for the runner to
 * clean up (tests/unit/test_reliability.c, tests/cli/test_run_reliability.sh).
 * Option mode:
 *   orphan        start a grandchild in a session of its own (setsid(), its
 *                 parent exits) that sleeps for a minute; prove succeeds;
 *   orphan_crash  the same, then prove crashes (SIGSEGV);
 *   orphan_hang   the same, then prove sleeps for a minute (to be stopped);
 *   deep          a directory chain deeper than PATH_MAX in the scratch
 *                 directory, a file at its bottom; prove succeeds;
 *   chatty        writes `mib` MiB to stdout, numbered lines, then the line
 *                 "END OF OUTPUT" to stderr; prove succeeds.
 * The grandchild's pid is reported as info orphan_pid, and written to the
 * file $ZKB_TEST_ORPHAN_PID_FILE names, if set (a cell stopped before its end
 * has no record). */
#include "runtime_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const zkb_option_decl opts[] = {
    {"mode", ZKB_OPT_STRING, "orphan", "orphan|orphan_crash|orphan_hang|deep|chatty", "what prove leaves behind"},
    {"mib", ZKB_OPT_INT, "8", NULL, "MiB of output (chatty)"},
};

static char mode[32] = "orphan";
static long long mib = 8;

static zkb_status lb_set_option(void *state, const char *key, const zkb_option_value *v)
{
    (void)state;
    if (strcmp(key, "mode") == 0)
        snprintf(mode, sizeof mode, "%s", v->s);
    if (strcmp(key, "mib") == 0)
        mib = v->i;
    return ZKB_OK;
}

static void sleep_s(int s)
{
    struct timespec ts = {s, 0};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The grandchild's pid, or -1. */
static long orphan(void)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t child = fork();
    if (child == 0) {
        setsid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            close(p[0]);
            close(p[1]);
            sleep_s(60);
            _exit(0);
        }
        long g = grandchild;
        ssize_t w = write(p[1], &g, sizeof g);
        (void)w;
        _exit(0);
    }
    close(p[1]);
    long g = -1;
    if (child < 0 || read(p[0], &g, sizeof g) != (ssize_t)sizeof g)
        g = -1;
    close(p[0]);
    if (child > 0)
        waitpid(child, NULL, 0);
    return g;
}

static zkb_status deep(rt_state *s)
{
    char name[201];
    memset(name, 'd', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    int fd = open(host->scratch_dir(s->h), O_RDONLY | O_DIRECTORY);
    for (int i = 0; fd >= 0 && i < 30; i++) { /* 30 x 201 bytes: past PATH_MAX (4096) */
        if (mkdirat(fd, name, 0755) != 0)
            break;
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        close(fd);
        fd = sub;
    }
    int file = fd >= 0 ? openat(fd, "bottom.txt", O_WRONLY | O_CREAT, 0644) : -1;
    if (fd >= 0)
        close(fd);
    if (file < 0) {
        host->set_error(s->h, "deep: cannot build the directory chain");
        return ZKB_ERR_IO;
    }
    close(file);
    return ZKB_OK;
}

static zkb_status chatty(void)
{
    static char line[1024];
    for (long long i = 0; i < mib * 1024; i++) {
        int n = snprintf(line, sizeof line, "line %08lld ", i);
        memset(line + n, 'x', sizeof line - 1 - (size_t)n);
        line[sizeof line - 1] = '\n';
        fwrite(line, 1, sizeof line, stdout);
    }
    fflush(stdout);
    fputs("END OF OUTPUT\n", stderr);
    return ZKB_OK;
}

static zkb_status lb_prove(void *state)
{
    rt_state *s = state;
    if (strcmp(mode, "deep") == 0)
        return deep(s);
    if (strcmp(mode, "chatty") == 0)
        return chatty();
    long g = orphan();
    char text[32];
    snprintf(text, sizeof text, "%ld", g);
    host->info(s->h, "orphan_pid", text);
    const char *pid_file = getenv("ZKB_TEST_ORPHAN_PID_FILE");
    FILE *f = pid_file ? fopen(pid_file, "w") : NULL;
    if (f) {
        fprintf(f, "%ld\n", g);
        fclose(f);
    }
    if (g < 0) {
        host->set_error(s->h, "cannot start the orphan");
        return ZKB_ERR_CHILD;
    }
    if (strcmp(mode, "orphan_crash") == 0)
        raise(SIGSEGV);
    if (strcmp(mode, "orphan_hang") == 0)
        sleep_s(60);
    return ZKB_OK;
}

RT_BACKEND("rt_leave_behind", .options = opts, .n_options = sizeof opts / sizeof *opts,
           .set_option = lb_set_option, .prove = lb_prove)
