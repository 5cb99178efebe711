import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { generateKeyPair } from 'jose';
import { dataDigest, KeysUnavailable, ProofRefused, verifier } from '../lib/signatures.js';
import { fixed } from '../lib/tokens.js';
import { platformKeys } from './platform-keys.js';

const TYPE = 'dev.drover.step.dispatched';
const data = { runId: 'run-1', dispatch: 1, step: { name: 'greet', type: 'greet', config: {} } };

test('a step event signed by the platform for this app, over its id, type and data, verifies', async () => {
  const keys = await platformKeys();
  const jws = await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data);
  await verifier('node-hello', { jwks: keys.jwks }).verifyEvent(jws, 'run-1/greet/1', TYPE, data);
});

test('the data digest is over the canonical form: a bus that reorders keys or rewrites 1.0 as 1 changes nothing', () => {
  assert.equal(dataDigest(JSON.parse('{"b": 1.0, "a": "é"}')), dataDigest(JSON.parse('{"a":"\\u00e9","b":1}')));
});

test('what does not verify is refused: none, forged, another app, another event, other data, expired', async () => {
  const keys = await platformKeys();
  const forger = await generateKeyPair('ES256');
  const check = verifier('node-hello', { jwks: keys.jwks });
  const refused = async (jws, id = 'run-1/greet/1', payload = data) => assert.rejects(
    check.verifyEvent(jws, id, TYPE, payload), ProofRefused);
  await refused(undefined);
  await refused('not.a.jws');
  await refused(await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data, { key: forger.privateKey }));
  await refused(await keys.signEvent('run-1/greet/1', TYPE, 'other-app', data));
  await refused(await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data), 'run-1/greet/2');
  await refused(await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data), 'run-1/greet/1', { ...data, runId: 'run-2' });
  await refused(await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data, { lifetime: '-2h' }));
});

test("a request's signature binds method, path and the body's exact bytes, and its type", async () => {
  const keys = await platformKeys();
  const check = verifier('node-hello', { jwks: keys.jwks });
  const body = Buffer.from('{"migrationId":"m"}');
  const jws = await keys.signRequest('node-hello', 'POST', '/dry-run', body);
  await check.verifyRequest(jws, 'POST', '/dry-run', body);
  await assert.rejects(check.verifyRequest(jws, 'POST', '/discover', body), ProofRefused);
  await assert.rejects(check.verifyRequest(jws, 'POST', '/dry-run', Buffer.from('{"migrationId": "m"}')), ProofRefused);
  // An event's signature is no request's, whatever it holds.
  const event = await keys.signEvent('x', TYPE, 'node-hello', {});
  await assert.rejects(check.verifyRequest(event, 'POST', '/dry-run', body), ProofRefused);
});

test("the platform's keys are fetched with the migrator's bearer; keys that cannot be had are unavailable, not refused", async () => {
  const keys = await platformKeys();
  const seen = [];
  let up = true;
  const platform = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (!up) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(keys.jwks));
  });
  await new Promise((resolve) => platform.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${platform.address().port}/platform/keys`;
    const jws = await keys.signEvent('run-1/greet/1', TYPE, 'node-hello', data);
    await verifier('node-hello', { keysUrl: url, tokens: fixed('migrator-token') }).verifyEvent(jws, 'run-1/greet/1', TYPE, data);
    assert.deepEqual(seen, ['Bearer migrator-token']);
    up = false;
    await assert.rejects(verifier('node-hello', { keysUrl: url, tokens: fixed('t') }).verifyEvent(jws, 'run-1/greet/1', TYPE, data),
      KeysUnavailable);
  } finally {
    platform.close();
  }
});
