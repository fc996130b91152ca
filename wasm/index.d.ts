// Types of hs3web, the WebAssembly engine for published particle-physics
// likelihoods (pyhf HistFactory JSON with patchsets, and HS3).
//
// Results are plain objects in the shapes the `hs3` command prints; their
// members are spelled as the command spells them (snake_case), so a result
// can be diffed against the native tool's output.

/** Every failure of the engine, of loading and of options. */
export declare class Hs3Error extends Error {
  constructor(code: string, path: string, message: string);
  readonly name: 'Hs3Error';
  /**
   * The engine's code: "parse_error", "schema_error", "shape_mismatch",
   * "unknown_type", "unknown_name", "duplicate_name", "invalid_value",
   * "patch_error", "invalid_argument", "numerical_error", "limit_exceeded",
   * "io_error", "aborted" (a cancelled call) or "internal_error" (a bug).
   */
  readonly code: string;
  /** JSON path of the offending value, '' when there is none. */
  readonly path: string;
  /** The sentence alone, without code and path. */
  readonly detail: string;
  /** {code, path, message}: what crosses postMessage. */
  toJSON(): { code: string; path: string; message: string };
  /** The inverse of toJSON(). */
  static from(info: { code: string; path: string; message: string }): Hs3Error;
}

/** The package's version. */
export declare const version: string;

/** The engine's log levels, in order. */
export declare const logLevels: readonly LogLevel[];
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'off';

/** The methods a worker model answers (the worker protocol's vocabulary). */
export declare const modelMethods: readonly string[];

/**
 * Where a model comes from: JSON text, a parsed object, a URL (fetched; in
 * Node a file: URL or a plain path is read from disk), a File or Blob, or
 * bytes. Bytes that start with gzip's magic number are a HEPData pallet
 * (.tar.gz) holding workspaces and patchsets.
 */
export type Source =
  | string | object | URL | Blob | ArrayBuffer | ArrayBufferView;

/**
 * A patch: JSON Patch text or array; the name of a patch of the patchset
 * given in LoadOptions.patchset or found next to the workspace in a pallet;
 * or one patch of a patchset given here.
 */
export type Patch =
  | string
  | object[]
  | { patchset: Source; name: string; origin?: string };

export interface LoadOptions {
  /** Applied after `patches`. */
  patch?: Patch;
  /** Applied in order. */
  patches?: Patch[];
  /** The patchset that patch names refer to. */
  patchset?: Source;
  /** Pallets: the workspace's path inside the archive (default: the only). */
  workspace?: string;
  /** pyhf: the measurement (default: the first). */
  measurement?: string;
  /** HS3: the analysis (default: the first). */
  analysis?: string;
  /** HS3: a likelihood instead of an analysis. */
  likelihood?: string;
  /** HS3: one distribution, with `data`. */
  distribution?: string;
  /** HS3: the data set for `distribution`. */
  data?: string;
  /** HS3: the parameter point to start from. */
  point?: string;
  /** normsys interpolation code, "code4" by default (as pyhf). */
  normsys?: string;
  /** histosys interpolation code, "code4p" by default (as pyhf). */
  histosys?: string;
}

export interface Parameter {
  name: string;
  init: number;
  lower: number;
  upper: number;
  fixed: boolean;
}

/** Parameter values: all of them in model order, or some by name. */
export type Values = number[] | Float64Array | Record<string, number>;

