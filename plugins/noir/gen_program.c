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
 * at the width of the layer before. pad2d is an array literal of input
 * values and zeros, which costs nothing. main returns the logits, then the
 * Poseidon2 commitments of weights=hashed and input=hashed (the input then a
 * private parameter). See docs/noir.md. */
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

/* What the emitters of one layer read. */
typedef struct nr_gen {
    FILE *f;
    nr_state *s;
    int hashed;              /* weights are private inputs w<i>, b<i> (weights=hashed) */
    uint32_t i;              /* the layer */
    const zkb_layer_desc *L;
    const zkb_qlayer_desc *Q;
    uint32_t in_bits;        /* the width of the layer's input values */
    int relu_next;           /* a ReLU follows that takes max(q, 0) in this layer's division */
    char W[16], B[16];       /* the names of the weights and biases in the layer's function */
    char wp[96];             /* the function's weight parameters (hashed) */
    char wa[48];             /* the weight arguments of its calls in main (hashed) */
    char prev[32];           /* in main: the array holding the layer's input */
    char why[256];           /* why the program cannot be made */
} nr_gen;

/* The emitters of one operator, one per part of main.nr. */
typedef struct nr_op {
    /* helper functions and constants (div_<i>, relu_<i>, max_<i>, W<i>,
     * B<i>); NULL: none */
    zkb_status (*helpers)(nr_gen *g);
    /* the function computing one output value; NULL: none */
    void (*value_fn)(nr_gen *g);
    /* the call giving output (c, y, x), the k-th, in main's array literal;
     * NULL: the layer's output is its input (flatten) */
    void (*call)(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k);
    /* it ends in a division whose quotient a following ReLU reuses */
    int divides;
} nr_op;

/* fn div_<i>(a) -> q (relu: max(q, 0)), q = floor((a + rnd) / d). */
static int emit_div_fn(nr_gen *g, int64_t d)
{
    uint32_t i = g->i, qb = width(g->s->bits.out[i]);
    uint32_t kb = zkbp_ceil_log2((uint64_t)d);
    FILE *f = g->f;
    if (d <= 0 || qb + kb + 1 > 62) {
        zkbp_fmt(g->why, sizeof g->why,
                 "layer %u: %u-bit quotients with divisor %lld exceed this program's 62-bit hints", i, qb,
                 (long long)d);
        return -1;
    }
    uint64_t off = (uint64_t)1 << (qb - 1);
    uint64_t rnd = g->s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? (uint64_t)d / 2 : 0;
    uint64_t shift = rnd + off * (uint64_t)d;
    fprintf(f, "\n// layer %u: q = floor((a + %llu) / %lld), q in [-2^%u, 2^%u)%s\n", i,
            (unsigned long long)rnd, (long long)d, qb - 1, qb - 1, g->relu_next ? "; then max(q, 0)" : "");
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
    if (!g->relu_next) {
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

/* ---- per operator: helpers, value function, call ---- */

static zkb_status divide_helpers(nr_gen *g, int64_t d)
{
    if (emit_div_fn(g, d) != 0)
        return zkbp_fail(g->s->h, ZKB_ERR_UNSUPPORTED, "%s", g->why);
    return ZKB_OK;
}

/* dense, conv2d: the division, and the weights as global constants unless
 * they are private inputs */
static zkb_status weighted_helpers(nr_gen *g)
{
    const zkb_qlayer_desc *Q = g->Q;
    if (!Q->weights || !Q->bias)
        return zkbp_fail(g->s->h, ZKB_ERR_INVALID_ARG, "layer %u has no quantized weights", g->i);
    zkb_status st = divide_helpers(g, Q->rescale_divisor);
    if (st != ZKB_OK || g->hashed)
        return st;
    fprintf(g->f, "\nglobal W%u: [Field; %llu] = ", g->i, (unsigned long long)Q->n_weights);
    zkbp_write_ints(g->f, Q->weights, Q->n_weights, ",\n    ");
    fprintf(g->f, ";\nglobal B%u: [Field; %llu] = ", g->i, (unsigned long long)Q->n_bias);
    zkbp_write_ints(g->f, Q->bias, Q->n_bias, ",\n    ");
    fprintf(g->f, ";\n");
    return ZKB_OK;
}

static void dense_fn(nr_gen *g)
{
    unsigned long long n_i = zkbp_layer_in_size(g->L);
    fprintf(g->f,
            "\nfn dense_%u(a: [Field; %llu], o: u32%s) -> Field {\n"
            "    let mut acc = %s[o];\n"
            "    for k in 0..%llu {\n"
            "        acc += %s[o * %llu + k] * a[k];\n"
            "    }\n"
            "    div_%u(acc)\n}\n",
            g->i, n_i, g->wp, g->B, n_i, g->W, n_i, g->i);
}

static void dense_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    (void)c, (void)y, (void)k;
    fprintf(g->f, "dense_%u(%s, %u%s)", g->i, g->prev, x, g->wa);
}

static void conv_fn(nr_gen *g)
{
    const zkb_layer_desc *L = g->L;
    fprintf(g->f,
            "\nfn conv_%u(a: [Field; %llu], oc: u32, oy: u32, ox: u32%s) -> Field {\n"
            "    let mut acc = %s[oc];\n"
            "    for ic in 0..%u { for ky in 0..%u { for kx in 0..%u {\n"
            "        acc += %s[((oc * %u + ic) * %u + ky) * %u + kx]\n"
            "            * a[(ic * %u + oy * %u + ky) * %u + ox * %u + kx];\n"
            "    } } }\n"
            "    div_%u(acc)\n}\n",
            g->i, (unsigned long long)zkbp_layer_in_size(L), g->wp, g->B, L->in_c, L->kernel_h, L->kernel_w, g->W,
            L->in_c, L->kernel_h, L->kernel_w, L->in_h, L->stride_h, L->in_w, L->stride_w, g->i);
}

static void conv_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    (void)k;
    fprintf(g->f, "conv_%u(%s, %u, %u, %u%s)", g->i, g->prev, c, y, x, g->wa);
}

