#include "describe.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace atl::tool {

namespace {

using row = std::vector<std::string>;

// table(rows, indent): the rows with their columns aligned.
std::string table(const std::vector<row>& rows, std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    if (widths.size() < r.size()) widths.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string shown(std::string_view value) {
  if (value.empty() || value.find_first_of(" \t") != std::string_view::npos) {
    std::string out = "\"";  // appended: see quoted() in manifest.cpp
    out.append(value);
    return out + "\"";
  }
  return std::string(value);
}

}  // namespace

std::string describe(const manifest& m, const device_graph& g) {
  std::string out = m.name + ": " + m.class_name + " (" + m.header + ") on " + g.target + "\n";
  std::string args = "keys";
  for (const auto& d : g.devices) args += ", " + d.name;
  out += table({{"engine", "atl::engine over " + g.platform},
                {"start", "app.start(" + args + ") -> atl::task<int>"}},
               "  ");

  out += "  devices (in start's order)\n";
  std::vector<row> rows;
  rows.reserve(g.devices.size());
  for (const auto& d : g.devices) {
    // A device a key chooses shows every type it may be.
    std::string type = d.choices.empty() ? d.concrete_type : std::string();
    for (const auto& c : d.choices) type += (type.empty() ? "" : " | ") + c;
    rows.push_back({d.name, d.kind, type, d.summary});
  }
  out += rows.empty() ? "    none\n" : table(rows, "    ");

  out += "  keys of " + m.name + "\n";
  rows.clear();
  for (const auto& k : m.keys) {
    rows.push_back(
        {"--" + k.name + "=" + std::string(to_string(k.type)), shown(k.default_text), k.doc});
  }
  out += rows.empty() ? "    none\n" : table(rows, "    ");

  out += "  keys of the " + g.target + " target\n";
  rows.clear();
  for (const auto& k : g.keys) {
    rows.push_back({"--" + k.name + "=" + std::string(to_string(k.type)),
                    k.required ? std::string("(required)") : shown(k.default_text), k.doc});
  }
  out += table(rows, "    ");

  std::string read;
  std::string write;
  for (const auto& d : g.devices) {
    for (const auto& p : d.paths) (p.write ? write : read) += " --" + p.key;
  }
  out += "  sandbox (after the devices open, unless --no-sandbox): the host paths kept\n";
  out += table({{"read-only", read.empty() ? "none" : read.substr(1)},
                {"read-write", write.empty() ? "none" : write.substr(1)}},
               "    ");
  if (!g.crunches.empty()) {
    out += "  crunched folders\n";
    rows.clear();
    for (const auto& c : g.crunches) rows.push_back({c.device, c.folder, c.function + "()"});
    out += table(rows, "    ");
  }
  return out;
}

}  // namespace atl::tool
