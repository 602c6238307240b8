import type { Response } from 'express';
import type { AuthMode, Person } from './person.ts';

/**
 * What every page's header says about who is looking: the mode, the signed-in person (none
 * under `--auth none`, where the header says the portal is anonymous and read-only) and the
 * CSRF token its forms (sign out, start a run) carry.
 */
export interface Viewer {
  mode: AuthMode;
  person?: Person;
  csrfToken?: string;
  /** This page's own path (checked same-origin), for forms and sign-in to come back to. */
  returnTo?: string;
}

export function setViewer(res: Response, viewer: Viewer): void {
  res.locals.viewer = viewer;
}

/** The viewer for a page's context; anonymous when no authentication ran (tests of bare routers). */
export function viewerOf(res: Response): Viewer {
  return (res.locals.viewer as Viewer | undefined) ?? { mode: 'none' };
}
