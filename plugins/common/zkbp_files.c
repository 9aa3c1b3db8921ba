/* Files and directories (zkbp_files.h). */
#include "zkbp_files.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zkbp_error.h"
#include "zkbp_host.h"

int zkbp_file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

long long zkbp_file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

int zkbp_mkdirs(const char *p)
{
    char buf[ZKBP_PATH];
    size_t n = strlen(p);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, p, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    return 0;
}

char *zkbp_read_file(const char *p, size_t max, size_t *len)
{
    FILE *fp = fopen(p, "rb");
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) != 0) {
        fclose(fp);
        return NULL;
    }
    long sz = ftell(fp);
    if (sz < 0 || (size_t)sz > max || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return NULL;
    }
    char *buf = zkbp_host->alloc((size_t)sz + 1);
    if (!buf) {
        fclose(fp);
        return NULL;
    }
    size_t got = fread(buf, 1, (size_t)sz, fp);
    fclose(fp);
    if (got != (size_t)sz) {
        zkbp_host->free(buf);
        return NULL;
    }
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

int zkbp_write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    int rc = fputs(text, f) < 0 ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int zkbp_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return -1;
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            rc = -1;
            break;
        }
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

uint64_t zkbp_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void zkbp_package_version(const char *pkg_json, const char *dflt, char *out, size_t cap)
{
    snprintf(out, cap, "%s", dflt);
    char *txt = zkbp_read_file(pkg_json, 1 << 20, NULL);
    if (!txt)
        return;
    const char *p = strstr(txt, "\"version\"");
    if (p && (p = strchr(p + 9, '"')) != NULL) {
        const char *e = strchr(p + 1, '"');
        if (e && (size_t)(e - p - 1) < cap)
            snprintf(out, cap, "%.*s", (int)(e - p - 1), p + 1);
    }
    zkbp_host->free(txt);
}

static const char *absolute(const char *d, char *buf, size_t cap)
{
    if (!d)
        return NULL;
    char tmp[PATH_MAX];
    if (!realpath(d, tmp) || strlen(tmp) >= cap)
        return NULL;
    memcpy(buf, tmp, strlen(tmp) + 1);
    return buf;
}

const char *zkbp_scratch_dir(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(zkbp_host->scratch_dir(h), buf, cap);
}

const char *zkbp_cache_dir(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(zkbp_host->cache_dir(h), buf, cap);
}

zkb_status zkbp_work_dirs(zkb_host_ctx *h, char *cache, char *scratch)
{
    if (!zkbp_cache_dir(h, cache, ZKBP_PATH) || !zkbp_scratch_dir(h, scratch, ZKBP_PATH))
        return zkbp_fail(h, ZKB_ERR_IO, "no cache or scratch directory");
    return ZKB_OK;
}
