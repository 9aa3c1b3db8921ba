/* ONNX import: the graph's name as stored. protobuf-c hands strings over as
 * C strings, so a name with an embedded NUL ("tiny\0dense") would arrive cut
 * ("tiny"); the bytes are found in the protobuf wire format instead. */
#include "onnx_int.h"

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned sh = 0; sh < 64 && *p < end; sh += 7) {
        uint8_t c = *(*p)++;
        r |= (uint64_t)(c & 0x7f) << sh;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Calls fn for every length-delimited field `field` of the message [p, end),
 * in order. 0, or -1 when the bytes are not a message. */
static int each_field(const uint8_t *p, const uint8_t *end, uint64_t field,
                      void (*fn)(void *, const uint8_t *, size_t), void *user)
{
    while (p < end) {
        uint64_t key, n;
        if (varint(&p, end, &key) != 0)
            return -1;
        switch (key & 7) {
        case 0:
            if (varint(&p, end, &n) != 0)
                return -1;
            break;
        case 1:
            if (end - p < 8)
                return -1;
            p += 8;
            break;
        case 5:
            if (end - p < 4)
                return -1;
            p += 4;
            break;
        case 2:
            if (varint(&p, end, &n) != 0 || n > (uint64_t)(end - p))
                return -1;
            if (key >> 3 == field)
                fn(user, p, (size_t)n);
            p += n;
            break;
        default: /* groups: not in onnx.proto */
            return -1;
        }
    }
    return 0;
}

typedef struct last {
    const uint8_t *p;
    size_t n;
    int found;
    int bad;
} last;

static void keep(void *user, const uint8_t *p, size_t n)
{
    last *l = user;
    l->p = p;
    l->n = n;
    l->found = 1;
}

/* ModelProto.graph (field 7): occurrences merge, so the last GraphProto.name
 * (field 2) of any of them is the name. */
static void graph_name(void *user, const uint8_t *p, size_t n)
{
    last *l = user;
    if (each_field(p, p + n, 2, keep, l) != 0)
        l->bad = 1;
}

int zkbi_onnx_graph_name_bytes(const uint8_t *buf, size_t len, const uint8_t **name, size_t *n)
{
    last l = {0};
    if (!buf || each_field(buf, buf + len, 7, graph_name, &l) != 0 || l.bad)
        return -1;
    *name = l.p;
    *n = l.n;
    return l.found;
}
