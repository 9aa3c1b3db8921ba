/* The trial load: before a plugin is dlopen-ed in the host, a forked child
 * loads it, calls zkb_plugin_init and checks the table exactly as the loader
 * does, and reports the verdict. A plugin that crashes, aborts, exits or
 * hangs there is rejected with the step it failed in, and the host never
 * maps it. */
#include "plugin_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERDICT_MAX 2048

void zkbi_plugin_stage(int fd, char stage)
{
    if (fd >= 0)
        (void)zkbi_write_all(fd, &stage, 1);
}

typedef struct trial {
    zkb_ctx *ctx;
    const char *real;
    char buf[VERDICT_MAX];
    size_t len;
} trial;

/* Child: the stages, then "V<status>\t<reason>". */
static void trial_child(void *user, int fd)
{
    trial *t = user;
    void *dl = NULL;
    const zkb_backend *vt = NULL;
    zkb_status st = zkbi_plugin_open(t->ctx, t->real, fd, &dl, &vt);
    char line[VERDICT_MAX];
    int n = snprintf(line, sizeof line, "%c%d\t%s", ZKBI_STAGE_VERDICT, (int)st, st == ZKB_OK ? "" : t->ctx->err);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    (void)zkbi_write_all(fd, line, len);
    /* No dlclose, no destructors: _exit follows. */
}

static int trial_read(void *user, int fd)
{
    trial *t = user;
    return zkbi_isolate_read_into(fd, t->buf, sizeof t->buf, &t->len);
}

static const char *stage_name(char stage)
{
    switch (stage) {
    case ZKBI_STAGE_DLOPEN: return "dlopen (the plugin's constructors)";
    case ZKBI_STAGE_INIT: return ZKB_PLUGIN_ENTRY_NAME;
    case ZKBI_STAGE_CHECK: return "reading its backend table";
    }
    return "the trial load in a child";
}

zkb_status zkbi_plugin_trial(zkb_ctx *ctx, const char *real)
{
    trial *t = calloc(1, sizeof *t);
    if (!t)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    t->ctx = ctx;
    t->real = real;
    zkbi_isolate limits = {.timeout_s = ZKBI_PLUGIN_TRIAL_TIMEOUT_S};
    zkbi_isolate_end end;
    zkbi_isolate_run(&limits, trial_child, trial_read, t, &end);
    t->buf[t->len] = '\0';
    char *verdict = strchr(t->buf, ZKBI_STAGE_VERDICT);
    zkb_status st;
    if (verdict && end.how == ZKBI_END_EXITED && end.code == 0) {
        st = (zkb_status)strtol(verdict + 1, NULL, 10);
        char *reason = strchr(verdict, '\t');
        if (st != ZKB_OK)
            zkbi_ctx_fail(ctx, st, "%s", reason ? reason + 1 : "rejected in a trial load");
    } else {
        /* The last stage the child began is where it went wrong. */
        char stage = verdict ? ZKBI_STAGE_VERDICT : t->len ? t->buf[t->len - 1] : 0;
        char how[256];
        zkbi_isolate_describe(&end, &limits, how, sizeof how);
        st = zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "%s %s%s", stage_name(stage), how,
                           end.how == ZKBI_END_EXITED ? " instead of returning" : "");
    }
    free(t);
    return st;
}
