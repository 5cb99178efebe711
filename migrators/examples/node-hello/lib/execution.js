import { abbreviate, log } from './log.js';
import { Refused, retryUntil } from './retry.js';

/**
 * Executes a step event with the handler of its step type and reports the result to the platform
 * (CallbackRequest, with the event's callback token), retrying the report until the platform answers. A handler that
 * throws, or a step type without a handler, is reported failed with the reason.
 */
export function stepExecution({ handlers, platform, patienceMs, signal }) {
  const running = new Set();

  async function execute(step) {
    const handler = handlers[step.step.type];
    if (!handler) {
      return failed(`step ${step.step.name} has type '${abbreviate(step.step.type)}', which this migrator does not handle `
        + `(it handles ${Object.keys(handlers).sort().join(', ')}); fix the migration's definition`);
    }
    try {
      return (await handler.execute(step)) ?? failed('the step handler returned no result (a bug in the migrator)');
    } catch (e) {
      log.warn(`step ${step.runId}/${step.step.name} failed: ${e.stack ?? e}`);
      return failed(e.message || String(e));
    }
  }

  return async function run(step) {
    const key = `${step.runId}/${step.step.name}/${step.dispatch}`;
    if (running.has(key)) {
      return; // a step never runs beside itself
    }
    running.add(key);
    try {
      const result = await execute(step);
      const report = {
        stepName: step.step.name,
        dispatch: step.dispatch,
        status: result.status,
        metadata: result.metadata ?? {},
        message: result.message ?? '',
        token: step.callback.token,
      };
      const what = `${step.runId}/${step.step.name} ${result.status}`;
      try {
        await retryUntil(`callback ${what}`, patienceMs, () => platform.callback(step.runId, report), signal);
        log.info(`reported ${what}`);
      } catch (e) {
        if (e instanceof Refused) {
          // A refused callback (an earlier attempt, a cancelled run) changes nothing on the platform: nothing to redo.
          log.warn(`the platform refused ${what}: ${e.message}`);
        } else {
          log.error(`gave up reporting ${what} after ${patienceMs} ms; the step's deadline or an operator's retry will `
            + `move the run on: ${e.message}`);
        }
      }
    } finally {
      running.delete(key);
    }
  };
}

export const succeeded = (metadata, message) => ({ status: 'succeeded', metadata, message });
export const failed = (message) => ({ status: 'failed', metadata: {}, message });
export const pending = (metadata, message) => ({ status: 'pending', metadata, message });
