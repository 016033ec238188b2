// Unit tests of core/state_entries (hangar_sync's packed state): keys of one by-value column pack
// to their varint differences and read back exactly, in any order and at the extremes of 64 bits;
// one hashed key keeps a chunk's bytes as they are; packing never grows a chunk; a chunk cut
// short is reported, never read past.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/state_entries.hpp"

using namespace hangar;

namespace {

StateEntry value_entry(uint64_t bits, uint64_t hash, uint64_t raw) { return {bits, value_key_lo(bits), hash, raw}; }

// Packs entries as the state writer does (in place), checks the format and length, reads them back.
std::vector<StateEntry> round_trip(const std::vector<StateEntry> &entries, StateKeyFormat expected, size_t *bytes) {
  std::vector<char> data(entries.size() * kStateEntryBytes);
  if (!entries.empty()) memcpy(data.data(), entries.data(), data.size());
  StateKeyFormat format = pack_state_entries(data.data(), entries.size(), bytes);
  EXPECT_EQ(format, expected);
  EXPECT_LE(*bytes, data.size());
  std::vector<StateEntry> back;
  StateEntryReader reader(format, data.data(), *bytes);
  StateEntry e;
  while (reader.next(&e)) back.push_back(e);
  EXPECT_FALSE(reader.truncated());
  return back;
}

void expect_same(const std::vector<StateEntry> &a, const std::vector<StateEntry> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key_hi, b[i].key_hi) << i;
    EXPECT_EQ(a[i].key_lo, b[i].key_lo) << i;
    EXPECT_EQ(a[i].hash, b[i].hash) << i;
    EXPECT_EQ(a[i].raw, b[i].raw) << i;
  }
}

TEST(StateEntries, KeysInOrderTakeSeventeenBytes) {
  std::vector<StateEntry> entries;
  for (uint64_t id = 1; id <= 1000; ++id) entries.push_back(value_entry(id, id * 7919, id * 104729));
  size_t bytes;
  expect_same(round_trip(entries, StateKeyFormat::ValueDelta, &bytes), entries);
  EXPECT_EQ(bytes, 1000u * 17);
}

TEST(StateEntries, AnyOrderAndTheExtremesReadBackExactly) {
  const uint64_t min = static_cast<uint64_t>(std::numeric_limits<int64_t>::min());
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  std::vector<StateEntry> entries = {value_entry(0, 1, 2), value_entry(max, 3, 0), value_entry(min, 4, 5),
                                     value_entry(~0ULL, 6, 7), value_entry(0, 8, 9), value_entry(max, 0, 0),
                                     value_entry(0xffffffffULL, 10, 11)};  // an int4's -1, zero-extended
  std::mt19937_64 random(42);
  for (int i = 0; i < 5000; ++i) entries.push_back(value_entry(random(), random(), random()));
  size_t bytes;
  expect_same(round_trip(entries, StateKeyFormat::ValueDelta, &bytes), entries);
}

TEST(StateEntries, OneHashedKeyKeepsTheChunkAsItIs) {
  std::vector<StateEntry> entries = {value_entry(1, 2, 3), {5, 6, 7, 8}, value_entry(9, 10, 11)};
  size_t bytes;
  expect_same(round_trip(entries, StateKeyFormat::Hash, &bytes), entries);
  EXPECT_EQ(bytes, 3 * kStateEntryBytes);
}

TEST(StateEntries, NoEntries) {
  size_t bytes = 99;
  EXPECT_TRUE(round_trip({}, StateKeyFormat::ValueDelta, &bytes).empty());
  EXPECT_EQ(bytes, 0u);
}

TEST(StateEntries, ACutChunkIsReportedNotReadPast) {
  std::vector<StateEntry> entries = {value_entry(300, 1, 2), value_entry(100000, 3, 4)};
  std::vector<char> data(entries.size() * kStateEntryBytes);
  memcpy(data.data(), entries.data(), data.size());
  size_t bytes;
  ASSERT_EQ(pack_state_entries(data.data(), entries.size(), &bytes), StateKeyFormat::ValueDelta);
  ASSERT_EQ(bytes, 18u + 19u);  // varints of 2 and 3 bytes, each with 16 bytes of hashes
  for (size_t cut = 0; cut < bytes; ++cut) {
    StateEntryReader reader(StateKeyFormat::ValueDelta, data.data(), cut);
    StateEntry e;
    int read = 0;
    while (reader.next(&e)) ++read;
    EXPECT_LT(read, 2) << cut;
    EXPECT_EQ(reader.truncated(), cut != 0 && cut != 18) << cut;  // all or the first entry only
  }
  StateEntryReader hashed(StateKeyFormat::Hash, data.data(), kStateEntryBytes + 5);
  StateEntry e;
  EXPECT_TRUE(hashed.next(&e));
  EXPECT_FALSE(hashed.next(&e));
  EXPECT_TRUE(hashed.truncated());
}

TEST(StateEntries, FormatNames) {
  StateKeyFormat format;
  ASSERT_TRUE(state_key_format_from_name(state_key_format_name(StateKeyFormat::ValueDelta), &format));
  EXPECT_EQ(format, StateKeyFormat::ValueDelta);
  ASSERT_TRUE(state_key_format_from_name(state_key_format_name(StateKeyFormat::Hash), &format));
  EXPECT_EQ(format, StateKeyFormat::Hash);
  EXPECT_FALSE(state_key_format_from_name("rows", &format));
}

}  // namespace
