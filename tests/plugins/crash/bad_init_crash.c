/* zkb_plugin_init dies of SIGSEGV: the trial load rejects it and the host
 * never loads it (conformance fails "load"). The plugins of this folder are
 * built into their own directory (test-plugins-crash), so that the searches
 * of test-plugins in other tests do not wait for bad_init_hang each time. */
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
