// The `stack` device on the unix target: one application, two stacks.
//
// The application is a class template over its devices, so the generated
// main instantiates it twice, over atl::unix_target::socket_stack (the
// host's TCP/IP, the development default) and over
// atl::net::direct_stack<atl::unix_target::tap_network> (atoll's own over a
// TAP interface), and the key --net picks the one that boots. The two
// instantiations share one generated function template, run<Net>(), in
// which Net is `socket_net` or `direct_net`: small structs of the generated
// main that open the chosen stack, check its keys and add what it needs to
// the sandbox. docs/atoll-tool.md lists the keys.
#pragma once

#include "graph.hpp"
#include "manifest.hpp"

#include <string>
#include <vector>

namespace atl::tool {

/// stack_slot(m, d, s, keys): fills the slot of the stack device `d` and
/// adds the unix target's network keys (--net, --tap, --ipv4, ...) to
/// `keys`. Returns the problem (for the device's line), or "" when fine:
/// a second stack device, or a key the application already declares.
std::string stack_slot(const manifest& m, const device_decl& d, device_slot& s,
                       std::vector<target_key>& keys);

/// stack_headers: the headers the stack choices need.
std::vector<std::string> stack_headers();

/// stack_choices_code: the generated socket_net and direct_net structs
/// (after target_keys and the failure helpers).
std::string stack_choices_code();

/// stack_dispatch_code(slot): main's statements that boot run<Net>() by --net.
std::string stack_dispatch_code(const device_slot& slot);

}  // namespace atl::tool
