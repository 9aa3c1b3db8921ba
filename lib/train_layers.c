/* Forward and backward passes of the IR's layers for the trainer, float32,
 * one sample at a time, every sum in a fixed order (so results are
 * reproducible bit for bit). Shapes come from zkbi_layer_infer. conv2d is
 * computed for any stride but written for stride 1 (the trainer's case). */
#include "train.h"

#include <math.h>
#include <string.h>

/* Dot product with 8 partial sums combined in a fixed tree: the compiler may
 * vectorize it (it does not reorder float sums itself). */
static float dot(const float *a, const float *b, size_t n)
{
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t k = 0; k < 8; k++)
            s[k] += a[i + k] * b[i + k];
    float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++)
        t += a[i] * b[i];
    return t;
}

/* y += a * x */
static void axpy(float *restrict y, float a, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++)
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

static void conv_fwd(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                     float *y)
{
    size_t IC = d->in_c, H = d->in_h, W = d->in_w, OC = d->out_c, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    for (size_t oc = 0; oc < OC; oc++) {
        float *yp = y + oc * OH * OW;
        for (size_t i = 0; i < OH * OW; i++)
            yp[i] = b[oc];
        for (size_t ic = 0; ic < IC; ic++)
            for (size_t ky = 0; ky < KH; ky++)
                for (size_t kx = 0; kx < KW; kx++) {
                    float wv = w[((oc * IC + ic) * KH + ky) * KW + kx];
                    for (size_t oy = 0; oy < OH; oy++) {
                        const float *xr = x + (ic * H + oy * SH + ky) * W + kx;
                        float *yr = yp + oy * OW;
                        if (SW == 1)
                            axpy(yr, wv, xr, OW);
                        else
                            for (size_t ox = 0; ox < OW; ox++)
                                yr[ox] += wv * xr[ox * SW];
                    }
                }
    }
}

static void conv_bwd(const zkb_layer_desc *d, const float *w, const float *x, const float *dy,
                     float *dx, float *dw, float *db)
{
    size_t IC = d->in_c, H = d->in_h, W = d->in_w, OC = d->out_c, OH = d->out_h, OW = d->out_w;
    size_t KH = d->kernel_h, KW = d->kernel_w, SH = d->stride_h, SW = d->stride_w;
    if (dx)
        memset(dx, 0, IC * H * W * sizeof *dx);
    for (size_t oc = 0; oc < OC; oc++) {
        const float *dyp = dy + oc * OH * OW;
        float s = 0;
        for (size_t i = 0; i < OH * OW; i++)
            s += dyp[i];
        db[oc] += s;
        for (size_t ic = 0; ic < IC; ic++)
            for (size_t ky = 0; ky < KH; ky++)
                for (size_t kx = 0; kx < KW; kx++) {
                    size_t wi = ((oc * IC + ic) * KH + ky) * KW + kx;
                    float g = 0, wv = w[wi];
                    for (size_t oy = 0; oy < OH; oy++) {
                        size_t xo = (ic * H + oy * SH + ky) * W + kx;
                        const float *dyr = dyp + oy * OW;
                        if (SW == 1) {
                            g += dot(dyr, x + xo, OW);
                            if (dx)
                                axpy(dx + xo, wv, dyr, OW);
                        } else {
                            for (size_t ox = 0; ox < OW; ox++) {
                                g += dyr[ox] * x[xo + ox * SW];
                                if (dx)
                                    dx[xo + ox * SW] += wv * dyr[ox];
                            }
                        }
                    }
                    dw[wi] += g;
                }
    }
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

void zkbi_tl_forward(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                     float *y)
{
    size_t n = out_size(d);
    switch (d->op) {
    case ZKB_OP_DENSE:
        dense_fwd(d, w, b, x, y);
        break;
    case ZKB_OP_CONV2D:
        conv_fwd(d, w, b, x, y);
        break;
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
        pool_fwd(d, x, y, d->op == ZKB_OP_MAXPOOL2D);
        break;
    case ZKB_OP_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case ZKB_OP_FLATTEN:
    default:
        memcpy(y, x, n * sizeof *y);
        break;
    }
}

void zkbi_tl_backward(const zkb_layer_desc *d, const float *w, const float *x, const float *y,
                      const float *dy, float *dx, float *dw, float *db)
{
    size_t n = in_size(d);
    (void)y;
    switch (d->op) {
    case ZKB_OP_DENSE:
        dense_bwd(d, w, x, dy, dx, dw, db);
        break;
    case ZKB_OP_CONV2D:
        conv_bwd(d, w, x, dy, dx, dw, db);
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
