/** The scripts' way to run one genlab command from source: stdout returned, stderr written to `log`. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
