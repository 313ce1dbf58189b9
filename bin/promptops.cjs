#!/usr/bin/env node
'use strict';
// Starts the CLI from one bundled file (dist/cli.cjs) through V8's code cache: compiled bytecode
// of the previous run of the same command is reused, so start-up skips parsing and compiling
// ~2 MB of JavaScript. Node 22 has module.enableCompileCache() for this; Node 20 does not.
// The cache lives in the user's cache folder (never a shared temp folder); set
// PROMPTOPS_NO_CODE_CACHE=1 to turn it off. Any cache problem just means a slower start.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
const source = fs.readFileSync(bundle, 'utf8');

function cacheFile() {
  if (process.env.PROMPTOPS_NO_CODE_CACHE) return null;
  try {
    const base =
      process.env.PROMPTOPS_CACHE_DIR || process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    const dir = path.join(base, 'promptops', 'v8');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(bundle);
    const command = /^[a-z][a-z-]*$/.test(process.argv[2] || '') ? process.argv[2] : 'default';
    return path.join(
      dir,
      `${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}-${command}.bin`,
    );
  } catch {
    return null;
  }
}

const file = cacheFile();
let cachedData;
if (file) {
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
}
// import() of a user's module (custom guardrails) cannot run inside vm.Script: V8 has no loader
// there ("A dynamic import callback was not specified"; Node's own hook is experimental and is lost
// with the code cache). This file is a real module, so it lends its import() to the bundle.
globalThis[Symbol.for('promptops.import')] = (specifier) => import(specifier);
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
if (file && (!cachedData || script.cachedDataRejected)) {
  // Saved at exit, so the cache holds every function this command actually ran.
  process.once('exit', () => {
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      // no cache this time
    }
  });
}
const cli = { exports: {} };
script
  .runInThisContext()
  .call(cli.exports, cli.exports, Module.createRequire(bundle), cli, bundle, path.dirname(bundle));
cli.exports.main(process.argv);
