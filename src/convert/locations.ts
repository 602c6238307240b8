import { isRecord } from './model.ts';
import { isUrl } from './placeholders.ts';

/** Whether a document is a Backstage Location: not converted itself, but followed to more files. */
export function isLocation(value: unknown): boolean {
  return (
    isRecord(value) && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('backstage.io/') && value.kind === 'Location'
  );
}

/** The targets of a Location, split into local paths (followed) and URLs (reported as not followed). */
export function locationTargets(value: unknown): { paths: string[]; urls: string[] } {
  const spec = isRecord(value) && isRecord(value.spec) ? value.spec : {};
  const all = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter(
    (target): target is string => typeof target === 'string' && target.trim() !== '',
  );
  return { paths: all.filter((target) => !isUrl(target)), urls: all.filter(isUrl) };
}

/** Backstage reads file targets such as `./teams/*.yaml` as glob patterns. */
export function isGlob(target: string): boolean {
  return /[*?[{]/.test(target);
}
