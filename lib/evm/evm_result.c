/* The request evm_measure.mjs reads and the result it writes (evm_int.h). */
#include "evm_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int zkbi_evm_write_request(const zkbi_evm_tools *t, const zkbi_evm_job *job, const char *path,
                           char *why, size_t why_len)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *calls = cJSON_AddArrayToObject(r, "calls");
    int ok = r && calls && cJSON_AddStringToObject(r, "toolchain", t->toolchain) &&
             cJSON_AddStringToObject(r, "source", job->verifier) &&
             cJSON_AddStringToObject(r, "contract", job->contract) &&
             cJSON_AddStringToObject(r, "hardfork", ZKBI_EVM_HARDFORK) &&
             cJSON_AddNumberToObject(r, "optimizer_runs", job->optimizer_runs) &&
             cJSON_AddBoolToObject(r, "tamper", job->tamper);
    for (size_t i = 0; ok && i < job->n_calls; i++) {
        const zkbi_evm_call *c = &job->calls[i];
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(calls, o) && cJSON_AddStringToObject(o, "calldata", c->calldata) &&
             cJSON_AddNumberToObject(o, "proof_offset", (double)c->proof_offset) &&
             cJSON_AddNumberToObject(o, "proof_len", (double)c->proof_len) &&
             cJSON_AddNumberToObject(o, "output_offset", (double)c->output_offset);
    }
    char *text = ok ? cJSON_PrintUnformatted(r) : NULL;
    cJSON_Delete(r);
    ok = text && zkbi_write_file(path, text, strlen(text)) == 0;
    free(text);
    if (!ok)
        zkbi_errf(why, why_len, "cannot write the EVM request %s", path);
    return ok ? 0 : -1;
}

static double num(const cJSON *o, const char *key, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
        *bad = 1;
        return 0;
    }
    return v->valuedouble;
}

static void str(const cJSON *o, const char *key, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static int read_calls(const cJSON *arr, zkbi_evm_call_result **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!cJSON_IsArray(arr))
        return -1;
    size_t k = (size_t)cJSON_GetArraySize(arr);
    zkbi_evm_call_result *v = calloc(k ? k : 1, sizeof *v);
    if (!v)
        return -1;
    int bad = 0;
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        v[i].gas = num(c, "gas", &bad);
        v[i].calldata_bytes = num(c, "calldata_bytes", &bad);
        v[i].calldata_gas = num(c, "calldata_gas", &bad);
        v[i].accepted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "accepted"));
        str(c, "outcome", v[i].outcome, sizeof v[i].outcome);
        str(c, "what", v[i].what, sizeof v[i].what);
    }
    *out = v;
    *n = k;
    return bad ? -1 : 0;
}

zkb_status zkbi_evm_read_result(const char *path, size_t n_calls, zkbi_evm_result *r, char *why,
                                size_t why_len)
{
    memset(r, 0, sizeof *r);
    char *text = NULL;
    size_t len = 0;
    char err[512];
    if (zkbi_read_file(path, 64 << 20, &text, &len, err, sizeof err) != ZKB_OK) {
        zkbi_errf(why, why_len, "the EVM step wrote no result: %s", err);
        return ZKB_ERR_CHILD;
    }
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    int bad = !cJSON_IsObject(j);
    if (!bad) {
        str(j, "solc", r->solc, sizeof r->solc);
        str(j, "evm", r->vm, sizeof r->vm);
        str(j, "hardfork", r->hardfork, sizeof r->hardfork);
        str(j, "contract", r->contract, sizeof r->contract);
        r->runtime_bytes = num(j, "runtime_bytes", &bad);
        r->initcode_bytes = num(j, "initcode_bytes", &bad);
        r->deploy_gas = num(j, "deploy_gas", &bad);
        r->deploy_gas_total = num(j, "deploy_gas_total", &bad);
        r->exceeds_eip170 = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "exceeds_eip170"));
        r->exceeds_eip3860 = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "exceeds_eip3860"));
        r->deploy_exceeds_tx_cap = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "deploy_exceeds_tx_cap"));
        r->verify_exceeds_tx_cap = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "verify_exceeds_tx_cap"));
        r->n_libraries = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "libraries"));
        bad |= read_calls(cJSON_GetObjectItemCaseSensitive(j, "calls"), &r->calls, &r->n_calls) != 0;
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "tampered");
        if (t)
            bad |= read_calls(t, &r->tampered, &r->n_tampered) != 0;
    }
    cJSON_Delete(j);
    if (bad || r->n_calls != n_calls) {
        zkbi_errf(why, why_len, "the EVM step's result %s is malformed (%zu calls for %zu proofs)", path,
                  r->n_calls, n_calls);
        zkbi_evm_result_free(r);
        return ZKB_ERR_CHILD;
    }
    return ZKB_OK;
}

void zkbi_evm_result_free(zkbi_evm_result *r)
{
    free(r->calls);
    free(r->tampered);
    memset(r, 0, sizeof *r);
}
