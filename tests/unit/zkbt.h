/* What every cmocka test in tests/unit includes first: cmocka with the headers
 * it needs before it, and the helpers the tests share (defined once, in
 * zkbt.c, which tests/CMakeLists.txt links into every test executable).
 * Helpers that check something fail the running test with a message. */
#ifndef ZKB_TEST_ZKBT_H
#define ZKB_TEST_ZKBT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "zkmlbench/zkmlbench.h"

struct cJSON;

/* ---- text, files and directories ---- */

/* snprintf that fails the test when the text does not fit in cap. */
void zkbt_fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* A text that grows as it is appended to; start from {0}, free s. */
typedef struct zkbt_str {
    char *s;
    size_t len, cap;
} zkbt_str;

void zkbt_str_add(zkbt_str *b, const char *f, ...) __attribute__((format(printf, 2, 3)));

/* Makes a fresh directory /tmp/zkb-test-TAG-XXXXXX in dir; 0, or -1 on failure. */
int zkbt_tmpdir(char *dir, size_t cap, const char *tag);

/* "dir/name", in one of 8 buffers used in turn (so a call may hold 8 paths). */
const char *zkbt_path(const char *dir, const char *name);

/* The whole file, NUL-terminated, in memory the caller frees; its size in
 * *len when len is non-NULL. The test fails when the file cannot be read. */
char *zkbt_read_file(const char *path, size_t *len);

/* The file's text, valid until the next call (the test fails when it
 * cannot be read). */
const char *zkbt_file_text(const char *path);

/* Writes len bytes to path (replacing it); the test fails on any error. */
void zkbt_write_file(const char *path, const void *data, size_t len);

/* ---- processes ---- */

/* Runs argv (argv[0] looked up in PATH when it has no '/') in cwd (NULL:
 * here), its stdout to out (NULL: /dev/null), its stderr to out too when
 * stderr_too is set and to /dev/null otherwise. Its exit status, 128 after a
 * signal, -1 when it could not be waited for. */
int zkbt_run(const char *cwd, const char *const *argv, const char *out, int stderr_too);

/* This test executable's path, for tests that run it again as a child. */
const char *zkbt_self_exe(void);

/* The children those tests start: "--zkb-alloc-mib N" touches N MiB,
 * "--zkb-sleep S" sleeps S seconds; each exits 0 (2 when the memory cannot be
 * had). Returns -1 for any other arguments; call it first in main. */
int zkbt_child_main(int argc, char **argv);

/* ---- contexts and logs ---- */

/* The warning and error lines a context logged: zkbt_log_warnings is the
 * logger, a zkbt_warnings its user. */
typedef struct zkbt_warnings {
    char text[8192];
} zkbt_warnings;

void zkbt_log_warnings(void *warnings, uint32_t level, const char *msg);

/* A new context and a fresh zkbt_tmpdir; 0, or -1 when either fails. */
int zkbt_ctx_tmpdir(zkb_ctx **ctx, char *dir, size_t cap, const char *tag);

/* Frees the context and removes the directory. */
void zkbt_ctx_tmpdir_free(zkb_ctx *ctx, const char *dir);

/* ---- models ---- */

/* The start of a model's JSON text, up to its layer list. */
#define ZKBT_MODEL_HDR(shape, classes)                                                         \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\",\"input\":{\"shape\":" shape \
    "},\"classes\":" #classes ",\"layers\":["

/* micro: [1,1,3] -> flatten -> dense 2 -> relu -> dense 2; at S = 4 (run
 * setting quant.scale 2) small enough that PLONK fits 2^7 and FFLONK 2^10
 * (the framework backends' tests). */
#define ZKBT_MICRO_MODEL                                                                             \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"micro\",\"input\":{\"shape\":[1,1,3]},"   \
    "\"classes\":2,\"layers\":[{\"op\":\"flatten\"},"                                                 \
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.5,-0.25,0.75,-0.6,0.3,0.2],\"bias\":[0.1,-0.2]},"        \
    "{\"op\":\"relu\"},"                                                                                \
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.4,-0.8,0.6,-0.3],\"bias\":[-0.1,0.25]}]}"

/* tiny_pad: [1,3,3] -> pad2d 1 -> conv2d 2x3x3 -> relu -> pad2d [0,0,1,1] ->
 * avgpool2d 2x2 -> pad2d [1,0,0,0] -> maxpool2d 2x2 stride 1 -> flatten ->
 * dense 2: pad2d before each windowed operator (the runner's and the
 * framework backends' tests). */
#define ZKBT_PAD_MODEL                                                                               \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"tiny_pad\",\"input\":{\"shape\":[1,3,3]}," \
    "\"classes\":2,\"layers\":[{\"op\":\"pad2d\",\"pads\":[1,1,1,1]},"                                \
    "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[3,3],\"weights\":[0.3,-0.2,0.1,0.4,0.5,-0.3,-0.1,0.2,"  \
    "0.25,-0.35,0.15,0.2,0.3,-0.4,0.1,0.2,0.05,-0.25],\"bias\":[0.1,-0.05]},{\"op\":\"relu\"},"            \
    "{\"op\":\"pad2d\",\"pads\":[0,0,1,1]},{\"op\":\"avgpool2d\",\"pool\":[2,2]},"                     \
    "{\"op\":\"pad2d\",\"pads\":[1,0,0,0]},{\"op\":\"maxpool2d\",\"pool\":[2,2],\"stride\":[1,1]},"  \
    "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":2,\"weights\":[0.6,-0.4,0.3,0.5,-0.2,0.7,-0.5,0.1]," \
    "\"bias\":[0.05,-0.1]}]}"

