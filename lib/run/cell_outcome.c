/* What the parent learns about a cell: status, reason, measurements. */
#include "run_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const phase_names[ZKBI_N_PHASES] = {"load", "quantize", "setup", "witness",
                                                       "prove", "verify", "evm"};

const char *zkbi_phase_name(uint32_t phase)
{
    if (phase < ZKBI_N_PHASES)
        return phase_names[phase];
    switch (phase) {
    case ZKBI_PH_START: return "start";
    case ZKBI_PH_PROBE: return "probe";
    case ZKBI_PH_DESTROY: return "destroy";
    }
    return "?";
}

int zkbi_phase_per_sample(uint32_t phase)
{
    return phase == ZKBI_PH_WITNESS || phase == ZKBI_PH_PROVE || phase == ZKBI_PH_VERIFY;
}

zkb_status zkbi_outcome_init(zkbi_outcome *o, zkb_ctx *ctx, size_t n_samples)
{
    memset(o, 0, sizeof *o);
    o->status = "failed";
    o->code = ZKB_ERR_INTERNAL;
    o->phase = ZKBI_PH_START;
    o->sample = -1;
    o->n_samples = n_samples;
    o->facts = zkbi_host_ctx_new(ctx, NULL);
    o->zk_class = malloc((n_samples ? n_samples : 1) * sizeof *o->zk_class);
    if (!o->facts || !o->zk_class) {
        zkbi_outcome_free(o);
        return ZKB_ERR_NOMEM;
    }
    for (size_t i = 0; i < n_samples; i++)
        o->zk_class[i] = -1;
    return ZKB_OK;
}

void zkbi_outcome_free(zkbi_outcome *o)
{
    for (int p = 0; p < ZKBI_N_PHASES; p++) {
        zkbi_series *s[] = {&o->phases[p].wall, &o->phases[p].cpu, &o->phases[p].peak,
                            &o->phases[p].peak_self, &o->phases[p].peak_children};
        for (size_t i = 0; i < sizeof s / sizeof *s; i++)
            free(s[i]->v);
    }
    zkbi_host_ctx_free(o->facts);
    free(o->zk_class);
    memset(o, 0, sizeof *o);
}

void zkbi_outcome_set(zkbi_outcome *o, const char *status, zkb_status code, const char *fmt, ...)
{
    o->status = status;
    o->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->reason, sizeof o->reason, fmt, ap);
    va_end(ap);
}
