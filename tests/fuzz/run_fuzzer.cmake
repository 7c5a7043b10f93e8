# run_fuzzer.cmake - runs one libFuzzer binary for a bounded time on a copy of its corpus.
#   cmake -DFUZZER=path -DCORPUS=dir -DWORK=dir [-DSECONDS=20] -P run_fuzzer.cmake
# The checked-in corpus is copied to WORK/corpus first (so it is never modified); crash, leak
# and timeout artifacts land in WORK/ and fail the test with the fuzzer's output.
foreach(v FUZZER CORPUS WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${v}= is required")
  endif()
endforeach()
if(NOT DEFINED SECONDS)
  set(SECONDS 20)
endif()

file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus)
file(GLOB seeds ${CORPUS}/*)
if(NOT seeds)
  message(FATAL_ERROR "run_fuzzer.cmake: no seed inputs in ${CORPUS}")
endif()
file(COPY ${seeds} DESTINATION ${WORK}/corpus)

execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10
          -print_final_stats=1 -artifact_prefix=${WORK}/ ${WORK}/corpus
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); artifacts in ${WORK}/")
endif()
