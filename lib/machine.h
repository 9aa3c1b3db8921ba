/* Internal: a description of the machine a result was measured on. */
#ifndef ZKBI_MACHINE_H
#define ZKBI_MACHINE_H

#include <stdint.h>

typedef struct zkbi_machine {
    char cpu_model[256]; /* "model name" of /proc/cpuinfo, or "unknown" */
    long cores;          /* online logical CPUs */
    uint64_t memory_bytes; /* MemTotal */
    char os[256];        /* PRETTY_NAME of /etc/os-release, else uname sysname */
    char kernel[256];    /* uname release */
    char arch[64];       /* uname machine */
} zkbi_machine;

void zkbi_machine_read(zkbi_machine *m);

#endif
