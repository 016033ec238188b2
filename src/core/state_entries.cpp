// Packing and reading hangar_sync's state entries (state_entries.hpp).
#include "core/state_entries.hpp"

#include <cstring>

#include "core/hash64.hpp"

namespace hangar {

namespace {

constexpr uint64_t kValueKeySeed = 0x3c6ef372fe94f82bULL;
constexpr size_t kHashBytes = 2 * sizeof(uint64_t);  // an entry's content and raw hashes

// Differences near zero either way become small numbers: 0, -1, 1, -2 ... as 0, 1, 2, 3 ...
uint64_t zigzag(uint64_t difference) {
  return (difference << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(difference) >> 63);
}
uint64_t unzigzag(uint64_t n) { return (n >> 1) ^ (~(n & 1) + 1); }

}  // namespace

uint64_t value_key_lo(uint64_t bits) { return hash64(&bits, sizeof bits, kValueKeySeed); }

const char *state_key_format_name(StateKeyFormat format) {
  return format == StateKeyFormat::ValueDelta ? "value_delta" : "hash";
}

bool state_key_format_from_name(const char *name, StateKeyFormat *format) {
  if (strcmp(name, "hash") == 0) *format = StateKeyFormat::Hash;
  else if (strcmp(name, "value_delta") == 0) *format = StateKeyFormat::ValueDelta;
  else return false;
  return true;
}

StateKeyFormat pack_state_entries(char *data, size_t n, size_t *bytes) {
  *bytes = n * kStateEntryBytes;
  for (size_t i = 0; i < n; ++i) {
    StateEntry e;
    memcpy(&e, data + i * kStateEntryBytes, sizeof e);
    if (e.key_lo != value_key_lo(e.key_hi)) return StateKeyFormat::Hash;
  }
  // Entry i packs into at most 10 + 16 bytes, so it never overtakes entry i + 1 before that is read.
  char *out = data;
  uint64_t previous = 0;
  for (size_t i = 0; i < n; ++i) {
    StateEntry e;
    memcpy(&e, data + i * kStateEntryBytes, sizeof e);
    uint64_t v = zigzag(e.key_hi - previous);
    previous = e.key_hi;
    for (; v >= 0x80; v >>= 7) *out++ = static_cast<char>((v & 0x7f) | 0x80);
    *out++ = static_cast<char>(v);
    memcpy(out, &e.hash, sizeof e.hash);
    memcpy(out + sizeof e.hash, &e.raw, sizeof e.raw);
    out += kHashBytes;
  }
  *bytes = static_cast<size_t>(out - data);
  return StateKeyFormat::ValueDelta;
}

bool StateEntryReader::next(StateEntry *entry) {
  if (at_ == end_) return false;
  if (format_ == StateKeyFormat::Hash) {
    if (static_cast<size_t>(end_ - at_) < kStateEntryBytes) return truncated_ = true, false;
    memcpy(entry, at_, kStateEntryBytes);
    at_ += kStateEntryBytes;
    return true;
  }
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    if (at_ == end_ || shift > 63) return truncated_ = true, false;
    uint8_t byte = static_cast<uint8_t>(*at_++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
  }
  if (static_cast<size_t>(end_ - at_) < kHashBytes) return truncated_ = true, false;
  previous_ += unzigzag(v);
  entry->key_hi = previous_;
  entry->key_lo = value_key_lo(previous_);
  memcpy(&entry->hash, at_, sizeof entry->hash);
  memcpy(&entry->raw, at_ + sizeof entry->hash, sizeof entry->raw);
  at_ += kHashBytes;
  return true;
}

}  // namespace hangar
