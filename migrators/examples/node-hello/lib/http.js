import http from 'node:http';
import { ApiError } from './errors.js';
import { log } from './log.js';

/** The largest body a route reads, as the platform's servers (10 MiB). */
const MAX_BODY = 10 * 1024 * 1024;

/**
 * A plain node:http server over a table of routes: { 'POST /steps': handler, ... }. A handler gets
 * { headers, body (a Buffer) } and returns { status, json } or throws an ApiError; anything else thrown is logged and
 * answered 500 without details.
 */
export function serve(routes, { host, port }) {
  const paths = new Map();
  for (const key of Object.keys(routes)) {
    const [method, path] = key.split(' ');
    paths.set(path, [...(paths.get(path) ?? []), method]);
  }
  const server = http.createServer(async (req, res) => {
    try {
      const path = new URL(req.url, 'http://migrator').pathname;
      const handler = routes[`${req.method} ${path}`];
      if (!handler) {
        const allowed = paths.get(path);
        if (allowed) {
          throw new ApiError(405, 'method_not_allowed', `${path} answers ${allowed.join(', ')}`, { allow: allowed.join(', ') });
        }
        throw new ApiError(404, 'route_not_found', `no route ${req.method} ${path}`);
      }
      const body = await readBody(req);
      const answer = await handler({ headers: req.headers, body });
      send(res, answer.status, answer.json, answer.headers);
    } catch (e) {
      if (e instanceof ApiError) {
        send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
      } else {
        log.error(`${req.method} ${req.url} failed: ${e.stack ?? e}`);
        send(res, 500, { error: { code: 'internal_error', message: 'the migrator failed; see its log' } });
      }
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) {
      reject(new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY} bytes`));
      req.resume();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, json, headers = {}) {
  if (res.headersSent) {
    return;
  }
  if (json === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/** The bearer token of a request, or a 401 missing_credential / invalid_credential. */
export function bearerToken(headers, unauthenticated) {
  const header = headers.authorization;
  if (!header) {
    throw unauthenticated('missing_credential', 'this route needs Authorization: Bearer <the platform\'s signature>');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw unauthenticated('invalid_credential', 'the credential is not Bearer <JWT>');
  }
  return match[1];
}
