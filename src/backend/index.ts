/**
 * Backend choice in Node: the core's initBackend (core.ts) on Node's platform (node.ts), which
 * importing this file installs. The CLI and genlab/node start backends through here.
 */
import { useBackendPlatform } from './core.js';
import { nodePlatform } from './node.js';

useBackendPlatform(nodePlatform);

export { initBackend, describeBackend, type BackendChoice, type BackendInfo, type InitBackendOptions, type NativeChoice } from './core.js';
