// The process's one pattern table (pattern.hpp).
#include "pattern.hpp"

namespace bench {

const pattern& the_pattern() {
  static const pattern table;
  return table;
}

}  // namespace bench
