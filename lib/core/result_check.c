/* What a results.jsonl line must be to count as a record
 * (docs/results-format.md, "What a reader accepts"). Every reader uses this
 * one check, so that a line one of them takes is never refused by another,
 * and a line no JSON parser would accept is never passed on. */
#include "core_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_NAME "zkmlbench-result"
static const int known_versions[] = {1};
static const char *const known_status[] = {"ok", "failed", "timeout", "killed", "crashed", "unavailable"};

typedef struct chk {
    char *why;
    size_t cap;
} chk;

static int refuse(chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(chk *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, c->cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* The kinds of member: strings, booleans, objects, and numbers by range. */
/* FIGURE and COUNT: measured figures and counts are at most 2^53, the
 * largest integer a double holds exactly; no time in seconds, size in bytes
 * or count comes near it, and sums and margins of such figures stay
 * finite. NONNEG and WHOLE (a seed, a memory cap) are not bounded. */
#define FIGURE_MAX 9007199254740992.0
enum kind { STR, NONEMPTY, BOOL, OBJ, NUM, FIGURE, COUNT, NONNEG, WHOLE, INT, PCT, FRACTION, POINTS };

typedef struct spec {
    const char *key;
    enum kind kind;
    int required;
} spec;

static const char *kind_text(enum kind k)
{
    switch (k) {
    case STR: return "a string";
    case NONEMPTY: return "a non-empty string";
    case BOOL: return "true or false";
    case OBJ: return "an object";
    case NUM: return "a finite number";
    case FIGURE: return "a number from 0 to 2^53";
    case COUNT: return "a whole number from 0 to 2^53";
    case NONNEG: return "a finite number >= 0";
    case WHOLE: return "a whole number >= 0";
    case INT: return "a whole number";
    case PCT: return "a number from 0 to 100";
    case FRACTION: return "a number from 0 to 1";
    default: return "a number from -100 to 100";
    }
}

static int number_ok(double d, enum kind k)
{
    if (!isfinite(d))
        return 0;
    switch (k) {
    case FIGURE: return d >= 0 && d <= FIGURE_MAX;
    case COUNT: return d >= 0 && d <= FIGURE_MAX && d == floor(d);
    case NONNEG: return d >= 0;
    case WHOLE: return d >= 0 && d == floor(d);
    case INT: return d == floor(d);
    case PCT: return d >= 0 && d <= 100;
    case FRACTION: return d >= 0 && d <= 1;
    case POINTS: return d >= -100 && d <= 100;
    default: return 1;
    }
}

static int value_ok(const cJSON *v, enum kind k)
{
    switch (k) {
    case STR: return cJSON_IsString(v);
    case NONEMPTY: return cJSON_IsString(v) && v->valuestring[0];
    case BOOL: return cJSON_IsBool(v);
    case OBJ: return cJSON_IsObject(v);
    default: return cJSON_IsNumber(v) && number_ok(v->valuedouble, k);
    }
}

/* "phases.prove.wall_s.median" */
static const char *path_of(const char *parent, const char *key, char *buf, size_t cap)
{
    char p[64];
    zkbi_printable(key, p, sizeof p);
    size_t k = 0;
    const char *parts[3] = {parent ? parent : "", parent && parent[0] ? "." : "", p};
    for (int i = 0; i < 3; i++)
        for (const char *q = parts[i]; *q && k + 1 < cap; q++)
            buf[k++] = *q; /* a truncated path still names the place */
    buf[k] = '\0';
    return buf;
}

static int check_value(chk *c, const cJSON *v, const char *path, enum kind k)
{
    if (value_ok(v, k))
        return 0;
    if (cJSON_IsNumber(v) && k >= NUM) {
        if (!isfinite(v->valuedouble))
            return refuse(c, "%s is not a finite number", path);
        if (v->valuedouble < 0 && k >= FIGURE && k <= WHOLE)
            return refuse(c, "%s is negative (%.17g): a measured figure is never below 0", path, v->valuedouble);
        return refuse(c, "%s is %.17g, want %s", path, v->valuedouble, kind_text(k));
    }
    return refuse(c, "%s is not %s", path, kind_text(k));
}

/* Checks the members of o named in s[0..n) (those absent are an error only
 * when required); other members are allowed. */
static int check_members(chk *c, const cJSON *o, const char *parent, const spec *s, size_t n)
{
    char path[256];
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, s[i].key);
        path_of(parent, s[i].key, path, sizeof path);
        if (!v) {
            if (s[i].required)
                return refuse(c, "no %s (a required member)", path);
            continue;
        }
        if (check_value(c, v, path, s[i].kind) != 0)
            return -1;
    }
    return 0;
}

