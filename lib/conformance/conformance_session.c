/* The conformance checks that drive a backend session by hand, in call
 * orders the runner never uses. Each body runs in its own child process
 * (lib/conformance.c), so a crash or hang fails the check it was in. */
#include "conformance_int.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CANARY INT64_C(0x5a5a5a5a5a5a5a5a)
#define CANARIES 4

typedef struct sess {
    const zkbi_conf *c;
    int fd;
    const zkb_backend *vt;
    zkb_host_ctx *h;
    void *state;
    int created;
    char scratch[PATH_MAX + 32];
    /* The reference outputs verify must match: the conformance model's, or
     * after host->set_quant (ABI 1.2) those under the backend's quantization. */
    int64_t ref[ZKBI_CONF_SAMPLES][64];
    zkbi_qmodel *own_qm;
} sess;

static zkb_status eval_fixed(void *user, const int64_t *x_q, uint64_t n_in, int64_t *out_q,
                             uint64_t n_out, char *err, size_t errlen)
{
    return zkbi_qmodel_eval(user, x_q, (size_t)n_in, out_q, (size_t)n_out, err, errlen);
}

/* host->set_quant, as in a cell (lib/run/cell_child.c): the model under q, and the
 * samples' reference outputs under it. */
static zkb_status set_quant(void *user, const zkb_quant *q, char *err, size_t errlen)
{
    sess *s = user;
    const zkbi_conf *c = s->c;
    zkbi_qmodel *qm = NULL;
    zkb_status st = zkbi_qmodel_new(c->model, q, &qm, err, errlen);
    int64_t xq[4096], ref[ZKBI_CONF_SAMPLES][64];
    for (size_t k = 0; st == ZKB_OK && k < ZKBI_CONF_SAMPLES; k++) {
        st = zkb_quantize_input(zkbi_qmodel_desc(qm)->quant, c->x[k], c->n_in, xq);
        if (st != ZKB_OK)
            snprintf(err, errlen, "set_quant: sample %zu does not quantize", k);
        else
            st = zkbi_qmodel_eval(qm, xq, c->n_in, ref[k], c->n_out, err, errlen);
    }
    if (st != ZKB_OK) {
        zkbi_qmodel_free(qm);
        return st;
    }
    zkbi_qmodel_free(s->own_qm);
    s->own_qm = qm;
    memcpy(s->ref, ref, sizeof ref);
    zkbi_host_ctx_set_evaluator(s->h, eval_fixed, qm);
    return ZKB_OK;
}

/* Notes a non-OK status (with or without message) for the "errors" check. */
static zkb_status note(sess *s, const char *what, zkb_status st)
{
    if (st != ZKB_OK) {
        zkbi_conf_error_seen(s->fd);
        if (!zkbi_host_ctx_error(s->h)[0])
            zkbi_conf_silent_error(s->fd, what);
    }
    return st;
}

static int sess_open(sess *s, const zkbi_conf *c, int fd)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->fd = fd;
    s->vt = c->b->vt;
    snprintf(s->scratch, sizeof s->scratch, "%s/scratch-XXXXXX", c->work);
    s->h = zkbi_host_ctx_new(c->ctx, c->b);
    if (!s->h || !mkdtemp(s->scratch) || zkbi_host_ctx_set_scratch(s->h, s->scratch) != 0)
        return -1;
    zkbi_host_ctx_set_deadline(s->h, zkbi_now_ns() + (uint64_t)(c->timeout_s * 1e9));
    memcpy(s->ref, c->ref, sizeof s->ref);
    zkbi_host_ctx_set_quant_hook(s->h, set_quant, s);
    return 0;
}

static void sess_destroy(sess *s)
{
    if (s->created) {
        s->vt->destroy(s->state);
        s->created = 0;
        s->state = NULL;
    }
}

static void sess_close(sess *s)
{
    sess_destroy(s);
    if (s->h && zkbi_host_ctx_bad_keys(s->h)[0])
        zkbi_conf_bad_keys(s->fd, zkbi_host_ctx_bad_keys(s->h));
    zkbi_host_ctx_free(s->h);
    s->h = NULL;
    zkbi_qmodel_free(s->own_qm);
    s->own_qm = NULL;
    zkbi_remove_tree(s->scratch);
}

