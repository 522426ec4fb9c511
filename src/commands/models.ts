import Table from 'cli-table3';
import { write, type Io } from '../io.js';
import { EXIT } from '../errors.js';
import { listModels, priceDataInfo } from '../cost/prices.js';

export interface ModelsFlags {
  json?: boolean;
}

/** $ per million tokens, as precise as the data (prices like 0.075 matter). */
function perMtok(value: number | null): string {
  return value === null ? 'n/a' : `$${Number(value.toPrecision(6))}`;
}

function tokens(value: number | null): string {
  return value === null ? 'n/a' : value.toLocaleString('en-US');
}

/**
 * `aijourney models [filter]`: the models with known prices in the bundled data (filtered by a
 * case-insensitive substring of provider or model), with the data's source and date.
 */
export async function runModelsCommand(filter: string | undefined, flags: ModelsFlags, io: Io): Promise<number> {
  const rows = listModels(filter);
  const data = priceDataInfo();
  if (flags.json) {
    await write(io.stdout, `${JSON.stringify({ priceData: data, filter: filter ?? null, models: rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  const source = `Prices: ${data.source} ${data.version}${data.date ? ` (data of ${data.date})` : ' (undated)'}; USD per million tokens, base tier, in effect now.`;
  if (rows.length === 0) {
    await write(io.stdout, `No model matches "${filter ?? ''}".\n${source}\n`);
    return EXIT.ok;
  }
  const table = new Table({ head: ['provider', 'model', 'input $/Mtok', 'output $/Mtok', 'context'], style: { head: [], border: [] } });
  for (const row of rows) table.push([row.provider, row.model, perMtok(row.inputPerMtok), perMtok(row.outputPerMtok), tokens(row.contextWindow)]);
  const hint = 'Use a model in a task as `<provider>:<model>` (openai and anthropic, or any OpenAI-compatible server with `type: openai` and `base_url`).';
  await write(io.stdout, `${table.toString()}\n${rows.length} model(s). ${source}\n${hint}\n`);
  return EXIT.ok;
}
