import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/shared/contract/index.js';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { RulesService } from '../../../src/main/engine/rules/rules-service.js';
import { startBle, type BleTest } from '../ble/helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

describe('a rule on a button', () => {
  it('a BTHome double press fires the rule made for it, through real noble', async () => {
    b = await startBle({
      settings: { paired: [{ id: A.climate, name: '', mode: 'keep' }] },
      extra: [(ctx, ble) => new RulesService(ctx, { ble })],
    });
    await b.request('saveRule', {
      rule: {
        name: 'Hall button',
        kind: 'event',
        deviceId: A.climate,
        source: 'button_1',
        event: 'double_press',
        actions: [{ type: 'notify', title: '{device}: {event} on {control}' }],
      },
    });
    b.world.climate.everyTicks = Number.MAX_SAFE_INTEGER;
    // A single press first (not this rule's), then a double press (BTHome v2, plain).
    b.world.climate.advertiseRaw(Buffer.from('40015a3a01', 'hex'));
    await b.waitLog(
      (e) => e.msg === 'BTHome event' && JSON.stringify(e.detail).includes('"press"'),
    );
    b.world.climate.advertiseRaw(Buffer.from('40015b3a02', 'hex'));
    const batch = await b.t.waitFor((x) => !!x.alerts?.length);
    const alerts = batch.alerts as Alert[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      ruleName: 'Hall button',
      deviceId: A.climate,
      title: 'HB Climate: double press on button 1',
    });
  });
});
