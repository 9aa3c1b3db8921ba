/* Backend options "k=v,k=v": checked against the backend's declarations,
 * typed, and put in a canonical form (part of the cell id). In a value, "\,"
 * is a comma and "\\" a backslash; the canonical form escapes them again. */
#include "run_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTS_MAX 64

static const char *type_name(uint32_t t)
{
    switch (t) {
    case ZKB_OPT_STRING: return "string";
    case ZKB_OPT_INT: return "integer";
    case ZKB_OPT_DOUBLE: return "number";
    case ZKB_OPT_BOOL: return "boolean";
    }
    return "?";
}

static void valid_keys(const zkb_backend *vt, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < vt->n_options && used < cap; i++) {
        const zkb_option_decl *d = zkbi_option_decl(vt, i);
        int n = snprintf(out + used, cap - used, "%s%s (%s)", i ? ", " : "", d->key, type_name(d->type));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int in_choices(const char *choices, const char *v)
{
    size_t vl = strlen(v);
    for (const char *p = choices;;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == vl && strncmp(p, v, l) == 0)
            return 1;
        if (!bar)
            return 0;
        p = bar + 1;
    }
}

/* Types and normalizes one value; the canonical text goes to text. */
static zkb_status type_value(const zkb_option_decl *d, const char *val, zkb_option_value *v,
                             char *text, size_t cap, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    v->type = d->type;
    char *end = NULL;
    errno = 0;
    switch (d->type) {
    case ZKB_OPT_INT:
        v->i = strtoll(val, &end, 10);
        if (errno || end == val || *end) {
            zkbi_errf(err, errlen, "option '%s': '%s' is not an integer", d->key, val);
            return ZKB_ERR_PARSE;
        }
        snprintf(text, cap, "%lld", (long long)v->i);
        break;
    case ZKB_OPT_DOUBLE:
        v->d = strtod(val, &end);
        if (errno || end == val || *end || !isfinite(v->d)) {
            zkbi_errf(err, errlen, "option '%s': '%s' is not a finite number", d->key, val);
            return ZKB_ERR_PARSE;
        }
        snprintf(text, cap, "%.17g", v->d);
        break;
    case ZKB_OPT_BOOL:
        if (!strcmp(val, "1") || !strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "on"))
            v->b = 1;
        else if (!strcmp(val, "0") || !strcmp(val, "false") || !strcmp(val, "no") || !strcmp(val, "off"))
            v->b = 0;
        else {
            zkbi_errf(err, errlen, "option '%s': '%s' is not a boolean (true|false|1|0|yes|no|on|off)",
                      d->key, val);
            return ZKB_ERR_PARSE;
        }
        snprintf(text, cap, "%s", v->b ? "true" : "false");
        break;
    default:
        snprintf(text, cap, "%s", val);
        break;
    }
    if (d->choices && *d->choices && !in_choices(d->choices, text)) {
        zkbi_errf(err, errlen, "option '%s': '%s' is not one of %s", d->key, val, d->choices);
        return ZKB_ERR_PARSE;
    }
    return ZKB_OK;
}

void zkbi_options_free(zkbi_opt *o, size_t n)
{
    for (size_t i = 0; o && i < n; i++) {
        free(o[i].key);
        free(o[i].text);
    }
    free(o);
}

static int cmp_opt(const void *a, const void *b)
{
    return strcmp(((const zkbi_opt *)a)->key, ((const zkbi_opt *)b)->key);
}

static char *canonical(const zkbi_opt *o, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(o[i].key) + 2 * strlen(o[i].text) + 2;
    char *s = malloc(len);
    if (!s)
        return NULL;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(s + used, len - used, "%s%s=", i ? "," : "", o[i].key);
        for (const char *c = o[i].text; *c; c++) {
            if (*c == ',' || *c == '\\')
                s[used++] = '\\';
            s[used++] = *c;
        }
    }
    s[used] = '\0';
    return s;
}

