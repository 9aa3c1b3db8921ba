cmake_minimum_required(VERSION 3.16)
# Driven by tests/install/CMakeLists.txt; see there.
foreach(v BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR C_COMPILER LIBDIR INCLUDEDIR BINDIR PLUGINDIR VERSION SOVERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_install_test.cmake: ${v} not set")
  endif()
endforeach()

# Run a command; on failure print its output and stop.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "FAIL: ${what} (exit ${rc}):\n${ARGN}\n${out}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
  message(STATUS "ok: ${what}")
endfunction()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

run("cmake --install into ${prefix}" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")

foreach(f
    "${INCLUDEDIR}/zkmlbench/zkmlbench.h"
    "${INCLUDEDIR}/zkmlbench/zkb_plugin.h"
    "${INCLUDEDIR}/zkmlbench/zkb_common.h"
    "${LIBDIR}/libzkmlbench.so.${SOVERSION}"
    "${LIBDIR}/libzkmlbench.so"
    "${LIBDIR}/libzkmlbench.a"
    "${LIBDIR}/pkgconfig/zkmlbench.pc"
    "${LIBDIR}/cmake/zkmlbench/zkmlbenchConfig.cmake"
    "${LIBDIR}/cmake/zkmlbench/zkmlbenchConfigVersion.cmake"
    "${LIBDIR}/cmake/zkmlbench/zkmlbenchTargets.cmake"
    "${PLUGINDIR}/zkb_reference.so"
    "${BINDIR}/zkbench")
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "FAIL: not installed: ${f}")
  endif()
endforeach()
message(STATUS "ok: installed files present")

# The soname policy (README, "Versions"): 0.x carries the minor in the soname
# and the CMake package accepts only the same minor; from 1.0, the major.
string(REPLACE "." ";" _v "${VERSION}")
list(GET _v 0 _major)
list(GET _v 1 _minor)
if(_major EQUAL 0)
  set(_want_soversion "0.${_minor}")
else()
  set(_want_soversion "${_major}")
endif()
if(NOT SOVERSION STREQUAL _want_soversion)
  message(FATAL_ERROR "FAIL: soname version ${SOVERSION} for ${VERSION}, the policy says ${_want_soversion}")
endif()
function(package_accepts want out)
  string(REPLACE "." ";" parts "${want}")
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  set(PACKAGE_FIND_VERSION_PATCH 0)
  set(PACKAGE_FIND_VERSION "${want}")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
  include("${prefix}/${LIBDIR}/cmake/zkmlbench/zkmlbenchConfigVersion.cmake")
  set(${out} ${PACKAGE_VERSION_COMPATIBLE} PARENT_SCOPE)
endfunction()
math(EXPR _next_minor "${_minor} + 1")
package_accepts("${_major}.${_minor}.0" _same)
package_accepts("${_major}.${_next_minor}.0" _next)
if(NOT _same)
  message(FATAL_ERROR "FAIL: the CMake package ${VERSION} refuses a request for ${_major}.${_minor}")
endif()
if(_major EQUAL 0 AND _next)
  message(FATAL_ERROR "FAIL: the CMake package ${VERSION} accepts a request for ${_major}.${_next_minor} (0.x: same minor only)")
endif()
message(STATUS "ok: soname libzkmlbench.so.${SOVERSION}, package compatibility")

# The installed CLI must find the installed library through its RPATH alone.
run("installed zkbench --version" "${CMAKE_COMMAND}" -E env --unset=LD_LIBRARY_PATH
  "${prefix}/${BINDIR}/zkbench" --version)
if(NOT run_out MATCHES "${VERSION}")
  message(FATAL_ERROR "FAIL: zkbench --version does not print ${VERSION}:\n${run_out}")
endif()

set(gen_args -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}")
if(MAKE_PROGRAM)
  list(APPEND gen_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

foreach(mode cmake pkgconfig)
  set(bdir "${WORK_DIR}/consumer-${mode}")
  set(envs --unset=LD_LIBRARY_PATH)
  if(mode STREQUAL "pkgconfig")
    if(DEFINED ENV{PKG_CONFIG_PATH} AND NOT "$ENV{PKG_CONFIG_PATH}" STREQUAL "")
      list(APPEND envs "PKG_CONFIG_PATH=${prefix}/${LIBDIR}/pkgconfig:$ENV{PKG_CONFIG_PATH}")
    else()
      list(APPEND envs "PKG_CONFIG_PATH=${prefix}/${LIBDIR}/pkgconfig")
    endif()
  endif()
  run("configure consumer (${mode})" "${CMAKE_COMMAND}" -E env ${envs}
    "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${bdir}" ${gen_args}
    -DZKB_CONSUMER_MODE=${mode} "-DCMAKE_PREFIX_PATH=${prefix}" "-DZKB_WANT_VERSION=${_major}.${_minor}"
    "-DZKB_EXPECT_PREFIX=${prefix}" "-DZKB_EXPECT_LIBDIR=${prefix}/${LIBDIR}")
  run("build consumer (${mode})" "${CMAKE_COMMAND}" --build "${bdir}")
  foreach(kind shared static)
    run("run consumer_${kind} (${mode})" "${CMAKE_COMMAND}" -E env --unset=LD_LIBRARY_PATH
      "${bdir}/consumer_${kind}")
    if(NOT run_out MATCHES "zkmlbench ${VERSION}")
      message(FATAL_ERROR "FAIL: consumer_${kind} (${mode}) printed:\n${run_out}")
    endif()
  endforeach()
endforeach()

message(STATUS "install test passed")
