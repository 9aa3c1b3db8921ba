/* zkb_plugin_init dies of SIGSEGV: conformance must fail "load" in its child
 * and never load the plugin into its own process. Built into its own
 * directory (test-plugins-crash): a search of test-plugins would load it. */
#include "zkmlbench/zkb_plugin.h"

#include <signal.h>

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    (void)out;
    raise(SIGSEGV);
    return ZKB_ERR_INTERNAL;
}
