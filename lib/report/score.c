/* Normalized scores per model across backends (docs/report.md):
 *   time, memory, proof size (lower is better, values > 0):
 *       score = best / value, best = the smallest value of the model's entries;
 *   accuracy loss L in points (may be 0 or negative):
 *       score = (100 - L) / (100 - L_best), L_best = the smallest loss,
 *       0 when 100 - L <= 0.
 * So scores lie in [0, 1], 1 = best on that axis, ties share 1. Only ok,
 * non-baseline entries are scored; values <= 0 (and missing ones) get no
 * score on that axis, and do not take part in choosing the best. */
#include "report_int.h"

static int axis_value(const zkbr_entry *e, int axis, double *v)
{
    const zkbr_stat *s = NULL;
    switch (axis) {
    case ZKB_REPORT_AXIS_ACCURACY:
        if (!e->acc.have)
            return -1;
        *v = 100.0 - e->acc.med; /* retained: higher is better */
        return 0;
    case ZKB_REPORT_AXIS_PROVE_TIME: s = &e->wall[ZKBR_PROVE]; break;
    case ZKB_REPORT_AXIS_PEAK_MEMORY: s = &e->peak; break;
    case ZKB_REPORT_AXIS_PROOF_SIZE: s = &e->proof_size; break;
    default: s = &e->wall[ZKBR_VERIFY]; break;
    }
    if (!s->have || !(s->med > 0))
        return -1;
    *v = s->med;
    return 0;
}

void zkbr_scores(zkb_report *r)
{
    for (size_t i = 0; i < r->n_entries; i++)
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            r->entries[i].has_score[a] = 0;
    for (size_t m = 0; m < r->n_models; m++) {
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++) {
            int have_best = 0;
            double best = 0, v;
            for (size_t i = 0; i < r->n_entries; i++) {
                const zkbr_entry *e = &r->entries[i];
                if (e->model != m || e->n_ok == 0 || e->baseline || axis_value(e, a, &v) != 0)
                    continue;
                if (a == ZKB_REPORT_AXIS_ACCURACY ? (!have_best || v > best) : (!have_best || v < best))
                    best = v;
                have_best = 1;
            }
            if (!have_best || (a == ZKB_REPORT_AXIS_ACCURACY && best <= 0))
                continue;
            for (size_t i = 0; i < r->n_entries; i++) {
                zkbr_entry *e = &r->entries[i];
                if (e->model != m || e->n_ok == 0 || e->baseline || axis_value(e, a, &v) != 0)
                    continue;
                double s = a == ZKB_REPORT_AXIS_ACCURACY ? (v <= 0 ? 0 : v / best) : best / v;
                e->score[a] = s > 1 ? 1 : s;
                e->has_score[a] = 1;
            }
        }
    }
}
