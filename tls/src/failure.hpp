// failure: BoringSSL's account of a failed call, as a tls::reason and an
// atl::error ("tls <reason>: detail"). Private to tls/.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/tls/reason.hpp>

#include <openssl/ssl.h>

namespace atl::tls::detail {

/// classify(ssl, ret, eof_fed, out): the reason and error for the SSL call
/// on `ssl` that returned `ret`; `eof_fed` says the flow had ended. Reads
/// and clears BoringSSL's error queue.
error classify(const SSL* ssl, int ret, bool eof_fed, reason& out) noexcept;

/// reason_of_alert(alert): the reason an alert (received or sent) names.
reason reason_of_alert(int alert) noexcept;

}  // namespace atl::tls::detail
