/** How far the run's execution got, as seen on its Job or its child process. */
export type Execution =
  | { state: 'running' }
  | { state: 'succeeded'; at?: string | undefined }
  | { state: 'failed'; message: string; at?: string | undefined }
  /** Nothing runs it any more: the Job was deleted, or the operator restarted under an in-process run. */
  | { state: 'lost'; message: string };
