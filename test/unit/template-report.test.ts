import { describe, expect, it } from '@jest/globals';
import { LOG_TAIL_LIMIT, RunReport, type ScaffoldReport } from '../../src/templates/report.ts';

const written: ScaffoldReport[] = [];
const report = (previous?: ScaffoldReport) =>
  new RunReport({
    stepNames: ['render', 'publish'],
    previous,
    redact: (t) => t.split('hunter22').join('***'),
    write: async (r) => void written.push(r),
    now: () => new Date('2026-11-24T10:00:00.123Z'),
  });

describe("the scaffolder's report on a run", () => {
  it('when a step fails with a secret in its message, then status and log show it redacted', async () => {
    const r = report();
    await r.started(1);
    await r.finished(1, 'Failed', 'git push failed: Authentication failed for hunter22');
    const last = written.at(-1)!;
    expect(last.steps?.[1]).toEqual({
      name: 'publish',
      phase: 'Failed',
      startedAt: '2026-11-24T10:00:00Z',
      finishedAt: '2026-11-24T10:00:00Z',
      message: 'git push failed: Authentication failed for ***',
    });
    expect(last.logTail).not.toContain('hunter22');
  });

  it('when a later segment of the same run reports, then it continues from what the earlier one wrote', async () => {
    const r = report({ steps: [{ name: 'render', phase: 'Succeeded' }], outputs: { commit: 'abc' }, logTail: 'earlier\n' });
    await r.addOutputs({ entityRefs: ['component:a/b'] });
    expect(written.at(-1)).toMatchObject({
      steps: [
        { name: 'render', phase: 'Succeeded' },
        { name: 'publish', phase: 'Pending' },
      ],
      outputs: { commit: 'abc', entityRefs: ['component:a/b'] },
      logTail: 'earlier\n',
    });
  });

  it('when the log grows, then only whole last lines within the limit are kept', () => {
    const r = report();
    for (let i = 0; i < 2000; i++) r.line(`line ${i} ${'x'.repeat(20)}`);
    const tail = r.snapshot().logTail!;
    expect(tail.length).toBeLessThanOrEqual(LOG_TAIL_LIMIT);
    expect(tail.endsWith(`line 1999 ${'x'.repeat(20)}\n`)).toBe(true);
    expect(tail.startsWith('2026-11-24T10:00:00Z line ')).toBe(true);
  });
});
