// atoll: configure, build, run, describe and clean applications
// (docs/atoll-tool.md).
//
//   atoll configure -t unix DIR      write DIR/_atoll/unix (main.cpp, CMakeLists.txt), configure it
//   atoll build [DIR] [-j N]         build the configured application
//   atoll run [DIR] [--] [KEYS...]   run it (KEYS are its keys: --count=2)
//   atoll describe [-t T] [DIR]      print the device graph
//   atoll clean [DIR]                remove DIR/_atoll
//   atoll crunch FOLDER OUT.cpp FN   a folder as C++ (the generated build runs it)
//   atoll cert ACTION ...            certificates and keys (cert/cert_command.hpp)
//
// The configured application is remembered in ./.atoll-current, so the
// commands after configure need no DIR. Every failure is one line on
// standard error and exit status 2.
#include "cert_command.hpp"
#include "commands.hpp"
#if ATOLL_HAVE_STORE
#include "store_command.hpp"
#endif

#include <cstdio>
#include <string>

namespace {

constexpr const char* usage_text =
    "usage: atoll configure -t TARGET DIR   generate and configure DIR's build (TARGET: unix,\n"
    "                                       kvm, xen; only unix is implemented)\n"
    "       atoll build [DIR] [-j N]        build it\n"
    "       atoll run [DIR] [--] [KEYS...]  run it; KEYS set its keys (--count=2, --help)\n"
    "       atoll describe [-t T] [DIR]     print its device graph and keys\n"
    "       atoll clean [DIR]               remove DIR/_atoll\n"
    "       atoll crunch FOLDER OUT FN      write FOLDER's files as C++ (for the build)\n"
    "       atoll cert ACTION [OPTIONS]     certificates and keys: ca, server, client,\n"
    "                                       self-signed, bitcoin (atoll cert help)\n"
    "       atoll store ACTION STORE ...    a store's branches, log, show, diff, fsck,\n"
    "                                       export, import; init (atoll store help)\n"
    "DIR defaults to the application configured from this folder (./.atoll-current).\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace atl::tool;
  if (argc < 2) {
    std::fputs(usage_text, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const arguments args(argv + 2, argv + argc);
  if (command == "configure") return configure_command(args);
  if (command == "build") return build_command(args);
  if (command == "run") return run_command(args);
  if (command == "describe") return describe_command(args);
  if (command == "clean") return clean_command(args);
  if (command == "crunch") return crunch_command(args);
  if (command == "cert") return cert::cert_command(args);
#if ATOLL_HAVE_STORE
  if (command == "store") return store::store_command(args);
#endif
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(usage_text, stdout);
    return 0;
  }
  if (command == "--version") {
    std::puts("atoll " ATOLL_VERSION);
    return 0;
  }
  return fail("unknown command '" + command +
              "' (configure, build, run, describe, clean, crunch; atoll help)");
}
