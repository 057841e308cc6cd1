/** A `genlab` sub-command: a name, a one-line summary, usage text and a run function. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command on the arguments after its name; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
  /** Help that depends on the arguments (e.g. `genlab train gan --help` adds the GAN's options); default `usage`. */
  help?(argv: string[]): Promise<string>;
}
