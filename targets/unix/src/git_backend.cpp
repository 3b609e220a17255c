// git_backend: libgit2 on the worker thread, checked on the way back.
#include <atoll/unix/git_backend.hpp>

#include <algorithm>
#include <cstring>
#include <git2.h>
#include <variant>

namespace atl::unix_target {

using store::hash_format;
using store::object_id;
using store::object_kind;

struct git_backend::repository {
  git_repository* repo = nullptr;
  git_odb* odb = nullptr;
  ~repository() {
    git_odb_free(odb);
    git_repository_free(repo);
    git_libgit2_shutdown();
  }
};

namespace {

using repo_ptr = std::shared_ptr<git_backend::repository>;

// libgit2's error as a value: its message, and a category from its code.
error git_failure(int rc, std::string_view what) {
  const git_error* e = git_error_last();
  const std::string_view message =
      e != nullptr && e->message != nullptr ? e->message : "unknown error";
  errc code = errc::io_error;
  switch (rc) {
    case GIT_ENOTFOUND: code = errc::not_found; break;
    case GIT_EEXISTS:
    case GIT_EMODIFIED: code = errc::conflict; break;
    case GIT_EINVALIDSPEC:
    case GIT_EINVALID: code = errc::invalid_argument; break;
    case GIT_EMISMATCH: code = errc::corrupt; break;
    case GIT_ELOCKED: code = errc::busy; break;
    default: break;
  }
  return error(code, "libgit2: ", what, ": ", message);
}

git_oid to_oid(const object_id& id) {
  git_oid oid;
  std::memcpy(oid.id, id.raw().data(), GIT_OID_RAWSZ);
  return oid;
}

object_id from_oid(const git_oid& oid) {
  return object_id::from_raw(hash_format::sha1, std::as_bytes(std::span(oid.id, GIT_OID_RAWSZ)))
      .value();
}

git_object_t to_type(object_kind k) {
  switch (k) {
    case object_kind::commit: return GIT_OBJECT_COMMIT;
    case object_kind::tree: return GIT_OBJECT_TREE;
    case object_kind::blob: return GIT_OBJECT_BLOB;
    case object_kind::tag: return GIT_OBJECT_TAG;
  }
  return GIT_OBJECT_INVALID;
}

result<void> check_id(const object_id& id) {
  if (id.format() != hash_format::sha1)
    return error(errc::invalid_argument, "git: object id of another format");
  return {};
}

// Opens or makes the repository; on the worker thread.
result<repo_ptr> open_repository(const std::string& path, bool create) {
  git_libgit2_init();
  auto r = std::make_shared<git_backend::repository>();
  git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
  int rc = git_repository_open_ext(&r->repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND && create) {
    git_repository_init_options opts{};  // the INIT macros leave fields to the compiler
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_BARE;
    opts.initial_head = "main";
    rc = git_repository_init_ext(&r->repo, path.c_str(), &opts);
  }
  if (rc != 0) {
    const git_error* e = git_error_last();
    if (e != nullptr && e->message != nullptr &&
        std::strstr(e->message, "objectformat") != nullptr) {
      return error(errc::unsupported, "git: a SHA-256 repository (libgit2 1.5 reads SHA-1 only)");
    }
    return git_failure(rc, "open");
  }
  rc = git_repository_odb(&r->odb, r->repo);
  if (rc != 0) return git_failure(rc, "odb");
  return r;
}

}  // namespace

git_backend::~git_backend() = default;

task<result<std::unique_ptr<git_backend>>> git_backend::open(worker& w, std::string path,
                                                             git_backend_options options) {
  const bool create = options.create;
  // Jobs are made before the co_await (docs/coroutines.md: no capturing
  // lambda inside a co_await expression with g++ 12).
  auto job = [path, create] { return open_repository(path, create); };
  ATOLL_CO_TRY(auto repo, co_await w.run<repo_ptr>(std::move(job), options.timeout));
  co_return std::unique_ptr<git_backend>(new git_backend(w, options, std::move(repo)));
}

task<result<object_id>> git_backend::write(object_kind kind, std::span<const std::byte> payload) {
  if (payload.size() > options_.max_object_size) {
    co_return error(errc::limit_exceeded, "git: object larger than ", options_.max_object_size,
                    " bytes");
  }
  // The job owns a copy: the caller's bytes may go if the call times out.
  std::vector<std::byte> bytes(payload.begin(), payload.end());
  auto job = [repo = repo_, kind, bytes = std::move(bytes)]() -> result<object_id> {
    git_oid oid;
    const int rc = git_odb_write(&oid, repo->odb, bytes.data(), bytes.size(), to_type(kind));
    if (rc != 0) return git_failure(rc, "write");
    return from_oid(oid);
  };
  co_return co_await worker_.run<object_id>(std::move(job), options_.timeout);
}

task<result<store::raw_object>> git_backend::read(const object_id& id) {
  ATOLL_CO_TRYV(check_id(id));
  auto job = [repo = repo_, id]() -> result<store::raw_object> {
    const git_oid oid = to_oid(id);
    git_odb_object* obj = nullptr;
    const int rc = git_odb_read(&obj, repo->odb, &oid);
    if (rc == GIT_ENOTFOUND) {
      return error(errc::not_found, "git: no object ", id.hex().view());
    }
    if (rc != 0) {
      // It is there (or was) but cannot be read: damage.
      auto e = git_failure(rc, "read");
      return error(errc::corrupt, "git: object ", id.hex().view(), ": ", e.message());
    }
    store::raw_object out;
    switch (git_odb_object_type(obj)) {
      case GIT_OBJECT_COMMIT: out.kind = object_kind::commit; break;
      case GIT_OBJECT_TREE: out.kind = object_kind::tree; break;
      case GIT_OBJECT_BLOB: out.kind = object_kind::blob; break;
      case GIT_OBJECT_TAG: out.kind = object_kind::tag; break;
      default: git_odb_object_free(obj); return error(errc::corrupt, "git: object of unknown type");
    }
    const auto* data = static_cast<const std::byte*>(git_odb_object_data(obj));
    out.payload.assign(data, data + git_odb_object_size(obj));
    git_odb_object_free(obj);
    return out;
  };
  ATOLL_CO_TRY(auto raw, co_await worker_.run<store::raw_object>(std::move(job), options_.timeout));
  if (store::hash_object(hash_format::sha1, raw.kind, raw.payload) != id) {
    co_return error(errc::corrupt, "git: object ", id.hex().view(), " fails its hash");
  }
  co_return raw;
}

task<result<bool>> git_backend::contains(const object_id& id) {
  ATOLL_CO_TRYV(check_id(id));
  auto job = [repo = repo_, id]() -> result<bool> {
    const git_oid oid = to_oid(id);
    return git_odb_exists(repo->odb, &oid) != 0;
  };
  co_return co_await worker_.run<bool>(std::move(job), options_.timeout);
}

task<result<std::vector<object_id>>> git_backend::object_ids() {
  auto job = [repo = repo_]() -> result<std::vector<object_id>> {
    std::vector<object_id> ids;
    const int rc = git_odb_foreach(
        repo->odb,
        [](const git_oid* oid, void* out) {
          static_cast<std::vector<object_id>*>(out)->push_back(from_oid(*oid));
          return 0;
        },
        &ids);
    if (rc != 0) return git_failure(rc, "list objects");
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  };
  co_return co_await worker_.run<std::vector<object_id>>(std::move(job), options_.timeout);
}

task<result<object_id>> git_backend::read_ref(std::string_view name) {
  ATOLL_CO_TRYV(store::check_ref_name(name));
  auto job = [repo = repo_, ref = std::string(name)]() -> result<object_id> {
    git_oid oid;
    const int rc = git_reference_name_to_id(&oid, repo->repo, ref.c_str());
    if (rc == GIT_ENOTFOUND) return error(errc::not_found, "git: no ref ", ref);
    if (rc != 0) return git_failure(rc, "read ref");
    return from_oid(oid);
  };
  co_return co_await worker_.run<object_id>(std::move(job), options_.timeout);
}

task<result<void>> git_backend::update_ref(std::string_view name, std::optional<object_id> expected,
                                           std::optional<object_id> desired) {
  ATOLL_CO_TRYV(store::check_ref_name(name));
  if (name == "HEAD")
    co_return error(errc::unsupported, "git: HEAD is symbolic here; move the branch it names");
  for (const auto& id : {expected, desired}) {
    if (id) ATOLL_CO_TRYV(check_id(*id));
  }
  auto job = [repo = repo_, ref = std::string(name), expected,
              desired]() -> result<std::monostate> {
    const char* message = "atoll";
    git_reference* out = nullptr;
    int rc = 0;
    if (!desired) {
      git_reference* current = nullptr;
      rc = git_reference_lookup(&current, repo->repo, ref.c_str());
      if (rc == GIT_ENOTFOUND) {
        if (expected) return error(errc::conflict, "git: ref ", ref, " moved");
        return std::monostate{};
      }
      if (rc != 0) return git_failure(rc, "delete ref");
      const git_oid* target = git_reference_target(current);
      if (!expected || target == nullptr || from_oid(*target) != *expected) {
        git_reference_free(current);
        return error(errc::conflict, "git: ref ", ref, " moved");
      }
      // libgit2 deletes only if the ref still has the value looked up.
      rc = git_reference_delete(current);
      git_reference_free(current);
      if (rc != 0) return git_failure(rc, "delete ref");
      return std::monostate{};
    }
    const git_oid want = to_oid(*desired);
    if (expected) {
      const git_oid old = to_oid(*expected);
      rc = git_reference_create_matching(&out, repo->repo, ref.c_str(), &want, 1, &old, message);
    } else {
      rc = git_reference_create(&out, repo->repo, ref.c_str(), &want, 0, message);
    }
    git_reference_free(out);
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || (rc == GIT_ENOTFOUND && expected)) {
      return error(errc::conflict, "git: ref ", ref, " moved");
    }
    if (rc != 0) return git_failure(rc, "update ref");
    return std::monostate{};
  };
  ATOLL_CO_TRY(auto done, co_await worker_.run<std::monostate>(std::move(job), options_.timeout));
  (void)done;
  co_return ok();
}

