/* Children (node, circom, snarkjs) run through host->spawn, so their wall
 * time, CPU time and peak memory count in the current phase. */
#include "circom_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

zkb_status cs_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_host->set_error(h, msg);
    return st;
}

zkb_status cs_run(cs_state *s, const char *what, const char *const *argv, const char *out_path,
                  double timeout_s)
{
    if (cs_host->cancelled(s->h))
        return cs_fail(s->h, ZKB_ERR_CANCELLED, "%s: cancelled", what);
    zkb_spawn_opts o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.argv = argv;
    o.stdout_path = out_path;
    o.cwd = s->cwd;
    o.timeout_s = timeout_s;
    zkb_spawn_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    zkb_status st = cs_host->spawn(s->h, &o, &r);
    if (st != ZKB_OK && st != ZKB_ERR_CANCELLED && st != ZKB_ERR_TIMEOUT && !s->quiet) {
        /* Keep the host's detail (the child's stderr tail) but say what ran. */
        char msg[256];
        cs_fmt(msg, sizeof msg, "circom backend: %s failed (exit %d)", what, r.exit_code);
        cs_host->log(s->h, ZKB_LOG_WARN, msg);
    }
    return st;
}

zkb_status cs_node(cs_state *s, const char *what, const char *script, const char *const *args,
                   const char *out_path)
{
    const char *argv[48];
    size_t n = 0;
    argv[n++] = s->t.node;
    /* Large circuits need a bigger V8 heap than node's default. */
    argv[n++] = "--max-old-space-size=16384";
    argv[n++] = script;
    for (size_t i = 0; args[i] && n < 47; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return cs_run(s, what, argv, out_path, 0);
}
