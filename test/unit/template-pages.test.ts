import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { createApp } from '../../src/http/app.ts';
import { SUBMITTED } from '../../src/http/ui/parameter-form.ts';
import { duration, runPage, safeHref, templatePage, templatesPage } from '../../src/http/ui/template-pages.ts';
import type { TemplateObject, TemplateRunObject, TemplateRunStatus, TemplateSpec, TemplateStore } from '../../src/api/objects.ts';
import { serving } from '../support/serve.ts';

/** A schema as a template author writes one: required, defaults, an enum, a boolean, numbers, a list. */
const parameters = {
  type: 'object',
  required: ['name', 'owner'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', title: 'Name', description: 'Lower case; also the repository name.', pattern: '^[a-z][a-z0-9-]*$' },
    owner: { type: 'string', title: 'Owner' },
    language: { type: 'string', enum: ['typescript', 'go'], default: 'typescript' },
    port: { type: 'integer', title: 'Port', minimum: 1024, default: 8080 },
    ratio: { type: 'number' },
    http: { type: 'boolean', title: 'Serve HTTP', default: true },
    topics: { type: 'array', items: { type: 'string' } },
    extra: { type: 'object' },
  },
};

function template(name: string, spec: Partial<TemplateSpec> = {}, namespace = 'default'): TemplateObject {
  return {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Template',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: {
      type: 'service',
      owner: 'team-a',
      parameters,
      skeleton: { inline: { 'README.md': '# ${{ values.name }}' } },
      steps: [
        { name: 'render', action: 'render' },
        { name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example.com/${{ values.name }}.git' } },
        { name: 'register', action: 'register' },
      ],
      ...spec,
    },
  };
}

function run(
  name: string,
  templateName: string,
  status?: TemplateRunStatus,
  created = '2026-11-24T10:00:00Z',
  namespace = 'default',
): TemplateRunObject {
  return {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'TemplateRun',
    metadata: { name, namespace, uid: `uid-run-${name}`, creationTimestamp: created },
    spec: { templateRef: { name: templateName }, values: { name: 'orders', owner: 'team-a' } },
    ...(status ? { status } : {}),
  };
}

const storeOf = (templates: TemplateObject[], runs: TemplateRunObject[] = []): TemplateStore => ({
  templates: () => templates,
  runs: () => runs,
});

const valid = {
  [SUBMITTED]: '1',
  name: 'orders',
  owner: 'team-a',
  language: 'go',
  port: '9090',
  ratio: '0.5',
  topics: 'payments, eu ,',
  extra: '',
};

describe('the templates list', () => {
  it('when templates have titles or not, then they are sorted by title, falling back to the name', () => {
    const page = templatesPage(
      storeOf([template('zeta', { title: 'Alpha service' }), template('beta'), template('gamma', { title: 'Zebra' })]),
    );
    expect(page.rows.map((r) => r.title)).toEqual(['Alpha service', 'beta', 'Zebra']);
  });

  it('when owners are written as name, group:name or group:ns/name, then each links to that Group page', () => {
    const page = templatesPage(
      storeOf([
        template('a', { owner: 'team-x' }),
        template('b', { owner: 'group:team-y' }),
        template('c', { owner: 'group:other/team-z' }, 'apps'),
      ]),
    );
    expect(page.rows.map((r) => r.owner.href)).toEqual([
      '/catalog/group/default/team-x',
      '/catalog/group/default/team-y',
      '/catalog/group/other/team-z',
    ]);
  });

  it('when a template has runs, then the row counts them and shows the latest phase', () => {
    const page = templatesPage(
      storeOf(
        [template('service')],
        [
          run('old', 'service', { phase: 'Failed' }, '2026-11-24T09:00:00Z'),
          run('new', 'service', { phase: 'Succeeded' }, '2026-11-24T11:00:00Z'),
          run('other', 'library'),
        ],
      ),
    );
    expect(page.rows[0]).toMatchObject({ runs: 2, latest: { name: 'new', phase: 'Succeeded', href: '/runs/default/new' } });
  });
});

