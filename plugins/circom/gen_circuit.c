/* Circuit generation: one .circom file per model, options and scale.
 *
 * Layers become loops over var arrays of constants (weights "fixed") or over
 * private input signals (weights "private"/"hashed"). Every division (the
 * rescale of dense/conv, avgpool's mean) goes through ZkbDiv*: the quotient
 * and remainder are hints, tied by one linear equation and range-checked
 * (remainder to [0, d), quotient to the layer's worst-case signed width from
 * host->value_bits), so the quotient is the unique floor division. ReLU
 * reuses the top bit of the quotient's decomposition when it follows a
 * division, else decomposes its input at the width of the layer before;
 * maxpool compares pairs the same way; pad2d is a copy that --O2 removes.
 * weights=hashed and input=hashed add a chain of circomlib Poseidon over the
 * weights or the input, made public as wcommit, incommit. See docs/circom.md. */
#include "circom_int.h"

#include <stdio.h>
#include <string.h>

static const char TEMPLATES[] =
    "/* Our own gadgets (zkmlbench plugins/circom). */\n"
    "template ZkbBits(n) {\n"
    "    signal input in;\n"
    "    signal output b[n];\n"
    "    var lc = 0;\n"
    "    var e = 1;\n"
    "    for (var i = 0; i < n; i++) {\n"
    "        b[i] <-- (in >> i) & 1;\n"
    "        b[i] * (b[i] - 1) === 0;\n"
    "        lc += b[i] * e;\n"
    "        e = e + e;\n"
    "    }\n"
    "    lc === in;\n"
    "}\n"
    "\n"
    "/* q = floor((in + rnd) / d) for d = 2^kb: in + rnd = q*d + r, r in [0, 2^kb),\n"
    " * q + 2^(qb-1) in [0, 2^qb). pos = 1 iff q >= 0. */\n"
    "template ZkbDiv(d, rnd, qb, kb) {\n"
    "    signal input in;\n"
    "    signal output q;\n"
    "    signal output pos;\n"
    "    signal r;\n"
    "    var off = 1 << (qb - 1);\n"
    "    q <-- ((in + rnd + off * d) \\ d) - off;\n"
    "    r <-- (in + rnd + off * d) % d;\n"
    "    in + rnd === q * d + r;\n"
    "    component rbits = ZkbBits(kb);\n"
    "    rbits.in <== r;\n"
    "    component qbits = ZkbBits(qb);\n"
    "    qbits.in <== q + off;\n"
    "    pos <== qbits.b[qb - 1];\n"
    "}\n"
    "\n"
    "/* The same for any d > 1 with 2^(kb-1) < d < 2^kb: r and r + 2^kb - d both\n"
    " * in [0, 2^kb), so 0 <= r < d. */\n"
    "template ZkbDivGen(d, rnd, qb, kb) {\n"
    "    signal input in;\n"
    "    signal output q;\n"
    "    signal output pos;\n"
    "    signal r;\n"
    "    var off = 1 << (qb - 1);\n"
    "    q <-- ((in + rnd + off * d) \\ d) - off;\n"
    "    r <-- (in + rnd + off * d) % d;\n"
    "    in + rnd === q * d + r;\n"
    "    component rbits = ZkbBits(kb);\n"
    "    rbits.in <== r;\n"
    "    component rhigh = ZkbBits(kb);\n"
    "    rhigh.in <== r + (1 << kb) - d;\n"
    "    component qbits = ZkbBits(qb);\n"
    "    qbits.in <== q + off;\n"
    "    pos <== qbits.b[qb - 1];\n"
    "}\n"
    "\n"
    "/* d = 1: no division, only the width check and the sign. */\n"
    "template ZkbDiv1(qb) {\n"
    "    signal input in;\n"
    "    signal output q;\n"
    "    signal output pos;\n"
    "    q <== in;\n"
    "    component qbits = ZkbBits(qb);\n"
    "    qbits.in <== q + (1 << (qb - 1));\n"
    "    pos <== qbits.b[qb - 1];\n"
    "}\n"
    "\n"
    "/* max(0, in) for in in [-2^(w-1), 2^(w-1)). */\n"
    "template ZkbRelu(w) {\n"
    "    signal input in;\n"
    "    signal output out;\n"
    "    component bits = ZkbBits(w);\n"
    "    bits.in <== in + (1 << (w - 1));\n"
    "    out <== in * bits.b[w - 1];\n"
    "}\n"
    "\n"
    "/* max(a, b) for a, b in [-2^(w-1), 2^(w-1)): a - b in (-2^w, 2^w). */\n"
    "template ZkbMax(w) {\n"
    "    signal input a;\n"
    "    signal input b;\n"
    "    signal output out;\n"
    "    component bits = ZkbBits(w + 1);\n"
    "    bits.in <== a - b + (1 << w);\n"
    "    signal t;\n"
    "    t <== bits.b[w] * (a - b);\n"
    "    out <== b + t;\n"
    "}\n"
    "\n"
    "/* A range check of a signed value of width w. */\n"
    "template ZkbRange(w) {\n"
    "    signal input in;\n"
    "    component bits = ZkbBits(w);\n"
    "    bits.in <== in + (1 << (w - 1));\n"
    "}\n";