/** Settings shared by every fit and test; the `hs3` command's options. */
export interface FitOptions {
  /** Parameters fixed at values (--fix). */
  fixed?: Record<string, number>;
  /** Starting values (--init). */
  init?: Record<string, number>;
  /** Replaced bounds, [lower, upper] (--bounds). */
  bounds?: Record<string, [number, number]>;
  /** 0, 1 (default) or 2, as in Minuit. */
  strategy?: 0 | 1 | 2;
  /** EDM target is 0.002 tolerance errordef: 0.1 for fit, 0.01 otherwise. */
  tolerance?: number;
  /** Objective evaluations allowed per fit; default 200 + 100 n + 5 n^2. */
  maxCalls?: number;
  /** Whether fits compute the Hessian errors (fit: yes; otherwise no). */
  computeErrors?: boolean;
  /** Parameters that get profile-likelihood intervals (--minos). */
  minos?: string[];
  /** "qtilde" (default), "q", "q0", "tmu" or "tmu_tilde". */
  testStat?: string;
  /** Cancels the call: an Hs3Error with code "aborted". */
  signal?: AbortSignal;
}

export interface Progress { done: number; total: number }

export interface ScanOptions extends FitOptions {
  /** Called after each scan point. */
  onProgress?: (progress: Progress) => void;
}

export interface Grid { from: number; to: number; points: number }

export interface UpperLimitOptions extends FitOptions {
  /** Confidence level, 0.95 by default. */
  cl?: number;
  /** A grid of hypotests (pyhf's scan mode) instead of root finding. */
  grid?: Grid | number[];
}

export interface NllReport {
  logpdf: number;
  nll: number;
  twice_nll: number;
  main_logpdf: number;
  constraint_logpdf: number;
  /** The nll's gradient by parameter name, when asked for. */
  gradient?: Record<string, number>;
}

export interface FitResult {
  bestfit: number[];
  uncertainties: number[];
  correlations: number[][];
  parameters: string[];
  twice_nll: number;
  /** "converged", "covariance_forced_pos_def", "call_limit", ... */
  status: string;
  /** One sentence with EDM against target and calls against the limit. */
  message: string;
  edm: number;
  edm_target: number;
  calls: number;
  call_limit: number;
  at_bound: unknown[];
  minos: Record<string, unknown>;
  [member: string]: unknown;
}

export interface HypotestResult {
  CLs_obs: number;
  /** -2 sigma ... +2 sigma, as pyhf orders them. */
  CLs_exp: number[];
  CLsb_obs: number;
  CLb_obs: number;
  mu_hat: number;
  [member: string]: unknown;
}

export interface UpperLimitResult {
  obs: number;
  exp: number[];
  obs_found: boolean;
  exp_found: boolean[];
  n_hypotests: number;
  message: string;
  [member: string]: unknown;
}

export interface ScanResult {
  parameter: string;
  bestfit: number;
  twice_nll_min: number;
  points: { value: number; twice_nll: number; delta_twice_nll: number;
            status: string }[];
  /** Crossings of 2 delta NLL = 1 on each side; null when not crossed. */
  interval_68: [number | null, number | null];
  interval_95: [number | null, number | null];
}

export interface SignificanceResult {
  q0: number; p0: number; Z: number;
  q0_asimov: number; p0_exp: number; Z_exp: number;
  p0_exp_band: number[]; mu_hat: number;
}

export interface PullsResult {
  status: string; message: string; twice_nll: number;
  pulls: { name: string; value: number; error: number; constrained: boolean;
           nominal?: number; prefit_error?: number; pull?: number;
           constraint?: number }[];
}

export interface RankingResult {
  poi: string; poi_value: number; poi_error: number;
  /** Largest postfit impact first; impacts are [up, down]. */
  ranking: { name: string; value: number; error: number;
             impact_prefit: [number, number];
             impact_postfit: [number, number] }[];
}

export interface YieldsResult {
  status: string; message: string;
  channels: { name: string; data: number[];
              samples: { name: string; prefit: number[];
                         prefit_error: number[]; postfit: number[];
                         postfit_error: number[] }[];
              prefit_total: number[]; prefit_total_error: number[];
              postfit_total: number[]; postfit_total_error: number[] }[];
}

/** The result methods, by name, for rawJson(). */
export type ResultMethod = 'fit' | 'hypotest' | 'upperLimit' | 'scan' |
  'significance' | 'pulls' | 'ranking' | 'yields';

