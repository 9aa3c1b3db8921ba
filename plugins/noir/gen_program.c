/* Program generation: one Noir project (Nargo.toml + src/main.nr) per model,
 * options and quantization.
 *
 * Values are BN254 field elements holding signed integers (negatives as
 * p - |v|). Each layer is a function computing one output value (a loop
 * over global constant arrays for weights "fixed", over private inputs for
 * "hashed"), and main builds each layer's output as one array literal of
 * calls with constant arguments. Noir inlines and unrolls them, so a
 * constant weight times a value is a linear term and costs nothing beyond
 * the width-4 arithmetic gates that carry the sum. Every division (the
 * rescale of dense/conv, avgpool's mean) gets its quotient and remainder
 * from an unconstrained hint, then constrains them: one equation
 * a + shift = qo*d + r, the remainder range-checked to [0, d), the offset
 * quotient qo = q + 2^(qb-1) to [0, 2^qb) with qb the layer's worst-case
 * output width from host->value_bits. So q is the unique floor division
 * of the evaluator's scheme. ReLU after a division reuses the quotient: a
 * boolean hint s with qo - s*2^(qb-1) in [0, 2^(qb-1)) is exactly [q >= 0].
 * Elsewhere (after maxpool, on the input) ReLU and max compare the same way
 * at the width of the layer before. See docs/noir.md. */
#include "noir_int.h"

#include <stdio.h>
#include <string.h>

static const char HEADER[] =
    "// Hints: computed outside the circuit, and never trusted: every caller\n"
    "// constrains what they return.\n"
    "unconstrained fn zkb_divmod(v: Field, d: u64) -> (Field, Field) {\n"
    "    let x = v as u64;\n"
    "    ((x / d) as Field, (x % d) as Field)\n"
    "}\n"
    "\n"
    "unconstrained fn zkb_ge(v: Field, t: u64) -> Field {\n"
    "    if (v as u64) >= t { 1 } else { 0 }\n"
    "}\n";

static uint32_t width(uint32_t b)
{
    return b < 2 ? 2 : b;
}

/* fn div_<i>(a) -> q (relu: max(q, 0)), q = floor((a + rnd) / d). */
static int emit_div_fn(FILE *f, nr_state *s, uint32_t i, int64_t d, int relu, char *why, size_t why_len)
{
    uint32_t qb = width(s->bits.out[i]);
    uint32_t kb = zkbp_ceil_log2((uint64_t)d);
    if (d <= 0 || qb + kb + 1 > 62) {
        zkbp_fmt(why, why_len,
                 "layer %u: %u-bit quotients with divisor %lld exceed this program's 62-bit hints", i,
                 qb, (long long)d);
        return -1;
    }
    uint64_t off = (uint64_t)1 << (qb - 1);
    uint64_t rnd = s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? (uint64_t)d / 2 : 0;
    uint64_t shift = rnd + off * (uint64_t)d;
    fprintf(f, "\n// layer %u: q = floor((a + %llu) / %lld), q in [-2^%u, 2^%u)%s\n", i,
            (unsigned long long)rnd, (long long)d, qb - 1, qb - 1, relu ? "; then max(q, 0)" : "");
    fprintf(f, "fn div_%u(a: Field) -> Field {\n", i);
    if (d == 1) {
        fprintf(f, "    let qo = a + %llu;\n", (unsigned long long)off);
    } else {
        fprintf(f,
                "    // Safety: qo and r are constrained right below\n"
                "    let (qo, r) = unsafe { zkb_divmod(a + %llu, %lld) };\n"
                "    assert(a + %llu == qo * %lld + r);\n"
                "    r.assert_max_bit_size::<%u>();\n",
                (unsigned long long)shift, (long long)d, (unsigned long long)shift, (long long)d, kb);
        if (((uint64_t)1 << kb) != (uint64_t)d)
            fprintf(f, "    (r + %llu).assert_max_bit_size::<%u>();\n",
                    (unsigned long long)(((uint64_t)1 << kb) - (uint64_t)d), kb);
    }
    if (!relu) {
        fprintf(f, "    qo.assert_max_bit_size::<%u>();\n    qo - %llu\n}\n", qb, (unsigned long long)off);
    } else {
        /* s = [qo >= off]; qo - s*off in [0, off) also bounds qo to [0, 2^qb) */
        fprintf(f,
                "    // Safety: s is constrained right below\n"
                "    let s = unsafe { zkb_ge(qo, %llu) };\n"
                "    assert(s * (s - 1) == 0);\n"
                "    (qo - s * %llu).assert_max_bit_size::<%u>();\n"
                "    s * (qo - %llu)\n}\n",
                (unsigned long long)off, (unsigned long long)off, qb - 1, (unsigned long long)off);
    }
    return 0;
}

