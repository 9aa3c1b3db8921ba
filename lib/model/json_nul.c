/* Finding a NUL character (\u0000) in a string of JSON text that cJSON
 * parsed. cJSON keeps strings as C strings, so "tiny\u0000dense" reads as
 * "tiny", and a member name "op\u0000x" as "op": the text is scanned for the
 * escape, and the tree walked in the same order to say where it is. */
#include "model_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Index (0-based, in document order: a member's name, then its value) of the
 * first string token of text[0, len) holding a \u0000 escape; -1 if none.
 * The text is valid JSON (cJSON parsed it), so every '"' outside a string
 * starts one. */
static long first_nul_string(const char *text, size_t len)
{
    long k = -1;
    size_t i = 0;
    while (i < len) {
        if (text[i] != '"') {
            i++;
            continue;
        }
        k++;
        for (i++; i < len && text[i] != '"'; i++) {
            if (text[i] != '\\' || i + 1 >= len)
                continue;
            if (text[i + 1] == 'u' && i + 6 <= len && memcmp(text + i + 2, "0000", 4) == 0)
                return k;
            i++; /* the escaped character */
        }
        i++; /* the closing quote */
    }
    return -1;
}

typedef struct walk {
    long want, seen;
    char *path;
    size_t cap;
    int is_key;
    int found;
} walk;

/* Visits it (whose path is w->path[0, at)) and everything under it. */
static void visit(walk *w, const cJSON *it, size_t at)
{
    char b[64];
    if (w->found)
        return;
    if (cJSON_IsString(it)) {
        if (w->seen++ == w->want)
            w->found = 1;
        return;
    }
    int is_obj = cJSON_IsObject(it);
    if (!is_obj && !cJSON_IsArray(it))
        return;
    int idx = 0;
    for (const cJSON *c = it->child; c && !w->found; c = c->next, idx++) {
        w->path[at < w->cap ? at : w->cap - 1] = '\0';
        if (is_obj && w->seen++ == w->want) {
            w->found = 1;
            w->is_key = 1;
            return;
        }
        if (at < w->cap && is_obj)
            snprintf(w->path + at, w->cap - at, ".%s", zkbi_printable(c->string, b, sizeof b));
        else if (at < w->cap)
            snprintf(w->path + at, w->cap - at, "[%d]", idx);
        visit(w, c, strlen(w->path));
    }
}

int zkbi_json_nul_string(const char *text, size_t len, const struct cJSON *root, char *path,
                         size_t cap, int *is_key)
{
    long k = first_nul_string(text, len);
    if (k < 0 || cap < 2)
        return 0;
    walk w = {k, 0, path, cap, 0, 0};
    snprintf(path, cap, "$");
    visit(&w, root, 1);
    *is_key = w.is_key;
    return 1;
}
