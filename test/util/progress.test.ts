/** ProgressLine / ProgressPhases: \r lines ended before other output on a terminal, plain lines at intervals elsewhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressLine, ProgressPhases, endProgressLine } from '../../src/util/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

test('on a terminal: one \\r line, ended by a newline before a message and at the end', () => {
  const { stream, text } = fakeStream(true);
  const p = new ProgressLine('iwae (k = 500)', 100, 'examples', { stream, tty: true });
  p.update(10);
  p.message('warning: something');
  p.update(100);
  p.end('done');
  const t = text();
  assert.match(t, /^\riwae \(k = 500\): 10\/100 examples \(10%\)/);
  assert.match(t, /\(10%\)[^\n]*\nwarning: something\n\r/, 'the message starts on a line of its own');
  assert.match(t, /100\/100 examples \(100%\)[^\n]*\ndone\n$/, 'the line is ended before the summary');
  p.update(50); // after end(): nothing
  assert.ok(text().endsWith('done\n'));
});

test('elsewhere: plain lines only, at most one per interval; quick work writes nothing', () => {
  const { stream, text } = fakeStream(false);
  const quiet = new ProgressLine('features', 10, 'images', { stream, tty: false, intervalMs: 60_000 });
  for (let i = 1; i <= 10; i++) quiet.update(i);
  quiet.end();
  assert.equal(text(), '');
  const p = new ProgressLine('sampling', 3, 'samples', { stream, tty: false, intervalMs: 0 });
  p.update(1);
  p.update(2);
  p.end();
  assert.equal(text().includes('\r'), false);
  assert.deepEqual(text().trim().split('\n').map((l) => l.replace(/, \d+m\d+s.*$/, '')), ['sampling: 1/3 samples (33%)', 'sampling: 2/3 samples (66%)']);
});

test('a new line, or endProgressLine(), ends the open one', () => {
  const { stream, text } = fakeStream(true);
  const phases = new ProgressPhases({ stream, tty: true });
  phases.update('features (evaluated set)', 5, 10, 'images');
  phases.update('features (reference)', 5, 10, 'images');
  assert.match(text(), /features \(evaluated set\): 5\/10[^\n]*\n\rfeatures \(reference\): 5\/10/);
  endProgressLine();
  assert.ok(text().endsWith('\n'));
  phases.end();
  assert.equal(text().match(/\n/g)?.length, 2, 'each line ended exactly once');
});
