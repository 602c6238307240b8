import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOpenApi } from '../../src/api-definitions/describe-openapi.ts';
import type { DescribeResult, OpenApiDescription } from '../../src/api-definitions/model.ts';
import type { DefinitionView } from '../../src/http/ui/definition-view.ts';
import { openApiView } from '../../src/http/ui/openapi-pages.ts';
import { viewsEnvironment } from '../../src/http/views.ts';
import { projectRoot } from '../../src/shared/paths.ts';

const BASE = '/catalog/api/shop/petstore/definition';
const EXAMPLES = join(projectRoot(), 'node_modules', '@readme', 'oas-examples');
const env = viewsEnvironment();

/** The partial as entity.njk includes it: `{% include view.template %}` with the view's data as `definition`. */
function render(view: DefinitionView | undefined): string {
  if (!view) throw new Error('expected a page, got a 404');
  return env.renderString('{% include view.template %}', { view, definition: view.definition });
}

function openApi(result: DescribeResult): OpenApiDescription {
  if (!('description' in result) || result.description.format !== 'openapi') throw new Error(JSON.stringify(result));
  return result.description;
}

/** The rows of the table whose first cell holds `<code>name</code>`. */
function row(html: string, name: string): string {
  const start = html.indexOf(`<code>${name}</code>`);
  if (start < 0) throw new Error(`no row for ${name}`);
  return html.slice(html.lastIndexOf('<tr', start), html.indexOf('</tr>', start));
}

describe('the API tab of the petstore', () => {
  let petstore: OpenApiDescription;
  let html: string;
  beforeAll(async () => {
    petstore = openApi(await describeOpenApi(readFileSync(join(EXAMPLES, '3.0', 'yaml', 'petstore.yaml'), 'utf8')));
    html = render(openApiView(petstore, {}, BASE));
  });

  it('when opened, then it shows the title, version, spec version, description and servers', () => {
    expect(html).toContain('<h2 id="api-h">Swagger Petstore <span class="muted">1.0.0</span></h2>');
    expect(html).toContain(`OpenAPI 3.0.0 · ${petstore.operationCount} operations`);
    expect(html).toContain('This is a sample server Petstore server.');
    expect(html).toContain('<code>http://petstore.swagger.io/v2</code>');
  });

  it('when opened, then security schemes say what they need', () => {
    expect(html).toContain('<code>petstore_auth</code> <span class="tag">oauth2</span> <span class="muted">flows: implicit</span>');
    expect(html).toContain('<code>api_key</code> <span class="tag">apiKey</span> <span class="muted">header api_key</span>');
  });

  it('when opened, then every operation is a row under its tag, with a method badge linking to its page', () => {
    expect([...html.matchAll(/<details class="api-tag"[^>]*>\s*<summary><strong>([^<]+)<\/strong>/g)].map((m) => m[1])).toEqual([
      'pet',
      'store',
      'user',
    ]);
    expect(html.match(/<li[^>]*><a href="[^"]*\/operations\//g)).toHaveLength(petstore.operationCount);
    expect(html).toContain(
      `<a href="${BASE}/operations/getPetById"><span class="method method-get">GET</span> <code class="api-path">/pet/{petId}</code> <span class="api-summary">Find pet by ID</span></a>`,
    );
    expect(html).toContain(`<a href="${BASE}/operations/deletePet"><span class="method method-delete">DELETE</span>`);
  });

  it('when an operation is deprecated, then its row says so', () => {
    expect(html).toMatch(
      /<li class="deprecated"><a href="[^"]*\/operations\/findPetsByTags">[\s\S]*?<\/a> <span class="badge wait">deprecated<\/span><\/li>/,
    );
  });

  it('when opened, then no schema is drawn on the tab, only a list of links to them', () => {
    expect(html).not.toContain('schema-properties');
    expect(html).toContain(`<a href="${BASE}/schemas/Pet"><code>Pet</code></a>`);
  });

  it('when an operation is opened, then its parameters, responses and schema links are on its page', () => {
    const view = openApiView(petstore, { section: 'operations', item: 'getPetById' }, BASE);
    expect(view?.title).toBe('GET /pet/{petId}');
    const page = render(view);
    expect(page).toContain(`<a href="${BASE}">Swagger Petstore</a> › pet`);
    expect(page).toContain('<span class="method method-get">GET</span> <code class="api-path">/pet/{petId}</code>');
    const petId = row(page, 'petId');
    expect(petId).toContain('<span class="required">required</span>');
    expect(petId).toContain('<td>path</td>');
    expect(petId).toContain('<span class="schema-type">integer</span> <span class="schema-format">(int64)</span>');
    expect(petId).toContain('ID of pet to return');
    expect(page).toContain('<span class="status status-2xx">200</span>');
    expect(page).toContain(`<a class="schema-ref" href="${BASE}/schemas/Pet">Pet</a>`);
    expect(page).toContain('<span class="status status-4xx">404</span> <span class="definition-text">Pet not found</span>');
  });

  it('when an operation takes a body, then the request body shows each media type and its schema', () => {
    const page = render(openApiView(petstore, { section: 'operations', item: 'addPet' }, BASE));
    expect(page).toMatch(/<h3>Request body <span class="required">required<\/span><\/h3>/);
    expect(page).toContain('<code>application/json</code>');
    expect(page).toContain('<code>application/xml</code>');
    expect(page).toContain('<code>petstore_auth</code> <span class="muted">oauth2, flows: implicit</span>');
  });

  it('when a schema is opened, then its properties, required marks, links and users are on its page', () => {
    const page = render(openApiView(petstore, { section: 'schemas', item: 'Pet' }, BASE));
    expect(page).toContain('<h2 id="schema-h"><code>Pet</code></h2>');
    expect(row(page, 'name')).toContain('required');
    expect(row(page, 'photoUrls')).toContain('<span class="schema-type">array of</span> <span class="schema-type">string</span>');
    expect(row(page, 'id')).not.toContain('required');
    expect(row(page, 'category')).toContain(`<a class="schema-ref" href="${BASE}/schemas/Category">Category</a>`);
    expect(row(page, 'status')).toContain(
      'One of <code>&quot;available&quot;</code>, <code>&quot;pending&quot;</code>, <code>&quot;sold&quot;</code>',
    );
    expect(page).toContain(`<li><a href="${BASE}/operations/addPet">POST /pet</a></li>`);
  });

  it.each([
    ['an unknown operation', { section: 'operations', item: 'nope' }],
    ['an unknown schema', { section: 'schemas', item: 'Nope' }],
    ['a schema named after an Object.prototype member', { section: 'schemas', item: 'constructor' }],
    ['a schema called __proto__', { section: 'schemas', item: '__proto__' }],
    ['an unknown section', { section: 'types', item: 'Pet' }],
    ['a section without an item', { section: 'operations' }],
    ['an item without a section', { item: 'Pet' }],
  ])('when %s is asked for, then there is no page (a 404)', (_what, path) => {
    expect(openApiView(petstore, path, BASE)).toBeUndefined();
  });
});

