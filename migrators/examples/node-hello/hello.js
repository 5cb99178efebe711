import fs from 'node:fs/promises';
import { succeeded, failed } from './lib/execution.js';
import { isSlug } from './lib/slug.js';
import { sleep } from './lib/retry.js';
import { resolve } from './lib/workspace.js';

/**
 * What migrators/hello-migrator does, in Node.js: every folder under the projects folder (HELLO_DIR) is a candidate;
 * step greet writes its HELLO.md, step sign signs it. Both are idempotent, and both answer dry-runs. So that an
 * operator can try cancel and retry on it, a folder may hold a SLOW file (its steps take that many seconds) or a
 * LOCKED file (its first step fails once, and removes the lock).
 */
export const APP_ID = 'node-hello';

export const migration = {
  id: 'node-hello-world',
  name: 'Hello, world (Node.js)',
  description: 'Writes a HELLO.md into every project folder and signs it; a migrator in Node.js.',
  overview: ['Greet', 'Sign'],
  steps: [
    { name: 'greet', description: 'Write HELLO.md', migratorApp: APP_ID, type: 'greet', config: {} },
    { name: 'sign', description: 'Sign HELLO.md', migratorApp: APP_ID, type: 'sign', config: { signature: '-- the Drover fleet' } },
  ],
  requiredInputs: [],
};

export function helloMigrator(projects) {
  return {
    appId: APP_ID,
    migration,
    // Every folder whose name is a slug, as a candidate, in full, each time: the platform merges.
    async discover() {
      const entries = await fs.readdir(projects, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory() && isSlug(entry.name)).map((entry) => entry.name).sort()
        .map((id) => ({ id, kind: 'folder', metadata: { owner: 'hello' }, files: [], steps: [] }));
    },
    handlers: {
      greet: edit(projects, (step) => `Hello, ${step.candidate.id}!\n`),
      sign: edit(projects, (step, text) => {
        const signature = `${step.step.config?.signature ?? ''}\n`;
        return (text ?? '').endsWith(signature) ? text : `${text ?? ''}${signature}`;
      }),
    },
    // The candidate id and the path come from the platform's request: both stay inside the projects folder.
    files: (candidate, path) => read(resolve(projects, candidate.id, path)),
  };
}

/** Rewrites HELLO.md from what it holds: on disk when executed, in the draft when simulated. */
function edit(projects, rewrite) {
  return {
    async execute(step) {
      const id = step.candidate.id;
      try {
        await fs.unlink(resolve(projects, id, 'LOCKED'));
        return failed(`${id} was LOCKED; the lock is gone now: retry the step`);
      } catch (e) {
        if (e.code !== 'ENOENT') {
          throw e;
        }
      }
      const slow = await read(resolve(projects, id, 'SLOW'));
      if (slow !== null) {
        await sleep(Math.min(600, Number.parseInt(slow.trim(), 10) || 0) * 1000);
      }
      const file = resolve(projects, id, 'HELLO.md');
      await fs.writeFile(file, rewrite(step, await read(file)));
      return succeeded({ file }, `${step.step.name} done`);
    },
    async simulate(step, draft) {
      await draft.write('HELLO.md', rewrite(step, await draft.read('HELLO.md')));
    },
  };
}

async function read(file) {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') {
      return null;
    }
    throw e;
  }
}
