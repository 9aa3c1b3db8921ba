/* abi_layout: C and C++ compilers must agree on the size, alignment and
 * member offsets of every struct that crosses the plugin ABI or host API. */
#include <stdio.h>
#include <string.h>

#include "layout.h"

int main(void)
{
    const zkb_layout_entry *c, *cxx;
    size_t nc = zkb_layout_c(&c), ncxx = zkb_layout_cxx(&cxx);
    int bad = 0;
    if (nc != ncxx) {
        printf("entry count differs: C %zu, C++ %zu\n", nc, ncxx);
        return 1;
    }
    for (size_t i = 0; i < nc; i++) {
        if (strcmp(c[i].what, cxx[i].what) != 0 || c[i].value != cxx[i].value) {
            printf("MISMATCH %s: C %zu, C++ %s %zu\n", c[i].what, c[i].value, cxx[i].what,
                   cxx[i].value);
            bad++;
        }
    }
    printf("%zu layout entries compared, %d mismatches\n", nc, bad);
    return bad != 0;
}
