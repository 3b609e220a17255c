# The platform side of the unix target (included at the end of CMakeLists.txt,
# which lists the epoll platform and the boot helpers itself).
target_sources(atoll_unix PRIVATE
  # owned_fd (include/atoll/unix/fd.hpp)
  src/fd.cpp
  # tap_network (tap.hpp; the virtio-net header in src/tap_vnet.hpp)
  src/tap.cpp
  # sandbox_policy (sandbox.hpp): Landlock and seccomp (src/sandbox_parts.hpp)
  src/sandbox.cpp
  src/sandbox_landlock.cpp
  src/sandbox_seccomp.cpp)
