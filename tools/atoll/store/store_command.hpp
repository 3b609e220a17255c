// `atoll store`: look into and maintain a store on any backend
// (docs/atoll-tool.md, "atoll store").
//
//   atoll store init IMAGE --size MIB [--sha256]   a block-backend image file
//   atoll store branches STORE                      refs and their commits
//   atoll store log STORE [REV] [-n N]              history, newest first
//   atoll store show STORE REV[:PATH]               a commit and its changes, or a value
//   atoll store diff STORE REV REV                  paths added, modified, deleted
//   atoll store fsck STORE                          every object's hash, every ref's history
//   atoll store export STORE DIR                    a bare Git repository (one pack) git can clone
//   atoll store import STORE PACK [--ref NAME=ID]   a Git pack's objects, and refs
//   atoll store set STORE PATH [--branch B]         stdin as the value at PATH: a commit,
//                                                   flushed; prints its id once durable
//
// STORE is a block image (a regular file) or a Git repository (a folder,
// through libgit2). REV is a branch, a full ref name or an object id.
#pragma once

#include <string>
#include <vector>

namespace atl::tool::store {

/// store_command(args): runs `atoll store ARGS`; the exit status (0 ok, 1 the
/// store is damaged or an operation failed, 2 bad usage).
int store_command(const std::vector<std::string>& args);

}  // namespace atl::tool::store
