/* The EVM step of a cell (plugin ABI 1.5, lib/evm, docs/evm.md): after each
 * sample's first verify the backend hands over its verifier and that
 * proof's calldata; copies of them wait in the scratch directory until the
 * last sample, then the step runs once as the measured phase "evm". */
#include "run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void say(zkb_host_ctx *h, const char *fmt, const char *arg)
{
    char text[1200];
    snprintf(text, sizeof text, fmt, arg);
    zkbi_host_api()->info(h, "evm", text);
}

void zkbi_cell_evm_begin(zkbi_cell_evm *e, const zkbi_cell_job *job, const zkb_backend *vt, zkb_host_ctx *h)
{
    memset(e, 0, sizeof *e);
    if (!job->evm) {
        say(h, "%s", "off (run setting evm=0)");
        return;
    }
    if (!ZKBI_VT_HAS(vt, evm_proof)) {
        if (!(vt->flags & ZKB_BACKEND_BASELINE))
            say(h, "%s", "none: the backend has no EVM verifier");
        return;
    }
    char why[1024];
    if (zkbi_evm_find(job->ctx, &e->tools, why, sizeof why) != ZKB_OK) {
        say(h, "unavailable: %s", why);
        return;
    }
    e->job.optimizer_runs = job->evm_optimizer_runs;
    e->job.tamper = 1;
    e->enabled = 1;
}

static int copy_file(const char *from, const char *to, uint64_t *size, char *why, size_t why_len)
{
    char *buf = NULL;
    size_t len = 0;
    char err[512];
    if (zkbi_read_file(from, UINT64_C(1) << 30, &buf, &len, err, sizeof err) != ZKB_OK) {
        zkbi_errf(why, why_len, "%s", err);
        return -1;
    }
    int ok = zkbi_write_file(to, buf, len) == 0;
    free(buf);
    if (!ok)
        zkbi_errf(why, why_len, "cannot write %s", to);
    *size = len;
    return ok ? 0 : -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

zkb_status zkbi_cell_evm_collect(zkbi_cell_evm *e, const zkb_backend *vt, void *state, zkb_host_ctx *h,
                                 size_t sample, char *why, size_t why_len)
{
    if (!e->enabled)
        return ZKB_OK;
    zkb_evm_proof p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    zkbi_host_ctx_clear_error(h);
    zkb_status st = vt->evm_proof(state, &p);
    if (st == ZKB_ERR_UNSUPPORTED && sample == 0) {
        say(h, "unsupported: %s", *zkbi_host_ctx_error(h) ? zkbi_host_ctx_error(h) : "(no reason given)");
        e->enabled = 0;
        return ZKB_OK;
    }
    if (st != ZKB_OK) {
        zkbi_errf(why, why_len, "evm_proof of sample %zu: %s", sample, zkbi_host_ctx_error(h));
        return st;
    }
    if (!p.verifier_path || !p.calldata_path || (p.contract && strlen(p.contract) >= sizeof e->job.contract)) {
        zkbi_errf(why, why_len, "evm_proof of sample %zu: no verifier_path or calldata_path, or a contract name over %zu bytes",
                  sample, sizeof e->job.contract - 1);
        return ZKB_ERR_PLUGIN;
    }
    const char *scratch = zkbi_host_api()->scratch_dir(h);
    char dir[PATH_MAX];
    if (!scratch || (size_t)snprintf(dir, sizeof dir, "%s/evm", scratch) >= sizeof dir - 64 || zkbi_mkdirs(dir) != 0) {
        zkbi_errf(why, why_len, "cannot make the EVM step's scratch directory");
        return ZKB_ERR_IO;
    }
    uint64_t size = 0;
    if (sample == 0) {
        if ((size_t)snprintf(e->job.verifier, sizeof e->job.verifier, "%s/%s", dir, base_name(p.verifier_path)) >=
                sizeof e->job.verifier ||
            copy_file(p.verifier_path, e->job.verifier, &size, why, why_len) != 0)
            return ZKB_ERR_IO;
        snprintf(e->job.contract, sizeof e->job.contract, "%s", p.contract ? p.contract : "");
        snprintf(e->job.generator, sizeof e->job.generator, "%s", p.generator ? p.generator : "");
        e->job.n_public = p.n_public;
    }
    zkbi_evm_call *grown = realloc(e->job.calls, (e->job.n_calls + 1) * sizeof *grown);
    if (!grown) {
        zkbi_errf(why, why_len, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    e->job.calls = grown;
    zkbi_evm_call *c = &grown[e->job.n_calls];
    memset(c, 0, sizeof *c);
    if ((size_t)snprintf(c->calldata, sizeof c->calldata, "%s/sample_%zu.calldata", dir, sample) >=
            sizeof c->calldata ||
        copy_file(p.calldata_path, c->calldata, &size, why, why_len) != 0)
        return ZKB_ERR_IO;
    if (size < 4 || p.proof_offset > size || p.proof_len > size - p.proof_offset ||
        (p.output_offset != 0 && (p.output_offset > size || size - p.output_offset < 32))) {
        zkbi_errf(why, why_len,
                  "evm_proof of sample %zu: proof bytes %llu+%llu or output word at %llu outside its %llu bytes of calldata",
                  sample, (unsigned long long)p.proof_offset, (unsigned long long)p.proof_len,
                  (unsigned long long)p.output_offset, (unsigned long long)size);
        return ZKB_ERR_PLUGIN;
    }
    c->proof_offset = p.proof_offset;
    c->proof_len = p.proof_len;
    c->output_offset = p.output_offset ? p.output_offset : size; /* size: no output word */
    e->job.n_calls++;
    return ZKB_OK;
}

int zkbi_cell_evm_ready(const zkbi_cell_evm *e) { return e->enabled && e->job.n_calls > 0; }

void zkbi_cell_evm_free(zkbi_cell_evm *e)
{
    free(e->job.calls);
    memset(e, 0, sizeof *e);
}
