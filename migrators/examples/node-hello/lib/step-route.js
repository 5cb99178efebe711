import { HTTP } from 'cloudevents';
import { badRequest, unauthenticated } from './errors.js';
import { abbreviate, log } from './log.js';
import { isSlug, SLUG_MAX } from './slug.js';

export const STEP_TYPE = 'dev.drover.step.dispatched';
/** The CloudEvent extension naming the migrator app that must execute the step. */
export const MIGRATOR_EXTENSION = 'migratorapp';

/**
 * POST /steps: a step event pushed by the broker (a Knative Trigger), as a CloudEvent in binary or structured mode.
 * Nothing in it is used before the platform's signature (droversig) is checked, and even then it is untrusted
 * content: ids must be slugs, and the result goes to the configured callback URL only. It is acknowledged at once
 * (202) and executed afterwards, so a long step never holds the delivery; a redelivery is acknowledged and not
 * executed again. Every refusal is a 4xx, so the broker dead-letters the event; only unfetchable keys are a 503.
 */
export function stepRoute({ appId, proof, platform, seen, execute }) {
  return async ({ headers, body }) => {
    const event = readEvent(headers, body);
    if (!event) {
      throw unauthenticated('invalid_signature',
        'a step event is a CloudEvent signed by the platform (extension droversig); this is a plain JSON event');
    }
    const addressee = event[MIGRATOR_EXTENSION];
    if (addressee !== undefined && addressee !== appId) {
      // 4xx: no redelivery can make right an event for another migrator (a Trigger's filter is wrong).
      throw badRequest('wrong_migrator', `this is ${appId}; the step event is addressed to ${abbreviate(addressee)}`);
    }
    if (event.type !== STEP_TYPE) {
      throw badRequest('malformed_event', `a step event has type ${STEP_TYPE}, not '${abbreviate(event.type)}'`);
    }
    await proof.event(event);
    const step = event.data;
    requireWellFormed(step);
    const expected = platform.callbackUrl(step.runId);
    if (step.callback.url !== expected) {
      log.warn(`refused step event ${abbreviate(event.id)}: its callback.url '${abbreviate(step.callback.url)}' is not this `
        + `migrator's platform (${expected}); check DROVER_CALLBACK_URL (default DROVER_API_URL) against the platform worker's`);
      throw badRequest('invalid_callback', `the step event's callback.url is not ${expected}, where this migrator reports to `
        + '(DROVER_CALLBACK_URL, default DROVER_API_URL)');
    }
    // Drover's event id is run/step/dispatch too; keyed on the content, a republished event under another id is the
    // same step all the same.
    const fresh = seen.firstSight(`step:${step.runId}/${step.step.name}/${step.dispatch}`);
    if (fresh) {
      setImmediate(() => execute(step));
    }
    return { status: 202, json: { accepted: true, duplicate: !fresh, runId: step.runId } };
  };
}

/** The CloudEvent of a delivery (binary: ce-* headers; structured: application/cloudevents+json); null otherwise. */
export function readEvent(headers, body) {
  const binary = headers['ce-specversion'] !== undefined;
  const structured = String(headers['content-type'] ?? '').toLowerCase().startsWith('application/cloudevents');
  if (!binary && !structured) {
    return null;
  }
  try {
    return HTTP.toEvent({ headers, body: body.toString('utf8') });
  } catch (e) {
    throw badRequest('malformed_event', `not a readable CloudEvent: ${abbreviate(e.message)}`);
  }
}

/** What execution and the callback need; a step event without it can never be executed: 400, not a retry. */
function requireWellFormed(step) {
  const ok = step && typeof step === 'object' && typeof step.runId === 'string' && step.step?.name
    && step.candidate?.id && typeof step.callback?.url === 'string' && typeof step.callback?.token === 'string'
    && Number.isInteger(step.dispatch) && step.dispatch >= 1;
  if (!ok) {
    throw badRequest('malformed_event', 'not a step event: it needs runId, dispatch, step.name, candidate.id and '
      + 'callback.url/token (schemas/events/step-dispatched.schema.json)');
  }
  for (const [field, value] of [['runId', step.runId], ['migrationId', step.migrationId],
    ['candidate.id', step.candidate.id], ['step.name', step.step.name]]) {
    if (!isSlug(value)) {
      throw badRequest('malformed_event', `the step event's ${field} must be a slug (lower-case letters, digits and inner `
        + `'-', '.', '_'; at most ${SLUG_MAX} characters), got '${abbreviate(value)}'`);
    }
  }
}
