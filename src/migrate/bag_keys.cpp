// BagKeys (bag_keys.hpp): a dynahash of content key -> copies counted. The n-th copy's key is
// the content key with n folded into both halves, and the first copy's is the content key itself.
#include "migrate/bag_keys.hpp"

#include "core/hash64.hpp"

namespace hangar {

namespace {

struct Copies {
  RowKey content;  // the hash key: first
  uint64 counted;
};

RowKey copy_key(const RowKey &content, uint64 n) {
  if (n == 0) return content;
  return {hash64_combine(content.hi, n), hash64_combine(content.lo, ~n)};
}

}  // namespace

BagKeys::BagKeys(MemoryContext parent) {
  HASHCTL ctl;
  ctl.keysize = sizeof(RowKey);
  ctl.entrysize = sizeof(Copies);
  ctl.hcxt = AllocSetContextCreate(parent, "hangar bag keys", ALLOCSET_DEFAULT_SIZES);
  copies_ = hash_create("hangar bag keys", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

RowKey BagKeys::next(const RowKey &content) {
  bool found;
  Copies *c = static_cast<Copies *>(hash_search(copies_, &content, HASH_ENTER, &found));
  if (!found) c->counted = 0;
  return copy_key(content, c->counted++);
}

RowKey BagKeys::take_back(const RowKey &content) {
  Copies *c = static_cast<Copies *>(hash_search(copies_, &content, HASH_FIND, nullptr));
  if (!c || c->counted == 0) elog(ERROR, "hangar_sync took back a row it had not counted");
  return copy_key(content, --c->counted);
}

}  // namespace hangar
