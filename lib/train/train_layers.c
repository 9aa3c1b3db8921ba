/* Forward and backward passes of the IR's layers for the trainer, float32,
 * one sample at a time, every sum in a fixed order (so results are
 * reproducible bit for bit). Shapes come from zkbi_layer_infer. pad2d
 * copies into the padded array and crops the gradient back. conv2d goes
 * through im2col (any stride) so that the inner loops are long. */
#include "train_int.h"

#include <math.h>
#include <string.h>

/* Vector helpers (GCC/Clang vector extensions, two 4-lane vectors = 8
 * partial sums; 16-byte vectors exist on every target we care about).
 * Lane-wise float arithmetic is the same as scalar arithmetic and the lanes
 * are combined in a fixed order, so results do not depend on the
 * instruction set. */
typedef float v4 __attribute__((vector_size(16)));

static inline v4 ld(const float *p)
{
    v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void st(float *p, v4 v)
{
    memcpy(p, &v, sizeof v);
}

static inline float hsum(v4 a, v4 b)
{
    return ((a[0] + b[0]) + (a[1] + b[1])) + ((a[2] + b[2]) + (a[3] + b[3]));
}

/* Dot product: 8 partial sums, combined in a fixed tree, then the tail. */
static float dot(const float *a, const float *b, size_t n)
{
    v4 s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += ld(a + i) * ld(b + i);
        s1 += ld(a + i + 4) * ld(b + i + 4);
    }
    float t = hsum(s0, s1);
    for (; i < n; i++)
        t += a[i] * b[i];
    return t;
}

static float sum(const float *a, size_t n)
{
    v4 s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += ld(a + i);
        s1 += ld(a + i + 4);
    }
    float t = hsum(s0, s1);
    for (; i < n; i++)
        t += a[i];
    return t;
}

/* y += a * x */
static void axpy(float *restrict y, float a, const float *restrict x, size_t n)
{
    v4 av = {a, a, a, a};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        st(y + i, ld(y + i) + av * ld(x + i));
        st(y + i + 4, ld(y + i + 4) + av * ld(x + i + 4));
    }
    for (; i < n; i++)
        y[i] += a * x[i];
}

static size_t out_size(const zkb_layer_desc *d)
{
    return (size_t)d->out_c * d->out_h * d->out_w;
}

static size_t in_size(const zkb_layer_desc *d)
{
    return (size_t)d->in_c * d->in_h * d->in_w;
}

/* ---- dense ---------------------------------------------------------------------- */

static void dense_fwd(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                      float *y)
{
    size_t n = d->in_w, units = d->out_w;
    for (size_t o = 0; o < units; o++)
        y[o] = b[o] + dot(w + o * n, x, n);
}

static void dense_bwd(const zkb_layer_desc *d, const float *w, const float *x, const float *dy,
                      float *dx, float *dw, float *db)
{
    size_t n = d->in_w, units = d->out_w;
    for (size_t o = 0; o < units; o++) {
        db[o] += dy[o];
        if (dy[o] != 0.0f)
            axpy(dw + o * n, dy[o], x, n);
    }
    if (!dx)
        return;
    memset(dx, 0, n * sizeof *dx);
    for (size_t o = 0; o < units; o++)
        if (dy[o] != 0.0f)
            axpy(dx, dy[o], w + o * n, n);
}

/* ---- conv2d --------------------------------------------------------------------- */

/* im2col: col[k][p] with k = (ic*KH + ky)*KW + kx and p = oy*OW + ox holds
 * x[ic][oy*SH + ky][ox*SW + kx]; then conv is a product with W [OC][K]. */
static void im2col(const zkb_layer_desc *d, const float *x, float *col)
{
    size_t IC = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    for (size_t ic = 0; ic < IC; ic++)
        for (size_t ky = 0; ky < KH; ky++)
            for (size_t kx = 0; kx < KW; kx++) {
                float *c = col + ((ic * KH + ky) * KW + kx) * OH * OW;
                for (size_t oy = 0; oy < OH; oy++) {
                    const float *xr = x + (ic * H + oy * SH + ky) * W + kx;
                    if (SW == 1)
                        memcpy(c + oy * OW, xr, OW * sizeof *c);
                    else
                        for (size_t ox = 0; ox < OW; ox++)
                            c[oy * OW + ox] = xr[ox * SW];
                }
            }
}

/* dx += col2im(dcol) (the adjoint of im2col); dx must be zeroed first. */
static void col2im(const zkb_layer_desc *d, const float *dcol, float *dx)
{
    size_t IC = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    for (size_t ic = 0; ic < IC; ic++)
        for (size_t ky = 0; ky < KH; ky++)
            for (size_t kx = 0; kx < KW; kx++) {
                const float *c = dcol + ((ic * KH + ky) * KW + kx) * OH * OW;
                for (size_t oy = 0; oy < OH; oy++) {
                    float *xr = dx + (ic * H + oy * SH + ky) * W + kx;
                    if (SW == 1)
                        axpy(xr, 1.0f, c + oy * OW, OW);
                    else
                        for (size_t ox = 0; ox < OW; ox++)
                            xr[ox * SW] += c[oy * OW + ox];
                }
            }
}

static void conv_fwd(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                     float *y, float *col)
{
    size_t OC = d->out_c, P = (size_t)d->out_h * d->out_w;
    size_t K = (size_t)d->in_c * d->kernel_h * d->kernel_w;
    im2col(d, x, col);
    for (size_t oc = 0; oc < OC; oc++) {
        float *yp = y + oc * P;
        for (size_t p = 0; p < P; p++)
            yp[p] = b[oc];
        for (size_t k = 0; k < K; k++)
            axpy(yp, w[oc * K + k], col + k * P, P);
    }
}

