// `atoll store`: open the store a path names, then one subcommand.
#include "store_command.hpp"

#include <atoll/store/block_backend.hpp>
#include <atoll/store/branch.hpp>
#include <atoll/store/pack_io.hpp>
#include <atoll/unix/block_file.hpp>
#include <atoll/unix/git_backend.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace atl::tool::store {
namespace {

using namespace atl::store;
namespace fs = std::filesystem;

int usage(const char* why) {
  std::fprintf(stderr,
               "atoll store: %s\n"
               "usage: atoll store init IMAGE --size MIB [--sha256]\n"
               "       atoll store branches|fsck STORE\n"
               "       atoll store log STORE [REV] [-n N]\n"
               "       atoll store show STORE REV[:PATH]\n"
               "       atoll store diff STORE REV REV\n"
               "       atoll store export STORE DIR\n"
               "       atoll store import STORE PACK [--ref NAME=ID]...\n"
               "       atoll store set STORE PATH [--branch B] < VALUE\n",
               why);
  return 2;
}

int failed(const error& e) {
  std::fprintf(stderr, "atoll store: %.*s\n", static_cast<int>(e.message().size()),
               e.message().data());
  return 1;
}

// The store at a path, open: a block image or a Git repository.
struct session {
  unix_target::epoll_platform platform;
  engine e{platform};
  std::unique_ptr<unix_target::worker> w;
  std::optional<unix_target::file_block> file;
  std::unique_ptr<block_ref<unix_target::file_block>> device;
  std::unique_ptr<block_backend> block;
  std::unique_ptr<unix_target::git_backend> git;
  std::unique_ptr<any_backend> backend;

  explicit session(unix_target::epoll_platform p) : platform(std::move(p)) {}
  ~session() {
    backend.reset();
    git.reset();
    block.reset();
    w.reset();
  }
};

result<std::unique_ptr<session>> open_store(const std::string& path, bool damaged_ok) {
  ATOLL_TRY(auto platform, unix_target::epoll_platform::create());
  auto s = std::make_unique<session>(std::move(platform));
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    ATOLL_TRY(s->w, unix_target::worker::create(s->e, s->platform));
    ATOLL_TRY(s->git, s->e.run(unix_target::git_backend::open(*s->w, path)));
    s->backend = std::make_unique<backend_ref<unix_target::git_backend>>(*s->git);
    return s;
  }
  if (!fs::is_regular_file(path, ec)) return error(errc::not_found, "no store at ", path);
  // The image's sector size is in its superblock; the common ones are tried.
  error last(errc::corrupt, "not a store image");
  for (std::uint32_t sector_size : {4096u, 512u}) {
    s->device.reset();
    s->file.reset();
    auto f = unix_target::file_block::create(path, {.sector_size = sector_size});
    if (!f) {
      last = f.error();
      continue;
    }
    s->file.emplace(std::move(*f));
    s->device = std::make_unique<block_ref<unix_target::file_block>>(*s->file);
    auto b = s->e.run(block_backend::open(s->e, *s->device, {.open_damaged = damaged_ok}));
    if (b) {
      s->block = std::move(*b);
      s->backend = std::make_unique<backend_ref<block_backend>>(*s->block);
      return s;
    }
    // Another sector size may fit; any other error is the store's own.
    const std::string_view why = b.error().message();
    if (why.find("no atoll store") == std::string_view::npos &&
        why.find("another shape") == std::string_view::npos) {
      return b.error();
    }
    if (sector_size == 4096) last = b.error();
  }
  return last;
}

task<result<object_id>> resolve(any_backend& b, std::string rev) {
  if (auto id = object_id::from_hex(b.format(), rev); id) co_return *id;
  for (const std::string& name : {"refs/heads/" + rev, "refs/tags/" + rev, rev}) {
    if (!check_ref_name(name)) continue;
    auto id = co_await b.read_ref(name);
    if (id) co_return *id;
    if (id.error().code() != errc::not_found) co_return id.error();
  }
  co_return error(errc::not_found, "no branch, ref or object named ", rev);
}

void print_bytes(std::span<const std::byte> bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
}

