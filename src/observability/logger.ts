import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

/** How log lines are written: one JSON object a line (for machines), or pretty lines (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

/** The values `LOG_FORMAT` accepts; `auto` (the default) is pretty on a terminal, JSON otherwise. */
export const LOG_FORMAT_CHOICES = ['auto', 'json', 'pretty'] as const;

/**
 * Decides the log format from what was asked (`LOG_FORMAT`) and whether stdout is a terminal.
 * A pod's stdout, a pipe or a file is not a terminal, so the chart, CI and the tests keep JSON
 * without saying so; `npm run demo` in a terminal gets lines a person can read.
 */
export function chooseLogFormat(requested: string | undefined, isTTY: boolean | undefined): LogFormat {
  if (requested === undefined || requested === '' || requested === 'auto') return isTTY === true ? 'pretty' : 'json';
  if (requested === 'json' || requested === 'pretty') return requested;
  throw new Error(`LOG_FORMAT must be one of ${LOG_FORMAT_CHOICES.join(', ')}, got "${requested}"`);
}

/**
 * One logger per process, passed down: JSON lines on stdout (or the given destination), or
 * pretty lines when `format` is `pretty`.
 */
export function createLogger(level: string = 'info', destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options: LoggerOptions = { level, base: { app: 'greenroom' } };
  if (format === 'pretty') return pino(options, prettyDestination(destination ?? process.stdout));
  return destination ? pino(options, destination) : pino(options);
}

/** A terminal-like destination: a stream that may say it is a TTY, as `process.stdout` does. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * The logger of a command-line entry point: the format from `env.LOG_FORMAT` and whether
 * `stdout` is a terminal ({@link chooseLogFormat}), so every command decides it the same way.
 */
export function createCliLogger(level: string, env: NodeJS.ProcessEnv, stdout: LogDestination = process.stdout): Logger {
  const format = chooseLogFormat(env.LOG_FORMAT, stdout.isTTY);
  // JSON to the real stdout goes through pino's own destination, exactly as before this choice existed.
  if (format === 'json' && stdout === process.stdout) return createLogger(level);
  return createLogger(level, stdout, format);
}

/**
 * pino-pretty in-process and synchronous: each JSON line is formatted as pino writes it. Not
 * pino-pretty's stream (an async pipeline) nor a transport (a worker thread): both may still
 * hold the last lines when the demo calls `process.exit`, and a worker thread is a cost the
 * few lines a minute of a demo do not need. Colours only on a real terminal.
 */
function prettyDestination(destination: LogDestination): DestinationStream {
  const prettify = prettyFactory({
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per event, as in JSON; errors still get their stack on the lines below.
    singleLine: true,
    // The same on every line of one process: noise for a person reading.
    ignore: 'pid,hostname,app',
  });
  return { write: (line: string) => void destination.write(prettify(line)) };
}
