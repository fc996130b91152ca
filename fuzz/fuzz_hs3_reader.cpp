// libFuzzer target: arbitrary bytes as an HS3 (or pyhf) file through the
// format-detecting loader, then one evaluation with gradient.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  hs3::log::setLevel(hs3::log::Level::kOff);
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto model = hs3::parseModel(text, {}, hs3::LoadOptions());
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<double> x = model->initialValues();
    std::vector<double> gradient(x.size());
    likelihood.valueAndGradient(x.data(), gradient.data());
  } catch (const hs3::Error&) {
  }
  return 0;
}
