#include "certs.hpp"

#include "cert_command.hpp"

#include <cstdio>
#include <vector>

namespace atl::tool {

namespace fs = std::filesystem;

namespace {

// outputs(d): the files a statement makes, relative to the manifest's folder.
std::vector<std::string> outputs(const cert_decl& d) {
  if (d.action == "bitcoin") return {d.out + ".key", d.out + ".address"};
  return {d.out + ".crt", d.out + ".key"};
}

// arguments(d, dir): the statement as `atoll cert` arguments, paths made absolute.
std::vector<std::string> arguments(const cert_decl& d, const fs::path& dir) {
  std::vector<std::string> args = {d.action, "--out", (dir / d.out).string()};
  for (const auto& [name, value] : d.options) {
    args.push_back("--" + name);
    args.push_back(name == "ca" ? (dir / value).string() : value);
  }
  return args;
}

}  // namespace

std::string make_certs(const manifest& m, const fs::path& dir) {
  for (const cert_decl& d : m.certs) {
    const std::string where = "cert " + d.action + " " + d.out + ": ";
    // Checked first, so that a bad statement is reported even when its files exist.
    auto options = cert::parse_cert_args(arguments(d, dir));
    if (!options) {
      return m.at(d.line, where + std::string(options.error().message())).text();
    }
    std::string present;
    std::string missing;
    for (const std::string& f : outputs(d)) {
      std::error_code ec;
      std::string& list = fs::exists(dir / f, ec) ? present : missing;
      list += (list.empty() ? "" : ", ") + f;
    }
    if (missing.empty()) continue;
    if (!present.empty()) {
      return m
          .at(d.line, where + "only some of its files exist (" + present + "; missing: " + missing +
                          "): remove them to make new ones, or restore the others")
          .text();
    }
    std::error_code ec;
    fs::create_directories((dir / d.out).parent_path(), ec);
    if (ec) return m.at(d.line, where + "cannot create its folder: " + ec.message()).text();
    auto made = cert::make_files(*options);
    if (!made) return m.at(d.line, where + std::string(made.error().message())).text();
    if (d.action == "bitcoin") {
      std::printf("atoll: cert bitcoin: made %s.key and %s.address (%s)\n", d.out.c_str(),
                  d.out.c_str(), made->c_str());
    } else {
      std::printf("atoll: cert %s: made %s.crt and %s.key\n", d.action.c_str(), d.out.c_str(),
                  d.out.c_str());
    }
  }
  return {};
}

}  // namespace atl::tool
