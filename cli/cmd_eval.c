/* zkbench eval: accuracy of fixed-point inference against float, a sweep
 * over scales, and the per-layer range analysis (docs/accuracy.md). */
#include "cli.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkb_eval.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POW2_SWEEP_MAX 16u
#define POW10_SWEEP_MAX 6u

static void eval_help(void)
{
    printf("usage: zkbench eval MODEL [options]\n\n"
           "Runs MODEL over a dataset's test split with the float and the fixed-point\n"
           "reference evaluators and reports float accuracy, fixed-point accuracy and the\n"
           "accuracy loss: in points against the labels (float - fixed) and as the share\n"
           "of samples whose class differs from the float model's.\n\n"
           "options:\n"
           "  --dataset NAME       mnist, mnist14, heart or heart_std (default: the model's\n"
           "                       metadata \"dataset\" or \"train_set\".\"name\", else by input\n"
           "                       shape: 1x28x28 mnist, 1x14x14 mnist14, 18 inputs heart)\n"
           "  --split test|train   (default test)\n"
           "  --data-dir DIR       data directory (default $ZKB_DATA_DIR, ../shared/data, ./data)\n"
           "  --scheme pow2|pow10|ezkl  (default pow2; ezkl: EZKL's own fixed point,\n"
           "                       docs/ezkl.md \"The ezkl scheme\", what ezkl's witness computes)\n"
           "  --scale N            exponent of the scale factor (default 8; ezkl: input_scale)\n"
           "  --param-scale N      ezkl: param_scale (default: the input scale)\n"
           "  --rebase-multiplier M  ezkl: scale_rebase_multiplier (default 1)\n"
           "  --rounding half_up|floor  (default half_up)\n"
           "  --samples N          first N samples only (default: all)\n"
           "  --threads N          worker threads (default: every core; results do not depend on it)\n"
           "  --sweep              one row per scale: pow2 0..%u and pow10 0..%u (only the\n"
           "                       --scheme given, if any; --scale then sets --ranges' scale);\n"
           "                       ezkl: input = param scale 0..%u at the rebase multiplier\n"
           "  --ranges             per-layer integer widths (bits) at the chosen quantization:\n"
           "                       empirical over the samples, and the analytic worst case\n"
           "  --input-max X        bound on |input| for the analytic range (default 1 for\n"
           "                       mnist/mnist14, else the largest |x| in the split)\n"
           "  --json               one JSON object on stdout\n\n"
           "exit codes: 0 ok; 2 usage (an unknown dataset name, a scale out of range for\n"
           "the scheme); 3 a missing or malformed model or dataset, or a model that does\n"
           "not fit the dataset; 4 internal error (docs/cli.md)\n",
           POW2_SWEEP_MAX, POW10_SWEEP_MAX, POW2_SWEEP_MAX);
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static const char *scheme_name(uint32_t s)
{
    return s == ZKB_QUANT_POW10 ? "pow10" : s == ZKB_QUANT_EZKL ? "ezkl" : "pow2";
}

/* "8"; ezkl: "input/param/multiplier" */
static const char *scale_text(const zkb_quant *q, char *buf, size_t n)
{
    if (q->scheme == ZKB_QUANT_EZKL)
        snprintf(buf, n, "%u/%u/%u", ZKB_QUANT_EZKL_INPUT(q->scale), ZKB_QUANT_EZKL_PARAM(q->scale),
                 ZKB_QUANT_EZKL_MULT(q->scale));
    else
        snprintf(buf, n, "%u", q->scale);
    return buf;
}

static const char *rounding_name(uint32_t r)
{
    return r == ZKB_ROUND_FLOOR ? "floor" : "half_up";
}

static unsigned long long scale_factor(const zkb_quant *q)
{
    unsigned long long s = 1;
    uint32_t e = q->scheme == ZKB_QUANT_EZKL ? ZKB_QUANT_EZKL_INPUT(q->scale) : q->scale;
    for (uint32_t i = 0; i < e; i++)
        s *= q->scheme == ZKB_QUANT_POW10 ? 10u : 2u;
    return s;
}

typedef struct eval_opts {
    const char *model, *dataset, *split, *data_dir;
    zkb_quant q;
    int scheme_given, scale_given;
    uint32_t param_scale, rebase_mult; /* ezkl; 0: not given */
    int param_given;
    uint32_t samples, threads;
    int sweep, ranges, json;
    double input_max;
    int input_max_given;
} eval_opts;

static int parse_args(int argc, char **argv, eval_opts *o)
{
    memset(o, 0, sizeof *o);
    zkb_quant_default(&o->q);
    o->split = "test";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            eval_help();
            return 1;
        } else if (strcmp(a, "--sweep") == 0) {
            o->sweep = 1;
            takes = 0;
        } else if (strcmp(a, "--ranges") == 0) {
            o->ranges = 1;
            takes = 0;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
            takes = 0;
        } else if (a[0] == '-' && a[1] == '-') {
            if (!v) {
                cli_error("eval: %s needs a value", a);
                return -1;
            }
            if (strcmp(a, "--dataset") == 0) {
                if (cli_check_dataset("eval", v, NULL) != EXIT_OK)
                    return -1;
                o->dataset = v;
            } else if (strcmp(a, "--split") == 0) {
                if (strcmp(v, "test") != 0 && strcmp(v, "train") != 0) {
                    cli_error("eval: --split must be test or train, not '%s'", v);
                    return -1;
                }
                o->split = v;
            } else if (strcmp(a, "--data-dir") == 0) {
                o->data_dir = v;
            } else if (strcmp(a, "--scheme") == 0) {
                if (strcmp(v, "pow2") == 0)
                    o->q.scheme = ZKB_QUANT_POW2;
                else if (strcmp(v, "pow10") == 0)
                    o->q.scheme = ZKB_QUANT_POW10;
                else if (strcmp(v, "ezkl") == 0)
                    o->q.scheme = ZKB_QUANT_EZKL;
                else {
                    cli_error("eval: --scheme must be pow2, pow10 or ezkl, not '%s'", v);
                    return -1;
                }
                o->scheme_given = 1;
            } else if (strcmp(a, "--scale") == 0) {
                if (parse_u32(v, 30, &o->q.scale)) {
                    cli_error("eval: --scale must be an integer 0..30 (pow10: 0..9), not '%s'", v);
                    return -1;
                }
                o->scale_given = 1;
            } else if (strcmp(a, "--param-scale") == 0) {
                if (parse_u32(v, 30, &o->param_scale)) {
                    cli_error("eval: --param-scale must be an integer 0..30, not '%s'", v);
                    return -1;
                }
                o->param_given = 1;
            } else if (strcmp(a, "--rebase-multiplier") == 0) {
                if (parse_u32(v, 255, &o->rebase_mult) || o->rebase_mult == 0) {
                    cli_error("eval: --rebase-multiplier must be an integer 1..255, not '%s'", v);
                    return -1;
                }
            } else if (strcmp(a, "--rounding") == 0) {
                if (strcmp(v, "half_up") == 0)
                    o->q.rounding = ZKB_ROUND_HALF_UP;
                else if (strcmp(v, "floor") == 0)
                    o->q.rounding = ZKB_ROUND_FLOOR;
                else {
                    cli_error("eval: --rounding must be half_up or floor, not '%s'", v);
                    return -1;
                }
            } else if (strcmp(a, "--samples") == 0) {
                if (parse_u32(v, UINT32_MAX, &o->samples) || o->samples == 0) {
                    cli_error("eval: --samples must be a positive integer, not '%s'", v);
                    return -1;
                }
            } else if (strcmp(a, "--threads") == 0) {
                if (parse_u32(v, 1024, &o->threads) || o->threads == 0) {
                    cli_error("eval: --threads must be an integer 1..1024, not '%s'", v);
                    return -1;
                }
            } else if (strcmp(a, "--input-max") == 0) {
                char *end;
                errno = 0;
                o->input_max = strtod(v, &end);
                if (errno || *end || !*v || !isfinite(o->input_max) || o->input_max < 0) {
                    cli_error("eval: --input-max must be a finite number >= 0, not '%s'", v);
                    return -1;
                }
                o->input_max_given = 1;
            } else {
                cli_error("eval: unknown option '%s' (see zkbench eval --help)", a);
                return -1;
            }
            i++;
            takes = 0;
        } else if (!o->model) {
            o->model = a;
            takes = 0;
        } else {
            cli_error("eval: unexpected argument '%s' (one model at a time)", a);
            return -1;
        }
        (void)takes;
    }
    if (!o->model) {
        cli_error("eval: no model file given (see zkbench eval --help)");
        return -1;
    }
    if (o->sweep && o->scale_given && !o->ranges) {
        cli_error("eval: --sweep covers every scale; --scale only picks the scale of --ranges");
        return -1;
    }
    if (o->q.scheme != ZKB_QUANT_EZKL && (o->param_given || o->rebase_mult)) {
        cli_error("eval: --param-scale and --rebase-multiplier belong to --scheme ezkl");
        return -1;
    }
    if (o->q.scheme == ZKB_QUANT_EZKL) {
        if (o->ranges) {
            cli_error("eval: --ranges works on pow2 and pow10; the ezkl scheme has no range analysis");
            return -1;
        }
        if (o->sweep && o->param_given) {
            cli_error("eval: an ezkl --sweep sets input and param scale together; drop --param-scale");
            return -1;
        }
        if (!o->rebase_mult)
            o->rebase_mult = 1;
        uint32_t in = o->q.scale;
        o->q.scale = ZKB_QUANT_EZKL_SCALE(in, o->param_given ? o->param_scale : in, o->rebase_mult);
    }
    char why[256];
    if (zkb_quant_check(&o->q, why, sizeof why) != ZKB_OK) {
        cli_error("eval: --scheme %s --scale: %s", scheme_name(o->q.scheme), why);
        return -1;
    }
    return 0;
}

