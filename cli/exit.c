/* The one mapping from library statuses to docs/cli.md's exit codes. */
#include "cli.h"

int cli_exit_for(zkb_status st, cli_stage stage)
{
    if (st == ZKB_OK)
        return EXIT_OK;
    if (st == ZKB_ERR_NOMEM || st == ZKB_ERR_INTERNAL)
        return EXIT_INTERNAL;
    switch (stage) {
    case CLI_SETTING:
        return EXIT_USAGE;
    case CLI_INPUT:
        return EXIT_INPUT;
    case CLI_OUTPUT:
        break;
    }
    return EXIT_INTERNAL;
}
