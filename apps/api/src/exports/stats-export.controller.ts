import { Controller, Get, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { CsvValue } from '@retell-ops/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { StatsQuery } from '../dialer/dial.dto';
import { DialerService } from '../dialer/dialer.service';
import { csvDownload } from './csv-download';

export const STATS_EXPORT_HEADER = [
  'day',
  'calls',
  'completed',
  'failed',
  'successful',
  'analysed',
  'successRate',
  'avgDurationMs',
  'costCents',
  'avgCostCents',
] as const;

/** GET /api/v1/stats per day as CSV: the same report (and filters) as the stats route, one line per UTC day. */
@ApiTags('dialer')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/stats')
export class StatsExportController {
  constructor(private readonly dialer: DialerService) {}

  @Get('export.csv')
  @RequirePermission('stats:read')
  @ApiOperation({ summary: 'The stats by UTC day as a CSV download (same filters as GET /api/v1/stats)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv, one header line then one line per day with calls' })
  async export(@CurrentPrincipal() p: Principal, @Query() q: StatsQuery): Promise<StreamableFile> {
    const report = await this.dialer.stats(p.tenantId, q);
    const rows: CsvValue[][] = report.byDay.map((d) => [
      d.day,
      d.calls,
      d.completed,
      d.failed,
      d.successful,
      d.analysed,
      d.successRate,
      d.avgDurationMs,
      d.costCents,
      d.avgCostCents,
    ]);
    return csvDownload(
      'stats.csv',
      STATS_EXPORT_HEADER,
      (async function* () {
        yield rows;
      })(),
    );
  }
}