/* ---- text output ------------------------------------------------------------------ */

static void print_acc_single(const zkb_quant *q, const zkb_accuracy *a)
{
    if (q->scheme == ZKB_QUANT_EZKL)
        printf("quant     ezkl: input 2^%u, params 2^%u, rebase multiplier %u (ezkl's rounding, half "
               "away from zero)\n",
               ZKB_QUANT_EZKL_INPUT(q->scale), ZKB_QUANT_EZKL_PARAM(q->scale), ZKB_QUANT_EZKL_MULT(q->scale));
    else
        printf("quant     %s scale %u (S = %llu), %s rounding\n", scheme_name(q->scheme), q->scale,
               scale_factor(q), rounding_name(q->rounding));
    if (a->status != ZKB_OK)
        printf("          the model cannot be quantized at this scale (a weight or bias leaves int64)\n");
    printf("fixed     accuracy %.2f %% (%" PRIu64 "/%" PRIu64 ")\n", a->fixed_acc, a->fixed_correct,
           a->samples);
    printf("loss      %.2f points against the labels (float - fixed)\n", a->loss_points);
    printf("differ    %.2f %% of samples change class from the float model (%" PRIu64 ")\n",
           a->differ_pct, a->differ);
    printf("overflow  %" PRIu64 " samples left int64%s\n", a->overflowed,
           a->overflowed ? " (counted wrong and differing)" : "");
}

