/**
 * Structured logging: one JSON object per line. Fields whose names look like credentials are
 * replaced before serialisation so a careless call site cannot leak the app secret or a signature.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface RealtimeLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SENSITIVE_FIELD = /secret|signature|password|token|^auth$|authorization|cookie/i;
export const REDACTED = "[redacted]";

export function redactFields(fields: LogFields): LogFields {
  const safe: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (SENSITIVE_FIELD.test(name)) {
      safe[name] = REDACTED;
    } else if (value instanceof Error) {
      safe[name] = { name: value.name, message: value.message };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      safe[name] = redactFields(value as LogFields);
    } else {
      safe[name] = value;
    }
  }
  return safe;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
}

export function createJsonLogger(options: JsonLoggerOptions = {}): RealtimeLogger {
  const minimumRank = LEVEL_RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < minimumRank) return;
    const entry = { time: new Date().toISOString(), level, msg: message, ...(fields ? redactFields(fields) : {}) };
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
  };
}

const ignore = () => {};
export const silentLogger: RealtimeLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