task<result<std::vector<store::ref_entry>>> git_backend::list_refs(std::string_view prefix) {
  auto job = [repo = repo_, p = std::string(prefix)]() -> result<std::vector<store::ref_entry>> {
    git_reference_iterator* it = nullptr;
    int rc = git_reference_iterator_new(&it, repo->repo);
    if (rc != 0) return git_failure(rc, "list refs");
    std::vector<store::ref_entry> out;
    git_reference* ref = nullptr;
    while ((rc = git_reference_next(&ref, it)) == 0) {
      const std::string_view name = git_reference_name(ref);
      const git_oid* target = git_reference_target(ref);
      if (target != nullptr && name.starts_with(p))
        out.push_back(store::ref_entry{std::string(name), from_oid(*target)});
      git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    if (rc != GIT_ITEROVER) return git_failure(rc, "list refs");
    std::sort(out.begin(), out.end(),
              [](const store::ref_entry& a, const store::ref_entry& b) { return a.name < b.name; });
    return out;
  };
  co_return co_await worker_.run<std::vector<store::ref_entry>>(std::move(job), options_.timeout);
}

task<result<void>> git_backend::flush() {
  // Objects and refs are fsynced as libgit2 writes them (see the header).
  co_return ok();
}

}  // namespace atl::unix_target

