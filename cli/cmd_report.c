/* zkbench report: aggregate results.jsonl files into report.md, results.csv,
 * summary.json and SVG charts (docs/report.md). */
#include "cli.h"
#include "zkmlbench/zkb_report.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void report_usage(FILE *f)
{
    fprintf(f,
            "usage: zkbench report DIR|FILE... [--out OUTDIR] [-q]\n\n"
            "Reads DIR/results.jsonl (or the given .jsonl files; partial runs and\n"
            "truncated lines are fine: bad lines are reported and skipped), groups cells by\n"
            "model x backend x variant, and writes into OUTDIR (default: the first DIR, or\n"
            "the first FILE's directory):\n"
            "  report.md      tables per model, normalized scores, scaling slopes, charts\n"
            "  results.csv    one row per cell\n"
            "  summary.json   the aggregated figures, scores and slopes\n"
            "  charts/*.svg   radar per model, bars per metric, log-log scaling\n"
            "Failed cells appear with their reason, never as zeros. docs/report.md has the\n"
            "normalization, the columns and the schema.\n\n"
            "  -o, --out OUTDIR   output directory (created if missing)\n"
            "  -q, --quiet        do not list the files written\n\n"
            "exit: 0 ok; 2 usage; 3 an input is missing, unreadable or holds no record;\n"
            "4 the outputs could not be written\n");
}

static char *default_out(const char *in)
{
    struct stat sb;
    if (stat(in, &sb) == 0 && S_ISDIR(sb.st_mode))
        return strdup(in);
    char *c = strdup(in);
    if (!c)
        return NULL;
    char *d = strdup(dirname(c));
    free(c);
    return d;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    int quiet = 0;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n_in = 0;
    if (!inputs)
        return EXIT_INTERNAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            report_usage(stdout);
            free(inputs);
            return EXIT_OK;
        } else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
            if (++i >= argc) {
                cli_error("%s needs a directory", a);
                free(inputs);
                return EXIT_USAGE;
            }
            out = argv[i];
        } else if (strncmp(a, "--out=", 6) == 0) {
            out = a + 6;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_error("report: unknown option '%s' (try 'zkbench report --help')", a);
            free(inputs);
            return EXIT_USAGE;
        } else {
            inputs[n_in++] = a;
        }
    }
    if (n_in == 0) {
        report_usage(stderr);
        free(inputs);
        return EXIT_USAGE;
    }
    zkb_report *r = NULL;
    zkb_status st = zkb_report_new(&r);
    if (st != ZKB_OK) {
        cli_error("cannot create a report: %s", zkb_status_str(st));
        free(inputs);
        return cli_exit_for(st, CLI_OUTPUT);
    }
    int rc = EXIT_OK;
    for (size_t i = 0; i < n_in && rc == EXIT_OK; i++) {
        st = zkb_report_add_path(r, inputs[i]);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_report_last_error(r));
            rc = cli_exit_for(st, CLI_INPUT);
        }
    }
    for (size_t i = 0; i < zkb_report_skipped_count(r); i++)
        fprintf(stderr, "zkbench: warning: %s (line skipped)\n", zkb_report_skipped(r, i));
    if (rc == EXIT_OK && zkb_report_record_count(r) == 0) {
        cli_error("no results records in the input");
        rc = EXIT_INPUT;
    }
    char *dflt = NULL;
    if (rc == EXIT_OK && !out) {
        dflt = default_out(inputs[0]);
        out = dflt;
        if (!out) {
            cli_error("out of memory");
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK) {
        st = zkb_report_write(r, out);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_report_last_error(r));
            rc = cli_exit_for(st, CLI_OUTPUT);
        } else if (!quiet) {
            size_t ok_entries = 0, n = zkb_report_entry_count(r);
            for (size_t e = 0; e < n; e++)
                ok_entries += strcmp(zkb_report_entry_field(r, e, "status"), "ok") == 0;
            printf("report: %zu cells, %zu models, %zu model x backend entries (%zu ok, %zu failed)\n",
                   zkb_report_record_count(r), zkb_report_model_count(r), n, ok_entries, n - ok_entries);
            for (size_t i = 0; i < zkb_report_file_count(r); i++)
                printf("  %s\n", zkb_report_file(r, i));
        }
    }
    free(dflt);
    zkb_report_free(r);
    free(inputs);
    return rc;
}
