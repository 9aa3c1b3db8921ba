/* heart.csv (Heart Failure Prediction): the reference study's preprocessing.
 *
 * Feature order is what pandas gives for
 *   df[c] = LabelEncoder().fit_transform(df[c]) for c in (Sex, ExerciseAngina)
 *   X = pd.get_dummies(df, columns=[ChestPainType, RestingECG, ST_Slope])
 *         .drop(columns=HeartDisease)
 * i.e. the remaining columns in file order, then the dummies of each one-hot
 * column in that list's order, values sorted. See docs/datasets.md. */
#include "data_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col_kind { NUM, LABEL_ENC, ONE_HOT, TARGET };

typedef struct col_spec {
    const char *name;
    enum col_kind kind;
    const char *const *vocab; /* sorted; LABEL_ENC: index is the code */
    unsigned n_vocab;
    unsigned feature;         /* first feature index (not TARGET) */
} col_spec;

static const char *const v_sex[] = {"F", "M"};
static const char *const v_angina[] = {"N", "Y"};
static const char *const v_cp[] = {"ASY", "ATA", "NAP", "TA"};
static const char *const v_ecg[] = {"LVH", "Normal", "ST"};
static const char *const v_slope[] = {"Down", "Flat", "Up"};

/* In the file's column order. */
static const col_spec cols[] = {
    {"Age", NUM, NULL, 0, 0},
    {"Sex", LABEL_ENC, v_sex, 2, 1},
    {"ChestPainType", ONE_HOT, v_cp, 4, 8},
    {"RestingBP", NUM, NULL, 0, 2},
    {"Cholesterol", NUM, NULL, 0, 3},
    {"FastingBS", NUM, NULL, 0, 4},
    {"RestingECG", ONE_HOT, v_ecg, 3, 12},
    {"MaxHR", NUM, NULL, 0, 5},
    {"ExerciseAngina", LABEL_ENC, v_angina, 2, 6},
    {"Oldpeak", NUM, NULL, 0, 7},
    {"ST_Slope", ONE_HOT, v_slope, 3, 15},
    {"HeartDisease", TARGET, NULL, 0, 0},
};
#define N_COLS (sizeof cols / sizeof cols[0])

static const char *const feature_names[ZKBI_HEART_FEATURES] = {
    "Age", "Sex", "RestingBP", "Cholesterol", "FastingBS", "MaxHR", "ExerciseAngina", "Oldpeak",
    "ChestPainType_ASY", "ChestPainType_ATA", "ChestPainType_NAP", "ChestPainType_TA",
    "RestingECG_LVH", "RestingECG_Normal", "RestingECG_ST",
    "ST_Slope_Down", "ST_Slope_Flat", "ST_Slope_Up",
};

const char *zkbi_heart_feature_name(size_t i)
{
    return i < ZKBI_HEART_FEATURES ? feature_names[i] : NULL;
}

void zkbi_heart_free(zkbi_heart *h)
{
    if (!h)
        return;
    free(h->x);
    free(h->y);
    memset(h, 0, sizeof *h);
}

/* ---- CSV tokenizing ------------------------------------------------------ */

#define MAX_FIELDS 64
#define MAX_FIELD 256

typedef struct line_fields {
    size_t n;                  /* fields found (may exceed MAX_FIELDS: counted only) */
    char f[MAX_FIELDS][MAX_FIELD];
    int too_long;              /* some field was cut */
    int bad_quote;
} line_fields;

/* Split one line [p, end) into fields: commas separate, a field may be
 * "quoted" with "" for a quote, surrounding blanks are dropped. */
static void split_line(const char *p, const char *end, line_fields *lf)
{
    lf->n = 0;
    lf->too_long = 0;
    lf->bad_quote = 0;
    for (;;) {
        char tmp[MAX_FIELD];
        size_t len = 0;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    lf->bad_quote = 1;
                    break;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        if (len + 1 < MAX_FIELD)
                            tmp[len++] = '"';
                        else
                            lf->too_long = 1;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (len + 1 < MAX_FIELD)
                    tmp[len++] = *p;
                else
                    lf->too_long = 1;
                p++;
            }
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p < end && *p != ',')
                lf->bad_quote = 1;
            while (p < end && *p != ',')
                p++;
        } else {
            while (p < end && *p != ',') {
                if (len + 1 < MAX_FIELD)
                    tmp[len++] = *p;
                else
                    lf->too_long = 1;
                p++;
            }
            while (len && (tmp[len - 1] == ' ' || tmp[len - 1] == '\t'))
                len--;
        }
        tmp[len] = 0;
        if (lf->n < MAX_FIELDS)
            memcpy(lf->f[lf->n], tmp, len + 1);
        lf->n++;
        if (p >= end)
            break;
        p++; /* the comma */
    }
}

static int blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!isspace((unsigned char)*p))
            return 0;
    return 1;
}

/* Plain decimal: [+-] digits [. digits] [e [+-] digits], or with the digits
 * after the point only (".5"). Not what strtod takes besides: hexadecimal
 * ("0x10"), "inf", "nan", leading blanks. */
