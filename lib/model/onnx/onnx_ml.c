/* ONNX import: scikit-learn's operators (ai.onnx.ml, as skl2onnx writes
 * them) where they are linear or change nothing: Scaler (an input
 * normalization), LinearClassifier (a dense layer and the output function of
 * its post_transform), Normalizer L1 after scores that already sum to 1.
 * ZipMap and the label's ArgMax only make outputs that are left out
 * (onnx_outputs.c). */
#include "onnx_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const Onnx__AttributeProto *ml_floats(const Onnx__NodeProto *n, const char *name)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(n, name);
    return a && (a->n_floats || !a->has_type ||
                 a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS) ? a : NULL;
}

zkb_status zkbi_onnx_ml_scaler(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"offset", "scale", NULL};
    const Onnx__AttributeProto *off = ml_floats(im->node, "offset"),
                               *sc = ml_floats(im->node, "scale");
    zkb_status st = zkbi_onnx_attr_check(im, attrs);
    if (st != ZKB_OK)
        return st;
    if (!im->s.flat)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "needs a 2-D input [N, features]");
    uint64_t N = im->s.w;
    size_t no = off ? off->n_floats : 0, ns = sc ? sc->n_floats : 0;
    if ((no != 0 && no != 1 && no != N) || (ns != 0 && ns != 1 && ns != N))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "offset (%zu values) and scale (%zu values) must "
                              "have one value or one per feature (%" PRIu64 ")", no, ns, N);
    float *s = NULL, *c = NULL;
    if ((st = zkbi_onnx_affine_arrays(im, &s, &c)) == ZKB_OK) {
        for (uint64_t i = 0; i < N; i++) { /* y = (x - offset) * scale */
            s[i] = ns ? sc->floats[ns == 1 ? 0 : i] : 1.0f;
            c[i] = -(no ? off->floats[no == 1 ? 0 : i] : 0.0f) * s[i];
        }
        st = zkbi_onnx_apply_affine(im, s, c, "Scaler");
    }
    free(s);
    free(c);
    return st;
}

static size_t class_count(const Onnx__NodeProto *n)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(n, "classlabels_ints");
    if (a && a->n_ints)
        return a->n_ints;
    a = zkbi_onnx_attr(n, "classlabels_strings");
    return a ? a->n_strings : 0;
}

/* LinearClassifier: scores Z = X W^T + b, then post_transform. Binary
 * (two classes, one row of coefficients): onnxruntime's scores are
 * [-z, z] (NONE) or [1 - sigmoid(z), sigmoid(z)] (LOGISTIC), which is the
 * dense layer [-w; w], [-b; b] followed by a sigmoid per output. */