static void print_sweep(const zkb_quant *qs, const zkb_accuracy *as, size_t n)
{
    printf("\n%-6s %8s %10s %9s %9s %9s  %s\n", "scheme", "scale", "S", "fixed %", "loss pts",
           "differ %", "overflow");
    for (size_t k = 0; k < n; k++) {
        const zkb_accuracy *a = &as[k];
        char ovf[64];
        if (a->status != ZKB_OK)
            snprintf(ovf, sizeof ovf, "model does not fit int64");
        else if (a->overflowed)
            snprintf(ovf, sizeof ovf, "%" PRIu64 " samples", a->overflowed);
        else
            snprintf(ovf, sizeof ovf, "-");
        char sc[32];
        printf("%-6s %8s %10llu %9.2f %9.2f %9.2f  %s\n", scheme_name(qs[k].scheme),
               scale_text(&qs[k], sc, sizeof sc), scale_factor(&qs[k]), a->fixed_acc, a->loss_points,
               a->differ_pct, ovf);
    }
}

static void fmt_bits(char *buf, size_t n, uint32_t bits, uint32_t ovf)
{
    snprintf(buf, n, "%u%s", bits, ovf ? "!" : "");
}

static void print_ranges(const zkb_model *m, const zkb_quant *q, const zkb_ranges *r,
                         double input_max)
{
    zkb_layer_range in;
    in.struct_size = sizeof in;
    zkb_ranges_input(r, &in);
    printf("\nranges at %s scale %u (S = %llu), %s: %" PRIu64 " samples; analytic bound for "
           "|x| <= %g (|x_q| <= %" PRIu64 ")\n",
           scheme_name(q->scheme), q->scale, scale_factor(q), rounding_name(q->rounding),
           zkb_ranges_samples(r), input_max, in.ana_out_max);
    printf("bits = ceil(log2(max|v| + 1)) + 1 (sign); acc = before the layer's division\n\n");
    printf("%-5s %-9s | %8s %8s | %8s %8s | %20s %20s\n", "layer", "op", "emp acc", "emp out",
           "ana acc", "ana out", "max |acc| seen", "max |acc| bound");
    printf("%-5s %-9s | %8s %8u | %8s %8u | %20s %20" PRIu64 "\n", "-", "input", "", in.emp_out_bits,
           "", in.ana_out_bits, "", in.ana_out_max);
    uint32_t emp_w = in.emp_out_bits, ana_w = in.ana_out_bits;
    int first_ovf = -1;
    for (uint32_t i = 0; i < zkb_ranges_layer_count(r); i++) {
        zkb_layer_range L;
        L.struct_size = sizeof L;
        zkb_ranges_layer(r, i, &L);
        char ea[16], eo[16], aa[16], ao[16], bound[32];
        snprintf(ea, sizeof ea, "%u", L.emp_acc_bits);
        snprintf(eo, sizeof eo, "%u", L.emp_out_bits);
        fmt_bits(aa, sizeof aa, L.ana_acc_bits, L.ana_acc_overflow);
        fmt_bits(ao, sizeof ao, L.ana_out_bits, L.ana_out_overflow);
        if (L.ana_acc_max == UINT64_MAX) /* beyond uint64: the bits still tell */
            snprintf(bound, sizeof bound, "< 2^%u", L.ana_acc_bits - 1);
        else
            snprintf(bound, sizeof bound, "%" PRIu64, L.ana_acc_max);
        char seen[48];
        if (L.emp_overflows)
            snprintf(seen, sizeof seen, "overflow x%" PRIu64, L.emp_overflows);
        else
            snprintf(seen, sizeof seen, "%" PRIu64, L.emp_acc_max);
        printf("%-5u %-9s | %8s %8s | %8s %8s | %20s %20s\n", i, zkb_model_layer_op(m, i), ea, eo,
               aa, ao, seen, bound);
        if (L.emp_acc_bits > emp_w)
            emp_w = L.emp_acc_bits;
        if (L.emp_out_bits > emp_w)
            emp_w = L.emp_out_bits;
        if (L.ana_acc_bits > ana_w)
            ana_w = L.ana_acc_bits;
        if (L.ana_out_bits > ana_w)
            ana_w = L.ana_out_bits;
        if (first_ovf < 0 && (L.ana_acc_overflow || L.ana_out_overflow))
            first_ovf = (int)i;
    }
    printf("\nwidest: empirical %u bits, analytic %u bits\n", emp_w, ana_w);
    if (zkb_ranges_samples(r) && zkb_ranges_overflowed(r))
        printf("OVERFLOW: %" PRIu64 " of %" PRIu64 " samples left int64 in the fixed-point pass\n",
               zkb_ranges_overflowed(r), zkb_ranges_samples(r));
    if (first_ovf >= 0)
        printf("OVERFLOW: the analytic bound exceeds int64 from layer %d (%s) on (marked !): some "
               "input in range may overflow the fixed-point pass\n",
               first_ovf, zkb_model_layer_op(m, (uint32_t)first_ovf));
    else
        printf("the analytic bound fits int64: no input with |x| <= %g can overflow\n", input_max);
}

