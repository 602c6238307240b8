/**
 * What one person may see, decided once per request before anything is rendered: per
 * resource, every namespace (a cluster-wide grant) or a set of them. Pure; the
 * SubjectAccessReviews that fill it are in reviews.ts and visible-namespaces.ts.
 */

/** Every namespace, or these. */
export type Grant = 'all' | ReadonlySet<string>;

export class Visibility {
  private readonly grants: ReadonlyMap<string, Grant>;
  /** True when nothing is hidden: no person (`--auth none`), or cluster-wide grants on every resource asked about. */
  readonly everything: boolean;

  constructor(grants: ReadonlyMap<string, Grant>, everything = false) {
    this.grants = grants;
    this.everything = everything;
  }

  /** Whether the person may list `resource` (a greenroom.dev plural) in `namespace`. */
  sees(resource: string, namespace: string): boolean {
    if (this.everything) return true;
    const grant = this.grants.get(resource);
    return grant === 'all' || (grant !== undefined && grant.has(namespace));
  }

  /** The grant for a resource, for callers that filter many objects of it. */
  grantOf(resource: string): Grant | undefined {
    return this.everything ? 'all' : this.grants.get(resource);
  }

  private signatureText: string | undefined;

  /**
   * The grants as one string: two people with the same grants (say, two members of one team)
   * see the same things, so what is derived from a Visibility can be shared under it.
   */
  get signature(): string {
    this.signatureText ??= this.everything
      ? '*'
      : JSON.stringify([...this.grants].map(([r, g]) => [r, g === 'all' ? '*' : [...g].sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
    return this.signatureText;
  }
}

/** Sees everything: what a request without a person gets under `--auth none`. */
export const SEES_EVERYTHING = new Visibility(new Map(), true);

/** Sees nothing: a person when the access layer is missing or every review failed (fail closed). */
export const SEES_NOTHING = new Visibility(new Map());

/** Grants that cover every resource present cluster-wide make a Visibility that hides nothing, so views skip filtering. */
export function visibilityFrom(grants: ReadonlyMap<string, Grant>, asked: Iterable<string>): Visibility {
  let everything = true;
  for (const resource of asked) if (grants.get(resource) !== 'all') everything = false;
  return new Visibility(grants, everything);
}