static zkb_status avg_helpers(nr_gen *g)
{
    return divide_helpers(g, g->Q->pool_divisor);
}

static void avg_fn(nr_gen *g)
{
    const zkb_layer_desc *L = g->L;
    fprintf(g->f,
            "\nfn avg_%u(a: [Field; %llu], c: u32, oy: u32, ox: u32) -> Field {\n"
            "    let mut acc = 0;\n"
            "    for ky in 0..%u { for kx in 0..%u {\n"
            "        acc += a[(c * %u + oy * %u + ky) * %u + ox * %u + kx];\n"
            "    } }\n"
            "    div_%u(acc)\n}\n",
            g->i, (unsigned long long)zkbp_layer_in_size(L), L->kernel_h, L->kernel_w, L->in_h, L->stride_h,
            L->in_w, L->stride_w, g->i);
}

static void avg_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    (void)k;
    fprintf(g->f, "avg_%u(%s, %u, %u, %u)", g->i, g->prev, c, y, x);
}

static zkb_status maxp_helpers(nr_gen *g)
{
    if (g->in_bits + 1 > 62)
        return zkbp_fail(g->s->h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values too wide", g->i, g->in_bits);
    if (g->L->kernel_h * g->L->kernel_w > 1)
        emit_max_fn(g->f, g->i, g->in_bits);
    return ZKB_OK;
}

static void maxp_fn(nr_gen *g)
{
    const zkb_layer_desc *L = g->L;
    fprintf(g->f,
            "\nfn maxp_%u(a: [Field; %llu], c: u32, oy: u32, ox: u32) -> Field {\n"
            "    let mut mx = a[(c * %u + oy * %u) * %u + ox * %u];\n",
            g->i, (unsigned long long)zkbp_layer_in_size(L), L->in_h, L->stride_h, L->in_w, L->stride_w);
    if (L->kernel_h * L->kernel_w > 1)
        fprintf(g->f,
                "    for j in 1..%u {\n"
                "        mx = max_%u(mx, a[(c * %u + oy * %u + j / %u) * %u + ox * %u + j %% %u]);\n"
                "    }\n",
                L->kernel_h * L->kernel_w, g->i, L->in_h, L->stride_h, L->kernel_w, L->in_w, L->stride_w,
                L->kernel_w);
    fprintf(g->f, "    mx\n}\n");
}

static void maxp_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    (void)k;
    fprintf(g->f, "maxp_%u(%s, %u, %u, %u)", g->i, g->prev, c, y, x);
}

/* pad2d: the input value, or the constant 0 on the border; an array built
 * with constant indices costs no gate. */
static void pad_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    const zkb_layer_desc *L = g->L;
    (void)k;
    if (y < L->pad_top || y >= L->pad_top + L->in_h || x < L->pad_left || x >= L->pad_left + L->in_w) {
        fputc('0', g->f);
        return;
    }
    uint64_t xi = ((uint64_t)c * L->in_h + (y - L->pad_top)) * L->in_w + (x - L->pad_left);
    fprintf(g->f, "%s[%llu]", g->prev, (unsigned long long)xi);
}

static const nr_op ops[ZKB_OP_MAX + 1];

