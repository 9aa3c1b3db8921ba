/* Internal: small numeric predicates shared by the parsers. */
#ifndef ZKBI_NUMERIC_H
#define ZKBI_NUMERIC_H

#include <math.h>

/* True when d is finite and rounds to a finite float32: values up to the
 * midpoint between FLT_MAX and 2^128 round down to FLT_MAX, so the shortest
 * decimal form of FLT_MAX (3.4028235e38) is accepted. */
static inline int zkbi_fits_float32(double d)
{
    return isfinite(d) && fabs(d) < ldexp(2.0 - ldexp(1.0, -24), 127);
}

#endif
