// libFuzzer target: arbitrary bytes as an HS3 generic expression. Parsing
// must accept the grammar or throw hs3::Error; an accepted expression is
// then compiled into a graph and evaluated with every name bound to a
// parameter.
#include <cstddef>
#include <cstdint>
#include <string>

#include "funcs/expression.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/log.hpp"

namespace {

// The expression inside a minimal HS3 file, so that the graph builder,
// emission and evaluation run as for a real model.
std::string wrap(const std::string& expression) {
  std::string escaped;
  for (char c : expression) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    escaped += c;
  }
  return R"({"distributions": [{"name": "g", "type": "generic_dist",
    "expression": ")" +
         escaped + R"("}],
    "data": [{"name": "d", "type": "unbinned",
      "axes": [{"name": "x", "min": -5, "max": 5}],
      "entries": [[0.5], [1.5]]}],
    "likelihoods": [{"name": "L", "distributions": ["g"], "data": ["d"]}],
    "metadata": {"hs3_version": "0.2"}})";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  hs3::log::setLevel(hs3::log::Level::kOff);
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    hs3::funcs::parseExpression(text, "expression");
  } catch (const hs3::Error&) {
    return 0;
  }
  try {
    const auto model = hs3::parseModel(wrap(text), {}, hs3::LoadOptions());
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<double> x = model->initialValues();
    likelihood.value(x.data());
  } catch (const hs3::Error&) {
  }
  return 0;
}
