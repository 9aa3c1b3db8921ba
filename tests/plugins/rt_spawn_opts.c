/* Runtime test plugin that behaves, with options of every type; prove can
 * start a program through the host (program=..., alloc_mib=N: the program
 * gets "--zkb-alloc-mib N"; sleep_s=S: "--zkb-sleep S") so children's peak
 * memory and the cell's time limit inside a child can be checked. prove also
 * reports the scratch directory it was given (info scratch_dir). */
#include "runtime_fixture.h"

#include <stdio.h>

static const zkb_option_decl opts[] = {
    {"program", ZKB_OPT_STRING, NULL, NULL, "program prove starts"},
    {"alloc_mib", ZKB_OPT_INT, "0", NULL, "MiB the program allocates"},
    {"mode", ZKB_OPT_STRING, "fast", "fast|slow", "a choice"},
    {"verbose", ZKB_OPT_BOOL, "false", NULL, "a flag"},
    {"ratio", ZKB_OPT_DOUBLE, "0.5", NULL, "a number"},
    {"sleep_s", ZKB_OPT_DOUBLE, NULL, NULL, "the program sleeps instead (--zkb-sleep S)"},
    {"label", ZKB_OPT_STRING, NULL, NULL, "free text (commas escaped as \\,)"},
};

static char program[1024];
static long long alloc_mib;
static double sleep_s;

static zkb_status so_set_option(void *state, const char *key, const zkb_option_value *v)
{
    rt_state *s = state;
    char text[1100];
    switch (v->type) {
    case ZKB_OPT_INT: snprintf(text, sizeof text, "%lld", (long long)v->i); break;
    case ZKB_OPT_DOUBLE: snprintf(text, sizeof text, "%g", v->d); break;
    case ZKB_OPT_BOOL: snprintf(text, sizeof text, "%s", v->b ? "on" : "off"); break;
    default: snprintf(text, sizeof text, "%s", v->s); break;
    }
    char k[80];
    snprintf(k, sizeof k, "opt.%s", key);
    host->info(s->h, k, text);
    if (strcmp(key, "program") == 0)
        snprintf(program, sizeof program, "%s", v->s);
    if (strcmp(key, "alloc_mib") == 0)
        alloc_mib = v->i;
    if (strcmp(key, "sleep_s") == 0)
        sleep_s = v->d;
    return ZKB_OK;
}

static zkb_status so_prove(void *state)
{
    rt_state *s = state;
    const char *scratch = host->scratch_dir(s->h);
    host->info(s->h, "scratch_dir", scratch ? scratch : "");
    if (!program[0])
        return ZKB_OK;
    char n[32];
    if (sleep_s > 0)
        snprintf(n, sizeof n, "%g", sleep_s);
    else
        snprintf(n, sizeof n, "%lld", alloc_mib);
    const char *argv[] = {program, sleep_s > 0 ? "--zkb-sleep" : "--zkb-alloc-mib", n, NULL};
    zkb_spawn_opts o = {.struct_size = sizeof o, .argv = argv};
    zkb_spawn_result r = {.struct_size = sizeof r};
    zkb_status st = host->spawn(s->h, &o, &r);
    host->metric(s->h, "child_peak_rss", (double)r.peak_rss_bytes, "bytes");
    return st;
}

RT_BACKEND("rt_spawn_opts", .options = opts, .n_options = sizeof opts / sizeof *opts,
           .set_option = so_set_option, .prove = so_prove)