static int plain_decimal(const char *s)
{
    size_t i = 0, int_digits = 0, frac_digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; s[i] >= '0' && s[i] <= '9'; i++)
        int_digits++;
    if (s[i] == '.')
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            frac_digits++;
    if (int_digits + frac_digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        if (!(s[i] >= '0' && s[i] <= '9'))
            return 0;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return s[i] == '\0';
}

/* Strict number: the whole field is a plain decimal, finite as a float32
 * (features are float). NULL, or why not (after "is not a number"). */
static const char *parse_num(const char *s, double *v)
{
    if (!plain_decimal(s))
        return " (plain decimals only, such as 140, -0.5 or 1e2)";
    char *e = NULL;
    double d = strtod(s, &e);
    if (e == s || *e || !zkbi_fits_float32(d))
        return " in float32 range";
    *v = d;
    return NULL;
}

static void vocab_list(const col_spec *c, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < c->n_vocab && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i == 0 ? "" : i + 1 == c->n_vocab ? " or " : ", ",
                         c->vocab[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

zkb_status zkbi_heart_parse(const char *buf, size_t len, const char *name, zkbi_heart *out,
                            char *err, size_t errn)
{
    if (!out || (!buf && len))
        return ZKB_ERR_INVALID_ARG;
    if (!name)
        name = "heart.csv";
    memset(out, 0, sizeof *out);
    const char *p = buf, *end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (blank(p, end)) {
        zkbi_errf(err, errn, "%s: empty file", name);
        return ZKB_ERR_PARSE;
    }
    if (memchr(p, 0, (size_t)(end - p))) {
        zkbi_errf(err, errn, "%s: contains a NUL byte: not a CSV text file", name);
        return ZKB_ERR_PARSE;
    }

    line_fields *lf = malloc(sizeof *lf);
    if (!lf) {
        zkbi_errf(err, errn, "%s: out of memory", name);
        return ZKB_ERR_NOMEM;
    }
    zkb_status st = ZKB_OK;
    size_t cap_rows = 0, n = 0, lineno = 0;
    size_t pos[N_COLS]; /* field index of each needed column */
    size_t n_header = 0;
    int have_header = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        lineno++;
        if (le > p && le[-1] == '\r')
            le--;
        if (blank(p, le)) {
            p = next;
            continue;
        }
        split_line(p, le, lf);
        p = next;
        if (lf->n > MAX_FIELDS) {
            zkbi_errf(err, errn, "%s: line %zu: %zu fields, more than the limit of %d", name,
                      lineno, lf->n, MAX_FIELDS);
            st = ZKB_ERR_PARSE;
            break;
        }
        if (lf->too_long) {
            zkbi_errf(err, errn, "%s: line %zu: a field is longer than %d characters", name,
                      lineno, MAX_FIELD - 1);
            st = ZKB_ERR_PARSE;
            break;
        }
        if (lf->bad_quote) {
            zkbi_errf(err, errn, "%s: line %zu: unbalanced quotes", name, lineno);
            st = ZKB_ERR_PARSE;
            break;
        }
        if (!have_header) {
            have_header = 1;
            n_header = lf->n;
            for (size_t c = 0; c < N_COLS; c++) {
                pos[c] = SIZE_MAX;
                for (size_t k = 0; k < lf->n; k++) {
                    if (strcmp(lf->f[k], cols[c].name) != 0)
                        continue;
                    if (pos[c] != SIZE_MAX) {
                        zkbi_errf(err, errn, "%s: column '%s' appears twice in the header", name,
                                  cols[c].name);
                        st = ZKB_ERR_PARSE;
                        break;
                    }
                    pos[c] = k;
                }
                if (st != ZKB_OK)
                    break;
                if (pos[c] == SIZE_MAX) {
                    zkbi_errf(err, errn, "%s: missing column '%s' in the header (line %zu)", name,
                              cols[c].name, lineno);
                    st = ZKB_ERR_PARSE;
                    break;
                }
            }
            if (st != ZKB_OK)
                break;
            continue;
        }
        size_t row = n + 1; /* 1-based data row */
        if (lf->n != n_header) {
            zkbi_errf(err, errn, "%s: row %zu (line %zu): %zu fields, expected %zu", name, row,
                      lineno, lf->n, n_header);
            st = ZKB_ERR_PARSE;
            break;
        }
        if (n == cap_rows) {
            size_t nc = cap_rows ? cap_rows * 2 : 1024;
            float *nx = realloc(out->x, nc * ZKBI_HEART_FEATURES * sizeof *nx);
            if (nx)
                out->x = nx;
            int32_t *ny = nx ? realloc(out->y, nc * sizeof *ny) : NULL;
            if (!nx || !ny) {
                zkbi_errf(err, errn, "%s: out of memory", name);
                st = ZKB_ERR_NOMEM;
                break;
            }
            out->y = ny;
            cap_rows = nc;
        }
        float *x = out->x + n * ZKBI_HEART_FEATURES;
        memset(x, 0, ZKBI_HEART_FEATURES * sizeof *x);
        for (size_t c = 0; c < N_COLS && st == ZKB_OK; c++) {
            const col_spec *cs = &cols[c];
            const char *v = lf->f[pos[c]];
            const char *why;
            double d;
            switch (cs->kind) {
            case NUM:
                if ((why = parse_num(v, &d)) != NULL) {
                    zkbi_errf(err, errn, "%s: row %zu (line %zu), column '%s': '%s' is not a "
                              "number%s", name, row, lineno, cs->name, v, why);
                    st = ZKB_ERR_PARSE;
                    break;
                }
                x[cs->feature] = (float)d;
                break;
            case TARGET:
                if (parse_num(v, &d) || (d != 0.0 && d != 1.0)) {
                    zkbi_errf(err, errn, "%s: row %zu (line %zu), column '%s': '%s' is not 0 or 1",
                              name, row, lineno, cs->name, v);
                    st = ZKB_ERR_PARSE;
                    break;
                }
                out->y[n] = d != 0.0;
                break;
            case LABEL_ENC:
            case ONE_HOT: {
                unsigned k = 0;
                while (k < cs->n_vocab && strcmp(v, cs->vocab[k]) != 0)
                    k++;
                if (k == cs->n_vocab) {
                    char list[128];
                    vocab_list(cs, list, sizeof list);
                    zkbi_errf(err, errn, "%s: row %zu (line %zu), column '%s': unknown value '%s' "
                              "(expected %s)", name, row, lineno, cs->name, v, list);
                    st = ZKB_ERR_PARSE;
                    break;
                }
                if (cs->kind == LABEL_ENC)
                    x[cs->feature] = (float)k;
                else
                    x[cs->feature + k] = 1.0f;
                break;
            }
            }
        }
        if (st != ZKB_OK)
            break;
        n++;
    }
    free(lf);
    if (st == ZKB_OK && n == 0) {
        zkbi_errf(err, errn, "%s: no data rows after the header", name);
        st = ZKB_ERR_PARSE;
    }
    if (st != ZKB_OK) {
        zkbi_heart_free(out);
        return st;
    }
    out->n = n;
    return ZKB_OK;
}

/* ---- split and standardization ------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

size_t zkbi_heart_permutation(size_t n, uint64_t seed, size_t *perm)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(splitmix64(&s) % (uint64_t)i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    /* ceil(0.3 n) without floating point */
    return n / 10 * 3 + (n % 10 * 3 + 9) / 10;
}

