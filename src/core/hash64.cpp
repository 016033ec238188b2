// hash64 (see hash64.hpp): multiply-fold mixing of 16-byte blocks, the tail zero-padded and the
// length folded in, so inputs that differ only in trailing zero bytes hash apart.
#include "core/hash64.hpp"

#include <cstring>

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

constexpr uint64_t kP0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;

inline uint64_t fold(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

uint64_t hash64(const void *data, size_t len, uint64_t seed) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  uint64_t h = seed ^ fold(len ^ kP0, kP1);
  size_t n = len;
  while (n >= 16) {
    h = fold(load64(p) ^ kP1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  unsigned char tail[16] = {0};
  if (n) std::memcpy(tail, p, n);
  h = fold(load64(tail) ^ kP2 ^ h, load64(tail + 8) ^ kP0 ^ len);
  return fold(h ^ kP1, h ^ kP2);
}

}  // namespace hangar
