# cmake -P: every man page, made by help2man from --help (so a page says what
# --help says) and compressed as Debian policy wants (gzip -9n: no file name
# or time stamp in the header, so the same page gives the same bytes). The
# pages are smtp-harness(1), the overview, and one per command that
# `smtp-harness --help` lists: the binary's own command list (harness/cli/
# commands.cc) is the only one, so a new command gets its page, and its place
# in every SEE ALSO, with no edit here (cmake/Install.cmake).
# The date on each page is SOURCE_DATE_EPOCH's (reproducible-builds.org;
# help2man reads it) when the environment has it, else the last commit's
# time: help2man's own default is today, so the same sources built in
# another month gave other bytes. (Neither: today, as before.)
# Variables: HELP2MAN, GZIP, BINARY, VERSION, DOCDIR and DATADIR (installed
# places named in SEE ALSO), OUTPUT_DIR (emptied, then NAME.1.gz per page);
# SOURCE_DIR and GIT (optional) for the last commit's time.
function(help_text command)  # -> ${out}: `smtp-harness [COMMAND] --help`
  execute_process(COMMAND ${BINARY} ${command} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BINARY} ${command} --help exited ${rc}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

# The commands: the names under "Subcommands:" in --help, up to the blank
# line (two spaces, then the name; a description's continuation lines are
# indented further). Hidden commands (completion) are not listed there.
help_text("")
string(FIND "${out}" "\nSubcommands:\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${BINARY} --help lists no Subcommands:")
endif()
string(SUBSTRING "${out}" ${at} -1 section)
string(FIND "${section}" "\n\n" end)
string(SUBSTRING "${section}" 0 ${end} section)
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "${section}")
set(commands)
foreach(n ${names})
  string(REGEX REPLACE "^\n  " "" n "${n}")
  list(APPEND commands ${n})
endforeach()
if(NOT commands)
  message(FATAL_ERROR "no command found under Subcommands: in ${BINARY} --help")
endif()

if(NOT DEFINED ENV{SOURCE_DATE_EPOCH} AND GIT AND SOURCE_DIR)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} log -1 --format=%ct
                  RESULT_VARIABLE rc OUTPUT_VARIABLE epoch ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc EQUAL 0 AND epoch MATCHES "^[0-9]+$")
    set(ENV{SOURCE_DATE_EPOCH} ${epoch})  # help2man runs with it
  endif()
endif()

file(REMOVE_RECURSE ${OUTPUT_DIR})  # a page of a command that is gone goes too
file(MAKE_DIRECTORY ${OUTPUT_DIR})
# SEE ALSO on every page: the other pages and the installed documentation.
set(see_also "[SEE ALSO]\n.BR \\%smtp-harness (1)")
foreach(c ${commands})
  string(APPEND see_also ",\n.BR \\%smtp-harness-${c} (1)")
endforeach()
string(APPEND see_also "\n.PP\nThe scenario language, the fake server, grading and reports are "
       "described in \\%${DOCDIR} (README.md, scenarios.md, fake-server.md, grading.md, "
       "reports.md, embedding.md); example scenarios are in "
       "\\%${DATADIR}/smtp-harness/scenarios.\n")
set(include ${OUTPUT_DIR}/see_also.h2m.tmp)
file(WRITE ${include} "${see_also}")

foreach(c "" ${commands})
  if(c)
    # NAME: smtp-harness-run - the command's own one-line description.
    help_text(${c})
    string(REGEX MATCH "^[^\n]*" summary "${out}")
    string(REGEX REPLACE "\\.$" "" summary "${summary}")
    set(name smtp-harness-${c})
    set(help_option "${c} --help")
  else()
    set(summary "scriptable SMTP test and conformance harness")
    set(name smtp-harness)
    set(help_option "--help")
  endif()
  set(page ${OUTPUT_DIR}/${name}.1)
  # (Not through a function: a summary may hold a ';', which would split it.)
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr "--version-string=${name} ${VERSION}"
            "--name=${summary}" "--help-option=${help_option}" "--include=${include}"
            "--output=${page}" ${BINARY}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "help2man for ${name} exited ${rc}")
  endif()
  execute_process(COMMAND ${GZIP} -9n -c ${page} OUTPUT_FILE ${page}.gz RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${GZIP} -9n ${page} exited ${rc}")
  endif()
  file(REMOVE ${page})
endforeach()
file(REMOVE ${include})
