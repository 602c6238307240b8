import { jest } from '@jest/globals';

// Integration tests wait on a real control plane (CRDs being established, controllers
// catching up, whole control planes starting), so they get more than jest's 5 s default.
jest.setTimeout(120_000);
