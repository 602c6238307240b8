/*
 * The entry point of a docs build's child process (see build-process.ts): it receives one
 * build request over IPC, builds and encodes the site, answers, and exits. Run as its own
 * process with a capped heap, so that docs too big for it kill this process, not the operator.
 */
import { buildSite } from './build.ts';
import { LimitExceededError } from './limits.ts';
import { encodeSite } from './store.ts';
import { offerToOomKiller } from '../shared/bounded-child.ts';
import type { BuildReply, BuildRequest } from './build-process.ts';

offerToOomKiller();

const asFile = (content: string | Uint8Array): string | Buffer =>
  typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);

async function build(request: BuildRequest): Promise<BuildReply> {
  try {
    const files = new Map(request.files.map(([path, content]) => [path, asFile(content)]));
    const site = buildSite(files, { ...request.options, limits: request.limits });
    const chunks = await encodeSite(site, request.maxChunkBytes, request.limits.maxSiteBytes);
    return { ok: true, chunks, siteName: site.siteName, pageCount: site.pages.length, warnings: site.warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return error instanceof LimitExceededError ? { ok: false, message, limit: error.limit } : { ok: false, message };
  }
}

process.once('message', (request: BuildRequest) => {
  void build(request).then((reply) => process.send!(reply, () => process.disconnect()));
});