static zkb_status do_create(sess *s)
{
    zkbi_host_ctx_clear_error(s->h);
    zkb_status st = note(s, "create", s->vt->create(s->h, &s->state));
    if (st != ZKB_OK)
        return st;
    s->created = 1;
    for (size_t i = 0; i < s->c->n_opts; i++) {
        zkbi_host_ctx_clear_error(s->h);
        st = s->vt->set_option ? s->vt->set_option(s->state, s->c->opts[i].key, &s->c->opts[i].v)
                               : ZKB_ERR_UNSUPPORTED;
        if (note(s, "set_option", st) != ZKB_OK)
            return st;
    }
    return ZKB_OK;
}

static zkb_status do_load(sess *s)
{
    zkbi_host_ctx_clear_error(s->h);
    return note(s, "load_model", s->vt->load_model(s->state, zkbi_model_desc(s->c->model)));
}

static zkb_status do_quantize(sess *s)
{
    zkbi_host_ctx_set_evaluator(s->h, eval_fixed, s->own_qm ? (void *)s->own_qm : (void *)s->c->qm);
    zkbi_host_ctx_set_ranges(s->h, s->c->ranges);
    zkbi_host_ctx_clear_error(s->h);
    return note(s, "quantize", s->vt->quantize(s->state, zkbi_qmodel_desc(s->c->qm)));
}

static zkb_status do_setup(sess *s)
{
    zkbi_host_ctx_clear_error(s->h);
    return note(s, "setup", s->vt->setup(s->state));
}

static zkb_status do_witness(sess *s, size_t k)
{
    const zkbi_conf *c = s->c;
    zkb_sample x = {.struct_size = sizeof x, .index = (uint32_t)k, .n = c->n_in, .x = c->x[k], .x_q = c->x_q[k]};
    zkbi_host_ctx_clear_error(s->h);
    return note(s, "witness", s->vt->witness(s->state, &x));
}

static zkb_status do_prove(sess *s)
{
    zkbi_host_ctx_clear_error(s->h);
    return note(s, "prove", s->vt->prove(s->state));
}

/* verify into out[0..n_out) with canaries after it; -1 in *overrun when
 * verify wrote past n_out. */
static zkb_status do_verify(sess *s, int64_t *out, int *overrun, int *unwritten)
{
    size_t n = s->c->n_out;
    int64_t buf[64 + CANARIES];
    for (size_t i = 0; i < n; i++)
        buf[i] = INT64_MIN;
    for (size_t i = 0; i < CANARIES; i++)
        buf[n + i] = CANARY;
    zkbi_host_ctx_clear_error(s->h);
    zkb_status st = note(s, "verify", s->vt->verify(s->state, buf, n));
    int over = 0, unw = 0;
    for (size_t i = 0; i < CANARIES; i++)
        over |= buf[n + i] != CANARY;
    for (size_t i = 0; i < n; i++)
        unw |= buf[i] == INT64_MIN;
    if (overrun)
        *overrun = over;
    if (unwritten)
        *unwritten = unw;
    if (out)
        memcpy(out, buf, n * sizeof *out);
    return st;
}

static void show(char *out, size_t cap, const int64_t *v, size_t n)
{
    size_t used = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < n && i < 6 && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (used < cap)
        snprintf(out + used, cap - used, "%s]", n > 6 ? ", ..." : "");
}

static const char *msg_of(const sess *s)
{
    const char *m = zkbi_host_ctx_error(s->h);
    return m[0] ? m : "(no message)";
}

/* create .. setup; on failure reports `check` as FAIL (the runner's check
 * already says the same, but this one cannot go on) and returns -1. */
static int prepare(sess *s, const char *check, int until_setup)
{
    zkb_status st = do_create(s);
    const char *where = "create";
    if (st == ZKB_OK)
        st = do_load(s), where = "load_model";
    if (st == ZKB_OK)
        st = do_quantize(s), where = "quantize";
    if (st == ZKB_OK && until_setup)
        st = do_setup(s), where = "setup";
    if (st == ZKB_OK)
        return 0;
    zkbi_conf_result(s->fd, check, ZKB_CHECK_FAIL, "cannot get a session ready: %s failed: %s: %s", where,
                     zkb_status_str(st), msg_of(s));
    return -1;
}

/* ---- options: the declared defaults are accepted, an undeclared key is not */

