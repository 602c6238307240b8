import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { chooseLogFormat, createCliLogger, createLogger, type LogDestination } from '../../src/observability/logger.ts';

/** A stream that keeps what is written; `isTTY` as process.stdout has it on a terminal. */
function capture(isTTY?: boolean): { stream: LogDestination; text: () => string } {
  const chunks: string[] = [];
  const stream: LogDestination = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  if (isTTY !== undefined) stream.isTTY = isTTY;
  return { stream, text: () => chunks.join('') };
}

// ANSI colour codes: what a terminal gets and a pipe must not.
const ansi = /\u001b\[[0-9;]*m/;

describe('chooseLogFormat', () => {
  it('when nothing is asked, then a terminal gets pretty lines and anything else JSON', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, undefined)).toBe('json');
    expect(chooseLogFormat('', true)).toBe('pretty');
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', undefined)).toBe('json');
  });

  it('when a format is asked, then it wins over the terminal', () => {
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('when an unknown format is asked, then it fails naming the choices', () => {
    expect(() => chooseLogFormat('yaml', true)).toThrow('LOG_FORMAT must be one of auto, json, pretty, got "yaml"');
  });
});

describe('createCliLogger', () => {
  it('when stdout is a terminal, then it writes one readable, coloured line per event with its fields', () => {
    const out = capture(true);
    createCliLogger('info', {}, out.stream).child({ informer: 'components' }).info({ restarts: 2 }, 'watch restarted');
    const line = out.text();
    expect(ansi.test(line)).toBe(true);
    const plain = line.replace(new RegExp(ansi.source, 'g'), '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: watch restarted \{"informer":"components","restarts":2\}\n$/);
    expect(() => JSON.parse(line)).toThrow();
  });

  it('when stdout is not a terminal, then it writes JSON lines as before', () => {
    const out = capture();
    createCliLogger('info', {}, out.stream).warn({ silentMs: 5 }, 'quiet');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40, app: 'greenroom', silentMs: 5, msg: 'quiet' });
  });

  it('when LOG_FORMAT asks for JSON on a terminal or pretty lines on a pipe, then it is obeyed, colourless off a terminal', () => {
    const terminal = capture(true);
    createCliLogger('info', { LOG_FORMAT: 'json' }, terminal.stream).info('asked for json');
    expect(JSON.parse(terminal.text())).toMatchObject({ msg: 'asked for json' });
    const pipe = capture(false);
    createCliLogger('info', { LOG_FORMAT: 'pretty' }, pipe.stream).error({ err: new Error('boom') }, 'asked for pretty');
    expect(pipe.text()).toMatch(/^\[[\d:.]+\] ERROR: asked for pretty/);
    expect(pipe.text()).toMatch(/Error: boom/);
    expect(ansi.test(pipe.text())).toBe(false);
  });

  it('when the level is above an event, then the pretty logger drops it too', () => {
    const out = capture(true);
    const log = createLogger('warn', out.stream, 'pretty');
    log.info('not shown');
    log.warn('shown');
    expect(out.text()).not.toMatch(/not shown/);
    expect(out.text()).toMatch(/shown/);
  });
});
