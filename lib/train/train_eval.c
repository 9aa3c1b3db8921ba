/* Trainer: accuracy of a model on a data set with the float reference
 * evaluator (zkbi_model_eval_float), split over threads. The count of correct
 * samples is an integer, so the result does not depend on the threads. */
#include "train_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_job {
    const zkb_model *m;
    const zkbi_train_data *data;
    size_t lo, hi, correct;
    zkb_status st;
    char err[256];
} eval_job;

static void *eval_range(void *arg)
{
    eval_job *j = arg;
    size_t F = (size_t)j->data->c * j->data->h * j->data->w;
    uint32_t K = j->data->classes;
    float *out = malloc(K * sizeof *out);
    if (!out) {
        j->st = ZKB_ERR_NOMEM;
        zkbi_errf(j->err, sizeof j->err, "out of memory");
        return NULL;
    }
    for (size_t i = j->lo; i < j->hi; i++) {
        j->st = zkbi_model_eval_float(j->m, j->data->x + i * F, F, out, K, j->err, sizeof j->err);
        if (j->st != ZKB_OK)
            break;
        uint32_t best = 0;
        for (uint32_t k = 1; k < K; k++)
            if (out[k] > out[best])
                best = k;
        if ((int32_t)best == j->data->y[i])
            j->correct++;
    }
    free(out);
    return NULL;
}

zkb_status zkbi_train_count_correct(const zkb_model *m, const zkbi_train_data *data,
                                    uint32_t threads, size_t *correct, char *err, size_t errlen)
{
    enum { TMAX = 64 };
    eval_job jobs[TMAX];
    pthread_t tid[TMAX];
    int started[TMAX];
    uint32_t T = threads < 1 ? 1 : threads > TMAX ? TMAX : threads;
    if ((size_t)T > data->count)
        T = data->count ? (uint32_t)data->count : 1;
    *correct = 0;
    for (uint32_t t = 0; t < T; t++) {
        memset(&jobs[t], 0, sizeof jobs[t]);
        jobs[t].m = m;
        jobs[t].data = data;
        jobs[t].lo = data->count * t / T;
        jobs[t].hi = data->count * (t + 1) / T;
        started[t] = t > 0 && pthread_create(&tid[t], NULL, eval_range, &jobs[t]) == 0;
    }
    eval_range(&jobs[0]);
    for (uint32_t t = 1; t < T; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            eval_range(&jobs[t]);
    }
    for (uint32_t t = 0; t < T; t++) {
        if (jobs[t].st != ZKB_OK) {
            zkbi_errf(err, errlen, "%s", jobs[t].err);
            return jobs[t].st;
        }
        *correct += jobs[t].correct;
    }
    return ZKB_OK;
}

zkb_status zkbi_train_accuracy(const zkb_model *m, const zkbi_train_data *data, uint32_t threads,
                               double *acc, char *err, size_t errlen)
{
    size_t c = 0;
    zkb_status st = zkbi_train_count_correct(m, data, threads, &c, err, errlen);
    if (st == ZKB_OK)
        *acc = data->count ? 100.0 * (double)c / (double)data->count : 0.0;
    return st;
}
