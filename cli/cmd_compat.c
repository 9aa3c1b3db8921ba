/* zkbench compat: which backends support the operators of a model. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zkmlbench/zkb_onnx.h"

/* One row: an operator of the model and what it becomes in the IR. */
typedef struct row {
    const char *name; /* as in the file */
    size_t count;
    uint32_t map;     /* ZKB_ONNX_MAP_* (JSON rows: LAYER) */
    uint32_t ir_op;
} row;

static const char *support_text(zkb_backend_ref *b, const row *r)
{
    if (r->map == ZKB_ONNX_MAP_NONE)
        return "unsupported (importer)";
    if (r->map == ZKB_ONNX_MAP_ABSORBED || r->map == ZKB_ONNX_MAP_FOLDED)
        return "supported";
    if (r->map == ZKB_ONNX_MAP_OUTPUT)
        return "not proven";
    if (!zkb_backend_declares_op_support(b))
        return "unknown";
    switch (zkb_backend_op_support(b, r->ir_op)) {
    case ZKB_SUPPORT_NATIVE:
        return "supported";
    case ZKB_SUPPORT_EMULATED:
        return "emulated";
    default:
        return "unsupported";
    }
}

static void print_table(zkb_ctx *ctx, const row *rows, size_t n, int onnx, int imported)
{
    size_t nb = zkb_backend_count(ctx);
    /* columns: operator, count, [becomes,] one per backend (the last unpadded) */
    int wn = 22; /* the operator column: as wide as the longest name */
    for (size_t i = 0; i < n; i++)
        wn = (int)strlen(rows[i].name) > wn ? (int)strlen(rows[i].name) : wn;
    printf("\n%-*s %5s", wn, "operator", "count");
    if (onnx)
        printf("  %-12s", "becomes");
    for (size_t k = 0; k < nb; k++)
        printf(k + 1 < nb ? "  %-22s" : "  %s", zkb_backend_name(zkb_backend_at(ctx, k)));
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        printf("%-*s %5zu", wn, rows[i].name, rows[i].count);
        if (onnx)
            printf("  %-12s", rows[i].map == ZKB_ONNX_MAP_LAYER      ? zkb_op_name(rows[i].ir_op)
                              : rows[i].map == ZKB_ONNX_MAP_ABSORBED ? "(absorbed)"
                              : rows[i].map == ZKB_ONNX_MAP_FOLDED   ? "(folded)"
                              : rows[i].map == ZKB_ONNX_MAP_OUTPUT   ? "(left out)"
                                                                     : "-");
        for (size_t k = 0; k < nb; k++)
            printf(k + 1 < nb ? "  %-22s" : "  %s", support_text(zkb_backend_at(ctx, k), &rows[i]));
        printf("\n");
    }
    if (nb == 0) {
        printf("(no backend installed: see 'zkbench list')\n");
        return;
    }
    printf("\n");
    for (size_t k = 0; k < nb; k++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, k);
        size_t bad = 0, emu = 0, unknown = 0;
        for (size_t i = 0; i < n; i++) {
            const char *s = support_text(b, &rows[i]);
            bad += strncmp(s, "unsupported", 11) == 0;
            emu += strcmp(s, "emulated") == 0;
            unknown += strcmp(s, "unknown") == 0;
        }
        printf("%-22s ", zkb_backend_name(b));
        if (!imported && !bad)
            printf("cannot run it: the import fails (see above)\n");
        else if (bad)
            printf("cannot run it: %zu operator%s unsupported\n", bad, bad > 1 ? "s" : "");
        else if (unknown)
            printf("unknown: the backend does not declare its operator support\n");
        else if (emu)
            printf("can run it (%zu operator%s emulated)\n", emu, emu > 1 ? "s" : "");
        else
            printf("can run it\n");
    }
}

/* The zkb_op of an IR operator name (0 if unknown). */
static uint32_t op_code(const char *name)
{
    for (uint32_t o = 1; o <= ZKB_OP_MAX; o++)
        if (strcmp(zkb_op_name(o), name) == 0)
            return o;
    return 0;
}

static const char added_by_import[] = "(added by import)";

/* Layers the import made that no ONNX operator type of the file maps to (a
 * pad2d from the pads of a Conv or a pool, the flatten of a 2-D input): one
 * row per operator, so the backends' support of them counts too. */
