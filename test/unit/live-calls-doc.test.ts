import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_ALIASES, TOOL_PARAMETERS, TOOLS } from '@retell-ops/recruiting';

/** docs/live-calls.md shows each tool's parameter schema and URL: they must be the ones the gateway checks. */
describe('docs/live-calls.md', () => {
  const doc = readFileSync(join(__dirname, '../../docs/live-calls.md'), 'utf8');

  it.each(TOOLS)('shows the parameters of %s exactly as TOOL_PARAMETERS has them', (tool) => {
    const block = new RegExp(`#### \`${tool}\`\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1])).toEqual(TOOL_PARAMETERS[tool]);
  });

  it('names every tool and alias and the URL of each tool', () => {
    for (const name of Object.keys(TOOL_ALIASES)) expect(doc).toContain(`\`${name}\``);
    for (const tool of TOOLS) expect(doc).toContain(`/webhooks/retell/tools/<tenant-slug>/${tool}`);
  });
});
