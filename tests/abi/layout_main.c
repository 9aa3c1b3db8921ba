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
    /* Frozen within ABI 1: the 1.2 option declaration is five pointer-sized
     * slots, and option_decl_size took the place of the old reserved member
     * right after n_options (so 1.2 tables hold 0 there). */
    if (ZKB_OPTION_DECL_SIZE_V1_2 != 5 * sizeof(void *) || sizeof(zkb_option_decl) < ZKB_OPTION_DECL_SIZE_V1_2) {
        printf("zkb_option_decl: 1.2 size %zu, want %zu\n", (size_t)ZKB_OPTION_DECL_SIZE_V1_2, 5 * sizeof(void *));
        bad++;
    }
    if (offsetof(zkb_backend, option_decl_size) != offsetof(zkb_backend, n_options) + sizeof(uint32_t) ||
        offsetof(zkb_backend, probe) != offsetof(zkb_backend, options) + sizeof(void *) + 2 * sizeof(uint32_t)) {
        printf("zkb_backend: option_decl_size is not where 1.2's reserved member was\n");
        bad++;
    }
    printf("%zu layout entries compared, %d mismatches\n", nc, bad);
    return bad != 0;
}
