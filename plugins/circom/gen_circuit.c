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
 * maxpool compares pairs the same way. See docs/circom.md. */
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

/* The division component of layer i, or an error. */
static int emit_div_decl(FILE *f, cs_state *s, uint32_t i, uint64_t n, int64_t d, char *why,
                         size_t why_len)
{
    uint32_t qb = s->bits.out[i] < 2 ? 2 : s->bits.out[i];
    uint32_t kb = zkbp_ceil_log2((uint64_t)d);
    if (d <= 0 || qb + kb + 2 > 250) {
        zkbp_fmt(why, why_len, "layer %u: values of %u bits with divisor %lld do not fit the field",
                 i, qb, (long long)d);
        return -1;
    }
    int64_t rnd = s->qm->quant->rounding == ZKB_ROUND_HALF_UP ? d / 2 : 0;
    fprintf(f, "    component d%u[%llu];\n", i, (unsigned long long)n);
    if (d == 1)
        fprintf(f, "    for (var k = 0; k < %llu; k++) d%u[k] = ZkbDiv1(%u);\n",
                (unsigned long long)n, i, qb);
    else
        fprintf(f, "    for (var k = 0; k < %llu; k++) d%u[k] = %s(%lld, %lld, %u, %u);\n",
                (unsigned long long)n, i, ((uint64_t)1 << kb) == (uint64_t)d ? "ZkbDiv" : "ZkbDivGen",
                (long long)d, (long long)rnd, qb, kb);
    return 0;
}

