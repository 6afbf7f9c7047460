/**
 * A safe evaluator for the Jinja2 templates Home Assistant discovery configs carry
 * (`value_template`, `command_template`, ...). Only the common forms are understood:
 * `{{ value }}`, `{{ value_json.x }}`, `{{ value_json['x'].y[0] }}`, the filters float, int,
 * round(n[, method]), default/d, lower, upper, abs, string, trim, is_defined, and arithmetic
 * (+ - * / // %) on numbers. The template is parsed into a small tree and interpreted; nothing is
 * ever executed (no eval, no Function), and anything else is refused at compile time with a reason,
 * so the entity can be shown as "unsupported template" instead of silently misbehaving.
 */
import { parseExpression, Unsupported, type Node } from './template-parser.js';

export type Rendered = { ok: true; value: unknown } | { ok: false; reason: string };

export interface CompiledTemplate {
  readonly source: string;
  /** `value` is the raw payload (a string) or, for command templates, the value to send. */
  render(value: unknown): Rendered;
}

export type Compiled = { ok: true; template: CompiledTemplate } | { ok: false; reason: string };

/** Marks a missing key or index, as Jinja's Undefined does. */
const UNDEFINED: unique symbol = Symbol('undefined');

const MAX_SOURCE = 4096;

class RenderError extends Error {}

