/* The cell process: drives one backend session through every phase,
 * measures each call and streams what happens to the parent. */
#include "run_int.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHOW_VALUES 8

typedef struct child {
    const zkbi_cell_job *job;
    const zkb_backend *vt;
    zkb_host_ctx *h;
    void *state;
    int created;
    int64_t *out; /* verified outputs of one sample */
    /* host->set_quant: the backend's own quantization and the references
     * under it (replacing job->qm and job->in->ref_q); NULL if never set */
    zkbi_qmodel *own_qm;
    int64_t *own_ref;
    zkbi_cell_evm evm;
} child;

static int g_fd = -1;

static void send_or_die(const zkbi_event *e)
{
    if (zkbi_event_send(g_fd, e) != 0)
        _exit(3); /* the parent is gone: nobody to report to */
}

static void sink_log(void *user, uint32_t level, const char *msg)
{
    (void)user;
    send_or_die(&(zkbi_event){.type = ZKBI_EV_LOG, .level = level, .sample = -1, .s1 = msg});
}

static void sink_metric(void *user, const char *key, double value, const char *unit)
{
    (void)user;
    send_or_die(&(zkbi_event){.type = ZKBI_EV_METRIC, .sample = -1, .s1 = key, .value = value, .s2 = unit});
}

static void sink_info(void *user, const char *key, const char *value)
{
    (void)user;
    send_or_die(&(zkbi_event){.type = ZKBI_EV_INFO, .sample = -1, .s1 = key, .s2 = value});
}

static void sink_progress(void *user, double fraction, const char *what)
{
    (void)user;
    send_or_die(&(zkbi_event){.type = ZKBI_EV_PROGRESS, .sample = -1, .value = fraction, .s1 = what});
}

static zkb_status eval_fixed(void *user, const int64_t *x_q, uint64_t n_in, int64_t *out_q,
                             uint64_t n_out, char *err, size_t errlen)
{
    return zkbi_qmodel_eval(user, x_q, (size_t)n_in, out_q, (size_t)n_out, err, errlen);
}

/* host->set_quant: quantize the model under q and recompute every sample's
 * reference outputs; from then on they are what verified outputs must equal. */
static zkb_status set_quant(void *user, const zkb_quant *q, char *err, size_t errlen)
{
    child *c = user;
    const zkbi_inputs *in = c->job->in;
    zkbi_qmodel *qm = NULL;
    zkb_status st = zkbi_qmodel_new(c->job->model, q, &qm, err, errlen);
    if (st != ZKB_OK)
        return st;
    size_t n_ref = in->n_samples * in->n_out;
    int64_t *ref = malloc((n_ref > 0 ? n_ref : 1) * sizeof *ref);
    int64_t *xq = malloc((in->n_in ? in->n_in : 1) * sizeof *xq);
    for (size_t s = 0; st == ZKB_OK && ref && xq && s < in->n_samples; s++) {
        st = zkb_quantize_input(zkbi_qmodel_desc(qm)->quant, in->x + s * in->n_in, in->n_in, xq);
        if (st != ZKB_OK)
            snprintf(err, errlen, "set_quant: sample %zu does not quantize", s);
        else
            st = zkbi_qmodel_eval(qm, xq, in->n_in, ref + s * in->n_out, in->n_out, err, errlen);
    }
    int oom = !ref || !xq;
    free(xq);
    if (oom || st != ZKB_OK) {
        if (st == ZKB_OK) {
            st = ZKB_ERR_NOMEM;
            snprintf(err, errlen, "out of memory");
        }
        free(ref);
        zkbi_qmodel_free(qm);
        return st;
    }
    zkbi_qmodel_free(c->own_qm);
    free(c->own_ref);
    c->own_qm = qm;
    c->own_ref = ref;
    zkbi_host_ctx_set_evaluator(c->h, eval_fixed, qm);
    char desc[160];
    if (q->scheme == ZKB_QUANT_EZKL)
        snprintf(desc, sizeof desc,
                 "ezkl: input_scale %u, param_scale %u, scale_rebase_multiplier %u; outputs at 2^%d",
                 (unsigned)ZKB_QUANT_EZKL_INPUT(q->scale), (unsigned)ZKB_QUANT_EZKL_PARAM(q->scale),
                 (unsigned)ZKB_QUANT_EZKL_MULT(q->scale), (int)qm->out_scale);
    else
        snprintf(desc, sizeof desc, "%s scale %u, %s", q->scheme == ZKB_QUANT_POW10 ? "pow10" : "pow2",
                 (unsigned)q->scale, q->rounding == ZKB_ROUND_FLOOR ? "floor" : "half_up");
    sink_info(NULL, "reference_quant", desc);
    return ZKB_OK;
}