/* One conv2d 2x3x3 (tiny_pad's) -> flatten, on [1,3,3] after pad2d 1
 * (pad: ZKBT_PAD_1) or on the [1,5,5] input that padding would give (pad:
 * ""): the same conv, so a backend's cost of the two differs by what the
 * pad2d costs (the framework backends' tests). */
#define ZKBT_PAD_1 "{\"op\":\"pad2d\",\"pads\":[1,1,1,1]},"
#define ZKBT_PAD_CONV_MODEL(shape, pad)                                                              \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"pad_conv\",\"input\":{\"shape\":" shape "}," \
    "\"classes\":18,\"layers\":[" pad "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[3,3],"              \
    "\"weights\":[0.3,-0.2,0.1,0.4,0.5,-0.3,-0.1,0.2,0.25,-0.35,0.15,0.2,0.3,-0.4,0.1,0.2,0.05,-0.25],"    \
    "\"bias\":[0.1,-0.05]},{\"op\":\"flatten\"}]}"

/* A model from JSON text that must load. */
zkb_model *zkbt_model(const char *json);

/* The default quantization with scheme, scale and rounding changed. */
zkb_quant zkbt_quant(uint32_t scheme, uint32_t scale, uint32_t rounding);

/* splitmix64: the next number of the sequence that *state holds. */
uint64_t zkbt_rand(uint64_t *state);

/* Uniform in [0, 1), 53 random bits. */
double zkbt_rand_unit(uint64_t *state);

/* ---- framework backends (test_circom, test_ezkl, test_noir) ---- */

/* Whether ZKB_REQUIRE_BACKENDS (set by scripts/test.sh, which installs the
 * frameworks' tools) asks for every backend: there, one that cannot run is a
 * failure, not a skip. */
int zkbt_backends_required(void);

/* A backend test's fixture: one context whose cache lives in a temporary
 * directory (kept after the test when ZKB_TEST_KEEP is set). */
typedef struct zkbt_backend {
    zkb_ctx *ctx;
    const char *name;
    char dir[256];     /* /tmp/zkb-test-NAME-XXXXXX */
    char cache[320];   /* dir/cache: the context's cache_dir */
    int available;     /* 0: the cases skip */
    char why[512];     /* the probe's detail */
    char run_dir[300]; /* the last zkbt_backend_run's output directory */
    int runs;
} zkbt_backend;

/* A run into out with settings {key, value, ..., NULL} (may be NULL); fails
 * the test on any refusal. */
zkb_run *zkbt_run_new(zkb_ctx *ctx, const char *out, const char *const *settings);
/* zkb_run_add_cell, failing the test when it is refused. */
void zkbt_run_add(zkb_run *run, const char *model, const char *backend, const char *options);

/* One valid results.jsonl record (docs/results-format.md, "What a reader
 * accepts") of a reference cell with this cell id (32 lowercase hex digits)
 * and status, without a newline; extra: more members ("\"pad\":\"x\"") or
 * NULL. Fails the test when it does not fit. Returns out. */
const char *zkbt_record(char *out, size_t cap, const char *cell_id, const char *status,
                        const char *extra);

/* In a case: skip it when the fixture's backend cannot run here. */
#define ZKBT_NEED_BACKEND(b)  \
    do {                      \
        if (!(b)->available)  \
            skip();           \
    } while (0)

/* The fixture of backend `name`: context, directory and cache; NULL on failure. */
zkbt_backend *zkbt_backend_new(const char *name);
void zkbt_backend_free(zkbt_backend *b);

/* Loads the plugin at path and probes the backend; sets b->available and
 * b->why. 0 when the cases can go on (they skip when it is unavailable:
 * printed with `hint`), -1 when the plugin does not load, or when the backend
 * cannot run although zkbt_backends_required(). */
int zkbt_backend_open(zkbt_backend *b, const char *path, const char *hint);

/* Runs one cell (model x this backend with options) through the runner in a
 * new directory b->run_dir, with run settings (key, value, ..., NULL). The
 * cell's record, parsed (free with cJSON_Delete); the test fails when there is
 * none, or when want is non-NULL and the cell's status is another. */
struct cJSON *zkbt_backend_run(zkbt_backend *b, const char *model, const char *options,
                               const char *const *settings, const char *want);

/* A record's metric `key` (the test fails without one). */
double zkbt_metric(const struct cJSON *record, const char *key);

/* The string at j.key (j.key.sub when sub is non-NULL); "" when there is none. */
const char *zkbt_json_str(const struct cJSON *j, const char *key, const char *sub);

/* A record's info `key`; "" without one. */
const char *zkbt_info(const struct cJSON *record, const char *key);

/* A cell that ran the EVM step (docs/evm.md): its verifier came from
 * `generator` (a part of info evm_generator), took n_proofs proofs with
 * n_public public inputs each, refused both tampered copies and cost more
 * than a transaction's 21,000 gas to call. */
void zkbt_check_evm(const struct cJSON *record, const char *generator, double n_proofs, double n_public);

/* The kept scratch directory (zkb_run keep_scratch) under run_dir/scratch
 * whose name starts with prefix, into out; fails the test without one. */
void zkbt_kept_scratch(const char *run_dir, const char *prefix, char *out, size_t cap);

#endif
