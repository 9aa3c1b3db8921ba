/* zkb_conformance_run: checks that one plugin meets the adapter contract
 * (docs/adapter-guide.md, "Conformance"). The parent process orchestrates;
 * everything that calls into the plugin runs in a child process with a time
 * limit (the load and table checks, each group of session checks here, the
 * real run in the runner's own cell child), so a plugin that crashes or
 * hangs fails the check it was in and the next checks still run. */
#include "conformance_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_SAMPLES 2
#define RUN_REPEATS 2

/* models/tiny/tiny_dense.json, for hosts without the source tree. */
static const char builtin_model[] =
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"tiny_dense\",\"input\":{\"shape\":[1,4,4]},\"cla"
    "sses\":3,\"layers\":[{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":8,\"weights\":[0.0576,0.2129,0.4079"
    ",-0.0482,-0.0483,0.2277,0.3268,0.02,-0.1858,0.2546,-0.083,0.0913,-0.039,0.026,-0.0555,-0.2"
    "884,0.1259,0.2731,0.1574,0.3328,-0.3759,-0.3625,-0.0036,-0.3264,-0.1845,-0.3915,0.0134,0.1"
    "851,-0.3951,0.4311,0.0847,0.075,-0.0891,-0.0528,-0.2137,0.0258,0.0378,0.215,0.2754,0.146,0"
    ".3134,0.1803,-0.2283,0.1353,0.3195,0.2939,-0.152,-0.2952,0.3412,0.3574,-0.1716,-0.3191,-0."
    "151,0.3812,-0.0921,-0.357,0.0927,-0.2984,0.3969,0.3253,0.0229,-0.3738,0.2185,0.0295,0.1909"
    ",-0.1906,-0.4006,-0.4139,0.0593,-0.3291,-0.293,0.28,0.4094,0.1655,0.0568,-0.0255,0.1074,0."
    "3119,0.2648,-0.3386,0.1295,-0.2418,-0.0669,0.3353,0.1603,0.3818,0.217,-0.3232,-0.2798,0.20"
    "62,0.2428,-0.0969,-0.3492,0.3922,0.084,-0.3517,0.3083,0.2977,-0.4329,-0.1657,0.2045,0.077,"
    "0.1429,-0.0143,-0.033,0.4246,0.1215,-0.4076,0.3012,0.3549,-0.0986,-0.3038,0.118,0.0844,-0."
    "2728,-0.3463,0.423,-0.0819,-0.0226,0.0542,0.1678,0.208,0.4071,-0.0197,-0.2452,-0.2625,-0.3"
    "518,-0.0909],\"bias\":[-0.2261,-0.1537,-0.2234,0.0175,0.0751,-0.3653,-0.0347,-0.3925]},{\"op\""
    ":\"relu\"},{\"op\":\"dense\",\"units\":3,\"weights\":[0.1983,-0.5681,-0.509,-0.1356,0.1866,0.292,0.1"
    "061,0.0597,0.498,-0.3062,0.396,0.0546,0.4058,-0.3037,-0.3118,0.0123,-0.3468,0.3776,-0.3294"
    ",-0.2588,0.47,-0.2497,-0.4164,0.5331],\"bias\":[-0.6089,-0.4157,0.2722]}],\"metadata\":{\"descr"
    "iption\":\"[1,4,4] -> flatten -> dense 8 -> relu -> dense 3\",\"generator\":\"scripts/make_tiny_"
    "models.py\",\"seed\":1}}";

/* ---- reporting --------------------------------------------------------------- */

typedef struct reporter {
    zkb_check_fn fn;
    void *user;
    uint32_t failed;
    uint64_t errors_seen;
    int load_ok; /* the load check passed (in its child) */
    char silent[1024]; /* calls that returned an error without a message */
    char bad_keys[1024]; /* metric and info keys the host refused */
    char stdout_at[1024]; /* checks during which the plugin wrote to stdout */
    char stdout_head[128]; /* the first bytes it wrote */
} reporter;

/* Appends text to a ", "-separated list unless it is there already. */
static void add_to_list(char *list, size_t cap, const char *text)
{
    size_t u = strlen(list);
    if (!strstr(list, text) && u + strlen(text) + 3 < cap)
        snprintf(list + u, cap - u, "%s%s", u ? ", " : "", text);
}

