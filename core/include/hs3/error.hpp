// Errors raised by the engine.
//
// Every failure that a user can cause (a malformed file, an unknown name, a
// patch that does not apply, an impossible option) is an hs3::Error. It carries
// a code that callers can switch on, the JSON path of the offending value when
// there is one ("channels[0].samples[2].modifiers[1].data.hi_data"), and a
// sentence that a physicist understands. Frontends (CLI, wasm) catch it in one
// place and print or rethrow it; nothing inside core/ turns it into text.
//
//   try {
//     auto ws = hs3::loadWorkspace("ws.json");
//   } catch (const hs3::Error& e) {
//     std::cerr << e.what() << "\n";   // "[shape_mismatch] at channels[0]..."
//   }
#pragma once

#include <stdexcept>
#include <string>

namespace hs3 {

enum class ErrorCode {
  kParse,            // the text is not JSON (or not gzip/tar where expected)
  kSchema,           // a key is missing, has the wrong type or is not allowed
  kShapeMismatch,    // arrays that must have equal lengths do not
  kUnknownType,      // a type key (modifier, distribution) we do not know
  kUnknownName,      // a reference to a name that does not exist
  kDuplicateName,    // a name that must be unique is not
  kInvalidValue,     // a number outside its allowed range (NaN, negative...)
  kPatch,            // a JSON Patch operation that cannot be applied
  kInvalidArgument,  // a command-line or API option that makes no sense
  kNumerical,        // a likelihood that cannot be evaluated (NaN, log 0)
  kLimitExceeded,    // input larger than the engine accepts
  kIo,               // a file that cannot be opened or read
};

// The stable spelling of a code, used in CLI output and in JavaScript.
const char* errorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string path, std::string message);

  ErrorCode code() const { return code_; }
  // JSON path of the offending value, empty when the error has no location.
  const std::string& path() const { return path_; }
  // The sentence alone, without code and path.
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_;
  std::string path_;
  std::string message_;
};

}  // namespace hs3
