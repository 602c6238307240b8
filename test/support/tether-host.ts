// Starts a tethered `sleep`, prints the tether's pid and waits to be killed.
import { startTethered } from '../../src/local-cluster/tethered-process.ts';

const logFile = process.argv[2] ?? '/dev/null';
const proc = startTethered({ name: 'sleeper', command: 'sleep', args: ['1000'], logFile });
process.stdout.write(`${proc.pid}\n`);
setInterval(() => undefined, 60_000);
