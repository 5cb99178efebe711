import fs from 'node:fs';
import path from 'node:path';
import { abbreviate } from './log.js';

/**
 * Keeps a step's files inside its workspace, as the Java SDK's Workspace does. A step event's content (candidate
 * ids, file paths, metadata, inputs) is not the migrator's own: a candidate id of "../../etc" must never become a
 * path outside the folder the migrator works in, and neither may a symlink inside it.
 *
 * @returns the normalized absolute path of root joined with parts (its last elements need not exist yet)
 * @throws Error when a part is empty, absolute or contains "..", or the result leads out of root
 */
export function resolve(root, ...parts) {
  const base = path.resolve(root);
  let result = base;
  for (const part of parts) {
    result = path.join(result, checked(part));
  }
  result = path.normalize(result);
  const named = parts.join('/');
  if (!inside(base, result)) {
    throw outside(named, `it leaves ${base}`);
  }
  if (fs.existsSync(base)) {
    requireRealPathInside(base, result, named);
  }
  return result;
}

function checked(part) {
  if (typeof part !== 'string' || part.length === 0) {
    throw new Error('an empty path cannot name a file in the workspace');
  }
  if (part.includes('\0')) {
    throw outside(part, 'it is no path here (a NUL character)');
  }
  const slashed = part.replaceAll('\\', '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw outside(part, 'it is absolute');
  }
  if (slashed.split('/').includes('..')) {
    throw outside(part, "it climbs out with '..'");
  }
  return part;
}

function inside(base, candidate) {
  return candidate === base || candidate.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
}

/**
 * The deepest existing part of the result must really be inside root once symlinks are followed; a dangling
 * symlink is refused too, since writing through it would create its target, wherever that is.
 */
function requireRealPathInside(base, result, named) {
  let existing = result;
  while (!exists(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) {
      return;
    }
    existing = parent;
  }
  let real;
  try {
    real = fs.realpathSync(existing);
  } catch {
    throw outside(named, 'a symlink on the way leads nowhere');
  }
  if (!inside(fs.realpathSync(base), real)) {
    throw outside(named, `a symlink leads out of ${base}`);
  }
}

function exists(file) {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function outside(named, why) {
  const shown = abbreviate(named);
  return new Error(`path '${shown}' is refused: ${why}; a step only touches files inside its workspace`);
}
