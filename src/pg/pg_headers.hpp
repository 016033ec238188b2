// PostgreSQL's headers, included with C linkage. Every PostgreSQL-zone file includes this first;
// pure C++ files (src/core) never do (see core/cpp_only.hpp).
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
