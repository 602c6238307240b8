// Backstage's catalog backend as a user runs it: the default backend with only the catalog
// plugin, configured by the app-config.yaml given with --config. bench/peer/backstage.ts
// copies this file next to the installed packages so that their imports resolve.
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
await backend.start();
