/* Option plumbing (zkbp_options.h). */
#include "zkbp_options.h"

#include <string.h>

#include "zkbp_error.h"
#include "zkbp_host.h"

const char *zkbp_opt_string(const zkb_option_value *v)
{
    return v->type == ZKB_OPT_STRING && v->s ? v->s : "";
}

zkb_status zkbp_opt_strdup(char **dst, const zkb_option_value *v)
{
    const char *str = zkbp_opt_string(v);
    zkbp_host->free(*dst);
    *dst = NULL;
    if (!*str)
        return ZKB_OK;
    size_t n = strlen(str);
    if (!(*dst = zkbp_host->alloc(n + 1)))
        return ZKB_ERR_NOMEM;
    memcpy(*dst, str, n + 1);
    return ZKB_OK;
}

static const char *choices_of(const char *key)
{
    for (uint32_t i = 0; i < zkbp_backend->n_options; i++)
        if (strcmp(zkbp_backend->options[i].key, key) == 0)
            return zkbp_backend->options[i].choices;
    return NULL;
}

zkb_status zkbp_opt_choice(zkb_host_ctx *h, const char *key, const zkb_option_value *v, int *index)
{
    const char *str = zkbp_opt_string(v);
    const char *c = choices_of(key);
    size_t len = strlen(str);
    for (int i = 0; c && *c; i++) {
        size_t n = strcspn(c, "|");
        if (n == len && strncmp(c, str, n) == 0) {
            *index = i;
            return ZKB_OK;
        }
        c += n + (c[n] == '|');
    }
    /* "a|b|c" said as "a, b or c" */
    char said[512] = "";
    size_t k = 0;
    c = choices_of(key);
    for (int i = 0; c && *c && k < sizeof said; i++) {
        size_t n = strcspn(c, "|");
        const char *sep = i == 0 ? "" : c[n] ? ", " : " or ";
        int w = zkbp_fmt(said + k, sizeof said - k, "%s%.*s", sep, (int)n, c);
        if (w < 0)
            break;
        k += (size_t)w;
        c += n + (c[n] == '|');
    }
    return zkbp_fail(h, ZKB_ERR_INVALID_ARG, "%s: %s, not %s", key, said, str);
}
