/* A working backend as built against the ABI 1.3 header, whose op_support
 * says yes to any operator number: the host must still never hand it a
 * model with pad2d (ABI 1.4), which it cannot know. */
#include "runtime_fixture.h"

static uint32_t any_op(uint32_t op)
{
    return op >= 1 ? ZKB_SUPPORT_NATIVE : ZKB_SUPPORT_NONE;
}

RT_BACKEND("rt_abi_1_3", .abi_minor = 3, .op_support = any_op)
