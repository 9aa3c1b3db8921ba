#include "run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Value of the first "key<sep>value" line of a text file, trimmed. */
static int file_field(const char *path, const char *key, char sep, char *out, size_t cap)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[1024];
    size_t kl = strlen(key);
    int found = -1;
    while (found != 0 && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, kl) != 0)
            continue;
        char *p = line + kl;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != sep)
            continue;
        p++;
        while (*p == ' ' || *p == '\t' || *p == '"')
            p++;
        size_t n = strcspn(p, "\"\n");
        snprintf(out, cap, "%.*s", (int)n, p);
        found = 0;
    }
    fclose(f);
    return found;
}

static void copy(char *out, size_t cap, const char *s)
{
    size_t n = strnlen(s, cap - 1);
    memcpy(out, s, n);
    out[n] = '\0';
}

void zkbi_machine_read(zkbi_machine *m)
{
    memset(m, 0, sizeof *m);
    if (file_field("/proc/cpuinfo", "model name", ':', m->cpu_model, sizeof m->cpu_model) != 0 &&
        file_field("/proc/cpuinfo", "Model", ':', m->cpu_model, sizeof m->cpu_model) != 0)
        snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
    m->cores = sysconf(_SC_NPROCESSORS_ONLN);
    char mem[64];
    if (file_field("/proc/meminfo", "MemTotal", ':', mem, sizeof mem) == 0)
        m->memory_bytes = strtoull(mem, NULL, 10) * 1024u;
    struct utsname u;
    int have_uname = uname(&u) == 0;
    if (file_field("/etc/os-release", "PRETTY_NAME", '=', m->os, sizeof m->os) != 0)
        copy(m->os, sizeof m->os, have_uname ? u.sysname : "unknown");
    copy(m->kernel, sizeof m->kernel, have_uname ? u.release : "unknown");
    copy(m->arch, sizeof m->arch, have_uname ? u.machine : "unknown");
}