/* ReLU right after a division is taken there (div_<i> returns max(q, 0)). */
static int relu_fused(const zkb_model_desc *m, uint32_t i)
{
    return m->layers[i]->op == ZKB_OP_RELU && i > 0 && ops[m->layers[i - 1]->op].divides;
}

static zkb_status relu_helpers(nr_gen *g)
{
    if (relu_fused(g->s->m, g->i))
        return ZKB_OK;
    if (g->in_bits > 62)
        return zkbp_fail(g->s->h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values too wide", g->i, g->in_bits);
    emit_relu_fn(g->f, g->i, g->in_bits);
    return ZKB_OK;
}

static void relu_call(nr_gen *g, uint32_t c, uint32_t y, uint32_t x, uint64_t k)
{
    (void)c, (void)y, (void)x;
    fprintf(g->f, "relu_%u(%s[%llu])", g->i, g->prev, (unsigned long long)k);
}

static const nr_op ops[ZKB_OP_MAX + 1] = {
    [ZKB_OP_DENSE] = {weighted_helpers, dense_fn, dense_call, 1},
    [ZKB_OP_CONV2D] = {weighted_helpers, conv_fn, conv_call, 1},
    [ZKB_OP_AVGPOOL2D] = {avg_helpers, avg_fn, avg_call, 1},
    [ZKB_OP_MAXPOOL2D] = {maxp_helpers, maxp_fn, maxp_call, 0},
    [ZKB_OP_RELU] = {relu_helpers, NULL, relu_call, 0},
    [ZKB_OP_FLATTEN] = {NULL, NULL, NULL, 0},
    [ZKB_OP_PAD2D] = {NULL, NULL, pad_call, 0},
};

/* ---- the program ---- */

static void select_layer(nr_gen *g, uint32_t i)
{
    g->i = i;
    g->L = g->s->m->layers[i];
    g->Q = g->s->qm->layers[i];
}

/* main's array literal of layer i's outputs, one call per value (a layer
 * whose output is its input, or a fused ReLU, only renames it). */
static void emit_main_layer(nr_gen *g)
{
    const zkb_layer_desc *L = g->L;
    const nr_op *op = &ops[L->op];
    uint32_t i = g->i;
    g->wa[0] = '\0';
    if (g->hashed && g->Q->weights)
        zkbp_fmt(g->wa, sizeof g->wa, ", w%u, b%u", i, i);
    fprintf(g->f, "    // layer %u\n", i);
    int fused = relu_fused(g->s->m, i);
    if (!op->call || fused) {
        fprintf(g->f, "    let a%u = %s;%s\n", i, g->prev, fused ? " // max(q, 0) taken in the division" : "");
        zkbp_fmt(g->prev, sizeof g->prev, "a%u", i);
        return;
    }
    fprintf(g->f, "    let a%u: [Field; %llu] = [", i, (unsigned long long)zkbp_layer_out_size(L));
    uint64_t k = 0;
    for (uint32_t c = 0; c < L->out_c; c++)
        for (uint32_t y = 0; y < L->out_h; y++)
            for (uint32_t x = 0; x < L->out_w; x++, k++) {
                fputs(k == 0 ? "\n        " : k % 8 == 0 ? ",\n        " : ", ", g->f);
                op->call(g, c, y, x, k);
            }
    fprintf(g->f, "\n    ];\n");
    zkbp_fmt(g->prev, sizeof g->prev, "a%u", i);
}

/* weights=hashed: Poseidon2 (Barretenberg's black box) of all weights and
 * biases, layer by layer, weights before biases. */
static void emit_weights_commitment(nr_gen *g)
{
    const zkb_qmodel_desc *qm = g->s->qm;
    uint64_t total = zkbp_weights_count(qm);
    fprintf(g->f, "    // commitment to the weights\n    let allw: [Field; %llu] = [", (unsigned long long)total);
    uint64_t k = 0;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkb_qlayer_desc *Q = qm->layers[i];
        if (!Q->weights)
            continue;
        for (int part = 0; part < 2; part++) {
            uint64_t cnt = part ? Q->n_bias : Q->n_weights;
            for (uint64_t j = 0; j < cnt; j++, k++)
                fprintf(g->f, "%s%c%u[%llu]", k == 0 ? "\n        " : k % 8 == 0 ? ",\n        " : ", ",
                        part ? 'b' : 'w', i, (unsigned long long)j);
        }
    }
    fprintf(g->f, "\n    ];\n    let wcommit = std::hash::poseidon2::Poseidon2::hash(allw, %llu);\n",
            (unsigned long long)total);
}

/* main's return: the logits, then the commitments in the order of
 * nr_public_count's layout. */
