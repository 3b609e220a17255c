# cmake -P check_package.cmake -DMODE=build-tree|install -DATOLL_BUILD= -DCONSUMER=
#   -DWORK= -DGENERATOR= -DCXX= -DCC=
# Configures, builds and runs the consumer project against atoll's package.
file(REMOVE_RECURSE ${WORK})
if(MODE STREQUAL "install")
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${ATOLL_BUILD} --prefix ${WORK}/prefix
                  OUTPUT_QUIET RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${status})")
  endif()
  set(where -DCMAKE_PREFIX_PATH=${WORK}/prefix -DATOLL_EXPECTED_DIR=${WORK}/prefix)
else()
  set(where -DATOLL_SEARCH_PATH=${ATOLL_BUILD} -DATOLL_EXPECTED_DIR=${ATOLL_BUILD})
endif()
foreach(step
    "${CMAKE_COMMAND};-S;${CONSUMER};-B;${WORK}/build;-G;${GENERATOR};-DCMAKE_CXX_COMPILER=${CXX};-DCMAKE_C_COMPILER=${CC};${where}"
    "${CMAKE_COMMAND};--build;${WORK}/build"
    "${WORK}/build/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${step}")
  endif()
endforeach()