static void report(reporter *r, const char *check, uint32_t result, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(reporter *r, const char *check, uint32_t result, const char *fmt, ...)
{
    char msg[ZKBI_EV_STR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (result == ZKB_CHECK_FAIL)
        r->failed++;
    if (r->fn)
        r->fn(r->user, check, result, msg);
}

static void skip_all(reporter *r, const char *const *checks, const char *why)
{
    for (size_t i = 0; checks[i]; i++)
        report(r, checks[i], ZKB_CHECK_SKIP, "%s", why);
}

/* ---- the child's side --------------------------------------------------------- */

static void send_event(int fd, const zkbi_event *e)
{
    if (zkbi_event_send(fd, e) != 0)
        _exit(3); /* the parent is gone */
}

void zkbi_conf_begin(int fd, const char *check)
{
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_PHASE_BEGIN, .sample = -1, .s1 = check});
}

void zkbi_conf_result(int fd, const char *check, uint32_t result, const char *fmt, ...)
{
    char msg[ZKBI_EV_STR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_INFO, .sample = -1, .status = result, .s1 = check, .s2 = msg});
}

void zkbi_conf_silent_error(int fd, const char *what)
{
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_LOG, .sample = -1, .s1 = what});
}

void zkbi_conf_error_seen(int fd)
{
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_METRIC, .sample = -1, .s1 = "error"});
}

void zkbi_conf_bad_keys(int fd, const char *keys)
{
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_METRIC, .sample = -1, .s1 = "bad_keys", .s2 = keys});
}

/* ---- the parent's side: one isolated child ----------------------------------- */

#define MAX_GROUP 8

typedef struct watch {
    reporter *r;
    const char *const *checks;
    int done_check[MAX_GROUP];
    char current[128];
    int done;
} watch;

static void mark_done(watch *w, const char *check)
{
    for (size_t i = 0; w->checks[i] && i < MAX_GROUP; i++)
        if (strcmp(w->checks[i], check) == 0)
            w->done_check[i] = 1;
}

static void on_event(watch *w, const zkbi_event *e)
{
    reporter *r = w->r;
    switch (e->type) {
    case ZKBI_EV_PHASE_BEGIN:
        snprintf(w->current, sizeof w->current, "%s", e->s1);
        break;
    case ZKBI_EV_INFO:
        if (strcmp(e->s1, "load") == 0 && e->status == ZKB_CHECK_PASS)
            r->load_ok = 1;
        report(r, e->s1, e->status, "%s", e->s2);
        mark_done(w, e->s1);
        w->current[0] = '\0';
        break;
    case ZKBI_EV_METRIC:
        if (strcmp(e->s1, "bad_keys") == 0)
            add_to_list(r->bad_keys, sizeof r->bad_keys, e->s2);
        else
            r->errors_seen++;
        break;
    case ZKBI_EV_LOG:
        add_to_list(r->silent, sizeof r->silent, e->s1);
        break;
    case ZKBI_EV_DONE:
        w->done = 1;
        break;
    }
}

typedef void (*isolated_fn)(zkbi_conf *c, int fd);

typedef struct isolated {
    zkbi_conf *c;
    isolated_fn body;
    zkbi_conf_body sbody;
    watch *w;
    zkbi_event_reader rd;
} isolated;

static void isolated_child(void *user, int fd)
{
    isolated *j = user;
    if (j->body)
        j->body(j->c, fd);
    else
        j->sbody(j->c, fd);
    send_event(fd, &(zkbi_event){.type = ZKBI_EV_DONE, .sample = -1});
}

static int isolated_read(void *user, int fd)
{
    isolated *j = user;
    int n = zkbi_event_fill(&j->rd, fd);
    zkbi_event e;
    int k;
    while ((k = zkbi_event_next(&j->rd, &e)) == 1)
        on_event(j->w, &e);
    if (k < 0)
        return -1;
    return n == 0 || n == -2 ? 0 : 1; /* 0: the child (and all that held the pipe) closed it */
}

/* The child's limits; its stdout and stderr go to files under work/. */
static zkbi_isolate child_limits(const zkbi_conf *c, const char *out, const char *log)
{
    return (zkbi_isolate){.timeout_s = c->timeout_s, .memory_cap = c->memory_cap, .stdout_path = out,
                          .stderr_path = log};
}

/* What a plugin wrote to the stdout file `path` during `where`, if anything. */
static void note_stdout(reporter *r, const char *path, const char *where)
{
    uint64_t size = 0;
    char err[256];
    if (zkbi_stat_regular(path, &size, err, sizeof err) != ZKB_OK || size == 0)
        return;
    add_to_list(r->stdout_at, sizeof r->stdout_at, where);
    if (!r->stdout_head[0]) {
        char head[96] = "";
        FILE *f = fopen(path, "re");
        size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
        if (f)
            fclose(f);
        head[n] = '\0';
        head[strcspn(head, "\r\n")] = '\0';
        zkbi_printable(head, r->stdout_head, sizeof r->stdout_head);
    }
}

