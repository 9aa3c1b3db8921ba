/* zkb_plugin_init never returns: the trial load gives up after its time
 * limit and rejects the plugin. */
#include "zkmlbench/zkb_plugin.h"

#include <unistd.h>

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    (void)out;
    for (;;)
        pause();
}
