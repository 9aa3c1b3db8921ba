/* zkb_data_fetch: downloads the canonical MNIST files with curl (or wget),
 * checks their SHA-256, and only then moves them into the data directory. */
#include "data_int.h"
#include "zkmlbench/zkb_data.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const struct {
    const char *name;
    const char *sha256;
} canonical[] = {
    {"t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
    {"t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
    {"train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
    {"train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
};
#define N_CANONICAL (sizeof canonical / sizeof canonical[0])

/* Public mirrors of the original files (the original site often refuses
 * scripted downloads); the checksum decides, not the host. */
static const char *const mirrors[] = {
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
};
#define N_MIRRORS (sizeof mirrors / sizeof mirrors[0])

/* Runs argv (no shell) with its output discarded; returns the exit status,
 * 127 when the program cannot be started. */
static int run_quiet(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return 127;
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int download(const char *url, const char *dest)
{
    char *curl[] = {"curl", "-fsSL", "--retry", "2", "--connect-timeout", "20", "-o", (char *)dest,
                    (char *)url, NULL};
    int rc = run_quiet(curl);
    if (rc != 127)
        return rc;
    char *wget[] = {"wget", "-q", "-t", "2", "-T", "20", "-O", (char *)dest, (char *)url, NULL};
    return run_quiet(wget);
}

/* One file: already there and right, or fetched from the first mirror whose
 * copy has the right checksum. */
static const char *fetch_one(const char *dir, size_t i, char *detail, size_t cap)
{
    char final[4200], part[4300], hex[65], err[ZKBI_ERR_LEN];
    snprintf(final, sizeof final, "%s/%s", dir, canonical[i].name);
    if (zkbi_sha256_file(final, hex, err, sizeof err) == ZKB_OK && strcmp(hex, canonical[i].sha256) == 0) {
        snprintf(detail, cap, "%s (already there)", final);
        return "ok";
    }
    snprintf(part, sizeof part, "%s.part", final);
    char tried[1024] = "";
    for (size_t m = 0; m < N_MIRRORS; m++) {
        char url[512];
        snprintf(url, sizeof url, "%s%s", mirrors[m], canonical[i].name);
        int rc = download(url, part);
        size_t used = strlen(tried);
        if (rc == 127) {
            snprintf(detail, cap, "neither curl nor wget is installed");
            return "error";
        }
        if (rc != 0) {
            snprintf(tried + used, sizeof tried - used, "%s%s: exit %d", used ? "; " : "", url, rc);
            continue;
        }
        if (zkbi_sha256_file(part, hex, err, sizeof err) != ZKB_OK || strcmp(hex, canonical[i].sha256) != 0) {
            snprintf(tried + used, sizeof tried - used, "%s%s: wrong SHA-256", used ? "; " : "", url);
            continue;
        }
        if (rename(part, final) != 0) {
            snprintf(detail, cap, "%s: %s", final, strerror(errno));
            unlink(part);
            return "error";
        }
        snprintf(detail, cap, "%s (from %s)", final, url);
        return "ok";
    }
    unlink(part);
    snprintf(detail, cap, "download failed: %s", tried);
    return "error";
}

zkb_status zkb_data_fetch(zkb_ctx *ctx, zkb_data_verify_fn fn, void *user)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    char dir[4100];
    snprintf(dir, sizeof dir, "%s/mnist", ctx->data_dir);
    if (zkbi_mkdirs(dir) != 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
    size_t failed = 0;
    for (size_t i = 0; i < N_CANONICAL; i++) {
        char detail[8192];
        const char *status = fetch_one(dir, i, detail, sizeof detail);
        failed += strcmp(status, "ok") != 0;
        if (fn) {
            char name[128];
            snprintf(name, sizeof name, "mnist/%s", canonical[i].name);
            fn(user, name, status, detail);
        }
    }
    if (failed)
        return zkbi_ctx_fail(ctx, ZKB_ERR_IO, "%zu of %zu MNIST files could not be fetched into %s", failed,
                             (size_t)N_CANONICAL, dir);
    return ZKB_OK;
}