zkb_status zkbi_onnx_ml_linear_classifier(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"coefficients", "intercepts", "classlabels_ints",
                                        "classlabels_strings", "multi_class", "post_transform",
                                        NULL};
    const Onnx__NodeProto *n = im->node;
    const Onnx__AttributeProto *co = ml_floats(n, "coefficients"), *ic = ml_floats(n, "intercepts");
    char post[32];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_str(im, "post_transform", "NONE", post, sizeof post)) != ZKB_OK)
        return st;
    if (!im->s.flat)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "needs a 2-D input [N, features]");
    uint64_t F = im->s.w;
    size_t classes = class_count(n), nc = co ? co->n_floats : 0, ni = ic ? ic->n_floats : 0;
    if (!nc || nc % F || (ni && ni != nc / F))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "coefficients (%zu values) and intercepts (%zu) "
                              "do not fit %" PRIu64 " features", nc, ni, F);
    for (size_t k = 0; k < nc + ni; k++)
        if (!isfinite(k < nc ? co->floats[k] : ic->floats[k - nc]))
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s value %zu is not a finite number",
                                  k < nc ? "coefficients" : "intercepts", k < nc ? k : k - nc);
    size_t rows = nc / F;
    int binary = rows == 1 && classes == 2;
    if (!binary && rows != classes)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%zu rows of coefficients for %zu classes", rows,
                              classes);
    uint32_t fn;
    if (!strcmp(post, "NONE"))
        fn = ZKB_OUTPUT_LOGITS;
    else if (!strcmp(post, "SOFTMAX") && !binary)
        fn = ZKB_OUTPUT_SOFTMAX;
    else if (!strcmp(post, "LOGISTIC"))
        fn = ZKB_OUTPUT_SIGMOID;
    else
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "post_transform %s is not supported (NONE, "
                              "SOFTMAX, LOGISTIC)", post);
    if ((st = zkbi_onnx_before_layer(im, ZKB_OP_DENSE)) != ZKB_OK)
        return st;
    zkb_layer_desc d = {0};
    zkbi_layer *L;
    d.op = ZKB_OP_DENSE;
    d.out_w = binary ? 2 : (uint32_t)rows;
    if ((st = zkbi_onnx_push(im, &d, &L)) != ZKB_OK)
        return st;
    for (uint32_t o = 0; o < d.out_w; o++) {
        size_t r = binary ? 0 : o;
        float sign = binary && o == 0 ? -1.0f : 1.0f;
        for (uint64_t k = 0; k < F; k++)
            L->w[o * F + k] = sign * co->floats[r * F + k];
        L->b[o] = ni ? sign * ic->floats[r] : 0.0f;
    }
    if ((st = zkbi_onnx_absorb_input_affine(im, L)) != ZKB_OK)
        return st;
    im->affine_open = 0;
    im->out_index = 1; /* Y is the label, Z the scores */
    char lb[128];
    zkbi_onnx_node_label(im, lb, sizeof lb);
    if ((st = zkbi_onnx_step_add(im, ZKBI_ONNX_FUSED, "%s became a dense layer of %" PRIu32
                                 " outputs%s; its label output is left out", lb, d.out_w,
                                 binary ? " (binary: the scores of class 0 are those of class 1 "
                                 "negated)" : "")) != ZKB_OK)
        return st;
    if (fn == ZKB_OUTPUT_LOGITS)
        return ZKB_OK;
    im->output_fn = fn;
    im->output_fn_node = "LinearClassifier's post_transform";
    return zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT, "post_transform %s of %s: applied by the "
                              "float evaluator, left out of the proven computation", post, lb);
}

/* Normalizer L1 after a softmax (or a binary sigmoid of [-z, z]) changes nothing. */
zkb_status zkbi_onnx_ml_normalizer(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"norm", NULL};
    char norm[16], lb[128];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_str(im, "norm", "MAX", norm, sizeof norm)) != ZKB_OK)
        return st;
    const zkbi_layer *L = im->n_layers ? &im->layers[im->n_layers - 1] : NULL;
    int sums_to_one = im->output_fn == ZKB_OUTPUT_SOFTMAX ||
                      (im->output_fn == ZKB_OUTPUT_SIGMOID && L && L->d.op == ZKB_OP_DENSE &&
                       L->d.out_w == 2 && L->d.n_weights % 2 == 0);
    if (sums_to_one && L && im->output_fn == ZKB_OUTPUT_SIGMOID) {
        uint64_t F = L->d.n_weights / 2;
        for (uint64_t k = 0; k < F && sums_to_one; k++)
            sums_to_one = L->w[k] == -L->w[F + k];
        sums_to_one = sums_to_one && L->b[0] == -L->b[1];
    }
    if (strcmp(norm, "L1") != 0 || !sums_to_one)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Normalizer is supported only as norm L1 after "
                              "scores that already sum to 1 (a softmax, or the sigmoid of a "
                              "binary classifier)");
    zkbi_onnx_node_label(im, lb, sizeof lb);
    return zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT, "%s: the scores already sum to 1, so it "
                              "changes nothing", lb);
}

