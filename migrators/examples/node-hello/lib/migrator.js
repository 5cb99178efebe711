import { DaprClient, LogLevel } from '@dapr/dapr';
import { announcer } from './announcer.js';
import { discoverRoute } from './discover-route.js';
import { dryRunRoute } from './dry-run-route.js';
import { stepExecution } from './execution.js';
import { serve } from './http.js';
import { log } from './log.js';
import { platformClient } from './platform.js';
import { platformProof } from './proof.js';
import { retryUntil } from './retry.js';
import { verifier } from './signatures.js';
import { stepRoute } from './step-route.js';
import { triggerTokens } from './trigger-tokens.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * A running migrator, wired as the Java SDK's Migrator is: it serves POST /steps, POST /discover, POST /dry-run and
 * GET /observe/health, then announces its migration until the platform serves it, and discovers and submits its
 * candidates; both are retried and re-run safely on every restart or discovery trigger.
 *
 * @param definition { appId, migration, discover: async () => candidates, handlers: { type: { execute, simulate } },
 *                   files: async (candidate, path) => content or null }
 * @param settings   lib/settings.js's fromEnvironment, or the same shape
 * @param options    { dapr, jwks, patienceMs } for tests: a Dapr client, the platform's keys, how long retries last
 */
export async function startMigrator(definition, settings, options = {}) {
  const { appId, handlers } = definition;
  const migration = settings.publicUrl && !definition.migration.migratorUrl
    ? { ...definition.migration, migratorUrl: settings.publicUrl } : definition.migration;
  for (const step of migration.steps) {
    if (step.migratorApp === appId && step.type !== 'manual' && !handlers[step.type]) {
      throw new Error(`step ${step.name} of ${migration.id} has type '${step.type}' but no handler is registered for it`);
    }
  }
  const patienceMs = options.patienceMs ?? HOUR_MS;
  // Stopping ends every retry loop: nothing keeps calling the platform after close().
  const stopping = new AbortController();
  const { signal } = stopping;
  const { tokens } = settings;
  const platform = platformClient({ apiUrl: settings.apiUrl, callbackUrl: settings.callbackUrl, tokens });
  // DAPR_HTTP_ENDPOINT (or DAPR_HTTP_PORT) and DAPR_API_TOKEN are read by the SDK itself.
  const dapr = options.dapr ?? new DaprClient({ logger: { level: LogLevel.Warn } });
  const proof = platformProof(verifier(appId, { keysUrl: platform.keysUrl(), tokens, jwks: options.jwks }));
  const announcement = announcer({ dapr, pubsub: settings.pubsub, migration, appId, platform, tokens, patienceMs, signal });
  const discoveries = discoveryRuns(async () => {
    if (!(await announcement.announceUntilAcknowledged())) {
      return; // another app owns the migration: its candidates are not ours to submit
    }
    const candidates = await definition.discover();
    await retryUntil(`submitting ${migration.id}'s candidates`, patienceMs, () => platform.submit(migration.id, candidates), signal);
    log.info(`${appId} submitted ${candidates.length} candidate(s) of ${migration.id}`);
  });
  const execute = stepExecution({ handlers, platform, patienceMs, signal });
  const seen = seenEvents(100_000);
  const healthy = async () => ({ status: 204 });
  const server = await serve({
    'POST /steps': stepRoute({ appId, proof, platform, seen, execute }),
    'POST /discover': discoverRoute({ proof, trigger: discoveries.trigger,
      triggers: settings.trigger ? triggerTokens(settings.trigger.issuer, settings.trigger.audience) : null }),
    'POST /dry-run': dryRunRoute({ appId, proof, handlers, files: definition.files }),
    'GET /observe/health': healthy,
    'GET /observe/health/ready': healthy,
    'GET /observe/health/live': healthy,
  }, { host: settings.bind, port: settings.port });
  const { port } = server.address();
  log.info(`${appId} serves ${migration.id} on ${settings.bind}:${port}`);
  discoveries.trigger();
  return {
    port,
    migration,
    discoveryRuns: () => discoveries.completed(),
    discover: discoveries.trigger,
    async close() {
      stopping.abort();
      await new Promise((resolve) => server.close(resolve));
      if (!options.dapr) {
        await dapr.stop().catch(() => {});
      }
    },
  };
}

/**
 * Runs discovery when triggered, one run at a time: triggers that come during a run coalesce into one more run after
 * it (a push during a scan may have changed what the scan read), and a burst of ticks starts no burst of scans.
 */
function discoveryRuns(discovery) {
  let requested = false;
  let running = false;
  let completed = 0;
  async function loop() {
    running = true;
    while (requested) {
      requested = false;
      try {
        await discovery();
      } catch (e) {
        log.error(`discovery failed; the next trigger runs it again: ${e.message}`);
      } finally {
        completed++;
      }
    }
    running = false;
  }
  return {
    trigger() {
      requested = true;
      if (!running) {
        loop();
      }
    },
    completed: () => completed,
  };
}

/** The step events taken, so a redelivery is acknowledged and not executed again; the oldest forgotten past capacity. */
function seenEvents(capacity) {
  const seen = new Set();
  return {
    firstSight(key) {
      if (seen.has(key)) {
        return false;
      }
      seen.add(key);
      if (seen.size > capacity) {
        seen.delete(seen.values().next().value);
      }
      return true;
    },
  };
}