static void body_options(const zkbi_conf *c, int fd)
{
    sess s;
    const zkb_backend *vt = c->b->vt;
    if (sess_open(&s, c, fd) != 0) {
        zkbi_conf_result(fd, "options.defaults", ZKB_CHECK_FAIL, "host: cannot make a session (out of memory?)");
        return;
    }
    zkbi_conf_begin(fd, "options.defaults");
    zkbi_host_ctx_clear_error(s.h);
    zkb_status st = note(&s, "create", vt->create(s.h, &s.state));
    if (st != ZKB_OK) {
        zkbi_conf_result(fd, "options.defaults", ZKB_CHECK_FAIL, "create failed: %s: %s", zkb_status_str(st),
                         msg_of(&s));
        sess_close(&s);
        return;
    }
    s.created = 1;
    uint32_t tried = 0, bad = 0;
    char fails[1024] = "";
    for (uint32_t i = 0; vt->set_option && i < vt->n_options; i++) {
        const zkb_option_decl *d = zkbi_option_decl(vt, i);
        if (!d->default_val || !d->default_val[0])
            continue;
        size_t len = strlen(d->key) + strlen(d->default_val) + 2;
        char *spec = malloc(len);
        zkbi_opt *o = NULL;
        size_t n = 0;
        char *canon = NULL, err[256];
        if (spec)
            snprintf(spec, len, "%s=%s", d->key, d->default_val);
        if (spec && !strchr(d->default_val, ',') &&
            zkbi_options_parse(vt, spec, &o, &n, &canon, err, sizeof err) == ZKB_OK && n == 1) {
            tried++;
            zkbi_host_ctx_clear_error(s.h);
            st = note(&s, "set_option", vt->set_option(s.state, o[0].key, &o[0].v));
            if (st != ZKB_OK) {
                bad++;
                size_t u = strlen(fails);
                snprintf(fails + u, sizeof fails - u, "%s%s=%s: %s: %s", u ? "; " : "", d->key, d->default_val,
                         zkb_status_str(st), msg_of(&s));
            }
        }
        zkbi_options_free(o, n);
        free(canon);
        free(spec);
    }
    if (!vt->set_option)
        zkbi_conf_result(fd, "options.defaults", vt->n_options ? ZKB_CHECK_FAIL : ZKB_CHECK_SKIP,
                         vt->n_options ? "options are declared but set_option is NULL"
                                       : "the backend declares no options");
    else if (bad)
        zkbi_conf_result(fd, "options.defaults", ZKB_CHECK_FAIL, "set_option refused its own default: %s", fails);
    else if (tried)
        zkbi_conf_result(fd, "options.defaults", ZKB_CHECK_PASS, "set_option accepted all %u declared defaults",
                         tried);
    else
        zkbi_conf_result(fd, "options.defaults", ZKB_CHECK_SKIP, "no option declares a default");

    zkbi_conf_begin(fd, "options.unknown.plugin");
    if (!vt->set_option) {
        zkbi_conf_result(fd, "options.unknown.plugin", ZKB_CHECK_PASS,
                         "set_option is NULL: the host passes the backend no options at all");
    } else {
        zkb_option_value v = {.struct_size = sizeof v, .type = ZKB_OPT_STRING, .s = "1"};
        zkbi_host_ctx_clear_error(s.h);
        st = note(&s, "set_option(undeclared key)",
                  vt->set_option(s.state, "zkb_conformance_undeclared", &v));
        if (st == ZKB_OK)
            zkbi_conf_result(fd, "options.unknown.plugin", ZKB_CHECK_FAIL,
                             "set_option accepted the undeclared key 'zkb_conformance_undeclared'");
        else
            zkbi_conf_result(fd, "options.unknown.plugin", ZKB_CHECK_PASS,
                             "set_option refuses an undeclared key: %s: %s", zkb_status_str(st), msg_of(&s));
    }
    sess_close(&s);
}

/* ---- outputs: bound to the last witness, written exactly, verify twice --- */

