/* Exports no zkb_plugin_init: the loader must say the symbol is missing. */
#include "zkmlbench/zkb_common.h"
ZKB_EXPORT int not_a_zkb_plugin(void) { return 42; }
