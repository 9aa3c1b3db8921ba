/* The zoo (zkb_zoo.h): its list, and its training into model files with their accuracy. */
#include "train_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t zkb_zoo_count(void) { return zkbi_zoo_count(); }

const char *zkb_zoo_name(size_t i)
{
    const zkbi_zoo_entry *e = zkbi_zoo_at(i);
    return e ? e->name : NULL;
}

const char *zkb_zoo_dataset(size_t i)
{
    const zkbi_zoo_entry *e = zkbi_zoo_at(i);
    return e ? e->dataset : NULL;
}

double zkb_zoo_target_accuracy(size_t i)
{
    const zkbi_zoo_entry *e = zkbi_zoo_at(i);
    return e && e->target > 0 ? e->target : -1.0;
}

zkb_status zkbi_zoo_train_entry(zkb_ctx *ctx, const zkbi_zoo_entry *e, const zkbi_train_spec *spec,
                                const char *out_dir, zkbi_train_report *rep, char *err, size_t errlen)
{
    zkb_dataset *tr = NULL, *te = NULL;
    zkb_status st = zkb_dataset_open(ctx, e->dataset, "train", &tr);
    if (st == ZKB_OK)
        st = zkb_dataset_open(ctx, e->dataset, "test", &te);
    if (st != ZKB_OK) {
        zkbi_errf(err, errlen, "%s: %s", e->name, zkb_ctx_last_error(ctx));
        zkb_dataset_free(tr);
        return st;
    }
    zkb_model *m = NULL;
    st = zkbi_train(spec, tr, te, &m, rep, err, errlen);
    if (st == ZKB_OK) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.json", out_dir, e->name);
        st = zkbi_model_save_file(m, path, err, errlen);
    }
    zkb_model_free(m);
    zkb_dataset_free(tr);
    zkb_dataset_free(te);
    return st;
}

zkb_status zkb_zoo_train(zkb_ctx *ctx, size_t i, const char *out_dir, uint32_t threads, double *test_acc,
                         double *seconds)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    const zkbi_zoo_entry *e = zkbi_zoo_at(i);
    if (!e || !out_dir)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_zoo_train: no zoo entry %zu or no output directory", i);
    if (zkbi_mkdirs(out_dir) != 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_IO, "%s: cannot create: %s", out_dir, strerror(errno));
    zkbi_train_spec spec;
    zkbi_zoo_spec(e, &spec);
    spec.threads = zkbi_thread_count(threads, SIZE_MAX);
    zkbi_train_report rep;
    char err[ZKBI_ERR_LEN] = "";
    zkb_status st = zkbi_zoo_train_entry(ctx, e, &spec, out_dir, &rep, err, sizeof err);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(ctx, st, "%s", err);
    if (test_acc)
        *test_acc = rep.test_accuracy;
    if (seconds)
        *seconds = rep.seconds;
    return ZKB_OK;
}
