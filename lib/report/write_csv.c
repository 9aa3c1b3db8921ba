/* results.csv: one row per cell (the last record of each cell id), columns in
 * docs/report.md. Measurements are empty for cells that are not ok. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void field(zkbr_buf *b, const char *s, int first)
{
    if (!first)
        zkbr_buf_puts(b, ",");
    s = s ? s : "";
    if (strpbrk(s, ",\"\n\r") == NULL) {
        zkbr_buf_puts(b, s);
        return;
    }
    zkbr_buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            zkbr_buf_puts(b, "\"\"");
        else
            zkbr_buf_put(b, p, 1);
    }
    zkbr_buf_puts(b, "\"");
}

static void number(zkbr_buf *b, int have, double v)
{
    if (have && isfinite(v))
        zkbr_buf_printf(b, ",%.9g", v);
    else
        zkbr_buf_puts(b, ",");
}

static void stat3(zkbr_buf *b, int ok, const zkbr_stat *s)
{
    number(b, ok && s->have, s->med);
    number(b, ok && s->have, s->min);
    number(b, ok && s->have, s->max);
}

static const char *const phase_cols[] = {"setup", "witness", "prove", "verify"};
static const int phase_idx[] = {ZKBR_SETUP, ZKBR_WITNESS, ZKBR_PROVE, ZKBR_VERIFY};

zkb_status zkb_report_write_csv(zkb_report *r, const char *path)
{
    if (!r || !path)
        return ZKB_ERR_INVALID_ARG;
    zkbr_buf b = {0};
    zkbr_buf_puts(&b, "file,line,cell_id,model,fingerprint,params,backend,backend_version,proof_system,"
                      "variant,label,baseline,status,error_code,reason,samples,repeats,dataset,quant");
    for (int p = 0; p < 4; p++)
        zkbr_buf_printf(&b, ",%s_wall_s_median,%s_wall_s_min,%s_wall_s_max", phase_cols[p], phase_cols[p],
                        phase_cols[p]);
    zkbr_buf_puts(&b, ",prove_cpu_s_median,peak_rss_bytes_median,peak_rss_bytes_min,peak_rss_bytes_max,"
                      "proof_size_bytes,circuit_metric,circuit_size,accuracy_kind,accuracy_loss,"
                      "zk_class_differs_pct,float_accuracy,zk_accuracy,framework_version,started_at,finished_at");
    for (int k = 0; k < ZKBR_N_EVM; k++)
        zkbr_buf_printf(&b, ",%s", zkbr_evm_keys[k]);
    zkbr_buf_puts(&b, "\r\n");
    for (size_t k = 0; k < r->n_kept; k++) {
        const zkbr_rec *x = &r->recs[r->kept[k]];
        int ok = strcmp(x->status, "ok") == 0;
        char num[64];
        field(&b, x->file, 1);
        zkbr_buf_printf(&b, ",%zu", x->line);
        field(&b, x->cell_id, 0);
        field(&b, x->model, 0);
        field(&b, x->fingerprint, 0);
        number(&b, x->params >= 0, x->params);
        field(&b, x->backend, 0);
        field(&b, x->backend_version, 0);
        field(&b, x->psys, 0);
        field(&b, x->variant, 0);
        field(&b, x->label, 0);
        field(&b, x->baseline ? "true" : "false", 0);
        field(&b, zkbr_rec_status(x), 0);
        snprintf(num, sizeof num, "%d", x->error_code);
        field(&b, x->error_code ? num : "", 0);
        field(&b, x->reason, 0);
        number(&b, 1, x->samples);
        number(&b, 1, x->repeats);
        field(&b, x->dataset, 0);
        field(&b, x->quant, 0);
        for (int p = 0; p < 4; p++)
            stat3(&b, ok, &x->wall[phase_idx[p]]);
        number(&b, ok && x->cpu[ZKBR_PROVE].have, x->cpu[ZKBR_PROVE].med);
        zkbr_stat peak = zkbr_rec_peak(x);
        stat3(&b, ok, &peak);
        const zkbr_metric *ps = zkbr_rec_metric(x, "proof_size");
        number(&b, ok && ps, ps ? ps->value : 0);
        zkbr_stat c = {0, 0, 0, 0};
        const char *cname = "";
        zkbr_rec_circuit(x, &c, &cname);
        field(&b, ok ? cname : "", 0);
        number(&b, ok && c.have, c.med);
        field(&b, !ok ? "" : x->acc_kind == ZKBR_ACC_LABELLED ? "labelled" : x->acc_kind == ZKBR_ACC_DIFFERS ? "class_differs" : "", 0);
        number(&b, ok && x->acc_kind, x->acc_loss);
        number(&b, ok && x->acc_differs_pct >= 0, x->acc_differs_pct);
        number(&b, ok && x->float_acc >= 0, x->float_acc);
        number(&b, ok && x->zk_acc >= 0, x->zk_acc);
        field(&b, x->framework_version, 0);
        field(&b, x->started_at, 0);
        field(&b, x->finished_at, 0);
        for (int k = 0; k < ZKBR_N_EVM; k++) {
            const zkbr_metric *em = zkbr_rec_metric(x, zkbr_evm_keys[k]);
            number(&b, ok && em, em ? em->value : 0);
        }
        zkbr_buf_puts(&b, "\r\n");
    }
    zkb_status st = zkbr_save(r, &b, path);
    zkbr_buf_free(&b);
    return st;
}
