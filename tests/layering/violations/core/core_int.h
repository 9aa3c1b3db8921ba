/* Fixture: the core layer must not use the run layer. */
#include "run/run_int.h"
