import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { templateSpec } from '../api/v1alpha1/template.ts';
import { snapshotName } from './job-name.ts';
import type { TemplateObject, TemplateRunObject } from '../api/objects.ts';
import type { RunIdentity } from './scaffold-env.ts';

/** Where a Job's scaffolder containers find the snapshot: its ConfigMap, mounted read-only. */
export const SNAPSHOT_DIR = '/etc/greenroom/run';
export const SNAPSHOT_KEY = 'snapshot.json';
/** The apiserver refuses a ConfigMap whose data and binaryData hold more than 1 MiB. */
const CONFIGMAP_LIMIT = 1024 * 1024;

const snapshotSchema = z.object({
  run: z.object({ namespace: z.string(), name: z.string(), uid: z.string() }),
  template: z.object({ namespace: z.string(), name: z.string(), uid: z.string(), generation: z.number().int(), spec: templateSpec }),
  /** The Template's skeleton ConfigMap as it was when the run started. */
  skeleton: z
    .object({ configMap: z.string(), data: z.record(z.string(), z.string()), binaryData: z.record(z.string(), z.string()) })
    .optional(),
  /** The run's values exactly as the operator checked them (defaults are applied when rendering). */
  values: z.record(z.string(), z.unknown()),
  /** The Secret holding the run's secret parameters: its name only, never its values. */
  secretValuesRef: z.object({ name: z.string() }).optional(),
});

/**
 * Everything a scaffolder runs from, taken by the operator when it starts a run: the very
 * Template generation (and skeleton ConfigMap) it checked the values against, and those
 * values. The scaffolder reads nothing else about the template, so what runs is exactly
 * what was validated, and it needs no right to read Templates or ConfigMaps — nor to read
 * them in the Template's namespace, which is often a platform team's rather than the run's.
 */
export type RunSnapshot = z.infer<typeof snapshotSchema>;

type ConfigMapContent = { data?: Record<string, string> | undefined; binaryData?: Record<string, string> | undefined };

export function takeSnapshot(run: TemplateRunObject, template: TemplateObject, skeleton?: ConfigMapContent): RunSnapshot {
  const { configMapRef } = template.spec.skeleton;
  return {
    run: { namespace: run.metadata.namespace, name: run.metadata.name, uid: run.metadata.uid },
    template: {
      namespace: template.metadata.namespace,
      name: template.metadata.name,
      uid: template.metadata.uid,
      generation: template.metadata.generation ?? 1,
      spec: template.spec,
    },
    ...(configMapRef && skeleton
      ? { skeleton: { configMap: configMapRef.name, data: skeleton.data ?? {}, binaryData: skeleton.binaryData ?? {} } }
      : {}),
    values: run.spec.values ?? {},
    ...(run.spec.secretValuesRef ? { secretValuesRef: { name: run.spec.secretValuesRef.name } } : {}),
  };
}

/**
 * The ConfigMap a Job mounts its snapshot from: in the run's namespace, owned by the run (so
 * it goes with it), immutable. Or why it cannot be one: ConfigMaps hold at most 1 MiB.
 */
export function snapshotConfigMap(run: TemplateRunObject, snapshot: RunSnapshot): { configMap: object } | { failed: string } {
  const text = JSON.stringify(snapshot);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > CONFIGMAP_LIMIT) {
    const skeleton = snapshot.skeleton ? ` (its skeleton ConfigMap ${snapshot.skeleton.configMap} included)` : '';
    return {
      failed: `the Template ${snapshot.template.namespace}/${snapshot.template.name}${skeleton} and the values take ${Math.ceil(size / 1024)} KiB, more than the 1024 KiB a ConfigMap holds, so the scaffolding Job cannot be given them; keep a large skeleton in git (spec.skeleton.git)`,
    };
  }
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: snapshotName(run),
        namespace: run.metadata.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'greenroom', 'app.kubernetes.io/component': 'scaffolder' },
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: 'TemplateRun',
            name: run.metadata.name,
            uid: run.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      immutable: true,
      data: { [SNAPSHOT_KEY]: text },
    },
  };
}

/** Reads the snapshot a scaffolder was given, failing with what is wrong with it. */
export async function readSnapshot(path: string, run: RunIdentity): Promise<RunSnapshot> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`the run's snapshot ${path} could not be read: ${(error as Error).message}`);
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `the run's snapshot ${path} is not one the operator wrote: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  if (parsed.data.run.uid !== run.uid)
    throw new Error(`the snapshot ${path} was taken for run uid ${parsed.data.run.uid}, not this run (${run.uid}); nothing was run`);
  return parsed.data;
}
