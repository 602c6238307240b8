import { createApp } from './app.ts';

const service = '${{ values.name }}';
const description = ${{ values.description | default("An HTTP service created from the TypeScript service golden path.") | dump }};
const port = Number(process.env.PORT ?? ${{ values.port | default(8080) }});

const server = createApp({ service, description });
server.listen(port, () => {
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  console.log(JSON.stringify({ level: 'info', msg: 'listening', service, port: listening }));
});

// Kubernetes sends SIGTERM before it kills a pod: stop accepting connections, let the
// requests in flight finish, then exit cleanly.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(JSON.stringify({ level: 'info', msg: 'shutting down', signal }));
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
