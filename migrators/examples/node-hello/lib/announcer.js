import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { CloudEvent, HTTP } from 'cloudevents';
import { log } from './log.js';
import { NotOwner } from './platform.js';
import { retryUntil, sleep } from './retry.js';

export const ANNOUNCED_TYPE = 'dev.drover.migration.announced';
export const REGISTRY_TOPIC = 'migration-registry';
/** The CloudEvent extension that carries the migrator's identity token: Dapr does not pass the publisher's headers. */
export const TOKEN_EXTENSION = 'droverauth';
/** How long one announcement may take to be stored before it is published again. */
const STORED_WITHIN_MS = 5000;

/**
 * Announces the migration on topic migration-registry through the Dapr sidecar (@dapr/dapr's pub/sub API), as a
 * structured CloudEvent carrying the migrator's token in droverauth, and keeps announcing until the platform serves
 * exactly this definition: Dapr answers the publish before the platform has read it, and the platform may be down or
 * still serve an older one. A lasting 403 (another app owns the id) stops announcing for good in this process.
 */
export function announcer({ dapr, pubsub, migration, appId, platform, tokens, patienceMs, signal }) {
  let acknowledged = false;
  let notOwner = null;

  async function publish() {
    const event = new CloudEvent({
      id: randomUUID(),
      source: `/${appId}`,
      type: ANNOUNCED_TYPE,
      subject: migration.id,
      datacontenttype: 'application/json',
      [TOKEN_EXTENSION]: await tokens.token(),
      data: migration,
    });
    // The structured form as an object with its content type: the SDK serializes it once (a string would be
    // JSON-encoded a second time) and Dapr keeps a CloudEvent it is given, extensions included.
    const { body } = HTTP.structured(event);
    const published = await dapr.pubsub.publish(pubsub, REGISTRY_TOPIC, JSON.parse(body),
      { contentType: 'application/cloudevents+json' });
    if (published?.error) {
      // @dapr/dapr answers a failed publish instead of throwing.
      throw new Error(`the Dapr sidecar did not take the announcement: ${published.error.message ?? published.error}`);
    }
  }

  /** Waits for the platform to serve this definition; a 403 is believed only when it lasts. */
  async function awaitStored() {
    const publishedAt = Date.now() - 1000;
    const until = Date.now() + STORED_WITHIN_MS;
    for (;;) {
      let stored;
      try {
        stored = await platform.migration(migration.id);
      } catch (e) {
        if (e instanceof NotOwner && Date.now() < until) {
          await sleep(200);
          continue;
        }
        throw e;
      }
      if (stored && isDeepStrictEqual(normalized(stored), normalized(migration))) {
        return;
      }
      if (Date.now() > until) {
        throw new Error(`the platform does not serve ${migration.id} as announced yet${await dropped(publishedAt)}`);
      }
      await sleep(100);
    }
  }

  /** When the platform dropped this announcement, its reason, logged as a warning. */
  async function dropped(publishedAt) {
    try {
      const outcome = await platform.announcementOutcome(migration.id);
      if (outcome?.outcome === 'dropped' && Date.parse(outcome.at) >= publishedAt) {
        const why = `: the platform dropped the announcement (${outcome.code}: ${outcome.reason})`;
        log.warn(`${appId} announced ${migration.id}${why}`);
        return why;
      }
    } catch (e) {
      log.debug(`no announcement outcome for ${migration.id}: ${e.message}`);
    }
    return '';
  }

  return {
    /** Re-entrant: once acknowledged it returns at once. False when another app owns the migration. */
    async announceUntilAcknowledged() {
      if (acknowledged) {
        return true;
      }
      if (notOwner) {
        log.warn(`${appId} does not announce ${migration.id}: another migrator app owns it (${notOwner})`);
        return false;
      }
      try {
        await retryUntil(`announcing ${migration.id}`, patienceMs, async () => {
          await publish();
          await awaitStored();
        }, signal);
      } catch (e) {
        if (e instanceof NotOwner) {
          notOwner = e.message;
          log.error(`${appId} stops announcing ${migration.id} and submits no candidates for it: the platform says another `
            + `migrator app owns it (${e.message}). Rename this migration, or have an admin transfer it to ${appId} and restart`);
          return false;
        }
        throw e;
      }
      acknowledged = true;
      log.info(`${appId} announced ${migration.id}; the platform serves it`);
      return true;
    },
  };
}

/** A definition with the platform's defaults filled in, so the stored and the announced compare field by field. */
export function normalized(migration) {
  return {
    id: migration.id,
    name: migration.name,
    description: migration.description ?? '',
    overview: migration.overview ?? [],
    steps: (migration.steps ?? []).map((step) => ({
      name: step.name,
      description: step.description ?? '',
      migratorApp: step.migratorApp,
      type: step.type ?? '',
      config: step.config ?? {},
    })),
    requiredInputs: (migration.requiredInputs ?? []).map((input) => ({
      name: input.name, label: input.label ?? '', description: input.description ?? '',
    })),
    migratorUrl: migration.migratorUrl ?? '',
  };
}