describe('what a definition author writes is escaped', () => {
  const hostile = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Evil <b>API</b>', version: '1', description: '<script>alert("description")</script>\nSecond line' },
    servers: [{ url: 'javascript:alert(1)', description: '<img src=x onerror=alert(1)>' }],
    paths: {
      '/x/<img src=x onerror=alert(2)>': {
        get: {
          operationId: 'evil',
          summary: '<script>alert("summary")</script>',
          parameters: [{ name: '<i>q</i>', in: 'query', schema: { type: 'string', enum: ['</code><script>alert(3)</script>'] } }],
          responses: {
            200: {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Evil"><script>alert(4)<~1script>' },
                  example: { html: '<script>alert(5)</script>' },
                },
              },
            },
          },
        },
      },
    },
    components: { schemas: { 'Evil"><script>alert(4)</script>': { type: 'object', description: '<script>alert(6)</script>' } } },
  });
  let description: OpenApiDescription;
  beforeAll(async () => {
    description = openApi(await describeOpenApi(hostile));
  });

  it('when the tab, the operation and the schema are rendered, then no markup of the definition gets through', () => {
    const pages = [
      render(openApiView(description, {}, BASE)),
      render(openApiView(description, { section: 'operations', item: 'evil' }, BASE)),
      render(openApiView(description, { section: 'schemas', item: 'Evil"><script>alert(4)</script>' }, BASE)),
    ].join('\n');
    expect(pages).not.toMatch(/<script|<img|<b>|<i>/);
    expect(pages).toContain('&lt;script&gt;alert(&quot;description&quot;)&lt;/script&gt;\nSecond line');
    expect(pages).toContain('Evil &lt;b&gt;API&lt;/b&gt;');
    expect(pages).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(pages).toContain('&lt;/code&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(pages).toContain('&lt;script&gt;alert(6)&lt;/script&gt;');
    expect(pages).toContain('&lt;script&gt;alert(5)&lt;/script&gt;');
  });

  it('when a schema name holds URL and HTML characters, then its link is percent-encoded', () => {
    const page = render(openApiView(description, { section: 'operations', item: 'evil' }, BASE));
    expect(page).toContain(`href="${BASE}/schemas/Evil%22%3E%3Cscript%3Ealert(4)%3C%2Fscript%3E"`);
  });
});

describe("the API tab of GitHub's REST API", () => {
  it('when opened, then it lists its tags linking to a page of their rows each, and draws no schema', async () => {
    const github = openApi(
      await describeOpenApi(
        readFileSync(join(projectRoot(), 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json'), 'utf8'),
      ),
    );
    const html = render(openApiView(github, {}, BASE));
    expect(html.match(/<li[^>]*><a href="[^"]*\/operations\//g) ?? []).toEqual([]);
    expect(html.match(/<a href="[^"]*\/tags\/[^"]+">/g)).toHaveLength(github.tags.length);
    expect(html).not.toContain('schema-properties');
    const repos = github.tags.find((t) => t.name === 'repos')!;
    const tagPage = render(openApiView(github, { section: 'tags', item: 'repos' }, BASE));
    expect(tagPage.match(/<li[^>]*><a href="[^"]*\/operations\//g)).toHaveLength(repos.operations.length);
    expect(openApiView(github, { section: 'tags', item: 'no-such-tag' }, BASE)).toBeUndefined();
    // Its 969 schemas are a page of their own, linked from the tab.
    expect(html).toContain(`<a href="${BASE}/schemas">${Object.keys(github.schemas).length} schemas</a>`);
    expect(html.match(/href="[^"]*\/schemas\/[^"]+"/g) ?? []).toEqual([]);
    const schemas = render(openApiView(github, { section: 'schemas' }, BASE));
    expect(schemas.match(/href="[^"]*\/schemas\/[^"]+"/g)).toHaveLength(Object.keys(github.schemas).length);
    const page = render(openApiView(github, { section: 'operations', item: 'get-repos-owner-repo' }, BASE));
    expect(page).toContain(`<a class="schema-ref" href="${BASE}/schemas/full-repository">full-repository</a>`);
  }, 120_000);
});
