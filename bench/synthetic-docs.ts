/**
 * Synthetic docs sites for the docs build benchmark, generated deterministically: the same
 * pages in plain Markdown and written with techdocs-core's extensions.
 */

const WORDS = 'ledger account payment token settlement balance currency refund invoice webhook retry'.split(' ');
const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]).join(' ');

/** A page of ordinary Markdown: headings, paragraphs, a list, a table and code. */
export function plainPage(i: number): string {
  return [
    `# Page ${i}: ${words(i, 3)}`,
    ...Array.from({ length: 4 }, (_, s) =>
      [
        `## Section ${s} ${words(i + s, 2)}`,
        `${words(i + s, 60)}. See [page ${(i + 1) % 10}](page-${(i + 1) % 10}.md#section-1-${words(i + 1 + 1, 2).replace(/ /g, '-')}).`,
        `- ${words(s, 6)}\n- ${words(s + 1, 6)}\n- ${words(s + 2, 6)}`,
        `| Name | Value |\n|:-----|------:|\n| ${words(s, 1)} | ${s * 10} |\n| ${words(s + 1, 1)} | ${s * 20} |`,
        '```python\ndef handle(event):\n    return {"status": "ok", "id": event["id"]}\n```',
      ].join('\n\n'),
    ),
  ].join('\n\n');
}

/** The same page with TechDocs' extensions, and a Mermaid diagram on every tenth. */
export function techdocsPage(i: number): string {
  const extras = [
    `!!! note "About ${words(i, 2)}"\n    ${words(i, 20)}[^n${i}]\n\n    \`\`\`bash\n    payctl pay --amount ${i}\n    \`\`\``,
    `=== "Python"\n    \`#!python client.pay(${i})\`\n\n=== "Go"\n    \`#!go client.Pay(${i})\`\n\n=== "CLI"\n    payctl pay ${i}`,
    `- [x] ${words(i, 4)} :rocket:\n- [ ] ${words(i + 1, 4)} :white_check_mark:`,
    `{++${words(i, 3)}++} {--${words(i + 1, 2)}--} ==${words(i, 2)}== ^^${words(i, 1)}^^ H~2~O 2^10^ (c) --> 1/2`,
    `Term ${i}\n:   ${words(i, 12)}\n\nThe API and the PSP.\n\n*[API]: Application programming interface\n*[PSP]: Payment service provider`,
    `[Start](page-0.md){: .md-button } ${words(i, 8)}\n{: #intro-${i} }`,
    '--8<-- "includes/footer.md"',
    `[^n${i}]: ${words(i, 10)}`,
  ];
  if (i % 10 === 0)
    extras.push(
      `\`\`\`mermaid\ngraph LR\n${Array.from({ length: 8 }, (_, n) => `  N${n}[${words(i + n, 1)} ${i}] --> N${(n + 3) % 8}`).join('\n')}\n\`\`\``,
    );
  return `${plainPage(i)}\n\n${extras.join('\n\n')}\n`;
}

export function site(pages: number, page: (i: number) => string): Map<string, string> {
  const files = new Map<string, string>([
    ['mkdocs.yml', 'site_name: Bench\nplugins:\n  - techdocs-core\n'],
    ['includes/footer.md', 'Questions? Ask in #payments.'],
  ]);
  // index.md is one of the pages: the largest site is exactly at the page limit.
  for (let i = 0; i < pages - 1; i++) files.set(`docs/page-${i}.md`, page(i));
  files.set('docs/index.md', '# Bench\n');
  return files;
}