/* fn relu_<i>(x) for x in [-2^(w-1), 2^(w-1)). */
static void emit_relu_fn(FILE *f, uint32_t i, uint32_t w)
{
    uint64_t half = (uint64_t)1 << (w - 1);
    fprintf(f,
            "\n// layer %u: max(x, 0) for x in [-2^%u, 2^%u)\n"
            "fn relu_%u(x: Field) -> Field {\n"
            "    let u = x + %llu;\n"
            "    // Safety: s is constrained right below\n"
            "    let s = unsafe { zkb_ge(u, %llu) };\n"
            "    assert(s * (s - 1) == 0);\n"
            "    (u - s * %llu).assert_max_bit_size::<%u>();\n"
            "    s * x\n}\n",
            i, w - 1, w - 1, i, (unsigned long long)half, (unsigned long long)half,
            (unsigned long long)half, w - 1);
}

/* fn max_<i>(a, b) for a, b in [-2^(w-1), 2^(w-1)): a - b + 2^w in [1, 2^(w+1)). */
static void emit_max_fn(FILE *f, uint32_t i, uint32_t w)
{
    uint64_t tw = (uint64_t)1 << w;
    fprintf(f,
            "\n// layer %u: max(a, b) for a, b in [-2^%u, 2^%u)\n"
            "fn max_%u(a: Field, b: Field) -> Field {\n"
            "    let u = a - b + %llu;\n"
            "    // Safety: s is constrained right below\n"
            "    let s = unsafe { zkb_ge(u, %llu) };\n"
            "    assert(s * (s - 1) == 0);\n"
            "    (u - s * %llu).assert_max_bit_size::<%u>();\n"
            "    b + s * (a - b)\n}\n",
            i, w - 1, w - 1, i, (unsigned long long)tw, (unsigned long long)tw, (unsigned long long)tw, w);
}

