/**
 * The sync daemons in a scrape (docs/health.md): written only when syncdaemon= is configured, so a
 * director without it shows no empty families. Two families: `_up` to alert on, `_info` to read.
 */
import { encoded, labelPairs, type TextSink } from './exposition.js';
import type { SyncDaemonView } from './sync-daemon.js';

const UP = encoded('ldirectord_sync_daemon_up');
const INFO = encoded('ldirectord_sync_daemon_info');

/** renderSyncMetrics writes the sync-daemon families (nothing when none is configured). */
export function renderSyncMetrics(sink: TextSink, views: readonly SyncDaemonView[]): void {
  if (views.length === 0) return;
  sink.family('ldirectord_sync_daemon_up', 'gauge', '1 if the kernel runs the sync daemon as syncdaemon= asks (0: conflict or failed).');
  for (const v of views) sink.sample(UP, labelPairs({ state: v.state }), v.status === 'running' ? 1 : 0);
  sink.family('ldirectord_sync_daemon_info', 'gauge', 'The configured sync daemon, its status (running, conflict, failed) and who started it; value 1.');
  for (const v of views) {
    sink.sample(INFO, labelPairs({
      state: v.state, interface: v.wanted.interface, syncid: String(v.wanted.syncid), status: v.status, owner: v.owner ?? '',
    }), 1);
  }
}
