/* Internal: events a cell child streams to its parent over a pipe.
 *
 * Frame: uint32 length of the rest, a fixed header (zkbi_event_wire, native
 * layout: both ends are the same program image), then the three strings
 * s1, s2, s3 of the lengths the header gives, without terminators. */
#ifndef ZKBI_RUNNER_EVENTS_H
#define ZKBI_RUNNER_EVENTS_H

#include "probe.h"

#include <stddef.h>
#include <stdint.h>

typedef enum zkbi_event_type {
    ZKBI_EV_PHASE_BEGIN = 1, /* phase, sample, repeat */
    ZKBI_EV_PHASE_END,       /* phase, sample, repeat, m */
    ZKBI_EV_METRIC,          /* s1 key, value, s2 unit */
    ZKBI_EV_INFO,            /* s1 key, s2 value */
    ZKBI_EV_LOG,             /* level, s1 message */
    ZKBI_EV_CLASS,           /* sample, cls: argmax of the verified outputs */
    ZKBI_EV_FAIL,            /* phase, sample, status, s1 message */
    ZKBI_EV_DONE,
    ZKBI_EV_PROGRESS /* value fraction (negative: unknown), s1 what the plugin is doing */
} zkbi_event_type;

#define ZKBI_EV_STR_MAX 8192u  /* longer strings are cut */
#define ZKBI_EV_FRAME_MAX (64u * 1024u)

typedef struct zkbi_event {
    uint32_t type;
    uint32_t phase;
    int64_t sample; /* -1: none */
    uint32_t repeat;
    uint32_t status; /* zkb_status */
    uint32_t level;
    int32_t cls;
    double value;
    zkbi_measure m;
    const char *s1, *s2, *s3; /* may be NULL when writing; never NULL when read */
} zkbi_event;

/* Child side: one write() per frame, serialized by a lock (plugins may call
 * host services from several threads). -1 when the parent is gone. */
int zkbi_event_send(int fd, const zkbi_event *e);

/* Parent side: a buffer of received bytes. */
typedef struct zkbi_event_reader {
    char *buf;
    size_t len, cap, pos;
    char *strs; /* NUL-terminated copies of the current event's strings */
    size_t strs_cap;
} zkbi_event_reader;

/* Reads what is available from a non-blocking fd: the number of bytes
 * read, 0 at end of file, -1 when nothing is there now, -2 on an error. */
int zkbi_event_fill(zkbi_event_reader *r, int fd);
/* Next complete event: 1 and *e filled (strings valid until the next call),
 * 0 none yet, -1 a malformed frame. */
int zkbi_event_next(zkbi_event_reader *r, zkbi_event *e);
void zkbi_event_reader_free(zkbi_event_reader *r);

#endif
