/* Runtime test plugin that behaves: outputs from the host's evaluator and
 * nothing else (harness-overhead benchmark, runner tests). */
#include "runtime_fixture.h"

RT_BACKEND("rt_noop", .flags = ZKB_BACKEND_BASELINE)
