#!/usr/bin/env node
// The `hs3` command on the WebAssembly engine:
//
//   node wasm/cli.mjs nll WS.json [-p PATCH] [--at name=value ...]
//
// It takes the native command's arguments and prints the same JSON, byte for
// byte (both come from the engine's report functions). Bad input gives one
// message on stderr and exit status 2; a bug in the engine gives status 3.
import { accessSync, constants, readFileSync } from 'node:fs';

import {
  Hs3Error, convert, createPool, load, patchLine, setLogLevel,
} from './hs3web.mjs';

const usage = `usage: hs3web COMMAND WORKSPACE.json [options]

commands:
  inspect   channels, samples, parameters and constraints of the model
  nll       log-likelihood at the initial parameters (or --at name=value)
  fit       maximum-likelihood fit with Hessian errors and correlations
  cls       CLs hypothesis test of one POI value (asymptotic formulas)
  limit     upper limit on the POI, observed and expected
  scan      profile-likelihood scan of one parameter
  significance  discovery significance from q0, observed and expected
  pulls     nuisance parameters after the fit against their constraints
  ranking   impact of each nuisance parameter on the POI
  yields    pre- and post-fit yields by channel, sample and bin
  convert   the model in the other format (--to hs3|pyhf), JSON on stdout

options:
  -p, --patch FILE          apply a JSON Patch; FILE:NAME applies one patch
                            of a pyhf patchset (repeatable, in order)
  --measurement NAME        which measurement (default: the first)
  --analysis NAME           HS3: which analysis (default: the first)
  --likelihood NAME         HS3: a likelihood instead of an analysis
  --distribution NAME       HS3: one distribution, with --data NAME
  --data NAME               HS3: the data set for --distribution
  --point NAME              HS3: the parameter point to start from
                            (default: the analysis' init, default_values)
  --to FORMAT               convert: hs3 (default) or pyhf
  --at name=value           set one parameter (nll; repeatable)
  --gradient                also print the gradient of the nll (nll)
  --fix name=value          fix a parameter at a value (repeatable)
  --init name=value         start a parameter at a value (repeatable)
  --bounds name=lo:hi       change a parameter's bounds (repeatable)
  --minos name              profile-likelihood interval (fit; repeatable)
  --strategy N              0, 1 (default) or 2, as in Minuit
  --tolerance X             EDM target is 0.002 X errordef (fit: 0.1,
                            inference: 0.01)
  --test-poi X              POI value to test (cls; default 1)
  --test-stat S             qtilde (default), q or q0 (cls)
  --cl X                    confidence level of the limit (default 0.95)
  --all                     cls, limit: every patch of the patchset given
                            with -p, one JSON line each, on every core
  --jobs N                  workers for --all and ranking (default: cores)
  --quiet                   no progress on stderr (--all)
  --grid lo:hi:n            limit from a grid of n hypotests instead of
                            root finding
  --parameter NAME          parameter to scan (scan; default: the POI)
  --range lo:hi:n           scan from lo to hi in n points (default: the
                            parameter's bounds, 31 points)
  --normsys-code CODE       normsys interpolation (default code4)
  --histosys-code CODE      histosys interpolation (default code4p)
  --log-level LEVEL         debug, info, warning (default), error, off

Results are JSON on stdout; messages go to stderr. Exit status 2 means the
input or the options were wrong, and the message says where.
`;

// The native command's vocabulary (cli/arguments.cpp), so that the same
// command lines are accepted and refused by both.
const valued = new Set([
  'patch', 'at', 'measurement', 'normsys-code', 'histosys-code', 'fix',
  'init', 'minos', 'strategy', 'tolerance', 'test-poi', 'test-stat', 'cl',
  'poi', 'range', 'analysis', 'log-level', 'max-calls', 'jobs',
  'likelihood', 'distribution', 'data', 'point', 'to', 'bounds', 'parameter',
  'grid',
]);
const flagNames = new Set(['gradient', 'all', 'help', 'quiet']);

function invalid(message) {
  return new Hs3Error('invalid_argument', '', message);
}

function parseArguments(argv) {
  const args = { patches: [], options: [], flags: new Set() };
  const positional = [];
  for (let i = 0; i < argv.length; ++i) {
    let token = argv[i];
    if (token === '-p') token = '--patch';
    if (token === '-h') token = '--help';
    if (!token.startsWith('--') || token.length === 2) {
      positional.push(token);
      continue;
    }
    let name = token.slice(2);
    let value;
    const equals = name.indexOf('=');
    if (equals >= 0 && valued.has(name.slice(0, equals))) {
      value = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    if (flagNames.has(name)) {
      args.flags.add(name);
      continue;
    }
    if (!valued.has(name)) {
      throw invalid(`unknown option '${token}' (see hs3 --help)`);
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        throw invalid(`option '--${name}' needs a value`);
      }
      value = argv[++i];
    }
    if (name === 'patch') {
      args.patches.push(value);
    } else {
      args.options.push([name, value]);
    }
  }
  args.command = positional[0] ?? '';
  args.workspace = positional[1] ?? '';
  if (positional.length > 2) {
    throw invalid(`unexpected argument '${positional[2]}'`);
  }
  return args;
}

