# cmake -P run_fuzzer.cmake -DFUZZER= -DSEEDS= -DWORK= -DSECONDS=
# One bounded libFuzzer run (a CTest test, label fuzz). The environment variable
# ATOLL_FUZZ_SECONDS, when set, overrides SECONDS (make fuzz FUZZ_SECONDS=600).
# New inputs are written to WORK/corpus, crash reproducers to WORK/artifacts/.
if(DEFINED ENV{ATOLL_FUZZ_SECONDS})
  set(SECONDS $ENV{ATOLL_FUZZ_SECONDS})
endif()
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=25 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/
          ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${status}); reproducers in ${WORK}/artifacts/")
endif()
