import { parseForgeUrl, repoPickerUrl } from './forge-urls.ts';
import { isRecord } from './model.ts';
import { gitSecretName, gitSecretNotice } from './secrets.ts';
import { rewriteValue, type ExpressionContext, type StepRename } from './template-expressions.ts';

/** Where the skeleton of the first fetch:template step is. */
export type SkeletonTarget = { local: string } | { git: { url: string; ref: string; path?: string } };

/** Backstage's steps as Greenroom's, with what did not map. */
export interface ConvertedSteps {
  steps: Record<string, unknown>[];
  skeleton?: SkeletonTarget;
  /** The catalog file the register step reads (to check the skeleton's copy of it). */
  catalogPath?: string;
  /** Constant fetch:template values, kept as parameter defaults so `${{ values.x }}` still has them. */
  defaults: Record<string, unknown>;
  /** Expression context for the rest of the template (output links). */
  context: ExpressionContext;
  skipped: string[];
  warnings: string[];
}

const RENDER = 'fetch:template';
const REGISTER = 'catalog:register';
const isPublish = (action: string) => action.startsWith('publish:');
const isReview = (action: string) => /:(pull-request|merge-request)$/.test(action);

/** What each kind of step is called and which of its Backstage outputs Greenroom has. */
function renameFor(action: string, name: string): StepRename {
  if (isPublish(action)) return { name, outputs: { remoteUrl: 'remoteUrl', commitHash: 'commit' } };
  if (action === REGISTER) return { name, outputs: { entityRef: 'entityRefs[0]' } };
  return { name, outputs: {} };
}

/** A DNS label from a step id (`fetchBase` → `fetch-base`), unique among the steps. */
function stepName(id: string, fallback: string, taken: Set<string>): string {
  const base =
    id
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 58)
      .replace(/^-+|-+$/g, '') || fallback;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** Whether a step maps; the first fetch:template only (a Greenroom Template renders one skeleton). */
function kept(action: string, renderSeen: boolean): boolean {
  return (action === RENDER && !renderSeen) || isPublish(action) || action === REGISTER;
}

/**
 * Converts `spec.steps`: the first fetch:template becomes the render step (its `url` the
 * skeleton), publish:* publish:git, catalog:register register. Every other step is reported
 * with its id and action; so are a step's `if`/`each`, inputs with no Greenroom field, and
 * expressions that cannot be rewritten.
 */
export function convertSteps(raw: unknown): ConvertedSteps {
  const list = (Array.isArray(raw) ? raw : []).filter(isRecord);
  const out: ConvertedSteps = { steps: [], defaults: {}, context: { steps: new Map() }, skipped: [], warnings: [] };
  const taken = new Set<string>();
  const plan: { step: Record<string, unknown>; id: string; action: string; name: string }[] = [];
  let renderSeen = false;
  for (const [index, step] of list.entries()) {
    const action = String(step.action ?? '');
    const id = typeof step.id === 'string' ? step.id : `steps[${index}]`;
    if (!kept(action, renderSeen)) {
      const why =
        action === RENDER ? 'a Greenroom Template renders one skeleton' : 'no Greenroom counterpart (render, publish:git, register, run)';
      out.skipped.push(`step ${id} (${action}): ${why}`);
      continue;
    }
    if (action === RENDER) renderSeen = true;
    const fallback = action === RENDER ? 'render' : action === REGISTER ? 'register' : 'publish';
    const name = stepName(typeof step.id === 'string' ? step.id : '', fallback, taken);
    plan.push({ step, id, action, name });
    if (typeof step.id === 'string') (out.context.steps as Map<string, StepRename>).set(step.id, renameFor(action, name));
  }
  for (const { step, id, action, name } of plan) {
    const problems: string[] = [];
    for (const key of ['if', 'each'].filter((k) => k in step))
      out.skipped.push(`step ${id} (${action}): ${key}: ${JSON.stringify(step[key])} is not supported; the step always runs once`);
    const input = rewriteValue(isRecord(step.input) ? step.input : {}, out.context, problems) as Record<string, unknown>;
    const converted =
      action === RENDER ? render(input, id, out) : action === REGISTER ? register(input, id, out) : publish(input, id, action, out);
    if (converted) out.steps.push({ name, ...converted });
    out.skipped.push(...problems.map((p) => `step ${id} (${action}): ${p}`));
  }
  return out;
}

