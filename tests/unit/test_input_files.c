/* Every reader of an input file (model JSON and ONNX, the ONNX operator
 * listing, the results file when resuming and when reporting, IDX files,
 * heart.csv, the dataset checksums) takes a regular file only: a FIFO, a
 * directory, a character device or a socket in its place is refused with a
 * message that says what the path is (ZKB_ERR_IO), never waited on, and
 * never reported as missing. Each read runs in a child process with an
 * alarm, so a reader that blocks on a FIFO fails the test instead of hanging
 * it. */
#include "zkbt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core_int.h"
#include "data/data_int.h"
#include "run/run_int.h"
#include "zkmlbench/zkb_onnx.h"
#include "zkmlbench/zkb_report.h"

#define GUARD_SECONDS 10

/* ---- the readers, each as: status and message for a path ------------------------ */

typedef zkb_status (*reader_fn)(const char *path, const char *dir, char *msg, size_t cap);

static zkb_status with_ctx_model(const char *path, char *msg, size_t cap, int onnx, int ops)
{
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return ZKB_ERR_NOMEM;
    zkb_model *m = NULL;
    zkb_onnx_ops *o = NULL;
    zkb_status st = ops ? zkb_onnx_ops_load(ctx, path, &o)
                  : onnx ? zkb_model_load_onnx(ctx, path, &m)
                         : zkb_model_load_file(ctx, path, &m);
    snprintf(msg, cap, "%s", zkb_ctx_last_error(ctx));
    zkb_model_free(m);
    zkb_onnx_ops_free(o);
    zkb_ctx_free(ctx);
    return st;
}

static zkb_status read_model_json(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    return with_ctx_model(path, msg, cap, 0, 0);
}

static zkb_status read_model_onnx(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    return with_ctx_model(path, msg, cap, 1, 0);
}

static zkb_status read_onnx_ops(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    return with_ctx_model(path, msg, cap, 1, 1);
}

static zkb_status read_results(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    zkbi_results *r = NULL;
    zkb_status st = zkbi_results_load(path, &r, NULL, NULL, msg, cap);
    zkbi_results_free(r);
    return st;
}

static zkb_status read_report(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    zkb_report *r = NULL;
    if (zkb_report_new(&r) != ZKB_OK)
        return ZKB_ERR_NOMEM;
    zkb_status st = zkb_report_add_path(r, path);
    snprintf(msg, cap, "%s", zkb_report_last_error(r));
    zkb_report_free(r);
    return st;
}

static zkb_status read_idx(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    uint8_t *buf = NULL;
    zkbi_idx h;
    zkb_status st = zkbi_idx_read_file(path, 3, &buf, &h, msg, cap);
    free(buf);
    return st;
}

static zkb_status open_dataset(const char *name, const char *dir, char *msg, size_t cap)
{
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return ZKB_ERR_NOMEM;
    zkb_dataset *ds = NULL;
    zkb_status st = zkb_ctx_set(ctx, "data_dir", dir);
    if (st == ZKB_OK)
        st = zkb_dataset_open(ctx, name, "test", &ds);
    snprintf(msg, cap, "%s", zkb_ctx_last_error(ctx));
    zkb_dataset_free(ds);
    zkb_ctx_free(ctx);
    return st;
}

static zkb_status read_mnist(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)path;
    return open_dataset("mnist", dir, msg, cap);
}

static zkb_status read_heart(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)path;
    return open_dataset("heart", dir, msg, cap);
}

static zkb_status read_sha256(const char *path, const char *dir, char *msg, size_t cap)
{
    (void)dir;
    char hex[65];
    return zkbi_sha256_file(path, hex, msg, cap);
}

/* ---- running a reader under an alarm ---------------------------------------------------- */

/* fn in a child process that an alarm kills after GUARD_SECONDS: its status
 * and message come back through a pipe (ZKB_ERR_INTERNAL and "blocked" when
 * it was killed). */
static zkb_status guarded(reader_fn fn, const char *path, const char *dir, char *msg, size_t cap)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        signal(SIGALRM, SIG_DFL);
        alarm(GUARD_SECONDS);
        char m[ZKBI_ERR_LEN] = "";
        int32_t st = fn(path, dir, m, sizeof m);
        if (write(p[1], &st, sizeof st) != (ssize_t)sizeof st ||
            write(p[1], m, strlen(m)) != (ssize_t)strlen(m))
            _exit(2);
        _exit(0);
    }
    close(p[1]);
    char buf[sizeof(int32_t) + ZKBI_ERR_LEN];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) != 0) {
        if (r < 0)
            break;
        n += (size_t)r;
    }
    close(p[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        snprintf(msg, cap, "%s: the reader blocked (killed after %d s)", path, GUARD_SECONDS);
        return ZKB_ERR_INTERNAL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n < sizeof(int32_t))
        fail_msg("%s: the reader's child failed (status 0x%x)", path, (unsigned)status);
    int32_t st;
    memcpy(&st, buf, sizeof st);
    buf[n] = '\0';
    snprintf(msg, cap, "%s", buf + sizeof st);
    return (zkb_status)st;
}

/* ---- the kinds of files ------------------------------------------------------------- */

enum kind { FIFO, DIRECTORY, CHARDEV, SOCKET, N_KINDS };

static const char *const kind_text[N_KINDS] = {
    "is a FIFO (named pipe), not a regular file",
    "is a directory, not a regular file",
    "is a character device, not a regular file",
    "is a socket, not a regular file",
};