/* What the emitter of one layer reads, and what it leaves for the next. */
typedef struct cs_gen {
    FILE *f;
    cs_state *s;
    int priv;                /* weights are private input signals w<i>, b<i> */
    uint32_t i;              /* the layer */
    const zkb_layer_desc *L;
    const zkb_qlayer_desc *Q;
    uint64_t n_in, n_out;    /* the layer's input and output value counts */
    char prev[32];           /* the array holding the layer's input */
    int prev_div;            /* the layer whose d<i>[] gives the sign of prev, or -1 */
    uint32_t prev_bits;      /* the width of prev's values */
    char why[256];           /* why the circuit cannot be made */
} cs_gen;

/* An emitter writes layer g->i, its output in a<i>; it returns 0, or
 * CS_SAME_VALUES when the layer's output is its input, or -1 with g->why. */
typedef int (*cs_emitter)(cs_gen *g);
#define CS_SAME_VALUES 1

static uint32_t width(uint32_t bits)
{
    return bits < 2 ? 2 : bits;
}

/* The division components d<i>[] of the layer (divisor d), or -1. */
static int emit_div_decl(cs_gen *g, int64_t d)
{
    uint32_t i = g->i, qb = width(g->s->bits.out[i]);
    uint32_t kb = zkbp_ceil_log2((uint64_t)d);
    if (d <= 0 || qb + kb + 2 > 250) {
        zkbp_fmt(g->why, sizeof g->why, "layer %u: values of %u bits with divisor %lld do not fit the field",
                 i, qb, (long long)d);
        return -1;
    }
    int64_t rnd = g->s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? d / 2 : 0;
    unsigned long long n = g->n_out;
    fprintf(g->f, "    component d%u[%llu];\n", i, n);
    if (d == 1)
        fprintf(g->f, "    for (var k = 0; k < %llu; k++) d%u[k] = ZkbDiv1(%u);\n", n, i, qb);
    else
        fprintf(g->f, "    for (var k = 0; k < %llu; k++) d%u[k] = %s(%lld, %lld, %u, %u);\n", n, i,
                ((uint64_t)1 << kb) == (uint64_t)d ? "ZkbDiv" : "ZkbDivGen", (long long)d, (long long)rnd, qb,
                kb);
    return 0;
}

/* The end of a loop body that divides acc into output o. */
static void emit_quotient(cs_gen *g)
{
    fprintf(g->f, "        d%u[o].in <== acc;\n        a%u[o] <== d%u[o].q;\n    }\n", g->i, g->i, g->i);
    g->prev_div = (int)g->i;
}

/* What dense and conv2d share: the division, the output signals, the
 * weights (constants W<i>, B<i>, or the products m<i> of the private w<i>
 * with ksz inputs per output), and the bias array's name. */