/* ---- JSON output ------------------------------------------------------------------ */

static cJSON *quant_json(const zkb_quant *q)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scheme", scheme_name(q->scheme));
    if (q->scheme == ZKB_QUANT_EZKL) {
        cJSON_AddNumberToObject(o, "scale", ZKB_QUANT_EZKL_INPUT(q->scale));
        cJSON_AddNumberToObject(o, "param_scale", ZKB_QUANT_EZKL_PARAM(q->scale));
        cJSON_AddNumberToObject(o, "rebase_multiplier", ZKB_QUANT_EZKL_MULT(q->scale));
        cJSON_AddNumberToObject(o, "scale_factor", (double)scale_factor(q));
        cJSON_AddStringToObject(o, "rounding", "half_away_from_zero");
        return o;
    }
    cJSON_AddNumberToObject(o, "scale", q->scale);
    cJSON_AddNumberToObject(o, "scale_factor", (double)scale_factor(q));
    cJSON_AddStringToObject(o, "rounding", rounding_name(q->rounding));
    return o;
}

static cJSON *acc_json(const zkb_quant *q, const zkb_accuracy *a)
{
    cJSON *o = quant_json(q);
    cJSON_AddBoolToObject(o, "model_fits", a->status == ZKB_OK);
    cJSON_AddNumberToObject(o, "fixed_correct", (double)a->fixed_correct);
    cJSON_AddNumberToObject(o, "fixed_accuracy", a->fixed_acc);
    cJSON_AddNumberToObject(o, "loss_points", a->loss_points);
    cJSON_AddNumberToObject(o, "differ", (double)a->differ);
    cJSON_AddNumberToObject(o, "differ_pct", a->differ_pct);
    cJSON_AddNumberToObject(o, "overflowed", (double)a->overflowed);
    return o;
}

