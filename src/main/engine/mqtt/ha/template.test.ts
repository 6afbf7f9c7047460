import { describe, expect, it } from 'vitest';
import { compileTemplate, roundTo } from './template.js';

function render(src: string, value: unknown): unknown {
  const c = compileTemplate(src);
  if (!c.ok) throw new Error(`refused: ${c.reason}`);
  const r = c.template.render(value);
  if (!r.ok) throw new Error(`failed: ${r.reason}`);
  return r.value;
}

function refusal(src: string): string {
  const c = compileTemplate(src);
  if (c.ok) throw new Error(`accepted ${src}`);
  return c.reason;
}

describe('template evaluator', () => {
  it('reads value and value_json paths in dot and bracket spelling', () => {
    expect(render('{{ value }}', 'ON')).toBe('ON');
    expect(render('{{value_json.temperature}}', '{"temperature": 21.5}')).toBe(21.5);
    expect(render("{{ value_json['sensor'].t }}", '{"sensor": {"t": 3}}')).toBe(3);
    expect(render('{{ value_json["a b"][1] }}', '{"a b": [5, 6]}')).toBe(6);
    expect(render('{{ value_json.list[-1] }}', '{"list": [1, 2, 9]}')).toBe(9);
    expect(render('{{- value_json.x -}}', '{"x": "y"}')).toBe('y');
  });

  it('applies float, int, round, default, lower, upper and is_defined', () => {
    expect(render('{{ value | float }}', ' 21.75 ')).toBe(21.75);
    expect(render('{{ value | int }}', '21.75')).toBe(21);
    expect(render('{{ value_json.t | float | round(1) }}', '{"t": "21.76"}')).toBe(21.8);
    expect(render('{{ value | round }}', '2.5')).toBe(2);
    expect(render('{{ value | round(0, "ceil") }}', '2.1')).toBe(3);
    expect(render('{{ value_json.missing | default(7) }}', '{}')).toBe(7);
    expect(render('{{ value_json.missing | d("x") }}', '{}')).toBe('x');
    expect(render('{{ value | lower }}', 'OPEN')).toBe('open');
    expect(render('{{ value_json.state | upper }}', '{"state":"on"}')).toBe('ON');
    expect(render('{{ value | float("bad") }}', 'abc')).toBe('bad');
    expect(render('{{ value_json.x | is_defined }}', '{"x": 0}')).toBe(0);
  });

  it('does simple arithmetic with Jinja precedence (filters bind tighter)', () => {
    expect(render('{{ value | float * 10 }}', '2.5')).toBe(25);
    expect(render('{{ (value | float / 10) | round(1) }}', '215')).toBe(21.5);
    expect(render('{{ value_json.bri / 255 * 100 }}', '{"bri": 255}')).toBe(100);
    expect(render('{{ -value_json.v + 1 }}', '{"v": 3}')).toBe(-2);
    expect(render('{{ value | int // 2 }}', '7')).toBe(3);
    expect(render('{{ value | int % 4 }}', '7')).toBe(3);
  });

  it('renders text around expressions the way Python prints', () => {
    expect(render('{"state": "{{ value }}"}', 'ON')).toBe('{"state": "ON"}');
    expect(render('{"b": {{ value }}}', 40)).toBe('{"b": 40}');
    expect(render('{{ value_json.on }}!', '{"on": true}')).toBe('True!');
  });

  it('fails a render cleanly when the payload does not fit', () => {
    const t = compileTemplate('{{ value_json.t | float }}');
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.template.render('not json')).toEqual({ ok: false, reason: 'the payload is not JSON' });
    expect(t.template.render('{"t": "warm"}').ok).toBe(false);
    expect(t.template.render('{}').ok).toBe(false);
    const undef = compileTemplate('{{ value_json.x | is_defined }}');
    expect(undef.ok && undef.template.render('{}').ok).toBe(false);
    const proto = compileTemplate('{{ value_json.__proto__ }}');
    expect(proto.ok && proto.template.render('{}').ok).toBe(false);
    const math = compileTemplate('{{ value + 1 }}');
    expect(math.ok && math.template.render('1').ok).toBe(false);
  });

  it('refuses everything it does not understand, never executing it', () => {
    expect(refusal('{% if value == "1" %}ON{% else %}OFF{% endif %}')).toMatch(/statements/);
    expect(refusal("{{ states('sensor.x') }}")).toMatch(/function 'states\(\)'/);
    expect(refusal('{{ value.split(",")[0] }}')).toMatch(/method 'split'/);
    expect(refusal('{{ value | regex_replace("a", "b") }}')).toMatch(/filter 'regex_replace'/);
    expect(refusal("{{ 'on' if value_json.x > 1 else 'off' }}")).toMatch(/operator 'if'/);
    expect(refusal('{{ value == "1" }}')).toMatch(/unexpected '=='/);
    expect(refusal('{{ value_json.x is defined }}')).toMatch(/operator 'is'/);
    expect(refusal('{{ now() }}')).toMatch(/function/);
    expect(refusal('{{ value.__class__.__mro__ }}')).toBeTruthy();
    expect(refusal('{{ constructor.constructor("return process")() }}')).toBeTruthy();
    expect(refusal('{{ value }')).toMatch(/unclosed/);
    expect(refusal('{{ value ; 1 }}')).toMatch(/character/);
    expect(refusal('{# note #}{{ value }}')).toMatch(/comments/);
    expect(refusal('{{ ' + '('.repeat(100) + 'value' + ')'.repeat(100) + ' }}')).toMatch(/deep/);
  });

  it('rounds half to even like Python', () => {
    expect(roundTo(0.125, 2, 'common')).toBe(0.12);
    expect(roundTo(0.375, 2, 'common')).toBe(0.38);
    expect(roundTo(3.5, 0, 'common')).toBe(4);
    expect(roundTo(2.26, 1, 'floor')).toBe(2.2);
    expect(roundTo(2.26, 0, 'half')).toBe(2.5);
  });
});
