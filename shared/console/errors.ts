/**
 * Why the console refused a request; the API answers `statusCode` and `{ error, message }`. Reads of
 * things the principal may not see are `not_found`, never `forbidden`: the answer must not tell a
 * guessed id from one that exists on another team's line.
 */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 405 | 409,
    readonly error: 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'method_not_allowed' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ConsoleError(400, 'bad_request', message);
export const notFound = (what: string) => new ConsoleError(404, 'not_found', `no ${what}`);
export const conflict = (message: string) => new ConsoleError(409, 'conflict', message);
