/**
 * A promise left pending with nothing to keep the event loop alive lets Node exit with status 0
 * as if the command had succeeded (issue 11: a stalled threaded wasm start did exactly that, in
 * 7 of 60 starts). Whatever the cause, a command that has not finished must not exit 0: this
 * turns such an exit into status 70 (EX_SOFTWARE) with one line on stderr.
 */
export const UNFINISHED_EXIT_STATUS = 70;

export function guardUnfinished<T>(work: Promise<T>): Promise<T> {
  let finished = false;
  process.on('exit', (code) => {
    if (finished || code !== 0) return; // a deliberate exit (a second Ctrl-C: 130) keeps its status
    process.stderr.write('\ngenlab: internal error: the process ran out of work before the command finished (nothing was completed)\n');
    process.exitCode = UNFINISHED_EXIT_STATUS;
  });
  const done = () => {
    finished = true;
  };
  work.then(done, done);
  return work;
}