static zkb_status gen_main(nr_state *s, FILE *f, char *why, size_t why_len)
{
    const zkb_model_desc *m = s->m;
    const zkb_qmodel_desc *qm = s->qm;
    int hashed = s->weights == NR_W_HASHED;
    uint32_t n = m->n_layers;

    /* helper functions and constants, per layer */
    uint32_t prev_bits = width(s->bits.in);
    for (uint32_t i = 0; i < n; i++) {
        const zkb_layer_desc *L = m->layers[i];
        const zkb_qlayer_desc *Q = qm->layers[i];
        int relu_next = i + 1 < n && m->layers[i + 1]->op == ZKB_OP_RELU;
        switch (L->op) {
        case ZKB_OP_DENSE:
        case ZKB_OP_CONV2D:
            if (!Q->weights || !Q->bias)
                return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "layer %u has no quantized weights", i);
            if (emit_div_fn(f, s, i, Q->rescale_divisor, relu_next, why, why_len) != 0)
                return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "%s", why);
            if (!hashed) {
                fprintf(f, "\nglobal W%u: [Field; %llu] = ", i, (unsigned long long)Q->n_weights);
                zkbp_write_ints(f, Q->weights, Q->n_weights, ",\n    ");
                fprintf(f, ";\nglobal B%u: [Field; %llu] = ", i, (unsigned long long)Q->n_bias);
                zkbp_write_ints(f, Q->bias, Q->n_bias, ",\n    ");
                fprintf(f, ";\n");
            }
            break;
        case ZKB_OP_AVGPOOL2D:
            if (emit_div_fn(f, s, i, Q->pool_divisor, relu_next, why, why_len) != 0)
                return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "%s", why);
            break;
        case ZKB_OP_MAXPOOL2D:
            if (prev_bits + 1 > 62)
                return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values too wide", i, prev_bits);
            if (L->kernel_h * L->kernel_w > 1)
                emit_max_fn(f, i, prev_bits);
            break;
        case ZKB_OP_RELU: {
            int fused = i > 0 && (m->layers[i - 1]->op == ZKB_OP_DENSE || m->layers[i - 1]->op == ZKB_OP_CONV2D ||
                                  m->layers[i - 1]->op == ZKB_OP_AVGPOOL2D);
            if (!fused) {
                if (prev_bits > 62)
                    return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values too wide", i, prev_bits);
                emit_relu_fn(f, i, prev_bits);
            }
            break;
        }
        case ZKB_OP_FLATTEN:
            break;
        default:
            return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "layer %u: operator %u not supported", i, L->op);
        }
        if (L->op != ZKB_OP_FLATTEN)
            prev_bits = width(s->bits.out[i]);
    }

    /* One function per layer computing one output value; main builds each
     * layer's output as a single array literal of calls with constant
     * arguments. (Filling a mutable array element by element instead makes
     * every later constant-index read walk the chain of writes: noir_wasm's
     * compile time then grows quadratically, minutes for a 28x28 CNN.) */
    for (uint32_t i = 0; i < n; i++) {
        const zkb_layer_desc *L = m->layers[i];
        const zkb_qlayer_desc *Q = qm->layers[i];
        uint64_t n_i = (uint64_t)L->in_c * L->in_h * L->in_w;
        char wp[96] = "", W[16], B[16];
        zkbp_fmt(W, sizeof W, hashed ? "w" : "W%u", i);
        zkbp_fmt(B, sizeof B, hashed ? "b" : "B%u", i);
        if (hashed && Q->weights)
            zkbp_fmt(wp, sizeof wp, ", w: [Field; %llu], b: [Field; %llu]", (unsigned long long)Q->n_weights,
                     (unsigned long long)Q->n_bias);
        switch (L->op) {
        case ZKB_OP_DENSE:
            fprintf(f,
                    "\nfn dense_%u(a: [Field; %llu], o: u32%s) -> Field {\n"
                    "    let mut acc = %s[o];\n"
                    "    for k in 0..%llu {\n"
                    "        acc += %s[o * %llu + k] * a[k];\n"
                    "    }\n"
                    "    div_%u(acc)\n}\n",
                    i, (unsigned long long)n_i, wp, B, (unsigned long long)n_i, W, (unsigned long long)n_i, i);
            break;
        case ZKB_OP_CONV2D:
            fprintf(f,
                    "\nfn conv_%u(a: [Field; %llu], oc: u32, oy: u32, ox: u32%s) -> Field {\n"
                    "    let mut acc = %s[oc];\n"
                    "    for ic in 0..%u { for ky in 0..%u { for kx in 0..%u {\n"
                    "        acc += %s[((oc * %u + ic) * %u + ky) * %u + kx]\n"
                    "            * a[(ic * %u + oy * %u + ky) * %u + ox * %u + kx];\n"
                    "    } } }\n"
                    "    div_%u(acc)\n}\n",
                    i, (unsigned long long)n_i, wp, B, L->in_c, L->kernel_h, L->kernel_w, W, L->in_c,
                    L->kernel_h, L->kernel_w, L->in_h, L->stride_h, L->in_w, L->stride_w, i);
            break;
        case ZKB_OP_AVGPOOL2D:
            fprintf(f,
                    "\nfn avg_%u(a: [Field; %llu], c: u32, oy: u32, ox: u32) -> Field {\n"
                    "    let mut acc = 0;\n"
                    "    for ky in 0..%u { for kx in 0..%u {\n"
                    "        acc += a[(c * %u + oy * %u + ky) * %u + ox * %u + kx];\n"
                    "    } }\n"
                    "    div_%u(acc)\n}\n",
                    i, (unsigned long long)n_i, L->kernel_h, L->kernel_w, L->in_h, L->stride_h, L->in_w,
                    L->stride_w, i);
            break;
        case ZKB_OP_MAXPOOL2D:
            fprintf(f,
                    "\nfn maxp_%u(a: [Field; %llu], c: u32, oy: u32, ox: u32) -> Field {\n"
                    "    let mut mx = a[(c * %u + oy * %u) * %u + ox * %u];\n",
                    i, (unsigned long long)n_i, L->in_h, L->stride_h, L->in_w, L->stride_w);
            if (L->kernel_h * L->kernel_w > 1)
                fprintf(f,
                        "    for j in 1..%u {\n"
                        "        mx = max_%u(mx, a[(c * %u + oy * %u + j / %u) * %u + ox * %u + j %% %u]);\n"
                        "    }\n",
                        L->kernel_h * L->kernel_w, i, L->in_h, L->stride_h, L->kernel_w, L->in_w, L->stride_w,
                        L->kernel_w);
            fprintf(f, "    mx\n}\n");
            break;
        default:
            break;
        }
    }

    /* main */
    fprintf(f, "\nfn main(x: pub [Field; %llu]", (unsigned long long)s->n_in);
    if (hashed)
        for (uint32_t i = 0; i < n; i++)
            if (qm->layers[i]->weights)
                fprintf(f, ", w%u: [Field; %llu], b%u: [Field; %llu]", i,
                        (unsigned long long)qm->layers[i]->n_weights, i, (unsigned long long)qm->layers[i]->n_bias);
    if (hashed)
        fprintf(f, ") -> pub ([Field; %llu], Field) {\n", (unsigned long long)s->n_out);
    else
        fprintf(f, ") -> pub [Field; %llu] {\n", (unsigned long long)s->n_out);

    char prev[32] = "x";
    for (uint32_t i = 0; i < n; i++) {
        const zkb_layer_desc *L = m->layers[i];
        uint64_t n_o = (uint64_t)L->out_c * L->out_h * L->out_w;
        char wa[48] = "";
        if (hashed && qm->layers[i]->weights)
            zkbp_fmt(wa, sizeof wa, ", w%u, b%u", i, i);
        fprintf(f, "    // layer %u\n", i);
        int fused = L->op == ZKB_OP_RELU && i > 0 &&
                    (m->layers[i - 1]->op == ZKB_OP_DENSE || m->layers[i - 1]->op == ZKB_OP_CONV2D ||
                     m->layers[i - 1]->op == ZKB_OP_AVGPOOL2D);
        if (L->op == ZKB_OP_FLATTEN || fused) {
            fprintf(f, "    let a%u = %s;%s\n", i, prev, fused ? " // max(q, 0) taken in the division" : "");
            zkbp_fmt(prev, sizeof prev, "a%u", i);
            continue;
        }
        fprintf(f, "    let a%u: [Field; %llu] = [", i, (unsigned long long)n_o);
        uint64_t k = 0;
        for (uint32_t c = 0; c < L->out_c; c++)
            for (uint32_t y = 0; y < L->out_h; y++)
                for (uint32_t xx = 0; xx < L->out_w; xx++, k++) {
                    fputs(k == 0 ? "\n        " : k % 8 == 0 ? ",\n        " : ", ", f);
                    switch (L->op) {
                    case ZKB_OP_DENSE:
                        fprintf(f, "dense_%u(%s, %u%s)", i, prev, xx, wa);
                        break;
                    case ZKB_OP_CONV2D:
                        fprintf(f, "conv_%u(%s, %u, %u, %u%s)", i, prev, c, y, xx, wa);
                        break;
                    case ZKB_OP_AVGPOOL2D:
                        fprintf(f, "avg_%u(%s, %u, %u, %u)", i, prev, c, y, xx);
                        break;
                    case ZKB_OP_MAXPOOL2D:
                        fprintf(f, "maxp_%u(%s, %u, %u, %u)", i, prev, c, y, xx);
                        break;
                    case ZKB_OP_RELU:
                        fprintf(f, "relu_%u(%s[%llu])", i, prev, (unsigned long long)k);
                        break;
                    default:
                        break;
                    }
                }
        fprintf(f, "\n    ];\n");
        zkbp_fmt(prev, sizeof prev, "a%u", i);
    }

    if (hashed) {
        /* Poseidon2 (Barretenberg's black box) of all weights and biases,
         * layer by layer, weights before biases. */
        uint64_t total = zkbp_weights_count(qm);
        fprintf(f, "    // commitment to the weights\n    let allw: [Field; %llu] = [", (unsigned long long)total);
        uint64_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            const zkb_qlayer_desc *Q = qm->layers[i];
            if (!Q->weights)
                continue;
            for (int part = 0; part < 2; part++) {
                uint64_t cnt = part ? Q->n_bias : Q->n_weights;
                for (uint64_t j = 0; j < cnt; j++, k++)
                    fprintf(f, "%s%c%u[%llu]", k == 0 ? "\n        " : k % 8 == 0 ? ",\n        " : ", ",
                            part ? 'b' : 'w', i, (unsigned long long)j);
            }
        }
        fprintf(f, "\n    ];\n    let commit = std::hash::poseidon2::Poseidon2::hash(allw, %llu);\n    (%s, commit)\n}\n",
                (unsigned long long)total, prev);
    } else {
        fprintf(f, "    %s\n}\n", prev);
    }
    return ZKB_OK;
}

