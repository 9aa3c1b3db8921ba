/* Fixture: a header private to model/onnx, used from run. */
#include "model/onnx/onnx_int.h"
#include "core/core_int.h"