/** A loaded model in this thread; load() makes it. */
export interface Model {
  /** In the engine's (pyhf's) order. */
  readonly parameters: Parameter[];
  /** Index of the POI, -1 when there is none. */
  readonly poiIndex: number;
  readonly poi: string | null;
  readonly measurement: string;
  readonly size: number;
  initialValues(): Float64Array;
  /** Throws Hs3Error "unknown_name". */
  parameterIndex(name: string): number;
  /** All values: the initial ones with `values` applied. */
  values(values?: Values): Float64Array | number[];
  /** -log L with every constant kept. */
  nll(values?: Values): number;
  /** log L, pyhf's model.logpdf(pars, data). */
  logpdf(values?: Values): number;
  /** pyhf's mainlogpdf, constraint_logpdf and their sum. */
  logpdfParts(values?: Values):
    { main: number; constraint: number; logpdf: number };
  /** The nll and its exact gradient in parameter order. */
  nllAndGradient(values?: Values): { nll: number; gradient: Float64Array };
  /** What `hs3 nll` prints, parsed. */
  report(values?: Values, options?: { gradient?: boolean }): NllReport;
  /** What `hs3 nll` prints. */
  reportJson(values?: Values, options?: { gradient?: boolean }): string;
  /** What `hs3 inspect` prints, parsed. */
  inspect(): any;
  /** What `hs3 inspect` prints. */
  inspectJson(): string;
  /** Maximum-likelihood fit with Hessian errors (`hs3 fit`). */
  fit(options?: FitOptions): Promise<FitResult>;
  /** The asymptotic CLs test of one POI value, 1 by default (`hs3 cls`). */
  hypotest(poi?: number, options?: FitOptions): Promise<HypotestResult>;
  /** Observed and expected upper limits on the POI (`hs3 limit`). */
  upperLimit(options?: UpperLimitOptions): Promise<UpperLimitResult>;
  /**
   * Profile scan of a parameter (default: the POI) over a grid (default:
   * its bounds in 31 points), with warm starts (`hs3 scan`).
   */
  scan(parameter?: string, range?: Grid | number[],
       options?: ScanOptions): Promise<ScanResult>;
  /** Discovery significance from q0 (`hs3 significance`). */
  significance(options?: FitOptions): Promise<SignificanceResult>;
  /** Nuisance parameters after the fit against their constraints. */
  pulls(options?: FitOptions): Promise<PullsResult>;
  /** Impacts of the nuisance parameters on the POI. */
  ranking(options?: FitOptions): Promise<RankingResult>;
  /** Pre- and post-fit yields by channel, sample and bin. */
  yields(options?: FitOptions): Promise<YieldsResult>;
  /** The engine's JSON text of one result method, as `hs3` prints it. */
  rawJson(method: ResultMethod, ...args: unknown[]): string;
  /** Frees the engine's memory; the model cannot be used afterwards. */
  delete(): void;
}

/** The same model answered by workers: every method returns a promise. */
export interface WorkerModel {
  readonly parameters: Parameter[];
  readonly poiIndex: number;
  readonly poi: string | null;
  readonly measurement: string;
  readonly size: number;
  initialValues(): Float64Array;
  parameterIndex(name: string): Promise<number>;
  nll(values?: Values): Promise<number>;
  logpdf(values?: Values): Promise<number>;
  logpdfParts(values?: Values):
    Promise<{ main: number; constraint: number; logpdf: number }>;
  nllAndGradient(values?: Values):
    Promise<{ nll: number; gradient: Float64Array }>;
  report(values?: Values, options?: { gradient?: boolean }):
    Promise<NllReport>;
  reportJson(values?: Values, options?: { gradient?: boolean }):
    Promise<string>;
  inspect(): Promise<any>;
  inspectJson(): Promise<string>;
  fit(options?: FitOptions): Promise<FitResult>;
  hypotest(poi?: number, options?: FitOptions): Promise<HypotestResult>;
  upperLimit(options?: UpperLimitOptions): Promise<UpperLimitResult>;
  scan(parameter?: string, range?: Grid | number[],
       options?: ScanOptions): Promise<ScanResult>;
  significance(options?: FitOptions): Promise<SignificanceResult>;
  pulls(options?: FitOptions): Promise<PullsResult>;
  ranking(options?: ScanOptions): Promise<RankingResult>;
  yields(options?: FitOptions): Promise<YieldsResult>;
  rawJson(method: ResultMethod, ...args: unknown[]): Promise<string>;
  /** One method by name on a worker: the protocol's 'call' request. */
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Frees the model in its workers (loadInWorker: ends the worker). */
  delete(): void;
}