zkb_status nr_gen_program(nr_state *s, const char *dir)
{
    char p[ZKBP_PATH];
    zkbp_fmt(p, sizeof p, "%s/src", dir);
    if (zkbp_mkdirs(p) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", p);
    zkbp_fmt(p, sizeof p, "%s/Nargo.toml", dir);
    if (zkbp_write_text(p, "[package]\nname = \"model\"\ntype = \"bin\"\nauthors = [\"zkmlbench\"]\n\n[dependencies]\n") != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", p);
    zkbp_fmt(p, sizeof p, "%s/src/main.nr", dir);
    FILE *f = fopen(p, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", p);
    fprintf(f, "// Generated by zkmlbench plugins/noir from model %s (%s): scale %lld, %s rounding,\n"
               "// weights %s. Signed values as field elements (negatives p - |v|).\n\n%s",
            s->m->name ? s->m->name : "?", s->m->fingerprint ? s->m->fingerprint : "?",
            (long long)s->qm->scale_factor,
            s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? "half_up" : "floor",
            s->weights == NR_W_HASHED ? "hashed (private, Poseidon2 commitment public)" : "fixed (constants)",
            HEADER);
    char why[256] = "";
    zkb_status st = gen_main(s, f, why, sizeof why);
    if (fclose(f) != 0 && st == ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", p);
    return st;
}

zkb_status nr_gen_inputs(nr_state *s, const int64_t *x_q, uint64_t n, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    fputc('{', f);
    zkbp_write_field_array(f, "x", x_q, n, 1);
    if (s->weights == NR_W_HASHED)
        for (uint32_t i = 0; i < s->qm->n_layers; i++) {
            const zkb_qlayer_desc *Q = s->qm->layers[i];
            if (!Q->weights)
                continue;
            char k[32];
            zkbp_fmt(k, sizeof k, "w%u", i);
            zkbp_write_field_array(f, k, Q->weights, Q->n_weights, 0);
            zkbp_fmt(k, sizeof k, "b%u", i);
            zkbp_write_field_array(f, k, Q->bias, Q->n_bias, 0);
        }
    fputs("}\n", f);
    if (fclose(f) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    return ZKB_OK;
}
