// Unit tests of core/ascii_case: only the ASCII letters fold, every other byte stays as it is.
#include <gtest/gtest.h>

#include "core/ascii_case.hpp"

using namespace hangar;

TEST(AsciiCase, FoldsAsciiLettersOnly) {
  EXPECT_EQ(ascii_upper("Varchar(20) _x$9"), "VARCHAR(20) _X$9");
  EXPECT_EQ(ascii_lower("Users"), "users");
  EXPECT_EQ(ascii_upper("stra\xc3\x9f" "e"), "STRA\xc3\x9f" "E");  // the bytes of a non-ASCII letter are kept
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");
}

TEST(AsciiCase, ComparesIgnoringAsciiCase) {
  EXPECT_TRUE(ascii_iequals("Infinity", "INFINITY"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("inf", "infinity"));
  EXPECT_FALSE(ascii_iequals("\xc3\xa9", "\xc3\x89"));  // é and É differ outside ASCII
}
