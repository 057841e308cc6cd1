// What building genlab's native kernels needs, found without downloading anything: a C++
// compiler, Node's headers (node_api.h) and OpenBLAS and/or oneDNN. Used by
// scripts/build-native.mjs and by binding.gyp (through detect.cjs).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, dirname, delimiter } = require('node:path');

/** An executable on PATH (or an absolute path) that runs. */
function runs(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30000 });
  return !r.error && r.status === 0;
}

function onPath(name) {
  if (name.includes('/')) return existsSync(name) ? name : null;
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** { cxx } or { reason }: $CXX when set, else c++, g++ or clang++ from PATH. */
function findCompiler() {
  const fromEnv = process.env.CXX;
  if (fromEnv) {
    const path = onPath(fromEnv.split(' ')[0]);
    if (!path || !runs(path, ['--version'])) return { reason: `CXX=${fromEnv} does not run` };
    return { cxx: fromEnv };
  }
  for (const name of ['c++', 'g++', 'clang++']) {
    const path = onPath(name);
    if (path && runs(path, ['--version'])) return { cxx: path };
  }
  return { reason: 'no C++ compiler (c++, g++ or clang++ on PATH, or CXX)' };
}

/** A directory D with D/include/node/node_api.h (node-gyp's --nodedir), or null. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath)), '/usr', '/usr/local'];
  for (const d of candidates) if (d && existsSync(join(d, 'include', 'node', 'node_api.h'))) return d;
  return null;
}

const PROGRAMS = {
  openblas: {
    source: '#include <cblas.h>\nint main() { float a = 1; cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.f, &a, 1, &a, 1, 0.f, &a, 1); return openblas_get_num_threads() > 0 ? 0 : 1; }\n',
    flags: ['-lopenblas'],
  },
  dnnl: {
    source: '#include <oneapi/dnnl/dnnl.hpp>\n#include <omp.h>\nint main() { dnnl::engine e(dnnl::engine::kind::cpu, 0); return omp_get_max_threads() > 0 ? 0 : 1; }\n',
    flags: ['-fopenmp', '-ldnnl'],
  },
};

/** Whether `lib` ('openblas' or 'dnnl') compiles and links with the compiler. */
function probeLibrary(cxx, lib) {
  const p = PROGRAMS[lib];
  const dir = mkdtempSync(join(tmpdir(), 'genlab-probe-'));
  try {
    writeFileSync(join(dir, 't.cc'), p.source);
    const [cmd, ...pre] = cxx.split(' ');
    const r = spawnSync(cmd, [...pre, '-std=c++17', join(dir, 't.cc'), '-o', join(dir, 't'), ...p.flags], { stdio: 'ignore', timeout: 120000 });
    return !r.error && r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Libraries to build against: GENLAB_NATIVE_LIBS (comma-separated) when set, else probed. */
function librariesFor(cxx) {
  const listed = process.env.GENLAB_NATIVE_LIBS;
  if (listed !== undefined) return listed.split(',').map((s) => s.trim()).filter((s) => s in PROGRAMS);
  return Object.keys(PROGRAMS).filter((lib) => probeLibrary(cxx, lib));
}

module.exports = { findCompiler, findNodeDir, probeLibrary, librariesFor, onPath };
