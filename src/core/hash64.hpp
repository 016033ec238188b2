// A fast 64-bit hash of bytes for content checksums (verification), processing 16 bytes per
// step with 64x64->128-bit multiply mixing. Not cryptographic: it detects accidental changes,
// which is all verification asks of it. Pure C++, so the same function serves every zone.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hangar {

uint64_t hash64(const void *data, size_t len, uint64_t seed);

// Combines a running hash with the next value's hash, order-dependently.
inline uint64_t hash64_combine(uint64_t h, uint64_t next) {
  unsigned __int128 r = static_cast<unsigned __int128>(h ^ 0x9e3779b97f4a7c15ULL) * (next ^ 0xd6e8feb86659fd93ULL);
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace hangar
