/* One writer per results file: an advisory flock on OUT/results.jsonl.lock,
 * held while zkb_run_execute runs. The file says who holds it (pid, host,
 * since when) for the message a second writer gets. Readers (merge, report)
 * never take it. The file stays after the run: removing it would let a
 * second writer lock a new file while a first still holds the old one. */
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static void holder_text(int fd, char *out, size_t cap)
{
    ssize_t n = pread(fd, out, cap - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    char safe[256];
    zkbi_printable(out, safe, sizeof safe);
    snprintf(out, cap, "%s", safe[0] ? safe : "a process that has not said who it is yet");
}

zkb_status zkbi_run_lock(zkb_run *run)
{
    size_t n = strlen(run->results_path) + sizeof ".lock";
    char *path = malloc(n);
    if (!path) {
        zkbi_errf(run->err, sizeof run->err, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    snprintf(path, n, "%s.lock", run->results_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        zkbi_errf(run->err, sizeof run->err, "cannot write in %s: cannot create the lock file %s: %s",
                  run->out_dir, path, strerror(errno));
        free(path);
        return ZKB_ERR_IO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int why = errno;
        if (why == EWOULDBLOCK) {
            char who[512];
            holder_text(fd, who, sizeof who);
            zkbi_errf(run->err, sizeof run->err,
                      "%s is being written by another run (%s; lock file %s): one writer per results file; "
                      "wait for it to end, or write to another directory",
                      run->results_path, who, path);
            close(fd);
            free(path);
            return ZKB_ERR_LOCKED;
        }
        /* A file system without locks: run, but say that nothing guards the file. */
        zkbi_ctx_log(run->ctx, ZKB_LOG_WARN, "cannot lock %s (%s): nothing keeps a second run from writing %s",
                     path, strerror(why), run->results_path);
    }
    char host[256] = "?", when[64] = "?", line[512];
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int len = snprintf(line, sizeof line, "pid %ld on host %s, since %s\n", (long)getpid(), host, when);
    if (ftruncate(fd, 0) != 0 || zkbi_write_all(fd, line, (size_t)len) != 0)
        zkbi_ctx_log(run->ctx, ZKB_LOG_WARN, "cannot write %s: %s", path, strerror(errno));
    free(path);
    run->lock_fd = fd;
    return ZKB_OK;
}

void zkbi_run_unlock(zkb_run *run)
{
    if (run->lock_fd >= 0)
        close(run->lock_fd); /* releases the flock */
    run->lock_fd = -1;
}
