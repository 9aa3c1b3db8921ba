/* Fixture. */
#include "core/core_int.h"
