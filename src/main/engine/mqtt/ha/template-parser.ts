/**
 * The parser behind template.ts: Jinja2 expression text -> a small tree. Refuses (throws
 * Unsupported with the reason) every construct outside the supported forms, so nothing unknown
 * ever reaches the evaluator.
 */

export type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'var'; name: 'value' | 'value_json' }
  | { t: 'get'; obj: Node; key: Node }
  | { t: 'filter'; arg: Node; name: string; args: Node[] }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'neg'; e: Node };

type Token = { k: 'num' | 'str' | 'id' | 'op'; v: string };

const MAX_DEPTH = 32;
export const FILTERS = new Set([
  'float',
  'int',
  'round',
  'default',
  'd',
  'lower',
  'upper',
  'abs',
  'string',
  'trim',
  'is_defined',
]);

/** A construct the evaluator does not support; the message is the reason shown to the user. */
export class Unsupported extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new Unsupported('an unterminated string');
      const body = src.slice(i + 1, end);
      if (body.includes('\\')) throw new Unsupported('escapes in strings are not supported');
      out.push({ k: 'str', v: body });
      i = end + 1;
      continue;
    }
    // Comparisons are tokenized only so the refusal can name the construct they belong to.
    const two = src.slice(i, i + 2);
    if (['//', '==', '!=', '<=', '>='].includes(two)) {
      out.push({ k: 'op', v: two });
      i += 2;
      continue;
    }
    if ('.[]()|+-*/%,<>~'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    throw new Unsupported(`the character '${c}'`);
  }
  return out;
}

export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const isOp = (v: string) => peek()?.k === 'op' && peek()?.v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Unsupported(`expected '${v}'`);
    pos++;
  };

  const additive = (d: number): Node => {
    if (d > MAX_DEPTH) throw new Unsupported('nested too deeply');
    let l = multiplicative(d);
    while (isOp('+') || isOp('-')) {
      const op = toks[pos++].v;
      l = { t: 'bin', op, l, r: multiplicative(d) };
    }
    return l;
  };
  const multiplicative = (d: number): Node => {
    let l = unary(d);
    while (isOp('*') || isOp('/') || isOp('//') || isOp('%')) {
      const op = toks[pos++].v;
      l = { t: 'bin', op, l, r: unary(d) };
    }
    return l;
  };
  const unary = (d: number): Node => {
    if (isOp('-')) {
      pos++;
      return { t: 'neg', e: unary(d + 1) };
    }
    if (isOp('+')) {
      pos++;
      return unary(d + 1);
    }
    return filtered(d);
  };
  // Filters bind tighter than arithmetic, as in Jinja: `value | float * 10` is (value|float)*10.
  const filtered = (d: number): Node => {
    let node = postfix(d);
    while (isOp('|')) {
      pos++;
      const name = peek();
      if (name?.k !== 'id') throw new Unsupported('expected a filter name');
      pos++;
      if (!FILTERS.has(name.v)) throw new Unsupported(`the filter '${name.v}'`);
      const args: Node[] = [];
      if (isOp('(')) {
        pos++;
        while (!isOp(')')) {
          if (peek()?.k === 'id' && toks[pos + 1]?.v === '=')
            throw new Unsupported('keyword arguments');
          args.push(additive(d + 1));
          if (isOp(',')) pos++;
          else if (!isOp(')')) throw new Unsupported("expected ',' or ')'");
        }
        pos++;
      }
      node = { t: 'filter', arg: node, name: name.v, args };
    }
    return node;
  };
  const postfix = (d: number): Node => {
    let node = primary(d);
    for (;;) {
      if (isOp('.')) {
        pos++;
        const key = peek();
        if (key?.k !== 'id' && key?.k !== 'num') throw new Unsupported('expected a key after .');
        pos++;
        if (isOp('(')) throw new Unsupported(`calling the method '${key.v}'`);
        if (key.v.startsWith('__')) throw new Unsupported(`the private attribute '${key.v}'`);
        node = { t: 'get', obj: node, key: { t: 'lit', v: key.k === 'num' ? +key.v : key.v } };
      } else if (isOp('[')) {
        pos++;
        const key = additive(d + 1);
        expect(']');
        node = { t: 'get', obj: node, key };
      } else if (isOp('(')) {
        throw new Unsupported('function calls');
      } else return node;
    }
  };
  const primary = (d: number): Node => {
    const tok = peek();
    if (!tok) throw new Unsupported('an empty expression');
    pos++;
    if (tok.k === 'num') return { t: 'lit', v: Number(tok.v) };
    if (tok.k === 'str') return { t: 'lit', v: tok.v };
    if (tok.k === 'id') {
      if (tok.v === 'value' || tok.v === 'value_json') return { t: 'var', name: tok.v };
      if (tok.v === 'true' || tok.v === 'True') return { t: 'lit', v: true };
      if (tok.v === 'false' || tok.v === 'False') return { t: 'lit', v: false };
      if (tok.v === 'none' || tok.v === 'None') return { t: 'lit', v: null };
      if (isOp('(')) throw new Unsupported(`the function '${tok.v}()'`);
      throw new Unsupported(`the name '${tok.v}'`);
    }
    if (tok.v === '(') {
      const e = additive(d + 1);
      expect(')');
      return e;
    }
    throw new Unsupported(`'${tok.v}'`);
  };

  const node = additive(0);
  if (pos < toks.length) {
    const t = toks[pos];
    if (t.k === 'id' && ['if', 'and', 'or', 'not', 'in', 'is'].includes(t.v))
      throw new Unsupported(`the operator '${t.v}'`);
    throw new Unsupported(`unexpected '${t.v}'`);
  }
  return node;
}