void print_commit(const object_id& id, const commit_data& c) {
  std::printf("commit %s\n", std::string(id.hex().view()).c_str());
  for (const auto& p : c.parents) std::printf("parent %s\n", std::string(p.hex().view()).c_str());
  std::printf("Author: %s <%s>\nDate:   %lld %+05d\n\n", c.info.name.c_str(), c.info.email.c_str(),
              static_cast<long long>(c.info.time.time_since_epoch().count() / 1'000'000'000),
              c.info.tz_minutes / 60 * 100 + c.info.tz_minutes % 60);
  std::size_t start = 0;
  const std::string& m = c.info.message;
  while (start < m.size()) {
    const auto nl = m.find('\n', start);
    const auto line = m.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::printf("    %s\n", line.c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::printf("\n");
}

void print_changes(const std::vector<change>& changes) {
  for (const auto& c : changes) {
    const char mark = c.kind == change_kind::added     ? 'A'
                      : c.kind == change_kind::removed ? 'D'
                                                       : 'M';
    std::printf("%c\t%s\n", mark, std::string(c.path.text()).c_str());
  }
}

task<result<int>> set_value(any_backend& b, std::string path, std::string branch_name,
                            std::string value) {
  repo r(b);
  ATOLL_CO_TRY(auto key, kv_key::parse(path));
  ATOLL_CO_TRY(auto br, branch::open(r, branch_name));
  commit_info info;
  info.name = "atoll store";
  info.email = "atoll@localhost";
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  info.time = wall_time(std::chrono::duration_cast<wall_time::duration>(now));
  info.message = "set " + path + "\n";
  ATOLL_CO_TRY(auto id,
               co_await br.set(key, std::as_bytes(std::span(value.data(), value.size())), info));
  ATOLL_CO_TRYV(co_await b.flush());
  // Printed once durable: a caller may count on it.
  std::printf("%s\n", std::string(id.hex().view()).c_str());
  co_return 0;
}

task<result<int>> branches(any_backend& b) {
  ATOLL_CO_TRY(auto refs, co_await b.list_refs("refs/"));
  for (const auto& r : refs)
    std::printf("%s %s\n", std::string(r.id.hex().view()).c_str(), r.name.c_str());
  co_return 0;
}

task<result<int>> log(any_backend& b, std::string rev, std::size_t limit) {
  repo r(b);
  ATOLL_CO_TRY(auto head, co_await resolve(b, rev));
  ATOLL_CO_TRY(auto ids, co_await r.log(head, limit));
  for (const auto& id : ids) {
    ATOLL_CO_TRY(auto c, co_await r.read_commit(id));
    print_commit(id, c);
  }
  co_return 0;
}

task<result<int>> show(any_backend& b, std::string spec) {
  repo r(b);
  const auto colon = spec.find(':');
  ATOLL_CO_TRY(auto id, co_await resolve(b, spec.substr(0, colon)));
  ATOLL_CO_TRY(auto c, co_await r.read_commit(id));
  if (colon == std::string::npos) {
    print_commit(id, c);
    object_id before = r.empty_tree();
    if (!c.parents.empty()) {
      ATOLL_CO_TRY(auto p, co_await r.read_commit(c.parents.front()));
      before = p.tree;
    }
    ATOLL_CO_TRY(auto changes, co_await r.diff(before, c.tree));
    print_changes(changes);
    co_return 0;
  }
  ATOLL_CO_TRY(auto path, kv_key::parse(spec.substr(colon + 1)));
  ATOLL_CO_TRY(auto at, co_await r.find(c.tree, path));
  if (!at) co_return error(errc::not_found, "nothing at ", spec);
  if (at->kind == kv_kind::value) {
    ATOLL_CO_TRY(auto bytes, co_await r.read_blob(at->id));
    print_bytes(bytes);
    co_return 0;
  }
  ATOLL_CO_TRY(auto entries, co_await r.list(c.tree, path));
  for (const auto& e : entries)
    std::printf("%s%s\n", e.name.c_str(), e.kind == kv_kind::dictionary ? "/" : "");
  co_return 0;
}

task<result<int>> diff(any_backend& b, std::string from, std::string to) {
  repo r(b);
  ATOLL_CO_TRY(auto a, co_await resolve(b, from));
  ATOLL_CO_TRY(auto z, co_await resolve(b, to));
  ATOLL_CO_TRY(auto ca, co_await r.read_commit(a));
  ATOLL_CO_TRY(auto cz, co_await r.read_commit(z));
  ATOLL_CO_TRY(auto changes, co_await r.diff(ca.tree, cz.tree));
  print_changes(changes);
  co_return 0;
}

task<result<int>> fsck(any_backend& b, const block_backend* block) {
  std::size_t bad = 0;
  if (block != nullptr && block->stats().damaged) {
    std::printf(
        "error: batch %llu of the log fails its checksum while later batches are intact: "
        "what it and they hold is not readable\n",
        static_cast<unsigned long long>(block->stats().damaged_batch));
    ++bad;
  }
  // Every object: read back, which checks its hash.
  ATOLL_CO_TRY(auto ids, co_await b.object_ids());
  for (const auto& id : ids) {
    auto o = co_await b.read(id);
    if (!o) {
      std::printf("error: %.*s\n", static_cast<int>(o.error().message().size()),
                  o.error().message().data());
      ++bad;
    }
  }
  // Every ref: its whole history present and well-formed.
  ATOLL_CO_TRY(auto refs, co_await b.list_refs("refs/"));
  std::vector<object_id> roots;
  for (const auto& r : refs) roots.push_back(r.id);
  auto reached = co_await reachable(b, roots);
  if (!reached) {
    std::printf("error: %.*s\n", static_cast<int>(reached.error().message().size()),
                reached.error().message().data());
    ++bad;
  }
  std::printf("fsck: %zu objects, %zu refs, %zu reachable: %s\n", ids.size(), refs.size(),
              reached ? reached->size() : std::size_t{0}, bad == 0 ? "ok" : "DAMAGED");
  co_return bad == 0 ? 0 : 1;
}

result<void> write_file(const fs::path& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return error(errc::io_error, "cannot write ", path.string());
  return {};
}

task<result<int>> export_repo(any_backend& b, std::string dir) {
  ATOLL_CO_TRY(auto refs, co_await b.list_refs("refs/"));
  if (refs.empty()) co_return error(errc::not_found, "the store has no refs to export");
  std::vector<object_id> roots;
  for (const auto& r : refs) roots.push_back(r.id);
  ATOLL_CO_TRY(auto files, co_await export_pack(b, roots));
  std::error_code ec;
  if (fs::exists(dir, ec)) co_return error(errc::exists, dir, " exists already");
  fs::create_directories(fs::path(dir) / "objects" / "pack", ec);
  fs::create_directories(fs::path(dir) / "refs" / "heads", ec);
  fs::create_directories(fs::path(dir) / "refs" / "tags", ec);
  if (ec) co_return error(errc::io_error, "cannot make ", dir);
  const std::string name = "pack-" + std::string(files.checksum.hex().view());
  ATOLL_CO_TRYV(write_file(fs::path(dir) / "objects" / "pack" / (name + ".pack"), files.pack));
  ATOLL_CO_TRYV(write_file(fs::path(dir) / "objects" / "pack" / (name + ".idx"), files.idx));
  std::string packed = "# pack-refs with: peeled fully-peeled sorted \n";
  std::string head = "ref: refs/heads/main\n";
  for (const auto& r : refs) packed += std::string(r.id.hex().view()) + " " + r.name + "\n";
  if (!refs.empty() && std::none_of(refs.begin(), refs.end(), [](const ref_entry& r) {
        return r.name == "refs/heads/main";
      })) {
    head = "ref: " + refs.front().name + "\n";
  }
  std::string config = "[core]\n\trepositoryformatversion = ";
  config += b.format() == hash_format::sha256
                ? "1\n\tbare = true\n[extensions]\n\tobjectformat = sha256\n"
                : "0\n\tbare = true\n";
  auto as_bytes = [](const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); };
  ATOLL_CO_TRYV(write_file(fs::path(dir) / "packed-refs", as_bytes(packed)));
  ATOLL_CO_TRYV(write_file(fs::path(dir) / "HEAD", as_bytes(head)));
  ATOLL_CO_TRYV(write_file(fs::path(dir) / "config", as_bytes(config)));
  std::printf("exported %zu refs in %s (%zu bytes of pack)\n", refs.size(), dir.c_str(),
              files.pack.size());
  co_return 0;
}

task<result<int>> import_repo(any_backend& b, std::string pack_path,
                              std::vector<std::string> refs) {
  std::string text;
  {
    std::FILE* in = std::fopen(pack_path.c_str(), "rb");
    if (in == nullptr) co_return error(errc::not_found, "cannot read ", pack_path);
    char chunk[65536];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, in)) > 0;) text.append(chunk, n);
    std::fclose(in);
  }
  ATOLL_CO_TRY(auto ids,
               co_await import_pack(b, std::as_bytes(std::span(text.data(), text.size()))));
  for (const auto& spec : refs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos)
      co_return error(errc::invalid_argument, "--ref wants NAME=ID, not ", spec);
    ATOLL_CO_TRY(auto id, object_id::from_hex(b.format(), spec.substr(eq + 1)));
    ATOLL_CO_TRY(bool have, co_await b.contains(id));
    if (!have) co_return error(errc::not_found, "the pack has no object ", spec.substr(eq + 1));
    auto current = co_await b.read_ref(spec.substr(0, eq));
    std::optional<object_id> expected;
    if (current) expected = *current;
    ATOLL_CO_TRYV(co_await b.update_ref(spec.substr(0, eq), expected, id));
  }
  ATOLL_CO_TRYV(co_await b.flush());
  std::printf("imported %zu objects\n", ids.size());
  co_return 0;
}

