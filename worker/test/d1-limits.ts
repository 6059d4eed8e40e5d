/**
 * @module Production D1's limits, enforced on the local D1 the tests run against. Miniflare's SQLite allows
 * 32,766 bound parameters and 50,000-byte LIKE patterns; D1 allows 100 and 50
 * (https://developers.cloudflare.com/d1/platform/limits/), so a query that passes every test could still
 * answer 500 in production ("too many SQL variables", "LIKE or GLOB pattern too complex").
 *
 * `installD1Limits` patches the D1 binding's classes inside the test isolate. The app, its Durable Object
 * and the scheduled handler all run in that isolate and reach D1 through `env.DB`, whose statements are
 * instances of the same classes, so every statement is checked: drizzle's (prepare, then bind at
 * execution), raw `prepare().bind()`, and each statement of a `batch`. A statement over a limit throws when
 * it is bound, naming the limit and the SQL, and the error is logged too because a route turns it into an
 * opaque 500. While a test watches (watchD1Statements), it also keeps the SQL of each statement prepared.
 */

/** D1: at most 100 bound parameters per query. */
export const D1_MAX_BOUND_PARAMETERS = 100;
/** D1: a LIKE or GLOB pattern is at most 50 bytes. */
export const D1_MAX_PATTERN_BYTES = 50;
/** D1: an SQL statement is at most 100 KB. */
export const D1_MAX_STATEMENT_BYTES = 100_000;

type Token =
  | { kind: "param"; index: number }
  | { kind: "string"; value: string }
  | { kind: "word"; value: string }
  | { kind: "op"; value: string };

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text).length;

/**
 * The tokens that matter for the checks: placeholders (numbered as SQLite numbers them: `?` takes the next
 * number, `?NNN` its own), string literals, words and operators. Quoted identifiers and comments are skipped.
 */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let next = 1;
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql.charAt(i + 1) === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === "/" && sql.charAt(i + 1) === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let value = "";
      let j = i + 1;
      while (j < sql.length) {
        if (sql.charAt(j) === close) {
          // A doubled quote is the quote itself, inside the literal.
          if (close !== "]" && sql.charAt(j + 1) === close) {
            value += close;
            j += 2;
            continue;
          }
          break;
        }
        value += sql.charAt(j);
        j++;
      }
      if (c === "'") tokens.push({ kind: "string", value });
      else tokens.push({ kind: "word", value });
      i = j + 1;
    } else if (c === "?") {
      const digits = /^\d*/.exec(sql.slice(i + 1))?.[0] ?? "";
      const index = digits === "" ? next : Number(digits);
      next = Math.max(next, index + 1);
      tokens.push({ kind: "param", index });
      i += 1 + digits.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_0-9$]+/.exec(sql.slice(i))?.[0] ?? c;
      tokens.push({ kind: "word", value: word });
      i += word.length;
    } else if (c === "|" && sql.charAt(i + 1) === "|") {
      tokens.push({ kind: "op", value: "||" });
      i += 2;
    } else {
      tokens.push({ kind: "op", value: c });
      i++;
    }
  }
  return tokens;
}

/** A bound value as SQLite reads it into a pattern. */
function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

/**
 * Why this statement would fail on production D1, or undefined when it would not.
 * @param sql the statement as prepared
 * @param params the values bound to it
 */
export function d1LimitViolation(sql: string, params: readonly unknown[]): string | undefined {
  if (params.length > D1_MAX_BOUND_PARAMETERS) {
    return `${params.length} bound parameters (D1 allows ${D1_MAX_BOUND_PARAMETERS})`;
  }
  if (bytes(sql) > D1_MAX_STATEMENT_BYTES) {
    return `a ${bytes(sql)}-byte statement (D1 allows ${D1_MAX_STATEMENT_BYTES})`;
  }
  const tokens = tokenize(sql);
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token?.kind !== "word" || !/^(like|glob)$/i.test(token.value)) continue;
    // The pattern is the operand after LIKE: a literal, a parameter, or a || chain of them.
    // A part built from a column or a function cannot be known here; the parts that can are counted.
    let pattern = "";
    let j = t + 1;
    for (;;) {
      const operand = tokens[j];
      if (operand?.kind === "string") pattern += operand.value;
      else if (operand?.kind === "param") pattern += asText(params[operand.index - 1]) ?? "";
      else break;
      const joiner = tokens[j + 1];
      if (joiner?.kind !== "op" || joiner.value !== "||") break;
      j += 2;
    }
    if (bytes(pattern) > D1_MAX_PATTERN_BYTES) {
      return `a ${bytes(pattern)}-byte ${token.value.toUpperCase()} pattern "${pattern}" (D1 allows ${D1_MAX_PATTERN_BYTES})`;
    }
  }
  return undefined;
}

/** An error naming the limit and the statement, logged first: a route would show only a 500. */
function limitError(sql: string, violation: string) {
  const message = `D1 limit exceeded: ${violation} in: ${sql}`;
  console.error(message);
  return new Error(message);
}

type Prepare = (this: D1Database, query: string) => D1PreparedStatement;
type Bind = (this: D1PreparedStatement, ...values: unknown[]) => D1PreparedStatement;

const sqlOf = new WeakMap<object, string>();
let checked = 0;
let installed = false;

const prepared: string[] = [];
let watching = 0;

/**
 * The SQL of every statement prepared from now until `stop()`, so a test can see which queries a request
 * and its waitUntil work made (and that a step with nothing to do made none).
 */
export function watchD1Statements() {
  const from = prepared.length;
  watching++;
  return {
    stop: () => {
      watching--;
      return prepared.splice(from);
    },
  };
}

/** How many statements the checker has seen, so a test can prove requests pass through it. */
export function d1StatementsChecked() {
  return checked;
}

/**
 * Patches the classes behind `db` (D1Database and D1PreparedStatement) once per isolate.
 * @param db any D1 binding of the isolate, e.g. `env.DB` in the setup file
 */
export function installD1Limits(db: D1Database) {
  if (installed) return;
  installed = true;
  const databaseProto = Object.getPrototypeOf(db) as { prepare: Prepare };
  const originalPrepare = databaseProto.prepare;
  const probe = originalPrepare.call(db, "select 1");
  const statementProto = Object.getPrototypeOf(probe) as { bind: Bind };
  const originalBind = statementProto.bind;

  databaseProto.prepare = function prepare(this: D1Database, query: string) {
    checked++;
    const violation = d1LimitViolation(query, []);
    if (violation) throw limitError(query, violation);
    const statement = originalPrepare.call(this, query);
    if (watching > 0) prepared.push(query);
    sqlOf.set(statement, query);
    return statement;
  };
  statementProto.bind = function bind(this: D1PreparedStatement, ...values: unknown[]) {
    checked++;
    const query = sqlOf.get(this) ?? "(unknown statement)";
    const violation = d1LimitViolation(query, values);
    if (violation) throw limitError(query, violation);
    const statement = originalBind.apply(this, values);
    sqlOf.set(statement, query);
    return statement;
  };
}
