/** How much reading one API definition may take (the operator's --definition-* flags). */
export interface DefinitionLimits {
  /** Bytes of the definition's text; a bigger one is not read, and its API says so. */
  maxBytes: number;
  /** Heap of the child process that reads it: a definition needing more stops that process, not the operator. */
  memoryMb: number;
  /** A read still running after this long is stopped. */
  timeoutSeconds: number;
}

/**
 * 16 MiB admits the biggest public descriptions (GitHub's REST description is 13 MB); reading
 * one that size takes a few hundred MiB of heap and seconds, not minutes.
 */
export const DEFAULT_DEFINITION_LIMITS: DefinitionLimits = { maxBytes: 16 * 1024 * 1024, memoryMb: 1024, timeoutSeconds: 120 };

/** The flag that sets each limit, so a message can name what to change. */
export const DEFINITION_LIMIT_FLAGS: Record<keyof DefinitionLimits, string> = {
  maxBytes: '--definition-max-bytes',
  memoryMb: '--definition-memory-mb',
  timeoutSeconds: '--definition-timeout-seconds',
};
