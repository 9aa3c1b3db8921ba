#include "cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the ONNX import did ("import_steps" of the metadata), or NULL. */
static cJSON *import_steps(const zkb_model *m, cJSON **meta)
{
    const char *text = zkb_model_metadata(m);
    *meta = text ? cJSON_Parse(text) : NULL;
    cJSON *steps = *meta ? cJSON_GetObjectItem(*meta, "import_steps") : NULL;
    return cJSON_IsArray(steps) ? steps : NULL;
}

static void print_text(const char *path, const zkb_model *m)
{
    uint32_t c, h, w;
    zkb_model_input_shape(m, &c, &h, &w);
    printf("%s\n  name         %s\n  input        [%u, %u, %u]\n  classes      %u\n"
           "  parameters   %llu\n  fingerprint  %s\n  layers      ",
           path, zkb_model_name(m), c, h, w, zkb_model_classes(m),
           (unsigned long long)zkb_model_param_count(m), zkb_model_fingerprint(m));
    for (uint32_t l = 0; l < zkb_model_layer_count(m); l++)
        printf(" %s", zkb_model_layer_op(m, l));
    printf("\n");
    const char *fn = zkb_output_fn_name(zkb_model_output_fn(m));
    if (fn)
        printf("  output fn    %s (applied by the float evaluator; not proven: the proofs "
               "cover the logits)\n", fn);
    cJSON *meta, *steps = import_steps(m, &meta), *s;
    const char *lead = "  import       ";
    cJSON_ArrayForEach(s, steps) {
        const cJSON *kind = cJSON_GetObjectItem(s, "kind"), *what = cJSON_GetObjectItem(s, "what"),
                    *count = cJSON_GetObjectItem(s, "count");
        if (!cJSON_IsString(kind) || !cJSON_IsString(what))
            continue;
        printf("%s%s: %s", lead, strcmp(kind->valuestring, "left_out") == 0 ? "left out"
                                 : kind->valuestring, what->valuestring);
        if (cJSON_IsNumber(count) && count->valuedouble > 1)
            printf(" (x%.0f)", count->valuedouble);
        printf("\n");
        lead = "               ";
    }
    cJSON_Delete(meta);
}

static cJSON *as_json(const char *path, const zkb_model *m)
{
    uint32_t c, h, w;
    zkb_model_input_shape(m, &c, &h, &w);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", path);
    cJSON_AddStringToObject(o, "name", zkb_model_name(m));
    cJSON *in = cJSON_AddArrayToObject(o, "input");
    cJSON_AddItemToArray(in, cJSON_CreateNumber(c));
    cJSON_AddItemToArray(in, cJSON_CreateNumber(h));
    cJSON_AddItemToArray(in, cJSON_CreateNumber(w));
    cJSON_AddNumberToObject(o, "classes", zkb_model_classes(m));
    cJSON_AddNumberToObject(o, "parameters", (double)zkb_model_param_count(m));
    cJSON_AddStringToObject(o, "fingerprint", zkb_model_fingerprint(m));
    cJSON *layers = cJSON_AddArrayToObject(o, "layers");
    for (uint32_t l = 0; l < zkb_model_layer_count(m); l++)
        cJSON_AddItemToArray(layers, cJSON_CreateString(zkb_model_layer_op(m, l)));
    const char *fn = zkb_output_fn_name(zkb_model_output_fn(m));
    if (fn) {
        cJSON_AddStringToObject(o, "output_fn", fn);
        cJSON_AddBoolToObject(o, "output_fn_proven", 0);
    }
    cJSON *meta, *steps = import_steps(m, &meta);
    if (steps)
        cJSON_AddItemToObject(o, "import_steps", cJSON_Duplicate(steps, 1));
    cJSON_Delete(meta);
    return o;
}

int cmd_model(int argc, char **argv)
{
    int json = 0, files = 0;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: zkbench model [--json] FILE...\n\n"
               "Loads each model file, reports the first fault with its JSON path (or the ONNX\n"
               "node), or prints the name, input shape, classes, layers, parameter count and\n"
               "fingerprint; for an ONNX file also what the import folded, fused and left out\n"
               "of the proven computation (a final Softmax, for example).\n\n"
               "  --json    one JSON array with an object per model\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("model: unknown option '%s' (see 'zkbench model --help')", argv[i]);
            return EXIT_USAGE;
        }
        files++;
    }
    if (!files) {
        cli_error("model: no model file (see 'zkbench model --help')");
        return EXIT_USAGE;
    }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    cJSON *all = json ? cJSON_CreateArray() : NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            continue;
        zkb_model *m = NULL;
        zkb_status st = zkb_model_load_file(ctx, argv[i], &m);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_ctx_last_error(ctx));
            int r = cli_exit_for(st, CLI_INPUT);
            rc = rc > r ? rc : r;
            continue;
        }
        if (json)
            cJSON_AddItemToArray(all, as_json(argv[i], m));
        else
            print_text(argv[i], m);
        zkb_model_free(m);
    }
    if (json) {
        char *text = cJSON_Print(all);
        if (text)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(all);
    }
    zkb_ctx_free(ctx);
    return rc;
}
