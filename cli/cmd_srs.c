/* zkbench srs: TESTING-ONLY structured reference strings for BN254, from a
 * seed (include/zkmlbench/zkb_srs.h, docs/srs.md). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlbench/zkb_srs.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zkbench srs ptau --power P --seed S [--threads T] OUT.ptau\n"
            "       zkbench srs bb --points N --seed S [--threads T] DIR\n\n"
            "TESTING ONLY: tau, alpha and beta are derived from the seed, so anyone who\n"
            "knows the seed can forge proofs. For benchmarks, never for deployment.\n\n"
            "  ptau   a powers-of-tau file of power P (%d..%d) in snarkjs's prepared\n"
            "         format (Lagrange sections included): groth16, plonk and fflonk\n"
            "         setups accept it\n"
            "  bb     Barretenberg's CRS files DIR/bn254_g1.dat (N points tau^i G1) and\n"
            "         DIR/bn254_g2.dat (tau G2)\n"
            "  --threads T   worker threads (default 0: every core); the output does not\n"
            "                depend on it\n\n"
            "exit: 0 ok; 2 usage (unknown subcommand or option, missing --seed, power or\n"
            "points out of range); 4 the output could not be written\n",
            ZKB_SRS_PTAU_MIN_POWER, ZKB_SRS_PTAU_MAX_POWER);
}

static int parse_u64(const char *sub, const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long x = v && *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
    if (!v || !end || *end || errno || x < lo || x > hi) {
        cli_error("srs %s: %s: expected an integer in %llu..%llu, got '%s'", sub, opt, (unsigned long long)lo,
                  (unsigned long long)hi, v ? v : "");
        return -1;
    }
    *out = x;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int cmd_srs(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    int is_ptau = strcmp(sub, "ptau") == 0;
    if (!is_ptau && strcmp(sub, "bb") != 0) {
        cli_error("srs: unknown subcommand '%s' (ptau or bb)", sub);
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *seed = NULL, *out = NULL;
    uint64_t power = 0, points = 0, threads = 0;
    int have_size = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        int is_opt = a[0] == '-' && a[1];
        if (is_opt && i + 1 >= argc) {
            cli_error("srs %s: %s needs a value", sub, a);
            return EXIT_USAGE;
        }
        if (is_ptau && strcmp(a, "--power") == 0) {
            if (parse_u64(sub, a, argv[++i], ZKB_SRS_PTAU_MIN_POWER, ZKB_SRS_PTAU_MAX_POWER, &power) != 0)
                return EXIT_USAGE;
            have_size = 1;
        } else if (!is_ptau && strcmp(a, "--points") == 0) {
            if (parse_u64(sub, a, argv[++i], 1, (uint64_t)1 << 28, &points) != 0)
                return EXIT_USAGE;
            have_size = 1;
        } else if (strcmp(a, "--seed") == 0) {
            seed = argv[++i];
            if (!*seed) {
                cli_error("srs %s: --seed must not be empty", sub);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_u64(sub, a, argv[++i], 0, 64, &threads) != 0)
                return EXIT_USAGE;
        } else if (is_opt) {
            cli_error("srs %s: unknown option %s", sub, a);
            return EXIT_USAGE;
        } else if (out) {
            cli_error("srs %s: one output %s only (got '%s' and '%s')", sub, is_ptau ? "file" : "directory",
                      out, a);
            return EXIT_USAGE;
        } else {
            out = a;
        }
    }
    if (!have_size || !seed || !out) {
        cli_error("srs %s: %s, --seed and the output %s are required", sub, is_ptau ? "--power" : "--points",
                  is_ptau ? "file" : "directory");
        return EXIT_USAGE;
    }
    char err[1024] = "";
    double t0 = now_s();
    zkb_status st;
    if (is_ptau) {
        fprintf(stderr,
                "zkbench: writing a TESTING-ONLY powers of tau (power %llu, seed '%s'): anyone who knows the "
                "seed can forge proofs\n",
                (unsigned long long)power, seed);
        st = zkb_srs_write_ptau(out, (uint32_t)power, seed, (uint32_t)threads, err, sizeof err);
    } else {
        fprintf(stderr,
                "zkbench: writing a TESTING-ONLY Barretenberg CRS (%llu points, seed '%s'): anyone who knows the "
                "seed can forge proofs\n",
                (unsigned long long)points, seed);
        st = zkb_srs_write_bb_crs(out, points, seed, (uint32_t)threads, err, sizeof err);
    }
    if (st != ZKB_OK) {
        cli_error("srs %s: %s", sub, err[0] ? err : zkb_status_str(st));
        /* the library judges the arguments given (INVALID_ARG), else it was writing */
        return cli_exit_for(st, st == ZKB_ERR_INVALID_ARG ? CLI_SETTING : CLI_OUTPUT);
    }
    printf("%s: TESTING-ONLY %s written in %.2f s (seed '%s')\n", out,
           is_ptau ? "prepared powers of tau" : "bn254_g1.dat + bn254_g2.dat", now_s() - t0, seed);
    return EXIT_OK;
}
