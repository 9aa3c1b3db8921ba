/* A parallel for over numbered blocks of work, on POSIX threads. */
#include "core_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define THREADS_MAX 64u

uint32_t zkbi_thread_count(uint32_t requested, size_t work)
{
    uint32_t t = requested;
    if (t == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        t = n > 0 ? (uint32_t)(n < (long)THREADS_MAX ? n : (long)THREADS_MAX) : 1;
    }
    if (t > THREADS_MAX)
        t = THREADS_MAX;
    if (work < t)
        t = (uint32_t)(work ? work : 1);
    return t ? t : 1;
}

typedef struct pf_shared {
    atomic_size_t next;
    size_t n_blocks;
    zkbi_block_fn fn;
    void *arg;
} pf_shared;

typedef struct pf_worker {
    pf_shared *sh;
    uint32_t tid;
} pf_worker;

static void *pf_run(void *p)
{
    pf_worker *w = p;
    for (;;) {
        size_t b = atomic_fetch_add(&w->sh->next, 1);
        if (b >= w->sh->n_blocks)
            break;
        w->sh->fn(w->sh->arg, b, w->tid);
    }
    return NULL;
}

int zkbi_parallel_for(size_t n_blocks, uint32_t threads, zkbi_block_fn fn, void *arg)
{
    if (threads == 0)
        threads = 1;
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    pf_shared sh;
    atomic_init(&sh.next, 0);
    sh.n_blocks = n_blocks;
    sh.fn = fn;
    sh.arg = arg;
    pf_worker w[THREADS_MAX];
    pthread_t tid[THREADS_MAX];
    int started[THREADS_MAX] = {0};
    uint32_t n_started = 0;
    for (uint32_t t = 0; t < threads; t++) {
        w[t].sh = &sh;
        w[t].tid = t;
        if (t > 0 && pthread_create(&tid[t], NULL, pf_run, &w[t]) == 0) {
            started[t] = 1;
            n_started++;
        }
    }
    pf_run(&w[0]);
    for (uint32_t t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    return threads > 1 && n_started == 0 ? -1 : 0;
}