// The last value of an option, or the fallback.
function optionValue(args, name, fallback = '') {
  let out = fallback;
  for (const [key, value] of args.options) if (key === name) out = value;
  return out;
}

function optionValues(args, name) {
  return args.options.filter(([key]) => key === name).map(([, v]) => v);
}

// As strtod with the whole text consumed: a finite number or an error.
function parseNumber(text, option) {
  const x = Number(text);
  if (text.trim() === '' || text.trimEnd() !== text || !Number.isFinite(x)) {
    throw invalid(`'${text}' given to ${option} is not a finite number`);
  }
  return x;
}

function parseAssignment(text, option) {
  const equals = text.lastIndexOf('=');
  if (equals <= 0) throw invalid(`${option} takes name=value, not '${text}'`);
  return [text.slice(0, equals),
          parseNumber(text.slice(equals + 1), `${option} ${text}`)];
}

function fileExists(path) {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function readTextFile(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Hs3Error('io_error', '', `cannot open '${path}'`);
  }
}

// "patch.json", or "patchset.json:NAME" when no file has the whole name.
function readPatch(spec) {
  const colon = spec.lastIndexOf(':');
  if (colon > 0 && !fileExists(spec)) {
    const file = spec.slice(0, colon);
    return { patchset: readTextFile(file), name: spec.slice(colon + 1),
             origin: file };
  }
  return readTextFile(spec);
}

function loadOptions(args) {
  const options = { normsys: optionValue(args, 'normsys-code', 'code4'),
                    histosys: optionValue(args, 'histosys-code', 'code4p') };
  for (const key of ['analysis', 'likelihood', 'measurement', 'distribution',
                     'data', 'point']) {
    options[key] = optionValue(args, key);
  }
  return options;
}

function needWorkspace(args) {
  if (args.workspace === '') {
    throw invalid(`the ${args.command} command needs a workspace file`);
  }
}

async function loadModel(args) {
  needWorkspace(args);
  const patches = args.patches.map(readPatch);
  return load(readTextFile(args.workspace), { ...loadOptions(args), patches });
}

// --fix, --init, --bounds, --strategy, --tolerance, --minos and --test-stat
// as the API's options, with the native command's checks and messages.
function apiOptions(args) {
  const options = { fixed: {}, init: {}, bounds: {},
                    minos: optionValues(args, 'minos'),
                    testStat: optionValue(args, 'test-stat', 'qtilde') };
  for (const text of optionValues(args, 'fix')) {
    const [name, value] = parseAssignment(text, '--fix');
    options.fixed[name] = value;
  }
  for (const text of optionValues(args, 'init')) {
    const [name, value] = parseAssignment(text, '--init');
    options.init[name] = value;
  }
  for (const text of optionValues(args, 'bounds')) {
    const equals = text.lastIndexOf('=');
    const colon = text.lastIndexOf(':');
    if (equals < 0 || colon < 0 || colon < equals) {
      throw invalid(`--bounds takes name=lower:upper, not '${text}'`);
    }
    const lower = parseNumber(text.slice(equals + 1, colon),
                              `--bounds ${text}`);
    const upper = parseNumber(text.slice(colon + 1), `--bounds ${text}`);
    if (lower >= upper) {
      throw invalid(`--bounds ${text}: the lower bound must be below the ` +
                    'upper');
    }
    options.bounds[text.slice(0, equals)] = [lower, upper];
  }
  const strategy = optionValue(args, 'strategy');
  if (strategy !== '') {
    const s = parseNumber(strategy, '--strategy');
    if (![0, 1, 2].includes(s)) throw invalid('--strategy takes 0, 1 or 2');
    options.strategy = s;
  }
  const tolerance = optionValue(args, 'tolerance');
  if (tolerance !== '') {
    options.tolerance = parseNumber(tolerance, '--tolerance');
  }
  const maxCalls = optionValue(args, 'max-calls');
  if (maxCalls !== '') {
    const calls = parseNumber(maxCalls, '--max-calls');
    if (!Number.isInteger(calls) || calls < 1 || calls > 1e9) {
      throw invalid('--max-calls takes a whole number from 1 to 1e9');
    }
    options.maxCalls = calls;
  }
  return options;
}

// lo:hi:n as {from, to, points}, checked as the native command does.
function parseGrid(text, option) {
  const parts = text.split(':');
  if (parts.length < 3) {
    throw invalid(`${option} takes lo:hi:n, not '${text}'`);
  }
  const [from, to] = parts.slice(0, 2).map((x) => parseNumber(x, option));
  const points = parseNumber(parts.slice(2).join(':'), option);
  if (points < 2 || points > 100000 || !Number.isInteger(points) ||
      to <= from) {
    throw invalid(`${option} ${text}: needs lo < hi and a whole number of ` +
                  'points from 2 to 100000');
  }
  return { from, to, points };
}

async function jobCount(args) {
  const jobs = optionValue(args, 'jobs');
  if (jobs === '') return undefined;
  const n = parseNumber(jobs, '--jobs');
  if (n < 1 || n > 1024 || !Number.isInteger(n)) {
    throw invalid('--jobs takes a whole number from 1 to 1024');
  }
  return n;
}

