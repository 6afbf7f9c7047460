/** The package ships no types for `with-bindings`: it builds a Noble over any bindings object. */
declare module '@abandonware/noble/with-bindings' {
  import type { EventEmitter } from 'node:events';
  import type * as noble from '@abandonware/noble';
  function withBindings(bindings: EventEmitter): typeof noble;
  export = withBindings;
}
