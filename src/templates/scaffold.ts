import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fetchGitSkeleton } from '../git/fetch-git.ts';
import { redactUrl } from '../git/git-cli.ts';
import type { TemplateSpec, TemplateStep } from '../api/objects.ts';
import { safeRelativePath } from '../file-tree/paths.ts';
import { publishGit } from '../git/publish-git.ts';
import { catalogManifests, RegisterError, type CatalogManifest } from './register.ts';
import { renderText, renderTree, type RenderContext } from './render.ts';
import type { RunReport } from './report.ts';
import { allowHttpGit, credentialsFor, type RunIdentity } from './scaffold-env.ts';
import { jobNameFor } from './job-name.ts';
import { skeletonFromConfigMap, SkeletonError, writeTree, type SkeletonFiles } from '../file-tree/skeleton.ts';

/** Labels every entity a run registers, so a failed run's entities can be found and removed. */
export const RUN_UID_LABEL = 'greenroom.dev/template-run-uid';
export const RUN_ANNOTATION = 'greenroom.dev/template-run';
/**
 * Names the Job of the run that registered an entity: the scaffolder's admission policy (Helm
 * chart) lets a scaffolder delete an entity only when this is the Job of the pod its token is
 * bound to, so a Template's code cannot delete what other runs or people registered.
 */
export const SCAFFOLD_JOB_LABEL = 'greenroom.dev/scaffold-job';

export interface ScaffoldDependencies {
  run: RunIdentity;
  template: { namespace: string; name: string; spec: TemplateSpec };
  values: Record<string, unknown>;
  /** The secret parameters' values (`${{ secrets.x }}`), kept apart from `values` (see secret-parameters.ts). */
  secrets?: Record<string, string> | undefined;
  /** Scratch directory shared by every segment of the run; the rendered tree is `out/` in it. */
  workspace: string;
  /** Holds the credentials (see scaffold-env.ts). */
  env: NodeJS.ProcessEnv;
  report: RunReport;
  /** The skeleton ConfigMap's content, from the run's snapshot, when the template has one. */
  skeletonConfigMap?: { data: Record<string, string>; binaryData: Record<string, string> } | undefined;
  /** Creates the entities, all or none; returns their refs. */
  register: (manifests: CatalogManifest[]) => Promise<string[]>;
}

/** What a segment ended with: all steps done, a container step next, or a failed step. */
export type SegmentResult = 'done' | 'handed-over' | 'failed';

type StepOutput = Record<string, unknown>;
interface WorkspaceState {
  outputs: Record<string, StepOutput>;
}

const statePath = (workspace: string): string => join(workspace, 'greenroom-state.json');

async function loadState(workspace: string): Promise<WorkspaceState> {
  try {
    return JSON.parse(await readFile(statePath(workspace), 'utf8')) as WorkspaceState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outputs: {} };
    throw error;
  }
}

/**
 * Runs the built-in steps of a run from step `from` until the end or the next `run` step —
 * a container that the Job runs between two scaffolder containers, sharing the workspace.
 * A segment that starts right after a `run` step knows that step succeeded (the pod would
 * have stopped otherwise). Returns instead of throwing: a failure is reported on its step.
 */
export async function runSegment(deps: ScaffoldDependencies, from: number): Promise<SegmentResult> {
  const { report } = deps;
  const steps = deps.template.spec.steps;
  const state = await loadState(deps.workspace);
  const out = join(deps.workspace, 'out');
  await mkdir(out, { recursive: true });
  if (from > 0 && steps[from - 1]?.action === 'run') await report.finished(from - 1, 'Succeeded', 'the container exited 0');

  for (let index = from; index < steps.length; index++) {
    const step = steps[index]!;
    await report.started(index);
    if (step.action === 'run') {
      await writeFile(statePath(deps.workspace), JSON.stringify(state));
      report.line(`step ${step.name}: running ${step.run?.image} in its own container`);
      await report.flush();
      return 'handed-over';
    }
    try {
      const { output, message } = await perform(deps, step, out, contextOf(deps, state));
      state.outputs[step.name] = output;
      await report.finished(index, 'Succeeded', message);
    } catch (error) {
      await report.finished(index, 'Failed', describeFailure(error));
      return 'failed';
    }
  }
  await report.addOutputs({ links: outputLinks(deps, contextOf(deps, state)) });
  return 'done';
}

function contextOf(deps: ScaffoldDependencies, state: WorkspaceState): RenderContext {
  const steps = Object.fromEntries(Object.entries(state.outputs).map(([name, output]) => [name, { output }]));
  return { run: { name: deps.run.name, namespace: deps.run.namespace }, steps, secrets: deps.secrets ?? {} };
}

