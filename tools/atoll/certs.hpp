// The manifest's `cert` statements, carried out by `atoll configure`.
//
// Keys and certificates an application reads at run time (the piñata's CA,
// server certificate and Bitcoin key; the static site's development HTTPS
// certificate) are made on the machine that configures it, never committed
// and never printed. Files that exist are kept, so configuring again leaves
// them alone, and a server certificate is signed by the CA already there.
#pragma once

#include "manifest.hpp"

#include <filesystem>
#include <string>

namespace atl::tool {

/// make_certs(m, dir): for each cert statement of `m` in order, its files
/// under `dir` (the manifest's folder) made with `atoll cert` unless they all
/// exist; one line on standard output per file set made. Returns the problem
/// as "FILE:LINE: message", or empty: a statement `atoll cert` rejects, a set
/// of which only some files exist, a failure to write.
std::string make_certs(const manifest& m, const std::filesystem::path& dir);

}  // namespace atl::tool
