import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isSlug } from '../lib/slug.js';
import { resolve } from '../lib/workspace.js';

test('slugs: lower-case letters, digits and inner - . _, at most 100 characters', () => {
  for (const ok of ['project-01', 'a', 'run-0b6c.x_y', 'a'.repeat(100)]) {
    assert.ok(isSlug(ok), ok);
  }
  for (const bad of ['', '-a', 'a-', 'A', '../etc', 'a/b', 'a b', 'a'.repeat(101), undefined, 7]) {
    assert.ok(!isSlug(bad), String(bad));
  }
});

test('a path inside the workspace resolves; one that climbs out, is absolute or empty is refused', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'node-hello-ws-'));
  try {
    assert.equal(resolve(root, 'project-01', 'HELLO.md'), path.join(root, 'project-01', 'HELLO.md'));
    assert.equal(resolve(root, './a//b'), path.join(root, 'a', 'b'));
    for (const parts of [['..', 'etc'], ['../../etc/passwd'], ['/etc/passwd'], ['a', '..', '..'], [''], ['C:\\x'], ['a\\..\\..'], ['a/b/../c']]) {
      assert.throws(() => resolve(root, ...parts), /refused|empty/, parts.join(','));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a symlink in the workspace that leads out of it is refused, a dangling one too', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'node-hello-ws-'));
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'node-hello-elsewhere-'));
  try {
    fs.mkdirSync(path.join(root, 'inside'));
    fs.symlinkSync(elsewhere, path.join(root, 'out'));
    fs.symlinkSync(path.join(root, 'inside'), path.join(root, 'in'));
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    assert.throws(() => resolve(root, 'out', 'HELLO.md'), /symlink leads out/);
    assert.throws(() => resolve(root, 'dangling'), /leads nowhere/);
    assert.equal(resolve(root, 'in', 'HELLO.md'), path.join(root, 'in', 'HELLO.md'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});
