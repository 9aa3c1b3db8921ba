cmake_minimum_required(VERSION 3.16)
# Driven by tests/install/CMakeLists.txt; see there.
foreach(v BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR C_COMPILER LIBDIR INCLUDEDIR BINDIR PLUGINDIR VERSION)
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
    "${LIBDIR}/libzkmlbench.so.0"
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
    -DZKB_CONSUMER_MODE=${mode} "-DCMAKE_PREFIX_PATH=${prefix}"
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
