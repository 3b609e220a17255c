// The peer of bench/store: libgit2 making the same commits directly, with no
// atoll in between (the figure the block backend must beat tenfold).
//
// Each commit writes one small blob (the file's new contents), a root tree
// holding it, and a commit whose parent is the previous one, then moves
// refs/heads/main, as atoll's branch::set does. Durability: run twice, with
// libgit2's default (loose objects and refs written with no fsync) and with
// GIT_OPT_ENABLE_FSYNC_GITDIR (each one fsynced).
#include "sides.hpp"

#include <chrono>
#include <cstdio>
#include <git2.h>
#include <string>

namespace bench_store {
namespace {

bool check(int rc, const char* what) {
  if (rc == 0) return true;
  const git_error* e = git_error_last();
  std::fprintf(stderr, "libgit2: %s: %s\n", what, e != nullptr ? e->message : "unknown");
  return false;
}

}  // namespace

side_result libgit2_commits(const std::string& dir, int commits, bool fsync) {
  side_result out;
  git_libgit2_init();
  // As asked, whatever another side of this run turned on (off is libgit2's default).
  git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, fsync ? 1 : 0);
  git_repository* repo = nullptr;
  if (!check(git_repository_init(&repo, dir.c_str(), 1), "init")) return out;
  git_signature* sig = nullptr;
  if (!check(git_signature_new(&sig, "bench", "bench@localhost", 1'700'000'000, 0), "signature")) {
    git_repository_free(repo);
    return out;
  }
  git_oid parent{};
  bool have_parent = false;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < commits; ++i) {
    const std::string contents = "value " + std::to_string(i) + "\n";
    git_oid blob{};
    git_oid tree_id{};
    git_oid commit{};
    git_treebuilder* builder = nullptr;
    git_tree* tree = nullptr;
    git_commit* parent_commit = nullptr;
    bool ok =
        check(git_blob_create_from_buffer(&blob, repo, contents.data(), contents.size()), "blob") &&
        check(git_treebuilder_new(&builder, repo, nullptr), "treebuilder") &&
        check(git_treebuilder_insert(nullptr, builder, "file", &blob, GIT_FILEMODE_BLOB),
              "insert") &&
        check(git_treebuilder_write(&tree_id, builder), "tree") &&
        check(git_tree_lookup(&tree, repo, &tree_id), "tree lookup");
    if (ok && have_parent) ok = check(git_commit_lookup(&parent_commit, repo, &parent), "parent");
    const git_commit* parents[1] = {parent_commit};
    if (ok) {
      ok = check(git_commit_create(&commit, repo, "refs/heads/main", sig, sig, nullptr, "bench\n",
                                   tree, have_parent ? 1 : 0, parents),
                 "commit");
    }
    git_commit_free(parent_commit);
    git_tree_free(tree);
    git_treebuilder_free(builder);
    if (!ok) break;
    parent = commit;
    have_parent = true;
    ++out.done;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  git_signature_free(sig);
  git_repository_free(repo);
  return out;
}

side_result libgit2_reads(const std::string& dir, int reads) {
  side_result out;
  git_libgit2_init();
  git_repository* repo = nullptr;
  if (!check(git_repository_open(&repo, dir.c_str()), "open")) return out;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reads; ++i) {
    git_object* obj = nullptr;
    if (!check(git_revparse_single(&obj, repo, "refs/heads/main:file"), "revparse")) break;
    const auto* blob = reinterpret_cast<git_blob*>(obj);
    if (git_blob_rawsize(blob) == 0) {
      git_object_free(obj);
      break;
    }
    git_object_free(obj);
    ++out.done;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  git_repository_free(repo);
  return out;
}

side_result libgit2_open(const std::string& dir) {
  side_result out;
  git_libgit2_init();
  const auto start = std::chrono::steady_clock::now();
  git_repository* repo = nullptr;
  git_object* obj = nullptr;
  if (check(git_repository_open(&repo, dir.c_str()), "open") &&
      check(git_revparse_single(&obj, repo, "refs/heads/main:file"), "revparse")) {
    out.done = 1;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  git_object_free(obj);
  git_repository_free(repo);
  return out;
}

}  // namespace bench_store
