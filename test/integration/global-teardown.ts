import type { ControlPlane } from '../../src/local-cluster/control-plane.ts';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __controlPlane?: ControlPlane }).__controlPlane?.stop();
}
