import { describe, expect, it } from '@jest/globals';
import { decideTemplateConditions, templateStatusUpToDate } from '../../src/controllers/template/decide.ts';
import type { TemplateObject } from '../../src/api/objects.ts';

const now = new Date('2026-11-24T10:00:00Z');
const template = (spec: Partial<TemplateObject['spec']>): TemplateObject => ({
  metadata: { name: 'service', namespace: 'team-a', uid: 't-1', generation: 4 },
  spec: {
    type: 'service',
    owner: 'team-platform',
    skeleton: { inline: { 'README.md': '# ${{ values.name }}\n' } },
    steps: [{ name: 'render', action: 'render' }],
    ...spec,
  },
});

describe('whether a Template can be run, decided when it is applied', () => {
  it('when parameters, skeleton and templated fields parse, then it is Ready', () => {
    expect(decideTemplateConditions(template({ parameters: { type: 'object', properties: { name: { type: 'string' } } } }), now)).toEqual([
      {
        type: 'Ready',
        status: 'True',
        reason: 'Valid',
        message: '1 steps; parameters and templated text parse',
        observedGeneration: 4,
        lastTransitionTime: '2026-11-24T10:00:00Z',
      },
    ]);
  });

  it('when the parameters are not a JSON Schema, then it is not Ready and says so', () => {
    const [ready] = decideTemplateConditions(template({ parameters: { type: 'object', properties: { name: { type: 'strin' } } } }), now);
    expect(ready).toMatchObject({
      status: 'False',
      reason: 'InvalidParameters',
      message: expect.stringMatching(/parameters are not a valid JSON Schema/),
    });
  });

  it('when a skeleton file and a publish URL have syntax errors, then both are named with file and line', () => {
    const [ready] = decideTemplateConditions(
      template({
        skeleton: { inline: { 'docs/index.md': 'one\ntwo ${{ values.name | }}\n' } },
        steps: [{ name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example/${{ values.name' } }],
      }),
      now,
    );
    expect(ready).toMatchObject({ status: 'False', reason: 'TemplateSyntaxError' });
    expect(ready?.message).toMatch(/^docs\/index\.md:2: .*; steps\[publish\]\.publishGit\.url:1: /);
  });

  it('when the stored status says the same with its keys sorted (as the apiserver returns it), then it is up to date and not written again', () => {
    const t = template({});
    const conditions = decideTemplateConditions(t, now);
    // Server-side apply stores fields sorted by name: the cache never has them in the order written.
    const sorted = conditions.map((c) => Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)))) as typeof conditions;
    const stored: TemplateObject = { ...t, status: { conditions: sorted, observedGeneration: 4 } };
    expect(templateStatusUpToDate(stored, decideTemplateConditions(stored, new Date('2026-11-25T10:00:00Z')))).toBe(true);
    expect(templateStatusUpToDate({ ...stored, metadata: { ...stored.metadata, generation: 5 } }, conditions)).toBe(false);
    expect(templateStatusUpToDate(stored, [{ ...conditions[0]!, message: 'something else' }])).toBe(false);
  });
});