/** Compiles a template once; refuses (with the reason) anything outside the supported forms. */
export function compileTemplate(source: string): Compiled {
  try {
    if (source.length > MAX_SOURCE) throw new Unsupported(`longer than ${MAX_SOURCE} characters`);
    if (/\{%/.test(source)) throw new Unsupported('statements ({% ... %}) are not supported');
    if (/\{#/.test(source)) throw new Unsupported('comments ({# ... #}) are not supported');
    const parts: (string | Node)[] = [];
    let rest = source;
    while (rest.length) {
      const open = rest.indexOf('{{');
      if (open < 0) {
        parts.push(rest);
        break;
      }
      const close = rest.indexOf('}}', open + 2);
      if (close < 0) throw new Unsupported('an unclosed {{');
      if (open > 0) parts.push(rest.slice(0, open));
      const inner = rest
        .slice(open + 2, close)
        .replace(/^-/, '')
        .replace(/-$/, '');
      parts.push(parseExpression(inner));
      rest = rest.slice(close + 2);
    }
    // One expression and only whitespace around it: the value keeps its type (number, object...).
    const exprs = parts.filter((p): p is Node => typeof p !== 'string');
    const textOnly = parts.filter((p): p is string => typeof p === 'string').join('');
    const single = exprs.length === 1 && textOnly.trim() === '' ? exprs[0] : undefined;
    const template: CompiledTemplate = {
      source,
      render(value: unknown): Rendered {
        const scope = new Scope(value);
        try {
          if (single) return finish(evaluate(single, scope, 0));
          let out = '';
          for (const p of parts) {
            if (typeof p === 'string') out += p;
            else {
              const v = evaluate(p, scope, 0);
              if (v === UNDEFINED) throw new RenderError('the value is undefined');
              out += pyStr(v);
            }
          }
          return { ok: true, value: out };
        } catch (err) {
          if (err instanceof RenderError) return { ok: false, reason: err.message };
          throw err;
        }
      },
    };
    return { ok: true, template };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
}

function finish(v: unknown): Rendered {
  if (v === UNDEFINED) return { ok: false, reason: 'the value is undefined' };
  return { ok: true, value: v };
}

/** How Jinja (Python) prints a value into text. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

class Scope {
  private json: unknown = UNDEFINED;
  private parsed = false;
  constructor(readonly value: unknown) {}
  valueJson(): unknown {
    if (!this.parsed) {
      this.parsed = true;
      if (typeof this.value === 'string') {
        try {
          this.json = JSON.parse(this.value);
        } catch {
          this.json = UNDEFINED;
        }
      } else this.json = this.value;
    }
    if (this.json === UNDEFINED) throw new RenderError('the payload is not JSON');
    return this.json;
  }
}

// ---- evaluation ----

function evaluate(n: Node, s: Scope, d: number): unknown {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'var':
      return n.name === 'value' ? s.value : s.valueJson();
    case 'neg': {
      const v = evaluate(n.e, s, d + 1);
      if (typeof v !== 'number') throw new RenderError(`cannot negate ${describe(v)}`);
      return -v;
    }
    case 'get':
      return getItem(evaluate(n.obj, s, d + 1), evaluate(n.key, s, d + 1));
    case 'bin':
      return arithmetic(n.op, evaluate(n.l, s, d + 1), evaluate(n.r, s, d + 1));
    case 'filter':
      return applyFilter(
        n.name,
        evaluate(n.arg, s, d + 1),
        n.args.map((a) => evaluate(a, s, d + 1)),
      );
  }
}

function getItem(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj) && typeof key === 'number' && Number.isInteger(key)) {
    const i = key < 0 ? obj.length + key : key;
    return i >= 0 && i < obj.length ? obj[i] : UNDEFINED;
  }
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    const k = String(key);
    // Own keys only: a payload can never reach Object.prototype through '__proto__' and the like.
    return Object.hasOwn(obj, k) ? (obj as Record<string, unknown>)[k] : UNDEFINED;
  }
  return UNDEFINED;
}

function arithmetic(op: string, a: unknown, b: unknown): number {
  if (typeof a !== 'number' || typeof b !== 'number')
    throw new RenderError(`cannot compute ${describe(a)} ${op} ${describe(b)}`);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new RenderError('division by zero');
      return a / b;
    case '//':
      if (b === 0) throw new RenderError('division by zero');
      return Math.floor(a / b);
    default:
      if (b === 0) throw new RenderError('division by zero');
      return a - b * Math.floor(a / b);
  }
}

function describe(v: unknown): string {
  if (v === UNDEFINED) return 'an undefined value';
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

function toFloat(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
    return Number(t);
  }
  return undefined;
}

function applyFilter(name: string, v: unknown, args: unknown[]): unknown {
  const fallback = (what: string): unknown => {
    if (args.length > 0 && name !== 'round') return args[0];
    if (name === 'round' && args.length > 2) return args[2];
    throw new RenderError(`cannot convert ${describe(v)} to ${what}`);
  };
  switch (name) {
    case 'float': {
      const f = toFloat(v);
      return f === undefined ? fallback('a number') : f;
    }
    case 'int': {
      const f = toFloat(v);
      return f === undefined || !Number.isFinite(f) ? fallback('an integer') : Math.trunc(f);
    }
    case 'round': {
      const f = toFloat(v);
      if (f === undefined) return fallback('a number');
      const p = typeof args[0] === 'number' ? Math.max(0, Math.min(10, Math.trunc(args[0]))) : 0;
      return roundTo(f, p, typeof args[1] === 'string' ? args[1] : 'common');
    }
    case 'default':
    case 'd':
      return v === UNDEFINED || (args[1] === true && !v) ? (args[0] ?? '') : v;
    case 'is_defined':
      if (v === UNDEFINED) throw new RenderError('the value is undefined');
      return v;
    case 'lower':
      return pyStr(v === UNDEFINED ? '' : v).toLowerCase();
    case 'upper':
      return pyStr(v === UNDEFINED ? '' : v).toUpperCase();
    case 'trim':
      return pyStr(v === UNDEFINED ? '' : v).trim();
    case 'string':
      return pyStr(v === UNDEFINED ? '' : v);
    default: {
      // abs
      if (typeof v !== 'number') throw new RenderError(`abs of ${describe(v)}`);
      return Math.abs(v);
    }
  }
}

/** Home Assistant's round: Python's round-half-to-even by default; ceil, floor and half too. */
export function roundTo(x: number, precision: number, method: string): number {
  const m = 10 ** precision;
  if (method === 'ceil') return Math.ceil(x * m) / m;
  if (method === 'floor') return Math.floor(x * m) / m;
  if (method === 'half') return Math.round(x * 2) / 2;
  const y = x * m;
  if (Number.isInteger(y * 2) && !Number.isInteger(y)) {
    const f = Math.floor(y);
    return (f % 2 === 0 ? f : f + 1) / m;
  }
  return Number(x.toFixed(precision));
}
