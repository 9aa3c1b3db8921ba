/* zkb_plugin_init calls abort(): rejected in the trial load, never loaded
 * in the host (tests/plugins/crash: see bad_init_crash.c). */
#include "zkmlbench/zkb_plugin.h"

#include <stdlib.h>

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    (void)out;
    abort();
}