int init(const std::vector<std::string>& args) {
  if (args.size() < 2) return usage("init needs an IMAGE");
  long mib = 0;
  bool sha256 = false;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--size" && i + 1 < args.size()) {
      mib = std::strtol(args[++i].c_str(), nullptr, 10);
    } else if (args[i] == "--sha256") {
      sha256 = true;
    } else {
      return usage("unknown option to init");
    }
  }
  if (mib < 1 || mib > (1L << 20)) return usage("init needs --size MIB (1 to 1048576)");
  std::error_code ec;
  if (fs::exists(args[1], ec)) return failed(error(errc::exists, args[1], " exists already"));
  auto platform = unix_target::epoll_platform::create();
  if (!platform) return failed(platform.error());
  engine e(*platform);
  auto file = unix_target::file_block::create(
      args[1], {.sector_size = 4096, .create_sectors = static_cast<std::uint64_t>(mib) * 256});
  if (!file) return failed(file.error());
  block_ref<unix_target::file_block> dev(*file);
  auto b = e.run(block_backend::create(e, dev, sha256 ? hash_format::sha256 : hash_format::sha1));
  if (!b) return failed(b.error());
  std::printf("a %ld MiB %s store in %s\n", mib, sha256 ? "SHA-256" : "SHA-1", args[1].c_str());
  return 0;
}

}  // namespace