/* Runs body in a child; results arrive as events. A check the child began
 * and never finished fails with how the child ended; checks after it are
 * skipped. Returns 0 when the child finished normally. */
static int run_isolated(zkbi_conf *c, reporter *r, const char *const *checks, isolated_fn body,
                        zkbi_conf_body sbody)
{
    watch w = {.r = r, .checks = checks};
    char log[PATH_MAX + 64], out[PATH_MAX + 64];
    snprintf(log, sizeof log, "%s/child-%u.log", c->work, c->n_children);
    snprintf(out, sizeof out, "%s/child-%u.stdout", c->work, c->n_children++);
    isolated j = {.c = c, .body = body, .sbody = sbody, .w = &w};
    zkbi_isolate limits = child_limits(c, out, log);
    zkbi_isolate_end end;
    zkbi_isolate_run(&limits, isolated_child, isolated_read, &j, &end);
    zkbi_event_reader_free(&j.rd);
    note_stdout(r, out, checks[0]);
    if (end.how == ZKBI_END_HOST) {
        for (size_t i = 0; checks[i] && i < MAX_GROUP; i++)
            if (!w.done_check[i])
                report(r, checks[i], ZKB_CHECK_SKIP, "host: %s", end.host_err);
        return -1;
    }
    if (w.done && end.how == ZKBI_END_EXITED) {
        /* Every check is reported, whatever the body forgot. */
        for (size_t i = 0; checks[i] && i < MAX_GROUP; i++)
            if (!w.done_check[i])
                report(r, checks[i], ZKB_CHECK_SKIP, "not reached: the check process did not report it");
        return 0;
    }
    char how[256], tail[600];
    if (end.how == ZKBI_END_TIMEOUT)
        snprintf(how, sizeof how, "no answer within %g s (hung?)", c->timeout_s);
    else if (end.how == ZKBI_END_GARBLED)
        snprintf(how, sizeof how, "garbled events from the check process");
    else if (end.how == ZKBI_END_EXITED)
        snprintf(how, sizeof how, "the check process exited with status %d", end.code);
    else
        zkbi_isolate_describe(&end, &limits, how, sizeof how);
    zkbi_file_tail(log, tail, sizeof tail);
    for (char *p = tail; *p; p++)
        if (*p == '\n')
            *p = ' ';
    int blamed = 0;
    for (size_t i = 0; checks[i] && i < MAX_GROUP; i++) {
        if (w.done_check[i])
            continue;
        if (!blamed && (!w.current[0] || strcmp(w.current, checks[i]) == 0)) {
            report(r, checks[i], ZKB_CHECK_FAIL, "%s%s%s", how, tail[0] ? "; output: " : "", tail);
            blamed = 1;
        } else {
            report(r, checks[i], ZKB_CHECK_SKIP, "not reached: the check process ended in %s",
                   w.current[0] ? w.current : checks[0]);
        }
    }
    return -1;
}

/* ---- load, table, option declarations (in a child: init may crash) ------- */

