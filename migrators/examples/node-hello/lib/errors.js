// The answers a migrator's routes give, in the platform's error shape: {"error": {"code", "message"}}.

export class ApiError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (code, message) => new ApiError(400, code, message);

/** 401 with RFC 6750's challenge, as the platform answers. */
export function unauthenticated(code, message) {
  return new ApiError(401, code, message, { 'www-authenticate': 'Bearer realm="drover", error="invalid_token"' });
}

export const unprocessable = (code, message) => new ApiError(422, code, message);

/** 503: the sender (a broker, the platform) tries again later. */
export const unavailable = (code, message) => new ApiError(503, code, `${message}; retry later`, { 'retry-after': '5' });
