/* The EVM step of one session: compile, deploy, call (evm_int.h). */
#include "evm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Median, min and max over the n >= 1 calls of one of their figures. */
static zkbi_stats call_stats(const zkbi_evm_call_result *c, size_t n, size_t field_offset)
{
    zkbi_stats s = {.n = n};
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = *(const double *)((const char *)&c[i] + field_offset);
    if (!v || zkbi_stats_compute(v, n, &s) != 0) /* out of memory: the first call's */
        s.median = s.min = s.max = *(const double *)((const char *)&c[0] + field_offset);
    free(v);
    return s;
}

/* Which of Ethereum mainnet's limits the verifier passes, in words. */
static void mainnet_text(const zkbi_evm_result *r, char *out, size_t cap)
{
    char why[768];
    size_t used = 0;
    why[0] = '\0';
#define SAY(...)                                                                                \
    do {                                                                                        \
        if (used < sizeof why)                                                                  \
            used += (size_t)snprintf(why + used, sizeof why - used, "%s", used ? "; " : "");    \
        if (used < sizeof why)                                                                  \
            used += (size_t)snprintf(why + used, sizeof why - used, __VA_ARGS__);               \
    } while (0)
    if (r->exceeds_eip170)
        SAY("runtime code %.0f bytes > %d (EIP-170)%s", r->runtime_bytes, ZKBI_EVM_EIP170_LIMIT,
            r->n_libraries ? ", it or a library" : "");
    if (r->exceeds_eip3860)
        SAY("initcode %.0f bytes > %d (EIP-3860)", r->initcode_bytes, ZKBI_EVM_EIP3860_LIMIT);
    if (r->deploy_exceeds_tx_cap)
        SAY("a deployment over %d gas per transaction (EIP-7825)", ZKBI_EVM_TX_GAS_CAP);
    int deployable = used == 0;
    if (r->verify_exceeds_tx_cap)
        SAY("a proof's verification over %d gas per transaction (EIP-7825)", ZKBI_EVM_TX_GAS_CAP);
#undef SAY
    if (!why[0])
        snprintf(out, cap, "deployable and verifiable on Ethereum mainnet (osaka) as is: runtime code %.0f "
                           "bytes <= %d (EIP-170), every transaction under %d gas (EIP-7825)",
                 r->runtime_bytes, ZKBI_EVM_EIP170_LIMIT, ZKBI_EVM_TX_GAS_CAP);
    else
        snprintf(out, cap, "%s on Ethereum mainnet (osaka) as is: %s; measured without these limits",
                 deployable ? "deployable but not verifiable in one transaction" : "not deployable", why);
}

static void record(zkb_host_ctx *h, const zkbi_evm_tools *t, const zkbi_evm_job *job,
                   const zkbi_evm_result *r)
{
    const zkb_host_api *api = zkbi_host_api();
    size_t n = r->n_calls;
    zkbi_stats gas = call_stats(r->calls, n, offsetof(zkbi_evm_call_result, gas));
    api->metric(h, "evm_runtime_bytes", r->runtime_bytes, "bytes");
    api->metric(h, "evm_initcode_bytes", r->initcode_bytes, "bytes");
    api->metric(h, "evm_exceeds_eip170", r->exceeds_eip170, "flag");
    api->metric(h, "evm_exceeds_eip3860", r->exceeds_eip3860, "flag");
    api->metric(h, "evm_deploy_exceeds_tx_cap", r->deploy_exceeds_tx_cap, "flag");
    api->metric(h, "evm_verify_exceeds_tx_cap", r->verify_exceeds_tx_cap, "flag");
    api->metric(h, "evm_deploy_gas", r->deploy_gas_total, "gas");
    api->metric(h, "evm_verify_gas", gas.median, "gas");
    api->metric(h, "evm_verify_gas_min", gas.min, "gas");
    api->metric(h, "evm_verify_gas_max", gas.max, "gas");
    api->metric(h, "evm_calldata_bytes", call_stats(r->calls, n, offsetof(zkbi_evm_call_result, calldata_bytes)).median,
                "bytes");
    api->metric(h, "evm_calldata_gas", call_stats(r->calls, n, offsetof(zkbi_evm_call_result, calldata_gas)).median,
                "gas");
    api->metric(h, "evm_public_inputs", job->n_public, "count");
    api->metric(h, "evm_proofs_verified", (double)n, "count");
    if (job->tamper)
        api->metric(h, "evm_tampered_rejected", (double)r->n_tampered, "count");

    char text[1024];
    api->info(h, "evm_contract", r->contract);
    if (job->generator[0])
        api->info(h, "evm_generator", job->generator);
    if (job->optimizer_runs)
        snprintf(text, sizeof text, "solc %s, optimizer on (%u runs), evmVersion %s", r->solc,
                 job->optimizer_runs, r->hardfork);
    else
        snprintf(text, sizeof text, "solc %s, optimizer off, evmVersion %s", r->solc, r->hardfork);
    api->info(h, "evm_compiler", text);
    if ((size_t)snprintf(text, sizeof text, "%s (%s), hardfork %s, in process", r->vm, t->toolchain,
                         r->hardfork) >= sizeof text)
        snprintf(text, sizeof text, "%s, hardfork %s, in process", r->vm, r->hardfork);
    api->info(h, "evm_vm", text);
    mainnet_text(r, text, sizeof text);
    api->info(h, "evm_mainnet", text);
    if (job->tamper) {
        size_t used = (size_t)snprintf(text, sizeof text, "rejected:");
        for (size_t i = 0; i < r->n_tampered && used < sizeof text; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s %s (%s)", i ? ";" : "",
                                     r->tampered[i].what, r->tampered[i].outcome);
        api->info(h, "evm_tampered", text);
    }
}