static void emit_return(nr_gen *g)
{
    int wh = g->hashed, xh = g->s->input == NR_IN_HASHED;
    if (xh)
        fprintf(g->f, "    // commitment to the (private) input\n"
                      "    let xcommit = std::hash::poseidon2::Poseidon2::hash(x, %llu);\n",
                (unsigned long long)g->s->n_in);
    if (!wh && !xh)
        fprintf(g->f, "    %s\n}\n", g->prev);
    else
        fprintf(g->f, "    (%s%s%s)\n}\n", g->prev, wh ? ", wcommit" : "", xh ? ", xcommit" : "");
}

uint64_t nr_outputs_at(const nr_state *s)
{
    return s->input == NR_IN_HASHED ? 0 : s->n_in;
}

uint64_t nr_public_count(const nr_state *s)
{
    return nr_outputs_at(s) + s->n_out + (s->weights == NR_W_HASHED) + (s->input == NR_IN_HASHED);
}

/* Every layer's helpers, then every layer's value function, then main.
 * (Each layer's output is one array literal of calls with constant
 * arguments: filling a mutable array element by element instead makes every
 * later constant-index read walk the chain of writes, and noir_wasm's
 * compile time then grows quadratically, minutes for a 28x28 CNN.) */
static zkb_status gen_main(nr_gen *g)
{
    const zkb_model_desc *m = g->s->m;
    const zkb_qmodel_desc *qm = g->s->qm;
    uint32_t n = m->n_layers;
    FILE *f = g->f;

    g->in_bits = width(g->s->bits.in);
    for (uint32_t i = 0; i < n; i++) {
        select_layer(g, i);
        if (g->L->op < ZKB_OP_DENSE || g->L->op > ZKB_OP_MAX)
            return zkbp_fail(g->s->h, ZKB_ERR_UNSUPPORTED, "layer %u: operator %u not supported", i, g->L->op);
        const nr_op *op = &ops[g->L->op];
        g->relu_next = i + 1 < n && relu_fused(m, i + 1);
        zkb_status st = op->helpers ? op->helpers(g) : ZKB_OK;
        if (st != ZKB_OK)
            return st;
        if (op->call)
            g->in_bits = width(g->s->bits.out[i]);
    }

    for (uint32_t i = 0; i < n; i++) {
        select_layer(g, i);
        zkbp_fmt(g->W, sizeof g->W, g->hashed ? "w" : "W%u", i);
        zkbp_fmt(g->B, sizeof g->B, g->hashed ? "b" : "B%u", i);
        g->wp[0] = '\0';
        if (g->hashed && g->Q->weights)
            zkbp_fmt(g->wp, sizeof g->wp, ", w: [Field; %llu], b: [Field; %llu]", (unsigned long long)g->Q->n_weights,
                     (unsigned long long)g->Q->n_bias);
        if (ops[g->L->op].value_fn)
            ops[g->L->op].value_fn(g);
    }

    int xh = g->s->input == NR_IN_HASHED;
    fprintf(f, "\nfn main(x: %s[Field; %llu]", xh ? "" : "pub ", (unsigned long long)g->s->n_in);
    if (g->hashed)
        for (uint32_t i = 0; i < n; i++)
            if (qm->layers[i]->weights)
                fprintf(f, ", w%u: [Field; %llu], b%u: [Field; %llu]", i,
                        (unsigned long long)qm->layers[i]->n_weights, i, (unsigned long long)qm->layers[i]->n_bias);
    if (g->hashed || xh)
        fprintf(f, ") -> pub ([Field; %llu]%s%s) {\n", (unsigned long long)g->s->n_out, g->hashed ? ", Field" : "",
                xh ? ", Field" : "");
    else
        fprintf(f, ") -> pub [Field; %llu] {\n", (unsigned long long)g->s->n_out);
    zkbp_fmt(g->prev, sizeof g->prev, "x");
    for (uint32_t i = 0; i < n; i++) {
        select_layer(g, i);
        emit_main_layer(g);
    }
    if (g->hashed)
        emit_weights_commitment(g);
    emit_return(g);
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
               "// weights %s, input %s. Signed values as field elements (negatives p - |v|).\n\n%s",
            s->m->name ? s->m->name : "?", s->m->fingerprint ? s->m->fingerprint : "?",
            (long long)s->qm->scale_factor,
            s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? "half_up" : "floor",
            s->weights == NR_W_HASHED ? "hashed (private, Poseidon2 commitment public)" : "fixed (constants)",
            s->input == NR_IN_HASHED ? "hashed (private, Poseidon2 commitment public)" : "public", HEADER);
    nr_gen g = {.f = f, .s = s, .hashed = s->weights == NR_W_HASHED};
    zkb_status st = gen_main(&g);
    if (fclose(f) != 0 && st == ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", p);
    return st;
}
