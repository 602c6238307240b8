import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { verifyPush } from '../../src/catalog-sources/push-signature.ts';

const secret = 'push-s3cret';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const hex = createHmac('sha256', secret).update(body).digest('hex');

describe('a push webhook signature', () => {
  it("when GitHub's or Gitea's HMAC of the body with the shared secret comes, then the push is verified", () => {
    expect(verifyPush(secret, body, { 'x-hub-signature-256': `sha256=${hex}` })).toBe(true);
    expect(verifyPush(secret, body, { 'x-gitea-signature': hex })).toBe(true);
    expect(verifyPush(secret, body, { 'x-gitlab-token': secret })).toBe(true);
  });

  it('when the body, the secret or the signature differs, or none is sent, then it is not', () => {
    expect(verifyPush(secret, Buffer.from('{"ref":"refs/heads/evil"}'), { 'x-hub-signature-256': `sha256=${hex}` })).toBe(false);
    expect(verifyPush('other', body, { 'x-hub-signature-256': `sha256=${hex}` })).toBe(false);
    expect(verifyPush(secret, body, { 'x-hub-signature-256': `sha1=${hex}` })).toBe(false);
    expect(verifyPush(secret, body, { 'x-gitlab-token': 'guess' })).toBe(false);
    expect(verifyPush(secret, body, {})).toBe(false);
  });

  it('when the shared secret is empty, then nothing verifies, not even an empty signature', () => {
    const emptyHex = createHmac('sha256', '').update(body).digest('hex');
    expect(verifyPush('', body, { 'x-hub-signature-256': `sha256=${emptyHex}` })).toBe(false);
    expect(verifyPush('', body, { 'x-gitlab-token': '' })).toBe(false);
  });
});