static int key_ok(const char *k)
{
    size_t n = strlen(k);
    return n >= 1 && n <= 64 && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void body_load(zkbi_conf *c, int fd)
{
    zkbi_conf_begin(fd, "load");
    if (zkb_ctx_load_plugin(c->ctx, c->plugin_path) != ZKB_OK) {
        zkbi_conf_result(fd, "load", ZKB_CHECK_FAIL, "the loader rejects it: %s", zkb_ctx_last_error(c->ctx));
        static const char *const rest[] = {"table", "options.declared", "options.unknown.host"};
        for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
            zkbi_conf_result(fd, rest[i], ZKB_CHECK_SKIP, "the plugin does not load");
        return;
    }
    zkb_backend_ref *b = zkb_backend_at(c->ctx, zkb_backend_count(c->ctx) - 1);
    const zkb_backend *vt = b->vt;
    zkbi_conf_result(fd, "load", ZKB_CHECK_PASS, "backend '%s' %s (%s), ABI %u.%u, table of %u bytes", vt->name,
                     vt->version, vt->proof_system, vt->abi_major, vt->abi_minor, vt->struct_size);

    zkbi_conf_begin(fd, "table");
    char notes[1024] = "", bad[1024] = "";
    size_t nu = 0, bu = 0;
#define NOTE(buf, u, ...) (u += (size_t)snprintf(buf + u, u < sizeof buf ? sizeof buf - u : 0, __VA_ARGS__))
    if (vt->flags & ~ZKB_BACKEND_BASELINE)
        NOTE(bad, bu, "%sunknown flag bits 0x%x", bu ? "; " : "", vt->flags & ~ZKB_BACKEND_BASELINE);
    if (!vt->version[0] || !vt->proof_system[0])
        NOTE(bad, bu, "%sempty version or proof_system", bu ? "; " : "");
    if (!vt->description || !vt->description[0])
        NOTE(notes, nu, "%sno description", nu ? "; " : "");
    if ((vt->flags & ZKB_BACKEND_BASELINE) && strcmp(vt->proof_system, "none") != 0)
        NOTE(notes, nu, "%sa baseline with proof system '%s'", nu ? "; " : "", vt->proof_system);
    if (vt->abi_minor > ZKB_PLUGIN_ABI_MINOR)
        NOTE(notes, nu, "%sbuilt for ABI minor %u, this host is %u.%u (the host reads only what it knows)",
             nu ? "; " : "", vt->abi_minor, ZKB_PLUGIN_ABI_MAJOR, ZKB_PLUGIN_ABI_MINOR);
    if (vt->abi_minor >= 3 && vt->n_options && !vt->option_decl_size)
        NOTE(notes, nu, "%soption_decl_size is 0 (read as the ABI 1.2 size): set it to sizeof(zkb_option_decl)",
             nu ? "; " : "");
    if (ZKBI_VT_HAS(vt, op_support)) {
        for (uint32_t op = 1; op <= ZKB_OP_MAX; op++) {
            if (zkbi_backend_predates_op(vt, op)) /* never asked about it */
                continue;
            uint32_t s = vt->op_support(op);
            if (s > ZKB_SUPPORT_EMULATED)
                NOTE(bad, bu, "%sop_support(%s) = %u, not a zkb_support value", bu ? "; " : "", zkb_op_name(op), s);
        }
    } else {
        NOTE(notes, nu, "%sno op_support (compatibility tables show 'unknown')", nu ? "; " : "");
    }
    if (bu)
        zkbi_conf_result(fd, "table", ZKB_CHECK_FAIL, "%s", bad);
    else
        zkbi_conf_result(fd, "table", ZKB_CHECK_PASS, "name, version, proof system, flags%s%s%s",
                         ZKBI_VT_HAS(vt, op_support) ? ", op_support" : "", nu ? "; note: " : "", notes);

    zkbi_conf_begin(fd, "options.declared");
    unsigned empty_defaults = 0;
    bu = 0;
    bad[0] = '\0';
    for (uint32_t i = 0; i < vt->n_options; i++) {
        const zkb_option_decl *d = zkbi_option_decl(vt, i);
        if (!key_ok(d->key)) {
            NOTE(bad, bu, "%skey '%s' is not 1-64 chars of [a-z0-9_-]", bu ? "; " : "", d->key);
            continue;
        }
        for (uint32_t j = 0; j < i; j++)
            if (zkbi_option_decl(vt, j)->key && strcmp(zkbi_option_decl(vt, j)->key, d->key) == 0)
                NOTE(bad, bu, "%skey '%s' declared twice", bu ? "; " : "", d->key);
        if (!d->help || !d->help[0])
            NOTE(bad, bu, "%s'%s' has no help text", bu ? "; " : "", d->key);
        if (d->default_val && !d->default_val[0])
            empty_defaults++; /* "" reads as "not set": like NULL */
        else if (d->default_val) {
            size_t len = strlen(d->key) + strlen(d->default_val) + 2;
            char *spec = malloc(len), *canon = NULL, err[512] = "";
            zkbi_opt *o = NULL;
            size_t n = 0;
            if (spec) {
                snprintf(spec, len, "%s=%s", d->key, d->default_val);
                if (strchr(d->default_val, ','))
                    NOTE(bad, bu, "%s'%s': default '%s' contains ',' and cannot be given as an option",
                         bu ? "; " : "", d->key, d->default_val);
                else if (zkbi_options_parse(vt, spec, &o, &n, &canon, err, sizeof err) != ZKB_OK)
                    NOTE(bad, bu, "%sdefault of '%s' is refused by its own declaration: %s", bu ? "; " : "", d->key,
                         err);
            }
            zkbi_options_free(o, n);
            free(canon);
            free(spec);
        }
    }
    if (bu)
        zkbi_conf_result(fd, "options.declared", ZKB_CHECK_FAIL, "%s", bad);
    else if (vt->n_options)
        zkbi_conf_result(fd, "options.declared", ZKB_CHECK_PASS,
                         "%u options: keys unique and well-formed, help given, defaults of the declared type%s",
                         vt->n_options,
                         empty_defaults ? "; note: empty defaults (\"\") read as none; NULL says so" : "");
    else
        zkbi_conf_result(fd, "options.declared", ZKB_CHECK_PASS, "the backend declares no options");

    zkbi_conf_begin(fd, "options.unknown.host");
    zkbi_opt *o = NULL;
    size_t n = 0;
    char *canon = NULL, err[512] = "";
    zkb_status st = zkbi_options_parse(vt, "zkb_conformance_undeclared=1", &o, &n, &canon, err, sizeof err);
    if (st == ZKB_OK)
        zkbi_conf_result(fd, "options.unknown.host", ZKB_CHECK_FAIL, "an undeclared key was accepted");
    else
        zkbi_conf_result(fd, "options.unknown.host", ZKB_CHECK_PASS, "the host refuses an undeclared key: %s", err);
    zkbi_options_free(o, n);
    free(canon);
#undef NOTE
}

/* ---- the real run (the runner's own cell child) -------------------------- */

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static double phase_n(const cJSON *rec, const char *phase)
{
    const cJSON *n = get(get(get(rec, "phases"), phase), "n");
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

static const char *info_of(const cJSON *rec, const char *key)
{
    const cJSON *v = get(get(rec, "infos"), key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The EVM step of the run's cell (docs/evm.md), for a backend with evm_proof. */
static void check_evm(reporter *r, const cJSON *rec, const char *stat, const char *why)
{
    const cJSON *gas = get(get(get(rec, "metrics"), "evm_verify_gas"), "value");
    const char *evm = info_of(rec, "evm");
    if (strcmp(stat, "ok") != 0) {
        if (strstr(why, " in evm"))
            report(r, "run.evm", ZKB_CHECK_FAIL, "%s", why);
        else
            report(r, "run.evm", ZKB_CHECK_SKIP, "not reached: the run stopped earlier");
    } else if (cJSON_IsNumber(gas)) {
        const cJSON *n = get(get(get(rec, "metrics"), "evm_proofs_verified"), "value");
        report(r, "run.evm", ZKB_CHECK_PASS,
               "the EVM verifier %s accepted %g proofs (median %.0f gas) and rejected both tampered ones",
               info_of(rec, "evm_contract"), cJSON_IsNumber(n) ? n->valuedouble : 0, gas->valuedouble);
    } else {
        report(r, "run.evm", ZKB_CHECK_SKIP, "%s", evm[0] ? evm : "the backend has no EVM verifier");
    }
}

static void check_run(zkbi_conf *c, reporter *r)
{
    char out[PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/run", c->work);
    zkb_run *run = NULL;
    const char *const names[] = {"run", "run.verify", "run.outputs", "run.evm", NULL};
    if (zkb_run_new(c->ctx, out, &run) != ZKB_OK) {
        skip_all(r, names, zkb_ctx_last_error(c->ctx));
        return;
    }
    char samples[16], repeats[16], timeout[32];
    snprintf(samples, sizeof samples, "%d", RUN_SAMPLES);
    snprintf(repeats, sizeof repeats, "%d", RUN_REPEATS);
    snprintf(timeout, sizeof timeout, "%g", c->timeout_s);
    zkb_status st = ZKB_OK;
    char cap[32];
    snprintf(cap, sizeof cap, "%llu", (unsigned long long)c->memory_cap);
    if (zkb_run_set(run, "samples", samples) != ZKB_OK || zkb_run_set(run, "repeats", repeats) != ZKB_OK ||
        zkb_run_set(run, "dataset", "synthetic") != ZKB_OK || zkb_run_set(run, "timeout", timeout) != ZKB_OK ||
        zkb_run_set(run, "memory_cap", cap) != ZKB_OK ||
        zkb_run_add_cell(run, c->model_file, zkb_backend_name(c->b), c->options, NULL) != ZKB_OK)
        st = ZKB_ERR_INVALID_ARG;
    if (st == ZKB_OK)
        st = zkb_run_execute(run);
    const char *line = st == ZKB_OK ? zkb_run_cell_record(run, 0) : NULL;
    cJSON *rec = line ? cJSON_Parse(line) : NULL;
    if (!rec) {
        report(r, "run", ZKB_CHECK_FAIL, "host: the run did not happen: %s", zkb_run_last_error(run));
        skip_all(r, names + 1, "needs run");
        zkb_run_free(run);
        return;
    }
    const cJSON *status = get(rec, "status"), *reason = get(rec, "reason"), *code = get(rec, "error_code");
    const char *stat = cJSON_IsString(status) ? status->valuestring : "?";
    const char *why = cJSON_IsString(reason) ? reason->valuestring : "";
    int ec = cJSON_IsNumber(code) ? code->valueint : 0;
    int per = RUN_SAMPLES * RUN_REPEATS;
    if (strcmp(stat, "ok") == 0) {
        static const char *const once[] = {"load", "quantize", "setup"}, *const each[] = {"witness", "prove", "verify"};
        int counts_ok = 1;
        for (int i = 0; i < 3; i++)
            counts_ok &= phase_n(rec, once[i]) == 1 && phase_n(rec, each[i]) == per;
        if (counts_ok)
            report(r, "run", ZKB_CHECK_PASS,
                   "the runner's cell: load, quantize, setup, then %d samples x %d repeats of witness, prove, "
                   "verify: ok",
                   RUN_SAMPLES, RUN_REPEATS);
        else
            report(r, "run", ZKB_CHECK_FAIL, "status ok but the record's phase counts are not 1,1,1,%d,%d,%d", per,
                   per, per);
        report(r, "run.verify", ZKB_CHECK_PASS, "all %d proofs verified%s", per,
               zkb_backend_is_baseline(c->b) ? " (a baseline: verify only returns outputs)" : "");
        report(r, "run.outputs", ZKB_CHECK_PASS, "the verified outputs equal the reference evaluator's exactly");
    } else if (strstr(why, " in evm")) { /* after every sample's verify */
        report(r, "run", ZKB_CHECK_FAIL, "%s", why);
        report(r, "run.verify", ZKB_CHECK_PASS, "all %d proofs verified (the cell failed later, in the EVM step)", per);
        report(r, "run.outputs", ZKB_CHECK_PASS, "the verified outputs equal the reference evaluator's exactly");
    } else {
        report(r, "run", ZKB_CHECK_FAIL, "%s%s", why[0] ? "" : stat, why);
        if (ec == ZKB_ERR_VERIFY)
            report(r, "run.verify", ZKB_CHECK_FAIL, "%s", why);
        else
            report(r, "run.verify", ZKB_CHECK_SKIP, "not reached: the run stopped earlier");
        if (ec == ZKB_ERR_MISMATCH)
            report(r, "run.outputs", ZKB_CHECK_FAIL, "%s", why);
        else
            report(r, "run.outputs", ZKB_CHECK_SKIP, "not reached: the run stopped earlier");
    }
    check_evm(r, rec, stat, why);
    cJSON_Delete(rec);
    zkb_run_free(run);
}

/* ---- preparation ---------------------------------------------------------- */

static zkb_status prepare_model(zkbi_conf *c, zkb_ctx *user_ctx, const char *model_path)
{
    /* Loaded from a file either way: adapters may read the model's source
     * file (zkb_model_desc.source_path), and the runner takes a path. */
    if (model_path) {
        snprintf(c->model_file, sizeof c->model_file, "%s", model_path);
    } else {
        snprintf(c->model_file, sizeof c->model_file, "%s/tiny_dense.json", c->work);
        FILE *f = fopen(c->model_file, "we");
        int ok = f && fwrite(builtin_model, 1, sizeof builtin_model - 1, f) == sizeof builtin_model - 1;
        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok)
            return zkbi_ctx_fail(user_ctx, ZKB_ERR_IO, "cannot write %s", c->model_file);
    }
    zkb_status st = zkb_model_load_file(c->ctx, c->model_file, &c->model);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(user_ctx, st, "model: %s", zkb_ctx_last_error(c->ctx));
    c->n_in = (size_t)zkb_model_input_size(c->model);
    c->n_out = zkb_model_classes(c->model);
    if (c->n_in > 4096 || c->n_out > 64 || c->n_out == 0)
        return zkbi_ctx_fail(user_ctx, ZKB_ERR_UNSUPPORTED,
                             "model: conformance wants a small model (at most 4096 inputs and 64 classes; "
                             "this one has %zu and %zu)",
                             c->n_in, c->n_out);
    zkb_quant q;
    zkb_quant_default(&q);
    char err[ZKBI_ERR_LEN];
    st = zkbi_qmodel_new(c->model, &q, &c->qm, err, sizeof err);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(user_ctx, st, "model: quantization: %s", err);
    st = zkb_range_analysis(c->model, &q, NULL, 0, 1.0, 1, &c->ranges);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(user_ctx, st, "model: range analysis: %s", zkb_model_last_error(c->model));
    /* Two samples in [0,1) whose reference outputs differ (if the model
     * allows), so outputs bound to the wrong sample show. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int tries = 0, k = 0; k < ZKBI_CONF_SAMPLES && tries < 64; tries++) {
        for (size_t i = 0; i < c->n_in; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            c->x[k][i] = (float)((double)(x >> 40) / (double)(1ull << 24));
        }
        if (zkb_quantize_input(&q, c->x[k], c->n_in, c->x_q[k]) != ZKB_OK)
            return zkbi_ctx_fail(user_ctx, ZKB_ERR_INTERNAL, "model: cannot quantize inputs");
        st = zkbi_qmodel_eval(c->qm, c->x_q[k], c->n_in, c->ref[k], c->n_out, err, sizeof err);
        if (st != ZKB_OK)
            return zkbi_ctx_fail(user_ctx, st, "model: reference evaluator: %s", err);
        if (k == 0 || memcmp(c->ref[k], c->ref[0], c->n_out * sizeof c->ref[0][0]) != 0 || tries == 63)
            k++;
    }
    return ZKB_OK;
}

static void free_conf(zkbi_conf *c)
{
    zkbi_options_free(c->opts, c->n_opts);
    zkb_ranges_free(c->ranges);
    zkbi_qmodel_free(c->qm);
    zkb_model_free(c->model);
    if (c->work[0])
        zkbi_remove_tree(c->work);
    zkb_ctx_free(c->ctx);
    free(c);
}

/* The probe check, in a child with the conformance limits; 1 when the
 * backend is available. */
static int check_probe(zkbi_conf *c, reporter *r)
{
    char log[PATH_MAX + 64], out[PATH_MAX + 64];
    snprintf(log, sizeof log, "%s/probe.log", c->work);
    snprintf(out, sizeof out, "%s/probe.stdout", c->work);
    zkbi_isolate limits = child_limits(c, out, log);
    if (limits.timeout_s > ZKBI_PROBE_TIMEOUT_S)
        limits.timeout_s = ZKBI_PROBE_TIMEOUT_S; /* as everywhere else */
    zkb_status ps = zkbi_backend_probe_with(c->b, &limits);
    note_stdout(r, out, "probe");
    if (c->b->probe_bad_keys)
        add_to_list(r->bad_keys, sizeof r->bad_keys, c->b->probe_bad_keys);
    const char *detail = zkb_backend_probe_detail(c->b);
    if (ps == ZKB_OK)
        report(r, "probe", ZKB_CHECK_PASS, "%s", detail);
    else if (c->b->probe_no_answer)
        report(r, "probe", ZKB_CHECK_FAIL, "%s", detail);
    else if (!detail[0] || !strcmp(detail, zkb_status_str(ZKB_ERR_UNAVAILABLE)) ||
             !strcmp(detail, zkb_status_str(ZKB_ERR_INTERNAL)))
        report(r, "probe", ZKB_CHECK_FAIL, "unavailable without a reason (host->set_error before returning)");
    else
        report(r, "probe", ZKB_CHECK_PASS, "unavailable, with a reason: %s", detail);
    return ps == ZKB_OK;
}

/* stdout belongs to the host (zkbench prints results there); metric and
 * info keys the host refuses are figures lost from the record. Both are
 * failures. `ran` says which checks could watch the plugin. */
static void check_hygiene(reporter *r, const char *ran, int sessions)
{
    if (r->stdout_at[0])
        report(r, "stdout", ZKB_CHECK_FAIL, "the plugin wrote to stdout (which belongs to the host; use host->log) in: %s; "
               "it began: \"%s\"", r->stdout_at, r->stdout_head);
    else if (!r->load_ok)
        report(r, "stdout", ZKB_CHECK_SKIP, "the plugin does not load (it wrote nothing to stdout while loading)");
    else
        report(r, "stdout", ZKB_CHECK_PASS, "nothing written to stdout during %s", ran);
    if (r->bad_keys[0])
        report(r, "keys", ZKB_CHECK_FAIL, "the host refused (and dropped) %s: keys are 1-64 chars of [a-z0-9_.]",
               r->bad_keys);
    else if (!r->load_ok)
        report(r, "keys", ZKB_CHECK_SKIP, "the plugin does not load");
    else
        report(r, "keys", ZKB_CHECK_PASS, "every metric and info key was valid during %s%s", ran,
               sessions ? "" : " (probe only: the session checks did not run)");
}

zkb_status zkb_conformance_run(zkb_ctx *ctx, const char *plugin_path, const char *model_path,
                               const char *options, double timeout_s, const char *memory_cap,
                               zkb_check_fn fn, void *user, uint32_t *n_failed)
{
    if (n_failed)
        *n_failed = 0;
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!plugin_path || !*plugin_path)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_conformance_run: a plugin path is required");
    if (!(timeout_s >= 0) || timeout_s > 1e7)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_conformance_run: bad timeout %g", timeout_s);
    uint64_t cap = ZKBI_DEFAULT_MEMORY_CAP;
    if (memory_cap && zkbi_parse_bytes(memory_cap, &cap) != 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG,
                             "zkb_conformance_run: memory cap '%s' is not a size in bytes (e.g. 512M, 20G; 0 for none)",
                             memory_cap);
    zkbi_conf *c = calloc(1, sizeof *c);
    if (!c || zkb_ctx_new(&c->ctx) != ZKB_OK) {
        free(c);
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    }
    c->plugin_path = plugin_path;
    c->options = options && *options ? options : NULL;
    c->timeout_s = timeout_s > 0 ? timeout_s : 600;
    c->memory_cap = cap;
    static const char *const keys[] = {"cache_dir", "data_dir", "log_level"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (zkb_ctx_get(ctx, keys[i]))
            zkb_ctx_set(c->ctx, keys[i], zkb_ctx_get(ctx, keys[i]));
    zkb_ctx_set_logger(c->ctx, ctx->log_fn, ctx->log_user);
    const char *tmp = getenv("TMPDIR");
    snprintf(c->work, sizeof c->work, "%s/zkb-conformance-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(c->work)) {
        zkb_status st = zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot create a work directory %s: %s", c->work,
                                      strerror(errno));
        c->work[0] = '\0';
        free_conf(c);
        return st;
    }
    zkb_status st = prepare_model(c, ctx, model_path);
    if (st != ZKB_OK) {
        free_conf(c);
        return st;
    }

    reporter r = {.fn = fn, .user = user};
    static const char *const load_checks[] = {"load", "table", "options.declared", "options.unknown.host", NULL};
    static const char *const later[] = {"probe", "run", "run.verify", "run.outputs", "run.evm", NULL};
    const char *ran = "the load";
    int sessions = 0;
    run_isolated(c, &r, load_checks, body_load, NULL);
    /* Now in this process too, only if it loaded cleanly in the child. */
    if (!r.load_ok || zkb_ctx_load_plugin(c->ctx, plugin_path) != ZKB_OK) {
        r.load_ok = 0;
        skip_all(&r, later, "the plugin does not load");
        for (size_t g = 0; g < zkbi_conf_n_session_groups; g++)
            skip_all(&r, zkbi_conf_session_groups[g].checks, "the plugin does not load");
        report(&r, "errors", ZKB_CHECK_SKIP, "the plugin does not load");
        goto done;
    }
    c->b = zkb_backend_at(c->ctx, zkb_backend_count(c->ctx) - 1);
    char *canon = NULL, err[ZKBI_ERR_LEN];
    st = zkbi_options_parse(c->b->vt, c->options, &c->opts, &c->n_opts, &canon, err, sizeof err);
    free(canon);
    if (st != ZKB_OK) {
        st = zkbi_ctx_fail(ctx, st, "--options: %s", err);
        free_conf(c);
        return st;
    }

    ran = "the load and probe";
    if (!check_probe(c, &r)) {
        char why[ZKBI_ERR_LEN + 64];
        snprintf(why, sizeof why, "the backend is unavailable here: %s", zkb_backend_probe_detail(c->b));
        skip_all(&r, later + 1, why);
        for (size_t g = 0; g < zkbi_conf_n_session_groups; g++)
            skip_all(&r, zkbi_conf_session_groups[g].checks, why);
        report(&r, "errors", ZKB_CHECK_SKIP, "%s", why);
        goto done;
    }

    check_run(c, &r);
    for (size_t g = 0; g < zkbi_conf_n_session_groups; g++)
        run_isolated(c, &r, zkbi_conf_session_groups[g].checks, NULL, zkbi_conf_session_groups[g].body);
    ran = "the load, probe and session checks";
    sessions = 1;
    if (r.silent[0])
        report(&r, "errors", ZKB_CHECK_FAIL, "error statuses without a message (host->set_error) from: %s",
               r.silent);
    else if (r.errors_seen)
        report(&r, "errors", ZKB_CHECK_PASS, "all %llu error statuses the checks provoked carried a message",
               (unsigned long long)r.errors_seen);
    else
        report(&r, "errors", ZKB_CHECK_SKIP, "no call returned an error");

done:
    check_hygiene(&r, ran, sessions);
    if (n_failed)
        *n_failed = r.failed;
    free_conf(c);
    return ZKB_OK;
}
