#include "cli.h"
#include "summary.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ITEMS 256

typedef struct str_list {
    char *items[MAX_ITEMS];
    size_t n;
} str_list;

static void run_help(void)
{
    printf("usage: zkbench run [options]\n\n"
           "Runs every (model, backend) cell in its own child process and appends one JSON\n"
           "record per finished cell to OUT/results.jsonl. Cells already there are skipped\n"
           "(resume) unless --force.\n\n"
           "  -m, --models LIST      model files or directories of *.json, comma-separated\n"
           "                         (default: models, the zoo)\n"
           "  -b, --backends LIST    backend names, comma-separated (default: every available one)\n"
           "  -o, --option B.K=V     backend option, e.g. -o circom.proof_system=plonk (repeatable)\n"
           "  -n, --samples N        samples per cell (default 1)\n"
           "  -r, --repeats N        witness/prove/verify repeats per sample (default 1)\n"
           "  -t, --timeout SECONDS  wall-clock limit per cell (default 600)\n"
           "      --memory-cap SIZE  memory cap per cell, e.g. 512M, 20G (default 20G)\n"
           "      --out DIR          output directory (default results)\n"
           "      --force            redo cells already in results.jsonl\n"
           "      --dataset NAME     input samples: auto (default: the model's own dataset, else\n"
           "                         synthetic), synthetic, mnist, mnist14, heart, heart_std\n"
           "      --data-dir DIR     dataset directory (default $ZKB_DATA_DIR, ../shared/data, ./data)\n"
           "      --seed N           seed of synthetic inputs (default 1)\n"
           "      --scheme S         fixed-point scheme: pow2 (default) or pow10\n"
           "      --scale N          scale exponent (default 8)\n"
           "      --rounding R       half_up (default) or floor\n"
           "      --keep-scratch     keep each cell's scratch directory\n"
           "      --no-evm           skip the EVM step (on by default where its toolchain is\n"
           "                         installed: docs/evm.md)\n"
           "      --evm-optimizer-runs N  solc optimizer runs for EVM verifiers (200; 0: off)\n"
           "      --shard K/N        run only shard K of N of the cells (a deterministic slice;\n"
           "                         see docs/scaling-out.md); combine with 'zkbench merge'\n"
           "  -q, --quiet            no progress output\n\n"
           "Exit: 0 all cells ok or already recorded, 1 some cell did not succeed, 2 usage,\n"
           "3 bad input, 4 results could not be written (the run stops at that cell), 5 another\n"
           "run is writing OUT/results.jsonl, 128+N stopped by signal N (Ctrl-C: 130); run the\n"
           "same command again to resume.\n");
}

/* EXIT_OK, or the exit code after printing why. */
static int push(str_list *l, const char *s)
{
    if (l->n == MAX_ITEMS) {
        cli_error("run: too many items (at most %d)", MAX_ITEMS);
        return EXIT_USAGE;
    }
    if (!(l->items[l->n] = strdup(s))) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    l->n++;
    return EXIT_OK;
}

static int has_json_suffix(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcmp(s + n - 5, ".json") == 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Adds a model file, or every *.json in a directory (sorted). A model file
 * that does not load is a failed cell, recorded like any other; a directory
 * that cannot be read is bad input. EXIT_OK or the exit code. */
static int add_model_arg(str_list *models, const char *arg)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
        return push(models, arg);
    DIR *d = opendir(arg);
    if (!d) {
        cli_error("run: cannot read directory %s: %s", arg, strerror(errno));
        return EXIT_INPUT;
    }
    size_t first = models->n;
    struct dirent *e;
    int rc = EXIT_OK;
    while (rc == EXIT_OK && (e = readdir(d)) != NULL) {
        if (!has_json_suffix(e->d_name))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", arg, e->d_name);
        rc = push(models, path);
    }
    closedir(d);
    qsort(models->items + first, models->n - first, sizeof(char *), cmp_str);
    if (rc == EXIT_OK && models->n == first)
        cli_error("warning: no *.json model in %s", arg);
    return rc;
}

static int split_into(str_list *l, const char *arg, int models)
{
    char *copy = strdup(arg), *save = NULL;
    if (!copy) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    for (char *t = strtok_r(copy, ",", &save); rc == EXIT_OK && t; t = strtok_r(NULL, ",", &save))
        rc = models ? add_model_arg(l, t) : push(l, t);
    free(copy);
    return rc;
}

static void free_list(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    l->n = 0;
}

