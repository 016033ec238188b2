// Included last by every pure C++ source file (src/core/*.cpp): such a file must not see
// PostgreSQL's headers, so that its code can throw and use RAII freely and be unit-tested
// without a server. Including postgres.h before this header fails the build.
#pragma once

#ifdef POSTGRES_H
#error "a pure C++ file (src/core) must not include postgres.h"
#endif
