/** The scripts' way to run one genlab command from source: stdout returned, stderr written to `log`. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const MAIN = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

export function genlab(args: string[], log: string): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let err = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      writeFileSync(log, err);
      done({ code: code ?? 1, stdout });
    });
  });
}

/**
 * A run directory `view` that holds checkpoint `step` of `run` as its latest (a symlink, no copy):
 * what `genlab eval` and `genlab sample` load, so any checkpoint can be measured.
 */
export function checkpointView(run: string, step: number, view: string): string {
  rmSync(view, { recursive: true, force: true });
  mkdirSync(join(view, 'checkpoints'), { recursive: true });
  writeFileSync(join(view, 'config.json'), readFileSync(join(run, 'config.json')));
  const src = readdirSync(join(run, 'checkpoints')).find((c) => Number(c.replace(/\D/g, '')) === step);
  if (!src) throw new Error(`${run}: no checkpoint of step ${step}`);
  symlinkSync(resolve(run, 'checkpoints', src), join(view, 'checkpoints', src));
  writeFileSync(join(view, 'latest'), `${src}\n`);
  return view;
}

/** The steps of a run's checkpoints, in order. */
export function checkpointSteps(run: string): number[] {
  return readdirSync(join(run, 'checkpoints')).map((c) => Number(c.replace(/\D/g, ''))).filter((s) => Number.isFinite(s)).sort((a, b) => a - b);
}