export interface PatchResult {
  patch: string;
  values: number[];
  /** The result, absent when the patch failed. */
  result?: HypotestResult | UpperLimitResult;
  /** Why the patch failed; the other patches still run. */
  error?: { code: string; path: string; message: string };
  /** The engine's JSON text of the result or error. */
  json: string;
}

export interface RunPatchesOptions extends UpperLimitOptions, LoadOptions {
  /** 'hypotest' (default) or 'upperLimit'. */
  command?: 'hypotest' | 'upperLimit';
  /** The tested POI value of 'hypotest', 1 by default. */
  poi?: number;
  /** Only these patches (default: all, in the patchset's order). */
  patches?: any[];
  onProgress?: (progress: Progress) => void;
  /** Each patch's result as soon as it is there. */
  onResult?: (result: PatchResult) => void;
}

/** Workers sharing out independent fits. */
export interface Pool {
  /** The number of workers it starts at most. */
  readonly size: number;
  /**
   * A model whose calls go to the pool's workers; scan() splits its points
   * and ranking() its refits over every worker.
   */
  load(source: Source, options?: LoadOptions): Promise<WorkerModel>;
  /** One hypotest or upper limit per patch of a patchset, on every worker. */
  runPatches(workspace: Source, patchset: Source | undefined,
             options?: RunPatchesOptions): Promise<PatchResult[]>;
  /** Ends every worker; calls in flight reject with code "aborted". */
  terminate(): void;
}

export type LogSink = (level: LogLevel, topic: string, text: string) => void;

/** The engine's module, instantiated once per thread. */
export declare function ready(): Promise<unknown>;

/** Builds the model of a pyhf workspace or an HS3 document. */
export declare function load(source: Source, options?: LoadOptions):
  Promise<Model>;

/** The same model in a worker of its own; delete() ends the worker. */
export declare function loadInWorker(
  source: Source, options?: LoadOptions & { onLog?: LogSink }):
  Promise<WorkerModel>;

/** A pool of `size` workers, one per core by default. */
export declare function createPool(
  options?: { size?: number; onLog?: LogSink }): Promise<Pool>;

/** The patches of a pyhf patchset, with their metadata values. */
export declare function listPatches(patchset: Source):
  Promise<{ name: string; values: number[] }[]>;

/** The JSON files of a HEPData pallet (.tar.gz) by their paths. */
export declare function readPallet(source: Source): Promise<{
  files: Record<string, string>; workspaces: string[]; patchsets: string[];
}>;

/** The model as JSON text in the other format (`hs3 convert`). */
export declare function convert(
  source: Source, options?: LoadOptions & { to?: 'hs3' | 'pyhf' }):
  Promise<string>;

/** One compact line of `hs3 cls --all`: patch, values, then `body`. */
export declare function patchLine(name: string, values: number[],
                                  body: string): Promise<string>;

/** from + (to - from) i / (points - 1), as `hs3 --range` computes it. */
export declare function grid(from: number, to: number, points: number):
  Float64Array;

/** The engine's messages pass from this level up ('warning' by default). */
export declare function setLogLevel(level: LogLevel): Promise<void>;

/** Where the engine's messages go; null restores console.error. */
export declare function setLogSink(sink: LogSink | null): Promise<void>;
