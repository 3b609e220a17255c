// git_backend: the store's objects and refs in an on-disk Git repository,
// through libgit2, on unix (store/backend.hpp's concept).
//
// Every libgit2 call runs on a worker thread (worker.hpp) with the
// backend's timeout, so the event loop never stalls on the disk or on a
// repository another process has locked; a call that times out is
// errc::timed_out and its result is dropped. Reads are checked: the bytes
// libgit2 returns must hash to the id, else errc::corrupt (libgit2's own
// hash check is on too). Refs are test-and-set through libgit2's
// compare-and-swap (git_reference_create_matching), so a concurrent `git`
// that moved a branch makes update_ref fail with errc::conflict.
//
// Durability: libgit2 writes loose objects and refs through a temporary
// file and a rename; with GIT_OPT_ENABLE_FSYNC_GITDIR (set here, process
// wide) it fsyncs them first, so a ref update is durable when update_ref
// completes and flush() has nothing left to do. Object format: SHA-1 only
// (libgit2 1.5 has no SHA-256): opening a SHA-256 repository, or asking for
// one, is errc::unsupported.
#pragma once

#include <atoll/store/backend.hpp>
#include <atoll/unix/worker.hpp>

#include <memory>
#include <string>

namespace atl::unix_target {

struct git_backend_options {
  duration timeout = std::chrono::seconds(30);
  bool create = false;  ///< make the repository (bare, HEAD -> refs/heads/main) if absent
  std::size_t max_object_size = store::default_max_object_size;
};

class git_backend {
public:
  /// open(w, path, options): the repository at `path` (a work tree or a bare
  /// repository). not_found when there is none and options.create is off.
  static task<result<std::unique_ptr<git_backend>>> open(worker& w, std::string path,
                                                         git_backend_options options = {});
  git_backend(const git_backend&) = delete;
  git_backend& operator=(const git_backend&) = delete;
  ~git_backend();

  [[nodiscard]] store::hash_format format() const noexcept { return store::hash_format::sha1; }
  task<result<store::object_id>> write(store::object_kind kind, std::span<const std::byte> payload);
  task<result<store::raw_object>> read(const store::object_id& id);
  task<result<bool>> contains(const store::object_id& id);
  task<result<std::vector<store::object_id>>> object_ids();
  task<result<store::object_id>> read_ref(std::string_view name);
  task<result<void>> update_ref(std::string_view name, std::optional<store::object_id> expected,
                                std::optional<store::object_id> desired);
  task<result<std::vector<store::ref_entry>>> list_refs(std::string_view prefix);
  task<result<void>> flush();

  // Sync with Git remotes (a path, file:// or http:// URL), through libgit2
  // on the worker with the backend's timeout. A remote that cannot be
  // reached is errc::unreachable, one that does not answer in time
  // errc::timed_out; nothing local changes then.

  /// clone(w, url, path, options): a bare clone of `url` at `path`, opened.
  static task<result<std::unique_ptr<git_backend>>> clone(worker& w, std::string url,
                                                          std::string path,
                                                          git_backend_options options = {});
  /// fetch(url, refspecs): the remote's objects and refs as the refspecs map
  /// them ("+refs/heads/*:refs/remotes/origin/*").
  task<result<void>> fetch(std::string url, std::vector<std::string> refspecs);
  /// push(url, refspecs): sends "refs/heads/main:refs/heads/main" and the
  /// like; a remote that refuses an update (not a fast-forward: the
  /// histories diverged) is errc::conflict naming the ref, and the remote
  /// keeps its value.
  task<result<void>> push(std::string url, std::vector<std::string> refspecs);

  struct repository;  ///< libgit2's handles, touched only on the worker thread

private:
  git_backend(worker& w, git_backend_options options, std::shared_ptr<repository> repo) noexcept
      : worker_(w), options_(options), repo_(std::move(repo)) {}

  worker& worker_;
  git_backend_options options_;
  std::shared_ptr<repository> repo_;
};

}  // namespace atl::unix_target