static size_t add_import_rows(row *rows, size_t n, const zkb_model *m)
{
    for (uint32_t l = 0; l < zkb_model_layer_count(m); l++) {
        uint32_t code = op_code(zkb_model_layer_op(m, l));
        size_t i = 0;
        while (i < n && !(rows[i].map == ZKB_ONNX_MAP_LAYER && rows[i].ir_op == code))
            i++;
        if (i == n)
            rows[n++] = (row){added_by_import, 0, ZKB_ONNX_MAP_LAYER, code};
        if (rows[i].name == added_by_import)
            rows[i].count++;
    }
    return n;
}

static int compat_onnx(zkb_ctx *ctx, const char *path)
{
    zkb_onnx_ops *ops = NULL;
    zkb_status st = zkb_onnx_ops_load(ctx, path, &ops);
    if (st != ZKB_OK) {
        cli_error("%s", zkb_ctx_last_error(ctx));
        return cli_exit_for(st, CLI_INPUT);
    }
    size_t n = zkb_onnx_ops_count(ops);
    row *rows = calloc(n + ZKB_OP_MAX, sizeof *rows);
    if (!rows) {
        zkb_onnx_ops_free(ops);
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].name = zkb_onnx_ops_type(ops, i);
        rows[i].count = zkb_onnx_ops_nodes(ops, i);
        rows[i].map = zkb_onnx_op_mapping(rows[i].name, &rows[i].ir_op);
    }
    printf("%s: ONNX, opset %lld, %zu nodes\n", path, (long long)zkb_onnx_ops_opset(ops),
           zkb_onnx_ops_total_nodes(ops));
    zkb_model *m = NULL;
    int imported = zkb_model_load_onnx(ctx, path, &m) == ZKB_OK;
    if (imported) {
        printf("import: ok, %u layers, %u classes, fingerprint %s\n", zkb_model_layer_count(m),
               zkb_model_classes(m), zkb_model_fingerprint(m));
        n = add_import_rows(rows, n, m);
    } else
        printf("import: failed: %s\n", zkb_ctx_last_error(ctx));
    print_table(ctx, rows, n, 1, imported);
    zkb_model_free(m);
    free(rows);
    zkb_onnx_ops_free(ops);
    return EXIT_OK;
}

static int compat_ir(zkb_ctx *ctx, const char *path)
{
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_file(ctx, path, &m);
    if (st != ZKB_OK) {
        cli_error("%s", zkb_ctx_last_error(ctx));
        return cli_exit_for(st, CLI_INPUT);
    }
    uint32_t nl = zkb_model_layer_count(m);
    row rows[ZKB_OP_MAX];
    size_t n = 0;
    for (uint32_t l = 0; l < nl; l++) {
        const char *op = zkb_model_layer_op(m, l);
        size_t i = 0;
        while (i < n && strcmp(rows[i].name, op) != 0)
            i++;
        if (i == n)
            rows[n++] = (row){op, 0, ZKB_ONNX_MAP_LAYER, op_code(op)};
        rows[i].count++;
    }
    printf("%s: zkmlbench model, %u layers, fingerprint %s\n", path, nl, zkb_model_fingerprint(m));
    print_table(ctx, rows, n, 0, 1);
    zkb_model_free(m);
    return EXIT_OK;
}

static int is_onnx(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcasecmp(path + n - 5, ".onnx") == 0;
}

int cmd_compat(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: zkbench compat MODEL.onnx|MODEL.json...\n\n"
               "For every operator of the model (ONNX operator types as in the file, or the\n"
               "model IR's operators for a zkmlbench JSON model), prints what each installed\n"
               "backend says: supported, emulated, unsupported, or unknown (the backend does not\n"
               "declare it). ONNX operators the importer cannot map are 'unsupported (importer)'\n"
               "for every backend; for an ONNX file it also tries the import and shows the\n"
               "result. Files ending in .onnx are read as ONNX. See docs/onnx.md.\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("compat: unknown option '%s' (see 'zkbench compat --help')", argv[i]);
            return EXIT_USAGE;
        }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 1, &ctx);
    if (rc != EXIT_OK)
        return rc;
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            printf("\n");
        int r = is_onnx(argv[i]) ? compat_onnx(ctx, argv[i]) : compat_ir(ctx, argv[i]);
        rc = rc > r ? rc : r;
    }
    zkb_ctx_free(ctx);
    return rc;
}