/* Every member of o of the one kind k. */
static int check_all(chk *c, const cJSON *o, const char *parent, enum kind k)
{
    char path[256];
    const cJSON *v;
    cJSON_ArrayForEach(v, o)
    {
        if (check_value(c, v, path_of(parent, v->string, path, sizeof path), k) != 0)
            return -1;
    }
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No object holds a member name twice: parsers disagree on which one counts. */
static int check_duplicates(chk *c, const cJSON *o)
{
    size_t n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, o) n++;
    if (cJSON_IsObject(o) && n > 1) {
        const char **names = malloc(n * sizeof *names);
        if (!names)
            return refuse(c, "out of memory");
        n = 0;
        cJSON_ArrayForEach(v, o) names[n++] = v->string ? v->string : "";
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 1; i < n; i++)
            if (strcmp(names[i - 1], names[i]) == 0) {
                char p[200];
                zkbi_printable(names[i], p, sizeof p);
                free(names);
                return refuse(c, "member \"%s\" appears twice in one object", p);
            }
        free(names);
    }
    cJSON_ArrayForEach(v, o)
    {
        if ((cJSON_IsObject(v) || cJSON_IsArray(v)) && check_duplicates(c, v) != 0)
            return -1;
    }
    return 0;
}

static int check_phases(chk *c, const cJSON *phases)
{
    static const spec phase[] = {{"n", COUNT, 1}};
    static const char *const series[] = {"wall_s", "cpu_s", "peak_rss_bytes", "peak_rss_self_bytes",
                                         "peak_rss_children_bytes"};
    static const spec stat[] = {{"median", FIGURE, 1}, {"mean", FIGURE, 0}, {"stddev", FIGURE, 0},
                                {"min", FIGURE, 1},    {"max", FIGURE, 1}};
    char pp[256], sp[256];
    const cJSON *p;
    cJSON_ArrayForEach(p, phases)
    {
        path_of("phases", p->string, pp, sizeof pp);
        if (check_value(c, p, pp, OBJ) != 0 || check_members(c, p, pp, phase, 1) != 0)
            return -1;
        for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
            const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, series[i]);
            if (!s)
                continue;
            path_of(pp, series[i], sp, sizeof sp);
            if (check_value(c, s, sp, OBJ) != 0 || check_members(c, s, sp, stat, 5) != 0)
                return -1;
            double med = cJSON_GetObjectItemCaseSensitive(s, "median")->valuedouble;
            double lo = cJSON_GetObjectItemCaseSensitive(s, "min")->valuedouble;
            double hi = cJSON_GetObjectItemCaseSensitive(s, "max")->valuedouble;
            if (!(lo <= med && med <= hi))
                return refuse(c, "%s: min %.17g, median %.17g, max %.17g are out of order", sp, lo, med, hi);
        }
    }
    return 0;
}

/* Metrics a reader takes as sizes must not be negative; others only finite. */
static int check_metrics(chk *c, const cJSON *metrics)
{
    static const char *const sizes[] = {"proof_size", "constraints", "plonk_gates", "rows", "gates", "logrows"};
    static const spec any[] = {{"value", NUM, 1}, {"unit", STR, 0}, {"n", COUNT, 0}, {"min", NUM, 0}, {"max", NUM, 0}};
    static const spec size[] = {{"value", FIGURE, 1}, {"unit", STR, 0}, {"n", COUNT, 0}, {"min", FIGURE, 0},
                                {"max", FIGURE, 0}};
    char mp[256];
    const cJSON *m;
    cJSON_ArrayForEach(m, metrics)
    {
        int is_size = 0;
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            is_size |= m->string && strcmp(m->string, sizes[i]) == 0;
        path_of("metrics", m->string, mp, sizeof mp);
        if (check_value(c, m, mp, OBJ) != 0 || check_members(c, m, mp, is_size ? size : any, 5) != 0)
            return -1;
    }
    return 0;
}

