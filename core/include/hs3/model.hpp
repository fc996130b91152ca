// The statistical model of a HistFactory workspace or of a general HS3
// graph, and its likelihood.
//
// Model::build resolves one measurement of a workspace into pyhf's ordered
// parameter vector (names, inits, bounds, fixed flags), the auxiliary data of
// the constraint terms and the observed data, following pyhf's ordering rules
// exactly, so parameter vectors and data vectors can be compared with pyhf's
// element by element. A Model is immutable and can be shared between threads.
//
// A Likelihood pairs a Model with one data vector (main bins followed by
// auxiliary data, as pyhf's Workspace.data) and owns the preallocated buffers
// of the compiled program: evaluating it allocates nothing. Each thread uses
// its own Likelihood. Its value is the negative log-likelihood with every
// constant kept, the same number as -pyhf's model.logpdf(pars, data).
//
//   auto model = hs3::Model::build(workspace);
//   hs3::Likelihood nll(model, model->observedData());
//   std::vector<double> x = model->initialValues(), grad(x.size());
//   double value = nll.valueAndGradient(x.data(), grad.data());
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "hs3/objective.hpp"
#include "hs3/parameter.hpp"
#include "hs3/workspace.hpp"

namespace hs3 {

namespace graph {
class HistFactoryRun;
class Tape;
}  // namespace graph

const char* interpolationName(Interpolation code);
// Parses "code0" ... "code4p" (also "0", "1", "2", "4", "4p").
Interpolation parseInterpolation(const std::string& text);

struct ModelOptions {
  // Which measurement; empty means the first.
  std::string measurement;
  Interpolation normsys = Interpolation::kCode4;
  Interpolation histosys = Interpolation::kCode4p;
  // ROOT's HistFactory clamps each sample's interpolated histogram at zero
  // (PiecewiseInterpolation's positiveDefinite); pyhf lets it go negative.
  // Set for HS3 files, whose numbers are ROOT's.
  bool clampNegativeSamples = false;
};

enum class ConstraintKind { kNone, kGaussian, kPoisson };

// How one scalar parameter is constrained, for pulls and impacts.
struct Constraint {
  ConstraintKind kind = ConstraintKind::kNone;
  double auxdata = 0.0;
  double sigma = 0.0;  // Gaussian width (in parameter units)
  double tau = 0.0;    // Poisson scale: the constraint is Pois(aux | tau x)
};

// A group of scalar parameters made by one modifier name ("staterror_SR" has
// one component per bin).
struct ParameterSet {
  std::string name;
  std::string type;  // modifier type that created it first ("normsys")
  std::size_t first = 0;
  std::size_t count = 0;
};

struct ChannelInfo {
  std::string name;
  std::size_t nbins = 0;
  std::size_t offset = 0;  // first bin in the main data vector
  std::vector<std::string> samples;
};

class Model : public std::enable_shared_from_this<Model> {
 public:
  static std::shared_ptr<const Model> build(
      const Workspace& workspace, const ModelOptions& options = ModelOptions());

  const std::vector<Parameter>& parameters() const { return parameters_; }
  std::size_t size() const { return parameters_.size(); }
  std::vector<double> initialValues() const;
  // Index of the parameter of interest, -1 when the measurement has none.
  int poiIndex() const { return poiIndex_; }
  bool hasPoi() const { return poiIndex_ >= 0; }
  // Index of a parameter by its component name; throws kUnknownName.
  std::size_t parameterIndex(const std::string& name) const;
  const std::vector<ParameterSet>& parameterSets() const { return sets_; }
  const std::vector<Constraint>& constraints() const { return constraints_; }

  const std::vector<ChannelInfo>& channels() const { return channels_; }
  std::size_t mainDataSize() const { return mainSize_; }
  std::size_t auxDataSize() const { return auxdata_.size(); }
  // Observed main counts followed by the nominal auxiliary data.
  const std::vector<double>& observedData() const { return observed_; }
  // Expected main counts followed by the expected auxiliary data (the
  // Gaussian means, or tau times the Poisson parameters), at `params`.
  std::vector<double> expectedData(const std::vector<double>& params) const;
  // Expected yield of every (channel, sample, bin), channel-major, in the
  // order of channels() and their samples.
  std::vector<double> expectedSampleYields(
      const std::vector<double>& params) const;

  const std::string& measurementName() const { return measurement_; }
  const ModelOptions& options() const { return options_; }

  // The compiled form; internal to the engine (see graph/program.hpp).
  struct Compiled;
  const Compiled& compiled() const { return *compiled_; }

  ~Model();

 private:
  // Assembles general (non-HistFactory) HS3 models (graph/hs3_model.cpp).
  friend struct ModelFactory;
  Model();
  // expectedData of a general model, read from a tape that evaluated it.
  std::vector<double> generalExpectedData(const graph::Tape& tape) const;

  std::vector<Parameter> parameters_;
  std::vector<ParameterSet> sets_;
  std::vector<Constraint> constraints_;
  std::vector<ChannelInfo> channels_;
  std::vector<double> auxdata_;
  std::vector<double> observed_;
  std::size_t mainSize_ = 0;
  int poiIndex_ = -1;
  std::string measurement_;
  ModelOptions options_;
  std::unique_ptr<Compiled> compiled_;
};

// The two pieces of log L, as pyhf's mainlogpdf and constraint_logpdf.
struct LogpdfParts {
  double main = 0.0;
  double constraint = 0.0;
  double total() const { return main + constraint; }
};

class Likelihood : public Objective {
 public:
  Likelihood(std::shared_ptr<const Model> model, std::vector<double> data);
  ~Likelihood() override;
  Likelihood(const Likelihood&) = delete;
  Likelihood& operator=(const Likelihood&) = delete;

  const Model& model() const { return *model_; }
  const std::shared_ptr<const Model>& sharedModel() const { return model_; }
  const std::vector<double>& data() const { return data_; }
  // Replaces the data (same length: main + aux); buffers are kept.
  void setData(std::vector<double> data);

  std::size_t dimension() const override { return model_->size(); }
  // -log L(x)
  double value(const double* x) override;
  double valueAndGradient(const double* x, double* grad) override;
  LogpdfParts logpdf(const double* x);
  // Expected main counts at the point of the last evaluation.
  const std::vector<double>& lastExpectedMain() const;
  // Expected yield of every sample bin at the last evaluation, in the order
  // of Model::expectedSampleYields.
  std::vector<double> lastSampleYields() const;

  // When value(x) is not finite: which bin or term made it so, in words.
  std::string explainNonFinite(const double* x) override;

 private:
  friend class Model;  // expectedData of general models reads the tape
  // HistFactory channels inside a general model take their gradient from
  // the evaluation the graph's forward sweep already made.
  friend class graph::HistFactoryRun;
  // Writes d(-log L)/dx into grad from the buffers of the last evaluation,
  // which must have been at x.
  void gradientAtLastPoint(const double* x, double* grad);
  struct Buffers;
  std::shared_ptr<const Model> model_;
  std::vector<double> data_;
  std::unique_ptr<Buffers> buffers_;
};

}  // namespace hs3
