/**
 * Node only: lets genlab's wasm module use relaxed SIMD where this Node can. Node 22 and newer
 * validate it by default; Node 20's V8 does after its --experimental-wasm-relaxed-simd flag,
 * which NODE_OPTIONS refuses but v8.setFlagsFromString accepts before a module is compiled (and
 * newer V8s reject as unknown, so it is only set where validation fails without it).
 * GENLAB_RELAXED_SIMD=off keeps the plain SIMD module.
 */
import v8 from 'node:v8';
import { relaxedSimdPolicy, relaxedSimdSupported } from './heap_kernels.js';

/** Call before the wasm backend's first heap kernel; returns whether the relaxed module will be used. */
export function enableRelaxedSimd(): boolean {
  if (process.env.GENLAB_RELAXED_SIMD === 'off') {
    relaxedSimdPolicy.allow = false;
    return false;
  }
  if (relaxedSimdSupported()) return true;
  if (Number(process.versions.node.split('.')[0]) < 22) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}
