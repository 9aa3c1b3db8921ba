/* zkb_run_execute: every cell in its own child process, one record each. */
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct cell_run {
    zkb_run *run;
    size_t i;
    zkbi_cell *c;
    zkb_model *model;
    zkbi_qmodel *qm;
    zkb_ranges *ranges;
    zkbi_inputs in;
    int have_inputs;
    zkbi_outcome o;
    char id[33];
} cell_run;

static double real_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void warn_results(void *user, const char *msg) { zkbi_ctx_log(user, ZKB_LOG_WARN, "%s", msg); }

static void progress(const zkb_run *run, size_t i, const char *what, double elapsed)
{
    if (run->progress)
        run->progress(run->progress_user, i, run->n_cells, what, elapsed);
}

static int make_scratch(cell_run *cr, char *dir, size_t cap)
{
    char b[40], m[40];
    zkbi_sanitize_name(cr->c->backend, b, sizeof b);
    zkbi_sanitize_name(cr->model ? zkb_model_name(cr->model) : "model", m, sizeof m);
    int n = snprintf(dir, cap, "%s/scratch/%s-%s-XXXXXX", cr->run->out_dir, b, m);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s/scratch", cr->run->out_dir);
    if (zkbi_mkdirs(parent) != 0 || !mkdtemp(dir))
        return -1;
    /* Absolute: plugins run their tools with the scratch directory as the
     * working directory and pass paths inside it (a relative --out broke
     * those paths). */
    char abs[PATH_MAX];
    if (!realpath(dir, abs) || strlen(abs) >= cap) {
        rmdir(dir);
        return -1;
    }
    memcpy(dir, abs, strlen(abs) + 1);
    return 0;
}

/* Forks the cell's process and watches it. */
static void isolate(cell_run *cr)
{
    zkb_run *run = cr->run;
    char scratch[4096], log_path[4200];
    if (make_scratch(cr, scratch, sizeof scratch) != 0) {
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_IO, "failed: cannot create a scratch directory under %s/scratch: %s",
                         run->out_dir, strerror(errno));
        return;
    }
    snprintf(log_path, sizeof log_path, "%s/cell.log", scratch);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_IO, "failed: pipe: %s", strerror(errno));
        zkbi_remove_tree(scratch);
        return;
    }
    uint64_t t0 = zkbi_now_ns();
    uint64_t deadline = t0 + (uint64_t)(run->set.timeout_s * 1e9);
    zkbi_cell_job job = {.ctx = run->ctx, .b = cr->c->b, .model = cr->model, .qm = cr->qm, .ranges = cr->ranges,
                         .opts = cr->c->opts, .n_opts = cr->c->n_opts, .repeats = run->set.repeats,
                         .in = &cr->in, .scratch = scratch, .log_path = log_path,
                         .deadline_ns = deadline, .parent = getpid(), .fd = fds[1]};
    fflush(NULL); /* or the child would flush the host's buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        zkbi_cell_child(&job);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_IO, "failed: fork: %s", strerror(errno));
    } else {
        zkbi_watch w = {.run = run, .cell = cr->i, .backend = cr->c->backend, .t0_ns = t0,
                        .deadline_ns = deadline, .timeout_s = run->set.timeout_s,
                        .memory_cap = run->set.memory_cap};
        zkbi_cell_supervise(&w, pid, fds[0], &cr->o);
        close(fds[0]);
    }
    if (cr->o.code != ZKB_OK)
        zkbi_file_tail(log_path, cr->o.log_tail, sizeof cr->o.log_tail);
    if (!run->set.keep_scratch)
        zkbi_remove_tree(scratch);
}

/* Everything the child needs that the parent can check first. */
static int prepare(cell_run *cr)
{
    zkb_run *run = cr->run;
    zkb_backend_ref *b = cr->c->b;
    char err[ZKBI_ERR_LEN];
    if (zkb_backend_probe(b) != ZKB_OK) {
        zkbi_outcome_set(&cr->o, "unavailable", ZKB_ERR_UNAVAILABLE, "unavailable: %s",
                         zkb_backend_probe_detail(b));
        return -1;
    }
    zkb_status st = zkbi_qmodel_new(cr->model, &run->set.quant, &cr->qm, err, sizeof err);
    if (st != ZKB_OK) {
        zkbi_outcome_set(&cr->o, "failed", st, "failed: quantization: %s", err);
        return -1;
    }
    st = zkbi_inputs_make(run, cr->model, cr->qm, &cr->in, err, sizeof err);
    if (st != ZKB_OK) {
        zkbi_outcome_set(&cr->o, "failed", st, "failed: inputs: %s", err);
        return -1;
    }
    cr->have_inputs = 1;
    st = zkb_range_analysis(cr->model, &run->set.quant, NULL, 0, cr->in.input_abs_max, 1, &cr->ranges);
    if (st != ZKB_OK) {
        zkbi_outcome_set(&cr->o, "failed", st, "failed: range analysis: %s", zkb_model_last_error(cr->model));
        return -1;
    }
    return 0;
}

