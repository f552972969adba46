# cmake -P: one man page made by help2man from `smtp-harness [COMMAND] --help`
# (cmake/Install.cmake), so it says what --help says. Variables: HELP2MAN,
# BINARY, COMMAND_NAME (empty: the smtp-harness(1) overview), VERSION,
# INCLUDE (help2man --include file: SEE ALSO), OUTPUT.
if(COMMAND_NAME)
  # NAME: smtp-harness-run - the command's own one-line description.
  execute_process(COMMAND ${BINARY} ${COMMAND_NAME} --help OUTPUT_VARIABLE help
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BINARY} ${COMMAND_NAME} --help exited ${rc}")
  endif()
  string(REGEX MATCH "^[^\n]*" summary "${help}")
  string(REGEX REPLACE "\\.$" "" summary "${summary}")
  set(name smtp-harness-${COMMAND_NAME})
  set(help_option "${COMMAND_NAME} --help")
else()
  set(summary "scriptable SMTP test and conformance harness")
  set(name smtp-harness)
  set(help_option "--help")
endif()
execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr "--version-string=${name} ${VERSION}"
          "--name=${summary}" "--help-option=${help_option}" "--include=${INCLUDE}"
          "--output=${OUTPUT}" ${BINARY}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man for ${name} exited ${rc}")
endif()
