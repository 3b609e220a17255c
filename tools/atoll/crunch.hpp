// crunch: a folder turned into C++, the files compiled into the image (the
// role of MirageOS's ocaml-crunch). The generated build runs `atoll crunch`
// as a custom command, so the source follows the folder's files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atl::tool {

/// crunched_source_file: one file to crunch.
struct crunch_input {
  std::string path;  ///< relative to the folder, '/'-separated: a kv_key text
  std::string bytes;
  std::int64_t mtime_ns = 0;  ///< modification time, ns since the Unix epoch
};

/// Largest file crunch takes (a bigger one belongs on a block device).
inline constexpr std::uint64_t max_crunched_file = 64ULL << 20;

/// read_folder(folder, files): every regular file under `folder` (symbolic
/// links to files are followed, links to folders are not), sorted by path
/// in byte order. Returns the problem, empty on success: an unreadable file,
/// a name that is not a valid kv_key, a file over max_crunched_file.
std::string read_folder(const std::string& folder, std::vector<crunch_input>& files);

/// crunch_source(files, function, origin): the C++ source that defines
/// `std::span<const atl::crunched_file> function() noexcept` over `files`
/// (sorted), with each file's bytes, size, SHA-256 digest and mtime, in the
/// shape crunched_kv::create() takes.
std::string crunch_source(const std::vector<crunch_input>& files, std::string_view function,
                          std::string_view origin);

/// crunch(folder, out_path, function): read_folder and crunch_source into
/// `out_path`, which is written only when its text changes (so an unchanged
/// folder relinks nothing). Returns the problem, empty on success.
std::string crunch(const std::string& folder, const std::string& out_path,
                   const std::string& function);

}  // namespace atl::tool
