cmake_minimum_required(VERSION 3.16)
# cmake -DLIB_DIR=lib -DLAYERS=lib/layers.cmake [-DOBJECTS=file -DNM=nm]
#       -P check_layering.cmake
#
# Checks that the folders of lib/ use only the folders below them, as
# LAYERS (lib/layers.cmake) lists them:
#
# 1. Every #include "..." of every file under LIB_DIR:
#    - "zkmlbench/..." (public headers): allowed everywhere;
#    - "folder/header.h": the folder must be the file's own or one its
#      layer uses; from another folder, only that folder's private header
#      (folder/folder_int.h); a nested folder's headers (model/onnx/...)
#      only from within that nested folder;
#    - a bare name: a file in the including file's own directory (or a
#      header generated at build time, GENERATED below).
# 2. With OBJECTS (a file listing the library's object files, one per line)
#    and NM: every zkb_/zkbi_ symbol an object references and another
#    object defines comes from the same folder or one the layer uses, so a
#    declaration written by hand cannot get around rule 1.
#
# Prints one line per violation and fails if there is any.
foreach(v LIB_DIR LAYERS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_layering.cmake: ${v} not set")
  endif()
endforeach()
include("${LAYERS}")
get_filename_component(LIB_DIR "${LIB_DIR}" ABSOLUTE)

# Headers protoc-c writes into the build tree, by the folder allowed to use them.
set(GENERATED_model/onnx onnx.pb-c.h)

set(violations "")
macro(violation text)
  list(APPEND violations "${text}")
endmacro()

# The layer (top folder) of a path relative to LIB_DIR; "" when outside them.
function(layer_of rel out)
  string(REGEX MATCH "^[^/]+" top "${rel}")
  if(NOT top IN_LIST ZKB_LAYERS)
    set(top "")
  endif()
  set(${out} "${top}" PARENT_SCOPE)
endfunction()

function(may_use user used out)
  if(user STREQUAL used OR used IN_LIST ZKB_LAYER_USES_${user})
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# ---- 1. includes ---------------------------------------------------------------------
file(GLOB_RECURSE files RELATIVE "${LIB_DIR}" "${LIB_DIR}/*.c" "${LIB_DIR}/*.h")
list(SORT files)
set(n_includes 0)
foreach(rel ${files})
  layer_of("${rel}" layer)
  if(layer STREQUAL "")
    violation("${rel}: not in a folder of lib/layers.cmake (${ZKB_LAYERS})")
    continue()
  endif()
  get_filename_component(dir "${rel}" DIRECTORY)
  file(STRINGS "${LIB_DIR}/${rel}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${lines})
    if(NOT line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(inc "${CMAKE_MATCH_1}")
    math(EXPR n_includes "${n_includes} + 1")
    if(inc MATCHES "^zkmlbench/")
      continue()
    endif()
    if(NOT inc MATCHES "/")
      if(NOT EXISTS "${LIB_DIR}/${dir}/${inc}" AND NOT inc IN_LIST GENERATED_${dir})
        violation("${rel}: #include \"${inc}\": not a file of lib/${dir}/ (spell another folder's header from lib/, e.g. \"core/core_int.h\")")
      endif()
      continue()
    endif()
    if(NOT EXISTS "${LIB_DIR}/${inc}")
      violation("${rel}: #include \"${inc}\": no such file under lib/")
      continue()
    endif()
    layer_of("${inc}" used)
    get_filename_component(inc_dir "${inc}" DIRECTORY)
    get_filename_component(inc_name "${inc}" NAME)
    may_use("${layer}" "${used}" ok)
    if(NOT ok)
      violation("${rel}: #include \"${inc}\": ${layer} may not use ${used} (${layer} uses: ${ZKB_LAYER_USES_${layer}})")
    elseif(NOT inc_dir STREQUAL used AND NOT inc_dir STREQUAL dir)
      violation("${rel}: #include \"${inc}\": a header private to lib/${inc_dir}/")
    elseif(NOT used STREQUAL layer AND NOT inc_name STREQUAL "${used}_int.h")
      violation("${rel}: #include \"${inc}\": from another folder only ${used}/${used}_int.h")
    endif()
  endforeach()
endforeach()
list(LENGTH files n_files)
message(STATUS "includes: ${n_includes} in ${n_files} files")

# ---- 2. symbols ----------------------------------------------------------------------
if(DEFINED OBJECTS AND NOT OBJECTS STREQUAL "")
  if(NOT DEFINED NM)
    message(FATAL_ERROR "check_layering.cmake: OBJECTS needs NM")
  endif()
  file(STRINGS "${OBJECTS}" objects)
  list(FILTER objects EXCLUDE REGEX "^[ \t]*$")
  list(LENGTH objects n_objects)
  if(n_objects EQUAL 0)
    message(FATAL_ERROR "check_layering.cmake: no object files listed in ${OBJECTS}")
  endif()
  # An object's folder: its path below the target's object directory
  # (".../zkmlbench_obj.dir/run/cell_child.c.o"); generated sources (onnx-gen/)
  # belong to the ONNX importer.
  set(defined_in "")
  set(refs "")
  foreach(obj ${objects})
    if(obj MATCHES "\\.dir/(\\./)?(.+)$")
      set(orel "${CMAKE_MATCH_2}")
    else()
      set(orel "${obj}")
    endif()
    if(orel MATCHES "^onnx-gen/")
      set(olayer model)
    else()
      layer_of("${orel}" olayer)
    endif()
    if(olayer STREQUAL "")
      violation("${obj}: object of no folder of lib/layers.cmake")
      continue()
    endif()
    execute_process(COMMAND "${NM}" -g "${obj}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
      ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${NM} -g ${obj} failed:\n${err}")
    endif()
    string(REPLACE "\n" ";" out "${out}")
    foreach(l ${out})
      if(l MATCHES "^[0-9a-fA-F]+ [A-TV-Z] (zkbi?_[A-Za-z0-9_]+)$")
        set(def_${CMAKE_MATCH_1} "${olayer}")
      elseif(l MATCHES "^ +U (zkbi?_[A-Za-z0-9_]+)$")
        list(APPEND refs "${olayer}|${orel}|${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endforeach()
  list(LENGTH refs n_refs)
  foreach(r ${refs})
    string(REPLACE "|" ";" r "${r}")
    list(GET r 0 user)
    list(GET r 1 orel)
    list(GET r 2 sym)
    if(NOT DEFINED def_${sym})
      continue() # defined outside the library (none expected) or by the linker
    endif()
    may_use("${user}" "${def_${sym}}" ok)
    if(NOT ok)
      violation("${orel}: references ${sym}, defined in ${def_${sym}}/: ${user} may not use ${def_${sym}}")
    endif()
  endforeach()
  message(STATUS "symbols: ${n_refs} references from ${n_objects} objects")
endif()

if(violations)
  list(LENGTH violations n)
  string(REPLACE ";" "\n  " text "${violations}")
  message(FATAL_ERROR "layering: ${n} violation(s) of lib/layers.cmake:\n  ${text}")
endif()
message(STATUS "layering: ok")
