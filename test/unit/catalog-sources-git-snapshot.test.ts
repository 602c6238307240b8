import { describe, expect, it } from '@jest/globals';
import { catalogSnapshot, patternProblem } from '../../src/catalog-sources/git/snapshot.ts';
import type { GreenroomObject } from '../../src/convert/model.ts';

const object = (name: string): GreenroomObject => ({
  apiVersion: 'greenroom.dev/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: {} },
  spec: {},
});

describe('the snapshot of a repository', () => {
  it('when entities were converted, then each has its file and line, and an edit link where the forge is known', () => {
    const snapshot = catalogSnapshot(
      'c0ffee',
      { documents: [], problems: [] },
      {
        entities: [
          { object: object('a'), source: { file: 'a/catalog-info.yaml', document: 2, line: 9 } },
          { object: object('b'), source: { file: 'b.yaml', document: 1 } },
        ],
        problems: [],
      },
      (path) => (path.startsWith('a/') ? `https://github.com/o/r/blob/main/${path}` : undefined),
    );
    expect(snapshot).toEqual({
      revision: 'c0ffee',
      entities: [
        {
          object: object('a'),
          origin: { location: 'a/catalog-info.yaml', line: 9, editUrl: 'https://github.com/o/r/blob/main/a/catalog-info.yaml' },
        },
        { object: object('b'), origin: { location: 'b.yaml' } },
      ],
      problems: [],
    });
  });

  it('when there are problems, then what was not converted comes first, warnings say so, and the entity is named', () => {
    const snapshot = catalogSnapshot(
      'c0ffee',
      {
        documents: [],
        problems: [{ severity: 'warning', file: 'loc.yaml', line: 3, message: 'Location target https://x was not followed' }],
      },
      {
        entities: [],
        problems: [
          { severity: 'skipped', file: 'b.yaml', document: 1, line: 1, entity: 'component:default/b', message: 'spec.owner is missing' },
        ],
      },
      () => undefined,
      [{ location: '../x', reason: 'the pattern ../x has .. in it' }],
    );
    expect(snapshot.problems).toEqual([
      { location: '../x', reason: 'the pattern ../x has .. in it' },
      { location: 'b.yaml', line: 1, reason: 'component:default/b: spec.owner is missing' },
      { location: 'loc.yaml', line: 3, reason: 'warning: Location target https://x was not followed' },
    ]);
  });

  it('when a pattern is absolute or has a .. segment, then it is refused, and a name with dots is not', () => {
    expect(patternProblem('/etc/*')).toMatch(/absolute/);
    expect(patternProblem('a/../../b')).toMatch(/has \.\. in it/);
    expect(patternProblem('services/**/catalog..info.yaml')).toBeUndefined();
  });
});