static void finish(cell_run *cr)
{
    zkb_run *run = cr->run;
    cr->o.end_real = real_now();
    zkbi_record_in ri = {.run = run, .cell = cr->c, .cell_id = cr->id, .model = cr->model,
                         .in = cr->have_inputs ? &cr->in : NULL, .o = &cr->o};
    char *line = zkbi_record_build(&ri);
    char err[ZKBI_ERR_LEN];
    if (!line)
        zkbi_ctx_log(run->ctx, ZKB_LOG_ERROR, "cell %zu: out of memory building its record", cr->i);
    else if (zkbi_results_append(run->results_path, line, err, sizeof err) != ZKB_OK)
        zkbi_ctx_log(run->ctx, ZKB_LOG_ERROR, "cell %zu: result not saved: %s", cr->i, err);
    free(cr->c->record);
    cr->c->record = line;
    cr->c->status = cr->o.status;
}

/* Ids recorded by this execute, so a cell listed twice runs once. */
typedef struct done_here {
    char (*id)[33];
    char **line;
    size_t n;
} done_here;

static const char *done_here_find(const done_here *d, const char *id)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->id[i], id) == 0)
            return d->line[i];
    return NULL;
}

static void done_here_add(done_here *d, const char *id, const char *line)
{
    char(*ids)[33] = realloc(d->id, (d->n + 1) * sizeof *ids);
    if (ids)
        d->id = ids;
    char **lines = realloc(d->line, (d->n + 1) * sizeof *lines);
    if (lines)
        d->line = lines;
    if (!ids || !lines)
        return;
    memcpy(d->id[d->n], id, 33);
    d->line[d->n] = (char *)line;
    d->n++;
}

typedef struct model_cache {
    char *path;
    zkb_model *m;
    char err[ZKBI_ERR_LEN];
} model_cache;

static zkb_model *load_model(zkb_run *run, model_cache *mc, const char *path)
{
    if (mc->path && strcmp(mc->path, path) == 0)
        return mc->m;
    zkb_model_free(mc->m);
    free(mc->path);
    mc->m = NULL;
    mc->path = strdup(path);
    if (zkb_model_load_file(run->ctx, path, &mc->m) != ZKB_OK) {
        mc->m = NULL;
        snprintf(mc->err, sizeof mc->err, "%s", zkb_ctx_last_error(run->ctx));
    }
    return mc->m;
}

static void run_cell(zkb_run *run, size_t i, const zkbi_results *done, done_here *here, model_cache *mc)
{
    cell_run cr = {.run = run, .i = i, .c = &run->cells[i]};
    if (zkbi_outcome_init(&cr.o, run->ctx, run->set.samples) != ZKB_OK) {
        zkbi_ctx_log(run->ctx, ZKB_LOG_ERROR, "cell %zu: out of memory", i);
        cr.c->status = "failed";
        return;
    }
    cr.o.start_real = real_now();
    uint64_t t0 = zkbi_now_ns();
    cr.model = load_model(run, mc, cr.c->model_path);
    char fp[4200];
    if (cr.model)
        snprintf(fp, sizeof fp, "%s", zkb_model_fingerprint(cr.model));
    else
        snprintf(fp, sizeof fp, "unloadable:%s", cr.c->model_path);
    zkbi_cell_id(run, cr.c, fp, cr.id);

    /* A model that did not load is a fault of the input, not a result: the
     * next run tries it again (its file may have been fixed). */
    int resumable = !run->set.force && cr.model;
    const char *again = resumable ? done_here_find(here, cr.id) : NULL;
    char *old = again ? strdup(again) : resumable ? zkbi_results_find(done, cr.id) : NULL;
    if (old && strstr(old, "\"status\":\"unavailable\"")) {
        free(old); /* the backend may have been installed since: ask again */
        old = NULL;
    }
    if (old) {
        free(cr.c->record);
        cr.c->record = old;
        cr.c->status = "skipped";
        progress(run, i, "skipped", 0.0);
    } else {
        if (!cr.model)
            zkbi_outcome_set(&cr.o, "failed", ZKB_ERR_PARSE, "failed: model: %s", mc->err);
        else if (prepare(&cr) == 0)
            isolate(&cr);
        finish(&cr);
        if (cr.c->record)
            done_here_add(here, cr.id, cr.c->record);
        progress(run, i, cr.o.status, (double)(zkbi_now_ns() - t0) * 1e-9);
    }
    zkbi_qmodel_free(cr.qm);
    zkb_ranges_free(cr.ranges);
    if (cr.have_inputs)
        zkbi_inputs_free(&cr.in);
    zkbi_outcome_free(&cr.o);
}

zkb_status zkb_run_execute(zkb_run *run)
{
    if (!run)
        return ZKB_ERR_INVALID_ARG;
    char err[ZKBI_ERR_LEN];
    zkb_status st = zkbi_quant_check(&run->set.quant, err, sizeof err);
    if (st != ZKB_OK) {
        zkbi_errf(run->err, sizeof run->err, "quantization settings: %s", err);
        return st;
    }
    zkbi_results *done = NULL;
    st = zkbi_results_load(run->results_path, &done, warn_results, run->ctx, err, sizeof err);
    if (st != ZKB_OK) {
        zkbi_errf(run->err, sizeof run->err, "%s", err);
        return st;
    }
    if (!run->have_machine) {
        zkbi_machine_read(&run->machine);
        run->have_machine = 1;
    }
    model_cache mc = {0};
    done_here here = {0};
    for (size_t i = 0; i < run->n_cells; i++)
        run_cell(run, i, done, &here, &mc);
    free(here.id);
    free(here.line);
    zkb_model_free(mc.m);
    free(mc.path);
    zkbi_results_free(done);
    return ZKB_OK;
}
