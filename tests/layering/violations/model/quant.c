/* Fixture: a bare include of another folder's header. */
#include "core_int.h"
#include "model_int.h"
