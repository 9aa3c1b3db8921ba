cmake_minimum_required(VERSION 3.16)
# cmake -DSOURCE_DIR=... -DPROJECT_VERSION=... -DLIBRARY=libzkmlbench.so -DZKBENCH=zkbench
#       [-DOBJDUMP=objdump] [-DPYTHON=python3] -P check_versions.cmake
#
# The version is written once, in include/zkmlbench/zkb_common.h; every other
# place derives it. Fails when one disagrees: CMake's project version, a
# literal left in the Python package, the library and CLI actually built, the
# Python package's __version__, or the soname the policy asks for (README,
# "Versions").
foreach(v SOURCE_DIR PROJECT_VERSION LIBRARY ZKBENCH)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_versions.cmake: ${v} not set")
  endif()
endforeach()
set(failures "")
macro(fail msg)
  list(APPEND failures "${msg}")
endmacro()

set(header "${SOURCE_DIR}/include/zkmlbench/zkb_common.h")
file(READ "${header}" text)
foreach(part MAJOR MINOR PATCH)
  if(NOT text MATCHES "\n#define ZKB_VERSION_${part} +([0-9]+)\n")
    message(FATAL_ERROR "${header}: no ZKB_VERSION_${part} line")
  endif()
  set(${part} ${CMAKE_MATCH_1})
endforeach()
set(version "${MAJOR}.${MINOR}.${PATCH}")
if(text MATCHES "#define ZKB_VERSION_STRING +\"")
  fail("${header}: ZKB_VERSION_STRING is a literal; build it from the three numbers")
endif()
if(NOT PROJECT_VERSION STREQUAL version)
  fail("CMake project version ${PROJECT_VERSION}, header ${version}")
endif()

file(READ "${SOURCE_DIR}/bindings/python/pyproject.toml" py)
if(NOT py MATCHES "\ndynamic = \\[\"version\"\\]")
  fail("bindings/python/pyproject.toml: the version is not dynamic (setup.py reads the header)")
endif()
if(py MATCHES "\nversion *=")
  fail("bindings/python/pyproject.toml: a version literal")
endif()
file(READ "${SOURCE_DIR}/bindings/python/src/zkmlbench/__init__.py" init)
if(init MATCHES "__version__ *= *[\"']")
  fail("bindings/python/src/zkmlbench/__init__.py: a __version__ literal")
endif()

execute_process(COMMAND "${ZKBENCH}" --version OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "zkbench ${version} \\(libzkmlbench ${version},")
  fail("zkbench --version: ${out}")
endif()

if(MAJOR EQUAL 0)
  set(want_soname "libzkmlbench.so.${MAJOR}.${MINOR}")
else()
  set(want_soname "libzkmlbench.so.${MAJOR}")
endif()
if(OBJDUMP)
  execute_process(COMMAND "${OBJDUMP}" -p "${LIBRARY}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
  if(NOT dump MATCHES "SONAME +([^\n ]+)")
    fail("${LIBRARY}: no SONAME")
  elseif(NOT CMAKE_MATCH_1 STREQUAL want_soname)
    fail("${LIBRARY}: SONAME ${CMAKE_MATCH_1}, the policy says ${want_soname}")
  endif()
endif()

if(PYTHON)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env "PYTHONPATH=${SOURCE_DIR}/bindings/python/src"
    "ZKB_LIBRARY=${LIBRARY}" PYTHONDONTWRITEBYTECODE=1
    "${PYTHON}" -c "import zkmlbench as z, zkmlbench._version as v; print(z.__version__, z.version(), v.soname(z.__version__))"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  string(STRIP "${out}" out)
  if(NOT rc EQUAL 0)
    fail("python: ${err}")
  elseif(NOT out STREQUAL "${version} ${version} ${want_soname}")
    fail("python: __version__, version(), soname: '${out}', want '${version} ${version} ${want_soname}'")
  endif()
endif()

if(failures)
  string(REPLACE ";" "\n  " failures "${failures}")
  message(FATAL_ERROR "versions disagree with ${header} (${version}):\n  ${failures}")
endif()
message(STATUS "version ${version} everywhere; soname ${want_soname}")
