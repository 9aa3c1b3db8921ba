/* minimal_host - the smallest useful host of libzkmlbench, in C.
 *
 *   minimal_host [model.json]        (default: models/tiny/tiny_dense.json)
 *
 * Loads every plugin ($ZKB_PLUGIN_PATH, then the install directory), lists
 * the backends with the result of their probe, loads a model, and runs the
 * float and the fixed-point (reference) forward pass on one synthetic input.
 * Uses only the public API of <zkmlbench/zkmlbench.h>.
 *
 * Build against an installed library:
 *   cc minimal_host.c $(pkg-config --cflags --libs zkmlbench) -o minimal_host */
#include <stdio.h>
#include <stdlib.h>

#include <zkmlbench/zkmlbench.h>

static int fail(const char *what, zkb_status st, const char *detail)
{
    fprintf(stderr, "minimal_host: %s: %s%s%s\n", what, zkb_status_str(st),
            detail && *detail ? ": " : "", detail ? detail : "");
    return 1;
}

static size_t argmax_f(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static size_t argmax_q(const int64_t *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* The scale factor S of a zkb_quant: 2^scale or 10^scale. */
static double scale_factor(const zkb_quant *q)
{
    double s = 1.0;
    for (uint32_t i = 0; i < q->scale; i++)
        s *= q->scheme == ZKB_QUANT_POW10 ? 10.0 : 2.0;
    return s;
}

static int run(zkb_ctx *ctx, const char *model_path)
{
    printf("libzkmlbench %s (plugin ABI %u)\n", zkb_version_string(),
           (unsigned)zkb_plugin_abi_major());

    /* 1. Backends. Rejected plugins do not fail the call; list them. */
    zkb_status st = zkb_ctx_load_plugins(ctx);
    if (st != ZKB_OK)
        return fail("loading plugins", st, zkb_ctx_last_error(ctx));
    for (size_t i = 0; i < zkb_ctx_rejected_count(ctx); i++)
        printf("rejected plugin %s: %s\n", zkb_ctx_rejected_path(ctx, i),
               zkb_ctx_rejected_reason(ctx, i));
    size_t nb = zkb_backend_count(ctx);
    printf("%zu backend(s)\n", nb);
    for (size_t i = 0; i < nb; i++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, i);
        zkb_status pst = zkb_backend_probe(b);
        const char *detail = zkb_backend_probe_detail(b);
        /* The detail reads "available: <versions>" or gives the reason. */
        if (pst == ZKB_OK)
            printf("  %-12s %-8s proof=%-10s %s%s\n", zkb_backend_name(b),
                   zkb_backend_version(b), zkb_backend_proof_system(b),
                   zkb_backend_is_baseline(b) ? "[baseline] " : "",
                   detail && *detail ? detail : "available");
        else
            printf("  %-12s %-8s proof=%-10s %sunavailable (%s): %s\n", zkb_backend_name(b),
                   zkb_backend_version(b), zkb_backend_proof_system(b),
                   zkb_backend_is_baseline(b) ? "[baseline] " : "", zkb_status_str(pst),
                   detail ? detail : "");
    }

    /* 2. A model. */
    zkb_model *m = NULL;
    st = zkb_model_load_file(ctx, model_path, &m);
    if (st != ZKB_OK)
        return fail("loading the model", st, zkb_ctx_last_error(ctx));
    uint32_t c = 0, h = 0, w = 0;
    zkb_model_input_shape(m, &c, &h, &w);
    printf("model %s: fingerprint %s, %llu parameters, input %ux%ux%u, %u classes\n",
           zkb_model_name(m), zkb_model_fingerprint(m),
           (unsigned long long)zkb_model_param_count(m), (unsigned)c, (unsigned)h,
           (unsigned)w, (unsigned)zkb_model_classes(m));
    for (uint32_t i = 0; i < zkb_model_layer_count(m); i++)
        printf("  layer %u: %s\n", (unsigned)i, zkb_model_layer_op(m, i));

    /* 3. One deterministic input in [0,1), both forward passes. */
    size_t n_in = (size_t)zkb_model_input_size(m);
    size_t n_out = zkb_model_classes(m);
    int rc = 1;
    float *x = calloc(n_in ? n_in : 1, sizeof *x);
    int64_t *x_q = calloc(n_in ? n_in : 1, sizeof *x_q);
    float *y = calloc(n_out ? n_out : 1, sizeof *y);
    int64_t *y_q = calloc(n_out ? n_out : 1, sizeof *y_q);
    if (!x || !x_q || !y || !y_q) {
        fprintf(stderr, "minimal_host: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n_in; i++)
        x[i] = (float)(i % 17) / 17.0f;

    st = zkb_model_eval_float(m, x, n_in, y, n_out);
    if (st != ZKB_OK) {
        rc = fail("float forward pass", st, zkb_model_last_error(m));
        goto out;
    }
    zkb_quant q;
    zkb_quant_default(&q);
    st = zkb_quantize_input(&q, x, n_in, x_q);
    if (st == ZKB_OK)
        st = zkb_model_eval_fixed(m, &q, x_q, n_in, y_q, n_out);
    if (st != ZKB_OK) {
        rc = fail("fixed-point forward pass", st, zkb_model_last_error(m));
        goto out;
    }
    double s = scale_factor(&q);
    printf("quantization: %s, scale %u (S = %.0f)\n",
           q.scheme == ZKB_QUANT_POW10 ? "pow10" : "pow2", (unsigned)q.scale, s);
    printf("  class      float      fixed (/S)\n");
    for (size_t i = 0; i < n_out; i++)
        printf("  %5zu %10.5f %10.5f (%lld)\n", i, (double)y[i], (double)y_q[i] / s,
               (long long)y_q[i]);
    printf("argmax: float %zu, fixed %zu\n", argmax_f(y, n_out), argmax_q(y_q, n_out));
    rc = 0;
out:
    free(x);
    free(x_q);
    free(y);
    free(y_q);
    zkb_model_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    const char *model_path = argc > 1 ? argv[1] : "models/tiny/tiny_dense.json";
    zkb_ctx *ctx = NULL;
    zkb_status st = zkb_ctx_new(&ctx);
    if (st != ZKB_OK)
        return fail("creating a context", st, NULL);
    int rc = run(ctx, model_path);
    zkb_ctx_free(ctx);
    return rc;
}
