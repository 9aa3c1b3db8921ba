/* Versions of the library and the plugin ABI, and the names of statuses. */
#include "core_int.h"

uint32_t zkb_version_number(void) { return ZKB_VERSION_NUMBER; }

const char *zkb_version_string(void) { return ZKB_VERSION_STRING; }

uint32_t zkb_plugin_abi_major(void) { return ZKB_PLUGIN_ABI_MAJOR; }

const char *zkb_status_str(zkb_status s)
{
    switch (s) {
    case ZKB_OK: return "ok";
    case ZKB_ERR_NOMEM: return "out of memory";
    case ZKB_ERR_INVALID_ARG: return "invalid argument";
    case ZKB_ERR_IO: return "i/o error";
    case ZKB_ERR_PARSE: return "malformed input";
    case ZKB_ERR_UNSUPPORTED: return "unsupported";
    case ZKB_ERR_UNAVAILABLE: return "unavailable";
    case ZKB_ERR_PLUGIN: return "plugin rejected";
    case ZKB_ERR_ABI: return "ABI mismatch";
    case ZKB_ERR_TIMEOUT: return "timeout";
    case ZKB_ERR_MEMORY_CAP: return "memory cap exceeded";
    case ZKB_ERR_CRASHED: return "crashed";
    case ZKB_ERR_VERIFY: return "proof did not verify";
    case ZKB_ERR_MISMATCH: return "outputs differ from the reference";
    case ZKB_ERR_CANCELLED: return "cancelled";
    case ZKB_ERR_CHILD: return "child process failed";
    case ZKB_ERR_NOT_FOUND: return "not found";
    case ZKB_ERR_EXISTS: return "already exists";
    case ZKB_ERR_OVERFLOW: return "overflow";
    case ZKB_ERR_STATE: return "call out of order";
    case ZKB_ERR_INTERNAL: return "internal error";
    case ZKB_ERR_LOCKED: return "locked by another process";
    }
    return "unknown status";
}