static void body_outputs(const zkbi_conf *c, int fd)
{
    sess s;
    char got[256], want[256];
    if (sess_open(&s, c, fd) != 0) {
        zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_FAIL, "host: cannot make a session");
        return;
    }
    zkbi_conf_begin(fd, "outputs.bound");
    if (prepare(&s, "outputs.bound", 1) != 0) {
        sess_close(&s);
        return;
    }
    int64_t out[64];
    int over = 0, unw = 0;
    int ok = 1;
    for (size_t k = 0; ok && k < ZKBI_CONF_SAMPLES; k++) {
        zkb_status st = do_witness(&s, k);
        const char *where = "witness";
        if (st == ZKB_OK)
            st = do_prove(&s), where = "prove";
        if (st == ZKB_OK)
            st = do_verify(&s, out, &over, &unw), where = "verify";
        if (st != ZKB_OK) {
            zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_FAIL, "sample %zu: %s failed: %s: %s", k, where,
                             zkb_status_str(st), msg_of(&s));
            ok = 0;
        } else if (over) {
            zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_FAIL,
                             "verify wrote past outputs[%zu] (n_outputs is the buffer's size)", c->n_out);
            ok = 0;
        } else if (unw) {
            zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_FAIL, "verify returned ok but left outputs unwritten");
            ok = 0;
        } else if (memcmp(out, s.ref[k], c->n_out * sizeof *out) != 0) {
            show(got, sizeof got, out, c->n_out);
            show(want, sizeof want, s.ref[k], c->n_out);
            zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_FAIL,
                             "sample %zu: verified outputs %s, reference %s%s", k, got, want,
                             k > 0 && memcmp(out, s.ref[k - 1], c->n_out * sizeof *out) == 0
                                 ? " (the previous sample's: stale outputs)"
                                 : "");
            ok = 0;
        }
    }
    if (ok)
        zkbi_conf_result(fd, "outputs.bound", ZKB_CHECK_PASS,
                         "%d samples with different reference outputs: each verify wrote exactly its own %zu outputs",
                         ZKBI_CONF_SAMPLES, c->n_out);

    /* The last sample's proof again: verify twice, then prove twice. */
    zkbi_conf_begin(fd, "repeat.verify_twice");
    if (!ok) {
        zkbi_conf_result(fd, "repeat.verify_twice", ZKB_CHECK_SKIP, "needs outputs.bound to pass");
    } else {
        size_t k = ZKBI_CONF_SAMPLES - 1;
        zkb_status st = do_verify(&s, out, &over, &unw);
        if (st != ZKB_OK)
            zkbi_conf_result(fd, "repeat.verify_twice", ZKB_CHECK_PASS,
                             "a second verify of the same proof is refused cleanly: %s: %s", zkb_status_str(st),
                             msg_of(&s));
        else if (over || unw || memcmp(out, s.ref[k], c->n_out * sizeof *out) != 0)
            zkbi_conf_result(fd, "repeat.verify_twice", ZKB_CHECK_FAIL,
                             "a second verify of the same proof returned ok with other outputs");
        else
            zkbi_conf_result(fd, "repeat.verify_twice", ZKB_CHECK_PASS, "same outputs again");
    }
    zkbi_conf_begin(fd, "repeat.witness_twice");
    if (!ok) {
        zkbi_conf_result(fd, "repeat.witness_twice", ZKB_CHECK_SKIP, "needs outputs.bound to pass");
    } else {
        /* witness(0), witness(1), prove, prove, verify: the proof is of sample 1. */
        zkb_status st = do_witness(&s, 0);
        const char *where = "witness";
        if (st == ZKB_OK)
            st = do_witness(&s, 1), where = "second witness";
        if (st == ZKB_OK)
            st = do_prove(&s), where = "prove";
        if (st == ZKB_OK)
            st = do_prove(&s), where = "second prove";
        if (st == ZKB_OK)
            st = do_verify(&s, out, &over, &unw), where = "verify";
        if (st != ZKB_OK && strcmp(where, "verify") != 0)
            zkbi_conf_result(fd, "repeat.witness_twice", ZKB_CHECK_PASS,
                             "the %s is refused cleanly: %s: %s", where, zkb_status_str(st), msg_of(&s));
        else if (st != ZKB_OK)
            zkbi_conf_result(fd, "repeat.witness_twice", ZKB_CHECK_FAIL,
                             "witness, witness, prove, prove, verify: verify failed: %s: %s", zkb_status_str(st),
                             msg_of(&s));
        else if (memcmp(out, s.ref[1], c->n_out * sizeof *out) != 0) {
            show(got, sizeof got, out, c->n_out);
            show(want, sizeof want, s.ref[1], c->n_out);
            zkbi_conf_result(fd, "repeat.witness_twice", ZKB_CHECK_FAIL,
                             "witness(a), witness(b), prove, prove, verify: outputs %s, want b's %s", got, want);
        } else
            zkbi_conf_result(fd, "repeat.witness_twice", ZKB_CHECK_PASS,
                             "witness(a), witness(b), prove, prove, verify proves b");
    }
    sess_close(&s);
}

/* ---- calls out of order: an error with a message, never a crash --------- */

typedef enum { STEP_NONE, STEP_CREATE, STEP_LOAD, STEP_QUANT, STEP_SETUP } step;