/** Inputs of a step no Greenroom field takes, reported in one line. */
function unmapped(input: Record<string, unknown>, mapped: string[], id: string, action: string, out: ConvertedSteps): void {
  const rest = Object.keys(input).filter((key) => !mapped.includes(key));
  if (rest.length > 0) out.skipped.push(`step ${id} (${action}): inputs not mapped (no such field in Greenroom): ${rest.join(', ')}`);
}

function render(input: Record<string, unknown>, id: string, out: ConvertedSteps): Record<string, unknown> {
  const url = typeof input.url === 'string' ? input.url : '';
  const forge = parseForgeUrl(url);
  if (forge) out.skeleton = { git: { url: forge.repository, ref: forge.ref, ...(forge.path ? { path: forge.path } : {}) } };
  else if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url)) out.skeleton = { local: url };
  else out.skipped.push(`step ${id} (${RENDER}): url ${JSON.stringify(url)} is neither a relative directory nor a git forge URL`);
  if (typeof input.targetPath === 'string' && !['.', './', ''].includes(input.targetPath))
    out.skipped.push(`step ${id} (${RENDER}): targetPath ${input.targetPath}: Greenroom renders the skeleton at the repository's root`);
  for (const [key, value] of Object.entries(isRecord(input.values) ? input.values : {})) {
    if (typeof value === 'string' && value.replace(/\s+/g, '') === `\${{values.${key}}}`) continue;
    if (typeof value !== 'string' || !value.includes('${{')) {
      out.defaults[key] = value;
      out.warnings.push(`step ${id} (${RENDER}): values.${key} is a constant; it became parameter ${key} with that default`);
    } else
      out.skipped.push(
        `step ${id} (${RENDER}): values.${key} = ${value}: Greenroom renders the skeleton with the run's values, so \${{ values.${key} }} in it is not this; rename the parameter or change the skeleton`,
      );
  }
  unmapped(input, ['url', 'targetPath', 'values'], id, RENDER, out);
  return { action: 'render' };
}

function register(input: Record<string, unknown>, id: string, out: ConvertedSteps): Record<string, unknown> {
  const path = typeof input.catalogInfoPath === 'string' ? input.catalogInfoPath.replace(/^\/+/, '') : 'catalog-info.yaml';
  out.catalogPath = path;
  // repoContentsUrl says where Backstage reads the new repository from; Greenroom reads the rendered tree instead.
  unmapped(input, ['catalogInfoPath', 'repoContentsUrl'], id, REGISTER, out);
  return { action: 'register', register: { catalogPath: path } };
}

function publish(input: Record<string, unknown>, id: string, action: string, out: ConvertedSteps): Record<string, unknown> | undefined {
  const repoUrl = typeof input.repoUrl === 'string' ? input.repoUrl : undefined;
  if (!repoUrl) {
    out.skipped.push(`step ${id} (${action}): no repoUrl, so there is nothing to push to`);
    return undefined;
  }
  const url = repoPickerUrl(repoUrl) ?? repoUrl;
  const host = /^https?:\/\/([^/$]+)\//.exec(url)?.[1];
  const secret = host ? gitSecretName(host) : 'greenroom-git';
  out.warnings.push(gitSecretNotice(secret, host ?? 'the host of the repository URL', 'a token that may push to the repository'));
  const review = isReview(action);
  const branch = review ? input.targetBranchName : input.defaultBranch;
  const message = review ? input.commitMessage : input.gitCommitMessage;
  const [authorName, authorEmail] = [input.gitAuthorName, input.gitAuthorEmail];
  if ((authorName === undefined) !== (authorEmail === undefined))
    out.skipped.push(
      `step ${id} (${action}): Greenroom needs both gitAuthorName and gitAuthorEmail for an author; the default author is used`,
    );
  out.warnings.push(
    `step ${id} (${action}): publish:git pushes to ${url}; it does not call the forge's API, so the repository must exist (or be created on push)`,
  );
  const mapped = ['repoUrl', 'allowedHosts', review ? 'targetBranchName' : 'defaultBranch', review ? 'commitMessage' : 'gitCommitMessage'];
  unmapped(input, [...mapped, 'gitAuthorName', 'gitAuthorEmail', ...(review ? ['branchName'] : [])], id, action, out);
  return {
    action: 'publish:git',
    publishGit: {
      url,
      ...(typeof branch === 'string' ? { branch } : {}),
      ...(review && typeof input.branchName === 'string' ? { reviewBranch: input.branchName } : {}),
      ...(typeof message === 'string' ? { commitMessage: message } : {}),
      ...(typeof authorName === 'string' && typeof authorEmail === 'string' ? { author: { name: authorName, email: authorEmail } } : {}),
      secretRef: { name: secret },
    },
  };
}