zkb_status cs_gen_circuit(cs_state *s, const char *path)
{
    const zkb_model_desc *m = s->m;
    const zkb_qmodel_desc *qm = s->qm;
    FILE *f = fopen(path, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    char why[256] = "";
    int bad = 0;
    int priv = s->weights != CS_W_FIXED;

    fprintf(f, "pragma circom 2.1.5;\n/* Generated by zkmlbench plugins/circom from model %s (%s). */\n",
            m->name ? m->name : "?", m->fingerprint ? m->fingerprint : "?");
    if (s->weights == CS_W_HASHED)
        fprintf(f, "include \"circomlib/circuits/poseidon.circom\";\n");
    fprintf(f, "\n%s\ntemplate Model() {\n", TEMPLATES);
    fprintf(f, "    signal input in[%llu];\n", (unsigned long long)s->n_in);
    if (priv)
        for (uint32_t i = 0; i < m->n_layers; i++)
            if (qm->layers[i]->weights) {
                fprintf(f, "    signal input w%u[%llu];\n", i, (unsigned long long)qm->layers[i]->n_weights);
                fprintf(f, "    signal input b%u[%llu];\n", i, (unsigned long long)qm->layers[i]->n_bias);
            }
    fprintf(f, "    signal output out[%llu];\n", (unsigned long long)s->n_out);
    if (s->weights == CS_W_HASHED)
        fprintf(f, "    signal output wcommit;\n");
    if (!s->input_public) {
        /* A private input is range-checked to the input width the range
         * analysis assumed; a public one is the verifier's own. */
        uint32_t w = s->bits.in < 2 ? 2 : s->bits.in;
        fprintf(f, "    component inrc[%llu];\n    for (var k = 0; k < %llu; k++) {\n"
                   "        inrc[k] = ZkbRange(%u);\n        inrc[k].in <== in[k];\n    }\n",
                (unsigned long long)s->n_in, (unsigned long long)s->n_in, w);
    }

    char prev[32] = "in";
    int prev_div = -1; /* layer whose d<i>[] gives the sign of prev, or -1 */
    uint32_t prev_bits = s->bits.in < 2 ? 2 : s->bits.in;
    for (uint32_t i = 0; i < m->n_layers && !bad; i++) {
        const zkb_layer_desc *L = m->layers[i];
        const zkb_qlayer_desc *Q = qm->layers[i];
        uint64_t n_out = (uint64_t)L->out_c * L->out_h * L->out_w;
        uint64_t n_inl = (uint64_t)L->in_c * L->in_h * L->in_w;
        fprintf(f, "\n    /* layer %u */\n", i);
        switch (L->op) {
        case ZKB_OP_FLATTEN:
            continue; /* identity on the channel-major array */
        case ZKB_OP_DENSE:
        case ZKB_OP_CONV2D: {
            int dense = L->op == ZKB_OP_DENSE;
            uint64_t ksz = dense ? n_inl : (uint64_t)L->in_c * L->kernel_h * L->kernel_w;
            if (emit_div_decl(f, s, i, n_out, Q->rescale_divisor, why, sizeof why) != 0) {
                bad = 1;
                break;
            }
            fprintf(f, "    signal a%u[%llu];\n", i, (unsigned long long)n_out);
            if (!priv) {
                fprintf(f, "    var W%u[%llu] = ", i, (unsigned long long)Q->n_weights);
                zkbp_write_ints(f, Q->weights, Q->n_weights, ",\n        ");
                fprintf(f, ";\n    var B%u[%llu] = ", i, (unsigned long long)Q->n_bias);
                zkbp_write_ints(f, Q->bias, Q->n_bias, ",\n        ");
                fprintf(f, ";\n");
            } else {
                fprintf(f, "    signal m%u[%llu][%llu];\n", i, (unsigned long long)n_out,
                        (unsigned long long)ksz);
            }
            char bias[32], wref[64], xref[96];
            zkbp_fmt(bias, sizeof bias, priv ? "b%u" : "B%u", i);
            if (dense) {
                fprintf(f, "    for (var o = 0; o < %u; o++) {\n        var acc = %s[o];\n"
                           "        for (var k = 0; k < %llu; k++) {\n",
                        L->out_w, bias, (unsigned long long)n_inl);
                zkbp_fmt(wref, sizeof wref, "%c%u[o * %llu + k]", priv ? 'w' : 'W', i,
                         (unsigned long long)n_inl);
                zkbp_fmt(xref, sizeof xref, "%s[k]", prev);
                if (priv)
                    fprintf(f, "            m%u[o][k] <== %s * %s;\n            acc += m%u[o][k];\n", i,
                            wref, xref, i);
                else
                    fprintf(f, "            acc += %s * %s;\n", wref, xref);
                fprintf(f, "        }\n        d%u[o].in <== acc;\n        a%u[o] <== d%u[o].q;\n    }\n",
                        i, i, i);
            } else {
                fprintf(f,
                        "    for (var oc = 0; oc < %u; oc++) for (var oy = 0; oy < %u; oy++) "
                        "for (var ox = 0; ox < %u; ox++) {\n"
                        "        var o = (oc * %u + oy) * %u + ox;\n        var acc = %s[oc];\n"
                        "        for (var ic = 0; ic < %u; ic++) for (var ky = 0; ky < %u; ky++) "
                        "for (var kx = 0; kx < %u; kx++) {\n"
                        "            var wi = ((oc * %u + ic) * %u + ky) * %u + kx;\n"
                        "            var xi = (ic * %u + oy * %u + ky) * %u + ox * %u + kx;\n",
                        L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, bias, L->in_c,
                        L->kernel_h, L->kernel_w, L->in_c, L->kernel_h, L->kernel_w, L->in_h,
                        L->stride_h, L->in_w, L->stride_w);
                if (priv)
                    fprintf(f,
                            "            var t = (ic * %u + ky) * %u + kx;\n"
                            "            m%u[o][t] <== w%u[wi] * %s[xi];\n            acc += m%u[o][t];\n",
                            L->kernel_h, L->kernel_w, i, i, prev, i);
                else
                    fprintf(f, "            acc += W%u[wi] * %s[xi];\n", i, prev);
                fprintf(f, "        }\n        d%u[o].in <== acc;\n        a%u[o] <== d%u[o].q;\n    }\n",
                        i, i, i);
            }
            prev_div = (int)i;
            break;
        }
        case ZKB_OP_AVGPOOL2D:
            if (emit_div_decl(f, s, i, n_out, Q->pool_divisor, why, sizeof why) != 0) {
                bad = 1;
                break;
            }
            fprintf(f,
                    "    signal a%u[%llu];\n"
                    "    for (var c = 0; c < %u; c++) for (var oy = 0; oy < %u; oy++) "
                    "for (var ox = 0; ox < %u; ox++) {\n"
                    "        var o = (c * %u + oy) * %u + ox;\n        var acc = 0;\n"
                    "        for (var ky = 0; ky < %u; ky++) for (var kx = 0; kx < %u; kx++)\n"
                    "            acc += %s[(c * %u + oy * %u + ky) * %u + ox * %u + kx];\n"
                    "        d%u[o].in <== acc;\n        a%u[o] <== d%u[o].q;\n    }\n",
                    i, (unsigned long long)n_out, L->out_c, L->out_h, L->out_w, L->out_h, L->out_w,
                    L->kernel_h, L->kernel_w, prev, L->in_h, L->stride_h, L->in_w, L->stride_w, i, i, i);
            prev_div = (int)i;
            break;
        case ZKB_OP_MAXPOOL2D: {
            uint32_t K = L->kernel_h * L->kernel_w;
            fprintf(f, "    signal a%u[%llu];\n    signal mv%u[%llu][%u];\n", i, (unsigned long long)n_out,
                    i, (unsigned long long)n_out, K);
            if (K > 1)
                fprintf(f, "    component x%u[%llu][%u];\n", i, (unsigned long long)n_out, K - 1);
            fprintf(f,
                    "    for (var c = 0; c < %u; c++) for (var oy = 0; oy < %u; oy++) "
                    "for (var ox = 0; ox < %u; ox++) {\n"
                    "        var o = (c * %u + oy) * %u + ox;\n"
                    "        for (var j = 0; j < %u; j++) {\n"
                    "            var xi = (c * %u + oy * %u + j \\ %u) * %u + ox * %u + j %% %u;\n"
                    "            if (j == 0) {\n                mv%u[o][0] <== %s[xi];\n",
                    L->out_c, L->out_h, L->out_w, L->out_h, L->out_w, K, L->in_h, L->stride_h,
                    L->kernel_w, L->in_w, L->stride_w, L->kernel_w, i, prev);
            if (K > 1)
                fprintf(f,
                        "            } else {\n"
                        "                x%u[o][j - 1] = ZkbMax(%u);\n"
                        "                x%u[o][j - 1].a <== mv%u[o][j - 1];\n"
                        "                x%u[o][j - 1].b <== %s[xi];\n"
                        "                mv%u[o][j] <== x%u[o][j - 1].out;\n",
                        i, prev_bits, i, i, i, prev, i, i);
            fprintf(f, "            }\n        }\n        a%u[o] <== mv%u[o][%u];\n    }\n", i, i, K - 1);
            prev_div = -1;
            break;
        }
        case ZKB_OP_RELU:
            fprintf(f, "    signal a%u[%llu];\n", i, (unsigned long long)n_out);
            if (prev_div >= 0) {
                fprintf(f, "    for (var k = 0; k < %llu; k++) a%u[k] <== d%d[k].q * d%d[k].pos;\n",
                        (unsigned long long)n_out, i, prev_div, prev_div);
            } else {
                fprintf(f,
                        "    component r%u[%llu];\n    for (var k = 0; k < %llu; k++) {\n"
                        "        r%u[k] = ZkbRelu(%u);\n        r%u[k].in <== %s[k];\n"
                        "        a%u[k] <== r%u[k].out;\n    }\n",
                        i, (unsigned long long)n_out, (unsigned long long)n_out, i, prev_bits, i,
                        prev, i, i);
            }
            prev_div = -1;
            break;
        default:
            zkbp_fmt(why, sizeof why, "layer %u: operator %u not supported", i, L->op);
            bad = 1;
            break;
        }
        zkbp_fmt(prev, sizeof prev, "a%u", i);
        prev_bits = s->bits.out[i] < 2 ? 2 : s->bits.out[i];
    }
    if (!bad) {
        fprintf(f, "\n    for (var k = 0; k < %llu; k++) out[k] <== %s[k];\n", (unsigned long long)s->n_out,
                prev);
        if (s->weights == CS_W_HASHED) {
            /* Poseidon sponge-like chain: 16 elements, then the previous
             * hash plus 15 new ones per step. */
            uint64_t total = 0;
            for (uint32_t i = 0; i < m->n_layers; i++)
                if (qm->layers[i]->weights)
                    total += qm->layers[i]->n_weights + qm->layers[i]->n_bias;
            fprintf(f, "\n    signal allw[%llu];\n", (unsigned long long)total);
            uint64_t k = 0;
            for (uint32_t i = 0; i < m->n_layers; i++)
                if (qm->layers[i]->weights) {
                    fprintf(f, "    for (var k = 0; k < %llu; k++) allw[%llu + k] <== w%u[k];\n",
                            (unsigned long long)qm->layers[i]->n_weights, (unsigned long long)k, i);
                    k += qm->layers[i]->n_weights;
                    fprintf(f, "    for (var k = 0; k < %llu; k++) allw[%llu + k] <== b%u[k];\n",
                            (unsigned long long)qm->layers[i]->n_bias, (unsigned long long)k, i);
                    k += qm->layers[i]->n_bias;
                }
            uint64_t n0 = total < 16 ? total : 16;
            uint64_t nh = 1 + (total > 16 ? (total - 16 + 14) / 15 : 0);
            fprintf(f, "    component H[%llu];\n    H[0] = Poseidon(%llu);\n"
                       "    for (var k = 0; k < %llu; k++) H[0].inputs[k] <== allw[k];\n",
                    (unsigned long long)nh, (unsigned long long)n0, (unsigned long long)n0);
            uint64_t at = n0;
            for (uint64_t hI = 1; hI < nh; hI++) {
                uint64_t c = total - at < 15 ? total - at : 15;
                fprintf(f, "    H[%llu] = Poseidon(%llu);\n    H[%llu].inputs[0] <== H[%llu].out;\n"
                           "    for (var k = 0; k < %llu; k++) H[%llu].inputs[1 + k] <== allw[%llu + k];\n",
                        (unsigned long long)hI, (unsigned long long)(c + 1), (unsigned long long)hI,
                        (unsigned long long)(hI - 1), (unsigned long long)c, (unsigned long long)hI,
                        (unsigned long long)at);
                at += c;
            }
            fprintf(f, "    wcommit <== H[%llu].out;\n", (unsigned long long)(nh - 1));
        }
        fprintf(f, "}\n\ncomponent main%s = Model();\n", s->input_public ? " {public [in]}" : "");
    }
    if (fclose(f) != 0 && !bad)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    if (bad)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "%s", why);
    return ZKB_OK;
}

zkb_status cs_gen_input(cs_state *s, const int64_t *x_q, uint64_t n, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", path);
    fputc('{', f);
    zkbp_write_field_array(f, "in", x_q, n, 1);
    if (s->weights != CS_W_FIXED)
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
