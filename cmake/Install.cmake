# `cmake --install`: the binary, the embeddable fake server as a CMake package
# (find_package(SmtpHarness) -> SmtpHarness::fake_server), the example
# scenarios and docs, man pages and shell completions. CPack turns the same
# rules into a .deb (ci/package).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS smtp-harness RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The embedding library and the internal static libraries it is made of.
# Only SmtpHarness::fake_server is public; the rest are exported because a
# static library's dependencies must be, under names that say so.
set(SMTP_HARNESS_EMBED_LIBS fake_server harness_scenario harness_core harness_regex harness_util
                            harness_net asio_standalone)
set_target_properties(harness_embed PROPERTIES EXPORT_NAME fake_server)
foreach(lib ${SMTP_HARNESS_EMBED_LIBS})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME internal_${lib})
endforeach()
install(TARGETS harness_embed ${SMTP_HARNESS_EMBED_LIBS}
        EXPORT SmtpHarnessTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/smtp-harness)
install(DIRECTORY include/smtp_harness DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(SMTP_HARNESS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/SmtpHarness)
install(EXPORT SmtpHarnessTargets NAMESPACE SmtpHarness:: DESTINATION ${SMTP_HARNESS_CMAKE_DIR})
configure_package_config_file(cmake/SmtpHarnessConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/SmtpHarnessConfig.cmake
                              INSTALL_DESTINATION ${SMTP_HARNESS_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/SmtpHarnessConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/SmtpHarnessConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/SmtpHarnessConfigVersion.cmake
        DESTINATION ${SMTP_HARNESS_CMAKE_DIR})

# Example scenarios and the documentation.
install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/smtp-harness/scenarios)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The embedding example, a template for a user's own test project.
install(DIRECTORY examples/embed_gtest DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# Man pages from --help (help2man), so they cannot drift from it, one per
# command the binary lists (cmake/ManPages.cmake), gzipped; and shell
# completions from the command definitions (`smtp-harness completion`).
find_program(HELP2MAN help2man)
find_program(GZIP gzip)
find_package(Git QUIET)  # the man pages' date: the last commit's (cmake/ManPages.cmake)
set(generated ${CMAKE_CURRENT_BINARY_DIR}/generated)
set(completion_outputs ${generated}/completions/smtp-harness ${generated}/completions/_smtp-harness)
add_custom_command(
  OUTPUT ${completion_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${generated}/completions
  COMMAND $<TARGET_FILE:smtp-harness> completion bash > ${generated}/completions/smtp-harness
  COMMAND $<TARGET_FILE:smtp-harness> completion zsh > ${generated}/completions/_smtp-harness
  DEPENDS smtp-harness
  COMMENT "Generating bash and zsh completions")
set(man_outputs)
if(HELP2MAN AND GZIP)
  # The pages' names come from the binary, so the rule's output is a stamp
  # and the folder is installed as a whole.
  set(man_outputs ${generated}/man.stamp)
  add_custom_command(
    OUTPUT ${man_outputs}
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${HELP2MAN} -DGZIP=${GZIP}
            -DBINARY=$<TARGET_FILE:smtp-harness> -DVERSION=${PROJECT_VERSION}
            -DDOCDIR=${CMAKE_INSTALL_FULL_DOCDIR} -DDATADIR=${CMAKE_INSTALL_FULL_DATADIR}
            -DOUTPUT_DIR=${generated}/man -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
            -DGIT=${GIT_EXECUTABLE} -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ManPages.cmake
    COMMAND ${CMAKE_COMMAND} -E touch ${generated}/man.stamp
    DEPENDS smtp-harness ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ManPages.cmake
    COMMENT "Generating man pages with help2man")
  install(DIRECTORY ${generated}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          FILES_MATCHING PATTERN "*.1.gz")
else()
  message(STATUS "help2man or gzip not found: no man pages (ci/install-deps installs help2man)")
endif()
add_custom_target(smtp_harness_docs ALL DEPENDS ${completion_outputs} ${man_outputs})
install(FILES ${generated}/completions/smtp-harness
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
# zsh: Debian's place for packaged completions under /usr (ci/package), else
# site-functions, which zsh's default $fpath has for /usr/local.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(zsh_completion_default ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(zsh_completion_default ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(SMTP_HARNESS_ZSH_COMPLETION_DIR ${zsh_completion_default}
    CACHE STRING "Where _smtp-harness (the zsh completion) is installed, under the prefix")
install(FILES ${generated}/completions/_smtp-harness DESTINATION ${SMTP_HARNESS_ZSH_COMPLETION_DIR})

# A Debian package of all of the above: ci/package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smtp-harness)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "smtp-harness maintainers <smtp-harness@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scriptable SMTP test and conformance harness")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "YAML scenarios describe an SMTP conversation; smtp-harness replays them against a real\n"
    "server or its bundled fake server, grades SMTP clients in server mode, records sessions,\n"
    "generates load, and writes JSON, JUnit, Gradescope and HTML reports. Includes a C++\n"
    "library (find_package(SmtpHarness)) to embed the fake SMTP server in test suites.")
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Runtime libraries from dpkg-shlibdeps (the binary links most statically);
# the embedding library's consumers need the -dev packages named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libssl-dev, libyaml-cpp-dev, libpcre2-dev, cmake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Not policy-clean yet: no /usr/share/doc/smtp-harness/copyright, because the
# repository states no licence; one is the authors' to choose, not this file's.
include(CPack)
