/**
 * Calls `run` and routes a throw or a rejected promise to `onFailure`. Informer handlers
 * and leader callbacks are called fire-and-forget from event emitters; an async handler
 * that rejects there would otherwise be an unhandled rejection, which ends Node.
 */
export function callSafely(run: () => unknown, onFailure: (error: unknown) => void): void {
  try {
    const result = run();
    if (isThenable(result)) result.then(undefined, onFailure);
  } catch (error) {
    onFailure(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