/* Collects "key=value" for one backend from the -o B.K=V list, joined by ','.
 * Each -o is one option: commas and backslashes in its value are escaped, so
 * -o ezkl.calibration_scales=2,7 passes "2,7". */
static char *options_for(const str_list *opts, const char *backend)
{
    size_t cap = 1;
    for (size_t i = 0; i < opts->n; i++)
        cap += 2 * strlen(opts->items[i]) + 1;
    char *out = calloc(1, cap);
    size_t blen = strlen(backend), used = 0;
    for (size_t i = 0; out && i < opts->n; i++) {
        const char *o = opts->items[i];
        if (strncmp(o, backend, blen) != 0 || o[blen] != '.')
            continue;
        if (used)
            out[used++] = ',';
        const char *eq = strchr(o + blen + 1, '=');
        for (const char *c = o + blen + 1; *c; c++) {
            if (eq && c > eq && (*c == ',' || *c == '\\'))
                out[used++] = '\\';
            out[used++] = *c;
        }
    }
    return out;
}

typedef struct progress_state {
    zkb_run *run;
    int tty;
    size_t last_cell;
    char last_phase[32];
    double last_print;
    int line_open; /* tty: an updating line is on screen */
} progress_state;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* "backend model": the model's file name without directory and .json. */
static void cell_label(const zkb_run *run, size_t cell, char *out, size_t cap)
{
    const char *b = zkb_run_cell_backend(run, cell), *m = zkb_run_cell_model(run, cell);
    const char *base = m ? strrchr(m, '/') : NULL;
    base = base ? base + 1 : m ? m : "?";
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    snprintf(out, cap, "%s %.*s", b ? b : "?", (int)(len > 200 ? 200 : len), base);
}

static int is_phase(const char *p)
{
    static const char *const phases[] = {"load", "quantize", "setup", "witness", "prove", "verify", "evm"};
    for (size_t i = 0; i < sizeof phases / sizeof *phases; i++)
        if (strcmp(p, phases[i]) == 0)
            return 1 + (i >= 3 && i <= 5); /* 1: once per cell, 2: per sample */
    return 0;
}

/* On a terminal: one line per cell, redrawn in place (at most twice a
 * second) with the phase and the cell's elapsed time, kept when the cell
 * ends with its status. Otherwise plain lines: the start of each
 * once-per-cell phase, of per-sample phases at most every 2 s, a line every
 * 30 s while one phase lasts, and the cell's end. */
