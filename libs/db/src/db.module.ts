import { DynamicModule, Global, Module } from '@nestjs/common';
import { PgPool } from './pg-pool';
import { PrismaService, type PrismaOptions } from './prisma.service';

@Global()
@Module({})
export class DbModule {
  static forRoot(options: PrismaOptions): DynamicModule {
    return {
      module: DbModule,
      providers: [
        { provide: PrismaService, useFactory: () => new PrismaService(options) },
        { provide: PgPool, useFactory: () => new PgPool(options) },
      ],
      exports: [PrismaService, PgPool],
    };
  }
}
