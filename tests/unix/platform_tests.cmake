# Tests of the unix target's platform side (included from CMakeLists.txt):
# the TAP device against Linux and the sandbox, label `system`: they need
# /dev/net/tun and CAP_NET_ADMIN (TAP, skipped with a message without them)
# and a kernel with seccomp and Landlock (sandbox). unix_platform_test (the
# epoll platform) is listed in CMakeLists.txt.
atoll_test(unix_tap_test system
  tap_test.cpp
  tap_conformance_test.cpp
  LIBS atoll_unix)
atoll_test(unix_sandbox_test system
  sandbox_test.cpp
  LIBS atoll_unix)
atoll_test(unix_boot_test core
  boot_test.cpp
  LIBS atoll_unix)
