/* rm -rf of a directory tree of any depth.
 *
 * Paths are never built: the walk holds one directory descriptor at a time
 * and moves with openat(name) and openat(".."), so a tree deeper than
 * PATH_MAX (which nftw cannot enter) goes too, within the descriptor limit.
 * Each level's (device, inode) is kept, and a step up that does not land on
 * the directory it came from (something moved it meanwhile) stops the walk
 * rather than delete outside the tree. Symbolic links are removed, never
 * followed. A directory that cannot be emptied is remembered as stuck, so
 * the rest of the tree is still removed. */
#include "core_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct ids {
    dir_id *v;
    size_t n, cap;
} ids;

static int ids_push(ids *s, dev_t dev, ino_t ino)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        dir_id *g = realloc(s->v, cap * sizeof *g);
        if (!g)
            return -1;
        s->v = g;
        s->cap = cap;
    }
    s->v[s->n++] = (dir_id){dev, ino};
    return 0;
}

static int ids_has(const ids *s, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].dev == dev && s->v[i].ino == ino)
            return 1;
    return 0;
}

/* A plugin may leave directories without write or search permission for
 * their owner: give them back before going in. */
static int open_subdir(int at, const char *name, const struct stat *st)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    if ((st->st_mode & S_IRWXU) != S_IRWXU)
        fchmodat(at, name, (st->st_mode & 07777) | S_IRWXU, 0);
    return openat(at, name, flags);
}

/* Removes what it can of directory fd's entries. 1 with *sub open on a
 * subdirectory that still has entries (go in), 0 when fd is empty, -1 when
 * something in it cannot be removed (errno of the last failure in *err). */
static int clear_dir(int fd, const ids *stuck, int *sub, int *err)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        *err = errno;
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
            continue;
        if (unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
            continue;
        int why = errno;
        struct stat st;
        if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
            ids_has(stuck, st.st_dev, st.st_ino)) {
            *err = why;
            rc = -1;
            continue;
        }
        int s = open_subdir(fd, name, &st);
        if (s < 0) {
            *err = errno;
            rc = -1;
            continue;
        }
        closedir(d);
        *sub = s;
        return 1;
    }
    closedir(d);
    return rc;
}

static int same_dir(int fd, const dir_id *want)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_dev == want->dev && st.st_ino == want->ino;
}

int zkbi_remove_tree(const char *path)
{
    if (!path || !*path) {
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    int fd = open_subdir(AT_FDCWD, path, &st);
    if (fd < 0)
        return -1;
    ids path_ids = {0}, stuck = {0};
    int err = 0, lost = 0;
    if (ids_push(&path_ids, st.st_dev, st.st_ino) != 0) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    for (;;) {
        int sub = -1;
        int r = clear_dir(fd, &stuck, &sub, &err);
        if (r == 1) {
            struct stat ss;
            if (fstat(sub, &ss) != 0 || ids_push(&path_ids, ss.st_dev, ss.st_ino) != 0) {
                err = errno ? errno : ENOMEM;
                close(sub);
                lost = 1;
                break;
            }
            close(fd);
            fd = sub;
            continue;
        }
        if (r < 0) {
            const dir_id *here = &path_ids.v[path_ids.n - 1];
            if (ids_push(&stuck, here->dev, here->ino) != 0) {
                err = ENOMEM;
                lost = 1;
                break;
            }
        }
        if (path_ids.n == 1)
            break;
        int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        fd = up;
        path_ids.n--;
        if (fd < 0 || !same_dir(fd, &path_ids.v[path_ids.n - 1])) {
            err = fd < 0 ? errno : ESTALE;
            lost = 1;
            break;
        }
    }
    if (fd >= 0)
        close(fd);
    free(path_ids.v);
    free(stuck.v);
    if (!lost && rmdir(path) != 0 && errno != ENOENT)
        err = errno;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return 0;
    errno = err ? err : ENOTEMPTY;
    return -1;
}
