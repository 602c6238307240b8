import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CRD_DIRECTORIES, GENERATED_HEADER, renderCrds } from '../../src/api/render-crds.ts';

describe('the generated CRDs', () => {
  const generated = renderCrds();

  it.each(CRD_DIRECTORIES)(
    'when regenerated from the zod schemas, then they equal what is committed in %s/ (run npm run gen:crds)',
    (relative) => {
      const crdDir = fileURLToPath(new URL(`../../${relative}/`, import.meta.url));
      const committed = readdirSync(crdDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort();
      expect(committed).toEqual([...generated.keys()].sort());
      for (const [file, text] of generated) {
        expect(`${file}:\n${readFileSync(crdDir + file, 'utf8')}`).toBe(`${file}:\n${text}`);
      }
    },
  );

  it('when opened, then the first line says they are generated', () => {
    for (const text of generated.values()) expect(text.startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('when listed, then catalog kinds are in the catalog category, all in greenroom, each with a status subresource', () => {
    const catalogKinds = ['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User'];
    for (const text of generated.values()) {
      const crd = parse(text) as {
        spec: { names: { kind: string; categories: string[]; shortNames: string[] }; versions: { subresources: object }[] };
      };
      expect(crd.spec.names.categories).toEqual(catalogKinds.includes(crd.spec.names.kind) ? ['catalog', 'greenroom'] : ['greenroom']);
      expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
      expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
    }
  });

  it('when a schema is rendered, then it has no keys the apiserver rejects in a structural schema', () => {
    for (const text of generated.values()) {
      expect(text).not.toMatch(/\$schema|\$ref|additionalProperties: false|9007199254740991/);
    }
  });
});