zkb_status zkbi_evm_run(zkb_host_ctx *h, const zkbi_evm_tools *t, const zkbi_evm_job *job)
{
    const zkb_host_api *api = zkbi_host_api();
    char why[1024];
    if (!job->n_calls) {
        api->set_error(h, "EVM step: no proof to send");
        return ZKB_ERR_INVALID_ARG;
    }
    const char *scratch = api->scratch_dir(h);
    if (!scratch) {
        api->set_error(h, "EVM step: no scratch directory");
        return ZKB_ERR_IO;
    }
    char req[PATH_MAX], res[PATH_MAX], err_log[PATH_MAX];
    if ((size_t)snprintf(req, sizeof req, "%s/evm/request.json", scratch) >= sizeof req ||
        (size_t)snprintf(res, sizeof res, "%s/evm/result.json", scratch) >= sizeof res ||
        (size_t)snprintf(err_log, sizeof err_log, "%s/evm/evm_measure.stderr", scratch) >= sizeof err_log) {
        api->set_error(h, "EVM step: scratch path too long");
        return ZKB_ERR_IO;
    }
    remove(res);
    if (zkbi_evm_write_request(t, job, req, why, sizeof why) != 0) {
        api->set_error(h, why);
        return ZKB_ERR_IO;
    }
    const char *argv[] = {t->node, t->script, req, res, NULL};
    zkb_spawn_opts o = {.struct_size = sizeof o, .argv = argv, .stderr_path = err_log};
    zkb_status st = zkbi_host_spawn(h, &o, NULL);
    if (st != ZKB_OK)
        return st; /* its error names the program and quotes its stderr */

    zkbi_evm_result r;
    st = zkbi_evm_read_result(res, job->n_calls, &r, why, sizeof why);
    if (st != ZKB_OK) {
        api->set_error(h, why);
        return st;
    }
    record(h, t, job, &r);
    for (size_t i = 0; i < r.n_calls && st == ZKB_OK; i++) {
        if (!r.calls[i].accepted) {
            snprintf(why, sizeof why,
                     "the EVM verifier (%s) did not accept sample %zu's verified proof: %s, %.0f gas",
                     r.contract, i, r.calls[i].outcome, r.calls[i].gas);
            st = ZKB_ERR_VERIFY;
        }
    }
    for (size_t i = 0; i < r.n_tampered && st == ZKB_OK; i++) {
        if (r.tampered[i].accepted) {
            snprintf(why, sizeof why,
                     "unsound on chain: the EVM verifier (%s) accepted sample 0's proof with %s",
                     r.contract, r.tampered[i].what);
            st = ZKB_ERR_VERIFY;
        }
    }
    if (st == ZKB_OK && job->tamper && r.n_tampered == 0) {
        snprintf(why, sizeof why, "the EVM step sent no tampered proof (the backend gave no place to tamper)");
        st = ZKB_ERR_PLUGIN;
    }
    zkbi_evm_result_free(&r);
    if (st != ZKB_OK)
        api->set_error(h, why);
    return st;
}
