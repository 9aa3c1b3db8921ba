/* Runtime test plugin whose prove fails with a message full of control
 * characters: a newline, a carriage return and terminal escape sequences
 * (ESC [ 2J clears the screen). `zkbench run`'s summary must show them
 * escaped, as the JSON record does; so must the log line of a warning
 * holding them. */
#include "runtime_fixture.h"

static zkb_status em_prove(void *state)
{
    rt_state *s = state;
    host->log(s->h, ZKB_LOG_WARN, "a warning\033[2J with an escape");
    host->set_error(s->h, "first line\nsecond line\r\033[2J\033[31mred\033[0m \xc2\x9b" "6n end");
    return ZKB_ERR_CHILD;
}

RT_BACKEND("bad_escape_msg", .prove = em_prove)
