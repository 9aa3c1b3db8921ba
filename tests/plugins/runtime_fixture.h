/* A correct backend (like the reference one: outputs from the host's
 * evaluator) for the runtime test plugins: each includes this, replaces
 * one method by a misbehaving one and exports the table with RT_PLUGIN. */
#ifndef RUNTIME_FIXTURE_H
#define RUNTIME_FIXTURE_H

#include "zkmlbench/zkb_plugin.h"

#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Woverride-init"

static const zkb_host_api *host;

typedef struct rt_state {
    zkb_host_ctx *h;
    uint64_t n_out;
    int64_t out[64];
    const zkb_sample *sample;
} rt_state;

static zkb_status rt_probe(zkb_host_ctx *h)
{
    host->info(h, "framework_version", "runtime fixture 1");
    return ZKB_OK;
}

static zkb_status rt_create(zkb_host_ctx *h, void **out)
{
    rt_state *s = host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    *out = s;
    return ZKB_OK;
}

static void rt_destroy(void *state) { host->free(state); }

static zkb_status rt_load_model(void *state, const zkb_model_desc *m)
{
    rt_state *s = state;
    if (m->classes > 64) {
        host->set_error(s->h, "fixture: at most 64 classes");
        return ZKB_ERR_UNSUPPORTED;
    }
    s->n_out = m->classes;
    return ZKB_OK;
}

static zkb_status rt_quantize(void *state, const zkb_qmodel_desc *q)
{
    (void)state;
    (void)q;
    return ZKB_OK;
}

static zkb_status rt_setup(void *state)
{
    (void)state;
    return ZKB_OK;
}

static zkb_status rt_witness(void *state, const zkb_sample *x)
{
    rt_state *s = state;
    s->sample = x;
    return host->eval_fixed(s->h, x->x_q, x->n, s->out, s->n_out);
}

static zkb_status rt_prove(void *state)
{
    (void)state;
    return ZKB_OK;
}

static zkb_status rt_verify(void *state, int64_t *outputs, uint64_t n)
{
    rt_state *s = state;
    memcpy(outputs, s->out, (n < s->n_out ? n : s->n_out) * sizeof *outputs);
    return ZKB_OK;
}

#define RT_BACKEND(NAME, ...)                                                          \
    static const zkb_backend rt_backend = {                                            \
        .struct_size = sizeof(zkb_backend), .abi_major = ZKB_PLUGIN_ABI_MAJOR,         \
        .name = NAME, .version = "1", .proof_system = "none",                          \
        .option_decl_size = sizeof(zkb_option_decl),                                   \
        .description = "runtime test plugin", .probe = rt_probe, .create = rt_create,  \
        .destroy = rt_destroy, .load_model = rt_load_model, .quantize = rt_quantize,   \
        .setup = rt_setup, .witness = rt_witness, .prove = rt_prove,                   \
        .verify = rt_verify, __VA_ARGS__};                                             \
    ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi,  \
                                                 const zkb_backend **out)             \
    {                                                                                  \
        if (abi != ZKB_PLUGIN_ABI_MAJOR || !h)                                         \
            return ZKB_ERR_ABI;                                                        \
        host = h;                                                                      \
        *out = &rt_backend;                                                            \
        return ZKB_OK;                                                                 \
    }

#endif
