import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Objects as one multi-document stream for `kubectl apply -f -`. */
export const yaml = (...docs: object[]): string => docs.map((d) => JSON.stringify(d)).join('\n---\n');

/** Runs the harness's kubectl against the test control plane; stdin is fed from `input`. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const binary = process.env.GREENROOM_TEST_BIN_KUBECTL;
  if (!binary) throw new Error('GREENROOM_TEST_BIN_KUBECTL is not set: run through the integration project');
  const child = run(binary, args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    return (await child).stdout;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    // Some answers come on stdout with a failing exit status (`kubectl auth can-i` says "no").
    throw new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || String(error)}`);
  }
}

export async function helm(args: string[]): Promise<string> {
  const binary = process.env.GREENROOM_TEST_BIN_HELM;
  if (!binary) throw new Error('GREENROOM_TEST_BIN_HELM is not set: run through the integration project');
  try {
    return (await run(binary, args, { env: process.env, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || String(error)}`);
  }
}