/* A clean process state whatever the host program did to its own. The
 * keeper (cell_keeper.c) made the session and is the subreaper. */
static void isolate(const zkbi_cell_job *job, int out_fd)
{
    /* Default actions, so a fault kills the process with its signal even if
     * the host (or a sanitizer runtime) installed handlers. */
    zkbi_reset_signals();
    zkbi_ctx_export_env(job->ctx);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN; /* a write to a dead parent fails with EPIPE instead */
    sigaction(SIGPIPE, &sa, NULL);

    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in >= 0)
        dup2(in, 0);
    if (out_fd >= 0) {
        dup2(out_fd, 1);
        dup2(out_fd, 2);
    }
    if (in > 2)
        close(in);
    if (out_fd > 2)
        close(out_fd);
}

static void begin(uint32_t phase, int64_t sample, uint32_t repeat)
{
    send_or_die(&(zkbi_event){.type = ZKBI_EV_PHASE_BEGIN, .phase = phase, .sample = sample, .repeat = repeat});
}

static _Noreturn void finish(child *c, int ok)
{
    if (c->created) {
        begin(ZKBI_PH_DESTROY, -1, 0);
        c->vt->destroy(c->state);
    }
    free(c->out);
    zkbi_cell_evm_free(&c->evm);
    free(c->own_ref);
    zkbi_qmodel_free(c->own_qm);
    if (ok)
        send_or_die(&(zkbi_event){.type = ZKBI_EV_DONE, .sample = -1});
    zkbi_host_ctx_free(c->h);
    fflush(NULL);
    _exit(0);
}

static _Noreturn void fail(child *c, uint32_t phase, int64_t sample, zkb_status st, const char *msg)
{
    send_or_die(&(zkbi_event){.type = ZKBI_EV_FAIL, .phase = phase, .sample = sample, .status = (uint32_t)st,
                              .s1 = msg ? msg : ""});
    finish(c, 0);
}

static void fail_call(child *c, uint32_t phase, int64_t sample, zkb_status st)
{
    if (st != ZKB_OK)
        fail(c, phase, sample, st, zkbi_host_ctx_error(c->h));
}

typedef struct measured {
    zkbi_span p;
    uint32_t phase;
    int64_t sample;
    uint32_t repeat;
} measured;

static void start(child *c, measured *m, uint32_t phase, int64_t sample, uint32_t repeat)
{
    m->phase = phase;
    m->sample = sample;
    m->repeat = repeat;
    begin(phase, sample, repeat);
    zkbi_host_ctx_clear_error(c->h);
    zkbi_host_ctx_set_phase(c->h, &m->p);
    zkbi_span_begin(&m->p);
}

static void stop(child *c, measured *m, zkb_status st)
{
    zkbi_measure r;
    zkbi_span_end(&m->p, &r);
    zkbi_host_ctx_set_phase(c->h, NULL);
    fail_call(c, m->phase, m->sample, st);
    send_or_die(&(zkbi_event){.type = ZKBI_EV_PHASE_END, .phase = m->phase, .sample = m->sample,
                              .repeat = m->repeat, .m = r});
}

static void show(char *out, size_t cap, const int64_t *v, size_t n)
{
    size_t used = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < n && i < SHOW_VALUES && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (used < cap)
        snprintf(out + used, cap - used, "%s]", n > SHOW_VALUES ? ", ..." : "");
}

static void check_outputs(child *c, size_t s, uint32_t r, const int64_t *got)
{
    const zkbi_inputs *in = c->job->in;
    const int64_t *want = (c->own_ref ? c->own_ref : in->ref_q) + s * in->n_out;
    size_t k = 0;
    while (k < in->n_out && got[k] == want[k])
        k++;
    if (k == in->n_out)
        return;
    char g[512], w[512], msg[1400];
    show(g, sizeof g, got, in->n_out);
    show(w, sizeof w, want, in->n_out);
    snprintf(msg, sizeof msg, "verified outputs %s differ from the reference %s at index %zu of %zu (repeat %u)%s",
             g, w, k, in->n_out, r, c->own_ref ? " (the backend's quantization: info reference_quant)" : "");
    fail(c, ZKBI_PH_VERIFY, (int64_t)s, ZKB_ERR_MISMATCH, msg);
}

