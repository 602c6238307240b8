// Starts a control plane, prints the tether pids as one JSON line and then waits to be
// killed. Used by the harness test that kills this process with SIGKILL.
import { startControlPlane } from '../../src/local-cluster/control-plane.ts';

const controlPlane = await startControlPlane();
process.stdout.write(`${JSON.stringify({ pids: controlPlane.processes.map((p) => p.pid) })}\n`);
setInterval(() => undefined, 60_000);
