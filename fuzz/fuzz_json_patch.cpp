// libFuzzer target: arbitrary bytes as a JSON Patch (or, after a first line
// naming a patch, as a patchset) applied to a small valid workspace.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hs3/error.hpp"
#include "hs3/log.hpp"
#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

namespace {

const char* kWorkspace = R"({
  "channels": [{"name": "SR", "samples": [
    {"name": "sig", "data": [5, 3], "modifiers": [
      {"name": "mu", "type": "normfactor", "data": null}]},
    {"name": "bkg", "data": [50, 30], "modifiers": [
      {"name": "norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
      {"name": "stat", "type": "staterror", "data": [2, 1]}]}]}],
  "observations": [{"name": "SR", "data": [55, 33]}],
  "measurements": [{"name": "m", "config": {"poi": "mu",
    "parameters": []}}],
  "version": "1.0.0"})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  hs3::log::setLevel(hs3::log::Level::kOff);
  std::string text(reinterpret_cast<const char*>(data), size);
  hs3::PatchSource source;
  source.origin = "fuzz";
  const auto newline = text.find('\n');
  if (newline != std::string::npos && newline < 64 && text[0] == '@') {
    source.patchName = text.substr(1, newline - 1);
    text = text.substr(newline + 1);
  }
  source.text = text;
  try {
    hs3::Model::build(hs3::parseWorkspace(kWorkspace, {source}));
  } catch (const hs3::Error&) {
  }
  return 0;
}
