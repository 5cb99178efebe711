// POST /steps, /dry-run and /discover of a running migrator, against a platform stand-in that records callbacks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { generateKeyPair } from 'jose';
import { helloMigrator } from '../hello.js';
import { startMigrator } from '../lib/migrator.js';
import { fixed } from '../lib/tokens.js';
import { platformKeys } from './platform-keys.js';

const TYPE = 'dev.drover.step.dispatched';
let keys; let platform; let api; let migrator; let base; let projects;
const callbacks = [];
let refuseCallbacks = 0; // how many callbacks answer 503 before one is taken

before(async () => {
  keys = await platformKeys();
  projects = fs.mkdtempSync(path.join(os.tmpdir(), 'node-hello-steps-'));
  fs.mkdirSync(path.join(projects, 'alpha'));
  // Just enough platform: it knows no migration (so announcing keeps retrying quietly) and takes callbacks.
  platform = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'POST' && req.url.startsWith('/event/')) {
        if (refuseCallbacks > 0) {
          refuseCallbacks--;
          res.writeHead(503).end();
          return;
        }
        callbacks.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"applied":true,"stepStatus":"succeeded"}');
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise((resolve) => platform.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${platform.address().port}`;
  const dapr = { pubsub: { publish: async () => ({}) } };
  migrator = await startMigrator(helloMigrator(projects),
    { port: 0, bind: '127.0.0.1', apiUrl: api, callbackUrl: api, publicUrl: '', pubsub: 'pubsub', tokens: fixed('migrator-token') },
    { dapr, jwks: keys.jwks, patienceMs: 20_000 });
  base = `http://127.0.0.1:${migrator.port}`;
});

after(async () => {
  await migrator.close();
  platform.close();
  fs.rmSync(projects, { recursive: true, force: true });
});

function stepData(runId, stepName, type, overrides = {}) {
  return {
    runId, attempt: 1, dispatch: 1, migrationId: 'node-hello-world',
    step: { name: stepName, type, config: { signature: '-- the Drover fleet' } },
    candidate: { id: 'alpha', kind: 'folder', metadata: {}, files: [] },
    inputs: {}, callback: { url: `${api}/event/${runId}`, token: 'callback-token' },
    ...overrides,
  };
}

/** A binary-mode delivery, as the broker pushes it. */
async function deliver(data, { sign = true, app = 'node-hello', id = `${data.runId}/${data.step.name}/${data.dispatch}`, key } = {}) {
  const headers = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/drover',
    'ce-type': TYPE, 'ce-migratorapp': app };
  if (sign) {
    headers['ce-droversig'] = await keys.signEvent(id, TYPE, app, data, key ? { key } : undefined);
  }
  const answer = await fetch(`${base}/steps`, { method: 'POST', headers, body: JSON.stringify(data) });
  return { status: answer.status, body: await answer.json() };
}

