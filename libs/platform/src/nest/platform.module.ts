import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EventBus } from '../event-bus/event-bus.port';
import type { ObservatoireConfig } from '../config/config';
import { HealthRegistry, OpenApiRegistry, PlatformController } from './registries';
import { EVENT_BUS } from './tokens';
import { ADMIN_TOKENS } from './admin-auth.guard';
import { AdminAuthenticator } from './admin-authenticator';

export const OBSERVATOIRE_CONFIG = Symbol.for('observatoire.config');

/**
 * Global providers every service module relies on: the event bus, config, health and OpenAPI registries,
 * and the authenticator of the admin and upload surface (`AdminAuthGuard`).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: { bus: EventBus; config: ObservatoireConfig }): DynamicModule {
    const health = new HealthRegistry();
    health.register('eventBus', () => options.bus.health());
    // Down while a consumer holds a partition paused because its dependency (database, search engine…) is down.
    const consumers = options.bus as EventBus & { consumerHealth?: () => Promise<{ ok: boolean; detail: string }> };
    if (typeof consumers.consumerHealth === 'function') health.register('consumers', () => consumers.consumerHealth!());
    return {
      module: PlatformModule,
      controllers: [PlatformController],
      providers: [
        { provide: EVENT_BUS, useValue: options.bus },
        { provide: OBSERVATOIRE_CONFIG, useValue: options.config },
        { provide: HealthRegistry, useValue: health },
        OpenApiRegistry,
        { provide: ADMIN_TOKENS, useValue: options.config.adminTokens },
        { provide: AdminAuthenticator, useValue: AdminAuthenticator.fromConfig(options.config) },
      ],
      exports: [EVENT_BUS, OBSERVATOIRE_CONFIG, HealthRegistry, OpenApiRegistry, ADMIN_TOKENS, AdminAuthenticator],
    };
  }
}
