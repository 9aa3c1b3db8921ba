/* Running the Go driver through host->spawn, so the host measures each
 * phase's time, CPU and peak memory. */
#include "gnark_int.h"

#include <string.h>

zkb_status gn_drive(gn_state *s, const char *what, const char *sub, const char *const *args,
                    char *stdout_path, size_t cap, const char *stderr_path)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = s->driver;
    argv[n++] = sub;
    for (size_t i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char out[ZKBP_PATH];
    if (zkbp_fmt(out, sizeof out, "%s/%s.out", s->wdir, sub) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "scratch path too long");
    const char *env[] = {s->gomaxprocs, NULL};
    zkbp_child c = {.what = what, .argv = argv, .env = s->gomaxprocs[0] ? env : NULL,
                    .stdout_path = out, .stderr_path = stderr_path, .log_level = ZKB_LOG_DEBUG};
    zkb_status st = zkbp_run(s->h, &c, NULL);
    if (stdout_path)
        zkbp_fmt(stdout_path, cap, "%s", out);
    return st;
}