static int emit_weighted(cs_gen *g, uint64_t ksz, char *bias, size_t bias_cap)
{
    const zkb_qlayer_desc *Q = g->Q;
    uint32_t i = g->i;
    if (emit_div_decl(g, Q->rescale_divisor) != 0)
        return -1;
    fprintf(g->f, "    signal a%u[%llu];\n", i, (unsigned long long)g->n_out);
    if (!g->priv) {
        fprintf(g->f, "    var W%u[%llu] = ", i, (unsigned long long)Q->n_weights);
        zkbp_write_ints(g->f, Q->weights, Q->n_weights, ",\n        ");
        fprintf(g->f, ";\n    var B%u[%llu] = ", i, (unsigned long long)Q->n_bias);
        zkbp_write_ints(g->f, Q->bias, Q->n_bias, ",\n        ");
        fprintf(g->f, ";\n");
    } else {
        fprintf(g->f, "    signal m%u[%llu][%llu];\n", i, (unsigned long long)g->n_out, (unsigned long long)ksz);
    }
    zkbp_fmt(bias, bias_cap, g->priv ? "b%u" : "B%u", i);
    return 0;
}

static int emit_dense(cs_gen *g)
{
    uint32_t i = g->i;
    unsigned long long n_in = g->n_in;
    char bias[32], wref[64], xref[96];
    if (emit_weighted(g, g->n_in, bias, sizeof bias) != 0)
        return -1;
    fprintf(g->f, "    for (var o = 0; o < %u; o++) {\n        var acc = %s[o];\n"
                  "        for (var k = 0; k < %llu; k++) {\n",
            g->L->out_w, bias, n_in);
    zkbp_fmt(wref, sizeof wref, "%c%u[o * %llu + k]", g->priv ? 'w' : 'W', i, n_in);
    zkbp_fmt(xref, sizeof xref, "%s[k]", g->prev);
    if (g->priv)
        fprintf(g->f, "            m%u[o][k] <== %s * %s;\n            acc += m%u[o][k];\n", i, wref, xref, i);
    else
        fprintf(g->f, "            acc += %s * %s;\n", wref, xref);
    fputs("        }\n", g->f);
    emit_quotient(g);
    return 0;
}

static int emit_conv2d(cs_gen *g)
{
    const zkb_layer_desc *L = g->L;
    uint32_t i = g->i;
    char bias[32];
    if (emit_weighted(g, (uint64_t)L->in_c * L->kernel_h * L->kernel_w, bias, sizeof bias) != 0)
        return -1;
    fprintf(g->f,
            "    for (var oc = 0; oc < %u; oc++) for (var oy = 0; oy < %u; oy++) "
            "for (var ox = 0; ox < %u; ox++) {\n"
            "        var o = (oc * %u + oy) * %u + ox;\n        var acc = %s[oc];\n"
            "        for (var ic = 0; ic < %u; ic++) for (var ky = 0; ky < %u; ky++) "
            "for (var kx = 0; kx < %u; kx++) {\n"
            "            var wi = ((oc * %u + ic) * %u + ky) * %u + kx;\n"
            "            var xi = (ic * %u + oy * %u + ky) * %u + ox * %u + kx;\n",
            L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, bias, L->in_c, L->kernel_h, L->kernel_w, L->in_c,
            L->kernel_h, L->kernel_w, L->in_h, L->stride_h, L->in_w, L->stride_w);
    if (g->priv)
        fprintf(g->f,
                "            var t = (ic * %u + ky) * %u + kx;\n"
                "            m%u[o][t] <== w%u[wi] * %s[xi];\n            acc += m%u[o][t];\n",
                L->kernel_h, L->kernel_w, i, i, g->prev, i);
    else
        fprintf(g->f, "            acc += W%u[wi] * %s[xi];\n", i, g->prev);
    fputs("        }\n", g->f);
    emit_quotient(g);
    return 0;
}