async function awaitCallbacks(count) {
  const until = Date.now() + 20_000;
  while (callbacks.length < count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(callbacks.length, count, JSON.stringify(callbacks));
}

test('a signed step event is acknowledged, executed once, and called back with the token, even through a 503', async () => {
  refuseCallbacks = 2;
  const data = stepData('run-a', 'greet', 'greet');
  assert.deepEqual(await deliver(data), { status: 202, body: { accepted: true, duplicate: false, runId: 'run-a' } });
  await awaitCallbacks(1);
  assert.equal(fs.readFileSync(path.join(projects, 'alpha', 'HELLO.md'), 'utf8'), 'Hello, alpha!\n');
  const [callback] = callbacks;
  assert.equal(callback.url, '/event/run-a');
  assert.equal(callback.auth, 'Bearer migrator-token');
  assert.deepEqual({ ...callback.body, metadata: undefined }, { stepName: 'greet', dispatch: 1, status: 'succeeded',
    message: 'greet done', token: 'callback-token', metadata: undefined });

  fs.writeFileSync(path.join(projects, 'alpha', 'HELLO.md'), 'changed by hand\n');
  assert.deepEqual((await deliver(data)).body, { accepted: true, duplicate: true, runId: 'run-a' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(callbacks.length, 1, 'a redelivery is not executed again');
  assert.equal(fs.readFileSync(path.join(projects, 'alpha', 'HELLO.md'), 'utf8'), 'changed by hand\n');
  callbacks.length = 0;
});

test('unsigned, forged and wrongly addressed events are refused and never executed', async () => {
  const data = stepData('run-b', 'greet', 'greet');
  const unsigned = await deliver(data, { sign: false });
  assert.equal(unsigned.status, 401);
  assert.equal(unsigned.body.error.code, 'invalid_signature');
  const forged = await deliver(data, { key: (await generateKeyPair('ES256')).privateKey });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.error.code, 'invalid_signature');
  const other = await deliver(data, { app: 'someone-else' });
  assert.equal(other.status, 400);
  assert.equal(other.body.error.code, 'wrong_migrator');
  const garbled = await fetch(`${base}/steps`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{nope' });
  assert.equal(garbled.status, 400);
  assert.equal((await garbled.json()).error.code, 'malformed_event');
  const plain = await fetch(`${base}/steps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
  assert.equal(plain.status, 401);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(callbacks.length, 0, 'nothing refused was executed');
  assert.ok(!fs.existsSync(path.join(projects, 'other')));
});

test('a tampered event (data other than signed) is 401; ids that are no slug and a foreign callback are 400', async () => {
  const data = stepData('run-c', 'greet', 'greet');
  const id = 'run-c/greet/1';
  const headers = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/drover',
    'ce-type': TYPE, 'ce-migratorapp': 'node-hello', 'ce-droversig': await keys.signEvent(id, TYPE, 'node-hello', data) };
  const tampered = await fetch(`${base}/steps`, { method: 'POST', headers,
    body: JSON.stringify({ ...data, candidate: { ...data.candidate, id: '../../etc' } }) });
  assert.equal(tampered.status, 401);

  const climbing = await deliver(stepData('run-d', 'greet', 'greet', { candidate: { id: '../../etc', kind: 'x', metadata: {}, files: [] } }));
  assert.equal(climbing.status, 400);
  assert.equal(climbing.body.error.code, 'malformed_event');
  const elsewhere = await deliver(stepData('run-e', 'greet', 'greet', { callback: { url: 'http://attacker.invalid/event/run-e', token: 't' } }));
  assert.equal(elsewhere.status, 400);
  assert.equal(elsewhere.body.error.code, 'invalid_callback');
  assert.equal(callbacks.length, 0);
});

test('a step type without a handler is called back failed, naming the types it handles', async () => {
  callbacks.length = 0;
  assert.equal((await deliver(stepData('run-f', 'polish', 'polish'))).status, 202);
  await awaitCallbacks(1);
  assert.equal(callbacks[0].body.status, 'failed');
  assert.match(callbacks[0].body.message, /type 'polish'.*greet, sign/);
  callbacks.length = 0;
});

test('a dry-run signed by the platform answers per-step file changes and writes nothing; unsigned is 401', async () => {
  fs.mkdirSync(path.join(projects, 'beta'));
  const request = JSON.stringify({ migrationId: 'node-hello-world', candidate: { id: 'beta', kind: 'folder', metadata: {}, files: [] },
    steps: [{ name: 'greet', type: 'greet', config: {}, migratorApp: 'node-hello' },
      { name: 'sign', type: 'sign', config: { signature: '-- s' }, migratorApp: 'node-hello' },
      { name: 'approve', type: 'manual', config: {}, migratorApp: 'node-hello' }], inputs: {} });
  const signed = await fetch(`${base}/dry-run`, { method: 'POST', body: request, headers: { 'content-type': 'application/json',
    authorization: `Bearer ${await keys.signRequest('node-hello', 'POST', '/dry-run', request)}` } });
  assert.equal(signed.status, 200);
  const { steps } = await signed.json();
  assert.deepEqual(steps.map((s) => s.changes.map((c) => [c.path, c.status, c.before, c.after])),
    [[['HELLO.md', 'new', null, 'Hello, beta!\n']], [['HELLO.md', 'modified', 'Hello, beta!\n', 'Hello, beta!\n-- s\n']], []]);
  assert.match(steps[1].changes[0].diff, /^--- a\/HELLO.md\n\+\+\+ b\/HELLO.md\n@@ -1,1 \+1,2 @@\n Hello, beta!\n\+-- s\n$/);
  assert.ok(!fs.existsSync(path.join(projects, 'beta', 'HELLO.md')), 'a dry-run writes nothing');

  for (const nonsense of ['[1]', '{"migrationId":"node-hello-world","candidate":{"id":"beta"},"steps":[null]}',
    '{"migrationId":"../x","candidate":{"id":"beta"},"steps":[{"name":"greet","type":"greet"}]}']) {
    const answer = await fetch(`${base}/dry-run`, { method: 'POST', body: nonsense, headers: {
      authorization: `Bearer ${await keys.signRequest('node-hello', 'POST', '/dry-run', nonsense)}` } });
    assert.equal(answer.status, 400, nonsense);
  }
  const unknown = JSON.stringify({ migrationId: 'node-hello-world', candidate: { id: 'beta' }, steps: [{ name: 'polish', type: 'polish' }] });
  const refused = await fetch(`${base}/dry-run`, { method: 'POST', body: unknown, headers: {
    authorization: `Bearer ${await keys.signRequest('node-hello', 'POST', '/dry-run', unknown)}` } });
  assert.equal(refused.status, 422);
  assert.equal((await refused.json()).error.code, 'unknown_step_type');

  const unsigned = await fetch(`${base}/dry-run`, { method: 'POST', body: request, headers: { 'content-type': 'application/json' } });
  assert.equal(unsigned.status, 401);
  const otherBody = await fetch(`${base}/dry-run`, { method: 'POST', body: `${request} `, headers: {
    authorization: `Bearer ${await keys.signRequest('node-hello', 'POST', '/dry-run', request)}` } });
  assert.equal(otherBody.status, 401);
});

test('discovery is triggered only by a request the platform signed', async () => {
  const before = migrator.discoveryRuns();
  assert.equal((await fetch(`${base}/discover`, { method: 'POST' })).status, 401);
  const signed = await fetch(`${base}/discover`, { method: 'POST', body: '',
    headers: { authorization: `Bearer ${await keys.signRequest('node-hello', 'POST', '/discover', '')}` } });
  assert.equal(signed.status, 202);
  assert.ok(migrator.discoveryRuns() >= before);
  assert.equal((await fetch(`${base}/observe/health`)).status, 204);
});