zkb_status zkbi_heart_split(const zkbi_heart *h, const char *split, int standardize,
                            zkbi_heart *out, char *err, size_t errn)
{
    if (!h || !split || !out)
        return ZKB_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    int test;
    if (strcmp(split, "test") == 0)
        test = 1;
    else if (strcmp(split, "train") == 0)
        test = 0;
    else {
        zkbi_errf(err, errn, "heart: unknown split '%s' (expected test or train)", split);
        return ZKB_ERR_INVALID_ARG;
    }
    if (h->n < 2) {
        zkbi_errf(err, errn, "heart: %zu rows, too few to split", h->n);
        return ZKB_ERR_PARSE;
    }
    const size_t F = ZKBI_HEART_FEATURES;
    size_t *perm = malloc(h->n * sizeof *perm);
    if (!perm) {
        zkbi_errf(err, errn, "heart: out of memory");
        return ZKB_ERR_NOMEM;
    }
    size_t n_test = zkbi_heart_permutation(h->n, ZKBI_HEART_SPLIT_SEED, perm);
    size_t first = test ? 0 : n_test;
    size_t cnt = test ? n_test : h->n - n_test;
    out->x = malloc(cnt * F * sizeof *out->x);
    out->y = malloc(cnt * sizeof *out->y);
    if (!out->x || !out->y) {
        free(perm);
        zkbi_heart_free(out);
        zkbi_errf(err, errn, "heart: out of memory");
        return ZKB_ERR_NOMEM;
    }
    for (size_t i = 0; i < cnt; i++) {
        size_t r = perm[first + i];
        memcpy(out->x + i * F, h->x + r * F, F * sizeof *out->x);
        out->y[i] = h->y[r];
    }
    out->n = cnt;
    if (standardize) {
        size_t n_train = h->n - n_test;
        for (size_t f = 0; f < F; f++) {
            double mean = 0, var = 0;
            for (size_t i = n_test; i < h->n; i++)
                mean += h->x[perm[i] * F + f];
            mean /= (double)n_train;
            for (size_t i = n_test; i < h->n; i++) {
                double d = h->x[perm[i] * F + f] - mean;
                var += d * d;
            }
            double sd = sqrt(var / (double)n_train);
            if (sd == 0.0)
                sd = 1.0;
            for (size_t i = 0; i < cnt; i++)
                out->x[i * F + f] = (float)((out->x[i * F + f] - mean) / sd);
        }
    }
    free(perm);
    return ZKB_OK;
}
