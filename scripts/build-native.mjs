// `npm install` step: builds genlab's optional native kernels (native/: an N-API addon over
// OpenBLAS and/or oneDNN) when a C++ compiler, Node's headers and one of the libraries are on
// the machine. It never downloads anything and never fails the install: when something is
// missing it prints one line saying so and that the wasm path is used, and exits 0.
//
//   GENLAB_NATIVE=off            skip the build
//   GENLAB_NATIVE_LIBS=openblas  build against these libraries only (comma-separated)
//   CXX=...                      the compiler (default: c++, g++ or clang++ on PATH)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const nativeDir = join(root, 'native');
const output = join(nativeDir, 'build', 'Release', 'genlab_native.node');

const skip = (reason) => {
  console.log(`genlab: native kernels not built (${reason}); using the wasm path`);
  process.exit(0);
};

/** npm's own node-gyp (npm sets npm_config_node_gyp for lifecycle scripts), else one nearby, else null. */
function findNodeGyp(onPath) {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, c];
  const bin = onPath('node-gyp');
  return bin ? [bin] : null;
}

/** The last meaningful line of a failed build's output, for the one-line message. */
function lastError(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = lines.filter((l) => /error/i.test(l) && !/^gyp (ERR|info)/.test(l)).pop();
  return (err ?? lines.pop() ?? 'unknown error').slice(0, 200);
}

function build() {
  if (process.env.GENLAB_NATIVE === 'off') skip('GENLAB_NATIVE=off');
  if (!existsSync(join(nativeDir, 'binding.gyp'))) skip('native/ is missing from this installation');
  const probe = require(join(nativeDir, 'probe.cjs'));
  const compiler = probe.findCompiler();
  if (!compiler.cxx) skip(compiler.reason);
  const nodeDir = probe.findNodeDir();
  if (!nodeDir) skip(`no Node headers (node_api.h) beside ${process.execPath} or in /usr/include/node`);
  // oneDNN alone when it is there: its sgemm beat OpenBLAS's on every product measured here
  // (1 and 2 threads), and two thread pools (OpenMP's and OpenBLAS's) spinning on 2 cores slowed
  // calls up to 10x. OpenBLAS (products; convolutions by im2col) when oneDNN is missing.
  const found = probe.librariesFor(compiler.cxx);
  const libs = process.env.GENLAB_NATIVE_LIBS === undefined && found.includes('dnnl') ? ['dnnl'] : found;
  if (libs.length === 0) skip('neither OpenBLAS nor oneDNN found; Debian: apt-get install libopenblas-dev libdnnl-dev');
  const env = { ...process.env, GENLAB_NATIVE_LIBS: libs.join(',') };
  const names = libs.map((l) => (l === 'dnnl' ? 'oneDNN' : 'OpenBLAS')).join(' + ');
  rmSync(output, { force: true });

  const gyp = findNodeGyp(probe.onPath);
  let r;
  if (gyp) {
    // --nodedir: the local headers; without it node-gyp would try to download them.
    r = spawnSync(gyp[0], [...gyp.slice(1), 'rebuild', `--nodedir=${nodeDir}`], { cwd: nativeDir, env, encoding: 'utf8', timeout: 600000 });
  } else {
    // No node-gyp: the same compile by hand (what binding.gyp asks for).
    mkdirSync(dirname(output), { recursive: true });
    const [cmd, ...pre] = compiler.cxx.split(' ');
    const flags = ['-O3', '-std=c++17', '-fno-math-errno', '-fPIC', '-shared', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=genlab_native', `-I${join(nodeDir, 'include', 'node')}`];
    if (libs.includes('openblas')) flags.push('-DGENLAB_HAVE_OPENBLAS');
    if (libs.includes('dnnl')) flags.push('-DGENLAB_HAVE_DNNL', '-fopenmp');
    const link = [...(libs.includes('openblas') ? ['-lopenblas'] : []), ...(libs.includes('dnnl') ? ['-ldnnl'] : [])];
    r = spawnSync(cmd, [...pre, ...flags, join(nativeDir, 'src', 'genlab_native.cc'), '-o', output, ...link], { env, encoding: 'utf8', timeout: 600000 });
  }
  if (r.error || r.status !== 0 || !existsSync(output)) {
    skip(`build failed: ${r.error ? r.error.message : lastError(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)}`);
  }
  // Loads in a fresh process (a library found at link time but not at run time fails here).
  const check = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(output)}); const i = a.info(); if (!i.gemm) process.exit(1);`], { encoding: 'utf8', timeout: 60000 });
  if (check.status !== 0) {
    rmSync(output, { force: true });
    skip(`the built addon does not load: ${lastError(check.stderr ?? '')}`);
  }
  console.log(`genlab: native kernels built (${names}${gyp ? '' : ', without node-gyp'}): native/build/Release/genlab_native.node`);
}

try {
  build();
} catch (e) {
  skip(`unexpected: ${e && e.message ? e.message.split('\n')[0] : e}`);
}
