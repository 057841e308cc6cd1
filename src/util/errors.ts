/**
 * An error caused by what the user asked for: a bad option, a missing or corrupt file.
 * The CLI prints its message on one line and exits with status 2; the message names the
 * file or option and what is wrong with it.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function userError(message: string): never {
  throw new UserError(message);
}
