// A project header of the non-portable fixture (bad_include.cpp).
#pragma once

#include <sys/socket.h>  // banned, and seen by the check through -H at depth 2
#include <sys/types.h>   // banned, already included before: found in the text

namespace fixture {

inline int open_socket() { return ::socket(AF_INET, SOCK_STREAM, 0); }

}  // namespace fixture