static int check_options(chk *c, const cJSON *options)
{
    char op[256];
    const cJSON *o;
    cJSON_ArrayForEach(o, options)
    {
        path_of("options", o->string, op, sizeof op);
        if (cJSON_IsString(o) || cJSON_IsBool(o))
            continue;
        if (!cJSON_IsNumber(o))
            return refuse(c, "%s is not a number, true, false or a string", op);
        if (check_value(c, o, op, NUM) != 0)
            return -1;
    }
    return 0;
}

static int hex32(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

static int check_record(chk *c, const cJSON *j)
{
    static const spec top[] = {
        {"schema", STR, 1},        {"schema_version", NUM, 1},      {"library_version", STR, 1},
        {"cell_id", STR, 1},       {"run_id", STR, 0},              {"shard", OBJ, 0},
        {"status", STR, 1},        {"reason", STR, 0},              {"error_code", INT, 0},
        {"backend", OBJ, 1},       {"options", OBJ, 1},             {"quant", OBJ, 1},
        {"model", OBJ, 1},         {"samples", COUNT, 1},           {"repeats", COUNT, 1},
        {"dataset", STR, 1},       {"dataset_requested", STR, 0},   {"seed", WHOLE, 1},
        {"limits", OBJ, 1},        {"phases", OBJ, 0},              {"metrics", OBJ, 0},
        {"infos", OBJ, 0},         {"accuracy", OBJ, 0},            {"peak_rss_sampled_bytes", FIGURE, 0},
        {"rss_at_kill_bytes", FIGURE, 0}, {"peak_rss_self_reset", BOOL, 0}, {"log_tail", STR, 0},
        {"machine", OBJ, 1},       {"started_at", STR, 1},          {"finished_at", STR, 1},
    };
    static const spec backend[] = {{"name", NONEMPTY, 1}, {"version", STR, 1}, {"proof_system", STR, 1},
                                   {"baseline", BOOL, 1}};
    static const spec quant[] = {{"scheme", STR, 1}, {"scale", FIGURE, 1}, {"rounding", STR, 1}};
    static const spec model[] = {{"path", STR, 1},       {"name", STR, 0},       {"fingerprint", STR, 0},
                                 {"params", COUNT, 0},   {"layers", COUNT, 0},   {"input_size", COUNT, 0},
                                 {"classes", COUNT, 0}};
    static const spec shard[] = {{"index", COUNT, 1}, {"count", COUNT, 1}};
    static const spec limits[] = {{"timeout_s", NONNEG, 1}, {"memory_cap_bytes", NONNEG, 1}};
    static const spec machine[] = {{"cpu_model", STR, 0}, {"cores", COUNT, 0}, {"memory_bytes", FIGURE, 0},
                                   {"os", STR, 0},        {"kernel", STR, 0},  {"arch", STR, 0}};
    static const spec accuracy[] = {
        {"samples", COUNT, 0},          {"labelled", BOOL, 0},      {"zk_class_differs", COUNT, 0},
        {"zk_class_differs_pct", PCT, 0}, {"fixed_class_differs", COUNT, 0}, {"float_correct", COUNT, 0},
        {"zk_correct", COUNT, 0},       {"float_accuracy", FRACTION, 0}, {"zk_accuracy", FRACTION, 0},
        {"accuracy_loss_points", POINTS, 0}};
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define GET(k) cJSON_GetObjectItemCaseSensitive(j, k)
    /* what the record is, first: another schema is not a malformed record */
    const cJSON *schema = GET("schema"), *version = GET("schema_version");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, SCHEMA_NAME) != 0)
        return refuse(c, "not a zkmlbench-result record (schema)");
    if (!cJSON_IsNumber(version))
        return refuse(c, "no schema_version (a number)");
    int known = 0;
    for (size_t i = 0; i < N(known_versions); i++)
        known |= version->valuedouble == known_versions[i];
    if (!known)
        return refuse(c, "unknown schema_version %.17g (this reader knows 1)", version->valuedouble);
    if (check_members(c, j, "", top, N(top)) != 0)
        return -1;
    if (!hex32(GET("cell_id")->valuestring))
        return refuse(c, "no valid cell_id (32 lowercase hex digits)");
    const cJSON *run_id = GET("run_id");
    if (run_id && !hex32(run_id->valuestring))
        return refuse(c, "run_id is not 32 lowercase hex digits");
    const char *status = GET("status")->valuestring;
    known = 0;
    for (size_t i = 0; i < N(known_status); i++)
        known |= strcmp(status, known_status[i]) == 0;
    if (!known) {
        char p[64];
        return refuse(c, "unknown status \"%s\"", zkbi_printable(status, p, sizeof p));
    }
    if (check_members(c, GET("backend"), "backend", backend, N(backend)) != 0 ||
        check_members(c, GET("quant"), "quant", quant, N(quant)) != 0 ||
        check_members(c, GET("model"), "model", model, N(model)) != 0 ||
        check_members(c, GET("limits"), "limits", limits, N(limits)) != 0 ||
        check_members(c, GET("machine"), "machine", machine, N(machine)) != 0 || check_options(c, GET("options")) != 0)
        return -1;
    const cJSON *sh = GET("shard");
    if (sh) {
        if (check_members(c, sh, "shard", shard, N(shard)) != 0)
            return -1;
        double k = cJSON_GetObjectItemCaseSensitive(sh, "index")->valuedouble;
        double n = cJSON_GetObjectItemCaseSensitive(sh, "count")->valuedouble;
        if (k < 1 || k > n)
            return refuse(c, "shard.index %.17g is not in 1..shard.count (%.17g)", k, n);
    }
    if ((GET("phases") && check_phases(c, GET("phases")) != 0) ||
        (GET("metrics") && check_metrics(c, GET("metrics")) != 0) ||
        (GET("infos") && check_all(c, GET("infos"), "infos", STR) != 0) ||
        (GET("accuracy") && check_members(c, GET("accuracy"), "accuracy", accuracy, N(accuracy)) != 0))
        return -1;
    return check_duplicates(c, j);
