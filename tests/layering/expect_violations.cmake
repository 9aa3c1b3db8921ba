cmake_minimum_required(VERSION 3.16)
# cmake -DCHECK=check_layering.cmake -DLIB_DIR=violations -DLAYERS=lib/layers.cmake
#       -P expect_violations.cmake
#
# The layering check must fail on the fixture tree and name each of its
# violations (and nothing that is allowed).
execute_process(COMMAND "${CMAKE_COMMAND}" -DLIB_DIR=${LIB_DIR} -DLAYERS=${LAYERS}
  -P "${CHECK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(text "${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the layering check passed on a tree with violations:\n${text}")
endif()
set(expected
  "core/core_int.h: #include \"run/run_int.h\": core may not use run"
  "run/cell.c: #include \"model/onnx/onnx_int.h\": a header private to lib/model/onnx/"
  "model/quant.c: #include \"core_int.h\": not a file of lib/model/"
  "layering: 3 violation")
foreach(e ${expected})
  string(FIND "${text}" "${e}" at)
  if(at LESS 0)
    message(FATAL_ERROR "expected in the output: ${e}\noutput:\n${text}")
  endif()
endforeach()
message(STATUS "the layering check found the 3 violations of the fixture")
