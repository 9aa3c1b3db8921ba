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

/* Forks the cell's process tree and watches it. */
static void isolate(cell_run *cr)
{
    zkb_run *run = cr->run;
    char scratch[4096], log_path[4200];
    if (zkbi_scratch_make(run, cr->c->backend, cr->model ? zkb_model_name(cr->model) : "model", scratch,
                          sizeof scratch) != 0) {
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_IO, "failed: cannot create a scratch directory under %s/scratch: %s",
                         run->out_dir, strerror(errno));
        return;
    }
    snprintf(log_path, sizeof log_path, "%s/cell.log", scratch);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_IO, "failed: pipe: %s", strerror(errno));
        zkbi_scratch_release(run, scratch);
        return;
    }
    uint64_t t0 = zkbi_now_ns();
    uint64_t deadline = t0 + (uint64_t)(run->set.timeout_s * 1e9);
    zkbi_cell_job job = {.ctx = run->ctx, .b = cr->c->b, .model = cr->model, .qm = cr->qm, .ranges = cr->ranges,
                         .opts = cr->c->opts, .n_opts = cr->c->n_opts, .repeats = run->set.repeats,
                         .in = &cr->in, .scratch = scratch, .log_path = log_path,
                         .deadline_ns = deadline, .evm = run->set.evm,
                         .evm_optimizer_runs = run->set.evm_optimizer_runs, .parent = getpid(), .fd = fds[1], .host_fd = run->lock_fd};
    fflush(NULL); /* or the child would flush the host's buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        zkbi_cell_keeper(&job);
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
    if (zkbi_scratch_release(run, scratch) != 0) {
        char what[4400];
        snprintf(what, sizeof what, "%s: %s", scratch, strerror(errno));
        zkbi_ctx_log(run->ctx, ZKB_LOG_WARN, "cell %zu: cannot remove its scratch directory %s", cr->i, what);
        zkbi_host_api()->info(cr->o.facts, "scratch_left", what);
    }
}

/* Everything the child needs that the parent can check first. */
static int prepare(cell_run *cr)
{
    zkb_run *run = cr->run;
    zkb_backend_ref *b = cr->c->b;
    char err[ZKBI_ERR_LEN];
    if (zkbi_backend_knows_model_ops(b, zkbi_model_desc(cr->model), err, sizeof err) != 0) {
        zkbi_outcome_set(&cr->o, "failed", ZKB_ERR_UNSUPPORTED, "failed: unsupported: %s", err);
        return -1;
    }
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

/* Records the cell: 0, or -1 when its record could not be saved (why in run->err). */
static int finish(cell_run *cr)
{
    zkb_run *run = cr->run;
    cr->o.end_real = real_now();
    zkbi_record_in ri = {.run = run, .cell = cr->c, .cell_id = cr->id, .model = cr->model,
                         .in = cr->have_inputs ? &cr->in : NULL, .o = &cr->o};
    char *line = zkbi_record_build(&ri);
    char err[ZKBI_ERR_LEN];
    zkb_status st = line ? zkbi_results_append(run->results_path, line, err, sizeof err) : ZKB_ERR_NOMEM;
    if (!line)
        snprintf(err, sizeof err, "out of memory building its record");
    free(cr->c->record);
    cr->c->record = line;
    cr->c->status = cr->o.status;
    cr->c->saved = st == ZKB_OK;
    if (st == ZKB_OK)
        return 0;
    zkbi_errf(run->err, sizeof run->err, "cell %zu (%s, %s): its %s record was not saved: %s", cr->i,
              cr->c->backend, cr->c->model_path, cr->o.status, err);
    return -1;
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

typedef enum { CELL_DONE, CELL_NOT_SAVED, CELL_INTERRUPTED } cell_end;

static cell_end run_cell(zkb_run *run, size_t i, const zkbi_results *done, done_here *here, model_cache *mc)
{
    cell_run cr = {.run = run, .i = i, .c = &run->cells[i]};
    if (zkbi_outcome_init(&cr.o, run->ctx, run->set.samples) != ZKB_OK) {
        zkbi_errf(run->err, sizeof run->err, "cell %zu: out of memory", i);
        return CELL_NOT_SAVED;
    }
    cell_end end = CELL_DONE;
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
        cr.c->saved = 1;
        progress(run, i, "skipped", 0.0);
    } else {
        if (!cr.model) {
            zkbi_outcome_set(&cr.o, "failed", ZKB_ERR_PARSE, "failed: model: %s", mc->err);
        } else if (prepare(&cr) != 0) {
            /* its outcome says why */
        } else if (zkbi_run_cancelled(run)) {
            zkbi_outcome_set(&cr.o, "interrupted", ZKB_ERR_CANCELLED, "interrupted before it started");
        } else {
            isolate(&cr);
        }
        /* A cell stopped by zkb_run_cancel is no result (nor is one that
         * failed while the run was being cancelled: a probe child hit by the
         * same Ctrl-C): nothing is recorded, the next run does it again. A
         * cell that ended on its own before is recorded. */
        if (cr.o.code == ZKB_ERR_CANCELLED || (zkbi_run_cancelled(run) && cr.o.code != ZKB_OK)) {
            cr.c->status = "interrupted";
            end = CELL_INTERRUPTED;
        } else if (finish(&cr) != 0) {
            end = CELL_NOT_SAVED;
        } else {
            done_here_add(here, cr.id, cr.c->record);
        }
        progress(run, i, cr.c->status, (double)(zkbi_now_ns() - t0) * 1e-9);
    }
    zkbi_qmodel_free(cr.qm);
    zkb_ranges_free(cr.ranges);
    if (cr.have_inputs)
        zkbi_inputs_free(&cr.in);
    zkbi_outcome_free(&cr.o);
    return end;
}

/* Before any cell: nothing of an earlier execute, and a results file this
 * run can append to. */
static zkb_status start(zkb_run *run)
{
    for (size_t i = 0; i < run->n_cells; i++) {
        free(run->cells[i].record);
        run->cells[i].record = NULL;
        run->cells[i].status = NULL;
        run->cells[i].saved = 0;
    }
    int fd = open(run->results_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT) {
        zkbi_errf(run->err, sizeof run->err, "cannot write %s: %s", run->results_path, strerror(errno));
        return ZKB_ERR_IO;
    }
    if (fd >= 0)
        close(fd);
    return ZKB_OK;
}

static zkb_status execute_locked(zkb_run *run)
{
    char err[ZKBI_ERR_LEN];
    zkb_status st = start(run);
    if (st != ZKB_OK)
        return st;
    zkbi_results *done = NULL;
    st = zkbi_results_load(run->results_path, &done, warn_results, run->ctx, err, sizeof err);
    if (st != ZKB_OK) {
        zkbi_errf(run->err, sizeof run->err, "%s", err);
        return st;
    }
    zkbi_scratch_clean_stale(run);
    if (!run->have_machine) {
        zkbi_machine_read(&run->machine);
        run->have_machine = 1;
    }
    model_cache mc = {0};
    done_here here = {0};
    size_t i = 0;
    cell_end end = CELL_DONE;
    for (; i < run->n_cells && end == CELL_DONE && !zkbi_run_cancelled(run); i++)
        end = run_cell(run, i, done, &here, &mc);
    free(here.id);
    free(here.line);
    zkb_model_free(mc.m);
    free(mc.path);
    zkbi_results_free(done);
    size_t left = run->n_cells - i;
    if (end == CELL_NOT_SAVED) {
        size_t n = strlen(run->err);
        snprintf(run->err + n, sizeof run->err - n, "; the run stopped there (%zu cell%s not run)", left,
                 left == 1 ? "" : "s");
        return ZKB_ERR_IO;
    }
    if (end == CELL_INTERRUPTED || zkbi_run_cancelled(run)) {
        zkbi_errf(run->err, sizeof run->err,
                  "the run was cancelled%s; %zu cell%s not run; nothing torn was recorded: run again to resume",
                  end == CELL_INTERRUPTED ? " during a cell (not recorded)" : "", left, left == 1 ? "" : "s");
        return ZKB_ERR_CANCELLED;
    }
    return ZKB_OK;
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
    if (zkbi_run_cancelled(run)) {
        zkbi_errf(run->err, sizeof run->err, "the run was cancelled before it started");
        return ZKB_ERR_CANCELLED;
    }
    st = zkbi_run_lock(run);
    if (st != ZKB_OK)
        return st;
    st = execute_locked(run);
    zkbi_run_unlock(run);
    return st;
}

void zkb_run_cancel(zkb_run *run)
{
    if (run)
        atomic_store(&run->cancel, 1);
}

int zkb_run_cell_saved(const zkb_run *run, size_t i) { return run && i < run->n_cells && run->cells[i].saved; }
