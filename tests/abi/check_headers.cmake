cmake_minimum_required(VERSION 3.16)
# cmake -DCOMPILERS="C=cc|CXX=c++|..." -DC_FLAGS="a|b" -DCXX_FLAGS="a|b"
#       -DINCLUDE_DIR=<include> -DTEST_DIR=<tests/abi> -DWORK_DIR=<scratch>
#       -P check_headers.cmake
#
# The header combinations of header_combos.cmake (taken from the headers
# present now), compiled -fsyntax-only as C11 and C++17 by each compiler.
# Fails on the first error, printing the compiler's output.
foreach(v COMPILERS C_FLAGS CXX_FLAGS INCLUDE_DIR TEST_DIR WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_headers.cmake: ${v} not set")
  endif()
endforeach()
string(REPLACE "|" ";" COMPILERS "${COMPILERS}")
string(REPLACE "|" ";" C_FLAGS "${C_FLAGS}")
string(REPLACE "|" ";" CXX_FLAGS "${CXX_FLAGS}")

include("${TEST_DIR}/header_combos.cmake")
zkb_abi_write_wrappers("${INCLUDE_DIR}" "${WORK_DIR}" combos)

set(n 0)
foreach(entry ${COMPILERS})
  string(REGEX MATCH "^([A-Z]+)=(.*)$" _ "${entry}")
  set(lang "${CMAKE_MATCH_1}")
  set(cc "${CMAKE_MATCH_2}")
  if(lang STREQUAL "C")
    set(std -std=c11)
    set(flags ${C_FLAGS})
    set(ext c)
  else()
    set(std -std=c++17)
    set(flags ${CXX_FLAGS})
    set(ext cpp)
  endif()
  foreach(combo ${combos})
    execute_process(
      COMMAND "${cc}" ${std} ${flags} "-I${INCLUDE_DIR}" "-I${TEST_DIR}" -fsyntax-only
              "${WORK_DIR}/${combo}.${ext}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "FAIL: ${combo} as ${lang} with ${cc}:\n${out}")
    endif()
    message(STATUS "ok: ${combo} as ${lang} (${std}) with ${cc}")
    math(EXPR n "${n} + 1")
  endforeach()
endforeach()
message(STATUS "${n} header compilations passed")
