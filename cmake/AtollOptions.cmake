# Compile options shared by every atoll library and program.
#
# atoll_options   : warnings as errors, sanitizers when asked; every target links it.
#                   The sanitizer and fuzzing flags are INTERFACE options, so an
#                   application built against an ASan build tree gets the same flags.
# atoll_portable  : the rules of portable code (DESIGN.md): no exceptions, no RTTI.
#                   Portable libraries (core, devices, net, tls, store, examples)
#                   link it PUBLIC so that their users compile under the same rules.
#
# Target names: a library is defined as `atoll_<short>` (atoll_core), has the in-tree
# alias `atoll::<short>` (atoll::core) and is exported under the same name
# (EXPORT_NAME <short>, namespace atoll::), so in-tree and outside code spell it alike.
include(GNUInstallDirs)

add_library(atoll_options INTERFACE)
add_library(atoll::options ALIAS atoll_options)
set_target_properties(atoll_options PROPERTIES EXPORT_NAME options)
target_compile_options(atoll_options INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough)
if(ATOLL_SANITIZE)
  target_compile_options(atoll_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(atoll_options INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang 14 cannot emit -fsanitize=function (part of "undefined") for coroutine
    # frames: "error: Cannot represent a difference across sections"
    # (llvm/llvm-project#49689, fixed after 14). The check needs RTTI anyway.
    target_compile_options(atoll_options INTERFACE -fno-sanitize=function)
  endif()
endif()
if(ATOLL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ATOLL_FUZZ needs clang (libFuzzer): use the unix-fuzz preset")
  endif()
  # Coverage instrumentation for everything; only the harnesses link libFuzzer's
  # main (-fsanitize=fuzzer, tests/fuzz/CMakeLists.txt).
  target_compile_options(atoll_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

add_library(atoll_portable INTERFACE)
add_library(atoll::portable ALIAS atoll_portable)
set_target_properties(atoll_portable PROPERTIES EXPORT_NAME portable)
# -fno-threadsafe-statics: a unikernel has one thread, so function-local statics
# need no guard (and a kernel runtime need not provide __cxa_guard_*).
target_compile_options(atoll_portable INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>)
target_link_libraries(atoll_portable INTERFACE atoll_options)

install(TARGETS atoll_options atoll_portable EXPORT atollTargets)

# atoll_define_library(NAME SOURCES...): shared part of the helpers below: the
# library, its alias and export name, its public headers (include/), installed.
function(atoll_define_library name)
  string(REGEX REPLACE "^atoll_" "" short ${name})
  add_library(${name} ${ARGN})
  add_library(atoll::${short} ALIAS ${name})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${short})
  # Libraries whose headers live with a parent's (net/src/tcp uses net/include)
  # have no include/ of their own; an imported target must not name a missing one.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_include_directories(${name} PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
  target_link_libraries(${name} PUBLIC atoll_portable)
  install(TARGETS ${name} EXPORT atollTargets)
endfunction()

# atoll_portable_library(NAME SOURCES...): a library under the portable rules,
# with its public headers in include/, installed and exported. The portability
# check (tools/portability) inspects every library registered here.
function(atoll_portable_library name)
  atoll_define_library(${name} ${ARGN})
  set_property(GLOBAL APPEND PROPERTY ATOLL_PORTABLE_LIBRARIES ${name})
endfunction()

# atoll_host_library(NAME SOURCES...): a library that may touch the host
# (targets/unix); exceptions and RTTI stay off so portable code can link it.
function(atoll_host_library name)
  atoll_define_library(${name} ${ARGN})
endfunction()

# atoll_header_check(LIB HEADERS...): every public header (named as it is
# included, "atoll/net/tcp.hpp") compiles on its own with LIB's usage
# requirements (STYLE.md 1): one generated source per header in an object
# library LIB_header_check, built with the tests.
function(atoll_header_check lib)
  if(NOT ATOLL_TESTS)
    return()
  endif()
  set(checks "")
  foreach(header IN LISTS ARGN)
    string(REPLACE "/" "_" name ${header})
    set(check ${CMAKE_CURRENT_BINARY_DIR}/header_check/${name}.cpp)
    file(CONFIGURE OUTPUT ${check} CONTENT "#include <${header}>\n")
    list(APPEND checks ${check})
  endforeach()
  if(checks)
    add_library(${lib}_header_check OBJECT ${checks})
    target_link_libraries(${lib}_header_check PRIVATE ${lib})
  endif()
endfunction()
