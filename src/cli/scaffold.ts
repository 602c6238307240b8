import { parseArgs } from 'node:util';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { loadKubeConfig } from '../kube/config.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { mergeStatus } from '../kube/status-writer.ts';
import { redactUrl } from '../templates/git-cli.ts';
import type { TemplateObject, TemplateRunObject } from '../templates/objects.ts';
import { registerEntities } from '../templates/register.ts';
import { RunReport } from '../templates/report.ts';
import { runSegment } from '../templates/scaffold.ts';
import { valuesWithDefaults } from '../templates/values.ts';
import { runFromEnv, secretValues } from '../templates/scaffold-env.ts';

export const SCAFFOLD_USAGE = `greenroom scaffold --workspace DIR [--from STEP] [--kubeconfig PATH]

Runs a TemplateRun's built-in steps from step index STEP (default 0) until the end or the
next container step, reporting each step on the run's status. The operator starts it — in a
scaffolding Job's containers or as its own child process — with the run named in
GREENROOM_RUN_* variables and credentials in GREENROOM_*_USERNAME/PASSWORD.
Exit status: 0 when the steps succeeded or a container step is next, 1 when a step failed.`;

/** Field manager of what the scaffolder writes on a run's status. */
export const SCAFFOLDER_FIELD_MANAGER = 'greenroom-scaffolder';

export async function runScaffold(argv: string[], env: NodeJS.ProcessEnv, echo: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { workspace: { type: 'string' }, from: { type: 'string', default: '0' }, kubeconfig: { type: 'string' } } });
  if (!values.workspace) throw new Error(`--workspace is required\n\n${SCAFFOLD_USAGE}`);
  const from = Number(values.from);
  if (!Number.isInteger(from) || from < 0) throw new Error(`--from must be a step index, got "${values.from}"`);
  // In-process runs die with the operator: the operator holds our stdin open while it lives.
  const tethered = env.GREENROOM_EXIT_WITH_STDIN === '1';
  // The operator starts in-process scaffolders as process-group leaders: ending the group
  // also ends the git a step is running.
  if (tethered) process.stdin.on('end', () => process.kill(-process.pid, 'SIGTERM')).resume();
  try {
    return await scaffold(values.workspace, from, values.kubeconfig, env, echo);
  } finally {
    // The open stdin would keep this process alive after its work is done.
    if (tethered) process.stdin.destroy();
  }
}

async function scaffold(workspace: string, from: number, kubeconfig: string | undefined, env: NodeJS.ProcessEnv, echo: (line: string) => void): Promise<number> {

  const identity = runFromEnv(env);
  const client = new RawKubeClient(loadKubeConfig({ kubeconfig }));
  const get = <T>(namespace: string, plural: string, name: string): Promise<T> =>
    client.request<T>({ method: 'GET', path: `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}` });

  const run = await get<TemplateRunObject>(identity.namespace, 'templateruns', identity.name);
  if (run.metadata.uid !== identity.uid) throw new Error(`TemplateRun ${identity.namespace}/${identity.name} was replaced (uid ${run.metadata.uid}, expected ${identity.uid}); nothing was run`);
  const templateNamespace = run.spec.templateRef.namespace ?? identity.namespace;
  const template = await get<TemplateObject>(templateNamespace, 'templates', run.spec.templateRef.name);
  const secrets = secretValues(template.spec, env);
  const redact = (text: string): string => redactUrl(secrets.reduce((t, s) => t.split(s).join('***'), text));
  const report = new RunReport({
    stepNames: template.spec.steps.map((s) => s.name),
    previous: run.status,
    redact,
    echo,
    write: async (status) => {
      if ((await mergeStatus(client, 'templateruns', identity.namespace, identity.name, status, SCAFFOLDER_FIELD_MANAGER)) === 'gone') {
        echo('the TemplateRun was deleted; stopping');
        process.exit(143);
      }
    },
  });
  // The operator validated the values against one generation of the Template; a changed
  // Template could need other values, so it is not run in its place.
  if (template.metadata.uid !== identity.templateUid || template.metadata.generation !== identity.templateGeneration) {
    report.line(`Template ${templateNamespace}/${template.metadata.name} changed after the run started (generation ${identity.templateGeneration} → ${template.metadata.generation}); create a new TemplateRun`);
    await report.finished(from, 'Failed', 'the Template changed after the run started; create a new TemplateRun');
    return 1;
  }
  const result = await runSegment(
    {
      run: identity,
      template: { namespace: templateNamespace, name: template.metadata.name, spec: template.spec },
      values: valuesWithDefaults(template.spec.parameters, run.spec.values),
      workspace,
      env,
      report,
      readConfigMap: async (namespace, name) => {
        try {
          return await client.request({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}` });
        } catch (error) {
          throw new Error(error instanceof KubeApiError ? (error.code === 404 ? 'not found' : `${error.code} ${error.message}`) : String(error));
        }
      },
      register: (manifests) => registerEntities(client, manifests),
    },
    from,
  );
  return result === 'failed' ? 1 : 0;
}
