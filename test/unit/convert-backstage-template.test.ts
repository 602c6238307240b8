import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { templateSpec } from '../../src/api/v1alpha1/template.ts';
import { convertTemplate, skeletonDirectory, type SkeletonRead } from '../../src/convert/backstage-template.ts';
import type { SourceDocument } from '../../src/convert/model.ts';
import { readSkeletons } from '../../src/convert/read-skeletons.ts';
import { formatProblem } from '../../src/convert/report.ts';
import { rewriteExpressions } from '../../src/convert/template-expressions.ts';
import { catalogManifests } from '../../src/templates/register.ts';
import { RenderError, renderText, renderTree } from '../../src/templates/render.ts';
import { parametersError } from '../../src/templates/values.ts';

const file = 'test/fixtures/backstage-migration/templates/node-service/template.yaml';
const fixture = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const document: SourceDocument = { file, document: 1, value: fixture };
const skeletons = await readSkeletons([skeletonDirectory(document)!]);

interface Converted {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown> & { steps: Record<string, unknown>[]; parameters: Record<string, unknown> };
  data?: Record<string, string>;
}

/** Converts a template (the fixture by default) with the fixture's skeleton read. */
function convert(value: unknown = fixture, reads: ReadonlyMap<string, SkeletonRead> = skeletons) {
  const { objects, problems } = convertTemplate({ file, document: 1, value }, { namespace: 'acme', skeletons: reads });
  const [template, configMap] = objects.map((o) => o.object as unknown as Converted);
  return { template, configMap, lines: problems.map(formatProblem) };
}

/** A small Backstage template: one page, a skeleton in git, and the given steps. */
const smallTemplate = (steps: unknown[], spec: Record<string, unknown> = {}) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'small' },
  spec: {
    owner: 'group:team-a',
    type: 'service',
    parameters: { properties: { name: { type: 'string' } } },
    steps: [{ id: 'fetch', action: 'fetch:template', input: { url: 'https://github.com/acme/skeletons/tree/main/service' } }, ...steps],
    ...spec,
  },
});

