# cmake -P expect_violations.cmake: the portability check must reject the fixture
# library (bad_include.cpp, bad_header.hpp, bad_symbols.cpp) with exit status 1 and
# name every violation planted there, and nothing outside the project.
#   -DPYTHON= -DCHECK= -DROOT= -DDATABASE= -DLIBRARIES=
execute_process(
  COMMAND ${PYTHON} -B ${CHECK} --root ${ROOT} --compile-commands ${DATABASE}
          --libraries ${LIBRARIES} --project-dirs tests/portability
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
message("${out}${err}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1 (violations), got ${status}")
endif()
set(expected
  "bad_include.cpp:[0-9]+: includes <thread>: threads"
  "bad_include.cpp:[0-9]+: includes <unistd.h>: POSIX"
  "bad_header.hpp:[0-9]+: includes <sys/socket.h>: POSIX"
  "bad_header.hpp:[0-9]+: includes <sys/types.h>: POSIX"
  "bad_include.cpp:[0-9]+: portability_fixture references write: host call"
  "bad_symbols.cpp:[0-9]+: portability_fixture references write: host call"
  "references pthread_self: threads"
  "references __cxa_throw: exceptions"
  "references __dynamic_cast: RTTI"
  "(defines|references) typeinfo for fixture::derived: RTTI")
foreach(pattern IN LISTS expected)
  if(NOT out MATCHES "${pattern}")
    message(FATAL_ERROR "the check did not report: ${pattern}")
  endif()
endforeach()
# <cstdlib> includes <sys/types.h> itself: headers of dependencies do not count.
if(out MATCHES "portability: /usr/")
  message(FATAL_ERROR "the check blamed a header outside the project")
endif()
