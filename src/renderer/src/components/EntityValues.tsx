import type { Device } from '../../../shared/model';
import {
  binaryClassOf,
  entityLabel,
  formatValue,
  metricUnit,
  type ValueEntity,
} from '../store/primary';

/** The latest value of each of a device's entities, named, with its unit. */
export function EntityValues({
  device,
  entities,
  className,
}: {
  device: Device;
  entities: ValueEntity[];
  className: string;
}) {
  return (
    <dl className={className}>
      {entities.map((e) => {
        const lv = device.latest[e.key];
        return (
          <div key={e.key} className="value" data-metric={e.metric} data-entity={e.key}>
            <dt>{entityLabel(device, e)}</dt>
            <dd>
              <span className="num">
                {lv?.status && lv.status !== 'ok'
                  ? lv.status
                  : formatValue(lv?.value, e.metric, binaryClassOf(device, e))}
              </span>{' '}
              <span className="unit">
                {e.metric === 'state' ? '' : lv?.unit || e.unit || metricUnit(e.metric)}
              </span>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
