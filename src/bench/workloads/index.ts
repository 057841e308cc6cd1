import type { WorkloadSpec } from '../workload.js';
import { convAe } from './conv_ae.js';
import { mlpVae } from './mlp_vae.js';
import { unetDdpm } from './unet_ddpm.js';
import { dcgan } from './dcgan.js';

/** The four workloads of ../shared/bench/WORKLOADS.md, in its order. */
export const WORKLOADS: WorkloadSpec[] = [convAe, mlpVae, unetDdpm, dcgan];
