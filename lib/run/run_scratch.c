/* Scratch directories of cells: OUT/scratch/<backend>-<model>-XXXXXX.
 *
 * Who owns one: the run that holds the results file's lock (run_lock.c)
 * owns every scratch directory under OUT/scratch while it runs, and removes
 * each at the end of its cell. One left behind after that was left by a run
 * that was killed (kill -9, a power cut); the next run into the same
 * directory takes the lock, so it knows that run is gone, and removes it.
 * Directories a run was asked to keep (keep_scratch) carry a marker file
 * <dir>.kept beside them, made with the directory, and stay. */
#include "run_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEPT ".kept"

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int mark_kept(const char *dir)
{
    char marker[PATH_MAX];
    if (snprintf(marker, sizeof marker, "%s" KEPT, dir) >= (int)sizeof marker) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int zkbi_scratch_make(const zkb_run *run, const char *backend, const char *model, char *dir, size_t cap)
{
    char b[40], m[40], parent[PATH_MAX];
    zkbi_sanitize_name(backend, b, sizeof b);
    zkbi_sanitize_name(model, m, sizeof m);
    int n = snprintf(dir, cap, "%s/scratch/%s-%s-XXXXXX", run->out_dir, b, m);
    int np = snprintf(parent, sizeof parent, "%s/scratch", run->out_dir);
    if (n < 0 || (size_t)n >= cap || np < 0 || (size_t)np >= sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (zkbi_mkdirs(parent) != 0 || !mkdtemp(dir))
        return -1;
    /* Absolute: plugins run their tools with the scratch directory as the
     * working directory and pass paths inside it (a relative --out broke
     * those paths). */
    char abs[PATH_MAX];
    if (!realpath(dir, abs) || strlen(abs) >= cap) {
        int why = errno ? errno : ENAMETOOLONG;
        rmdir(dir);
        errno = why;
        return -1;
    }
    memcpy(dir, abs, strlen(abs) + 1);
    if (run->set.keep_scratch && mark_kept(dir) != 0) {
        int why = errno;
        rmdir(dir);
        errno = why;
        return -1;
    }
    return 0;
}

int zkbi_scratch_release(const zkb_run *run, const char *dir)
{
    if (run->set.keep_scratch)
        return 0;
    return zkbi_remove_tree(dir);
}

void zkbi_scratch_clean_stale(const zkb_run *run)
{
    char parent[PATH_MAX];
    if (snprintf(parent, sizeof parent, "%s/scratch", run->out_dir) >= (int)sizeof parent)
        return;
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        char path[PATH_MAX], marker[PATH_MAX];
        if (name[0] == '.' || snprintf(path, sizeof path, "%s/%s", parent, name) >= (int)sizeof path)
            continue;
        struct stat st;
        if (has_suffix(name, KEPT)) { /* a marker whose directory was removed by hand */
            size_t k = strlen(path) - strlen(KEPT);
            memcpy(marker, path, k);
            marker[k] = '\0';
            if (lstat(marker, &st) != 0 && errno == ENOENT)
                unlink(path);
            continue;
        }
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (snprintf(marker, sizeof marker, "%s" KEPT, path) >= (int)sizeof marker || lstat(marker, &st) == 0)
            continue;
        if (zkbi_remove_tree(path) == 0)
            zkbi_ctx_log(run->ctx, ZKB_LOG_INFO, "removed %s, left by an earlier run that was killed", path);
        else
            zkbi_ctx_log(run->ctx, ZKB_LOG_WARN, "cannot remove %s (left by an earlier run that was killed): %s",
                         path, strerror(errno));
    }
    closedir(d);
}
