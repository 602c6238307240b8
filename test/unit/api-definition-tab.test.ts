import { describe, expect, it } from '@jest/globals';
import type { GraphQlDescription } from '../../src/api-definitions/model.ts';
import type { ReadDefinition } from '../../src/api-definitions/read-definition.ts';
import { definitionTab, RenderedDefinitions } from '../../src/http/ui/definition-pages.ts';

const description: GraphQlDescription = {
  format: 'graphql',
  roots: { query: 'Query' },
  types: [
    {
      name: 'Query',
      kind: 'object',
      fields: [{ name: 'book', type: 'Book', namedType: 'Book', args: [] }],
      interfaces: [],
      possibleTypes: [],
      enumValues: [],
    },
    { name: 'Book', kind: 'object', fields: [], interfaces: [], possibleTypes: [], enumValues: [] },
  ],
};
const read: ReadDefinition = { origin: 'spec.definition', format: 'graphql', reading: false, description, digest: 'd1', bytes: 40 };
const base = '/catalog/api/shop/books/definition';

describe('the API tab', () => {
  it('when a page of the same version of a definition is read again, then its HTML is rendered once; a new version renders anew', () => {
    const pages = new RenderedDefinitions();
    let renders = 0;
    const render = () => `<p>${++renders}</p>`;
    expect(definitionTab(read, { section: 'types', item: 'Book' }, base, pages, render).page?.html).toBe('<p>1</p>');
    expect(definitionTab(read, { section: 'types', item: 'Book' }, base, pages, render).page).toEqual({ title: 'Book', html: '<p>1</p>' });
    expect(definitionTab({ ...read, digest: 'd2' }, { section: 'types', item: 'Book' }, base, pages, render).page?.html).toBe('<p>2</p>');
    // Another API with the very same definition has its own links: its own page.
    expect(definitionTab(read, { section: 'types', item: 'Book' }, '/catalog/api/shop/other/definition', pages, render).page?.html).toBe(
      '<p>3</p>',
    );
  });

  it('when the path names nothing in the definition, then the tab is a 404 and nothing is kept', () => {
    const pages = new RenderedDefinitions();
    const tab = definitionTab(read, { section: 'types', item: 'Nope' }, base, pages, () => 'x');
    expect(tab).toMatchObject({ notFound: true, missing: false });
    expect(tab.page).toBeUndefined();
  });

  it('when nothing was read for the API, then the tab says so, and a sub-page is a 404', () => {
    const pages = new RenderedDefinitions();
    expect(definitionTab(undefined, {}, base, pages, () => 'x')).toMatchObject({ missing: true, notFound: false });
    expect(definitionTab(undefined, { section: 'types', item: 'Book' }, base, pages, () => 'x')).toMatchObject({
      missing: true,
      notFound: true,
    });
  });

  it('when the definition failed with many problems, then the first fifty are listed and the rest counted', () => {
    const problems = Array.from({ length: 60 }, (_, i) => ({ message: `problem ${i}`, line: i + 1 }));
    const failed: ReadDefinition = {
      origin: 'spec.definition',
      format: 'graphql',
      reading: false,
      failure: { reason: 'DefinitionInvalid', message: 'line 1: problem 0', problems },
    };
    const tab = definitionTab(failed, {}, base, new RenderedDefinitions(), () => 'x');
    expect(tab.failure?.problems.items).toHaveLength(50);
    expect(tab.failure?.problems.more).toBe(10);
  });
});
