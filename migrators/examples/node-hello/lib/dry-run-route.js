import { ApiError, badRequest, unauthenticated, unprocessable } from './errors.js';
import { bearerToken } from './http.js';
import { abbreviate } from './log.js';
import { layeredDraft } from './draft.js';
import { parseJson } from './proof.js';
import { isSlug } from './slug.js';

export const DRY_RUN_PATH = '/dry-run';
/** The one step type the platform interprets: a person's step, completed by an operator (ADR 0013). */
const MANUAL = 'manual';

/**
 * POST /dry-run: what the platform's POST /migrations/{id}/dry-run forwards (migrationId, candidate, steps, inputs).
 * Only the platform asks: its signature over method, path and body is the bearer token, and nothing (no file, no
 * handler) is touched before it is checked. Each step is simulated in order over a layered draft, each seeing the
 * earlier steps' changes; the answer is per step the files it would change. Nothing is written anywhere.
 *
 * @param files async (candidate, path) => the file's content as it stands, or null when it does not exist
 */
export function dryRunRoute({ appId, proof, handlers, files }) {
  return async ({ headers, body }) => {
    const signature = bearerToken(headers, unauthenticated);
    await proof.request(signature, 'POST', DRY_RUN_PATH, body);
    const request = parseJson(body);
    if (typeof request.candidate !== 'object' || !Array.isArray(request.steps) || request.steps.length === 0
      || !request.steps.every((step) => typeof step === 'object' && step !== null && typeof step.name === 'string')) {
      throw badRequest('invalid_request', 'a dry-run needs a candidate and at least one step, each with a name');
    }
    // Signed, but still content: ids become paths in migrators.
    for (const id of [request.migrationId, request.candidate.id]) {
      if (!isSlug(id)) {
        throw badRequest('invalid_request', `the dry-run's migrationId and candidate.id must be slugs, got '${abbreviate(id)}'`);
      }
    }
    const chosen = request.steps.map((step) => {
      if (step.type === MANUAL || (step.migratorApp && step.migratorApp !== appId)) {
        return null; // a person's step, or another app's: nothing of ours to simulate
      }
      const handler = handlers[step.type];
      if (!handler) {
        throw unprocessable('unknown_step_type', `step ${abbreviate(step.name)} has type '${abbreviate(step.type)}', which this `
          + `migrator does not handle (it handles ${Object.keys(handlers).sort().join(', ')}); fix the migration's definition`);
      }
      return handler;
    });
    const draft = layeredDraft((path) => files(request.candidate, path));
    const previews = [];
    for (const [i, step] of request.steps.entries()) {
      if (!chosen[i]) {
        previews.push({ step: step.name, type: step.type ?? null, changes: [],
          message: step.type === MANUAL ? 'manual step: an operator completes it' : `executed by ${step.migratorApp}, not previewed here` });
        continue;
      }
      const context = { migrationId: request.migrationId, runId: 'dry-run', step, candidate: request.candidate,
        inputs: request.inputs ?? {} };
      try {
        await chosen[i].simulate(context, draft);
      } catch (e) {
        if (e instanceof ApiError) {
          throw e;
        }
        throw unprocessable('dry_run_failed', `step ${step.name} cannot be simulated: ${e.message || e}`);
      }
      const changes = draft.changes();
      previews.push({ step: step.name, type: step.type ?? null, changes,
        message: changes.length === 0 ? 'changes no file' : `${changes.length} file(s) change` });
    }
    return { status: 200, json: { migrationId: request.migrationId, candidateId: request.candidate.id, steps: previews } };
  };
}
