/* Internal: clocks, CPU time and peak memory of the current process, its
 * children and a whole session of processes. */
#ifndef ZKBI_PROBE_H
#define ZKBI_PROBE_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t zkbi_now_ns(void);
/* User + system seconds of this process (all threads). */
double zkbi_cpu_self_s(void);
/* User + system seconds of the waited-for descendants of this process. */
double zkbi_cpu_children_s(void);
/* The same in microseconds, as the kernel counts them. */
uint64_t zkbi_cpu_self_us(void);
uint64_t zkbi_cpu_children_us(void);

/* Resets this process's VmHWM to its current RSS (/proc/self/clear_refs,
 * "5"). 0 on success, -1 when the kernel does not allow it. */
int zkbi_hwm_reset(void);
/* VmHWM / VmRSS of this process in bytes, 0 if unknown. */
uint64_t zkbi_hwm_bytes(void);
uint64_t zkbi_rss_bytes(void);

/* The process tree of a cell (lib/probe_tree.c): root, its descendants
 * (root should be a child subreaper, so orphans stay in its tree), and for
 * kill also every process in root's session or process group. */
/* Sum of their RSS; *nproc (may be NULL) gets their count. Shared pages count
 * once per process: an upper bound. */
uint64_t zkbi_tree_rss_bytes(pid_t root, unsigned *nproc);
/* SIGKILL all of them. Returns how many were signalled. */
unsigned zkbi_tree_kill(pid_t root);

/* Reads a small file (e.g. under /proc) whole, NUL-terminated; its length
 * or -1. */
ssize_t zkbi_read_small(const char *path, char *buf, size_t cap);

/* Measurement of one phase. Usage: begin, the work (children started through
 * the host spawn service report to add_child), end. */
typedef struct zkbi_probe {
    uint64_t t0_ns;
    uint64_t cpu0_self_us;
    uint64_t cpu0_children_us;
    int hwm_reset_ok;
    _Atomic uint64_t child_peak; /* max ru_maxrss of children waited during the phase */
    _Atomic uint32_t n_children;
} zkbi_probe;

typedef struct zkbi_measure {
    double wall_s;
    double cpu_s;               /* self + waited-for children */
    uint64_t peak_rss_self;     /* VmHWM at the end (reset at begin) */
    uint64_t peak_rss_children; /* largest child's peak */
    uint64_t peak_rss;          /* self + largest child: an upper bound */
    uint32_t n_children;
    int hwm_reset_ok;           /* 0: peak_rss_self is the process's lifetime peak */
} zkbi_measure;

void zkbi_probe_begin(zkbi_probe *p);
void zkbi_probe_add_child(zkbi_probe *p, uint64_t peak_rss_bytes);
void zkbi_probe_end(zkbi_probe *p, zkbi_measure *m);

#endif
