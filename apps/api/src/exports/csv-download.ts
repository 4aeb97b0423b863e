import { StreamableFile } from '@nestjs/common';
import { csvLine, type CsvValue } from '@retell-ops/domain';
import { Readable } from 'node:stream';

/**
 * A CSV download built batch by batch: the next batch is read only when the client has taken
 * the last one (Readable.from pulls the generator on demand), so memory stays that of one batch
 * however many rows follow.
 */
export function csvDownload(fileName: string, header: readonly string[], batches: AsyncIterable<CsvValue[][]>): StreamableFile {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(header);
    for await (const rows of batches) {
      if (rows.length) yield rows.map(csvLine).join('');
    }
  }
  return new StreamableFile(Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 }), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${fileName}"`,
  });
}