static void conv_bwd(const zkb_layer_desc *d, const float *w, const float *x, const float *dy,
                     float *dx, float *dw, float *db, float *col)
{
    size_t OC = d->out_c, P = (size_t)d->out_h * d->out_w;
    size_t K = (size_t)d->in_c * d->kernel_h * d->kernel_w;
    im2col(d, x, col);
    for (size_t oc = 0; oc < OC; oc++) {
        const float *dyp = dy + oc * P;
        db[oc] += sum(dyp, P);
        for (size_t k = 0; k < K; k++)
            dw[oc * K + k] += dot(dyp, col + k * P, P);
    }
    if (!dx)
        return;
    float *dcol = col; /* col is no longer needed */
    memset(dcol, 0, K * P * sizeof *dcol);
    for (size_t k = 0; k < K; k++)
        for (size_t oc = 0; oc < OC; oc++)
            axpy(dcol + k * P, w[oc * K + k], dy + oc * P, P);
    memset(dx, 0, (size_t)d->in_c * d->in_h * d->in_w * sizeof *dx);
    col2im(d, dcol, dx);
}

/* ---- pools ------------------------------------------------------------------------ */

static void pool_fwd(const zkb_layer_desc *d, const float *x, float *y, int is_max)
{
    size_t C = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    float inv = 1.0f / (float)(KH * KW);
    for (size_t c = 0; c < C; c++)
        for (size_t oy = 0; oy < OH; oy++)
            for (size_t ox = 0; ox < OW; ox++) {
                const float *xin = x + (c * H + oy * SH) * W + ox * SW;
                float s = 0, mx = xin[0];
                for (size_t ky = 0; ky < KH; ky++)
                    for (size_t kx = 0; kx < KW; kx++) {
                        float v = xin[ky * W + kx];
                        s += v;
                        if (v > mx)
                            mx = v;
                    }
                y[(c * OH + oy) * OW + ox] = is_max ? mx : s * inv;
            }
}

static void pool_bwd(const zkb_layer_desc *d, const float *x, const float *dy, float *dx,
                     int is_max)
{
    size_t C = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    float inv = 1.0f / (float)(KH * KW);
    memset(dx, 0, C * H * W * sizeof *dx);
    for (size_t c = 0; c < C; c++)
        for (size_t oy = 0; oy < OH; oy++)
            for (size_t ox = 0; ox < OW; ox++) {
                size_t base = (c * H + oy * SH) * W + ox * SW;
                float g = dy[(c * OH + oy) * OW + ox];
                if (is_max) {
                    size_t arg = base;
                    float mx = x[base];
                    for (size_t ky = 0; ky < KH; ky++)
                        for (size_t kx = 0; kx < KW; kx++)
                            if (x[base + ky * W + kx] > mx) {
                                mx = x[base + ky * W + kx];
                                arg = base + ky * W + kx;
                            }
                    dx[arg] += g;
                } else {
                    float gi = g * inv;
                    for (size_t ky = 0; ky < KH; ky++)
                        for (size_t kx = 0; kx < KW; kx++)
                            dx[base + ky * W + kx] += gi;
                }
            }
}

/* ---- dispatch ----------------------------------------------------------------------- */

size_t zkbi_tl_scratch(const zkb_layer_desc *d)
{
    if (d->op != ZKB_OP_CONV2D)
        return 0;
    return (size_t)d->in_c * d->kernel_h * d->kernel_w * d->out_h * d->out_w;
}

void zkbi_tl_forward(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                     float *y, float *scratch)
{
    size_t n = out_size(d);
    switch (d->op) {
    case ZKB_OP_DENSE:
        dense_fwd(d, w, b, x, y);
        break;
    case ZKB_OP_CONV2D:
        conv_fwd(d, w, b, x, y, scratch);
        break;
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
        pool_fwd(d, x, y, d->op == ZKB_OP_MAXPOOL2D);
        break;
    case ZKB_OP_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case ZKB_OP_PAD2D:
        zkbi_pad2d_forward(d, x, y, sizeof *y);
        break;
    case ZKB_OP_FLATTEN:
    default:
        memcpy(y, x, n * sizeof *y);
        break;
    }
}

void zkbi_tl_backward(const zkb_layer_desc *d, const float *w, const float *x, const float *y,
                      const float *dy, float *dx, float *dw, float *db, float *scratch)
{
    size_t n = in_size(d);
    (void)y;
    switch (d->op) {
    case ZKB_OP_DENSE:
        dense_bwd(d, w, x, dy, dx, dw, db);
        break;
    case ZKB_OP_CONV2D:
        conv_bwd(d, w, x, dy, dx, dw, db, scratch);
        break;
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
        if (dx)
            pool_bwd(d, x, dy, dx, d->op == ZKB_OP_MAXPOOL2D);
        break;
    case ZKB_OP_RELU:
        if (dx)
            for (size_t i = 0; i < n; i++)
                dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
        break;
    case ZKB_OP_PAD2D: /* the border's gradient goes nowhere */
        if (dx)
            zkbi_pad2d_crop(d, dy, dx, sizeof *dx);
        break;
    case ZKB_OP_FLATTEN:
    default:
        if (dx)
            memcpy(dx, dy, n * sizeof *dx);
        break;
    }
}

float zkbi_tl_softmax_xent(const float *z, uint32_t n, int32_t label, float *dz)
{
    float mx = z[0];
    for (uint32_t i = 1; i < n; i++)
        if (z[i] > mx)
            mx = z[i];
    float sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        dz[i] = expf(z[i] - mx);
        sum += dz[i];
    }
    float inv = 1.0f / sum;
    for (uint32_t i = 0; i < n; i++)
        dz[i] *= inv;
    dz[label] -= 1.0f;
    return logf(sum) - (z[label] - mx);
}