describe('a template page', () => {
  it('when nobody submitted the form, then it shows a field per parameter with defaults and no check yet', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', {})!;
    const field = (name: string) => page.form.fields.find((f) => f.name === name)!;
    expect(page.form.fields.map((f) => [f.name, f.control])).toEqual([
      ['name', 'text'],
      ['owner', 'text'],
      ['language', 'select'],
      ['port', 'integer'],
      ['ratio', 'number'],
      ['http', 'checkbox'],
      ['topics', 'list'],
      ['extra', 'json'],
    ]);
    expect(field('name')).toMatchObject({ label: 'Name', hint: 'Lower case; also the repository name.', required: true, value: '' });
    expect(field('port')).toMatchObject({ label: 'Port', required: false, value: '8080', min: 1024 });
    expect(field('http')).toMatchObject({ label: 'Serve HTTP', checked: true });
    expect(field('language').options).toEqual([
      { value: '', label: '(none)', selected: false },
      { value: 'typescript', label: 'typescript', selected: true },
      { value: 'go', label: 'go', selected: false },
    ]);
    expect(page.yaml).toBeUndefined();
    expect(page.form.problems).toBe(0);
  });

  it('when the steps are listed, then publish:git shows its URL as written', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', {})!;
    expect(page.steps).toContainEqual({
      name: 'publish',
      action: 'publish:git',
      url: 'https://git.example.com/${{ values.name }}.git',
      image: undefined,
    });
  });

  it('when valid values are submitted, then they are coerced per the schema and the TemplateRun YAML parses back', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', valid)!;
    expect(page.form.problems).toBe(0);
    expect(parse(page.yaml!)).toEqual({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'TemplateRun',
      metadata: { name: 'service-orders', namespace: 'default' },
      spec: {
        templateRef: { name: 'service' },
        values: { name: 'orders', owner: 'team-a', language: 'go', port: 9090, ratio: 0.5, http: false, topics: ['payments', 'eu'] },
      },
    });
    expect(page.command).toBe('kubectl create -f -');
  });

  it('when a template has a secret parameter, then the run names a Secret for it and a Secret manifest to fill in comes with it, neither holding a value', () => {
    const secretParameters = {
      ...parameters,
      required: ['name', 'owner', 'token'],
      properties: { ...parameters.properties, token: { type: 'string', 'ui:field': 'Secret' } },
    };
    const page = templatePage(storeOf([template('service', { parameters: secretParameters })]), 'default', 'service', {
      ...valid,
      token: 'typed-into-the-url',
    })!;
    expect(page.form.problems).toBe(0);
    expect(page.form.fields.find((f) => f.name === 'token')).toMatchObject({ control: 'secret', value: '' });
    const run = parse(page.yaml!);
    expect(run.spec.values).not.toHaveProperty('token');
    expect(run.spec.secretValuesRef).toEqual({ name: 'service-orders-secrets' });
    expect(parse(page.secretYaml!)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'service-orders-secrets', namespace: 'default' },
      type: 'Opaque',
      stringData: { token: '' },
    });
    expect(JSON.stringify(page)).not.toContain('typed-into-the-url');
  });

  it('when a run wrongly carries a secret parameter in spec.values, then its page stars it', () => {
    const secretParameters = { ...parameters, properties: { ...parameters.properties, token: { type: 'string', 'ui:field': 'Secret' } } };
    const wrong = run('service-orders', 'service');
    wrong.spec.values = { name: 'orders', token: 'ghp_should-not-show' };
    const page = runPage(storeOf([template('service', { parameters: secretParameters })], [wrong]), 'default', 'service-orders')!;
    expect(parse(page.valuesYaml)).toEqual({ name: 'orders', token: '***' });
  });

  it('when values break the schema, then every ajv message sits next to its field and there is no YAML', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', {
      ...valid,
      name: 'Orders!',
      owner: '',
      port: '80',
      language: 'cobol',
    })!;
    const messages = Object.fromEntries(page.form.fields.map((f) => [f.name, f.messages]));
    expect(messages.name).toEqual([expect.stringMatching(/^values\.name must match pattern/)]);
    expect(messages.owner).toEqual(['values.owner is required']);
    expect(messages.port).toEqual(['values.port must be >= 1024']);
    expect(messages.language).toEqual(['values.language must be equal to one of the allowed values']);
    expect(page.form.problems).toBe(4);
    expect(page.yaml).toBeUndefined();
  });

  it('when a JSON field does not parse, then it says so beside the field, the rest is still checked and there is no YAML', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', { ...valid, extra: '{nope', owner: '' })!;
    expect(page.form.fields.find((f) => f.name === 'extra')?.messages).toEqual([expect.stringMatching(/^values\.extra is not valid JSON/)]);
    expect(page.form.fields.find((f) => f.name === 'owner')?.messages).toEqual(['values.owner is required']);
    expect(page.yaml).toBeUndefined();
  });

  it('when a problem is about the values as a whole, then its message goes above the form', () => {
    const contradictory = {
      ...parameters,
      properties: { name: parameters.properties.name },
      required: ['name'],
      not: { required: ['name'] },
    };
    const page = templatePage(storeOf([template('service', { parameters: contradictory })]), 'default', 'service', {
      [SUBMITTED]: '1',
      name: 'orders',
    })!;
    expect(page.form.messages).toEqual(['values must NOT be valid']);
    expect(page.form.problems).toBe(1);
  });

  it('when a submitted number is not a number, then the operator check names it', () => {
    const page = templatePage(storeOf([template('service')]), 'default', 'service', { ...valid, port: 'eighty' })!;
    expect(page.form.fields.find((f) => f.name === 'port')?.messages).toEqual(['values.port must be integer']);
  });

  it('when a template has no parameters, then its run YAML is there at once, named <template>-run', () => {
    const page = templatePage(storeOf([template('docs', { parameters: undefined })]), 'default', 'docs', {})!;
    expect(page.form.fields).toEqual([]);
    expect(parse(page.yaml!)).toMatchObject({ metadata: { name: 'docs-run' }, spec: { templateRef: { name: 'docs' }, values: {} } });
  });

  it('when a template has many runs, then the newest 20 are listed first', () => {
    const runs = Array.from({ length: 25 }, (_, i) =>
      run(`r${i}`, 'service', undefined, `2026-11-24T10:${String(i).padStart(2, '0')}:00Z`),
    );
    const page = templatePage(storeOf([template('service')], runs), 'default', 'service', {})!;
    expect(page.runs).toHaveLength(20);
    expect(page.runs[0]).toMatchObject({ name: 'r24', phase: 'Pending' });
    expect(page.totalRuns).toBe(25);
  });

  it('when the template does not exist, then there is no page', () => {
    expect(templatePage(storeOf([template('service')]), 'other', 'service', {})).toBeUndefined();
  });
});

