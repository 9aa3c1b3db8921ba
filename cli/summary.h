#ifndef ZKBENCH_SUMMARY_H
#define ZKBENCH_SUMMARY_H

#include <stdio.h>

#include "zkmlbench/zkmlbench.h"

/* Prints one line per cell of a finished run (text from records with its
 * control characters escaped); returns how many cells did not succeed
 * (neither ok nor skipped, or whose record was not saved, or not run). */
size_t cli_print_summary(const zkb_run *run, FILE *out);

#endif
