/* Internal: the ONNX importer's entry point for code that does not need the
 * protobuf-c types (fuzzers, tests). See docs/onnx.md. */
#ifndef ZKBI_ONNX_H
#define ZKBI_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlbench/zkmlbench.h"

/* Import an ONNX model from memory (buf need not outlive the call). src
 * names the source in error messages ("model.onnx: node 3 'c' (Conv): ...").
 * Never crashes on any input; sizes are bounded before allocating (input at
 * most ZKBI_MODEL_FILE_MAX bytes, protobuf decoding memory bounded too). */
zkb_status zkbi_onnx_parse(const uint8_t *buf, size_t len, const char *src, zkb_model **out,
                           char *err, size_t errlen);

#endif
