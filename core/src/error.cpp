#include "hs3/error.hpp"

namespace hs3 {

namespace {

std::string composeWhat(ErrorCode code, const std::string& path,
                        const std::string& message) {
  std::string text = std::string("[") + errorCodeName(code) + "] ";
  if (!path.empty()) text += "at " + path + ": ";
  return text + message;
}

}  // namespace

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kParse:
      return "parse_error";
    case ErrorCode::kSchema:
      return "schema_error";
    case ErrorCode::kShapeMismatch:
      return "shape_mismatch";
    case ErrorCode::kUnknownType:
      return "unknown_type";
    case ErrorCode::kUnknownName:
      return "unknown_name";
    case ErrorCode::kDuplicateName:
      return "duplicate_name";
    case ErrorCode::kInvalidValue:
      return "invalid_value";
    case ErrorCode::kPatch:
      return "patch_error";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNumerical:
      return "numerical_error";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
    case ErrorCode::kIo:
      return "io_error";
  }
  return "error";
}

Error::Error(ErrorCode code, std::string path, std::string message)
    : std::runtime_error(composeWhat(code, path, message)),
      code_(code),
      path_(std::move(path)),
      message_(std::move(message)) {}

}  // namespace hs3
