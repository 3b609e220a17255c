// The examples that need TLS, over the portable devices (instances.cpp says
// why): built when atoll has BoringSSL.
#include "pinata.hpp"
#include "site.hpp"
#include <atoll/devices/chacha_random.hpp>
#include <atoll/devices/crunched_kv.hpp>
#include <atoll/devices/memory_console.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>

#include <cstdint>
#include <string_view>

namespace {
struct site_keys {
  std::uint16_t http_port = 8080;
  std::uint16_t https_port = 8443;
  bool https_redirect = false;
  std::uint64_t hsts = 0;
  std::uint64_t max_connections = 1024;
  atl::duration header_timeout = std::chrono::seconds(10);
  atl::duration idle_timeout = std::chrono::seconds(60);
};
using direct = atl::net::direct_stack<atl::memory_switch::port>;
using direct_site = static_site::unikernel<atl::memory_console, direct, atl::chacha_random,
                                           atl::crunched_kv, atl::crunched_kv>;
}  // namespace
template class static_site::unikernel<atl::memory_console, direct, atl::chacha_random,
                                      atl::crunched_kv, atl::crunched_kv>;
template atl::task<int> direct_site::start<site_keys>(const site_keys&, atl::memory_console&,
                                                      direct&, atl::chacha_random&,
                                                      atl::crunched_kv&, atl::crunched_kv&);

namespace {
struct pinata_keys {
  std::uint16_t tls_port = 10443;
  std::uint16_t http_port = 8081;
  std::string_view client;
  std::string_view server_name = "localhost";
  std::uint64_t max_connections = 256;
};
using direct_pinata =
    pinata::unikernel<atl::memory_console, direct, atl::chacha_random, atl::crunched_kv>;
}  // namespace
template class pinata::unikernel<atl::memory_console, direct, atl::chacha_random, atl::crunched_kv>;
template atl::task<int> direct_pinata::start<pinata_keys>(const pinata_keys&, atl::memory_console&,
                                                          direct&, atl::chacha_random&,
                                                          atl::crunched_kv&);
