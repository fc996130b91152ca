// libFuzzer target: arbitrary bytes as a pyhf workspace. Reading, building
// the model and evaluating its likelihood and gradient must either succeed
// or throw hs3::Error; anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/log.hpp"
#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  hs3::log::setLevel(hs3::log::Level::kOff);
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto model = hs3::Model::build(hs3::parseWorkspace(text));
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<double> x = model->initialValues();
    std::vector<double> gradient(x.size());
    likelihood.valueAndGradient(x.data(), gradient.data());
    model->expectedData(x);
  } catch (const hs3::Error&) {
  }
  return 0;
}
