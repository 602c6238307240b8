import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RunningDemo {
  demo: ChildProcess;
  /** The dashboard's URL, as the demo logged it. */
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/** Starts `greenroom demo` with `args` on the test binaries and waits until it logs its URL. */
export async function startDemo(args: string[]): Promise<RunningDemo> {
  const kubectlPath = process.env.GREENROOM_TEST_BIN_KUBECTL!;
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const demo = spawn(process.execPath, [main, 'demo', ...args], {
    env: { ...process.env, KUBECONFIG: '', GREENROOM_BIN_DIR: kubectlPath.slice(0, kubectlPath.lastIndexOf('/')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    demo.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/localhost:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    demo.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  return { demo, url, output: () => output };
}