static void on_progress(void *user, size_t cell, size_t n_cells, const char *phase, double elapsed)
{
    progress_state *p = user;
    double now = now_s();
    int kind = is_phase(phase);
    int new_cell = cell != p->last_cell;
    int changed = new_cell || strcmp(phase, p->last_phase) != 0;
    char label[256];
    cell_label(p->run, cell, label, sizeof label);
    if (p->tty) {
        if (kind && !new_cell && now - p->last_print < 0.5)
            return;
        fprintf(stderr, "\r\033[K[cell %zu/%zu] %s: %s%s %.1f s", cell + 1, n_cells, label, phase, kind ? "" : " in",
                elapsed);
        if (!kind)
            fputc('\n', stderr);
        p->line_open = kind != 0;
        fflush(stderr);
    } else {
        int print;
        if (!kind)
            print = 1; /* the cell's end */
        else if (changed)
            print = kind == 1 || new_cell || now - p->last_print >= 2.0;
        else
            print = now - p->last_print >= 30.0;
        if (!print)
            return;
        if (kind)
            fprintf(stderr, "[cell %zu/%zu] %s: %s (%.1f s)\n", cell + 1, n_cells, label, phase, elapsed);
        else
            fprintf(stderr, "[cell %zu/%zu] %s: %s in %.1f s\n", cell + 1, n_cells, label, phase, elapsed);
    }
    p->last_cell = cell;
    snprintf(p->last_phase, sizeof p->last_phase, "%s", phase);
    p->last_print = now;
}

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, uint32_t *k, uint32_t *n)
{
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long a = strtoul(s, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9')
        return -1;
    unsigned long b = strtoul(end + 1, &end, 10);
    if (*end || a > 1000000 || b > 1000000)
        return -1;
    *k = (uint32_t)a;
    *n = (uint32_t)b;
    return 0;
}

static int set_run(zkb_run *run, const char *key, const char *value)
{
    zkb_status st = zkb_run_set(run, key, value);
    if (st != ZKB_OK)
        cli_error("run: %s", zkb_run_last_error(run));
    return cli_exit_for(st, CLI_SETTING);
}

enum { OPT_MEMCAP = 1000, OPT_OUT, OPT_FORCE, OPT_DATASET, OPT_DATADIR, OPT_SEED, OPT_SCHEME,
       OPT_SCALE, OPT_ROUNDING, OPT_KEEP, OPT_SHARD, OPT_NO_EVM, OPT_EVM_RUNS };

typedef struct run_args {
    str_list models, backends, opts;
    const char *out, *data_dir;
    const char *settings[16][2];
    size_t n_settings;
    const char *scheme, *scale; /* as given, NULL when not */
    int quiet;
    uint32_t shard_k, shard_n;
} run_args;

/* Values zkb_run_set takes that would only fail once the run started: a
 * dataset name the library does not know (every cell would fail) and a
 * scale out of range for the scheme (the two are set one at a time). Usage
 * errors, like the values zkb_run_set refuses. */
static int check_values(const run_args *a)
{
    for (size_t i = 0; i < a->n_settings; i++) {
        static const char *const runner_names[] = {"auto", "synthetic", NULL};
        if (strcmp(a->settings[i][0], "dataset") == 0 &&
            cli_check_dataset("run: --dataset", a->settings[i][1], runner_names) != EXIT_OK)
            return EXIT_USAGE;
    }
    zkb_quant q;
    zkb_quant_default(&q);
    const char *scheme = a->scheme ? a->scheme : "pow2";
    if (strcmp(scheme, "pow2") == 0) {
        q.scheme = ZKB_QUANT_POW2;
    } else if (strcmp(scheme, "pow10") == 0) {
        q.scheme = ZKB_QUANT_POW10;
    } else {
        cli_error("run: --scheme must be pow2 or pow10, not '%s'", scheme);
        return EXIT_USAGE;
    }
    if (a->scale) {
        char *end = NULL;
        errno = 0;
        unsigned long v = a->scale[0] >= '0' && a->scale[0] <= '9' ? strtoul(a->scale, &end, 10) : 0;
        if (!end || *end || errno || v > UINT32_MAX) {
            cli_error("run: --scale wants an integer exponent, not '%s'", a->scale);
            return EXIT_USAGE;
        }
        q.scale = (uint32_t)v;
    }
    char why[256];
    if (zkb_quant_check(&q, why, sizeof why) != ZKB_OK) {
        cli_error("run: --scheme %s --scale %u: %s", scheme, q.scale, why);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* A setting given again replaces the earlier one: the last one counts. */
static void add_setting(run_args *a, const char *key, const char *value)
{
    size_t i = 0;
    while (i < a->n_settings && strcmp(a->settings[i][0], key) != 0)
        i++;
    if (i == sizeof a->settings / sizeof a->settings[0])
        return;
    a->settings[i][0] = key;
    a->settings[i][1] = value;
    if (i == a->n_settings)
        a->n_settings++;
}

static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option longopts[] = {
        {"models", required_argument, 0, 'm'}, {"backends", required_argument, 0, 'b'},
        {"option", required_argument, 0, 'o'}, {"samples", required_argument, 0, 'n'},
        {"repeats", required_argument, 0, 'r'}, {"timeout", required_argument, 0, 't'},
        {"memory-cap", required_argument, 0, OPT_MEMCAP}, {"out", required_argument, 0, OPT_OUT},
        {"force", no_argument, 0, OPT_FORCE}, {"dataset", required_argument, 0, OPT_DATASET},
        {"data-dir", required_argument, 0, OPT_DATADIR}, {"seed", required_argument, 0, OPT_SEED},
        {"scheme", required_argument, 0, OPT_SCHEME}, {"scale", required_argument, 0, OPT_SCALE},
        {"rounding", required_argument, 0, OPT_ROUNDING}, {"keep-scratch", no_argument, 0, OPT_KEEP},
        {"no-evm", no_argument, 0, OPT_NO_EVM}, {"evm-optimizer-runs", required_argument, 0, OPT_EVM_RUNS},
        {"shard", required_argument, 0, OPT_SHARD}, {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static const struct { int opt; const char *key; } keys[] = {
        {'n', "samples"}, {'r', "repeats"}, {'t', "timeout"}, {OPT_MEMCAP, "memory_cap"},
        {OPT_DATASET, "dataset"}, {OPT_SEED, "seed"}, {OPT_SCHEME, "quant.scheme"},
        {OPT_SCALE, "quant.scale"}, {OPT_ROUNDING, "quant.rounding"}, {OPT_EVM_RUNS, "evm.optimizer_runs"}};
    optind = 1;
    int c, rc;
    while ((c = getopt_long(argc, argv, "m:b:o:n:r:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': run_help(); return -1;
        case 'm': if ((rc = split_into(&a->models, optarg, 1)) != EXIT_OK) return rc; break;
        case 'b': if ((rc = split_into(&a->backends, optarg, 0)) != EXIT_OK) return rc; break;
        case 'o':
            if (!strchr(optarg, '.') || !strchr(optarg, '=')) {
                cli_error("run: --option wants BACKEND.KEY=VALUE, got '%s'", optarg);
                return EXIT_USAGE;
            }
            if ((rc = push(&a->opts, optarg)) != EXIT_OK)
                return rc;
            break;
        case OPT_OUT: a->out = optarg; break;
        case OPT_DATADIR: a->data_dir = optarg; break;
        case 'q': a->quiet = 1; break;
        case OPT_SHARD:
            if (parse_shard(optarg, &a->shard_k, &a->shard_n) != 0 || a->shard_n == 0 || a->shard_k == 0 ||
                a->shard_k > a->shard_n) {
                cli_error("run: --shard wants K/N with N >= 1 and K in 1..N (e.g. --shard 2/4), got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_FORCE: add_setting(a, "force", "1"); break;
        case OPT_KEEP: add_setting(a, "keep_scratch", "1"); break;
        case OPT_NO_EVM: add_setting(a, "evm", "0"); break;
        case '?': return EXIT_USAGE;
        default:
            if (c == OPT_SCHEME)
                a->scheme = optarg;
            if (c == OPT_SCALE)
                a->scale = optarg;
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                if (keys[k].opt == c)
                    add_setting(a, keys[k].key, optarg);
        }
    }
    if (optind < argc) {
        cli_error("run: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if ((rc = check_values(a)) != EXIT_OK)
        return rc;
    if (a->models.n == 0) {
        struct stat st;
        if (stat("models", &st) != 0) {
            cli_error("run: no models given (--models) and no models/ here");
            return EXIT_USAGE;
        }
        if ((rc = add_model_arg(&a->models, "models")) != EXIT_OK)
            return rc;
    }
    return 0;
}

/* Adds the default backends: every available one; unavailable ones are named. */
static void default_backends(zkb_ctx *ctx, str_list *backends, int quiet)
{
    for (size_t i = 0; i < zkb_backend_count(ctx); i++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, i);
        if (zkb_backend_probe(b) == ZKB_OK)
            push(backends, zkb_backend_name(b));
        else if (!quiet)
            fprintf(stderr, "skipping %s: unavailable: %s\n", zkb_backend_name(b), zkb_backend_probe_detail(b));
    }
}

static int add_cells(zkb_ctx *ctx, zkb_run *run, run_args *a)
{
    for (size_t bi = 0; bi < a->backends.n; bi++) {
        if (!zkb_backend_find(ctx, a->backends.items[bi])) {
            cli_error("run: unknown backend '%s' (see 'zkbench list')", a->backends.items[bi]);
            return EXIT_INPUT;
        }
    }
    for (size_t oi = 0; oi < a->opts.n; oi++) {
        int known = 0;
        for (size_t bi = 0; bi < a->backends.n; bi++) {
            size_t len = strlen(a->backends.items[bi]);
            known |= strncmp(a->opts.items[oi], a->backends.items[bi], len) == 0 && a->opts.items[oi][len] == '.';
        }
        if (!known) {
            cli_error("run: option '%s' names no backend of this run", a->opts.items[oi]);
            return EXIT_INPUT;
        }
    }
    for (size_t mi = 0; mi < a->models.n; mi++)
        for (size_t bi = 0; bi < a->backends.n; bi++) {
            char *opts = options_for(&a->opts, a->backends.items[bi]);
            if (!opts) {
                cli_error("out of memory");
                return EXIT_INTERNAL;
            }
            zkb_status st = zkb_run_add_cell(run, a->models.items[mi], a->backends.items[bi], opts, NULL);
            free(opts);
            if (st != ZKB_OK) {
                cli_error("%s", zkb_run_last_error(run));
                return cli_exit_for(st, CLI_INPUT); /* the backend refused its options */
            }
        }
    return 0;
}

/* SIGINT, SIGTERM and SIGHUP ask the run to stop (zkb_run_cancel is
 * async-signal-safe): the running cell's processes are killed, its scratch
 * removed, nothing torn recorded. A signal this process was started with
 * ignored (nohup, a background job of a script) stays ignored. */
static zkb_run *volatile g_run;
static volatile sig_atomic_t g_signal;

static void on_signal(int sig)
{
    if (!g_signal)
        g_signal = sig;
    zkb_run_cancel(g_run);
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (sizeof stop_signals / sizeof stop_signals[0])

static void catch_signals(zkb_run *run, struct sigaction *old)
{
    g_run = run;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaction(stop_signals[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
    }
}

static void release_signals(const struct sigaction *old)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &old[i], NULL);
}

static int execute(zkb_run *run, int quiet)
{
    progress_state ps = {.run = run, .tty = isatty(STDERR_FILENO), .last_cell = (size_t)-1};
    if (!quiet)
        zkb_run_set_progress(run, on_progress, &ps);
    /* A file size limit (ulimit -f) must fail the append, which the library
     * reports, not kill the process half-way through a record. */
    signal(SIGXFSZ, SIG_IGN);
    struct sigaction old[N_STOP_SIGNALS];
    catch_signals(run, old);
    zkb_status st = zkb_run_execute(run);
    release_signals(old);
    if (ps.tty && !quiet && ps.line_open)
        fprintf(stderr, "\r\033[K");
    if (st == ZKB_ERR_LOCKED) { /* nothing ran */
        cli_error("%s", zkb_run_last_error(run));
        return EXIT_LOCKED;
    }
    size_t bad = cli_print_summary(run, stdout);
    printf("results: %s\n", zkb_run_results_path(run));
    fflush(stdout);
    switch (st) {
    case ZKB_OK:
        return bad ? EXIT_CELLS : EXIT_OK;
    case ZKB_ERR_CANCELLED:
        if (g_signal)
            cli_error("interrupted by signal %d (%s): %s", (int)g_signal, strsignal(g_signal), zkb_run_last_error(run));
        else
            cli_error("interrupted: %s", zkb_run_last_error(run));
        return EXIT_SIGNAL + (g_signal ? g_signal : SIGINT);
    case ZKB_ERR_PARSE:
        cli_error("%s", zkb_run_last_error(run));
        return EXIT_INPUT;
    default:
        cli_error("%s", zkb_run_last_error(run));
        return EXIT_INTERNAL;
    }
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.out = "results"};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        free_list(&a.models), free_list(&a.backends), free_list(&a.opts);
        return rc < 0 ? EXIT_OK : rc;
    }
    zkb_ctx *ctx = NULL;
    zkb_run *run = NULL;
    rc = cli_new_ctx(a.data_dir, 1, &ctx);
    if (rc == 0) {
        zkb_status st = zkb_run_new(ctx, a.out, &run);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_ctx_last_error(ctx));
            rc = cli_exit_for(st, CLI_OUTPUT); /* OUT could not be created */
        }
    }
    for (size_t i = 0; rc == 0 && i < a.n_settings; i++)
        rc = set_run(run, a.settings[i][0], a.settings[i][1]);
    if (rc == 0 && a.backends.n == 0)
        default_backends(ctx, &a.backends, a.quiet);
    if (rc == 0 && a.backends.n == 0) {
        cli_error("run: no backend available (see 'zkbench list')");
        rc = EXIT_INPUT;
    }
    if (rc == 0)
        rc = add_cells(ctx, run, &a);
    if (rc == 0 && a.shard_n) {
        size_t before = zkb_run_cell_count(run);
        zkb_status st = zkb_run_select_shard(run, a.shard_k, a.shard_n);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_run_last_error(run));
            rc = cli_exit_for(st, CLI_SETTING);
        } else if (!a.quiet) {
            fprintf(stderr, "shard %u/%u: %zu of %zu cells\n", a.shard_k, a.shard_n, zkb_run_cell_count(run),
                    before);
        }
    }
    /* The results file to resume from is an input like a model: anything
     * there but a regular file (a FIFO, a directory) is bad input, found
     * before any cell runs. */
    if (rc == 0 && access(zkb_run_results_path(run), F_OK) == 0)
        rc = cli_check_readable("run", zkb_run_results_path(run));
    if (rc == 0)
        rc = execute(run, a.quiet);
    zkb_run_free(run);
    zkb_ctx_free(ctx);
    free_list(&a.models), free_list(&a.backends), free_list(&a.opts);
    return rc;
}