static int emit_avgpool2d(cs_gen *g)
{
    const zkb_layer_desc *L = g->L;
    if (emit_div_decl(g, g->Q->pool_divisor) != 0)
        return -1;
    fprintf(g->f,
            "    signal a%u[%llu];\n"
            "    for (var c = 0; c < %u; c++) for (var oy = 0; oy < %u; oy++) "
            "for (var ox = 0; ox < %u; ox++) {\n"
            "        var o = (c * %u + oy) * %u + ox;\n        var acc = 0;\n"
            "        for (var ky = 0; ky < %u; ky++) for (var kx = 0; kx < %u; kx++)\n"
            "            acc += %s[(c * %u + oy * %u + ky) * %u + ox * %u + kx];\n",
            g->i, (unsigned long long)g->n_out, L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, L->kernel_h,
            L->kernel_w, g->prev, L->in_h, L->stride_h, L->in_w, L->stride_w);
    emit_quotient(g);
    return 0;
}

/* A running maximum over the window, one ZkbMax per step after the first. */
static int emit_maxpool2d(cs_gen *g)
{
    const zkb_layer_desc *L = g->L;
    uint32_t i = g->i, K = L->kernel_h * L->kernel_w;
    unsigned long long n = g->n_out;
    fprintf(g->f, "    signal a%u[%llu];\n    signal mv%u[%llu][%u];\n", i, n, i, n, K);
    if (K > 1)
        fprintf(g->f, "    component x%u[%llu][%u];\n", i, n, K - 1);
    fprintf(g->f,
            "    for (var c = 0; c < %u; c++) for (var oy = 0; oy < %u; oy++) "
            "for (var ox = 0; ox < %u; ox++) {\n"
            "        var o = (c * %u + oy) * %u + ox;\n"
            "        for (var j = 0; j < %u; j++) {\n"
            "            var xi = (c * %u + oy * %u + j \\ %u) * %u + ox * %u + j %% %u;\n"
            "            if (j == 0) {\n                mv%u[o][0] <== %s[xi];\n",
            L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, K, L->in_h, L->stride_h, L->kernel_w, L->in_w,
            L->stride_w, L->kernel_w, i, g->prev);
    if (K > 1)
        fprintf(g->f,
                "            } else {\n"
                "                x%u[o][j - 1] = ZkbMax(%u);\n"
                "                x%u[o][j - 1].a <== mv%u[o][j - 1];\n"
                "                x%u[o][j - 1].b <== %s[xi];\n"
                "                mv%u[o][j] <== x%u[o][j - 1].out;\n",
                i, g->prev_bits, i, i, i, g->prev, i, i);
    fprintf(g->f, "            }\n        }\n        a%u[o] <== mv%u[o][%u];\n    }\n", i, i, K - 1);
    g->prev_div = -1;
    return 0;
}

/* After a division, q * [q >= 0] with the sign bit the division already
 * has; elsewhere a ZkbRelu decomposition at the input's width. */
static int emit_relu(cs_gen *g)
{
    uint32_t i = g->i;
    unsigned long long n = g->n_out;
    fprintf(g->f, "    signal a%u[%llu];\n", i, n);
    if (g->prev_div >= 0)
        fprintf(g->f, "    for (var k = 0; k < %llu; k++) a%u[k] <== d%d[k].q * d%d[k].pos;\n", n, i, g->prev_div,
                g->prev_div);
    else
        fprintf(g->f,
                "    component r%u[%llu];\n    for (var k = 0; k < %llu; k++) {\n"
                "        r%u[k] = ZkbRelu(%u);\n        r%u[k].in <== %s[k];\n"
                "        a%u[k] <== r%u[k].out;\n    }\n",
                i, n, n, i, g->prev_bits, i, g->prev, i, i);
    g->prev_div = -1;
    return 0;
}

/* Identity on the channel-major array. */
static int emit_flatten(cs_gen *g)
{
    (void)g;
    return CS_SAME_VALUES;
}

/* Zeros around each channel: a<i>[o] <== the input value or 0, linear
 * constraints that circom's simplification (--O2) substitutes away, so the
 * padding itself costs no constraint. */
