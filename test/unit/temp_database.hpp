// A fresh SQLite file for one test, removed with it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/sqlite_db.hpp"

namespace hangar {

class TempDatabase {
 public:
  TempDatabase() {
    char name[] = "/tmp/hangar_test_XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) close(fd);
    path_ = name;
  }
  ~TempDatabase() { unlink(path_.c_str()); }
  TempDatabase(const TempDatabase &) = delete;
  TempDatabase &operator=(const TempDatabase &) = delete;

  const std::string &path() const { return path_; }
  // A writable connection (the file is empty until written).
  Database open_writable() const {
    Database::OpenOptions writable;
    writable.read_only = false;
    writable.create = true;
    return Database(path_, writable);
  }

 private:
  std::string path_;
};

}  // namespace hangar