static cJSON *range_json(const zkb_layer_range *L, const char *op, int index)
{
    cJSON *o = cJSON_CreateObject();
    if (index >= 0)
        cJSON_AddNumberToObject(o, "layer", index);
    cJSON_AddStringToObject(o, "op", op);
    cJSON_AddNumberToObject(o, "emp_acc_max", (double)L->emp_acc_max);
    cJSON_AddNumberToObject(o, "emp_out_max", (double)L->emp_out_max);
    cJSON_AddNumberToObject(o, "emp_acc_bits", L->emp_acc_bits);
    cJSON_AddNumberToObject(o, "emp_out_bits", L->emp_out_bits);
    cJSON_AddNumberToObject(o, "emp_overflows", (double)L->emp_overflows);
    /* as strings: bounds above 2^53 do not survive a JSON number */
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, L->ana_acc_max);
    cJSON_AddStringToObject(o, "ana_acc_max", b);
    snprintf(b, sizeof b, "%" PRIu64, L->ana_out_max);
    cJSON_AddStringToObject(o, "ana_out_max", b);
    cJSON_AddNumberToObject(o, "ana_acc_bits", L->ana_acc_bits);
    cJSON_AddNumberToObject(o, "ana_out_bits", L->ana_out_bits);
    cJSON_AddBoolToObject(o, "ana_overflow", L->ana_acc_overflow || L->ana_out_overflow);
    return o;
}

