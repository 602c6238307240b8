import { describe, expect, it } from '@jest/globals';
import { safeRelativePath } from '../../src/file-tree/paths.ts';
import { RenderError, renderText, renderTree } from '../../src/templates/render.ts';
import { checkValues } from '../../src/templates/values.ts';

/** The error `fn` throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('rendering a skeleton', () => {
  it('when names and contents use ${{ values.x }}, then both are rendered', () => {
    const out = renderTree(
      new Map([['src/${{ values.name }}.ts', 'export const name = "${{ values.name }}";\n{% if values.http %}// http{% endif %}']]),
      { name: 'orders', http: true },
    );
    expect([...out]).toEqual([['src/orders.ts', 'export const name = "orders";\n// http']]);
  });

  it('when a value contains template syntax, then it is written as data and never evaluated', () => {
    const out = renderTree(new Map([['README.md', '# ${{ values.title }}']]), { title: '${{ 7 * 7 }} {% raw %}' });
    expect(out.get('README.md')).toBe('# ${{ 7 * 7 }} {% raw %}');
  });

  it('when a file has a syntax error, then the error names the file and the line', () => {
    const error = thrownBy(() => renderTree(new Map([['docs/index.md', 'line one\nline two\n${{ values.name | }}\nline four']]), {}));
    expect(error).toBeInstanceOf(RenderError);
    expect(error).toMatchObject({ file: 'docs/index.md', line: 3 });
    expect(error.message).toMatch(/^docs\/index\.md:3: expected symbol/);
  });

  it('when a block is left open, then the error names the last line, where nunjucks found the end of the file', () => {
    const error = thrownBy(() => renderTree(new Map([['docs/index.md', 'line one\nline two {% if values.x %}\nno end']]), {}));
    expect(error).toMatchObject({ file: 'docs/index.md', line: 3 });
    expect(error.message).toMatch(/^docs\/index\.md:3: .*endif.*end of file/);
  });

  it('when a rendered name climbs out with ../ or is absolute, then the run fails naming it', () => {
    expect(() => renderTree(new Map([['${{ values.p }}/x', '']]), { p: '../..' })).toThrow(/leaves the output directory/);
    expect(() => renderTree(new Map([['/etc/passwd', '']]), {})).toThrow(/is absolute/);
  });

  it('when a run value used as a directory name renders a .git path (any case), then the run fails naming it and nothing is rendered', () => {
    for (const dir of ['.git', '.GIT', 'x/.Git', '.git/hooks']) {
      const error = thrownBy(() => renderTree(new Map([['${{ values.dir }}/config', '[core]\n\tfsmonitor = sh -c "id"\n']]), { dir }));
      expect(error).toBeInstanceOf(RenderError);
      expect(error.message).toMatch(/has a \.git segment/);
      expect(error.message).toContain(JSON.stringify(`${dir}/config`));
    }
    expect(safeRelativePath('docs/.github/workflows/ci.yaml')).toEqual({ path: 'docs/.github/workflows/ci.yaml' });
    expect(safeRelativePath('.gitignore')).toEqual({ path: '.gitignore' });
  });

  it('when two files render to the same path, then that is an error, not an overwrite', () => {
    expect(() =>
      renderTree(
        new Map([
          ['a/${{ values.x }}', '1'],
          ['a/b', '2'],
        ]),
        { x: 'b' },
      ),
    ).toThrow(/another file already renders to/);
  });

  it('when a single string is rendered, then values are in scope', () => {
    expect(renderText('url', 'http://git/${{ values.name }}.git', { name: 'orders' })).toBe('http://git/orders.git');
  });
});

describe('safe paths', () => {
  it.each([
    ['a/b/../c.txt', 'a/c.txt'],
    ['./x', 'x'],
  ])('when %s is normalised, then it stays inside as %s', (input, output) => {
    expect(safeRelativePath(input)).toEqual({ path: output });
  });

  it.each(['../x', 'a/../../x', '/abs', 'a\\b', 'dir/', '.', 'a\0b'])('when the path is %j, then it is refused', (input) => {
    expect(safeRelativePath(input)).toHaveProperty('error');
  });
});

describe('checking run values against the parameters', () => {
  const parameters = {
    type: 'object',
    required: ['name', 'owner'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
      owner: { type: 'string' },
      port: { type: 'integer', minimum: 1024 },
    },
  };

  it('when values satisfy the schema, then they pass', () => {
    expect(checkValues(parameters, { name: 'orders', owner: 'team-a', port: 8080 })).toEqual({ ok: true });
  });

  it('when several values are wrong, then every problem is listed with its path', () => {
    const result = checkValues(parameters, { name: 'Orders!', port: 80, colour: 'red' });
    expect(result.ok).toBe(false);
    const messages = (result as { messages: string[] }).messages.join('\n');
    expect(messages).toMatch(/values\.owner is required/);
    expect(messages).toMatch(/values\.name must match pattern/);
    expect(messages).toMatch(/values\.port must be >= 1024/);
    expect(messages).toMatch(/values\.colour is not a parameter of this template/);
  });

  it('when the parameters are not a valid JSON Schema, then the message says so', () => {
    expect(checkValues({ type: 'no-such-type' }, {})).toMatchObject({
      ok: false,
      messages: [expect.stringMatching(/not a valid JSON Schema/)],
    });
  });
});
