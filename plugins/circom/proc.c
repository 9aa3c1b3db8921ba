/* Children (node, circom, snarkjs) run through host->spawn, so their wall
 * time, CPU time and peak memory count in the current phase. */
#include "circom_int.h"

#include <stddef.h>

zkb_status cs_run(cs_state *s, const char *what, const char *const *argv, const char *out_path)
{
    /* On failure the host's detail (the child's stderr tail) stays; the log
     * line says what ran. */
    zkbp_child c = {.what = what, .argv = argv, .cwd = s->cwd, .stdout_path = out_path,
                    .log_level = s->quiet ? ZKBP_SILENT : ZKB_LOG_WARN};
    return zkbp_run(s->h, &c, NULL);
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
    return cs_run(s, what, argv, out_path);
}

zkb_status cs_snarkjs(cs_state *s, const char *what, const char *const *args, const char *out_path)
{
    return cs_node(s, what, s->t.snarkjs_js, args, out_path);
}