namespace atl::unix_target {
namespace {

// A remote's failure: unreachable when the network or the transport failed.
error remote_failure(int rc, std::string_view what) {
  const git_error* e = git_error_last();
  if (e != nullptr && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_HTTP ||
                       e->klass == GIT_ERROR_OS || e->klass == GIT_ERROR_SSL)) {
    return error(errc::unreachable, "libgit2: ", what, ": ",
                 e->message != nullptr ? e->message : "");
  }
  return git_failure(rc, what);
}

struct strings {
  std::vector<char*> pointers;
  git_strarray array{};
  explicit strings(std::vector<std::string>& items) {
    for (auto& s : items) pointers.push_back(s.data());
    array.strings = pointers.data();
    array.count = pointers.size();
  }
};

struct push_outcome {
  std::string rejected;  // "ref: why" of the first refused update
};

int on_push_update(const char* refname, const char* status, void* payload) {
  auto* out = static_cast<push_outcome*>(payload);
  if (status != nullptr && out->rejected.empty())
    out->rejected = std::string(refname) + ": " + status;
  return 0;
}

}  // namespace

task<result<std::unique_ptr<git_backend>>> git_backend::clone(worker& w, std::string url,
                                                              std::string path,
                                                              git_backend_options options) {
  auto job = [url, path]() -> result<repo_ptr> {
    git_libgit2_init();
    auto r = std::make_shared<git_backend::repository>();
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    git_clone_options opts{};
    git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
    opts.bare = 1;
    const int rc = git_clone(&r->repo, url.c_str(), path.c_str(), &opts);
    if (rc != 0) return remote_failure(rc, "clone");
    const int odb = git_repository_odb(&r->odb, r->repo);
    if (odb != 0) return git_failure(odb, "odb");
    return r;
  };
  ATOLL_CO_TRY(auto repo, co_await w.run<repo_ptr>(std::move(job), options.timeout));
  co_return std::unique_ptr<git_backend>(new git_backend(w, options, std::move(repo)));
}