/* Makes path a file of this kind (its parent directories too). */
static void make_kind(const char *path, enum kind k)
{
    char parent[512];
    zkbt_fmt(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    assert_non_null(slash);
    *slash = '\0';
    assert_int_equal(zkbi_mkdirs(parent), 0);
    switch (k) {
    case FIFO:
        assert_int_equal(mkfifo(path, 0600), 0);
        break;
    case DIRECTORY:
        assert_int_equal(mkdir(path, 0700), 0);
        break;
    case CHARDEV: /* stat follows the link: a character device */
        assert_int_equal(symlink("/dev/null", path), 0);
        break;
    case SOCKET: {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        assert_true(strlen(path) < sizeof a.sun_path);
        memcpy(a.sun_path, path, strlen(path) + 1);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
        close(fd); /* the socket file stays */
        break;
    }
    default:
        fail();
    }
}

typedef struct reader {
    const char *what;
    reader_fn fn;
    const char *file;  /* under the temporary directory */
    const char *other; /* a regular file the reader needs beside it, or NULL */
} reader;

static const reader readers[] = {
    {"model JSON", read_model_json, "m.json", NULL},
    {"model ONNX", read_model_onnx, "m.onnx", NULL},
    {"ONNX operators", read_onnx_ops, "m.onnx", NULL},
    {"results (resume)", read_results, "out/results.jsonl", NULL},
    {"results (report)", read_report, "out/results.jsonl", NULL},
    {"IDX file", read_idx, "t10k-images-idx3-ubyte.gz", NULL},
    {"dataset mnist", read_mnist, "mnist/t10k-images-idx3-ubyte.gz",
     "mnist/t10k-labels-idx1-ubyte.gz"},
    {"dataset heart", read_heart, "heart/heart.csv", NULL},
    {"checksum", read_sha256, "heart/heart.csv", NULL},
};
#define N_READERS (sizeof readers / sizeof readers[0])

static void test_not_regular(void **state)
{
    (void)state;
    size_t bad = 0; /* every reader and kind that fails is printed, then one failure */
    for (size_t r = 0; r < N_READERS; r++) {
        for (int k = 0; k < N_KINDS; k++) {
            char dir[256], msg[ZKBI_ERR_LEN];
            assert_int_equal(zkbt_tmpdir(dir, sizeof dir, "input"), 0);
            /* path is made of kind k; the reader gets arg: the same path, but
             * for the report, which reads a directory's results.jsonl, its
             * directory */
            char path[512], arg[512];
            zkbt_fmt(arg, sizeof arg, "%s/%s", dir, readers[r].file);
            zkbt_fmt(path, sizeof path, "%s%s", arg,
                     readers[r].fn == read_report && k == DIRECTORY ? "/results.jsonl" : "");
            make_kind(path, (enum kind)k);
            if (readers[r].other)
                zkbt_write_file(zkbt_path(dir, readers[r].other), "", 0);
            zkb_status st = guarded(readers[r].fn, arg, dir, msg, sizeof msg);
            if (st != ZKB_ERR_IO || !strstr(msg, path) || !strstr(msg, kind_text[k])) {
                print_message("%s on a file that %s: got %s: %s\n", readers[r].what,
                              kind_text[k], zkb_status_str(st), msg);
                bad++;
            }
            zkbi_remove_tree(dir);
        }
    }
    if (bad)
        fail_msg("%zu cases: a reader took a file that is not a regular file (above)", bad);
}

/* A missing file is still "not found" (and for the results file when
 * resuming, a new run). */
static void test_missing(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_READERS; r++) {
        char dir[256], msg[ZKBI_ERR_LEN];
        assert_int_equal(zkbt_tmpdir(dir, sizeof dir, "input"), 0);
        const char *path = zkbt_path(dir, readers[r].file);
        zkb_status st = guarded(readers[r].fn, path, dir, msg, sizeof msg);
        zkb_status want = readers[r].fn == read_results ? ZKB_OK : ZKB_ERR_NOT_FOUND;
        if (st != want)
            fail_msg("%s on a missing file: got %s: %s", readers[r].what, zkb_status_str(st),
                     msg);
        if (want != ZKB_OK && !strstr(msg, "not found") && !strstr(msg, "No such file"))
            fail_msg("%s on a missing file: %s", readers[r].what, msg);
        zkbi_remove_tree(dir);
    }
}

/* The library's own check, for the message of each kind. */
static void test_file_kind(void **state)
{
    (void)state;
    assert_string_equal(zkbi_file_kind(S_IFIFO), "a FIFO (named pipe)");
    assert_string_equal(zkbi_file_kind(S_IFDIR), "a directory");
    assert_string_equal(zkbi_file_kind(S_IFCHR), "a character device");
    assert_string_equal(zkbi_file_kind(S_IFBLK), "a block device");
    assert_string_equal(zkbi_file_kind(S_IFSOCK), "a socket");
    char err[ZKBI_ERR_LEN];
    zkb_status st;
    assert_int_equal(zkbi_open_input("/dev/null", NULL, &st, err, sizeof err), -1);
    assert_int_equal(st, ZKB_ERR_IO);
    assert_string_equal(err, "/dev/null: is a character device, not a regular file");
    uint64_t size = 0;
    int fd = zkbi_open_input(ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json", &size, &st, err,
                             sizeof err);
    assert_true(fd >= 0);
    assert_int_equal(st, ZKB_OK);
    assert_true(size > 0);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_file_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
