import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Environment } from 'nunjucks';
import { z } from 'zod';
import type { Logger } from '../observability/logger.ts';
import { viewerOf } from './auth/viewer.ts';

/**
 * A request the server refuses on purpose (a bad parameter, an unknown Host, too many
 * requests): its status and the problems a person can act on. Thrown or passed to `next`,
 * it reaches {@link problemHandler}, which answers it as JSON or as a page.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly problems: readonly string[];
  constructor(status: number, problems: readonly string[]) {
    super(problems.join('; '));
    this.status = status;
    this.problems = problems;
  }
}

/** The problems of a failed parse, each naming the field: `page must be a whole number ≥ 1`. */
export function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`);
}

/** Parses a query with `schema`, throwing a 400 {@link HttpProblem} that names each bad field. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new HttpProblem(400, zodProblems(parsed.error));
  return parsed.data;
}

/** Limits on any query string, whatever the route: each route's schema then checks its own fields. */
export interface QueryLimits {
  /** Most parameters in one query (a template form has one per field). */
  maxParameters: number;
  /** Longest name or value, in characters. */
  maxLength: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxParameters: 64, maxLength: 1024 };

/**
 * What is wrong with a parsed query string, for every route: a parameter given twice
 * (`?kind=a&kind=b` arrives as an array, which no route expects), nested, too long, or too many.
 */
export function queryProblems(query: Readonly<Record<string, unknown>>, limits: QueryLimits = DEFAULT_QUERY_LIMITS): string[] {
  const entries = Object.entries(query);
  if (entries.length > limits.maxParameters) return [`query has ${entries.length} parameters; at most ${limits.maxParameters} are allowed`];
  const problems: string[] = [];
  for (const [name, value] of entries) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    if (name.length > limits.maxLength) problems.push(`${shown} is longer than ${limits.maxLength} characters`);
    else if (Array.isArray(value)) problems.push(`${shown} must be given once`);
    else if (typeof value !== 'string') problems.push(`${shown} must be a plain value`);
    else if (value.length > limits.maxLength) problems.push(`${shown} is longer than ${limits.maxLength} characters`);
  }
  return problems;
}

/** Refuses, with 400, a query string that no route could want (see {@link queryProblems}). */
export function queryGuard(limits: QueryLimits = DEFAULT_QUERY_LIMITS): RequestHandler {
  return (req, _res, next) => {
    const problems = queryProblems(req.query as Record<string, unknown>, limits);
    next(problems.length > 0 ? new HttpProblem(400, problems) : undefined);
  };
}

/** The read API answers JSON; everything else is the dashboard, which answers pages. */
const wantsJson = (req: Request): boolean => req.originalUrl.startsWith('/api/');

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Not found',
  421: 'Wrong host',
  429: 'Too many requests',
  503: 'Busy',
};

/** Sends a problem as JSON (`{ error, problems }`) for the API, as a page for the dashboard. */
function sendProblem(req: Request, res: Response, views: Environment, status: number, problems: readonly string[]): void {
  const message = problems.join('; ');
  res.status(status);
  if (wantsJson(req)) return void res.json({ error: message, problems });
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
  try {
    res.type('html').send(views.render('error.njk', { viewer: viewerOf(res), page: '', title, problems }));
  } catch {
    // The page itself failed to render: plain text still tells the reader what happened.
    res.type('text/plain').send(`${title}: ${message}`);
  }
}

/** An error's own HTTP status when it is a client's fault (express marks bad URL encoding 400). */
function clientStatus(error: unknown): number | undefined {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The one final error handler: a refused request gets its status and problems; anything else
 * is logged with the request and answered 500 with a plain page — never a stack trace, in any
 * mode (express's own handler prints one unless NODE_ENV is production).
 */
export function problemHandler({ logger, views }: { logger: Logger; views: Environment }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const request = { method: req.method, path: req.path };
    if (res.headersSent) {
      logger.error({ err: error, ...request }, 'request failed after its response started');
      return void res.destroy();
    }
    if (error instanceof HttpProblem) return sendProblem(req, res, views, error.status, error.problems);
    if (error instanceof z.ZodError) return sendProblem(req, res, views, 400, zodProblems(error));
    const status = clientStatus(error);
    if (status !== undefined) {
      logger.debug({ err: error, ...request }, 'bad request');
      return sendProblem(req, res, views, status, [status === 404 ? `there is no file ${req.path}` : 'the request could not be read']);
    }
    logger.error({ err: error, ...request }, 'request failed');
    sendProblem(req, res, views, 500, ['the server failed to answer; the error is in its log']);
  };
}