describe('a run page', () => {
  const finished = run('service-orders', 'service', {
    phase: 'Succeeded',
    startedAt: '2026-11-24T10:00:00Z',
    finishedAt: '2026-11-24T10:03:05Z',
    steps: [
      {
        name: 'render',
        phase: 'Succeeded',
        startedAt: '2026-11-24T10:00:00Z',
        finishedAt: '2026-11-24T10:00:02Z',
        message: 'rendered 3 files',
      },
    ],
    outputs: {
      links: [
        { title: 'bad', url: 'javascript:alert(1)' },
        { title: 'Repository', url: 'https://git.example.com/orders' },
        { title: 'Entity', url: '/catalog/component/default/orders' },
        { title: 'elsewhere', url: '//evil.example' },
      ],
      entityRefs: ['component:default/orders'],
      commit: '0123456789abcdef0123456789abcdef01234567',
    },
    logTail: 'pushed main',
    conditions: [
      { type: 'Succeeded', status: 'True', reason: 'AllStepsSucceeded', message: 'done', lastTransitionTime: '2026-11-24T10:03:05Z' },
    ],
  });

  it('when outputs hold an unsafe URL, then only http(s) URLs and same-site paths become links', () => {
    const page = runPage(storeOf([template('service')], [finished]), 'default', 'service-orders')!;
    expect(page.outputs.links.map((l) => [l.text, l.url])).toEqual([
      ['bad', undefined],
      ['Repository', 'https://git.example.com/orders'],
      ['Entity', '/catalog/component/default/orders'],
      ['elsewhere', undefined],
    ]);
    expect(safeHref('/\\evil.example')).toBeUndefined();
  });

  it('when a run finished, then it shows duration, steps, linked entities, the commit, conditions in words and values', () => {
    const page = runPage(storeOf([template('service', { title: 'Service' })], [finished]), 'default', 'service-orders')!;
    expect(page.run.phase).toBe('Succeeded');
    expect(page.template).toMatchObject({ title: 'Service', href: '/templates/default/service', exists: true });
    expect(page.duration).toBe('3 min 5 s');
    expect(page.startedAt?.text).toBe('2026-11-24 10:00:00 UTC');
    expect(page.steps[0]).toMatchObject({ name: 'render', phase: 'Succeeded', duration: '2 s', message: 'rendered 3 files' });
    expect(page.outputs.entities).toEqual([
      { ref: 'component:default/orders', kind: 'component', name: 'orders', href: '/catalog/component/default/orders' },
    ]);
    expect(page.outputs.commit).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(page.conditions[0]).toMatchObject({ state: 'yes', words: 'All Steps Succeeded', message: 'done' });
    expect(parse(page.valuesYaml)).toEqual({ name: 'orders', owner: 'team-a' });
  });

  it('when a run has no status yet, then it is Pending', () => {
    const page = runPage(storeOf([], [run('fresh', 'gone')]), 'default', 'fresh')!;
    expect(page.run.phase).toBe('Pending');
    expect(page.template.exists).toBe(false);
    expect(page.steps).toEqual([]);
  });

  it('when durations are long, then they read in hours and minutes', () => {
    expect(duration('2026-11-24T10:00:00Z', '2026-11-24T11:02:00Z')).toBe('1 h 2 min');
    expect(duration('2026-11-24T10:00:00Z', undefined)).toBe('');
  });
});

