/* zkb_run_select_shard: a deterministic slice of a run's cells, so that N
 * hosts (a Slurm job array, a CI matrix) given the same cells run disjoint
 * parts that together cover the whole matrix. */
#include "run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *zkbi_shard_key(const zkbi_cell *c, const char *fingerprint)
{
    const char *opts = c->options ? c->options : "";
    size_t n = strlen(fingerprint) + strlen(c->backend) + strlen(opts) + 3;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s\n%s\n%s", fingerprint, c->backend, opts);
    return k;
}

typedef struct keyed {
    char *key;
    size_t cell;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->cell > y->cell) - (x->cell < y->cell);
}

static void free_cell(zkbi_cell *c)
{
    free(c->model_path);
    free(c->backend);
    zkbi_options_free(c->opts, c->n_opts);
    free(c->options);
    free(c->record);
}

zkb_status zkb_run_select_shard(zkb_run *run, uint32_t k, uint32_t n)
{
    if (!run)
        return ZKB_ERR_INVALID_ARG;
    if (n == 0 || k == 0 || k > n) {
        zkbi_errf(run->err, sizeof run->err,
                  "shard %u/%u: want K/N with N >= 1 and K in 1..N (e.g. 1/4 .. 4/4)", k, n);
        return ZKB_ERR_INVALID_ARG;
    }
    if (run->shard_n) {
        zkbi_errf(run->err, sizeof run->err, "a shard (%u/%u) was already selected", run->shard_k,
                  run->shard_n);
        return ZKB_ERR_STATE;
    }
    size_t nc = run->n_cells;
    keyed *ks = calloc(nc ? nc : 1, sizeof *ks);
    unsigned char *keep = calloc(nc ? nc : 1, 1);
    zkb_status st = ks && keep ? ZKB_OK : ZKB_ERR_NOMEM;
    /* Fingerprints: each distinct model file is loaded once. */
    char *last_path = NULL, last_fp[4200] = "";
    for (size_t i = 0; st == ZKB_OK && i < nc; i++) {
        zkbi_cell *c = &run->cells[i];
        if (!last_path || strcmp(last_path, c->model_path) != 0) {
            zkb_model *m = NULL;
            if (zkb_model_load_file(run->ctx, c->model_path, &m) == ZKB_OK)
                snprintf(last_fp, sizeof last_fp, "%s", zkb_model_fingerprint(m));
            else
                snprintf(last_fp, sizeof last_fp, "unloadable:%s", c->model_path);
            zkb_model_free(m);
            last_path = c->model_path;
        }
        ks[i].cell = i;
        ks[i].key = zkbi_shard_key(c, last_fp);
        if (!ks[i].key)
            st = ZKB_ERR_NOMEM;
    }
    if (st == ZKB_OK) {
        qsort(ks, nc, sizeof *ks, cmp_keyed);
        size_t rank = 0;
        for (size_t i = 0; i < nc; i++) {
            if (i > 0 && strcmp(ks[i].key, ks[i - 1].key) != 0)
                rank++;
            keep[ks[i].cell] = rank % n == k - 1;
        }
        size_t w = 0;
        for (size_t i = 0; i < nc; i++) {
            if (keep[i])
                run->cells[w++] = run->cells[i];
            else
                free_cell(&run->cells[i]);
        }
        run->n_cells = w;
        run->shard_k = k;
        run->shard_n = n;
    } else {
        zkbi_errf(run->err, sizeof run->err, "out of memory");
    }
    for (size_t i = 0; ks && i < nc; i++)
        free(ks[i].key);
    free(ks);
    free(keep);
    return st;
}