// Runs fn on the loaded model and frees it afterwards.
async function withModel(args, fn) {
  const model = await loadModel(args);
  try {
    return await fn(model);
  } finally {
    model.delete();
  }
}

// --all: the command once per patch of the patchset given with -p, on
// every core, one JSON line per patch in the patchset's order.
async function runAllPatches(args, command) {
  if (args.patches.length !== 1) {
    throw invalid('--all takes exactly one patchset, given with -p');
  }
  needWorkspace(args);
  const patchsetFile = args.patches[0];
  const patchsetText = readTextFile(patchsetFile);
  const options = { ...loadOptions(args), ...apiOptions(args), command };
  if (command === 'hypotest') {
    options.poi = parseNumber(optionValue(args, 'test-poi', '1'),
                              '--test-poi');
  } else {
    options.cl = parseNumber(optionValue(args, 'cl', '0.95'), '--cl');
  }
  const quiet = args.flags.has('quiet');
  options.onProgress = ({ done, total }) => {
    if (!quiet) {
      process.stderr.write(`\r${done}/${total} patches` +
                           (done === total ? '\n' : ''));
    }
  };
  const pool = await createPool({ size: await jobCount(args) });
  try {
    const entries = await pool.runPatches(readTextFile(args.workspace),
                                          patchsetText, options);
    const lines = [];
    for (const entry of entries) {
      lines.push(await patchLine(entry.patch, entry.values, entry.json));
    }
    return lines.join('\n');
  } finally {
    pool.terminate();
  }
}

const commands = {
  inspect: (args) => withModel(args, (model) => model.inspectJson()),

  nll: (args) => withModel(args, (model) => {
    const x = model.initialValues();
    for (const text of optionValues(args, 'at')) {
      const [name, value] = parseAssignment(text, '--at');
      x[model.parameterIndex(name)] = value;
    }
    return model.reportJson(x, { gradient: args.flags.has('gradient') });
  }),

  fit: (args) => withModel(args,
                           (model) => model.rawJson('fit', apiOptions(args))),

  cls(args) {
    if (args.flags.has('all')) return runAllPatches(args, 'hypotest');
    return withModel(args, (model) => {
      const options = apiOptions(args);
      const poi = parseNumber(optionValue(args, 'test-poi', '1'),
                              '--test-poi');
      return model.rawJson('hypotest', poi, options);
    });
  },

  limit(args) {
    if (args.flags.has('all')) return runAllPatches(args, 'upperLimit');
    return withModel(args, (model) => {
      const options = apiOptions(args);
      options.cl = parseNumber(optionValue(args, 'cl', '0.95'), '--cl');
      const grid = optionValue(args, 'grid');
      if (grid !== '') options.grid = parseGrid(grid, '--grid');
      return model.rawJson('upperLimit', options);
    });
  },

  scan: (args) => withModel(args, (model) => {
    const options = apiOptions(args);
    const name = optionValue(args, 'parameter', optionValue(args, 'poi')) ||
        model.poi;
    if (name === null) {
      throw invalid('the model has no POI; name the parameter to scan with ' +
                    '--parameter');
    }
    const range = optionValue(args, 'range');
    return model.rawJson('scan', name,
                         range === '' ? undefined : parseGrid(range, '--range'),
                         options);
  }),

  significance: (args) => withModel(
      args, (model) => model.rawJson('significance', apiOptions(args))),
  pulls: (args) => withModel(
      args, (model) => model.rawJson('pulls', apiOptions(args))),
  ranking: (args) => withModel(
      args, (model) => model.rawJson('ranking', apiOptions(args))),
  yields: (args) => withModel(
      args, (model) => model.rawJson('yields', apiOptions(args))),

  convert(args) {
    if (args.workspace === '') {
      throw invalid('the convert command needs a workspace file');
    }
    return convert(readTextFile(args.workspace), {
      ...loadOptions(args), to: optionValue(args, 'to', 'hs3'),
      patches: args.patches.map(readPatch),
    });
  },
};

async function main(argv) {
  const args = parseArguments(argv);
  if (args.flags.has('help') || args.command === '') {
    process.stdout.write(usage);
    return args.command === '' && !args.flags.has('help') ? 2 : 0;
  }
  const level = optionValue(args, 'log-level', 'warning');
  if (!['debug', 'info', 'warning', 'error', 'off'].includes(level)) {
    throw invalid(`unknown log level '${level}' ` +
                  '(debug, info, warning, error, off)');
  }
  await setLogLevel(level);
  if (!Object.hasOwn(commands, args.command)) {
    const known = Object.keys(commands).sort().join(', ');
    throw invalid(`unknown command '${args.command}' (known: ${known})`);
  }
  process.stdout.write(`${await commands[args.command](args)}\n`);
  return 0;
}

// The one error boundary of this frontend, as cli/main.cpp natively.
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof Hs3Error && e.code !== 'internal_error') {
    process.stderr.write(`hs3: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`hs3: internal error: ${e.detail ?? e.message}\n`);
    process.exitCode = 3;
  }
}
