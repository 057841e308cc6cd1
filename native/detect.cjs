// Prints 1 when binding.gyp should build against the named library (openblas or dnnl), else 0.
'use strict';
const { findCompiler, librariesFor } = require('./probe.cjs');
const lib = process.argv[2];
const { cxx } = findCompiler();
process.stdout.write(cxx && librariesFor(cxx).includes(lib) ? '1' : '0');
