import { Watch, type KubeConfig } from '@kubernetes/client-node';

/** What a {@link SessionWatch} asks of the informer session that owns it. */
export interface SessionHooks {
  /** False once the session was replaced or stopped. */
  isCurrent(): boolean;
  /** Called for every line the watch delivers (events, bookmarks, errors). */
  onActivity(): void;
}

type WatchCallback = Parameters<Watch['watch']>[2];
type DoneCallback = Parameters<Watch['watch']>[3];

/**
 * client-node's Watch, hardened for one informer session:
 * - a failure before the request starts (credentials, kubeconfig) reaches `done` instead of
 *   rejecting: ListWatch reconnects by calling an async handler nobody awaits, so a
 *   rejection there would be unhandled and end the process;
 * - a watch that finishes connecting after its session was stopped is aborted at once
 *   (ListWatch.stop() can only abort a request it already holds);
 * - every line counts as activity for the informer's watchdog; lines of a stale session
 *   are dropped.
 */
export class SessionWatch extends Watch {
  private readonly hooks: SessionHooks;

  constructor(config: KubeConfig, hooks: SessionHooks) {
    super(config);
    this.hooks = hooks;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: DoneCallback,
  ): Promise<AbortController> {
    const forward: WatchCallback = (phase, object, raw) => {
      if (!this.hooks.isCurrent()) return;
      this.hooks.onActivity();
      callback(phase, object, raw);
    };
    try {
      const controller = await super.watch(path, queryParams, forward, done);
      if (!this.hooks.isCurrent()) controller.abort();
      return controller;
    } catch (error) {
      done(error);
      return new AbortController();
    }
  }
}
