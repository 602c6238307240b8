import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { z } from 'zod';
import { initiativeSpec } from '../../src/api/v1alpha1/initiative.ts';
import { scorecardSpec } from '../../src/api/v1alpha1/scorecard.ts';
import { withDeadlinesFrom } from '../../src/cli/demo-scorecards.ts';
import { initiativeProblem } from '../../src/controllers/scorecard/decide.ts';
import { readManifests } from '../../src/kube/apply.ts';
import { compileRules, evaluate, selfOf } from '../../src/scorecards/cel.ts';
import { factsFor } from '../../src/scorecards/facts.ts';
import type { InitiativeSpec, ScorecardSpec } from '../../src/scorecards/types.ts';
import { component } from '../fixtures/entities.ts';

// The samples in examples/scorecards are what people copy first: each must be exactly what
// the CRDs accept (no field the apiserver would silently prune) and every rule must compile.
const dir = fileURLToPath(new URL('../../examples/scorecards/', import.meta.url));
type Spec = { kind?: string; metadata: { name: string }; spec: Record<string, unknown> };

/** Paths of fields in `input` that parsing left out (unknown to the schema, so pruned). */
function dropped(input: unknown, parsed: unknown, path = 'spec'): string[] {
  if (Array.isArray(input)) return input.flatMap((v, i) => dropped(v, (parsed as unknown[] | undefined)?.[i], `${path}[${i}]`));
  if (!input || typeof input !== 'object') return [];
  const out = (parsed ?? {}) as Record<string, unknown>;
  return Object.entries(input).flatMap(([k, v]) => (k in out ? dropped(v, out[k], `${path}.${k}`) : [`${path}.${k}`]));
}

function valid<S extends z.ZodType>(schema: S, object: Spec): z.infer<S> {
  const result = schema.safeParse(object.spec);
  if (!result.success) throw new Error(`${object.kind} ${object.metadata.name}: ${result.error.message}`);
  expect({ name: object.metadata.name, unknownFields: dropped(object.spec, result.data) }).toEqual({
    name: object.metadata.name,
    unknownFields: [],
  });
  return result.data;
}

describe('the sample scorecards in examples/scorecards', () => {
  it('when read, then there are files, and each holds only Scorecards and Initiatives', async () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.yaml')).length).toBeGreaterThan(0);
    const kinds = new Set((await readManifests(dir)).map((o) => o.kind));
    expect([...kinds].sort()).toEqual(['Initiative', 'Scorecard']);
  });

  it('when each Scorecard is parsed with the CRD schema, then it is valid and every rule compiles at its level', async () => {
    const objects = (await readManifests(dir)) as unknown as Spec[];
    for (const object of objects.filter((o) => o.kind === 'Scorecard')) {
      const spec = valid(scorecardSpec, object) as ScorecardSpec;
      const { compiled, invalid } = compileRules(
        spec.rules,
        spec.levels.map((l) => l.name),
      );
      expect({ name: object.metadata.name, invalid }).toEqual({ name: object.metadata.name, invalid: [] });
      expect(compiled.size).toBe(spec.rules.length);
    }
  });

  it('when an entity the catalog has not written status for yet is scored, then every rule passes or fails, none errors', async () => {
    const objects = (await readManifests(dir)) as unknown as Spec[];
    for (const object of objects.filter((o) => o.kind === 'Scorecard')) {
      const spec = scorecardSpec.parse(object.spec) as ScorecardSpec;
      const fresh = { ...component('fresh', { type: spec.selector?.types?.[0] ?? 'service' }), status: undefined };
      const context = { self: selfOf(fresh), facts: factsFor(fresh, [], []), now: new Date() };
      const errors = [...compileRules(spec.rules).compiled.values()].flatMap((rule) => {
        const outcome = evaluate(rule, context);
        return outcome.error ? [`${rule.rule.name}: ${outcome.error}`] : [];
      });
      expect({ name: object.metadata.name, errors }).toEqual({ name: object.metadata.name, errors: [] });
    }
  });

  it('when each Initiative is parsed, then it is valid and names a sample Scorecard and a level or rules it has', async () => {
    const objects = (await readManifests(dir)) as unknown as Spec[];
    const scorecards = new Map(
      objects.filter((o) => o.kind === 'Scorecard').map((o) => [o.metadata.name, scorecardSpec.parse(o.spec) as ScorecardSpec]),
    );
    const initiatives = objects.filter((o) => o.kind === 'Initiative');
    expect(initiatives.length).toBeGreaterThan(0);
    for (const object of initiatives) {
      const spec = valid(initiativeSpec, object) as InitiativeSpec;
      expect(initiativeProblem(spec, spec.scorecard, scorecards.get(spec.scorecard))).toBeUndefined();
    }
  });

  it('when the demo applies them, then each Initiative is due 60 days after the demo started, and the rest is as written', async () => {
    const objects = await readManifests(dir);
    const now = new Date('2031-05-01T12:00:00.250Z');
    const applied = withDeadlinesFrom(now, objects);
    const deadlines = applied
      .filter((o) => o.kind === 'Initiative')
      .map((o) => (o as KubernetesObject & { spec: { deadline: string } }).spec.deadline);
    expect(deadlines.length).toBeGreaterThan(0);
    expect(new Set(deadlines)).toEqual(new Set(['2031-06-30T12:00:00Z']));
    expect(applied.filter((o) => o.kind === 'Scorecard')).toEqual(objects.filter((o) => o.kind === 'Scorecard'));
  });
});
