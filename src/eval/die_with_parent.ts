/**
 * Preloaded (`node --import`) into the `genlab train` / `genlab eval` children of a sweep or a
 * queue worker: when the parent dies, the child dies too.
 *
 * Why: a worker killed with SIGKILL (the OOM killer, a lost host) cannot stop its children, and
 * an orphaned `genlab train` would go on writing the run directory while another worker resumes
 * the same run from its last checkpoint there: two writers, one run. The parent opens an IPC
 * channel to the child (stdio 'ipc'); the channel closes when the parent's process ends, however
 * it ends, and the child then kills itself at once (SIGKILL: no checkpoint written in a hurry;
 * every file of a run is written by rename, so a killed writer leaves no broken file).
 *
 * The listener is added before the channel is unref'd (adding a 'disconnect' listener refs it
 * again), so the channel never keeps a finished child alive.
 */
if (process.send) {
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel?.unref();
}
