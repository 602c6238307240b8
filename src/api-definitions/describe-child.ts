/*
 * The entry point of the process that reads one API definition (see describe-process.ts): it
 * receives one request over IPC, describes the definition, answers, and exits. Its heap is
 * capped, so a definition too big or too deep for it ends this process, not the operator.
 */
import { offerToOomKiller } from '../shared/bounded-child.ts';
import { describeDefinition } from './describe.ts';
import type { DescribeReply, DescribeRequest } from './describe-process.ts';

offerToOomKiller();

async function describe(request: DescribeRequest): Promise<DescribeReply> {
  try {
    return { ok: true, result: await describeDefinition(request.format, request.text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

process.once('message', (request: DescribeRequest) => {
  void describe(request).then((reply) => process.send!(reply, () => process.disconnect()));
});
