// The check every bad-input test makes: that loading a model fails with an
// hs3::Error, which the test then inspects.
#pragma once

#include <string>

#include "hs3/error.hpp"
#include "hs3/load.hpp"

namespace hs3::test {

// The error that loading the model `text` raises; the test fails when it
// loads.
Error loadError(const std::string& text, const LoadOptions& options = {});

}  // namespace hs3::test
