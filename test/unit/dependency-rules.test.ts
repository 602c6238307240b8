import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../src/shared/paths.ts';

/**
 * `npm run deps` over two small trees (test/fixtures/layers/): the same CLI and the same
 * .dependency-cruiser.cjs as the test command, run from each tree so its `src/` is the one checked.
 */
const root = projectRoot();
const CRUISE_TIMEOUT_MS = 60_000;

interface Violation {
  rule: string;
  from: string;
  to: string;
  typeOnly: boolean;
}

function depcruise(tree: string, outputType: 'err' | 'json') {
  return spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'),
      'src',
      '--config',
      join(root, '.dependency-cruiser.cjs'),
      '--output-type',
      outputType,
    ],
    { cwd: join(root, 'test/fixtures/layers', tree), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
}

/** The exit code as `npm run deps` reports it (the err reporter), and the violations from the JSON report. */
function cruise(tree: string): { exitCode: number | null; violations: Violation[] } {
  const exitCode = depcruise(tree, 'err').status;
  const result = depcruise(tree, 'json');
  if (!result.stdout) throw new Error(`dependency-cruiser wrote nothing (exit ${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { dependencyTypes: string[] }[] }[] };
    modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  };
  const typeOnly = (from: string, to: string): boolean =>
    report.modules
      .find((m) => m.source === from)
      ?.dependencies.find((d) => d.resolved === to)
      ?.dependencyTypes.includes('type-only') ?? false;
  const violations = report.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    typeOnly: typeOnly(v.from, v.to),
  }));
  return { exitCode, violations };
}

describe('the layer rules of .dependency-cruiser.cjs', () => {
  it(
    'when every import points to a lower layer, or within a folder to its parent or one way between its sub-folders, then the check passes',
    () => {
      expect(cruise('clean')).toEqual({ exitCode: 0, violations: [] });
    },
    CRUISE_TIMEOUT_MS,
  );

  it(
    'when a tree has a cycle, an upward import, an import within a layer, an unplaced folder and HTTP reading the mutable graph, then the check fails naming each',
    () => {
      const { exitCode, violations } = cruise('broken');
      expect(exitCode).not.toBe(0);
      const byRule = (rule: string) =>
        violations
          .filter((v) => v.rule === rule)
          .map(({ from, to }) => `${from} -> ${to}`)
          .sort();
      // A cycle of type-only imports, as the templates → controllers → scorecards one of issue 14 was.
      expect(byRule('no-circular')).toEqual(['src/catalog/graph.ts -> src/catalog/view.ts']);
      expect(violations.find((v) => v.rule === 'no-circular')?.typeOnly).toBe(true);
      // Sub-folders of one layer folder that import each other while no file cycle exists, as
      // http/ui, http/auth and http/access did until views.ts and the scorecard standing moved down.
      expect(byRule('no-circular-folders')).toEqual(['src/http/forms -> src/http/pages', 'src/http/pages -> src/http/forms']);
      // Upward, and type-only: the domain names a controller.
      expect(byRule('layer-domain-core')).toEqual(['src/catalog/graph.ts -> src/controllers/reconcile.ts']);
      expect(violations.find((v) => v.rule === 'layer-domain-core')?.typeOnly).toBe(true);
      // Sideways: scorecards and templates are in one layer, so neither may import the other.
      expect(byRule('layer-domain')).toEqual(['src/scorecards/evaluate.ts -> src/templates/render.ts']);
      expect(byRule('not-in-a-layer')).toEqual(['src/widgets/widget.ts -> src/api/kind.ts']);
      // Down a layer, but HTTP reads the catalog through CatalogView, never the mutable graph.
      expect(byRule('http-reads-views')).toEqual(['src/http/pages/page.ts -> src/catalog/graph.ts']);
      expect(violations).toHaveLength(7);
    },
    CRUISE_TIMEOUT_MS,
  );
});
