/* SHA-256 (OpenSSL libcrypto, EVP) and the check of the known data files. */
#include "data_int.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ../shared/data/README.md */
static const struct {
    const char *path;
    const char *sha256;
} known[] = {
    {"mnist/t10k-images-idx3-ubyte.gz",
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
    {"mnist/t10k-labels-idx1-ubyte.gz",
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
    {"mnist/train-10k-images-idx3-ubyte.gz",
     "d39224d6769c3aedade68f831ff8ccee487b95b776ade24d85392964a9091508"},
    {"mnist/train-10k-labels-idx1-ubyte.gz",
     "22de29f028a18e4654185a32ddc5f3fd3881569d0e2c7653e04ea24b50769b1f"},
    {"heart/heart.csv", "948420b084d8a3a0ca42b8419fce9aee175879e43f8aedf712377899a67aa49b"},
};
#define N_KNOWN (sizeof known / sizeof known[0])

size_t zkb_data_file_count(void) { return N_KNOWN; }
const char *zkb_data_file_path(size_t i) { return i < N_KNOWN ? known[i].path : NULL; }
const char *zkb_data_file_sha256(size_t i) { return i < N_KNOWN ? known[i].sha256 : NULL; }

static void to_hex(const unsigned char *md, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = 0;
}

zkb_status zkbi_sha256_buf(const void *buf, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!hex || (!buf && len))
        return ZKB_ERR_INVALID_ARG;
    if (!EVP_Digest(buf ? buf : "", len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return ZKB_ERR_INTERNAL;
    to_hex(md, hex);
    return ZKB_OK;
}

zkb_status zkbi_sha256_file(const char *path, char hex[65], char *err, size_t errn)
{
    if (!path || !hex)
        return ZKB_ERR_INVALID_ARG;
    zkb_status fst;
    int fd = zkbi_open_input(path, NULL, &fst, err, errn);
    if (fd < 0)
        return fst;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        zkbi_errf(err, errn, "%s: out of memory", path);
        return ZKB_ERR_NOMEM;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        fclose(f);
        zkbi_errf(err, errn, "%s: cannot set up SHA-256", path);
        return ZKB_ERR_INTERNAL;
    }
    zkb_status st = ZKB_OK;
    unsigned char buf[64 * 1024];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
        if (!EVP_DigestUpdate(md, buf, r)) {
            st = ZKB_ERR_INTERNAL;
            zkbi_errf(err, errn, "%s: SHA-256 update failed", path);
            break;
        }
    }
    if (st == ZKB_OK && ferror(f)) {
        zkbi_errf(err, errn, "%s: read error: %s", path, strerror(errno));
        st = ZKB_ERR_IO;
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int outlen = 0;
    if (st == ZKB_OK && (!EVP_DigestFinal_ex(md, out, &outlen) || outlen != 32)) {
        zkbi_errf(err, errn, "%s: SHA-256 final failed", path);
        st = ZKB_ERR_INTERNAL;
    }
    EVP_MD_CTX_free(md);
    fclose(f);
    if (st == ZKB_OK)
        to_hex(out, hex);
    return st;
}

zkb_status zkb_data_verify(zkb_ctx *ctx, zkb_data_verify_fn fn, void *user)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!ctx->data_dir || !*ctx->data_dir)
        return zkbi_ctx_fail(ctx, ZKB_ERR_STATE, "no data directory set");
    size_t n_ok = 0, n_missing = 0, n_bad = 0;
    char first[ZKBI_ERR_LEN] = "";
    for (size_t i = 0; i < N_KNOWN; i++) {
        char path[4096], hex[65], err[ZKBI_ERR_LEN], detail[4200];
        const char *status;
        snprintf(path, sizeof path, "%s/%s", ctx->data_dir, known[i].path);
        zkb_status st = zkbi_sha256_file(path, hex, err, sizeof err);
        if (st == ZKB_ERR_NOT_FOUND) {
            status = "missing";
            snprintf(detail, sizeof detail, "%s", path);
            n_missing++;
        } else if (st != ZKB_OK) {
            status = "error";
            snprintf(detail, sizeof detail, "%s", err);
            n_bad++;
        } else if (strcmp(hex, known[i].sha256) != 0) {
            status = "mismatch";
            snprintf(detail, sizeof detail, "got %s", hex);
            n_bad++;
        } else {
            status = "ok";
            snprintf(detail, sizeof detail, "%s", path);
            n_ok++;
        }
        if (strcmp(status, "ok") != 0 && !first[0])
            snprintf(first, sizeof first, "%s: %s%s%.600s", known[i].path, status,
                     strcmp(status, "missing") != 0 ? ", " : "",
                     strcmp(status, "missing") != 0 ? detail : "");
        if (fn)
            fn(user, known[i].path, status, detail);
    }
    if (n_bad || n_missing)
        return zkbi_ctx_fail(ctx, n_bad ? ZKB_ERR_VERIFY : ZKB_ERR_NOT_FOUND,
                             "data in '%s': %zu ok, %zu missing, %zu bad (first: %.600s)",
                             ctx->data_dir, n_ok, n_missing, n_bad, first);
    return ZKB_OK;
}
