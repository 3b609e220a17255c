# The CMake package: `find_package(atoll CONFIG)` from an outside project, against
# an installed prefix (<prefix>/lib/cmake/atoll) or a build tree (its top directory).
#
#   find_package(atoll CONFIG REQUIRED PATHS /path/to/atoll/build)
#   target_link_libraries(app PRIVATE atoll::core atoll::unix)
#
# Both configs load the exported targets (atoll::options, atoll::portable,
# atoll::core, atoll::unix, ...) and AtollApp.cmake, the functions that build an
# application. Included last by the top-level CMakeLists.txt, after every target exists.
include(CMakePackageConfigHelpers)

set(ATOLL_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/atoll)

# Targets defined with plain add_library() (not through the helpers of
# AtollOptions.cmake) still get the short export name: atoll_unix_runtime is
# exported as atoll::unix_runtime.
function(atoll_normalize_export_names dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(export_name ${t} EXPORT_NAME)
    if(t MATCHES "^atoll_(.+)$" AND NOT export_name)
      set_target_properties(${t} PROPERTIES EXPORT_NAME ${CMAKE_MATCH_1})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    atoll_normalize_export_names(${sub})
  endforeach()
endfunction()
atoll_normalize_export_names(${PROJECT_SOURCE_DIR})

write_basic_package_version_file(${CMAKE_BINARY_DIR}/atollConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)

# BoringSSL's archives and headers as each package finds them.
if(ATOLL_BORINGSSL)
  set(ATOLL_PACKAGE_BSSL_CRYPTO "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_LIBDIR}/atoll/libatoll_boringssl_crypto.a")
  set(ATOLL_PACKAGE_BSSL_SSL "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_LIBDIR}/atoll/libatoll_boringssl_ssl.a")
  set(ATOLL_PACKAGE_BSSL_INCLUDES "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_INCLUDEDIR}/atoll/boringssl")
endif()

# Installed package.
configure_package_config_file(cmake/atollConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/atollConfig.cmake
  INSTALL_DESTINATION ${ATOLL_CMAKE_INSTALL_DIR})
install(EXPORT atollTargets NAMESPACE atoll:: DESTINATION ${ATOLL_CMAKE_INSTALL_DIR})
install(FILES ${CMAKE_BINARY_DIR}/package/atollConfig.cmake
              ${CMAKE_BINARY_DIR}/atollConfigVersion.cmake
              cmake/AtollApp.cmake
        DESTINATION ${ATOLL_CMAKE_INSTALL_DIR})

# Build-tree package: the same files at the top of the build directory.
export(EXPORT atollTargets NAMESPACE atoll:: FILE ${CMAKE_BINARY_DIR}/atollTargets.cmake)
if(ATOLL_BORINGSSL)
  list(GET ATOLL_BORINGSSL_LIBS 0 ATOLL_PACKAGE_BSSL_CRYPTO)
  list(GET ATOLL_BORINGSSL_LIBS 1 ATOLL_PACKAGE_BSSL_SSL)
  set(ATOLL_PACKAGE_BSSL_INCLUDES "${ATOLL_BORINGSSL_BUILD_INCLUDES}")
endif()
configure_package_config_file(cmake/atollConfig.cmake.in
  ${CMAKE_BINARY_DIR}/atollConfig.cmake
  INSTALL_DESTINATION ${CMAKE_BINARY_DIR}
  INSTALL_PREFIX ${CMAKE_BINARY_DIR})
configure_file(cmake/AtollApp.cmake ${CMAKE_BINARY_DIR}/AtollApp.cmake COPYONLY)
