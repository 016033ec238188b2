// The entries of hangar_sync's per-table state (hangar.sync_state.entries), packed for storage:
// per row its key, its content hash and the hash of the raw SQLite values it came from. A key is
// 16 bytes (two hashes) in general; a key that is one by-value column (an integer key, say) is
// that column's 8 bytes plus a second half derived from them, so storage keeps only the bytes,
// as the varint of their difference from the row before: rows copied in key order then take
// 17 bytes instead of 32. Pure C++, so the same code serves every zone and the unit tests.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hangar {

struct StateEntry {
  uint64_t key_hi, key_lo, hash, raw;
};
constexpr size_t kStateEntryBytes = sizeof(StateEntry);  // an entry unpacked, and in the "hash" format

// The second half of the key of a row whose key is the one by-value column `bits`: a hash of
// them, so keys spread evenly over a hash table however the values cluster.
uint64_t value_key_lo(uint64_t bits);

// How a chunk's keys are stored: "hash" (16 bytes, as they are) or "value_delta" (each key's
// first half, as the zigzag varint of its difference from the key before; second halves are
// value_key_lo of the first).
enum class StateKeyFormat { Hash, ValueDelta };
const char *state_key_format_name(StateKeyFormat format);
// false when name is neither format's name.
bool state_key_format_from_name(const char *name, StateKeyFormat *format);

// Packs n entries, laid out unpacked at data, in place: ValueDelta when every key's second half is
// value_key_lo of its first, else Hash (the bytes unchanged). Returns the format and sets *bytes
// to the packed length (never more than n entries unpacked).
StateKeyFormat pack_state_entries(char *data, size_t n, size_t *bytes);

// Reads packed entries back one at a time.
class StateEntryReader {
 public:
  StateEntryReader(StateKeyFormat format, const char *data, size_t bytes)
      : format_(format), at_(data), end_(data + bytes) {}
  // The next entry into *entry; false at the end, or when the bytes end inside an entry
  // (truncated() tells which).
  bool next(StateEntry *entry);
  bool truncated() const { return truncated_; }

 private:
  StateKeyFormat format_;
  const char *at_;
  const char *end_;
  uint64_t previous_ = 0;
  bool truncated_ = false;
};

}  // namespace hangar
