export * from './event-bus/event-bus.port';
export * from './event-bus/retry-policy';
export * from './event-bus/headers';
export * from './event-bus/embedded/embedded-event-log';
export * from './event-bus/kafka/kafka-event-bus';
