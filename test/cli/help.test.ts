/**
 * `genlab train <model> --help` (issue 11, item 8): every option the command takes for that
 * model is listed with a meaning and its default, generated from the config declarations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command, trainOptions } from '../../src/cli/commands/train.js';
import { availableFamilies } from '../../src/models/registry.js';

/** Help lines with wrapped rows (a long usage, then the doc on the next line) joined. */
function rows(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^ {10,}\S/.test(line) && out.length) out[out.length - 1] += line;
    else out.push(line);
  }
  return out;
}

test('every family: each option of genlab train <model> is listed with a doc and a default', async () => {
  const families = await availableFamilies();
  assert.deepEqual([...families].sort(), ['ae', 'classifier', 'cyclegan', 'ddpm', 'gan', 'hvae', 'vae']);
  for (const name of families) {
    const text = await command.help!([name]);
    const lines = rows(text);
    for (const flag of Object.keys(await trainOptions(name))) {
      const row = lines.find((l) => l.startsWith(`  --${flag} `) || l === `  --${flag}`);
      assert.ok(row, `${name}: --${flag} is not listed:\n${text}`);
      assert.match(row, new RegExp(`^  --${flag}(?: \\S+)? {2,}\\S.* \\(default [^)]+\\)$`), `${name}: --${flag} lacks a doc or a default: ${row}`);
    }
    assert.match(text, /for --data mnist \(the default data\)/, `${name}: the help says which data its defaults are for`);
  }
});

test('the defaults shown are the family\'s own: vae on mnist (30 epochs, latent 32), gan with --loss ns and its 2-D settings', async () => {
  const vae = rows(await command.help!(['vae']));
  assert.ok(vae.some((l) => /^ {2}--epochs N .*\(default 30; 2-D points: none\)$/.test(l)));
  assert.ok(vae.some((l) => /^ {2}--latent N .*\(default 32; 2-D points: 2\)$/.test(l)));
  assert.ok(vae.some((l) => /^ {2}--arch mlp\|conv\|iwae .*iwae: the IWAE paper's/.test(l)));
  const ae = rows(await command.help!(['ae']));
  assert.ok(ae.some((l) => /^ {2}--loss bce\|mse .*\(default bce; 2-D points: mse\)$/.test(l)));
  assert.ok(!ae.some((l) => l.startsWith('  --beta ')), 'the autoencoder has no KL weight');
  const gan = await command.help!(['gan']);
  assert.match(gan, /with --loss ns \(another --loss brings/);
  assert.match(gan, /^ {2}--lr LR .*\(default 0\.0002; 2-D points: 0\.001\)$/m);
  assert.match(gan, /^ {2}--critic-steps N .*\(default 1\)$/m);
  const ddpm = await command.help!(['ddpm']);
  assert.match(ddpm, /^ {2}--sampling-steps N .*\(default 50; 2-D points: 100\)$/m);
  assert.match(ddpm, /^ {2}--base-channels N .*\(default 16; 2-D points: does not apply\)$/m);
  const general = await command.help!([]);
  assert.match(general, /^ {2}--batch N +examples per step \(default 64\)$/m);
});
