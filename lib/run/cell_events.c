/* Events a cell child streams to its parent over a pipe, and their reader. */
#include "run_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct wire {
    uint32_t type, phase;
    int64_t sample;
    uint32_t repeat, status, level;
    int32_t cls;
    double value;
    zkbi_measure m;
    uint32_t l1, l2, l3;
} wire;

static pthread_mutex_t send_mu = PTHREAD_MUTEX_INITIALIZER;

static uint32_t cut(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return (uint32_t)(n > ZKBI_EV_STR_MAX ? ZKBI_EV_STR_MAX : n);
}

int zkbi_event_send(int fd, const zkbi_event *e)
{
    wire w;
    memset(&w, 0, sizeof w); /* padding too: the bytes go through a pipe */
    w.type = e->type;
    w.phase = e->phase;
    w.sample = e->sample;
    w.repeat = e->repeat;
    w.status = e->status;
    w.level = e->level;
    w.cls = e->cls;
    w.value = e->value;
    w.m = e->m;
    w.l1 = cut(e->s1);
    w.l2 = cut(e->s2);
    w.l3 = cut(e->s3);
    uint32_t body = (uint32_t)sizeof w + w.l1 + w.l2 + w.l3;
    char frame[sizeof(uint32_t) + sizeof w + 3 * ZKBI_EV_STR_MAX];
    char *p = frame;
    memcpy(p, &body, sizeof body);
    p += sizeof body;
    memcpy(p, &w, sizeof w);
    p += sizeof w;
    if (w.l1)
        memcpy(p, e->s1, w.l1), p += w.l1;
    if (w.l2)
        memcpy(p, e->s2, w.l2), p += w.l2;
    if (w.l3)
        memcpy(p, e->s3, w.l3), p += w.l3;
    size_t left = (size_t)(p - frame);
    const char *q = frame;
    int rc = 0;
    pthread_mutex_lock(&send_mu);
    while (left > 0) {
        ssize_t n = write(fd, q, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = -1;
            break;
        }
        q += n;
        left -= (size_t)n;
    }
    pthread_mutex_unlock(&send_mu);
    return rc;
}

int zkbi_event_fill(zkbi_event_reader *r, int fd)
{
    if (r->pos > 0) { /* drop consumed frames */
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->len < 65536) {
        size_t cap = r->cap ? r->cap * 2 : 131072;
        char *g = realloc(r->buf, cap);
        if (!g)
            return -2;
        r->buf = g;
        r->cap = cap;
    }
    for (;;) {
        ssize_t n = read(fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
        r->len += (size_t)n;
        return (int)n;
    }
}

int zkbi_event_next(zkbi_event_reader *r, zkbi_event *e)
{
    size_t avail = r->len - r->pos;
    uint32_t body;
    if (avail < sizeof body)
        return 0;
    memcpy(&body, r->buf + r->pos, sizeof body);
    if (body < sizeof(wire) || body > ZKBI_EV_FRAME_MAX)
        return -1;
    if (avail < sizeof body + body)
        return 0;
    wire w;
    const char *p = r->buf + r->pos + sizeof body;
    memcpy(&w, p, sizeof w);
    if (w.l1 > ZKBI_EV_STR_MAX || w.l2 > ZKBI_EV_STR_MAX || w.l3 > ZKBI_EV_STR_MAX ||
        (uint64_t)sizeof w + w.l1 + w.l2 + w.l3 != body)
        return -1;
    size_t need = (size_t)w.l1 + w.l2 + w.l3 + 3;
    if (need > r->strs_cap) {
        char *g = realloc(r->strs, need);
        if (!g)
            return -1;
        r->strs = g;
        r->strs_cap = need;
    }
    p += sizeof w;
    char *s = r->strs;
    const uint32_t lens[3] = {w.l1, w.l2, w.l3};
    const char **outs[3] = {&e->s1, &e->s2, &e->s3};
    for (int i = 0; i < 3; i++) {
        memcpy(s, p, lens[i]);
        s[lens[i]] = '\0';
        *outs[i] = s;
        s += lens[i] + 1;
        p += lens[i];
    }
    e->type = w.type;
    e->phase = w.phase;
    e->sample = w.sample;
    e->repeat = w.repeat;
    e->status = w.status;
    e->level = w.level;
    e->cls = w.cls;
    e->value = w.value;
    e->m = w.m;
    r->pos += sizeof body + body;
    return 1;
}

void zkbi_event_reader_free(zkbi_event_reader *r)
{
    free(r->buf);
    free(r->strs);
    memset(r, 0, sizeof *r);
}