static int emit_pad2d(cs_gen *g)
{
    const zkb_layer_desc *L = g->L;
    uint32_t i = g->i, top = L->pad_top, left = L->pad_left;
    fprintf(g->f,
            "    signal a%u[%llu];\n"
            "    for (var c = 0; c < %u; c++) for (var y = 0; y < %u; y++) for (var x = 0; x < %u; x++) {\n"
            "        var o = (c * %u + y) * %u + x;\n"
            "        if (y < %u || y >= %u || x < %u || x >= %u) {\n"
            "            a%u[o] <== 0;\n"
            "        } else {\n"
            "            a%u[o] <== %s[(c * %u + y - %u) * %u + x - %u];\n"
            "        }\n    }\n",
            i, (unsigned long long)g->n_out, L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, top,
            top + L->in_h, left, left + L->in_w, i, i, g->prev, L->in_h, top, L->in_w, left);
    g->prev_div = -1;
    return 0;
}

static const cs_emitter emitters[ZKB_OP_MAX + 1] = {
    [ZKB_OP_DENSE] = emit_dense,
    [ZKB_OP_CONV2D] = emit_conv2d,
    [ZKB_OP_AVGPOOL2D] = emit_avgpool2d,
    [ZKB_OP_MAXPOOL2D] = emit_maxpool2d,
    [ZKB_OP_RELU] = emit_relu,
    [ZKB_OP_FLATTEN] = emit_flatten,
    [ZKB_OP_PAD2D] = emit_pad2d,
};

/* The pragma, our templates, and the Model template's signals (with the
 * range check of a private input). */
static void emit_head(cs_gen *g)
{
    const cs_state *s = g->s;
    const zkb_model_desc *m = s->m;
    const zkb_qmodel_desc *qm = s->qm;
    FILE *f = g->f;
    fprintf(f, "pragma circom 2.1.5;\n/* Generated by zkmlbench plugins/circom from model %s (%s). */\n",
            m->name ? m->name : "?", m->fingerprint ? m->fingerprint : "?");
    if (s->weights == CS_W_HASHED || s->input == CS_IN_HASHED)
        fprintf(f, "include \"circomlib/circuits/poseidon.circom\";\n");
    fprintf(f, "\n%s\ntemplate Model() {\n", TEMPLATES);
    fprintf(f, "    signal input in[%llu];\n", (unsigned long long)s->n_in);
    if (g->priv)
        for (uint32_t i = 0; i < m->n_layers; i++)
            if (qm->layers[i]->weights) {
                fprintf(f, "    signal input w%u[%llu];\n", i, (unsigned long long)qm->layers[i]->n_weights);
                fprintf(f, "    signal input b%u[%llu];\n", i, (unsigned long long)qm->layers[i]->n_bias);
            }
    fprintf(f, "    signal output out[%llu];\n", (unsigned long long)s->n_out);
    /* public signals: out[], then wcommit, then incommit (cs_verify reads them so) */
    if (s->weights == CS_W_HASHED)
        fprintf(f, "    signal output wcommit;\n");
    if (s->input == CS_IN_HASHED)
        fprintf(f, "    signal output incommit;\n");
    if (s->input != CS_IN_PUBLIC) {
        /* A private input is range-checked to the input width the range
         * analysis assumed; a public one is the verifier's own. */
        fprintf(f, "    component inrc[%llu];\n    for (var k = 0; k < %llu; k++) {\n"
                   "        inrc[k] = ZkbRange(%u);\n        inrc[k].in <== in[k];\n    }\n",
                (unsigned long long)s->n_in, (unsigned long long)s->n_in, width(s->bits.in));
    }
}

/* A Poseidon sponge-like chain over arr[0..total) into the signal out:
 * Poseidon of the first 16 elements, then of the previous hash plus 15 new
 * ones per step (driver/poseidon_chain.mjs recomputes it). */