async function perform(
  deps: ScaffoldDependencies,
  step: TemplateStep,
  out: string,
  context: RenderContext,
): Promise<{ output: StepOutput; message: string }> {
  switch (step.action) {
    case 'render': {
      const { files, from } = await loadSkeleton(deps);
      const rendered = renderTree(files, deps.values, context);
      await writeTree(out, rendered);
      return { output: { files: rendered.size }, message: `rendered ${rendered.size} files from ${from}` };
    }
    case 'publish:git': {
      const settings = step.publishGit!;
      const text = (field: string, value: string | undefined): string | undefined =>
        value === undefined ? undefined : renderText(`step ${step.name} ${field}`, value, deps.values, context);
      const url = text('url', settings.url)!;
      const branch = text('branch', settings.branch) ?? 'main';
      const reviewBranch = text('reviewBranch', settings.reviewBranch);
      const commit = await publishGit({
        dir: out,
        url,
        branch,
        ...(reviewBranch ? { reviewBranch } : {}),
        ...(settings.commitMessage ? { message: text('commitMessage', settings.commitMessage)! } : {}),
        ...(settings.author ? { author: settings.author } : {}),
        credentials: credentialsFor(deps.template.spec, step.name, deps.env, deps.run.namespace),
        allowHttp: allowHttpGit(deps.env),
      });
      await deps.report.addOutputs({ commit });
      const target = reviewBranch ?? branch;
      // remoteUrl is what output links show (steps.publish.output.remoteUrl): without userinfo.
      return {
        output: { remoteUrl: redactUrl(url), commit, branch: target },
        message: `pushed ${commit.slice(0, 12)} to ${redactUrl(url)} branch ${target}`,
      };
    }
    case 'register': {
      const file = step.register?.catalogPath ?? 'catalog-info.yaml';
      const safe = safeRelativePath(file);
      if ('error' in safe) throw new RegisterError(`catalogPath: ${safe.error}`);
      let text: string;
      try {
        text = await readFile(join(out, ...safe.path.split(posix.sep)), 'utf8');
      } catch {
        throw new RegisterError(`the rendered tree has no ${safe.path} to register`);
      }
      const manifests = catalogManifests(text, safe.path, deps.run.namespace).map((m) => ({
        ...m,
        metadata: {
          ...m.metadata,
          labels: { ...m.metadata?.labels, [RUN_UID_LABEL]: deps.run.uid, [SCAFFOLD_JOB_LABEL]: jobNameFor({ metadata: deps.run }) },
          annotations: { ...m.metadata?.annotations, [RUN_ANNOTATION]: `${deps.run.namespace}/${deps.run.name}` },
        },
      }));
      const refs = await deps.register(manifests);
      await deps.report.addOutputs({ entityRefs: refs });
      return { output: { entityRefs: refs }, message: `registered ${refs.join(', ')}` };
    }
    case 'run':
      throw new Error('a run step is executed by its own container');
  }
}

async function loadSkeleton(deps: ScaffoldDependencies): Promise<{ files: SkeletonFiles; from: string }> {
  const skeleton = deps.template.spec.skeleton;
  if (skeleton.inline) return { files: new Map(Object.entries(skeleton.inline)), from: 'the inline skeleton' };
  if (skeleton.configMapRef) {
    const name = `${deps.template.namespace}/${skeleton.configMapRef.name}`;
    // The operator read it when the run started; it is in the run's snapshot.
    const configMap = deps.skeletonConfigMap;
    if (!configMap) throw new SkeletonError(`the run's snapshot holds no copy of the skeleton ConfigMap ${name}`);
    return { files: skeletonFromConfigMap(configMap.data, configMap.binaryData), from: `ConfigMap ${name}` };
  }
  const git = skeleton.git!;
  const credentials = credentialsFor(deps.template.spec, 'skeleton', deps.env, deps.run.namespace);
  const fetched = await fetchGitSkeleton({ url: git.url, ref: git.ref, path: git.path, credentials, allowHttp: allowHttpGit(deps.env) });
  return {
    files: fetched.files,
    from: `${redactUrl(git.url)} at ${git.ref ?? 'main'} (${fetched.commit.slice(0, 12)})${git.path ? ` path ${git.path}` : ''}`,
  };
}

function outputLinks(deps: ScaffoldDependencies, context: RenderContext): { title: string; url: string }[] {
  const links: { title: string; url: string }[] = [];
  for (const link of deps.template.spec.output?.links ?? []) {
    try {
      // Links are shown to everyone who can read the run: a token written into a URL value stays out.
      const title = redactUrl(renderText('output link title', link.title, deps.values, context));
      links.push({ title, url: redactUrl(renderText('output link url', link.url, deps.values, context)) });
    } catch (error) {
      deps.report.line(`output link "${link.title}" could not be rendered: ${(error as Error).message}`);
    }
  }
  return links;
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