static cJSON *ranges_json(const zkb_model *m, const zkb_quant *q, const zkb_ranges *r,
                          double input_max)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "quant", quant_json(q));
    cJSON_AddNumberToObject(o, "input_abs_max", input_max);
    cJSON_AddNumberToObject(o, "samples", (double)zkb_ranges_samples(r));
    cJSON_AddNumberToObject(o, "overflowed_samples", (double)zkb_ranges_overflowed(r));
    cJSON_AddBoolToObject(o, "analytic_overflow", zkb_ranges_analytic_overflow(r));
    zkb_layer_range L;
    L.struct_size = sizeof L;
    zkb_ranges_input(r, &L);
    cJSON_AddItemToObject(o, "input", range_json(&L, "input", -1));
    cJSON *arr = cJSON_AddArrayToObject(o, "layers");
    for (uint32_t i = 0; i < zkb_ranges_layer_count(r); i++) {
        L.struct_size = sizeof L;
        zkb_ranges_layer(r, i, &L);
        cJSON_AddItemToArray(arr, range_json(&L, zkb_model_layer_op(m, i), (int)i));
    }
    return o;
}

/* ---- the command ------------------------------------------------------------------ */

static double dataset_abs_max(const zkb_dataset *ds)
{
    const float *x = zkb_dataset_data(ds);
    size_t n = zkb_dataset_count(ds) * zkb_dataset_features(ds);
    double mx = 0;
    for (size_t i = 0; i < n; i++) {
        double v = fabs((double)x[i]);
        if (v > mx)
            mx = v;
    }
    return mx;
}

