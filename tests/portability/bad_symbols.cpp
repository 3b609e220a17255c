// A deliberately non-portable source (exceptions, RTTI, threads, host calls)
// for the symbol half of the portability check. It includes no banned header:
// only the library's symbols give it away.
#include <cstddef>
#include <typeinfo>

extern "C" long write(int fd, const void* data, std::size_t size);
extern "C" unsigned long pthread_self();

namespace fixture {

struct base {
  virtual ~base() = default;
};
struct derived : base {};

void fail() { throw 42; }
bool is_derived(base* b) { return dynamic_cast<derived*>(b) != nullptr; }
const char* type_name(const base& b) { return typeid(b).name(); }
unsigned long current_thread() { return pthread_self(); }
long say(const char* text) { return write(1, text, 1); }

}  // namespace fixture
