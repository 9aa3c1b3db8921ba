/* Clocks, CPU time and peak memory of this process, and measured spans. */
#include "core_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

uint64_t zkbi_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t tv_us(struct timeval tv) { return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec; }

static uint64_t cpu_us(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return 0;
    return tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
}

uint64_t zkbi_cpu_self_us(void) { return cpu_us(RUSAGE_SELF); }
uint64_t zkbi_cpu_children_us(void) { return cpu_us(RUSAGE_CHILDREN); }
double zkbi_cpu_self_s(void) { return (double)cpu_us(RUSAGE_SELF) / 1e6; }
double zkbi_cpu_children_s(void) { return (double)cpu_us(RUSAGE_CHILDREN) / 1e6; }

int zkbi_hwm_reset(void)
{
    /* Opened each time: a cached fd would still point at the parent's memory
     * after a fork. */
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, "5", 1);
    close(fd);
    return n == 1 ? 0 : -1;
}

static uint64_t status_kb(const char *field)
{
    char buf[8192];
    if (zkbi_read_small("/proc/self/status", buf, sizeof buf) <= 0)
        return 0;
    size_t fl = strlen(field);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, field, fl) == 0 && line[fl] == ':')
            return strtoull(line + fl + 1, NULL, 10);
    }
    return 0;
}

uint64_t zkbi_hwm_bytes(void) { return status_kb("VmHWM") * 1024u; }
uint64_t zkbi_rss_bytes(void) { return status_kb("VmRSS") * 1024u; }

void zkbi_span_begin(zkbi_span *p)
{
    atomic_store(&p->child_peak, 0);
    atomic_store(&p->n_children, 0);
    p->hwm_reset_ok = zkbi_hwm_reset() == 0;
    p->cpu0_children_us = zkbi_cpu_children_us();
    p->cpu0_self_us = zkbi_cpu_self_us();
    p->t0_ns = zkbi_now_ns();
}

void zkbi_span_add_child(zkbi_span *p, uint64_t peak_rss_bytes)
{
    uint64_t cur = atomic_load(&p->child_peak);
    while (peak_rss_bytes > cur && !atomic_compare_exchange_weak(&p->child_peak, &cur, peak_rss_bytes)) {
    }
    atomic_fetch_add(&p->n_children, 1);
}

void zkbi_span_end(zkbi_span *p, zkbi_measure *m)
{
    uint64_t t1 = zkbi_now_ns();
    uint64_t self = zkbi_cpu_self_us(), children = zkbi_cpu_children_us();
    uint64_t cpu = (self > p->cpu0_self_us ? self - p->cpu0_self_us : 0) +
                   (children > p->cpu0_children_us ? children - p->cpu0_children_us : 0);
    m->wall_s = (double)(t1 - p->t0_ns) / 1e9;
    m->cpu_s = (double)cpu / 1e6;
    m->peak_rss_self = zkbi_hwm_bytes();
    m->peak_rss_children = atomic_load(&p->child_peak);
    m->peak_rss = m->peak_rss_self + m->peak_rss_children;
    m->n_children = atomic_load(&p->n_children);
    m->hwm_reset_ok = p->hwm_reset_ok;
}
