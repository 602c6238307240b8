#!/usr/bin/env node
import { createCliLogger } from '../observability/logger.ts';
import { CONVERT_USAGE, runConvert } from './convert.ts';
import { DEMO_USAGE, runDemo } from './demo.ts';
import { OPERATOR_USAGE, runOperator } from './operator.ts';
import { SCAFFOLD_USAGE, runScaffold } from './scaffold.ts';

const USAGE = `usage: greenroom <command> [options]

commands:
  operator   run the controllers, read API and dashboard (in a cluster or against a kubeconfig)
  demo       run the portal against a local control plane (or --context) on :8080
  convert    turn Backstage catalog-info.yaml files into Greenroom YAML
  scaffold   run a TemplateRun's steps (started by the operator, in a Job or as a child)

${OPERATOR_USAGE}

${CONVERT_USAGE}

${DEMO_USAGE}

${SCAFFOLD_USAGE}`;

/** Entry point of the `greenroom` CLI: one subcommand per file under src/cli. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'operator':
      return runOperator(rest);
    case 'demo':
      return runDemo(rest, createCliLogger(process.env.LOG_LEVEL ?? 'info', process.env));
    case 'scaffold':
      process.exitCode = await runScaffold(rest, process.env, (line) => process.stdout.write(`${line}\n`));
      return;
    case 'convert':
      process.exitCode = await runConvert(rest, { stdout: process.stdout, stderr: process.stderr });
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`greenroom: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
