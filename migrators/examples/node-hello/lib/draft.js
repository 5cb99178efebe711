import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * A dry-run's files: the candidate's files as they stand below, every step's simulated writes on top, so a later
 * step reads what the earlier ones wrote. changes() closes one step: what it changed, compared with how the files
 * stood when it began, as the platform's FileChange (path, status new|modified|deleted, before, after, diff).
 *
 * @param read async (path) => content or null when the file does not exist
 */
export function layeredDraft(read) {
  const written = new Map(); // path -> content, or null when deleted
  const beforeStep = new Map(); // path -> content when the current step began (null: did not exist)

  const draft = {
    async read(path) {
      return written.has(path) ? written.get(path) : read(path);
    },
    async write(path, content) {
      await touch(path);
      written.set(path, String(content));
    },
    async delete(path) {
      await touch(path);
      written.set(path, null);
    },
    /** The current step's changes, by path; writes that left a file as it was are no change. */
    changes() {
      const changes = [];
      for (const path of [...beforeStep.keys()].sort()) {
        const before = beforeStep.get(path);
        const after = written.get(path);
        if (before === after) {
          continue;
        }
        const status = before === null ? 'new' : after === null ? 'deleted' : 'modified';
        changes.push({ path, status, before, after, diff: unifiedDiff(path, before, after) });
      }
      beforeStep.clear();
      return changes;
    },
  };

  async function touch(path) {
    if (!beforeStep.has(path)) {
      beforeStep.set(path, await draft.read(path));
    }
  }

  return draft;
}

/** A unified diff as git prints it: a/ and b/ prefixes, /dev/null for a new or deleted file. */
export function unifiedDiff(path, before, after) {
  return createTwoFilesPatch(before === null ? '/dev/null' : `a/${path}`, after === null ? '/dev/null' : `b/${path}`,
    before ?? '', after ?? '', undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}
