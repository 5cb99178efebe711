// One line per event on stderr: a level, then what happened. A log collector reads it as text.
function write(level, message) {
  process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
}

export const log = {
  debug: (message) => process.env.DROVER_DEBUG && write('DEBUG', message),
  info: (message) => write('INFO', message),
  warn: (message) => write('WARN', message),
  error: (message) => write('ERROR', message),
};

/** Untrusted text for a log line or an error message: no control characters, at most 120 characters. */
export function abbreviate(text) {
  if (text === undefined || text === null) {
    return '';
  }
  const printable = String(text).replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 120 ? `${printable.slice(0, 120)}...` : printable;
}