#undef GET
#undef N
}

/* Valid UTF-8 and no NUL byte in line[0..len): JSON text is UTF-8, and a
 * NUL would end the line early for C readers. */
static int check_bytes(chk *c, const char *line, size_t len)
{
    const unsigned char *p = (const unsigned char *)line;
    for (size_t i = 0; i < len;) {
        if (p[i] == 0)
            return refuse(c, "NUL byte at byte %zu", i + 1);
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t want = (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
        size_t n = want && want <= len - i ? zkbi_utf8_len(p + i) : 0;
        if (n == 0)
            return refuse(c, "invalid UTF-8 at byte %zu", i + 1);
        i += n;
    }
    return 0;
}

int zkbi_result_check(const char *line, size_t len, int unterminated, struct cJSON **rec, char *why,
                      size_t why_len)
{
    char dummy[8];
    chk c = {why && why_len ? why : dummy, why && why_len ? why_len : sizeof dummy};
    if (rec)
        *rec = NULL;
    c.why[0] = '\0';
    if (!line)
        return refuse(&c, "no line");
    if (check_bytes(&c, line, len) != 0)
        return -1;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
    if (!j) {
        if (unterminated)
            return refuse(&c, "truncated last line (an interrupted run?)");
        size_t at = end && end >= line && end <= line + len ? (size_t)(end - line) + 1 : 0;
        return refuse(&c, "not JSON (malformed at byte %zu)", at);
    }
    size_t used = end && end >= line && end <= line + len ? (size_t)(end - line) : len;
    size_t rest = used;
    while (rest < len && (line[rest] == ' ' || line[rest] == '\t' || line[rest] == '\r' || line[rest] == '\n'))
        rest++;
    int rc;
    if (rest < len)
        rc = refuse(&c, "more than one JSON value on the line (more text at byte %zu)", rest + 1);
    else if (!cJSON_IsObject(j))
        rc = refuse(&c, "not a JSON object");
    else
        rc = check_record(&c, j);
    if (rc != 0 || !rec)
        cJSON_Delete(j);
    else
        *rec = j;
    return rc;
}
