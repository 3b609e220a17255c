# Tests of the unix target's platform side (included from CMakeLists.txt):
# the TAP device against Linux and the sandbox, label `system`: they need
# /dev/net/tun and CAP_NET_ADMIN (TAP, skipped with a message without them)
# and a kernel with seccomp and Landlock (sandbox). unix_platform_test (the
# epoll platform) is listed in CMakeLists.txt.
atoll_test(unix_tap_test system
  tap_test.cpp
  tap_conformance_test.cpp
  LIBS atoll_unix)
atoll_test(unix_direct_tap_test system
  direct_tap_test.cpp
  direct_tap_tcp_test.cpp
  direct_tap_harness_test.cpp
  LIBS atoll_net_direct atoll_unix)
atoll_test(unix_sandbox_test system
  sandbox_test.cpp
  LIBS atoll_unix)
atoll_test(unix_boot_test core
  boot_test.cpp
  LIBS atoll_unix)
# The socket stack (net/stack.hpp over host sockets): conformance over
# loopback, its bounds, a sandboxed server; label `net`.
atoll_test(unix_socket_stack_test net
  socket_stack_test.cpp
  LIBS atoll_unix atoll_net)
# The socket stack against Linux peers (curl, a Python listener), label `net`.
add_executable(socket_stack_peer socket_stack_peer.cpp)
target_link_libraries(socket_stack_peer PRIVATE atoll_unix atoll_net atoll_options)
add_test(NAME unix_socket_stack_peer_test
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/socket_stack_peer_test.py $<TARGET_FILE:socket_stack_peer>)
set_tests_properties(unix_socket_stack_peer_test PROPERTIES LABELS net TIMEOUT 300)