int cmd_eval(int argc, char **argv)
{
    eval_opts o;
    int pr = parse_args(argc, argv, &o);
    if (pr > 0)
        return EXIT_OK;
    if (pr < 0)
        return EXIT_USAGE;

    zkb_ctx *ctx = NULL;
    zkb_model *m = NULL;
    zkb_dataset *ds = NULL;
    zkb_ranges *ranges = NULL;
    zkb_quant *qs = NULL;
    zkb_accuracy *as = NULL;
    cJSON *root = NULL;
    int rc = cli_new_ctx(o.data_dir, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    zkb_status st = zkb_model_load_file(ctx, o.model, &m);
    if (st != ZKB_OK) {
        cli_error("%s", zkb_ctx_last_error(ctx));
        rc = cli_exit_for(st, CLI_INPUT);
        goto out;
    }
    const char *how = "given";
    if (!o.dataset) {
        o.dataset = zkb_eval_default_dataset(m);
        how = "from the model";
        if (!o.dataset) {
            uint32_t c, h, w;
            zkb_model_input_shape(m, &c, &h, &w);
            cli_error("eval: cannot tell which dataset fits model '%s' (input [%u, %u, %u]); "
                      "pass --dataset",
                      zkb_model_name(m), c, h, w);
            rc = EXIT_INPUT; /* the model does not say */
            goto out;
        }
    }
    st = zkb_dataset_open(ctx, o.dataset, o.split, &ds);
    if (st != ZKB_OK) {
        cli_error("%s", zkb_ctx_last_error(ctx));
        rc = cli_exit_for(st, CLI_INPUT);
        goto out;
    }

    size_t n_q = 1;
    if (o.sweep && o.q.scheme == ZKB_QUANT_EZKL)
        n_q = POW2_SWEEP_MAX + 1;
    else if (o.sweep)
        n_q = (!o.scheme_given || o.q.scheme == ZKB_QUANT_POW2 ? POW2_SWEEP_MAX + 1 : 0) +
              (!o.scheme_given || o.q.scheme == ZKB_QUANT_POW10 ? POW10_SWEEP_MAX + 1 : 0);
    qs = calloc(n_q, sizeof *qs);
    as = calloc(n_q, sizeof *as);
    if (!qs || !as) {
        cli_error("out of memory");
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (o.sweep && o.q.scheme == ZKB_QUANT_EZKL) {
        for (uint32_t s = 0; s <= POW2_SWEEP_MAX; s++) {
            qs[s] = o.q;
            qs[s].scale = ZKB_QUANT_EZKL_SCALE(s, s, o.rebase_mult);
        }
    } else if (o.sweep) {
        size_t k = 0;
        for (uint32_t scheme = ZKB_QUANT_POW2; scheme <= ZKB_QUANT_POW10; scheme++) {
            if (o.scheme_given && scheme != o.q.scheme)
                continue;
            uint32_t hi = scheme == ZKB_QUANT_POW2 ? POW2_SWEEP_MAX : POW10_SWEEP_MAX;
            for (uint32_t s = 0; s <= hi; s++, k++) {
                qs[k] = o.q;
                qs[k].scheme = scheme;
                qs[k].scale = s;
            }
        }
    } else {
        qs[0] = o.q;
    }
    for (size_t k = 0; k < n_q; k++)
        as[k].struct_size = sizeof as[k];
    st = zkb_eval_accuracy_multi(m, qs, n_q, ds, o.samples, o.threads, as);
    if (st != ZKB_OK) {
        cli_error("%s", zkb_model_last_error(m));
        rc = cli_exit_for(st, CLI_INPUT);
        goto out;
    }

    double input_max = o.input_max;
    if (o.ranges) {
        if (!o.input_max_given)
            input_max = strncmp(o.dataset, "mnist", 5) == 0 ? 1.0 : dataset_abs_max(ds);
        st = zkb_range_analysis(m, &o.q, ds, o.samples, input_max, o.threads, &ranges);
        if (st == ZKB_ERR_OVERFLOW) {
            /* the model (or the bound) does not fit int64 at this scale: say so, go on */
            if (!o.json)
                printf("ranges: %s\n", zkb_model_last_error(m));
        } else if (st != ZKB_OK) {
            cli_error("%s", zkb_model_last_error(m));
            rc = cli_exit_for(st, CLI_INPUT);
            goto out;
        }
    }

    uint64_t samples = as[0].samples;
    if (o.json) {
        root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "model", zkb_model_name(m));
        cJSON_AddStringToObject(root, "model_file", o.model);
        cJSON_AddStringToObject(root, "fingerprint", zkb_model_fingerprint(m));
        cJSON_AddStringToObject(root, "dataset", o.dataset);
        cJSON_AddStringToObject(root, "split", o.split);
        cJSON_AddNumberToObject(root, "samples", (double)samples);
        cJSON_AddNumberToObject(root, "float_correct", (double)as[0].float_correct);
        cJSON_AddNumberToObject(root, "float_accuracy", as[0].float_acc);
        cJSON *arr = cJSON_AddArrayToObject(root, o.sweep ? "sweep" : "fixed");
        for (size_t k = 0; k < n_q; k++)
            cJSON_AddItemToArray(arr, acc_json(&qs[k], &as[k]));
        if (o.ranges) {
            if (ranges)
                cJSON_AddItemToObject(root, "ranges", ranges_json(m, &o.q, ranges, input_max));
            else
                cJSON_AddStringToObject(root, "ranges_error", zkb_model_last_error(m));
        }
        char *txt = cJSON_Print(root);
        if (!txt) {
            cli_error("out of memory");
            rc = EXIT_INTERNAL;
            goto out;
        }
        printf("%s\n", txt);
        cJSON_free(txt);
    } else {
        uint32_t c, h, w;
        zkb_model_input_shape(m, &c, &h, &w);
        printf("model     %s (input [%u, %u, %u], %u classes, %llu parameters)\n",
               zkb_model_name(m), c, h, w, zkb_model_classes(m),
               (unsigned long long)zkb_model_param_count(m));
        printf("dataset   %s %s (%s): %" PRIu64 " of %zu samples\n", o.dataset, o.split, how,
               samples, zkb_dataset_count(ds));
        printf("float     accuracy %.2f %% (%" PRIu64 "/%" PRIu64 ")\n", as[0].float_acc,
               as[0].float_correct, samples);
        if (o.sweep)
            print_sweep(qs, as, n_q);
        else
            print_acc_single(&qs[0], &as[0]);
        if (ranges)
            print_ranges(m, &o.q, ranges, input_max);
    }
out:
    cJSON_Delete(root);
    zkb_ranges_free(ranges);
    free(qs);
    free(as);
    zkb_dataset_free(ds);
    zkb_model_free(m);
    zkb_ctx_free(ctx);
    return rc;
}
