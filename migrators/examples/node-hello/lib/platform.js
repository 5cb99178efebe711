import { abbreviate } from './log.js';
import { isSlug } from './slug.js';
import { Refused } from './retry.js';

/** The platform takes at most this many candidates per request. */
export const BATCH = 5000;

/** 403 on a migration: another migrator app owns it. No retry changes that; an admin's transfer does. */
export class NotOwner extends Refused {}

/**
 * The few platform calls a migrator makes, each with the migrator's bearer token, and only ever to the configured
 * URLs: callbacks go to <callbackUrl>/event/<runId>, built here from the run id, never taken from an event. Each
 * call returns, throws Refused when the platform said no for good, or throws something worth retrying.
 */
export function platformClient({ apiUrl, callbackUrl, tokens }) {
  const route = (base, path) => `${base.replace(/\/$/, '')}${path}`;

  async function call(method, url, body) {
    const headers = { authorization: `Bearer ${await tokens.token()}`, accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    // No redirects: the request carries the migrator's token, which must reach the platform only.
    const answer = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const text = await answer.text();
    return { status: answer.status, text, json: () => JSON.parse(text) };
  }

  function expect2xx(answer, what) {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      return;
    }
    if (status === 401) {
      throw new Refused(`${what}: the platform does not accept this migrator's token (401: ${shortened(answer.text)}); `
        + "check its identity (DROVER_TOKEN_FILE or DROVER_TOKEN_URL...) against the platform's DROVER_MIGRATOR_ISSUER");
    }
    if (status >= 400 && status < 500 && ![404, 408, 429].includes(status)) {
      throw new Refused(`${what} refused with ${status}: ${shortened(answer.text)}`);
    }
    throw new Error(`${what} answered ${status}: ${shortened(answer.text)}`);
  }

  function refuseIfNotOwner(answer, what) {
    if (answer.status === 403) {
      throw new NotOwner(`${what} refused with 403: ${shortened(answer.text)}`);
    }
  }

  return {
    /** The migration as the platform stores it (owner, counts and timestamps left out); null while it is unknown. */
    async migration(id) {
      const what = `GET /migrations/${id}`;
      const answer = await call('GET', route(apiUrl, `/migrations/${id}`));
      if (answer.status === 404) {
        return null;
      }
      refuseIfNotOwner(answer, what);
      expect2xx(answer, what);
      const { owner, createdAt, updatedAt, candidates, ...stored } = answer.json();
      return stored;
    },

    /** The platform's last word on this app's announcement of id (accepted, or dropped and why); null while none. */
    async announcementOutcome(id) {
      const what = `GET /registry/announcements/${id}`;
      const answer = await call('GET', route(apiUrl, `/registry/announcements/${id}`));
      expect2xx(answer, what);
      return answer.json().items?.[0] ?? null;
    },

    async submit(migrationId, candidates) {
      for (let from = 0; from < candidates.length; from += BATCH) {
        const what = `POST /migrations/${migrationId}/candidates`;
        const answer = await call('POST', route(apiUrl, `/migrations/${migrationId}/candidates`), candidates.slice(from, from + BATCH));
        if (answer.status === 404) {
          // The announcement travels through the bus: the migration may not be stored yet.
          throw new Error(`${what}: the platform does not know the migration yet`);
        }
        refuseIfNotOwner(answer, what);
        expect2xx(answer, what);
      }
    },

    /** Where a run's step results go: the only callback.url a step event may name. */
    callbackUrl(runId) {
      return route(callbackUrl, `/event/${runId}`);
    },

    keysUrl() {
      return route(apiUrl, '/platform/keys');
    },

    async callback(runId, report) {
      if (!isSlug(runId)) {
        throw new Refused(`run id '${abbreviate(runId)}' is no slug: no callback for it`);
      }
      const what = `callback ${report.stepName} ${report.status}`;
      const answer = await call('POST', this.callbackUrl(runId), report);
      if (answer.status === 401) {
        // Retried, not dropped: a token problem can pass (a rotation, the IdP's keys); a lost result strands the run.
        throw new Error(`${what}: the platform does not accept this migrator's token (401: ${shortened(answer.text)})`);
      }
      expect2xx(answer, what);
    },
  };
}

function shortened(text) {
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
