// repo's commits: write and read through the commit codec, checked.
#include "tree_entries.hpp"
#include <atoll/store/repo.hpp>

namespace atl::store {

task<result<object_id>> repo::write_commit(const commit_data& c) {
  if (c.tree.format() != format())
    co_return error(errc::invalid_argument, "tree id of another format");
  ATOLL_CO_TRY(auto payload, detail::encode_commit(c));
  co_return co_await backend_.write(object_kind::commit, payload);
}

task<result<commit_data>> repo::read_commit(object_id id) {
  ATOLL_CO_TRY(auto raw, co_await backend_.read(id));
  if (raw.kind != object_kind::commit) {
    co_return error(errc::corrupt, "object ", id.hex().view(), " is a ", to_string(raw.kind),
                    ", not a commit");
  }
  auto c = detail::decode_commit(format(), raw.payload);
  if (!c) co_return error(errc::corrupt, "commit ", id.hex().view(), ": ", c.error().message());
  co_return std::move(*c);
}

}  // namespace atl::store
