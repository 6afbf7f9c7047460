/** What every scripted device of the simulated home is, apart from the home that runs them. */
export type SimPublish = (topic: string, payload: string, retain: boolean) => void;

/** Who the simulated devices say made them (abbreviated device keys: manufacturer, software). */
export const SIM_DEV = { mf: 'Homebeat Sim', sw: '1.0' };

export interface SimDevice {
  readonly id: string;
  announce(pub: SimPublish): void;
  commandTopics(): string[];
  onCommand(topic: string, payload: string, pub: SimPublish, muted: (id: string) => boolean): void;
  tick(n: number, pub: SimPublish): void;
}
