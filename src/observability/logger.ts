import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** JSON logs on stdout (or the given destination), one logger per process, passed down. */
export function createLogger(level: string = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = { level, base: { app: 'greenroom' } };
  return destination ? pino(options, destination) : pino(options);
}
