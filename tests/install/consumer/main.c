/* Consumer of an installed libzkmlbench: the header and the library it links
 * must agree on the version. The context and model calls pull the library's
 * JSON, hashing and plugin-loading code into a static link, so a missing
 * Libs.private / Requires.private / find_dependency entry fails the link. */
#include <stdio.h>
#include <string.h>

#include <zkmlbench/zkmlbench.h>

int main(void)
{
    const char *v = zkb_version_string();
    printf("zkmlbench %s (header %s)\n", v ? v : "(null)", ZKB_VERSION_STRING);
    if (!v || strcmp(v, ZKB_VERSION_STRING) != 0)
        return 1;

    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return 1;
    static const char bad[] = "{\"not\": \"a model\"}";
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_json(ctx, bad, sizeof bad - 1, &m);
    printf("loading a non-model: %s\n", zkb_status_str(st));
    zkb_model_free(m);
    zkb_ctx_free(ctx);
    return st == ZKB_OK ? 1 : 0;
}
