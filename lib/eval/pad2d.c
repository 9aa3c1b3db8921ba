/* pad2d for every evaluator and the trainer: one copy routine over elements
 * of any size, since a zero border is all-zero bytes whatever the element
 * (int64 0, float +0.0f, a u128 bound of 0, a row of images of the fast
 * evaluator). */
#include "eval_int.h"

#include <string.h>

void zkbi_pad2d_forward(const zkb_layer_desc *d, const void *x, void *y, size_t elem)
{
    const size_t C = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    const unsigned char *src = x;
    unsigned char *dst = y;
    memset(dst, 0, C * OH * OW * elem);
    for (size_t c = 0; c < C; c++)
        for (size_t r = 0; r < H; r++)
            memcpy(dst + ((c * OH + d->pad_top + r) * OW + d->pad_left) * elem,
                   src + (c * H + r) * W * elem, W * elem);
}

void zkbi_pad2d_crop(const zkb_layer_desc *d, const void *y, void *x, size_t elem)
{
    const size_t C = d->in_c, H = d->in_h, W = d->in_w, OH = d->out_h, OW = d->out_w;
    const unsigned char *src = y;
    unsigned char *dst = x;
    for (size_t c = 0; c < C; c++)
        for (size_t r = 0; r < H; r++)
            memcpy(dst + (c * H + r) * W * elem,
                   src + ((c * OH + d->pad_top + r) * OW + d->pad_left) * elem, W * elem);
}
