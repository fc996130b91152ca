// Inputs from public bug reports (../shared/cases, LOG.md gives each one's
// source and right behaviour): the likelihood where pyhf is right, and the
// stated right behaviour where pyhf's output is the bug.

#include <catch2/catch.hpp>

#include "golden.hpp"
#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

namespace {

std::shared_ptr<const hs3::Model> caseModel(const std::string& file) {
  return hs3::Model::build(
      hs3::loadWorkspace(hs3::test::sharedPath("cases/" + file)));
}

double logpdfAt(const std::shared_ptr<const hs3::Model>& model,
                std::vector<double> x) {
  hs3::Likelihood likelihood(model, model->observedData());
  return likelihood.logpdf(x.data()).total();
}

double logpdfAtInit(const std::string& file) {
  const auto model = caseModel(file);
  return logpdfAt(model, model->initialValues());
}

}  // namespace

TEST_CASE("bug-report cases: logpdf at the initial point", "[cases]") {
  // Numbers from real pyhf 0.7.6, as LOG.md records them.
  CHECK(logpdfAtInit("01-hello-world-shapesys.json") ==
        Approx(-15.387627173157).epsilon(1e-12));
  CHECK(logpdfAtInit("02-tiny-signal-qtilde.json") ==
        Approx(-5.232379652481).epsilon(1e-12));
  CHECK(logpdfAtInit("03-minuit-histosys-easy.json") ==
        Approx(-4.244142093250).epsilon(1e-12));
  CHECK(logpdfAtInit("04-staterror-zero-nominal.json") ==
        Approx(-0.5352919734153).epsilon(1e-12));
  CHECK(logpdfAtInit("06-normfactor-no-inits.json") ==
        Approx(-5.291838039232).epsilon(1e-12));
  CHECK(logpdfAtInit("07-poi-init-outside-bounds.json") ==
        Approx(-3.190396019329).epsilon(1e-12));
  CHECK(logpdfAtInit("12-scaling-seed-normsys.json") ==
        Approx(-3.687499283462).epsilon(1e-12));
}

TEST_CASE("bug-report case 04: a zero-yield staterror bin is fixed",
          "[cases]") {
  const auto model = caseModel("04-staterror-zero-nominal.json");
  CHECK_FALSE(model->hasPoi());
  const auto& first =
      model->parameters()[model->parameterIndex("staterror_SR[0]")];
  const auto& second =
      model->parameters()[model->parameterIndex("staterror_SR[1]")];
  CHECK(first.fixed);
  CHECK_FALSE(second.fixed);
  CHECK(model->constraints()[model->parameterIndex("staterror_SR[1]")].sigma ==
        Approx(0.1));
}

TEST_CASE("bug-report case 05: staterror on a negative total stays free",
          "[cases]") {
  // LOG.md's rule: the width is 10 / |-50| = 0.2 and the parameter floats;
  // logpdf(gamma = 1) = -3.283248130512 (hand-computed there).
  const auto model = caseModel("05-staterror-negative-sample.json");
  const std::size_t gamma = model->parameterIndex("staterror_SR[0]");
  CHECK_FALSE(model->parameters()[gamma].fixed);
  CHECK(model->constraints()[gamma].sigma == Approx(0.2));
  CHECK(logpdfAt(model, model->initialValues()) ==
        Approx(-3.283248130512).epsilon(1e-12));
}

TEST_CASE("bug-report case 09: a 100% down normsys gives no NaN", "[cases]") {
  // With the limits x ln x -> 0 in the code-4 boundary conditions (RooFit's
  // guard), LOG.md gives logpdf at init = -4.057433059417.
  CHECK(logpdfAtInit("09-normsys-full-down.json") ==
        Approx(-4.057433059417).epsilon(1e-12));
}