static void emit_chain(FILE *f, const char *arr, uint64_t total, const char *comp, const char *out)
{
    unsigned long long n0 = total < 16 ? total : 16;
    unsigned long long nh = 1 + (total > 16 ? (total - 16 + 14) / 15 : 0);
    fprintf(f, "    component %s[%llu];\n    %s[0] = Poseidon(%llu);\n"
               "    for (var k = 0; k < %llu; k++) %s[0].inputs[k] <== %s[k];\n",
            comp, nh, comp, n0, n0, comp, arr);
    unsigned long long at = n0;
    for (unsigned long long h = 1; h < nh; h++) {
        unsigned long long c = total - at < 15 ? total - at : 15;
        fprintf(f, "    %s[%llu] = Poseidon(%llu);\n    %s[%llu].inputs[0] <== %s[%llu].out;\n"
                   "    for (var k = 0; k < %llu; k++) %s[%llu].inputs[1 + k] <== %s[%llu + k];\n",
                comp, h, c + 1, comp, h, comp, h - 1, c, comp, h, arr, at);
        at += c;
    }
    fprintf(f, "    %s <== %s[%llu].out;\n", out, comp, nh - 1);
}

/* weights=hashed: every weight and bias in one array, committed to in wcommit. */
static void emit_weights_commitment(cs_gen *g)
{
    const zkb_qmodel_desc *qm = g->s->qm;
    FILE *f = g->f;
    uint64_t total = zkbp_weights_count(qm);
    fprintf(f, "\n    signal allw[%llu];\n", (unsigned long long)total);
    uint64_t k = 0;
    for (uint32_t i = 0; i < qm->n_layers; i++)
        if (qm->layers[i]->weights) {
            fprintf(f, "    for (var k = 0; k < %llu; k++) allw[%llu + k] <== w%u[k];\n",
                    (unsigned long long)qm->layers[i]->n_weights, (unsigned long long)k, i);
            k += qm->layers[i]->n_weights;
            fprintf(f, "    for (var k = 0; k < %llu; k++) allw[%llu + k] <== b%u[k];\n",
                    (unsigned long long)qm->layers[i]->n_bias, (unsigned long long)k, i);
            k += qm->layers[i]->n_bias;
        }
    emit_chain(f, "allw", total, "H", "wcommit");
}

/* Every layer through its operator's emitter; 0 or -1 with g->why. */
static int emit_layers(cs_gen *g)
{
    const zkb_model_desc *m = g->s->m;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkb_layer_desc *L = m->layers[i];
        g->i = i;
        g->L = L;
        g->Q = g->s->qm->layers[i];
        g->n_in = zkbp_layer_in_size(L);
        g->n_out = zkbp_layer_out_size(L);
        fprintf(g->f, "\n    /* layer %u */\n", i);
        cs_emitter emit = L->op <= ZKB_OP_MAX ? emitters[L->op] : NULL;
        if (!emit) {
            zkbp_fmt(g->why, sizeof g->why, "layer %u: operator %u not supported", i, L->op);
            return -1;
        }
        int r = emit(g);
        if (r < 0)
            return -1;
        if (r == CS_SAME_VALUES)
            continue;
        zkbp_fmt(g->prev, sizeof g->prev, "a%u", i);
        g->prev_bits = width(g->s->bits.out[i]);
    }
    return 0;
}

zkb_status cs_gen_circuit(cs_state *s, const char *path)
{
    cs_gen g = {.s = s, .priv = s->weights != CS_W_FIXED, .prev = "in", .prev_div = -1,
                .prev_bits = width(s->bits.in)};
    if (!(g.f = fopen(path, "w")))
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    emit_head(&g);
    int bad = emit_layers(&g) != 0;
    if (!bad) {
        fprintf(g.f, "\n    for (var k = 0; k < %llu; k++) out[k] <== %s[k];\n", (unsigned long long)s->n_out,
                g.prev);
        if (s->weights == CS_W_HASHED)
            emit_weights_commitment(&g);
        if (s->input == CS_IN_HASHED) {
            fputs("\n", g.f);
            emit_chain(g.f, "in", s->n_in, "HI", "incommit");
        }
        fprintf(g.f, "}\n\ncomponent main%s = Model();\n", s->input == CS_IN_PUBLIC ? " {public [in]}" : "");
    }
    if (fclose(g.f) != 0 && !bad)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    if (bad)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "%s", g.why);
    return ZKB_OK;
}