int store_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help") return usage("which subcommand?");
  const std::string& action = args[0];
  if (action == "init") return init(args);
  static constexpr std::string_view actions[] = {"branches", "log",    "show",   "diff",
                                                 "fsck",     "export", "import", "set"};
  if (std::find(std::begin(actions), std::end(actions), action) == std::end(actions)) {
    return usage("unknown subcommand");
  }
  if (args.size() < 2) return usage("which STORE?");
  auto s = open_store(args[1], action == "fsck");
  if (!s) return failed(s.error());
  any_backend& b = *(*s)->backend;
  engine& e = (*s)->e;
  result<int> r = error(errc::invalid_argument);
  if (action == "branches" && args.size() == 2) {
    r = e.run(branches(b));
  } else if (action == "log") {
    std::string rev = "main";
    std::size_t limit = 20;
    for (std::size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "-n" && i + 1 < args.size()) {
        limit = static_cast<std::size_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
      } else {
        rev = args[i];
      }
    }
    r = e.run(log(b, rev, limit));
  } else if (action == "show" && args.size() == 3) {
    r = e.run(show(b, args[2]));
  } else if (action == "diff" && args.size() == 4) {
    r = e.run(diff(b, args[2], args[3]));
  } else if (action == "fsck" && args.size() == 2) {
    r = e.run(fsck(b, (*s)->block.get()));
  } else if (action == "export" && args.size() == 3) {
    r = e.run(export_repo(b, args[2]));
  } else if (action == "set" && (args.size() == 3 || (args.size() == 5 && args[3] == "--branch"))) {
    std::string value;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0;)
      value.append(chunk, n);
    r = e.run(set_value(b, args[2], args.size() == 5 ? args[4] : "main", value));
  } else if (action == "import" && args.size() >= 3) {
    std::vector<std::string> refs;
    for (std::size_t i = 3; i + 1 < args.size(); i += 2) {
      if (args[i] != "--ref") return usage("import takes --ref NAME=ID options");
      refs.push_back(args[i + 1]);
    }
    if ((args.size() - 3) % 2 != 0) return usage("import takes --ref NAME=ID options");
    r = e.run(import_repo(b, args[2], std::move(refs)));
  } else {
    return usage("unknown subcommand or wrong arguments");
  }
  std::fflush(stdout);
  if (!r) return failed(r.error());
  return *r;
}

}  // namespace atl::tool::store
