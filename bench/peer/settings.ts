// What one side-by-side run asks of both products, from the environment (defaults: the full run).
import type { SyntheticObject } from '../synthetic-catalog.ts';
import type { BackstageCatalog, RelationSet } from './catalog-files.ts';

export interface PeerSettings {
  sizes: number[];
  /** The quiet window after cold start over which idle CPU is measured. */
  idleSeconds: number;
  /** GETs per read figure, 8 in flight. */
  reads: number;
  /** Graph queries (Greenroom) and depth-3 walks (Backstage): each walk is several requests. */
  walks: number;
  greenroomChanges: number;
  refreshChanges: number;
  intervalChanges: number;
  /** No new sample of a way of changing once this many ms have passed since its first (Backstage's refresh and short interval). */
  budgetMs: number;
  /** Backstage's default interval is 100–150 s: few samples, within a time budget. */
  defaultChanges: number;
  defaultBudgetMs: number;
  /** How long to wait, before each side, for other processes to leave the CPU (see run.ts). */
  quietWaitSeconds: number;
  /** The processingInterval of Backstage's second start. */
  shortIntervalSeconds: number;
  /** Each way of changing touches its own components: change `i` of a way is component `offset + i`. */
  changeOffsets: { greenroom: number; refresh: number; interval: number; default: number };
}

const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
};

export function settingsFromEnv(): PeerSettings {
  return {
    sizes: (process.env.BENCH_PEER_SIZES ?? '1000,10000').split(',').map(Number),
    idleSeconds: numberFrom('BENCH_PEER_IDLE_SECONDS', 60),
    reads: numberFrom('BENCH_PEER_READS', 1000),
    walks: numberFrom('BENCH_PEER_WALKS', 200),
    greenroomChanges: numberFrom('BENCH_PEER_CHANGES', 50),
    refreshChanges: numberFrom('BENCH_PEER_REFRESH_CHANGES', 20),
    intervalChanges: numberFrom('BENCH_PEER_INTERVAL_CHANGES', 10),
    budgetMs: numberFrom('BENCH_PEER_BUDGET_SECONDS', 300) * 1000,
    defaultChanges: numberFrom('BENCH_PEER_DEFAULT_CHANGES', 3),
    defaultBudgetMs: numberFrom('BENCH_PEER_DEFAULT_BUDGET_SECONDS', 300) * 1000,
    quietWaitSeconds: numberFrom('BENCH_PEER_QUIET_WAIT_SECONDS', 180),
    shortIntervalSeconds: 10,
    changeOffsets: { greenroom: 0, refresh: 200, interval: 300, default: 400 },
  };
}

/** The kinds the page-of-100 reads take turns on. */
export const READ_KINDS = ['component', 'resource', 'group'];
/** Graph and walk sizes are averaged over this many roots. */
export const NODE_SAMPLES = 20;

/** Which component read `i` asks for: the same sequence on both sides. */
export function componentNames(objects: readonly SyntheticObject[]): { one(i: number): string; graph(i: number): string } {
  const names = objects.filter((o) => o.kind === 'Component').map((o) => o.metadata.name);
  return { one: (i) => names[(i * 13) % names.length]!, graph: (i) => names[(i * 7) % names.length]! };
}

/** What each side is given for one size: the catalog, as objects, files and expected relations. */
export interface SideInput {
  objects: readonly SyntheticObject[];
  /** The Backstage files (Greenroom converts them). */
  catalog: BackstageCatalog;
  expected: Map<string, RelationSet>;
  /** A temporary directory of this size's run. */
  workDir: string;
  settings: PeerSettings;
  log: (line: string) => void;
}
