#!/usr/bin/env node
/**
 * The `genlab` command line. Each sub-command lives in its own file under ./commands and is
 * loaded only when called, so `genlab --help` starts instantly and needs no tensor backend.
 */
import { UserError } from '../util/errors.js';
import type { Command } from './command.js';
import { guardUnfinished } from './exit_guard.js';

/** Sub-command names; each is implemented by ./commands/<name>.js exporting `command`. */
const commandNames = [
  'train', 'sample', 'data', 'fit', 'reconstruct', 'interpolate', 'manifold',
  'eval', 'classify', 'sweep', 'worker', 'bench', 'report', 'plot', 'restore', 'export',
  'translate',
] as const;

async function load(name: string): Promise<{ command: Command }> {
  return (await import(`./commands/${name}.js`)) as { command: Command };
}

async function help(): Promise<void> {
  const lines = ['genlab: deep generative models in TypeScript', '', 'usage: genlab <command> [options]', ''];
  for (const name of commandNames) {
    try {
      const { command } = await load(name);
      lines.push(`  ${name.padEnd(12)} ${command.summary}`);
    } catch {
      // a command whose module is absent in this build is simply not listed
    }
  }
  lines.push('', "Run 'genlab <command> --help' for a command's options.");
  console.log(lines.join('\n'));
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help();
    return 0;
  }
  if (name === '--version') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    console.log(pkg.version);
    return 0;
  }
  if (!(commandNames as readonly string[]).includes(name)) {
    throw new UserError(`unknown command '${name}'; run 'genlab --help' for the list`);
  }
  const { command } = await load(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help ? await command.help(rest) : command.usage);
    return 0;
  }
  return command.run(rest);
}

guardUnfinished(main(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      console.error(`genlab: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    }
  },
);
