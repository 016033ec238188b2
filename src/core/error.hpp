// hangar::Error: the one exception type pure C++ code throws. It carries what PostgreSQL needs
// to report the failure (a five-character SQLSTATE, message, detail, hint), so that the error
// bridge (src/bridge) can turn it into an ereport without losing anything.
#pragma once

#include <stdexcept>
#include <string>

namespace hangar {

// SQLSTATEs used by pure C++ code, spelled as in PostgreSQL's errcodes.txt.
namespace sqlstate {
constexpr const char *kFdwError = "HV000";
constexpr const char *kFdwUnableToEstablishConnection = "HV00N";
constexpr const char *kFdwTableNotFound = "HV00R";
constexpr const char *kDataCorrupted = "XX001";
constexpr const char *kLockNotAvailable = "55P03";
constexpr const char *kOutOfMemory = "53200";
constexpr const char *kQueryCanceled = "57014";
constexpr const char *kInternalError = "XX000";
constexpr const char *kInvalidParameterValue = "22023";
constexpr const char *kSyntaxError = "42601";
constexpr const char *kReadOnlySqlTransaction = "25006";
constexpr const char *kObjectNotInPrerequisiteState = "55000";
constexpr const char *kIntegrityConstraintViolation = "23000";
constexpr const char *kNotNullViolation = "23502";
constexpr const char *kForeignKeyViolation = "23503";
constexpr const char *kUniqueViolation = "23505";
constexpr const char *kCheckViolation = "23514";
constexpr const char *kSerializationFailure = "40001";
constexpr const char *kDiskFull = "53100";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string &message, std::string detail = {}, std::string hint = {})
      : std::runtime_error(message), code_(std::move(code)), detail_(std::move(detail)), hint_(std::move(hint)) {}

  const std::string &code() const { return code_; }
  const std::string &detail() const { return detail_; }
  const std::string &hint() const { return hint_; }

 private:
  std::string code_;
  std::string detail_;
  std::string hint_;
};

}  // namespace hangar