/* Cuts the next item at an unescaped comma, unescaping "\," and "\\" in
 * place; NULL at the end. */
static char *next_item(char **cursor)
{
    char *start = *cursor;
    if (!start)
        return NULL;
    char *r = start, *w = start;
    while (*r && *r != ',') {
        if (*r == '\\' && (r[1] == ',' || r[1] == '\\'))
            r++;
        *w++ = *r++;
    }
    *cursor = *r ? r + 1 : NULL;
    *w = '\0';
    return start;
}

static zkb_status parse_item(const zkb_backend *vt, char *item, zkbi_opt *o, size_t n_done,
                             char *err, size_t errlen)
{
    char *eq = strchr(item, '=');
    if (!eq) {
        zkbi_errf(err, errlen, "options: '%s' is not key=value", trim(item));
        return ZKB_ERR_PARSE;
    }
    *eq = '\0';
    char *key = trim(item), *val = trim(eq + 1);
    const zkb_option_decl *d = NULL;
    for (uint32_t i = 0; i < vt->n_options && !d; i++)
        if (zkbi_option_decl(vt, i)->key && strcmp(zkbi_option_decl(vt, i)->key, key) == 0)
            d = zkbi_option_decl(vt, i);
    if (!d) {
        char keys[768];
        valid_keys(vt, keys, sizeof keys);
        if (vt->n_options)
            zkbi_errf(err, errlen, "backend '%s': unknown option '%s' (valid: %s)", vt->name, key, keys);
        else
            zkbi_errf(err, errlen, "backend '%s': unknown option '%s' (this backend takes no options)",
                      vt->name, key);
        return ZKB_ERR_NOT_FOUND;
    }
    for (size_t i = 0; i < n_done; i++)
        if (strcmp(o[i].key, key) == 0) {
            zkbi_errf(err, errlen, "option '%s' given twice", key);
            return ZKB_ERR_INVALID_ARG;
        }
    if (!*val) {
        zkbi_errf(err, errlen, "option '%s': empty value", key);
        return ZKB_ERR_PARSE;
    }
    char text[512];
    zkb_option_value v;
    zkb_status st = type_value(d, val, &v, text, sizeof text, err, errlen);
    if (st != ZKB_OK)
        return st;
    o[n_done].key = strdup(key);
    o[n_done].text = strdup(text);
    if (!o[n_done].key || !o[n_done].text) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    o[n_done].v = v;
    o[n_done].v.s = o[n_done].text;
    return ZKB_OK;
}

zkb_status zkbi_options_parse(const zkb_backend *vt, const char *spec, zkbi_opt **out, size_t *n,
                              char **canon, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    *canon = NULL;
    char *copy = strdup(spec ? spec : "");
    zkbi_opt *o = calloc(OPTS_MAX, sizeof *o);
    if (!copy || !o) {
        free(copy);
        free(o);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    zkb_status st = ZKB_OK;
    size_t k = 0;
    char *cursor = copy;
    for (char *item = next_item(&cursor); item && st == ZKB_OK; item = next_item(&cursor)) {
        if (!*trim(item))
            continue;
        if (k == OPTS_MAX) {
            zkbi_errf(err, errlen, "more than %d options", OPTS_MAX);
            st = ZKB_ERR_INVALID_ARG;
            break;
        }
        st = parse_item(vt, item, o, k, err, errlen);
        if (st == ZKB_OK)
            k++;
    }
    free(copy);
    if (st == ZKB_OK) {
        qsort(o, k, sizeof *o, cmp_opt);
        *canon = canonical(o, k);
        if (!*canon) {
            zkbi_errf(err, errlen, "out of memory");
            st = ZKB_ERR_NOMEM;
        }
    }
    if (st != ZKB_OK) {
        zkbi_options_free(o, OPTS_MAX);
        return st;
    }
    *out = o;
    *n = k;
    return ZKB_OK;
}
