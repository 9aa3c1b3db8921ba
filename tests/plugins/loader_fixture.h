/* A minimal, valid backend for the loader-rejection test plugins: each one
 * includes this and breaks one rule. */
#ifndef LOADER_FIXTURE_H
#define LOADER_FIXTURE_H

#include "zkmlbench/zkb_plugin.h"

#pragma GCC diagnostic ignored "-Wunused-function"

static zkb_status fx_probe(zkb_host_ctx *h) { (void)h; return ZKB_OK; }
static zkb_status fx_create(zkb_host_ctx *h, void **s) { (void)h; *s = NULL; return ZKB_OK; }
static void fx_destroy(void *s) { (void)s; }
static zkb_status fx_load(void *s, const zkb_model_desc *m) { (void)s; (void)m; return ZKB_OK; }
static zkb_status fx_quant(void *s, const zkb_qmodel_desc *q) { (void)s; (void)q; return ZKB_OK; }
static zkb_status fx_setup(void *s) { (void)s; return ZKB_OK; }
static zkb_status fx_witness(void *s, const zkb_sample *x) { (void)s; (void)x; return ZKB_OK; }
static zkb_status fx_prove(void *s) { (void)s; return ZKB_OK; }
static zkb_status fx_verify(void *s, int64_t *o, uint64_t n) { (void)s; (void)o; (void)n; return ZKB_ERR_VERIFY; }

#define FX_BACKEND(NAME)                                                              \
    {                                                                                 \
        .struct_size = sizeof(zkb_backend), .abi_major = ZKB_PLUGIN_ABI_MAJOR,        \
        .name = NAME, .version = "0", .proof_system = "none",                          \
        .option_decl_size = sizeof(zkb_option_decl), .probe = fx_probe,               \
        .create = fx_create, .destroy = fx_destroy, .load_model = fx_load,           \
        .quantize = fx_quant, .setup = fx_setup, .witness = fx_witness,              \
        .prove = fx_prove, .verify = fx_verify,                                      \
    }

#endif
