import type { StepStatus, TemplateRunStatus } from '../api/objects.ts';

/** The part of a run's status the scaffolder owns; the operator owns phase, times and conditions. */
export type ScaffoldReport = Pick<TemplateRunStatus, 'steps' | 'outputs' | 'logTail'>;

export const LOG_TAIL_LIMIT = 16_000;
const MESSAGE_LIMIT = 4_000;

export interface ReportOptions {
  stepNames: string[];
  /** What an earlier segment of the same run reported (a Job runs one segment per container). */
  previous?: ScaffoldReport | undefined;
  write: (report: ScaffoldReport) => Promise<void>;
  /** Removes secrets from every message and log line before it is kept. */
  redact: (text: string) => string;
  now?: () => Date;
  /** Where log lines also go (the container's stdout). */
  echo?: (line: string) => void;
}

const clip = (text: string, limit: number): string => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/**
 * The scaffolder's account of a run, written to the run's status as it goes: each step's
 * phase, times and message, the outputs, and the last lines of the log. Every text passes
 * through `redact` first, so no credential reaches status.
 */
export class RunReport {
  private readonly options: ReportOptions;
  private readonly steps: StepStatus[];
  private outputs: NonNullable<ScaffoldReport['outputs']>;
  private log: string;

  constructor(options: ReportOptions) {
    this.options = options;
    const previous = new Map((options.previous?.steps ?? []).map((s) => [s.name, s]));
    this.steps = options.stepNames.map((name) => previous.get(name) ?? { name, phase: 'Pending' });
    this.outputs = { ...(options.previous?.outputs ?? {}) };
    this.log = options.previous?.logTail ?? '';
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  line(text: string): void {
    const line = `${this.now()} ${this.options.redact(text)}`;
    this.options.echo?.(line);
    this.log = `${this.log}${line}\n`;
    if (this.log.length > LOG_TAIL_LIMIT) this.log = this.log.slice(this.log.indexOf('\n', this.log.length - LOG_TAIL_LIMIT) + 1);
  }

  async started(index: number): Promise<void> {
    this.set(index, { phase: 'Running', startedAt: this.now() });
    this.line(`step ${this.steps[index]!.name}: started`);
    await this.flush();
  }

  async finished(index: number, phase: 'Succeeded' | 'Failed', message: string): Promise<void> {
    const safe = clip(this.options.redact(message), MESSAGE_LIMIT);
    this.set(index, { phase, finishedAt: this.now(), message: safe });
    this.line(`step ${this.steps[index]!.name}: ${phase.toLowerCase()}: ${safe}`);
    await this.flush();
  }

  async addOutputs(outputs: ScaffoldReport['outputs']): Promise<void> {
    // Links are rendered from the template, which may use secret parameters: redacted like messages.
    const redact = this.options.redact;
    const links = outputs?.links?.map((l) => ({ title: redact(l.title), url: redact(l.url) }));
    this.outputs = { ...this.outputs, ...outputs, ...(links ? { links } : {}) };
    await this.flush();
  }

  snapshot(): ScaffoldReport {
    return { steps: this.steps.map((s) => ({ ...s })), outputs: { ...this.outputs }, logTail: this.log };
  }

  flush(): Promise<void> {
    return this.options.write(this.snapshot());
  }

  private set(index: number, change: Partial<StepStatus>): void {
    const step = this.steps[index];
    if (step) this.steps[index] = { ...step, ...change };
  }
}