static void order_check(const zkbi_conf *c, int fd, const char *check, step ready, const char *call,
                        int ok_is_fail)
{
    sess s;
    if (sess_open(&s, c, fd) != 0) {
        zkbi_conf_result(fd, check, ZKB_CHECK_FAIL, "host: cannot make a session");
        return;
    }
    zkbi_conf_begin(fd, check);
    zkb_status st = do_create(&s);
    if (st == ZKB_OK && ready >= STEP_LOAD)
        st = do_load(&s);
    if (st == ZKB_OK && ready >= STEP_QUANT)
        st = do_quantize(&s);
    if (st == ZKB_OK && ready >= STEP_SETUP)
        st = do_setup(&s);
    if (st != ZKB_OK) {
        zkbi_conf_result(fd, check, ZKB_CHECK_FAIL, "cannot get a session ready: %s: %s", zkb_status_str(st),
                         msg_of(&s));
        sess_close(&s);
        return;
    }
    int64_t out[64];
    if (!strcmp(call, "verify"))
        st = do_verify(&s, out, NULL, NULL);
    else if (!strcmp(call, "prove"))
        st = do_prove(&s);
    else if (!strcmp(call, "witness"))
        st = do_witness(&s, 0);
    else if (!strcmp(call, "setup"))
        st = do_setup(&s);
    else if (!strcmp(call, "quantize"))
        st = do_quantize(&s);
    else if (!strcmp(call, "destroy")) {
        sess_destroy(&s);
        st = ZKB_OK;
    }
    const char *msg = zkbi_host_ctx_error(s.h);
    if (!strcmp(call, "destroy"))
        zkbi_conf_result(fd, check, ZKB_CHECK_PASS, "destroy right after %s: no crash",
                         ready >= STEP_LOAD ? "load_model" : "create");
    else if (st == ZKB_OK && ok_is_fail)
        zkbi_conf_result(fd, check, ZKB_CHECK_FAIL,
                         "%s returned ok although no proof was made: a host would count a proof that does not exist",
                         call);
    else if (st == ZKB_OK)
        zkbi_conf_result(fd, check, ZKB_CHECK_PASS, "%s returned ok (tolerated: the runner never calls it so)",
                         call);
    else if (!msg[0])
        zkbi_conf_result(fd, check, ZKB_CHECK_FAIL, "%s returned %s without a message (host->set_error)", call,
                         zkb_status_str(st));
    else
        zkbi_conf_result(fd, check, ZKB_CHECK_PASS, "%s refused: %s: %s", call, zkb_status_str(st), msg);
    sess_close(&s); /* destroy after whatever happened: must not crash either */
}

static void body_verify_before_prove(const zkbi_conf *c, int fd)
{
    order_check(c, fd, "order.verify_before_prove", STEP_SETUP, "verify", 1);
}
static void body_prove_before_witness(const zkbi_conf *c, int fd)
{
    order_check(c, fd, "order.prove_before_witness", STEP_SETUP, "prove", 0);
}
static void body_witness_before_setup(const zkbi_conf *c, int fd)
{
    order_check(c, fd, "order.witness_before_setup", STEP_QUANT, "witness", 0);
}
static void body_quantize_before_load(const zkbi_conf *c, int fd)
{
    order_check(c, fd, "order.quantize_before_load", STEP_CREATE, "quantize", 0);
}
static void body_destroy_early(const zkbi_conf *c, int fd)
{
    order_check(c, fd, "order.destroy_after_create", STEP_CREATE, "destroy", 0);
    order_check(c, fd, "order.destroy_after_load", STEP_LOAD, "destroy", 0);
}

/* ---- sessions leave nothing behind ---------------------------------------- */

static unsigned count_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Children of this process (any thread's), from /proc. */
static unsigned count_children(void)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/task", (int)getpid());
    DIR *d = opendir(path);
    if (!d)
        return 0;
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[400];
        snprintf(p, sizeof p, "%s/%s/children", path, e->d_name);
        ssize_t len = zkbi_read_small(p, buf, sizeof buf);
        for (ssize_t i = 0; i < len; i++)
            n += buf[i] == ' ';
    }
    closedir(d);
    return n;
}

typedef struct snapshot {
    unsigned fds, threads, children;
    size_t heap;
} snapshot;

