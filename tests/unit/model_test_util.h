/* Shared by the evaluator, accuracy, range and loader tests: build small
 * models from JSON text and quantization settings. Include after cmocka.h. */
#ifndef ZKB_TEST_MODEL_TEST_UTIL_H
#define ZKB_TEST_MODEL_TEST_UTIL_H

#include <string.h>

#include "zkmlbench/zkmlbench.h"

/* The start of a model's JSON text, up to its layer list. */
#define HDR(shape, classes)                                                                  \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\",\"input\":{\"shape\":" shape \
    "},\"classes\":" #classes ",\"layers\":["

/* A model from JSON text that must load (the test fails otherwise). */
static inline zkb_model *load(const char *json)
{
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_json(NULL, json, strlen(json), &m);
    if (st != ZKB_OK)
        fail_msg("load failed: %s", zkb_status_str(st));
    return m;
}

static inline zkb_quant quant(uint32_t scheme, uint32_t scale, uint32_t rounding)
{
    zkb_quant q;
    zkb_quant_default(&q);
    q.scheme = scheme;
    q.scale = scale;
    q.rounding = rounding;
    return q;
}

#endif
