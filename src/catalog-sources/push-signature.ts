import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers a push webhook may sign with, as git hosts send them (lower-case names). */
export interface PushHeaders {
  /** GitHub, Gitea and Forgejo: `sha256=` + hex HMAC-SHA256 of the body. */
  'x-hub-signature-256'?: string | undefined;
  /** Gitea: hex HMAC-SHA256 of the body, without prefix. */
  'x-gitea-signature'?: string | undefined;
  /** GitLab: the shared secret itself (GitLab does not sign bodies). */
  'x-gitlab-token'?: string | undefined;
}

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Whether a push webhook's body was sent by someone who knows the shared secret: an
 * HMAC-SHA256 signature (GitHub, Gitea, Forgejo) or GitLab's token, compared in constant time.
 * An empty secret verifies nothing.
 */
export function verifyPush(secret: string, body: Buffer, headers: PushHeaders): boolean {
  if (!secret) return false;
  const hex = createHmac('sha256', secret).update(body).digest('hex');
  const hub = headers['x-hub-signature-256'];
  if (hub !== undefined) return sameText(hub.trim().toLowerCase(), `sha256=${hex}`);
  const gitea = headers['x-gitea-signature'];
  if (gitea !== undefined) return sameText(gitea.trim().toLowerCase(), hex);
  const token = headers['x-gitlab-token'];
  if (token !== undefined) return sameText(token, secret);
  return false;
}