describe('Backstage software templates become Greenroom Templates', () => {
  it('when the documented-style template is converted, then the Template validates against the Template schema and carries owner, type and metadata', () => {
    const { template } = convert();
    expect(templateSpec.safeParse(template?.spec).success).toBe(true);
    expect(template?.metadata).toMatchObject({ name: 'node-service', namespace: 'acme' });
    expect(template?.spec).toMatchObject({
      title: 'Node.js service',
      description: 'A Node.js service with CI, registered in the catalog.',
      type: 'service',
      owner: 'team-platform',
      tags: ['recommended', 'nodejs'],
    });
  });

  it('when parameters come in pages, then they merge into one JSON Schema Greenroom accepts: properties in order, required unioned, ui hints dropped but Secret kept', () => {
    const { parameters } = convert().template!.spec;
    expect(parametersError(parameters)).toBeUndefined();
    expect(parameters).toMatchObject({
      required: ['name', 'owner', 'repoUrl'],
      'ui:order': ['name', 'owner', 'apiToken', 'repoUrl'],
      properties: {
        owner: { title: 'Owner', type: 'string', description: 'Owner of the component' },
        apiToken: { 'ui:field': 'Secret' },
        repoUrl: { type: 'string', format: 'uri' },
        port: { type: 'integer', default: 8080 },
      },
    });
    expect(JSON.stringify(parameters)).not.toMatch(/OwnerPicker|RepoUrlPicker|ui:autofocus/);
  });

  it('when ui fields change behaviour, then each is reported as skipped with its path; look-only hints as a warning', () => {
    const { lines } = convert();
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^skipped {2}.*template\.yaml \(document 1\) template:default\/Node_Service: spec\.parameters\[0\]\.properties\.owner\.ui:field: "OwnerPicker" dropped/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^warning .*form hints dropped .*properties\.name\.ui:autofocus/));
  });

  it('when steps are fetch:template, publish:github and catalog:register, then they become render, publish:git and register with inputs mapped', () => {
    expect(convert().template?.spec.steps).toEqual([
      { name: 'fetch-base', action: 'render' },
      {
        name: 'publish',
        action: 'publish:git',
        publishGit: {
          url: '${{ values.repoUrl }}',
          branch: 'main',
          commitMessage: 'Create ${{ values.name }}',
          secretRef: { name: 'greenroom-git' },
        },
      },
      { name: 'register', action: 'register', register: { catalogPath: 'catalog-info.yaml' } },
    ]);
  });

  it('when a step has no Greenroom counterpart, then it is listed with the file, the step id and the reason', () => {
    const { lines } = convert();
    expect(lines).toContain(
      `skipped  ${file} (document 1) template:default/Node_Service: step fetchDocs (fetch:plain): no Greenroom counterpart (render, publish:git, register, run)`,
    );
    expect(lines).toContain(
      `skipped  ${file} (document 1) template:default/Node_Service: step log (debug:log): no Greenroom counterpart (render, publish:git, register, run)`,
    );
    expect(lines).toContainEqual(
      expect.stringContaining('step publish (publish:github): inputs not mapped (no such field in Greenroom): description, repoVisibility'),
    );
  });

  it('when expressions name step outputs and Backstage filters, then outputs Greenroom has are renamed and the rest reported by name', () => {
    const { template, lines } = convert();
    expect(template?.spec.output).toEqual({
      links: [
        { title: 'Repository', url: "${{ steps['publish'].output.remoteUrl }}" },
        { title: 'Open in catalog', url: '/catalog/${{ (steps[\'register\'].output.entityRefs[0]) | replace(":", "/") }}' },
      ],
    });
    expect(lines).toContainEqual(
      expect.stringContaining("steps['publish'].output.repoContentsUrl: Greenroom's publish step has no output repoContentsUrl"),
    );
    expect(lines).toContainEqual(expect.stringContaining('step fetchBase (fetch:template): filter parseRepoUrl is not one of'));
    expect(lines).toContainEqual(expect.stringContaining('skeleton/README.md: filter projectSlug is not one of'));
  });

  it('when a fetch:template value is neither the parameter of its name nor a constant, then it is reported (and the parameters of their own name are not)', () => {
    expect(convert().lines.filter((line) => /values\.(name|owner) =/.test(line))).toEqual([]);
    expect(convert().lines).toContainEqual(
      expect.stringContaining(
        'step fetchBase (fetch:template): values.destination = ${{ values.repoUrl | parseRepoUrl }}: Greenroom renders the skeleton',
      ),
    );
  });

  it("when the skeleton is a local directory, then it becomes the Template's ConfigMap and its catalog file renders to objects Greenroom's register accepts", () => {
    const { template, configMap } = convert();
    expect(template?.spec.skeleton).toEqual({ configMapRef: { name: 'node-service-skeleton' } });
    expect(configMap?.metadata).toEqual({ name: 'node-service-skeleton', namespace: 'acme' });
    expect(Object.keys(configMap?.data ?? {}).sort()).toEqual(['Dockerfile', 'README.md', 'catalog-info.yaml', 'src__index.js']);
    const rendered = renderText('catalog-info.yaml', configMap!.data!['catalog-info.yaml']!, { name: 'orders', owner: 'team-a' });
    expect(catalogManifests(rendered, 'catalog-info.yaml', 'acme')).toMatchObject([
      { kind: 'Component', metadata: { name: 'orders', namespace: 'acme' }, spec: { owner: 'team-a' } },
    ]);
  });

  it("when the converted skeleton is rendered by Greenroom's renderer, then every file renders but the one the report named for a Backstage filter", () => {
    const { configMap, lines } = convert();
    const files = Object.entries(configMap!.data!).map(([key, text]) => [key.replaceAll('__', '/'), text] as const);
    const values = { name: 'orders', owner: 'team-a', port: 8080 };
    const failing = files.filter(([path, text]) => {
      try {
        renderTree(new Map([[path, text]]), values);
        return false;
      } catch (error) {
        return error instanceof RenderError;
      }
    });
    expect(failing.map(([path]) => path)).toEqual(['README.md']);
    expect(lines).toContainEqual(expect.stringContaining('skeleton/README.md: filter projectSlug'));
    expect(renderTree(new Map(files.filter(([path]) => path === 'src/index.js')), values).get('src/index.js')).toContain('.listen(8080)');
  });

  it('when the template lacks an owner and steps, then it is one skipped problem naming every reason', () => {
    const broken = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'new-service' },
      spec: { type: 'service' },
    };
    const { template, lines } = convert(broken);
    expect(template).toBeUndefined();
    expect(lines).toEqual([
      `skipped  ${file} (document 1) template:default/new-service: not converted: spec.owner is missing (Greenroom's Template needs an owning Group or User); no fetch:template step with a usable url: a Greenroom Template needs a skeleton`,
    ]);
  });

  it('when the skeleton is a git URL and publishing is a pull request to a picked repository, then skeleton.git and reviewBranch are set', () => {
    const pr = {
      id: 'pr',
      action: 'publish:github:pull-request',
      input: {
        repoUrl: 'github.com?owner=acme&repo=${{ parameters.name }}',
        branchName: 'add-${{ parameters.name }}',
        targetBranchName: 'main',
      },
    };
    const { template } = convert(smallTemplate([pr]));
    expect(template?.spec.skeleton).toEqual({ git: { url: 'https://github.com/acme/skeletons', ref: 'main', path: 'service' } });
    expect(template?.spec.steps[1]).toEqual({
      name: 'pr',
      action: 'publish:git',
      publishGit: {
        url: 'https://github.com/acme/${{ values.name }}.git',
        branch: 'main',
        reviewBranch: 'add-${{ values.name }}',
        secretRef: { name: 'git-github-com' },
      },
    });
    expect(templateSpec.safeParse(template?.spec).success).toBe(true);
  });

  it('when a step runs conditionally, then the condition is reported because the step always runs', () => {
    const { lines } = convert(smallTemplate([{ id: 'register', action: 'catalog:register', if: '${{ parameters.register }}', input: {} }]));
    expect(lines).toContainEqual(
      expect.stringContaining('step register (catalog:register): if: "${{ parameters.register }}" is not supported'),
    );
  });

  it('when pages carry dependencies and if/then, then they are kept for ajv (and said to be unseen by the form); a password widget and page permissions are reported', () => {
    const parameters = [
      {
        title: 'Basics',
        properties: { kind: { type: 'string', enum: ['web', 'worker'] }, password: { type: 'string', 'ui:widget': 'password' } },
        dependencies: { kind: { oneOf: [{ properties: { kind: { const: 'web' }, port: { type: 'integer' } } }] } },
      },
      {
        title: 'Extras',
        'backstage:permissions': { tags: ['admin'] },
        properties: { replicas: { type: 'integer' } },
        if: { properties: { replicas: { const: 0 } } },
        then: { required: ['kind'] },
      },
    ];
    const { template, lines } = convert(smallTemplate([], { parameters }));
    expect(template?.spec.parameters).toMatchObject({
      dependencies: parameters[0]!.dependencies,
      allOf: [{ if: parameters[1]!.if, then: parameters[1]!.then }],
    });
    expect(parametersError(template!.spec.parameters)).toBeUndefined();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'spec.parameters[0].properties.password.ui:widget: "password" dropped: the dashboard shows the value as plain text',
        ),
        expect.stringContaining(
          'spec.parameters[1].backstage:permissions: Backstage permissions on parameters have no Greenroom counterpart',
        ),
        expect.stringContaining(
          'dependencies/if/allOf kept: run values are checked against them, but the dashboard form shows only the top-level properties',
        ),
      ]),
    );
  });

  it('when a skeleton path holds an expression, then it cannot be a ConfigMap key and the files are inline', () => {
    const dir = 'test/fixtures/backstage-migration/templates/node-service/skeleton';
    const reads = new Map([[dir, { files: new Map([['${{ values.name }}/index.js', 'x']]) }]]);
    expect(convert(fixture, reads).template?.spec.skeleton).toEqual({ inline: { '${{ values.name }}/index.js': 'x' } });
  });
});

describe('template expressions', () => {
  it('when a text has parameters in expressions and blocks, then they become values and the text outside stays', () => {
    expect(rewriteExpressions('parameters.x: ${{ parameters.x }} {% if parameters["y"] %}y{% endif %}', { steps: new Map() })).toEqual({
      text: 'parameters.x: ${{ values.x }} {% if values["y"] %}y{% endif %}',
      problems: [],
    });
  });

  it('when an expression names the user or a removed step, then it is reported', () => {
    const { problems } = rewriteExpressions('${{ user.entity.metadata.name }} ${{ steps.gone.output.x | lower }}', { steps: new Map() });
    expect(problems).toEqual([
      '${{ user.entity.metadata.name }}: user.* (who runs the template) has no Greenroom equivalent',
      'steps.gone.output.x: step gone was not converted, so its output is not there',
    ]);
  });
});
