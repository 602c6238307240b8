import { readFile } from 'node:fs/promises';

/**
 * kube-apiserver's audit policy for a local control plane: every write (and every other
 * verb that is not a read) at Metadata — who, as whom, what, where, with what answer, but
 * no bodies, so no Secret data lands in the log. Reads are left out: the operator and the
 * controller-manager list and watch all the time, and the portal's question is "who wrote
 * this". Lease renewals are writes that say nothing about people, so they are left out too.
 * Impersonated requests need no rule of their own: the policy is matched against the
 * caller, and the event of any recorded request names the impersonated person in
 * `impersonatedUser`.
 */
export const AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
    { level: 'None', verbs: ['get', 'list', 'watch'] },
    { level: 'Metadata' },
  ],
};

export interface AuditUser {
  username: string;
  uid?: string;
  groups?: string[];
}

/** The fields of an audit.k8s.io/v1 Event a test asserts on. */
export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; subresource?: string };
  responseStatus?: { code?: number };
}

/**
 * Parses the JSON lines of an audit log; a line cut short by a write in progress (the last
 * one) is skipped, so reading while the apiserver writes is safe.
 */
export function parseAuditLog(text: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as AuditEvent;
      if (event.auditID && event.user) events.push(event);
    } catch {
      // A partial last line; the next read sees it whole.
    }
  }
  return events;
}

/** The audit events written to `path` so far (none when the file does not exist yet). */
export async function readAuditEvents(path: string): Promise<AuditEvent[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return parseAuditLog(text);
}
