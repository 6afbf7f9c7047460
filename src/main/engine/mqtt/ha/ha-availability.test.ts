import { describe, expect, it } from 'vitest';
import { HaAvailabilityTracker } from './ha-availability.js';
import { parseConfigTopic, parseDiscoveryMessage } from './ha-config.js';
import { toEntity } from './ha-entity.js';

function entity(config: Record<string, unknown>) {
  const topic = 'homeassistant/switch/plug/relay/config';
  const msg = parseDiscoveryMessage(
    parseConfigTopic('homeassistant', topic)!,
    topic,
    JSON.stringify({ cmd_t: 'plug/relay/set', uniq_id: 'plug_relay', ...config }),
  );
  if (msg.kind !== 'entities') throw new Error(msg.kind);
  const r = toEntity(msg.entities[0]);
  if ('reason' in r) throw new Error(r.reason);
  return r.entity;
}

describe("Home Assistant availability, as Home Assistant's MQTT integration models it", () => {
  it('no availability: always available (nothing of its own)', () => {
    expect(new HaAvailabilityTracker().of(entity({}))).toEqual({});
  });

  it('availability_topic with its payloads: unavailable until it speaks, then what it says', () => {
    const e = entity({ avty_t: 'plug/LWT', pl_avail: 'Online', pl_not_avail: 'Offline' });
    const t = new HaAvailabilityTracker();
    expect(t.of(e)).toEqual({
      available: false,
      reason: 'no availability message yet (plug/LWT)',
    });
    expect(t.onMessage(e, 'plug/LWT', 'Offline')).toEqual({ ok: true });
    expect(t.of(e)).toEqual({ available: false, reason: 'plug/LWT says offline' });
    t.onMessage(e, 'plug/LWT', 'Online');
    expect(t.of(e)).toEqual({ available: true });
    expect(t.onMessage(e, 'plug/LWT', 'online')).toEqual({
      error: 'neither available nor not available',
    });
    expect(t.of(e).available).toBe(true);
  });

  it("list items have their own payloads (online/offline by default, not the top level's)", () => {
    const e = entity({
      pl_avail: 'Online',
      avty: [{ t: 'a/status' }, { t: 'b/status', pl_avail: 'up', pl_not_avail: 'down' }],
    });
    const t = new HaAvailabilityTracker();
    expect(t.onMessage(e, 'a/status', 'Online')).toHaveProperty('error');
    t.onMessage(e, 'a/status', 'online');
    expect(t.of(e).available).toBe(true);
    t.onMessage(e, 'b/status', 'down');
    // latest (the default): the last message on any topic decides.
    expect(t.of(e)).toEqual({ available: false, reason: 'b/status says offline' });
  });

  it('availability_mode all, any and latest', () => {
    const avty = [{ t: 'a' }, { t: 'b' }];
    const all = entity({ avty, avty_mode: 'all' });
    const any = entity({ avty, avty_mode: 'any' });
    const latest = entity({ avty });
    const t = new HaAvailabilityTracker();
    for (const e of [all, any, latest]) t.onMessage(e, 'a', 'online');
    expect(t.of(all)).toEqual({
      available: false,
      reason: 'b has said nothing yet (all must be online)',
    });
    expect(t.of(any)).toEqual({ available: true });
    expect(t.of(latest)).toEqual({ available: true });
    for (const e of [all, any, latest]) t.onMessage(e, 'b', 'offline');
    expect(t.of(all).reason).toBe('b says offline (all must be online)');
    expect(t.of(any)).toEqual({ available: true });
    expect(t.of(latest)).toEqual({ available: false, reason: 'b says offline' });
    for (const e of [all, any, latest]) t.onMessage(e, 'a', 'offline');
    expect(t.of(any)).toEqual({
      available: false,
      reason: 'none of its availability topics says online',
    });
  });

  it('value_template in a list item, availability_template at the top level', () => {
    const e = entity({
      avty: [{ t: 'z2m/plug/availability', val_tpl: '{{ value_json.state }}' }],
    });
    const t = new HaAvailabilityTracker();
    t.onMessage(e, 'z2m/plug/availability', '{"state":"online"}');
    expect(t.of(e).available).toBe(true);
    t.onMessage(e, 'z2m/plug/availability', '{"state":"offline"}');
    expect(t.of(e).available).toBe(false);
    expect(t.onMessage(e, 'z2m/plug/availability', 'not json')).toEqual({
      error: 'availability template: the payload is not JSON',
    });

    const top = entity({ avty_t: 'p/status', avty_tpl: '{{ value | lower }}' });
    t.onMessage(top, 'p/status', 'ONLINE');
    expect(t.of(top).available).toBe(true);
  });

  it('a topic listed twice is one (the last entry wins)', () => {
    const e = entity({
      avty_t: 'p/status',
      avty: [{ t: 'p/status', pl_avail: '1', pl_not_avail: '0' }],
      avty_mode: 'all',
    });
    expect(e.availability).toHaveLength(1);
    const t = new HaAvailabilityTracker();
    t.onMessage(e, 'p/status', '1');
    expect(t.of(e).available).toBe(true);
  });
});