describe('the templates pages over HTTP', () => {
  const serveApp = serving();
  const serve = (templates?: TemplateStore): Promise<string> =>
    serveApp(createApp({ isReady: () => true, graph: new CatalogGraph(), templates }));
  const store = storeOf(
    [template('service', { title: 'Service', description: 'Makes <script>alert(1)</script> services' })],
    [run('service-orders', 'service', { phase: 'Running' })],
  );

  it('when no template store is wired, then /templates answers 200 with an empty state', async () => {
    const base = await serve();
    const res = await fetch(`${base}/templates`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/No templates/);
    expect(html).toMatch(/<a href="\/templates" aria-current="page">Templates<\/a>/);
  });

  it('when a description holds a <script>, then it comes out escaped on the list and the template page', async () => {
    const base = await serve(store);
    for (const path of ['/templates', '/templates/default/service']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Makes &lt;script&gt;alert(1)&lt;/script&gt; services');
      expect(html).not.toContain('<script>alert(1)');
    }
  });

  it('when the form is submitted with valid values, then the TemplateRun YAML is on the page, HTML-escaped', async () => {
    const base = await serve(store);
    const query = new URLSearchParams({ ...valid, owner: 'team-<a>' });
    const html = await (await fetch(`${base}/templates/default/service?${query}`)).text();
    expect(html).toContain('kind: TemplateRun');
    expect(html).toContain('owner: team-&lt;a&gt;');
    expect(html).toContain('kubectl create -f -');
    expect(html).toMatch(/<form class="parameters" action="\/templates\/default\/service#run" method="get"/);
  });

  it('when the values are invalid, then the messages are on the page', async () => {
    const base = await serve(store);
    const html = await (await fetch(`${base}/templates/default/service?${new URLSearchParams({ ...valid, owner: '' })}`)).text();
    expect(html).toContain('values.owner is required');
    expect(html).not.toContain('kind: TemplateRun');
  });

  it('when a template has a secret parameter, then the page renders a password input without a name, and a value put in the URL is neither echoed nor in the YAML', async () => {
    const secretParameters = {
      ...parameters,
      required: ['name', 'owner', 'token'],
      properties: { ...parameters.properties, token: { type: 'string', title: 'Token', 'ui:field': 'Secret' } },
    };
    const base = await serve(storeOf([template('service', { parameters: secretParameters })]));
    const leaked = 'ghp_leaked-into-the-url';
    const html = await (await fetch(`${base}/templates/default/service?${new URLSearchParams({ ...valid, token: leaked })}`)).text();
    expect(html).toMatch(/<input id="field-\d+" type="password" autocomplete="new-password"[^>]*>/);
    expect(html).not.toMatch(/name="token"/);
    expect(html).not.toContain(leaked);
    expect(html).toContain('kind: Secret');
    expect(html).toContain('secretValuesRef:');
  });

  it('when a run exists, then its page answers 200 with its phase', async () => {
    const base = await serve(store);
    const res = await fetch(`${base}/runs/default/service-orders`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<span class="badge wait">Running<\/span>/);
  });

  it('when a URL holds a token (a git URL, a publish URL, a value, an output link), then neither page shows the token', async () => {
    const token = 'ghp_t0kenInAUrl';
    const secretive = template('secretive', {
      skeleton: { git: { url: `https://bot:${token}@git.example.com/skeletons.git`, path: 'service' } },
      steps: [
        { name: 'publish', action: 'publish:git', publishGit: { url: `https://bot:${token}@git.example.com/\${{ values.name }}.git` } },
      ],
    });
    const leaky: TemplateRunObject = {
      ...run('secretive-orders', 'secretive', {
        phase: 'Failed',
        steps: [{ name: 'publish', phase: 'Failed', message: `git push to https://bot:${token}@git.example.com/orders.git failed` }],
        outputs: { links: [{ title: 'Repository', url: `https://bot:${token}@git.example.com/orders.git` }] },
        logTail: `pushing to https://bot:${token}@git.example.com/orders.git\n`,
        conditions: [
          {
            type: 'Succeeded',
            status: 'False',
            reason: 'StepFailed',
            message: `step publish failed: https://bot:${token}@git.example.com`,
            lastTransitionTime: '2026-11-24T10:03:05Z',
          },
        ],
      }),
      spec: { templateRef: { name: 'secretive' }, values: { name: 'orders', repoUrl: `https://bot:${token}@git.example.com/orders.git` } },
    };
    const base = await serve(storeOf([secretive], [leaky]));
    const templateHtml = await (await fetch(`${base}/templates/default/secretive`)).text();
    const runHtml = await (await fetch(`${base}/runs/default/secretive-orders`)).text();
    expect(templateHtml).toContain('https://***@git.example.com/skeletons.git');
    expect(runHtml).toContain('href="https://git.example.com/orders.git"');
    expect(runHtml).toContain('repoUrl: https://***@git.example.com/orders.git');
    for (const html of [templateHtml, runHtml]) expect(html).not.toContain(token);
  });

  it('when a template or run does not exist, then the answer is a 404 page', async () => {
    const base = await serve(store);
    for (const path of ['/templates/default/nope', '/runs/default/nope', '/runs/other/service-orders']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/Nothing here/);
    }
  });
});

describe('the order of the parameters form', () => {
  // The apiserver hands schemas back with their keys sorted; the author's order has to be said.
  const sorted = {
    type: 'object',
    required: ['owner', 'name'],
    properties: { a: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' }, z: { type: 'string' } },
  };

  it('when ui:order is given, then fields follow it, "*" standing for the rest', () => {
    const page = templatePage(
      storeOf([template('service', { parameters: { ...sorted, 'ui:order': ['name', '*', 'a'] } })]),
      'default',
      'service',
      {},
    )!;
    expect(page.form.fields.map((f) => f.name)).toEqual(['name', 'owner', 'z', 'a']);
  });

  it('when there is no ui:order, then required fields come first, as listed in required', () => {
    const page = templatePage(storeOf([template('service', { parameters: sorted })]), 'default', 'service', {})!;
    expect(page.form.fields.map((f) => f.name)).toEqual(['owner', 'name', 'a', 'z']);
  });
});