static void snap(snapshot *s)
{
    s->fds = count_dir("/proc/self/fd");
    s->threads = count_dir("/proc/self/task");
    s->children = count_children();
    struct mallinfo2 mi = mallinfo2();
    s->heap = mi.uordblks + mi.hblkhd;
}

static zkb_status full_session(const zkbi_conf *c, int fd, const char **where, char *msg, size_t cap)
{
    sess s;
    if (sess_open(&s, c, fd) != 0) {
        *where = "host";
        snprintf(msg, cap, "cannot make a session");
        return ZKB_ERR_NOMEM;
    }
    zkb_status st = do_create(&s);
    *where = "create";
    if (st == ZKB_OK)
        st = do_load(&s), *where = "load_model";
    if (st == ZKB_OK)
        st = do_quantize(&s), *where = "quantize";
    if (st == ZKB_OK)
        st = do_setup(&s), *where = "setup";
    if (st == ZKB_OK)
        st = do_witness(&s, 0), *where = "witness";
    if (st == ZKB_OK)
        st = do_prove(&s), *where = "prove";
    if (st == ZKB_OK)
        st = do_verify(&s, NULL, NULL, NULL), *where = "verify";
    snprintf(msg, cap, "%s", msg_of(&s));
    sess_close(&s);
    return st;
}

#define LEAK_SESSIONS 2
#define HEAP_SLACK (64u * 1024u)

static void body_cleanup(const zkbi_conf *c, int fd)
{
    zkbi_conf_begin(fd, "cleanup");
    const char *where = "";
    char msg[512];
    snapshot a, b;
    /* The first session may fill caches (the framework's, the C library's). */
    zkb_status st = full_session(c, fd, &where, msg, sizeof msg);
    snap(&a);
    for (int i = 0; st == ZKB_OK && i < LEAK_SESSIONS; i++)
        st = full_session(c, fd, &where, msg, sizeof msg);
    if (st != ZKB_OK) {
        zkbi_conf_result(fd, "cleanup", ZKB_CHECK_FAIL, "a full session failed in %s: %s: %s", where,
                         zkb_status_str(st), msg);
        return;
    }
    usleep(100 * 1000); /* threads that are exiting */
    snap(&b);
    char why[512] = "";
    size_t u = 0;
    if (b.fds > a.fds)
        u += (size_t)snprintf(why + u, sizeof why - u, "%s%u file descriptors left open", u ? "; " : "",
                              b.fds - a.fds);
    if (b.threads > a.threads && u < sizeof why)
        u += (size_t)snprintf(why + u, sizeof why - u, "%s%u threads still running", u ? "; " : "",
                              b.threads - a.threads);
    if (b.children > a.children && u < sizeof why)
        u += (size_t)snprintf(why + u, sizeof why - u, "%s%u child processes left", u ? "; " : "",
                              b.children - a.children);
    int heap_known = a.heap != 0 || b.heap != 0;
    if (heap_known && b.heap > a.heap + HEAP_SLACK && u < sizeof why)
        u += (size_t)snprintf(why + u, sizeof why - u, "%sheap grew by %zu bytes over %d sessions (a leak?)",
                              u ? "; " : "", b.heap - a.heap, LEAK_SESSIONS);
    if (u)
        zkbi_conf_result(fd, "cleanup", ZKB_CHECK_FAIL, "after %d full sessions: %s", LEAK_SESSIONS, why);
    else
        zkbi_conf_result(fd, "cleanup", ZKB_CHECK_PASS,
                         "%d full sessions (create .. verify, destroy) left no file descriptor, thread or child "
                         "process behind%s",
                         LEAK_SESSIONS,
                         heap_known ? ", heap steady" : " (heap not checked: allocator statistics unavailable)");
}

const zkbi_conf_group zkbi_conf_session_groups[] = {
    {{"options.defaults", "options.unknown.plugin", NULL}, body_options},
    {{"outputs.bound", "repeat.verify_twice", "repeat.witness_twice", NULL}, body_outputs},
    {{"order.verify_before_prove", NULL}, body_verify_before_prove},
    {{"order.prove_before_witness", NULL}, body_prove_before_witness},
    {{"order.witness_before_setup", NULL}, body_witness_before_setup},
    {{"order.quantize_before_load", NULL}, body_quantize_before_load},
    {{"order.destroy_after_create", "order.destroy_after_load", NULL}, body_destroy_early},
    {{"cleanup", NULL}, body_cleanup},
};
const size_t zkbi_conf_n_session_groups = sizeof zkbi_conf_session_groups / sizeof zkbi_conf_session_groups[0];
