/* BN254 field elements in decimal (zkbp_field.h). */
#include "zkbp_field.h"

#include <stdio.h>
#include <string.h>

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_host.h"

const char zkbp_bn254_p[] = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

/* a - b for decimal strings with a >= b (same or fewer digits in b). */
static void dec_sub(const char *a, const char *b, char *out, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    char tmp[128];
    int borrow = 0;
    size_t k = 0;
    for (size_t i = 0; i < la && k < sizeof tmp - 1; i++) {
        int da = a[la - 1 - i] - '0';
        int db = i < lb ? b[lb - 1 - i] - '0' : 0;
        int d = da - db - borrow;
        borrow = d < 0;
        if (d < 0)
            d += 10;
        tmp[k++] = (char)('0' + d);
    }
    while (k > 1 && tmp[k - 1] == '0')
        k--;
    size_t j = 0;
    for (; j < k && j < cap - 1; j++)
        out[j] = tmp[k - 1 - j];
    out[j] = '\0';
}

static int dec_to_i64(const char *d, int64_t *v)
{
    size_t n = strlen(d);
    if (n == 0 || n > 19)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(d[i] - '0');
    }
    if (x > (uint64_t)INT64_MAX)
        return -1;
    *v = (int64_t)x;
    return 0;
}

void zkbp_field_dec(int64_t v, char *out, size_t cap)
{
    if (v >= 0) {
        zkbp_fmt(out, cap, "%lld", (long long)v);
        return;
    }
    char a[32];
    zkbp_fmt(a, sizeof a, "%llu", (unsigned long long)(-(v + 1)) + 1ULL); /* |v|, INT64_MIN too */
    dec_sub(zkbp_bn254_p, a, out, cap);
}

/* `"key": ["v0","v1",...]`, after ",\n" unless first */
static void write_array(FILE *f, const char *key, const int64_t *v, uint64_t n, int first)
{
    fprintf(f, "%s\"%s\": [", first ? "" : ",\n", key);
    for (uint64_t i = 0; i < n; i++) {
        char d[100];
        zkbp_field_dec(v[i], d, sizeof d);
        fprintf(f, "%s\"%s\"", i ? "," : "", d);
    }
    fputc(']', f);
}

int zkbp_write_input_json(const char *path, const char *in_key, const int64_t *x, uint64_t n,
                          const zkb_qmodel_desc *qm)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputc('{', f);
    write_array(f, in_key, x, n, 1);
    for (uint32_t i = 0; qm && i < qm->n_layers; i++) {
        const zkb_qlayer_desc *Q = qm->layers[i];
        if (!Q->weights)
            continue;
        char k[32];
        zkbp_fmt(k, sizeof k, "w%u", i);
        write_array(f, k, Q->weights, Q->n_weights, 0);
        zkbp_fmt(k, sizeof k, "b%u", i);
        write_array(f, k, Q->bias, Q->n_bias, 0);
    }
    fputs("}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

int zkbp_parse_field_array(const char *json, const char *label, int64_t *out, size_t n, char *why,
                           size_t why_len)
{
    const char *p = json;
    size_t k = 0;
    while (*p && *p != '[')
        p++;
    if (*p != '[') {
        zkbp_fmt(why, why_len, "%s: not a JSON array", label);
        return -1;
    }
    p++;
    while (k < n) {
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ',')
            p++;
        if (*p != '"') {
            zkbp_fmt(why, why_len, "%s: %zu values, want at least %zu", label, k, n);
            return -1;
        }
        p++;
        char num[100];
        size_t j = 0;
        while (*p >= '0' && *p <= '9' && j < sizeof num - 1)
            num[j++] = *p++;
        num[j] = '\0';
        if (*p != '"' || j == 0 || j > 77) {
            zkbp_fmt(why, why_len, "%s: value %zu is not a field element", label, k);
            return -1;
        }
        p++;
        int64_t v;
        if (dec_to_i64(num, &v) == 0) {
            out[k++] = v;
            continue;
        }
        /* Above p/2: the negative number v - p. */
        if (j < 77 || strcmp(num, zkbp_bn254_p) >= 0) {
            zkbp_fmt(why, why_len, "%s: value %zu (%s) is not an int64 logit", label, k, num);
            return -1;
        }
        char d[100];
        dec_sub(zkbp_bn254_p, num, d, sizeof d);
        if (dec_to_i64(d, &v) != 0) {
            zkbp_fmt(why, why_len, "%s: value %zu (%s) is not an int64 logit", label, k, num);
            return -1;
        }
        out[k++] = -v;
    }
    return (int)k;
}

int zkbp_read_decimal(const char *path, char *out, size_t cap)
{
    char *text = zkbp_read_file(path, 4096, NULL);
    size_t n = text ? strspn(text, "0123456789") : 0;
    int ok = n > 0 && n < cap;
    if (ok) {
        memcpy(out, text, n);
        out[n] = '\0';
    }
    zkbp_host->free(text);
    return ok ? 0 : -1;
}

zkb_status zkbp_check_commitment(zkb_host_ctx *h, const char *what, const char *hash, const char *of,
                                 const char *got, const char *want)
{
    char key[64];
    zkbp_fmt(key, sizeof key, "%s_commitment", what);
    zkbp_host->info(h, key, got);
    if (!want[0])
        return zkbp_fail(h, ZKB_ERR_STATE, "no %s was recomputed to check the proof's against", key);
    if (strcmp(got, want) != 0)
        return zkbp_fail(h, ZKB_ERR_VERIFY, "the proof's %s commitment %s is not the %s commitment of %s (%s)", what,
                         got[0] ? got : "(missing)", hash, of, want);
    return ZKB_OK;
}
