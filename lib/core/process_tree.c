/* The process tree of a child (a benchmark cell, an isolated check), for
 * memory sampling and kills.
 *
 * Sampling walks the tree from the root through /proc/<pid>/task/<tid>/children
 * (a few reads per process, every 20 ms); the root is a child subreaper, so
 * orphaned descendants stay in its tree. zkbi_process_tree_kill also scans all
 * of /proc for the root's session and process group, which catches what left
 * the tree of a root that is not a subreaper. */
#include "core_int.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TREE_MAX 4096

typedef struct proc_stat {
    long pgrp, sid, threads, rss_pages;
} proc_stat;

/* /proc/<pid>/stat: the command name may hold spaces and parentheses, so
 * fields are counted after the last ')'. */
static int read_stat(long pid, proc_stat *st)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (zkbi_read_small(path, buf, sizeof buf) <= 0)
        return -1;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    long vals[25] = {0};
    int field = 2; /* the ')' ends field 2 */
    char *save = NULL;
    for (char *tok = strtok_r(p + 1, " ", &save); tok && field < 24; tok = strtok_r(NULL, " ", &save))
        if (++field >= 4)
            vals[field] = strtol(tok, NULL, 10);
    if (field < 24)
        return -1;
    st->pgrp = vals[5];
    st->sid = vals[6];
    st->threads = vals[20];
    st->rss_pages = vals[24];
    return 0;
}

typedef struct tree {
    long pid[TREE_MAX];
    long rss[TREE_MAX];
    size_t n;
} tree;

static int seen(const tree *t, long pid)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->pid[i] == pid)
            return 1;
    return 0;
}

static void add_children_of_task(tree *t, long pid, const char *tid)
{
    char path[96], buf[8192];
    snprintf(path, sizeof path, "/proc/%ld/task/%s/children", pid, tid);
    if (zkbi_read_small(path, buf, sizeof buf) <= 0)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \n", &save); tok && t->n < TREE_MAX; tok = strtok_r(NULL, " \n", &save)) {
        long c = strtol(tok, NULL, 10);
        if (c > 0 && !seen(t, c))
            t->pid[t->n++] = c;
    }
}

/* Breadth-first from root. -1 when the kernel has no children files. */
static int walk(pid_t root, tree *t)
{
    char probe_path[64];
    snprintf(probe_path, sizeof probe_path, "/proc/%ld/task/%ld/children", (long)root, (long)root);
    if (access(probe_path, R_OK) != 0)
        return -1;
    t->n = 0;
    t->pid[t->n++] = root;
    for (size_t i = 0; i < t->n; i++) {
        proc_stat st;
        long pid = t->pid[i];
        t->rss[i] = 0;
        if (read_stat(pid, &st) != 0)
            continue;
        t->rss[i] = st.rss_pages > 0 ? st.rss_pages : 0;
        char tid[32];
        if (st.threads <= 1) {
            snprintf(tid, sizeof tid, "%ld", pid);
            add_children_of_task(t, pid, tid);
            continue;
        }
        char dir[64];
        snprintf(dir, sizeof dir, "/proc/%ld/task", pid);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL)
            if (isdigit((unsigned char)e->d_name[0]))
                add_children_of_task(t, pid, e->d_name);
        if (d)
            closedir(d);
    }
    return 0;
}

/* Every process of root's session or process group (the fallback, and the
 * sweep after a kill). */
static void scan_session(pid_t root, tree *t)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && t->n < TREE_MAX) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        long pid = strtol(e->d_name, NULL, 10);
        proc_stat st;
        if (read_stat(pid, &st) != 0 || (st.sid != (long)root && st.pgrp != (long)root) || seen(t, pid))
            continue;
        t->rss[t->n] = st.rss_pages > 0 ? st.rss_pages : 0;
        t->pid[t->n++] = pid;
    }
    if (d)
        closedir(d);
}

/* root and its descendants; when the walk fails, the processes of root's
 * session instead. NULL when out of memory; free() it. */
static tree *collect(pid_t root)
{
    tree *t = calloc(1, sizeof *t);
    if (t && walk(root, t) != 0) {
        t->n = 0;
        scan_session(root, t);
    }
    return t;
}

static uint64_t tree_rss(pid_t root, int below, unsigned *nproc)
{
    tree *t = collect(root);
    if (!t)
        return 0;
    uint64_t pages = 0;
    unsigned live = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (below && t->pid[i] == (long)root)
            continue;
        pages += (uint64_t)t->rss[i];
        live += t->rss[i] > 0;
    }
    free(t);
    if (nproc)
        *nproc = live;
    return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t zkbi_process_tree_rss(pid_t root, unsigned *nproc) { return tree_rss(root, 0, nproc); }

uint64_t zkbi_process_tree_rss_below(pid_t root, unsigned *nproc) { return tree_rss(root, 1, nproc); }

unsigned zkbi_process_tree_kill(pid_t root)
{
    tree *t = calloc(1, sizeof *t);
    if (!t) {
        kill(-root, SIGKILL);
        return 0;
    }
    if (walk(root, t) != 0)
        t->n = 0;
    for (size_t i = 0; i < t->n; i++) /* first the tree: its members may be in other sessions */
        kill((pid_t)t->pid[i], SIGKILL);
    kill(-root, SIGKILL);
    scan_session(root, t);
    unsigned n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += kill((pid_t)t->pid[i], SIGKILL) == 0;
    free(t);
    return n;
}

unsigned zkbi_process_tree_kill_below(pid_t root)
{
    tree *t = collect(root);
    if (!t)
        return 0;
    unsigned n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->pid[i] != (long)root)
            n += kill((pid_t)t->pid[i], SIGKILL) == 0;
    free(t);
    return n;
}