task<result<void>> git_backend::fetch(std::string url, std::vector<std::string> refspecs) {
  auto job = [repo = repo_, url, refspecs]() mutable -> result<std::monostate> {
    git_remote* remote = nullptr;
    int rc = git_remote_create_anonymous(&remote, repo->repo, url.c_str());
    if (rc != 0) return remote_failure(rc, "fetch");
    strings specs(refspecs);
    git_fetch_options opts{};
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    rc = git_remote_fetch(remote, &specs.array, &opts, "atoll fetch");
    git_remote_free(remote);
    if (rc != 0) return remote_failure(rc, "fetch");
    return std::monostate{};
  };
  ATOLL_CO_TRY(auto done, co_await worker_.run<std::monostate>(std::move(job), options_.timeout));
  (void)done;
  co_return ok();
}

task<result<void>> git_backend::push(std::string url, std::vector<std::string> refspecs) {
  auto job = [repo = repo_, url, refspecs]() mutable -> result<std::monostate> {
    git_remote* remote = nullptr;
    int rc = git_remote_create_anonymous(&remote, repo->repo, url.c_str());
    if (rc != 0) return remote_failure(rc, "push");
    strings specs(refspecs);
    push_outcome outcome;
    git_push_options opts{};
    git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
    opts.callbacks.push_update_reference = on_push_update;
    opts.callbacks.payload = &outcome;
    rc = git_remote_push(remote, &specs.array, &opts);
    git_remote_free(remote);
    if (rc != 0) {
      const git_error* e = git_error_last();
      if (rc == GIT_ENONFASTFORWARD ||
          (e != nullptr && e->message != nullptr &&
           (std::strstr(e->message, "fast-forward") != nullptr ||
            std::strstr(e->message, "not present locally") != nullptr))) {
        return error(errc::conflict, "git: push refused, the histories diverged: ", e->message);
      }
      return remote_failure(rc, "push");
    }
    if (!outcome.rejected.empty())
      return error(errc::conflict, "git: push refused: ", outcome.rejected);
    return std::monostate{};
  };
  ATOLL_CO_TRY(auto done, co_await worker_.run<std::monostate>(std::move(job), options_.timeout));
  (void)done;
  co_return ok();
}

}  // namespace atl::unix_target
