/** Injection tokens shared by the services' modules. */
export const EVENT_BUS = Symbol.for('observatoire.EventBus');
export const LOGGER = Symbol.for('observatoire.Logger');
