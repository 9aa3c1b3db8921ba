/* Small file helpers shared by the plugins (zkbp_files.h). */
#include "zkbp_files.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

char *zkbp_read_file(const zkb_host_api *host, const char *p, size_t max, size_t *len)
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
    char *buf = host->alloc((size_t)sz + 1);
    if (!buf) {
        fclose(fp);
        return NULL;
    }
    size_t got = fread(buf, 1, (size_t)sz, fp);
    fclose(fp);
    if (got != (size_t)sz) {
        host->free(buf);
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

void zkbp_package_version(const zkb_host_api *host, const char *pkg_json, const char *dflt,
                          char *out, size_t cap)
{
    snprintf(out, cap, "%s", dflt);
    char *txt = zkbp_read_file(host, pkg_json, 1 << 20, NULL);
    if (!txt)
        return;
    const char *p = strstr(txt, "\"version\"");
    if (p && (p = strchr(p + 9, '"')) != NULL) {
        const char *e = strchr(p + 1, '"');
        if (e && (size_t)(e - p - 1) < cap)
            snprintf(out, cap, "%.*s", (int)(e - p - 1), p + 1);
    }
    host->free(txt);
}

int zkbp_write_weights(const zkb_qmodel_desc *qm, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkb_qlayer_desc *L = qm->layers[i];
        if (!L->weights)
            continue;
        for (uint64_t k = 0; k < L->n_weights; k++)
            fprintf(f, "%" PRId64 "\n", L->weights[k]);
        for (uint64_t k = 0; k < L->n_bias; k++)
            fprintf(f, "%" PRId64 "\n", L->bias[k]);
    }
    return fclose(f) == 0 ? 0 : -1;
}
