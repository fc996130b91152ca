#!/usr/bin/env node
// The `hs3` command on the WebAssembly engine:
//
//   node wasm/cli.mjs nll WS.json [-p PATCH] [--at name=value ...]
//
// It takes the native command's arguments and prints the same JSON, byte for
// byte (both come from the engine's report functions). Bad input gives one
// message on stderr and exit status 2; a bug in the engine gives status 3.
import { accessSync, constants, readFileSync } from 'node:fs';

import { Hs3Error, load, setLogLevel } from './hs3web.mjs';

const usage = `usage: node wasm/cli.mjs COMMAND WORKSPACE.json [options]

commands:
  inspect   channels, samples, parameters and constraints of the model
  nll       log-likelihood at the initial parameters (or --at name=value)

options:
  -p, --patch FILE          apply a JSON Patch; FILE:NAME applies one patch
                            of a pyhf patchset (repeatable, in order)
  --measurement NAME        which measurement (default: the first)
  --at name=value           set one parameter (nll; repeatable)
  --gradient                also print the gradient of the nll (nll)
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
  'poi', 'range', 'analysis', 'log-level', 'calctype', 'points', 'jobs',
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

async function loadModel(args) {
  if (args.workspace === '') {
    throw invalid(`the ${args.command} command needs a workspace file`);
  }
  const patches = args.patches.map(readPatch);
  return load(readTextFile(args.workspace), {
    patches,
    measurement: optionValue(args, 'measurement'),
    normsys: optionValue(args, 'normsys-code', 'code4'),
    histosys: optionValue(args, 'histosys-code', 'code4p'),
  });
}

const commands = {
  async inspect(args) {
    const model = await loadModel(args);
    try {
      return model.inspectJson();
    } finally {
      model.delete();
    }
  },

  async nll(args) {
    const model = await loadModel(args);
    try {
      const x = model.initialValues();
      for (const text of optionValues(args, 'at')) {
        const [name, value] = parseAssignment(text, '--at');
        x[model.parameterIndex(name)] = value;
      }
      return model.reportJson(x, { gradient: args.flags.has('gradient') });
    } finally {
      model.delete();
    }
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