static void run_phases(child *c)
{
    const zkbi_cell_job *job = c->job;
    const zkbi_inputs *in = job->in;
    measured m;

    start(c, &m, ZKBI_PH_LOAD, -1, 0);
    zkb_status st = c->vt->create(c->h, &c->state);
    if (st != ZKB_OK)
        stop(c, &m, st);
    c->created = 1;
    for (size_t i = 0; i < job->n_opts && st == ZKB_OK; i++)
        st = c->vt->set_option ? c->vt->set_option(c->state, job->opts[i].key, &job->opts[i].v)
                               : ZKB_ERR_UNSUPPORTED;
    if (st == ZKB_OK)
        st = c->vt->load_model(c->state, zkbi_model_desc(job->model));
    stop(c, &m, st);

    zkbi_host_ctx_set_evaluator(c->h, eval_fixed, (void *)job->qm);
    zkbi_host_ctx_set_quant_hook(c->h, set_quant, c);
    zkbi_host_ctx_set_ranges(c->h, job->ranges);
    start(c, &m, ZKBI_PH_QUANTIZE, -1, 0);
    stop(c, &m, c->vt->quantize(c->state, zkbi_qmodel_desc(job->qm)));

    start(c, &m, ZKBI_PH_SETUP, -1, 0);
    stop(c, &m, c->vt->setup(c->state));

    int64_t *out = c->out = malloc((in->n_out ? in->n_out : 1) * sizeof *out);
    if (!out)
        fail(c, ZKBI_PH_SETUP, -1, ZKB_ERR_NOMEM, "out of memory");
    zkbi_cell_evm_begin(&c->evm, job, c->vt, c->h);
    for (size_t s = 0; s < in->n_samples; s++) {
        zkb_sample sample = {.struct_size = sizeof sample, .index = (uint32_t)s, .n = in->n_in,
                             .x = in->x + s * in->n_in, .x_q = in->x_q + s * in->n_in};
        for (uint32_t r = 0; r < job->repeats; r++) {
            start(c, &m, ZKBI_PH_WITNESS, (int64_t)s, r);
            stop(c, &m, c->vt->witness(c->state, &sample));
            start(c, &m, ZKBI_PH_PROVE, (int64_t)s, r);
            stop(c, &m, c->vt->prove(c->state));
            for (size_t k = 0; k < in->n_out; k++)
                out[k] = INT64_MIN; /* what a verify that writes nothing leaves */
            start(c, &m, ZKBI_PH_VERIFY, (int64_t)s, r);
            stop(c, &m, c->vt->verify(c->state, out, in->n_out));
            check_outputs(c, s, r, out);
            if (r > 0)
                continue;
            send_or_die(&(zkbi_event){.type = ZKBI_EV_CLASS, .sample = (int64_t)s,
                                      .cls = (int32_t)zkbi_argmax_i(out, in->n_out)});
            char why[1400];
            st = zkbi_cell_evm_collect(&c->evm, c->vt, c->state, c->h, s, why, sizeof why);
            if (st != ZKB_OK)
                fail(c, ZKBI_PH_EVM, (int64_t)s, st, why);
        }
    }
    if (zkbi_cell_evm_ready(&c->evm)) {
        start(c, &m, ZKBI_PH_EVM, -1, 0);
        stop(c, &m, zkbi_evm_run(c->h, &c->evm.tools, &c->evm.job));
    }
    zkbi_zk_accuracy_pass(job, c->vt, c->state, c->own_qm ? c->own_qm : job->qm, c->h);
}

_Noreturn void zkbi_cell_child(const zkbi_cell_job *job, int out_fd)
{
    g_fd = job->fd; /* above 2: the keeper moved it */
    isolate(job, out_fd);
    child c = {.job = job, .vt = job->b->vt};
    begin(ZKBI_PH_START, -1, 0);
    c.h = zkbi_host_ctx_new(job->ctx, job->b);
    if (!c.h || zkbi_host_ctx_set_scratch(c.h, job->scratch) != 0)
        fail(&c, ZKBI_PH_START, -1, ZKB_ERR_NOMEM, "out of memory");
    zkbi_host_sink sink = {.log = sink_log, .metric = sink_metric, .info = sink_info,
                           .progress = sink_progress};
    zkbi_host_ctx_set_sink(c.h, &sink);
    zkbi_host_ctx_set_deadline(c.h, job->deadline_ns);

    /* Again here, unmeasured: its infos (framework versions) go into the record. */
    begin(ZKBI_PH_PROBE, -1, 0);
    zkb_status st = c.vt->probe(c.h);
    if (st != ZKB_OK)
        fail(&c, ZKBI_PH_PROBE, -1, ZKB_ERR_UNAVAILABLE, zkbi_host_ctx_error(c.h));

    run_phases(&c);
    finish(&c, 1);
}
