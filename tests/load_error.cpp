#include "load_error.hpp"

#include <catch2/catch.hpp>

namespace hs3::test {

Error loadError(const std::string& text, const LoadOptions& options) {
  try {
    parseModel(text, {}, options);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error for " << text);
  return Error(ErrorCode::kIo, "", "");
}

}  // namespace hs3::test
