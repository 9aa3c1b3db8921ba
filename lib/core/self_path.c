/* Where the library's own code was loaded from, for lookups relative to it. */
#include "core_int.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int zkbi_self_dir(char *out, size_t cap, int *is_shared_lib)
{
    Dl_info info;
    void *self = (void *)(uintptr_t)&zkbi_self_dir;
    if (!dladdr(self, &info) || !info.dli_fname || !*info.dli_fname)
        return -1;
    char real[PATH_MAX];
    const char *path = info.dli_fname;
    /* The main program's dli_fname may be argv[0] as typed: resolve it. */
    if (realpath(strchr(path, '/') ? path : "/proc/self/exe", real))
        path = real;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    if (dir_len + 1 > cap)
        return -1;
    memcpy(out, path, dir_len);
    out[dir_len] = '\0';
    if (is_shared_lib)
        *is_shared_lib = strncmp(base, "libzkmlbench.so", 15) == 0;
    return 0;
}
