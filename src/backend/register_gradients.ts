/**
 * Registers the gradient of every tfjs op. tfjs-core's package entry leaves them out, and
 * its per-op gradient files are extensionless ES modules that Node cannot load directly;
 * the @tensorflow/tfjs bundle carries them all (in Node its CommonJS build, in a browser
 * bundle its ES build), registering into the same global registry tfjs-core uses.
 */
import '@tensorflow/tfjs';
