/**
 * The layers of src/ and the rules that keep them pointing one way (`npm run deps`; `npm test`
 * runs it right after the type-check). test/unit/dependency-rules.test.ts runs this same file
 * over test/fixtures/layers/ to prove it fails on a cycle and on an upward import.
 *
 * A folder may import its own files and the folders of any layer BELOW its own — never a folder
 * of its own layer (that would be a hidden second ordering) and never one above. Type-only
 * imports count (tsPreCompilationDeps): the cycle issue 14 started from was a type import.
 *
 * Where a new folder goes: in the lowest layer above everything it imports. A folder that is
 * in no layer fails the check, so placing it is a decision, not an accident.
 */

const path = require('node:path');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Bottom first. `files` are single modules at the top of src/. */
const LAYERS = [
  { name: 'foundation', folders: ['shared', 'api'], why: 'helpers and the API kinds (zod schemas, object types); import nothing of ours' },
  {
    name: 'platform',
    folders: ['kube', 'observability', 'file-tree', 'outbound'],
    why: 'the apiserver client, logs and metrics, file trees, outbound requests to tenant-named hosts',
  },
  { name: 'runtime', folders: ['runtime'], why: 'informers, work queues, leader election: client-go in TypeScript' },
  {
    name: 'domain core',
    folders: ['catalog', 'git', 'docs', 'notifications', 'convert', 'api-definitions'],
    why: 'domain logic that needs no other domain',
  },
  {
    name: 'domain',
    folders: ['scorecards', 'templates', 'search', 'catalog-sources'],
    why: 'domain logic over the catalog, git, docs and converter',
  },
  { name: 'access', folders: ['access'], why: 'who may see what, over the read models' },
  {
    name: 'write paths',
    folders: ['controllers', 'self-service'],
    why: 'what writes to the cluster: reconcilers, and writes on behalf of a person',
  },
  { name: 'http', folders: ['http'], why: 'the read API and the dashboard' },
  { name: 'config', files: ['config.ts'], why: "the operator's flags; takes its defaults from the layers below" },
  { name: 'operator', folders: ['operator'], why: 'the wiring of one replica' },
  { name: 'harness', folders: ['local-cluster'], why: 'a local control plane, Dex, git server for the demo and the tests' },
  { name: 'cli', folders: ['cli'], why: 'the entry points' },
];

/**
 * Edges that break the rule today and are allowed for now, each with the reason and the issue
 * that removes it. Keep this empty: an exception is a debt, not a design.
 * Shape: { from: 'folder', to: 'folder', why: '...' }.
 */
const TEMPORARY_EXCEPTIONS = [];

/** The path pattern of one unit of a layer: a folder (anything under it) or a single top-level file. */
const unitPath = (unit) => (unit.endsWith('.ts') ? `^src/${escape(unit)}$` : `^src/${escape(unit)}/`);
const unitsOf = (layer) => [...(layer.folders ?? []), ...(layer.files ?? [])];
const anyOf = (units) => units.map(unitPath).join('|');

/** One rule per unit: it may not import a unit of its own layer or of any layer above. */
const layerRules = LAYERS.flatMap((layer, index) =>
  unitsOf(layer).flatMap((unit) => {
    const notBelow = LAYERS.slice(index)
      .flatMap(unitsOf)
      .filter((other) => other !== unit);
    const excepted = TEMPORARY_EXCEPTIONS.filter((e) => e.from === unit).map((e) => e.to);
    const forbidden = notBelow.filter((other) => !excepted.includes(other));
    if (forbidden.length === 0) return []; // the top layer: nothing is above it
    return {
      name: `layer-${layer.name.replace(/ /g, '-')}`,
      comment:
        `src/${unit} is in layer "${layer.name}" (${layer.why}): it may import only layers below it ` +
        `(${
          LAYERS.slice(0, index)
            .map((l) => l.name)
            .join(', ') || 'none'
        }), not its own layer or one above. ` +
        'Move the shared part down instead (see .dependency-cruiser.cjs).',
      severity: 'error',
      from: { path: unitPath(unit) },
      to: { path: anyOf(forbidden) },
    };
  }),
);

const placed = anyOf(LAYERS.flatMap(unitsOf));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle between modules: one of them has to move down, or the shared part out.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'A cycle between folders (each may be acyclic inside): a shared part has to move to a lower folder.',
      severity: 'error',
      // A folder counts everything under it, so src/http/ui importing src/http/problems.ts stays
      // inside src/http and is no cycle; sibling sub-folders (http/ui, http/auth) are checked.
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'not-in-a-layer',
      comment:
        'This module of src/ is in no layer of .dependency-cruiser.cjs: add its folder to the lowest layer above everything it imports.',
      severity: 'error',
      from: { path: '^src/', pathNot: placed },
      to: {},
    },
    {
      name: 'not-in-a-layer',
      comment:
        'This module of src/ is in no layer of .dependency-cruiser.cjs: add its folder to the lowest layer above everything it imports.',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: placed },
    },
    {
      name: 'http-reads-views',
      comment:
        'HTTP and the access layer read the catalog through CatalogView (src/catalog/view.ts), never the mutable graph: ' +
        'a route cannot change what the controllers keep.',
      severity: 'error',
      from: { path: '^src/(http|access)/' },
      to: { path: '^src/catalog/graph\\.ts$' },
    },
    {
      name: 'scorecards-are-pure',
      comment: 'scorecards/ evaluates rules; sending (webhooks, Slack) belongs in notifications/.',
      severity: 'error',
      from: { path: '^src/scorecards/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(http|https|http2|net|tls|dns|dgram)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // By this file's place, so the rules test can run it from a fixture tree as its working directory.
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
