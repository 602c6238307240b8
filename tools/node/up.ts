// Starts a local control plane with a real node and keeps it until Ctrl-C (or SIGTERM),
// then stops it and puts the host back. For trying the node by hand:
//   node tools/node/up.ts          (as root; prints KUBECONFIG once the node is Ready)
import { startControlPlane } from '../../src/local-cluster/control-plane.ts';

const started = Date.now();
const cluster = await startControlPlane({
  node: true,
  keepDir: process.env.GREENROOM_KEEP_CONTROL_PLANE === '1',
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stderr.write(`node ${cluster.node?.name} Ready in ${Date.now() - started} ms\n`);
process.stdout.write(`KUBECONFIG=${cluster.kubeconfigPath}\nDIR=${cluster.dir}\nCONTAINERD=${cluster.node?.containerdSocket}\n`);
// The components are tethered and unref'd; without a timer of our own, Node would exit here.
const keepAlive = setInterval(() => undefined, 60_000);
const stop = (): void => {
  clearInterval(keepAlive);
  process.stderr.write('stopping\n');
  void cluster.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
