import { z } from 'zod';
import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { flagUsage, parseFlags } from '../shared/flag-table.ts';
import { loadKubeConfig } from '../kube/config.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { mergeStatus } from '../kube/status-writer.ts';
import { redactor } from '../git/git-cli.ts';
import type { TemplateRunObject } from '../api/objects.ts';
import { registerEntities } from '../templates/register.ts';
import { RunReport } from '../templates/report.ts';
import { runSegment } from '../templates/scaffold.ts';
import { readSnapshot } from '../templates/snapshot.ts';
import { checkValues, valuesWithDefaults } from '../templates/values.ts';
import { runFromEnv, secretValues } from '../templates/scaffold-env.ts';
import { redactable, secretsFromEnv } from '../templates/secret-parameters.ts';

const NOT_A_STEP = 'must be a step index';
const stepIndex = z.coerce.number(NOT_A_STEP).int(NOT_A_STEP).min(0, NOT_A_STEP);

/** The scaffolder's flags, one entry each (see flag-table.ts); the operator passes them. */
export const scaffoldFlags = z.object({
  workspace: z.string('is required').min(1, 'is required').describe('directory the steps work in').meta({ placeholder: 'DIR' }),
  snapshot: z.string('is required').min(1, 'is required').describe("file holding the run's snapshot").meta({ placeholder: 'FILE' }),
  from: stepIndex.default(0).describe('index of the first step to run').meta({ placeholder: 'STEP' }),
  kubeconfig: z.string().optional().describe('kubeconfig file; in-cluster or $KUBECONFIG when absent').meta({ placeholder: 'PATH' }),
});

/** `greenroom scaffold --help`. */
export const SCAFFOLD_USAGE = `greenroom scaffold --workspace DIR --snapshot FILE [flags]

${flagUsage(scaffoldFlags)}

Runs a TemplateRun's built-in steps from step index STEP (default 0) until the end or the
next container step, reporting each step on the run's status. The operator starts it — in a
scaffolding Job's containers or as its own child process — with the run named in
GREENROOM_RUN_* variables, credentials in GREENROOM_*_USERNAME/PASSWORD, secret parameters
in GREENROOM_SECRET_PARAMETER_<n>, and FILE holding
the run's snapshot: the Template generation, skeleton and values the operator checked.
Exit status: 0 when the steps succeeded or a container step is next, 1 when a step failed.`;

/** Field manager of what the scaffolder writes on a run's status. */
export const SCAFFOLDER_FIELD_MANAGER = 'greenroom-scaffolder';

export async function runScaffold(argv: string[], env: NodeJS.ProcessEnv, echo: (line: string) => void): Promise<number> {
  const { workspace, snapshot, from, kubeconfig } = parseFlags(scaffoldFlags, argv, {});
  // In-process runs die with the operator: the operator holds our stdin open while it lives.
  const tethered = env.GREENROOM_EXIT_WITH_STDIN === '1';
  // The operator starts in-process scaffolders as process-group leaders: ending the group
  // also ends the git a step is running.
  if (tethered) process.stdin.on('end', () => process.kill(-process.pid, 'SIGTERM')).resume();
  try {
    return await scaffold({ workspace, snapshot, from, kubeconfig }, env, echo);
  } finally {
    // The open stdin would keep this process alive after its work is done.
    if (tethered) process.stdin.destroy();
  }
}

interface ScaffoldArgs {
  workspace: string;
  snapshot: string;
  from: number;
  kubeconfig: string | undefined;
}

async function scaffold(args: ScaffoldArgs, env: NodeJS.ProcessEnv, echo: (line: string) => void): Promise<number> {
  const identity = runFromEnv(env);
  const snapshot = await readSnapshot(args.snapshot, identity);
  const client = new RawKubeClient(loadKubeConfig({ kubeconfig: args.kubeconfig }));
  const run = await client.request<TemplateRunObject>({
    method: 'GET',
    path: objectPath(RESOURCES.templateRuns, identity.namespace, identity.name),
  });
  if (run.metadata.uid !== identity.uid)
    throw new Error(
      `TemplateRun ${identity.namespace}/${identity.name} was replaced (uid ${run.metadata.uid}, expected ${identity.uid}); nothing was run`,
    );
  const { spec } = snapshot.template;
  const secrets = secretsFromEnv(spec.parameters, env);
  const redact = redactor([...secretValues(spec, env), ...redactable(secrets)]);
  const report = new RunReport({
    stepNames: spec.steps.map((s) => s.name),
    previous: run.status,
    redact,
    echo,
    write: async (status) => {
      if (
        (await mergeStatus(client, RESOURCES.templateRuns, identity.namespace, identity.name, status, {
          fieldManager: SCAFFOLDER_FIELD_MANAGER,
        })) === 'gone'
      ) {
        echo('the TemplateRun was deleted; stopping');
        process.exit(143);
      }
    },
  });
  // The operator checked these values against this schema; checked again here, so that what
  // renders is never values nobody validated, however the snapshot came to be.
  // Secret parameters are checked here too: an operator that may not read the run's Secret could not.
  const check = checkValues(spec.parameters, { ...snapshot.values, ...secrets });
  if (!check.ok) {
    await report.finished(
      args.from,
      'Failed',
      `the values in the run's snapshot do not fit the parameters of Template ${snapshot.template.namespace}/${snapshot.template.name} generation ${snapshot.template.generation}: ${check.messages.join('; ')}`,
    );
    return 1;
  }
  const result = await runSegment(
    {
      run: identity,
      template: { namespace: snapshot.template.namespace, name: snapshot.template.name, spec },
      skeletonConfigMap: snapshot.skeleton,
      values: valuesWithDefaults(spec.parameters, snapshot.values),
      secrets,
      workspace: args.workspace,
      env,
      report,
      register: (manifests) => registerEntities(client, manifests),
    },
    args.from,
  );
  return result === 'failed' ? 1 : 0;
}
