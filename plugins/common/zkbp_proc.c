/* Programs (zkbp_proc.h). */
#include "zkbp_proc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_host.h"

int zkbp_find_on_path(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && len + strlen(name) + 2 < cap) {
            zkbp_fmt(out, cap, "%.*s/%s", (int)len, path, name);
            if (access(out, X_OK) == 0)
                return 0;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    out[0] = '\0';
    return -1;
}

zkb_status zkbp_run(zkb_host_ctx *h, const zkbp_child *c, zkb_spawn_result *r)
{
    zkb_spawn_result mine;
    if (!r)
        r = &mine;
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    if (zkbp_host->cancelled(h))
        return zkbp_fail(h, ZKB_ERR_CANCELLED, "%s: cancelled", c->what);
    zkb_spawn_opts o = {.struct_size = sizeof o, .argv = c->argv, .env = c->env, .cwd = c->cwd,
                        .stdout_path = c->stdout_path, .stderr_path = c->stderr_path,
                        .timeout_s = c->timeout_s};
    zkb_status st = zkbp_host->spawn(h, &o, r);
    if (st != ZKB_OK && st != ZKB_ERR_CANCELLED && st != ZKB_ERR_TIMEOUT && c->log_level != ZKBP_SILENT) {
        char msg[256];
        zkbp_fmt(msg, sizeof msg, "%s backend: %s failed (exit %d)", zkbp_backend->name, c->what,
                 r->exit_code);
        zkbp_host->log(h, (uint32_t)c->log_level, msg);
    }
    return st;
}

void zkbp_program_version(zkb_host_ctx *h, const char *const *argv, char *out, size_t cap)
{
    zkbp_fmt(out, cap, "unknown");
    char sbuf[ZKBP_PATH];
    const char *dir = zkbp_scratch_dir(h, sbuf, sizeof sbuf);
    if (!dir)
        return;
    char path[ZKBP_PATH];
    zkbp_fmt(path, sizeof path, "%s/%s-version.txt", dir, zkbp_backend->name);
    zkb_spawn_opts o = {.struct_size = sizeof o, .argv = argv, .stdout_path = path, .timeout_s = 20};
    if (zkbp_host->spawn(h, &o, NULL) != ZKB_OK)
        return;
    char *txt = zkbp_read_file(path, 1 << 16, NULL);
    unlink(path);
    if (!txt)
        return;
    size_t n = strcspn(txt, "\r\n");
    if (n > 0 && n < cap)
        zkbp_fmt(out, cap, "%.*s", (int)n, txt);
    zkbp_host->free(txt);
}
