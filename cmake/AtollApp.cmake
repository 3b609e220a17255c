# AtollApp.cmake: the CMake function that builds an atoll application from the
# files `atoll configure` generated (docs/atoll-tool.md). Installed next to
# atollConfig.cmake and included by it, so an application outside the atoll
# tree gets it through find_package(atoll CONFIG).
#
#   atoll_add_unikernel(NAME name TARGET unix
#                       SOURCES generated/main.cpp [more.cpp ...]
#                       [INCLUDE_DIRS app-folder ...]
#                       [CRUNCH function folder]...
#                       [TOOL path/to/atoll])
#
# Builds the executable NAME for TARGET (unix: a Linux process, linked with
# atoll::unix) from SOURCES, with INCLUDE_DIRS on the include path (the
# application's folder, where its header is). Each CRUNCH pair turns a folder
# into a generated source defining
#   std::span<const atl::crunched_file> function() noexcept
# with `atoll crunch`; the source is made again when a file of the folder is
# added, removed or changed. TOOL is the atoll command that crunches; by
# default the one of this package (the imported target atoll::atoll).
#
# The executable lands in the top of the build folder, where `atoll run`
# looks for it. Compile options (warnings, sanitizers) come from the package's
# atoll::options, so the application is built as atoll was.
function(atoll_add_unikernel)
  cmake_parse_arguments(PARSE_ARGV 0 A "" "NAME;TARGET;TOOL" "SOURCES;INCLUDE_DIRS;CRUNCH")
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "atoll_add_unikernel: unexpected arguments: ${A_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT A_NAME OR NOT A_SOURCES)
    message(FATAL_ERROR "atoll_add_unikernel: NAME and SOURCES are required")
  endif()
  if(NOT A_TARGET)
    set(A_TARGET unix)
  endif()
  if(NOT A_TARGET STREQUAL "unix")
    message(FATAL_ERROR "atoll_add_unikernel(${A_NAME}): target '${A_TARGET}' is not implemented yet (unix is)")
  endif()
  if(NOT A_TOOL)
    if(NOT TARGET atoll::atoll)
      message(FATAL_ERROR "atoll_add_unikernel(${A_NAME}): no atoll command (atoll::atoll); pass TOOL")
    endif()
    set(A_TOOL $<TARGET_FILE:atoll::atoll>)
  endif()

  set(sources ${A_SOURCES})
  list(LENGTH A_CRUNCH crunch_words)
  math(EXPR odd "${crunch_words} % 2")
  if(odd)
    message(FATAL_ERROR "atoll_add_unikernel(${A_NAME}): CRUNCH takes pairs: function folder")
  endif()
  while(A_CRUNCH)
    list(POP_FRONT A_CRUNCH function folder)
    # CONFIGURE_DEPENDS: a file added to or removed from the folder makes the
    # build glob again. The list of files is written down, and rewritten only
    # when it changes, so that a removed file (which a dependency list alone
    # would forget) crunches the folder again too.
    file(GLOB_RECURSE crunched_files CONFIGURE_DEPENDS LIST_DIRECTORIES false "${folder}/*")
    set(out ${CMAKE_CURRENT_BINARY_DIR}/crunched/${function}.cpp)
    set(listing ${CMAKE_CURRENT_BINARY_DIR}/crunched/${function}.files)
    set(text "")
    foreach(f IN LISTS crunched_files)
      string(APPEND text "${f}\n")
    endforeach()
    set(old "")
    if(EXISTS ${listing})
      file(READ ${listing} old)
    endif()
    if(NOT EXISTS ${listing} OR NOT old STREQUAL text)
      file(WRITE ${listing} "${text}")
    endif()
    add_custom_command(OUTPUT ${out}
      COMMAND ${A_TOOL} crunch ${folder} ${out} ${function}
      DEPENDS ${crunched_files} ${listing} ${A_TOOL}
      COMMENT "Crunching ${folder}"
      VERBATIM)
    list(APPEND sources ${out})
  endwhile()

  add_executable(${A_NAME} ${sources})
  set_target_properties(${A_NAME} PROPERTIES
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
  target_include_directories(${A_NAME} PRIVATE ${A_INCLUDE_DIRS})
  target_link_libraries(${A_NAME} PRIVATE atoll::unix atoll::options)
  # TLS (and with it HTTP) when this atoll was built with BoringSSL: linking an
  # archive the application does not use costs nothing.
  if(TARGET atoll::tls)
    target_link_libraries(${A_NAME} PRIVATE atoll::tls)
  endif()
endfunction()
